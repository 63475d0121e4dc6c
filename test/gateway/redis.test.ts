// The gateway on a real redis-server with 2 workers: one nonce store for both (a replay through
// the other worker is refused), /healthz both ways, Redis stopped -> 503 and nothing forwarded,
// recovery after a restart, and the store errors on /metrics (one scrape for both workers).
import { execFileSync } from 'node:child_process';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signHostDime } from '../../src/schemes/hostdime/index.js';
import { ensureBuilt } from '../cli/run.js';
import { RedisServer, redisAvailable } from '../helpers/redis.js';
import { type Gateway, startGateway, startUpstream, type Upstream } from './spawn.js';

const KEY = 'hd-secret-R3d1s';

function post(base: string, path: string, body: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { method: 'POST', agent: false, headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body), ...headers } }, (res) => {
      let b = '';
      res.on('data', (c) => (b += c));
      res.on('end', () => resolve({ status: res.statusCode!, body: b, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const signed = (base: string) => signHostDime({ publicKey: 'pub', privateKey: KEY, method: 'domain.list', params: { n: String(Math.random()) }, baseUrl: base });

async function health(base: string): Promise<{ status: number; body: unknown }> {
  const r = await fetch(`${base}/healthz`);
  return { status: r.status, body: await r.json() };
}

async function until(fn: () => Promise<boolean>, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await fn()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

describe.skipIf(!redisAvailable())('gateway on Redis, 2 workers', () => {
  let redis: RedisServer;
  let up: Upstream;
  let gw: Gateway;

  beforeAll(async () => {
    ensureBuilt();
    redis = await RedisServer.start();
    up = await startUpstream();
    gw = await startGateway(
      {
        listen: { port: 0 },
        upstream: { url: up.url },
        metrics: { port: 0 },
        redis: { url: redis.url, prefix: 'gwtest:', commandTimeoutMs: 250 },
        schemes: { hostdime: { keys: { pub: KEY } }, hostkey: { apiKeys: { 'hk-key-1': 'user-1' } } },
      },
      { workers: 2 },
    );
  }, 60_000);

  afterAll(async () => {
    await gw?.stop();
    await up?.close();
    await redis?.stop();
  });

  it('the listening line says 2 workers and Redis; /healthz is up', async () => {
    expect(gw.listening).toMatchObject({ event: 'listening', workers: 2, redis: true, metrics: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) });
    expect(await health(gw.url)).toEqual({ status: 200, body: { status: 'ok', redis: 'up' } });
    expect(gw.err.join('\n')).not.toContain('memory-stores');
  });

  it('20 concurrent copies of one signed request: exactly one reaches the upstream; copies answered by the other worker are refused too', async () => {
    const n = up.received.length;
    const s = signed(gw.url);
    const all = await Promise.all(Array.from({ length: 20 }, () => post(gw.url, s.path, s.body)));
    expect(all.filter((r) => r.status === 200)).toHaveLength(1);
    expect(all.filter((r) => r.status === 401 && r.body.includes('REPLAYED'))).toHaveLength(19);
    // The kernel spreads connections between the workers (SCHED_NONE): more copies until one
    // was answered by the worker that did not forward the original (bounded).
    const lines = () => gw.out.map((l) => JSON.parse(l) as { worker?: number; verdict?: string }).filter((l) => l.verdict !== undefined);
    await until(async () => lines().length >= 20, 5000);
    const okWorker = lines().find((l) => l.verdict === 'ok')!.worker;
    for (let i = 0; i < 40 && !lines().some((l) => l.verdict === 'REPLAYED' && l.worker !== okWorker); i++) {
      const more = await Promise.all(Array.from({ length: 10 }, () => post(gw.url, s.path, s.body)));
      expect(more.every((r) => r.status === 401)).toBe(true);
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(lines().some((l) => l.verdict === 'REPLAYED' && l.worker !== okWorker)).toBe(true);
    expect(up.received.length).toBe(n + 1);
  });

  it('Redis stopped: 503 with Retry-After, nothing forwarded (HostDime and HostKey login); /healthz 503; back after a restart', async () => {
    await redis.stop();
    try {
      const n = up.received.length;
      const s = signed(gw.url);
      const r = await post(gw.url, s.path, s.body);
      expect(r.status).toBe(503);
      expect(r.headers['retry-after']).toBe('1');
      expect(JSON.parse(r.body)).toMatchObject({ error: { message: expect.stringMatching(/^NONCE_STORE_FAILED/) } });
      const login = await post(gw.url, '/auth.php', 'action=login&key=hk-key-1');
      expect(login.status).toBe(503);
      expect(up.received.length).toBe(n);
      expect(await health(gw.url)).toEqual({ status: 503, body: { status: 'unavailable', redis: 'down' } });
    } finally {
      await redis.restart();
    }
    expect(await until(async () => (await health(gw.url)).status === 200, 10_000)).toBe(true);
    // Both workers reconnected: every request of a burst is answered from Redis again.
    const burst = await Promise.all(Array.from({ length: 6 }, () => signed(gw.url)).map((s) => post(gw.url, s.path, s.body)));
    expect(burst.map((b) => b.status)).toEqual([200, 200, 200, 200, 200, 200]);
  });

  it('Redis slow (CLIENT PAUSE 2 s): 503 after the 250 ms command time cap, nothing forwarded', async () => {
    const n = up.received.length;
    execFileSync('redis-cli', ['-p', String(redis.port), 'CLIENT', 'PAUSE', '2000', 'ALL']);
    const s = signed(gw.url);
    const t0 = Date.now();
    const r = await post(gw.url, s.path, s.body);
    const ms = Date.now() - t0;
    expect(r.status).toBe(503);
    expect(ms).toBeLessThan(1500);
    expect(up.received.length).toBe(n);
    await new Promise((res) => setTimeout(res, 2100));
    expect(await until(async () => {
      const next = signed(gw.url);
      return (await post(gw.url, next.path, next.body)).status === 200;
    }, 5000)).toBe(true);
  });

  it('/metrics: one scrape sums both workers; store errors by store; requests by scheme and verdict', async () => {
    const text = await (await fetch(`${gw.metrics}/metrics`)).text();
    const value = (re: RegExp) => Number(re.exec(text)?.[1] ?? NaN);
    const replayed = gw.out.filter((l) => l.includes('"verdict":"REPLAYED"')).length;
    expect(replayed).toBeGreaterThanOrEqual(19);
    // Both workers' counts, summed by the primary: the same number as the log lines of both.
    expect(value(/^hostsig_gateway_requests_total\{scheme="hostdime",verdict="REPLAYED"\} (\d+)$/m)).toBe(replayed);
    expect(value(/^hostsig_gateway_requests_total\{scheme="hostdime",verdict="ok"\} (\d+)$/m)).toBeGreaterThanOrEqual(7);
    const storeFailed = gw.out.filter((l) => l.includes('"verdict":"NONCE_STORE_FAILED"')).length;
    expect(storeFailed).toBeGreaterThanOrEqual(2);
    expect(value(/^hostsig_gateway_requests_total\{scheme="hostdime",verdict="NONCE_STORE_FAILED"\} (\d+)$/m)).toBe(storeFailed);
    expect(value(/^hostsig_gateway_store_errors_total\{store="nonce"\} (\d+)$/m)).toBe(storeFailed);
    expect(value(/^hostsig_gateway_store_errors_total\{store="session"\} (\d+)$/m)).toBe(1);
    expect(value(/^hostsig_gateway_store_errors_total\{store="health"\} (\d+)$/m)).toBeGreaterThanOrEqual(1);
    expect(text).toMatch(/^hostsig_gateway_request_duration_seconds_bucket\{le="[0-9.]+",scheme="hostdime"\} \d+$/m);
    expect(text).toMatch(/^hostsig_gateway_upstream_duration_seconds_count \d+$/m);
    expect(text).toMatch(/^hostsig_gateway_upstream_errors_total\{kind="refused"\} 0$/m);
  });
});

describe.skipIf(!redisAvailable())('gateway started while Redis is down', () => {
  it('starts (a warning, the listening line), answers 503 and forwards nothing, then serves once Redis is up (configured HostKey sessions written then)', async () => {
    ensureBuilt();
    const redis = await RedisServer.start();
    await redis.stop();
    const up = await startUpstream();
    const token = '0123456789abcdef0123456789abcdef';
    const sessions = [{ token, subject: 'configured-user', expiresAt: Math.floor(Date.now() / 1000) + 3600 }];
    const gw = await startGateway({ listen: { port: 0 }, upstream: { url: up.url }, redis: { url: redis.url }, schemes: { hostdime: { keys: { pub: KEY } }, hostkey: { sessions } } });
    try {
      expect(gw.listening.redis).toBe(true);
      expect(gw.err.join('\n')).toContain('"event":"redis-unreachable"');
      expect((await health(gw.url)).status).toBe(503);
      const s = signed(gw.url);
      expect((await post(gw.url, s.path, s.body)).status).toBe(503);
      expect(up.received).toHaveLength(0);
      await redis.restart();
      expect(await until(async () => (await health(gw.url)).status === 200, 10_000)).toBe(true);
      const again = signed(gw.url);
      expect((await post(gw.url, again.path, again.body)).status).toBe(200);
      expect(up.received).toHaveLength(1);
      // The configured HostKey session was written to Redis when it came up.
      expect((await post(gw.url, '/eq.php', `action=list&token=${token}`)).status).toBe(200);
      expect(up.received).toHaveLength(2);
    } finally {
      expect(await gw.stop()).toBe(0);
      await up.close();
      await redis.stop();
    }
  }, 30_000);
});
