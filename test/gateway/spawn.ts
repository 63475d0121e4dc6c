// Runs `bin/hostsig.js gateway` as a child process against a tiny node:http upstream that
// records every request it receives (method, raw target, raw headers, body bytes).
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { BIN } from '../cli/run.js';
import { REPO_ROOT } from '../helpers/wycheproof.js';

export interface Received {
  method: string;
  url: string;
  rawHeaders: string[];
  body: Buffer;
}

/** The headers of a received request, lowercased, every value of a repeated one kept. */
export function headersOf(r: Received): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (let i = 0; i < r.rawHeaders.length; i += 2) {
    const k = r.rawHeaders[i]!.toLowerCase();
    m.set(k, [...(m.get(k) ?? []), r.rawHeaders[i + 1]!]);
  }
  return m;
}

export interface Upstream {
  url: string;
  port: number;
  received: Received[];
  /** What the next requests get: default 200 `{"upstream":"ok"}`. */
  answer: (req: IncomingMessage, res: ServerResponse, body: Buffer) => void;
  close(): Promise<void>;
}

export const OK_ANSWER = (_req: IncomingMessage, res: ServerResponse): void => {
  res.writeHead(200, { 'content-type': 'application/json', 'x-upstream': 'yes' });
  res.end('{"upstream":"ok"}');
};

export async function startUpstream(): Promise<Upstream> {
  const up: Upstream = { url: '', port: 0, received: [], answer: OK_ANSWER, close: async () => {} };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      up.received.push({ method: req.method!, url: req.url!, rawHeaders: req.rawHeaders, body });
      up.answer(req, res, body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  up.port = (server.address() as AddressInfo).port;
  up.url = `http://127.0.0.1:${up.port}`;
  up.close = () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return up;
}

/** Writes a config (and side files) into a fresh folder; the config's path. */
export function writeConfig(cfg: unknown, files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'hostsig-gw-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const path = join(dir, 'gateway.json');
  writeFileSync(path, typeof cfg === 'string' ? cfg : JSON.stringify(cfg, null, 2));
  return path;
}

function env(extra: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const e: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', ...extra };
  for (const k of Object.keys(e)) if (e[k] === undefined) delete e[k];
  return e as NodeJS.ProcessEnv;
}

/** Runs the gateway to its exit (config errors): exit code and output. */
export function runGatewayOnce(configPath: string, extraEnv: Record<string, string | undefined> = {}, args: string[] = []): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, 'gateway', '--config', configPath, ...args], { cwd: REPO_ROOT, env: env(extraEnv), encoding: 'utf8', timeout: 20_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

// Whatever happens to a test (a time-out skips its finally), no gateway outlives the test
// process: its workers follow the primary (they drain and exit when it is gone).
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const p of running) p.kill('SIGKILL');
});

export interface Gateway {
  url: string;
  metrics: string | null;
  listening: { event: string; url: string; metrics: string | null; workers: number; redis: boolean };
  proc: ChildProcess;
  /** stdout lines so far (the listening line first). */
  out: string[];
  err: string[];
  /** Sends a signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /** Resolves with the first stdout line that matches (one already printed included). */
  waitFor(pred: (line: string) => boolean, ms?: number): Promise<string>;
}

export async function startGateway(cfg: unknown, opts: { env?: Record<string, string | undefined>; workers?: number; files?: Record<string, string> } = {}): Promise<Gateway> {
  const path = writeConfig(cfg, opts.files);
  const args = [BIN, 'gateway', '--config', path, ...(opts.workers ? ['--workers', String(opts.workers)] : [])];
  const proc = spawn(process.execPath, args, { cwd: REPO_ROOT, env: env(opts.env ?? {}), stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(proc);
  proc.once('exit', () => running.delete(proc));
  const out: string[] = [];
  const err: string[] = [];
  const waiters: { pred: (l: string) => boolean; resolve: (l: string) => void }[] = [];
  createInterface({ input: proc.stdout! }).on('line', (l) => {
    out.push(l);
    for (const w of [...waiters]) {
      if (!w.pred(l)) continue;
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(l);
    }
  });
  createInterface({ input: proc.stderr! }).on('line', (l) => err.push(l));
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  const waitFor = (pred: (l: string) => boolean, ms = 15_000): Promise<string> => {
    const hit = out.find(pred);
    if (hit !== undefined) return Promise.resolve(hit);
    return new Promise<string>((resolve, reject) => {
      waiters.push({ pred, resolve });
      setTimeout(() => reject(new Error(`no such line within ${ms} ms; stdout: ${out.join('\n')}; stderr: ${err.join('\n')}`)), ms).unref();
      void exited.then((c) => reject(new Error(`gateway exited (${c}); stderr: ${err.join('\n')}`)));
    });
  };
  const first = await waitFor((l) => l.includes('"event":"listening"'), 20_000);
  const listening = JSON.parse(first) as Gateway['listening'];
  return {
    url: listening.url,
    metrics: listening.metrics,
    listening,
    proc,
    out,
    err,
    waitFor,
    stop: (signal = 'SIGTERM') => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      return exited;
    },
  };
}

/** The request log lines (JSON objects with a `verdict`). */
export function requestLines(g: Gateway): Record<string, unknown>[] {
  return g.out.map((l) => JSON.parse(l) as Record<string, unknown>).filter((o) => 'verdict' in o);
}

/** Waits until `n` request lines were logged (each is written after its answer). */
export async function loggedRequests(g: Gateway, n: number, ms = 5000): Promise<Record<string, unknown>[]> {
  const until = Date.now() + ms;
  while (requestLines(g).length < n && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  return requestLines(g);
}
