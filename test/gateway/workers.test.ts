// The gateway's processes: SIGTERM drains an in-flight slow request (the client gets all of it)
// and exits 0; with --workers 2 a worker killed with SIGKILL is replaced and the port keeps
// answering; /metrics counts by scheme and verdict (memory stores, one worker).
import { execFileSync } from 'node:child_process';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatWhmAuthorization } from '../../src/schemes/whm/index.js';
import { ensureBuilt } from '../cli/run.js';
import { loggedRequests, OK_ANSWER, startGateway, startUpstream, type Upstream } from './spawn.js';

const TOKEN = 'U7HMR63FGY292DQZ4H5BFH16JLYMO01M';
const AUTH = { authorization: formatWhmAuthorization({ user: 'root', token: TOKEN }) };
const schemes = { whm: { tokens: { root: [{ name: 'ci', token: TOKEN }] } } };

/** The pids of a process's children (the cluster workers). */
function children(pid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

let up: Upstream;
beforeAll(async () => {
  ensureBuilt();
  up = await startUpstream();
}, 60_000);
afterAll(() => up?.close());

describe('drain', () => {
  it('SIGTERM during a slow upstream answer: the client gets the whole answer, new connections are refused, exit 0', async () => {
    const big = 'x'.repeat(200_000);
    up.answer = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write(big.slice(0, 1000));
      setTimeout(() => res.end(big.slice(1000)), 1200);
    };
    const gw = await startGateway({ listen: { port: 0 }, upstream: { url: up.url }, drainTimeoutMs: 8000, schemes });
    try {
      const pending = fetch(`${gw.url}/json-api/slow`, { headers: AUTH }).then(async (r) => ({ status: r.status, text: await r.text() }));
      while (up.received.length === 0 || !up.received.some((r) => r.url === '/json-api/slow')) await new Promise((r) => setTimeout(r, 20));
      const t0 = Date.now();
      const code = gw.stop('SIGTERM');
      await gw.waitFor((l) => l.includes('"event":"draining"'));
      await new Promise((r) => setTimeout(r, 200));
      await expect(fetch(`${gw.url}/healthz`)).rejects.toThrow();
      const res = await pending;
      expect(res.status).toBe(200);
      expect(res.text).toBe(big);
      expect(await code).toBe(0);
      expect(Date.now() - t0).toBeGreaterThan(800);
      const [line] = await loggedRequests(gw, 1);
      expect(line).toMatchObject({ path: '/json-api/slow', status: 200, upstreamStatus: 200 });
    } finally {
      up.answer = OK_ANSWER;
      await gw.stop('SIGKILL');
    }
  });

  it('SIGTERM while a slow client is still reading a large answer the upstream already finished: the client gets all of it', async () => {
    const big = Buffer.alloc(16 * 1024 * 1024, 0x61);
    up.answer = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': big.length });
      res.end(big);
    };
    const gw = await startGateway({ listen: { port: 0 }, upstream: { url: up.url }, drainTimeoutMs: 8000, schemes });
    try {
      const got = new Promise<number>((resolve, reject) => {
        const req = request(`${gw.url}/json-api/big`, { headers: AUTH, agent: false }, (res) => {
          let n = 0;
          res.pause();
          // Reads nothing until the drain has begun, then everything.
          void gw.waitFor((l) => l.includes('"event":"draining"')).then(() =>
            setTimeout(() => {
              res.on('data', (c: Buffer) => (n += c.length));
              res.on('end', () => resolve(n));
              res.on('error', reject);
              res.resume();
            }, 500),
          );
        });
        req.on('error', reject);
        req.end();
      });
      while (!up.received.some((r) => r.url === '/json-api/big')) await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, 300));
      const code = gw.stop('SIGTERM');
      expect(await got).toBe(big.length);
      expect(await code).toBe(0);
    } finally {
      up.answer = OK_ANSWER;
      await gw.stop('SIGKILL');
    }
  });
});

describe('--workers 2', () => {
  it('answers on both workers; a worker killed with SIGKILL is replaced (worker-exit, worker-started) and the port keeps answering', async () => {
    const gw = await startGateway({ listen: { port: 0 }, upstream: { url: up.url }, schemes }, { workers: 2 });
    try {
      expect(gw.listening.workers).toBe(2);
      // Memory stores with several workers: the warning says replays can pass between them.
      expect(gw.err.join('\n')).toMatch(/"event":"memory-stores".*--workers > 1/);
      const first = await Promise.all(Array.from({ length: 12 }, () => fetch(`${gw.url}/json-api/a`, { headers: { ...AUTH, connection: 'close' }, signal: AbortSignal.timeout(5000) }).then((r) => r.status)));
      expect(first.every((s) => s === 200)).toBe(true);
      const workers = children(gw.proc.pid!);
      expect(workers).toHaveLength(2);
      process.kill(workers[0]!, 'SIGKILL');
      // Meanwhile the other worker answers (a connection the dying worker took in its last
      // instant is reset, never hung: one retry for that).
      const once = () => fetch(`${gw.url}/json-api/b`, { headers: { ...AUTH, connection: 'close' }, signal: AbortSignal.timeout(5000) });
      const during = await once().catch(once);
      expect(during.status).toBe(200);
      const exit = JSON.parse(await gw.waitFor((l) => l.includes('"event":"worker-exit"'))) as { worker: number; signal: string };
      expect(exit.signal).toBe('SIGKILL');
      const started = JSON.parse(await gw.waitFor((l) => l.includes('"event":"worker-started"'))) as { worker: number };
      expect(started.worker).not.toBe(exit.worker);
      const now = children(gw.proc.pid!);
      expect(now).toHaveLength(2);
      expect(now).not.toContain(workers[0]);
      const after = await Promise.all(Array.from({ length: 12 }, () => fetch(`${gw.url}/json-api/c`, { headers: { ...AUTH, connection: 'close' }, signal: AbortSignal.timeout(5000) }).then((r) => r.status)));
      expect(after.every((s) => s === 200)).toBe(true);
      expect(await gw.stop('SIGTERM')).toBe(0);
    } finally {
      await gw.stop('SIGKILL');
    }
  });
});

describe('/metrics', () => {
  it('counts requests by scheme and verdict, upstream errors by kind; only on the metrics port', async () => {
    const gw = await startGateway({ listen: { port: 0 }, upstream: { url: up.url }, metrics: { host: '127.0.0.1', port: 0 }, schemes });
    try {
      await fetch(`${gw.url}/json-api/a`, { headers: AUTH });
      await fetch(`${gw.url}/json-api/a`, { headers: AUTH });
      await fetch(`${gw.url}/json-api/a`, { headers: { authorization: formatWhmAuthorization({ user: 'root', token: 'X'.repeat(32) }) } });
      await fetch(`${gw.url}/nothing`);
      await loggedRequests(gw, 4);
      const res = await fetch(`${gw.metrics}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
      const text = await res.text();
      expect(text).toMatch(/^hostsig_gateway_requests_total\{scheme="whm",verdict="ok"\} 2$/m);
      expect(text).toMatch(/^hostsig_gateway_requests_total\{scheme="whm",verdict="TOKEN_INVALID"\} 1$/m);
      expect(text).toMatch(/^hostsig_gateway_requests_total\{scheme="none",verdict="SCHEME_UNKNOWN"\} 1$/m);
      expect(text).toMatch(/^hostsig_gateway_request_duration_seconds_count\{scheme="whm"\} 3$/m);
      expect(text).toMatch(/^hostsig_gateway_upstream_duration_seconds_count 2$/m);
      expect(text).toMatch(/^# TYPE hostsig_gateway_upstream_errors_total counter$/m);
      expect(text).toMatch(/^# TYPE hostsig_gateway_store_errors_total counter$/m);
      expect((await fetch(`${gw.url}/metrics`)).status).toBe(401); // the main port verifies it like any path
    } finally {
      await gw.stop();
    }
  });
});
