// Real parts for the gateway tests: a redis-server, a Debian nginx run as a non-root-style
// instance in a temp dir, `hostsig gateway` as a child process (bin/hostsig.js -> dist/) and a
// small node:http upstream that records what reaches it. Every piece is torn down by `stop()`,
// which the tests call from afterAll whatever happened before.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { accessSync, chmodSync, constants, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, request as httpRequest, type Server } from 'node:http';
import { connect, createServer as createNetServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ping } from '../helpers/redis.js';

const HERE = dirname(fileURLToPath(import.meta.url));
export const REPO = join(HERE, '..', '..');
export const BIN = join(REPO, 'bin', 'hostsig.js');

// ---------------------------------------------------------------------------------------------
// What is installed

/** nginx's path: on PATH, or Debian's /usr/sbin/nginx (not on a non-root PATH). */
export function nginxPath(): string | null {
  for (const dir of [...(process.env.PATH ?? '').split(':').filter(Boolean), '/usr/sbin', '/usr/local/sbin']) {
    const p = join(dir, 'nginx');
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // next
    }
  }
  return null;
}

function runs(cmd: string, args: string[]): boolean {
  try {
    execFileSync(cmd, args, { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Why the real-parts tests cannot run here (null when they can): nginx, redis-server and php
 * are needed. Under CI (`process.env.CI`, where .ci/run installs them) a missing one throws, so
 * these tests can never be skipped silently there.
 */
export function missingRealParts(): string | null {
  const missing: string[] = [];
  if (!nginxPath()) missing.push('nginx');
  if (!runs('redis-server', ['--version'])) missing.push('redis-server');
  if (!runs('php', ['-r', 'echo 1;'])) missing.push('php');
  if (missing.length === 0) return null;
  const reason = `${missing.join(', ')} not found: the gateway's real-parts tests need them (.ci/run installs them)`;
  if (process.env.CI) throw new Error(`${reason}, and CI is set`);
  console.warn(`[skip] ${reason}`);
  return reason;
}

// ---------------------------------------------------------------------------------------------
// Small helpers

/** A free TCP port on 127.0.0.1 (bound, then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createNetServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `fn` until it returns a truthy value, or throws `what` after `ms`. */
export async function until<T>(what: string, fn: () => T | Promise<T>, ms = 15_000, every = 50): Promise<Exclude<T, false | null | undefined | 0 | ''>> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v as Exclude<T, false | null | undefined | 0 | ''>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(every);
  }
}

/** The pids whose parent is `ppid` (read from /proc: no pgrep needed). */
export function childPids(ppid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'latin1');
      // pid (comm) state ppid ...: comm may hold spaces and parentheses, so split after the last ')'.
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(rest[1]) === ppid && rest[0] !== 'Z') out.push(Number(name));
    } catch {
      // the process is gone
    }
  }
  return out.sort((a, b) => a - b);
}

/** Waits for a child to exit; SIGKILLs its process group when it outlives `ms`. */
async function reap(proc: ChildProcess, signal: NodeJS.Signals, ms: number): Promise<number | null> {
  if (proc.exitCode !== null || proc.signalCode !== null) return proc.exitCode;
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  try {
    proc.kill(signal);
  } catch {
    // already gone
  }
  const code = await Promise.race([exited, sleep(ms).then(() => 'late' as const)]);
  if (code !== 'late') return code;
  try {
    process.kill(-proc.pid!, 'SIGKILL');
  } catch {
    proc.kill('SIGKILL');
  }
  return exited;
}

// ---------------------------------------------------------------------------------------------
// Raw HTTP: one request, one answer (or the error), on a fresh connection

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Send {
  method?: string;
  path: string;
  headers?: Record<string, string | string[]>;
  body?: string | Buffer;
  timeoutMs?: number;
}

/**
 * One HTTP/1.1 request on its own connection (no agent, no pooling, no retry): exactly one
 * resolved Answer, or a rejection naming the socket error. Headers are sent as given (mixed case kept).
 */
export function send(port: number, req: Send): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const body = req.body === undefined ? undefined : Buffer.from(req.body);
    const headers: Record<string, string | string[]> = { connection: 'close', ...req.headers };
    if (body) headers['Content-Length'] = String(body.length);
    const r = httpRequest({ host: '127.0.0.1', port, method: req.method ?? 'GET', path: req.path, headers, agent: false, setHost: true }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    r.setTimeout(req.timeoutMs ?? 30_000, () => r.destroy(new Error('client timeout')));
    r.on('error', reject);
    r.end(body);
  });
}

// ---------------------------------------------------------------------------------------------
// The upstream: records every request; can answer, hang, or be down

export interface Recorded {
  method: string;
  path: string;
  /** Lower-cased names, as node:http gives them. */
  headers: IncomingHttpHeaders;
  /** Names and values as they came on the wire, in order. */
  rawHeaders: string[];
  body: Buffer;
  at: number;
}

export type UpstreamMode = 'ok' | 'hang';

/** A node:http upstream on a fixed loopback port. `down()` closes it (connections refused) and `up()` listens again. */
export class Upstream {
  readonly received: Recorded[] = [];
  mode: UpstreamMode = 'ok';
  #server: Server | null = null;
  readonly #sockets = new Set<Socket>();

  private constructor(readonly port: number) {}

  static async start(): Promise<Upstream> {
    const u = new Upstream(await freePort());
    await u.up();
    return u;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  up(): Promise<void> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const rec: Recorded = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, rawHeaders: req.rawHeaders, body: Buffer.concat(chunks), at: Date.now() };
        this.received.push(rec);
        if (this.mode === 'hang') return; // never answers; the socket is destroyed by down()/stop()
        const out = JSON.stringify({ upstream: true, method: rec.method, path: rec.path });
        res.writeHead(200, { 'content-type': 'application/json', 'x-upstream': 'yes' });
        res.end(out);
      });
    });
    server.keepAliveTimeout = 60_000;
    server.on('connection', (s) => {
      this.#sockets.add(s);
      s.on('close', () => this.#sockets.delete(s));
    });
    this.#server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
  }

  /** Stops listening and drops every open connection. */
  async down(): Promise<void> {
    const s = this.#server;
    this.#server = null;
    if (!s) return;
    for (const sock of this.#sockets) sock.destroy();
    await new Promise<void>((r) => s.close(() => r()));
  }

  /** The received requests whose body or query carries `needle`. */
  find(needle: string): Recorded[] {
    return this.received.filter((r) => r.path.includes(needle) || r.body.includes(needle));
  }
}

// ---------------------------------------------------------------------------------------------
// redis-server: its own dir, no persistence, SIGKILL and restart on the same port

export class RedisProc {
  #proc: ChildProcess | null = null;

  private constructor(
    readonly port: number,
    readonly dir: string,
  ) {}

  static async start(dir: string): Promise<RedisProc> {
    mkdirSync(dir, { recursive: true });
    const r = new RedisProc(await freePort(), dir);
    await r.restart();
    return r;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts redis-server (again) on the same port and waits for PING. */
  async restart(): Promise<void> {
    if (this.#proc) throw new Error('redis-server already running');
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--save', '', '--appendonly', 'no', '--logfile', join(this.dir, 'redis.log')];
    const proc = spawn('redis-server', args, { stdio: 'ignore' });
    this.#proc = proc;
    let exited = false;
    proc.on('exit', () => {
      exited = true;
      if (this.#proc === proc) this.#proc = null;
    });
    await until(`redis-server PING on ${this.port}`, async () => {
      if (exited) throw new Error(`redis-server exited at start-up (port ${this.port}); see ${join(this.dir, 'redis.log')}`);
      return ping(this.port);
    }, 10_000);
  }

  /** SIGKILL, as abrupt as a crash; resolves once it has exited. */
  async kill(): Promise<void> {
    const proc = this.#proc;
    if (!proc) return;
    await reap(proc, 'SIGKILL', 5_000);
    this.#proc = null;
  }
}

// ---------------------------------------------------------------------------------------------
// nginx: a non-root-style instance in a temp dir (own pid, logs, temp paths)

export const NGINX_TEMPLATE = join(HERE, 'nginx.conf');

/** test/gateway/nginx.conf with its placeholders filled in. */
export function nginxConf(o: { prefix: string; listen: number; upstream: string; maxBody: number }): string {
  return readFileSync(NGINX_TEMPLATE, 'utf8')
    .replaceAll('{{PREFIX}}', o.prefix)
    .replaceAll('{{LISTEN}}', `127.0.0.1:${o.listen}`)
    .replaceAll('{{UPSTREAM}}', o.upstream)
    .replaceAll('{{MAX_BODY}}', String(o.maxBody));
}

export class NginxProc {
  #proc: ChildProcess | null = null;

  private constructor(
    readonly port: number,
    readonly prefix: string,
  ) {}

  /** Starts nginx on a free port, proxying to `upstream` (host:port); resolves when it accepts connections. */
  static async start(prefix: string, upstream: string, maxBody: number): Promise<NginxProc> {
    const bin = nginxPath();
    if (!bin) throw new Error('nginx not found');
    mkdirSync(prefix, { recursive: true });
    // Run as root, nginx's workers drop to `nobody`: they must reach the temp paths.
    chmodSync(prefix, 0o755);
    const n = new NginxProc(await freePort(), prefix);
    const conf = join(prefix, 'nginx.conf');
    writeFileSync(conf, nginxConf({ prefix, listen: n.port, upstream, maxBody }));
    // -e: the start-up error log too (the default /var/log/nginx is not writable as non-root).
    const proc = spawn(bin, ['-e', join(prefix, 'error.log'), '-p', prefix, '-c', conf, '-g', `daemon off; pid ${join(prefix, 'nginx.pid')};`], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    n.#proc = proc;
    let stderr = '';
    proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    let exited = false;
    proc.on('exit', () => (exited = true));
    await until(`nginx on ${n.port}`, async () => {
      if (exited) throw new Error(`nginx exited at start-up: ${stderr}${existsSync(join(prefix, 'error.log')) ? readFileSync(join(prefix, 'error.log'), 'utf8') : ''}`);
      return new Promise<boolean>((r) => {
        const s = connect({ port: n.port, host: '127.0.0.1' });
        s.on('connect', () => (s.destroy(), r(true)));
        s.on('error', () => r(false));
      });
    }, 10_000);
    return n;
  }

  errorLog(): string {
    try {
      return readFileSync(join(this.prefix, 'error.log'), 'utf8');
    } catch {
      return '';
    }
  }

  /** SIGQUIT (graceful), then SIGKILL on the group when it lingers. */
  async stop(): Promise<void> {
    const p = this.#proc;
    this.#proc = null;
    if (p) await reap(p, 'SIGQUIT', 5_000);
  }
}

// ---------------------------------------------------------------------------------------------
// hostsig gateway as a child process

export interface GatewayOptions {
  /** The gateway.json object; written next to the secret files. */
  config: Record<string, unknown>;
  workers?: number;
  /** Extra environment (e.g. the `{"env": ...}` secrets). */
  env?: Record<string, string>;
  /** Files written into the config's folder first (the `{"file": ...}` secrets). */
  files?: Record<string, string>;
}

export interface ListeningLine {
  event: 'listening';
  url: string;
  metrics: string | null;
  workers: number;
  redis: boolean;
}

export class GatewayProc {
  /** Every stdout line, parsed (a line that is not JSON is kept as {raw}). */
  readonly lines: any[] = [];
  /** Every stderr line, as text. */
  readonly stderr: string[] = [];
  exitCode: number | null = null;
  listening!: ListeningLine;
  readonly #proc: ChildProcess;

  private constructor(proc: ChildProcess) {
    this.#proc = proc;
    createInterface({ input: proc.stderr! }).on('line', (l) => this.stderr.push(l));
    createInterface({ input: proc.stdout! }).on('line', (l) => {
      try {
        this.lines.push(JSON.parse(l));
      } catch {
        this.lines.push({ raw: l });
      }
    });
  }

  get pid(): number {
    return this.#proc.pid!;
  }

  get port(): number {
    return Number(new URL(this.listening.url).port);
  }

  /** The cluster workers' pids (children of the primary). */
  workerPids(): number[] {
    return childPids(this.pid);
  }

  /** The request log lines (those with a verdict). */
  requests(): any[] {
    return this.lines.filter((l) => l && typeof l === 'object' && 'verdict' in l);
  }

  /** Lines with this `event`. */
  events(name: string): any[] {
    return this.lines.filter((l) => l?.event === name);
  }

  /** Starts `hostsig gateway --config <dir>/gateway.json --workers N`; resolves on its listening line. */
  static async start(dir: string, o: GatewayOptions): Promise<GatewayProc> {
    mkdirSync(dir, { recursive: true });
    for (const [name, text] of Object.entries(o.files ?? {})) writeFileSync(join(dir, name), text);
    const configPath = join(dir, 'gateway.json');
    writeFileSync(configPath, JSON.stringify(o.config, null, 2));
    const env: NodeJS.ProcessEnv = { ...process.env, ...o.env };
    delete env.NO_COLOR;
    delete env.FORCE_COLOR;
    // detached: its own process group, so teardown can reach workers an early-dying primary left.
    const proc = spawn(process.execPath, [BIN, 'gateway', '--config', configPath, '--workers', String(o.workers ?? 1)], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const g = new GatewayProc(proc);
    try {
      g.listening = await until('the gateway\'s listening line', () => {
        if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`gateway exited with ${proc.exitCode ?? proc.signalCode} before listening; stderr:\n${g.stderr.join('\n')}`);
        return g.lines.find((l) => l?.event === 'listening') as ListeningLine | undefined;
      }, 30_000, 20);
    } catch (e) {
      await g.stop(2_000);
      throw e;
    }
    return g;
  }

  /** SIGTERM (the drain), waits for the exit code; SIGKILLs the group after `ms`. */
  async stop(ms = 15_000): Promise<number | null> {
    const code = await reap(this.#proc, 'SIGTERM', ms);
    this.exitCode = code;
    // Workers left behind by a primary that died: the group was ours.
    try {
      process.kill(-this.pid, 'SIGKILL');
    } catch {
      // nothing left
    }
    return code;
  }

}

// ---------------------------------------------------------------------------------------------
// The whole stack

export interface Stack {
  dir: string;
  redis: RedisProc;
  upstream: Upstream;
  gateway: GatewayProc;
  nginx: NginxProc;
  /** nginx's port: what clients call. */
  port: number;
  stop(): Promise<void>;
}

export interface StackOptions {
  workers: number;
  /** gateway.json without `listen`, `upstream.url` and `redis.url` (filled in here). */
  config: Record<string, unknown> & { upstream?: Record<string, unknown>; redis?: Record<string, unknown> | false };
  env?: Record<string, string>;
  files?: Record<string, string>;
}

/**
 * redis-server, the upstream, the gateway (N workers) and nginx in front of it, in a fresh temp
 * dir. On a failure part-way, what was started is stopped before the error is rethrown.
 */
export async function startStack(o: StackOptions): Promise<Stack> {
  const dir = mkdtempSync(join(tmpdir(), 'hostsig-gwreal-'));
  // mkdtemp makes it 0700: nginx's workers (`nobody` when the master runs as root) must reach
  // their temp paths inside it, or a body past the in-memory buffer is a 500.
  chmodSync(dir, 0o755);
  const started: Array<() => Promise<unknown>> = [];
  const stopAll = async () => {
    for (const s of started.reverse()) await s().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const redis = await RedisProc.start(join(dir, 'redis'));
    started.push(() => redis.kill());
    const upstream = await Upstream.start();
    started.push(() => upstream.down());
    const { redis: redisCfg, upstream: upCfg, ...rest } = o.config;
    const config = {
      listen: { host: '127.0.0.1', port: 0 },
      ...rest,
      upstream: { url: upstream.url, ...upCfg },
      ...(redisCfg === false ? {} : { redis: { url: redis.url, ...redisCfg } }),
    };
    const gateway = await GatewayProc.start(join(dir, 'gateway'), { config, workers: o.workers, ...(o.env ? { env: o.env } : {}), ...(o.files ? { files: o.files } : {}) });
    started.push(() => gateway.stop());
    const maxBody = typeof o.config.maxBodyBytes === 'number' ? o.config.maxBodyBytes : 1_048_576;
    const nginx = await NginxProc.start(join(dir, 'nginx'), `127.0.0.1:${gateway.port}`, maxBody);
    started.push(() => nginx.stop());
    return { dir, redis, upstream, gateway, nginx, port: nginx.port, stop: stopAll };
  } catch (e) {
    await stopAll();
    throw e;
  }
}
