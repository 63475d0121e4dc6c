// HostKey PINs in the gateway (issue 18): eq.php check_pin answered by the gateway itself,
// attempts counted in Redis across 2 workers (or in memory with one), lock after maxFailures
// even for the right PIN, Redis down -> 503, set_pin refused, no PIN in the log; PIN records made
// with node:crypto's scrypt (N=2^14, r=8, p=1, 32 bytes: the format pin.ts documents), not by
// hostsig. Plus the configurable X-Hostsig-Params cap (maxParamsHeaderBytes).
import { execFileSync } from 'node:child_process';
import { randomBytes, scryptSync } from 'node:crypto';
import { Agent, request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkGatewayConfig, GatewayConfigError } from '../../src/cli/gateway/config.js';
import { signHostDime } from '../../src/schemes/hostdime/index.js';
import { ensureBuilt } from '../cli/run.js';
import { RedisServer, redisAvailable } from '../helpers/redis.js';
import { type Gateway, headersOf, loggedRequests, runGatewayOnce, startGateway, startUpstream, type Upstream, writeConfig } from './spawn.js';

const PIN = '482915';
const WRONG = '715309';

/** A PIN record as hashHostKeyPin's format documents it, made by node:crypto. */
function pinRecord(pin: string): string {
  const salt = randomBytes(16);
  const hash = scryptSync(pin, salt, 32, { N: 16384, r: 8, p: 1 });
  return JSON.stringify({ alg: 'scrypt', N: 16384, r: 8, p: 1, dkLen: 32, salt: salt.toString('hex'), hash: hash.toString('hex') });
}

const token = (n: number) => n.toString(16).padStart(32, 'a');
const SUBJECTS = ['ok', 'lock', 'broken', 'down', 'mem-lock', 'mem-ok'];
const TOKENS: Record<string, string> = Object.fromEntries(SUBJECTS.map((s, i) => [s, token(i + 1)]));
const sessions = () => SUBJECTS.map((s) => ({ token: TOKENS[s]!, subject: s, expiresAt: Math.floor(Date.now() / 1000) + 3600 }));
const RECORD = pinRecord(PIN);
const records = () => Object.fromEntries(SUBJECTS.map((s) => [s, RECORD]));

interface Reply {
  status: number;
  body: string;
  headers: Record<string, unknown>;
}

/** POST a form (or GET with `query`) on one connection (`agent`: one kept-alive socket, one worker). */
function call(base: string, path: string, form: string, o: { agent?: Agent; get?: boolean } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const get = o.get === true;
    const req = request(
      `${base}${path}${get ? `?${form}` : ''}`,
      { method: get ? 'GET' : 'POST', agent: o.agent ?? false, headers: get ? {} : { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(form) } },
      (res) => {
        let b = '';
        res.on('data', (c) => (b += c));
        res.on('end', () => resolve({ status: res.statusCode!, body: b, headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end(get ? undefined : form);
  });
}

const checkPin = (subject: string, pin: string) => `action=check_pin&token=${TOKENS[subject]}&pin=${pin}`;

let probes = 0;
/** The worker that logged the request to `path` (paths are unique per call). */
async function workerOf(g: Gateway, path: string): Promise<number> {
  for (let i = 0; i < 100; i++) {
    const hit = (await loggedRequests(g, 0)).find((l) => l.path === path);
    if (hit) return hit.worker as number;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no log line for ${path}`);
}

/** Kept-alive connections until one is on each of two workers (a connection stays on its worker). */
async function oneConnectionPerWorker(g: Gateway): Promise<[Agent, Agent]> {
  const seen = new Map<number, Agent>();
  // Batches of parallel connections: the kernel hands them to whichever worker accepts first.
  for (let batch = 0; batch < 20 && seen.size < 2; batch++) {
    const agents = Array.from({ length: 8 }, () => new Agent({ keepAlive: true, maxSockets: 1 }));
    const paths = agents.map(() => `/probe-${probes++}/eq.php`);
    // An unknown token: answered by the gateway (TOKEN_INVALID), no PIN attempt counted.
    const replies = await Promise.all(agents.map((agent, i) => call(g.url, paths[i]!, `action=check_pin&token=${'f'.repeat(32)}&pin=0000`, { agent })));
    expect(replies.map((r) => r.status)).toEqual(agents.map(() => 401));
    for (const [i, agent] of agents.entries()) {
      const w = await workerOf(g, paths[i]!);
      if (seen.has(w)) agent.destroy();
      else seen.set(w, agent);
    }
  }
  expect(seen.size).toBe(2);
  return [...seen.values()] as [Agent, Agent];
}

const codeOf = (r: Reply) => (JSON.parse(r.body) as { code?: unknown }).code;

describe.skipIf(!redisAvailable())('gateway PINs on Redis, 2 workers', () => {
  let redis: RedisServer;
  let up: Upstream;
  let gw: Gateway;
  let A: Agent;
  let B: Agent;

  beforeAll(async () => {
    ensureBuilt();
    redis = await RedisServer.start();
    up = await startUpstream();
    gw = await startGateway(
      {
        listen: { port: 0 },
        upstream: { url: up.url },
        metrics: { port: 0 },
        redis: { url: redis.url, prefix: 'gwpin:', commandTimeoutMs: 250 },
        schemes: { hostkey: { sessions: sessions(), pins: { records: records(), maxFailures: 3, delay: { baseMs: 0 } } } },
      },
      { workers: 2 },
    );
    [A, B] = await oneConnectionPerWorker(gw);
  }, 60_000);

  afterAll(async () => {
    A?.destroy();
    B?.destroy();
    await gw?.stop();
    await up?.close();
    await redis?.stop();
  });

  it('the right PIN: {"result":"OK"} from the gateway (POST form and GET query), nothing forwarded', async () => {
    const post = await call(gw.url, '/eq.php', checkPin('ok', PIN), { agent: A });
    expect(post.status).toBe(200);
    expect(JSON.parse(post.body)).toEqual({ result: 'OK' });
    const get = await call(gw.url, '/eq.php', checkPin('ok', PIN), { agent: B, get: true });
    expect(get.status).toBe(200);
    expect(JSON.parse(get.body)).toEqual({ result: 'OK' });
    expect(up.received).toHaveLength(0);
  });

  it('wrong PINs count across workers: twice on A, once on B -> locked; then the right PIN is locked on either worker', async () => {
    const steps: [Agent, string, number, string][] = [
      [A, WRONG, 403, 'PIN_INVALID'],
      [A, WRONG, 403, 'PIN_INVALID'],
      [B, WRONG, 403, 'PIN_LOCKED'],
      [A, PIN, 403, 'PIN_LOCKED'],
      [B, PIN, 403, 'PIN_LOCKED'],
    ];
    const workers: number[] = [];
    for (const [i, [agent, pin, status, code]] of steps.entries()) {
      const path = `/lock-${i}/eq.php`;
      const r = await call(gw.url, path, checkPin('lock', pin), { agent });
      expect([r.status, codeOf(r)]).toEqual([status, code]);
      expect(JSON.parse(r.body)).toMatchObject({ result: -1, error: expect.any(String) });
      workers.push(await workerOf(gw, path));
    }
    // The connections really were on two workers, in the order A A B A B.
    expect(workers[0]).toBe(workers[1]);
    expect(workers[2]).not.toBe(workers[0]);
    expect([workers[3], workers[4]]).toEqual([workers[0], workers[2]]);
    expect(up.received).toHaveLength(0);
  });

  it('a PIN store failure (the counter key is not a number) is 503 with Retry-After, counted as store="pin" on /metrics', async () => {
    execFileSync('redis-cli', ['-p', String(redis.port), 'SET', 'gwpin:hostkey:pin:broken:n', 'not-a-number']);
    const r = await call(gw.url, '/eq.php', checkPin('broken', PIN), { agent: A });
    expect([r.status, codeOf(r)]).toEqual([503, 'LOOKUP_FAILED']);
    expect(r.headers['retry-after']).toBe('1');
    const text = await (await fetch(`${gw.metrics}/metrics`)).text();
    expect(text).toMatch(/^hostsig_gateway_store_errors_total\{store="pin"\} 1$/m);
    expect(up.received).toHaveLength(0);
  });

  it('Redis stopped: 503, nothing forwarded; the PIN works again after a restart', async () => {
    A.destroy();
    B.destroy();
    await redis.stop();
    try {
      for (let i = 0; i < 4; i++) {
        const r = await call(gw.url, '/eq.php', checkPin('down', PIN));
        expect(r.status).toBe(503);
        expect(JSON.parse(r.body)).toMatchObject({ result: -1 });
      }
      expect(up.received).toHaveLength(0);
    } finally {
      await redis.restart();
    }
    // The sessions are written again on reconnect; the attempt counter was empty anyway.
    let last = 0;
    for (let i = 0; i < 100 && last !== 200; i++) {
      last = (await call(gw.url, '/eq.php', checkPin('down', PIN))).status;
      if (last !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    expect(last).toBe(200);
  }, 30_000);

  it('no PIN (nor token) in any log line', () => {
    const all = [...gw.out, ...gw.err].join('\n');
    expect(gw.out.length).toBeGreaterThan(10);
    expect(all).not.toContain(PIN);
    expect(all).not.toContain(WRONG);
    for (const t of Object.values(TOKENS)) expect(all).not.toContain(t);
  });
});

describe('gateway PINs in memory, 1 worker', () => {
  let up: Upstream;
  let gw: Gateway;

  beforeAll(async () => {
    ensureBuilt();
    up = await startUpstream();
    gw = await startGateway({
      listen: { port: 0 },
      upstream: { url: up.url },
      schemes: { hostkey: { sessions: sessions(), pins: { records: { 'mem-ok': { env: 'GW_PIN_RECORD' }, 'mem-lock': { file: 'pin.json' } }, maxFailures: 3, delay: { baseMs: 100, maxMs: 100 } } } },
    }, { env: { GW_PIN_RECORD: RECORD }, files: { 'pin.json': `${RECORD}\n` } });
  }, 30_000);

  afterAll(async () => {
    await gw?.stop();
    await up?.close();
  });

  it('the same counting: 2 wrong -> PIN_INVALID (each held back by the delay), 3rd -> PIN_LOCKED, then the right PIN is locked', async () => {
    const codes: unknown[] = [];
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      const r = await call(gw.url, '/eq.php', checkPin('mem-lock', WRONG));
      expect(performance.now() - t0).toBeGreaterThanOrEqual(90);
      codes.push([r.status, codeOf(r)]);
    }
    expect(codes).toEqual([[403, 'PIN_INVALID'], [403, 'PIN_INVALID'], [403, 'PIN_LOCKED']]);
    const right = await call(gw.url, '/eq.php', checkPin('mem-lock', PIN));
    expect([right.status, codeOf(right)]).toEqual([403, 'PIN_LOCKED']);
    // Another subject is not affected; a record from the environment works.
    const other = await call(gw.url, '/eq.php', checkPin('mem-ok', PIN));
    expect([other.status, other.body]).toEqual([200, '{"result":"OK"}']);
    expect(up.received).toHaveLength(0);
  });

  it('set_pin is refused with a HostKey envelope (403), never forwarded', async () => {
    for (const form of [`action=set_pin&token=${TOKENS['mem-ok']}&new_pin=111111`, `action=set_pin&token=${TOKENS['mem-ok']}&new_pin=111111&old_pin=${PIN}`]) {
      const r = await call(gw.url, '/eq.php', form);
      expect(r.status).toBe(403);
      expect(JSON.parse(r.body)).toMatchObject({ result: -1, error: expect.stringContaining("gateway's config") });
    }
    // The PIN is unchanged.
    expect((await call(gw.url, '/eq.php', checkPin('mem-ok', PIN))).status).toBe(200);
    expect(up.received).toHaveLength(0);
  });

  it('the token first (unknown -> 401, no attempt counted); no pin -> 400; a second action -> 400; other eq.php actions verified and forwarded', async () => {
    const bad = await call(gw.url, '/eq.php', `action=check_pin&token=${'e'.repeat(32)}&pin=${PIN}`);
    expect([bad.status, codeOf(bad)]).toEqual([401, 'TOKEN_INVALID']);
    const noPin = await call(gw.url, '/eq.php', `action=check_pin&token=${TOKENS['mem-ok']}`);
    expect([noPin.status, codeOf(noPin)]).toEqual([400, 'MISSING_FIELD']);
    const twice = await call(gw.url, '/eq.php?action=list', checkPin('mem-ok', PIN));
    expect(twice.status).toBe(400);
    expect(up.received).toHaveLength(0);
    const list = await call(gw.url, '/eq.php', `action=list&token=${TOKENS['mem-ok']}`);
    expect(list.status).toBe(200);
    expect(up.received).toHaveLength(1);
  });

  it('no PIN (nor token) in any log line', async () => {
    await loggedRequests(gw, 10);
    const all = [...gw.out, ...gw.err].join('\n');
    expect(all).not.toContain(PIN);
    expect(all).not.toContain(WRONG);
    expect(all).not.toContain('111111');
    for (const t of Object.values(TOKENS)) expect(all).not.toContain(t);
  });
});

describe('without pins, and the X-Hostsig-Params cap', () => {
  const KEY = 'hd-secret-cap';
  const CAP = 300;
  let up: Upstream;
  let gw: Gateway;

  beforeAll(async () => {
    ensureBuilt();
    up = await startUpstream();
    gw = await startGateway({ listen: { port: 0 }, upstream: { url: up.url }, maxParamsHeaderBytes: CAP, schemes: { hostdime: { keys: { pub: KEY } }, hostkey: { sessions: sessions() } } });
  }, 30_000);

  afterAll(async () => {
    await gw?.stop();
    await up?.close();
  });

  it('without "pins": eq.php check_pin is verified and forwarded, as before', async () => {
    const r = await call(gw.url, '/eq.php', checkPin('ok', PIN));
    expect(r.status).toBe(200);
    expect(up.received.at(-1)!.body.toString()).toBe(checkPin('ok', PIN));
  });

  it('params exactly at maxParamsHeaderBytes are forwarded; one byte over is 413, not forwarded', async () => {
    const send = (pad: number) => {
      const s = signHostDime({ publicKey: 'pub', privateKey: KEY, method: 'domain.list', params: { pad: 'x'.repeat(pad), n: String(Math.random()).slice(0, 10) }, baseUrl: gw.url });
      return call(gw.url, s.path, s.body);
    };
    // The header's length for a small pad, read at the upstream: each pad byte adds one.
    expect((await send(10)).status).toBe(200);
    const len = headersOf(up.received.at(-1)!).get('x-hostsig-params')![0]!.length;
    const n = up.received.length;
    const at = await send(10 + CAP - len);
    expect(at.status).toBe(200);
    expect(headersOf(up.received.at(-1)!).get('x-hostsig-params')![0]!.length).toBe(CAP);
    const over = await send(10 + CAP - len + 1);
    expect(over.status).toBe(413);
    expect(over.body).toContain('maxParamsHeaderBytes');
    expect(up.received).toHaveLength(n + 1);
  });
});

describe('config: schemes.hostkey.pins and maxParamsHeaderBytes', () => {
  const BASE = { upstream: { url: 'http://127.0.0.1:9' } };
  const withPins = (pins: unknown) => ({ ...BASE, schemes: { hostkey: { sessions: [], pins } } });
  function mistake(cfg: unknown): string {
    try {
      checkGatewayConfig(cfg, 'gateway.json', '/nonexistent');
    } catch (e) {
      expect(e).toBeInstanceOf(GatewayConfigError);
      return (e as Error).message;
    }
    throw new Error('no mistake found');
  }
  const rec = JSON.parse(RECORD) as Record<string, unknown>;

  it.each([
    ['records missing', {}, 'gateway.json: schemes.hostkey.pins.records: must map session subjects to PIN records'],
    ['an unknown field', { records: {}, maxAttempts: 3 }, 'gateway.json: schemes.hostkey.pins.maxAttempts: unknown field'],
    ['a record that is not JSON', { records: { u: 'scrypt$abc' } }, 'gateway.json: schemes.hostkey.pins.records.u: not JSON'],
    ['a record that is an object, not JSON text', { records: { u: rec } }, 'gateway.json: schemes.hostkey.pins.records.u: must be a string, {"env": NAME} or {"file": PATH}'],
    ['another KDF', { records: { u: JSON.stringify({ ...rec, alg: 'bcrypt' }) } }, 'gateway.json: schemes.hostkey.pins.records.u: "alg" must be "scrypt"'],
    ['N not a power of two', { records: { u: JSON.stringify({ ...rec, N: 1000 }) } }, 'gateway.json: schemes.hostkey.pins.records.u: "N" must be a power of two'],
    ['a short hash', { records: { u: JSON.stringify({ ...rec, hash: 'abcd' }) } }, 'gateway.json: schemes.hostkey.pins.records.u: "hash" must be lowercase hex, dkLen bytes'],
    ['uppercase salt', { records: { u: JSON.stringify({ ...rec, salt: 'ABCD' }) } }, 'gateway.json: schemes.hostkey.pins.records.u: "salt" must be lowercase hex'],
    ['an odd subject name', { records: { 'a b': '{' } }, 'gateway.json: schemes.hostkey.pins.records["a b"]: not JSON'],
    ['maxFailures 0', { records: {}, maxFailures: 0 }, 'gateway.json: schemes.hostkey.pins.maxFailures: must be an integer 1..1000'],
    ['a negative delay', { records: {}, delay: { baseMs: -1 } }, 'gateway.json: schemes.hostkey.pins.delay.baseMs: must be an integer 0..60000'],
  ])('%s', (_name, pins, expected) => {
    expect(mistake(withPins(pins))).toContain(expected);
  });

  it.each([
    [-1, 'must be an integer 0..65536'],
    [65537, 'must be an integer 0..65536'],
    ['8000', 'must be an integer 0..65536'],
  ])('maxParamsHeaderBytes %j', (v, expected) => {
    expect(mistake({ ...BASE, maxParamsHeaderBytes: v, schemes: { hostdime: { keys: { p: 's' } } } })).toBe(`gateway.json: maxParamsHeaderBytes: ${expected}`);
  });

  it('defaults: no pins, 8000-byte params cap; a __proto__ subject is an ordinary name', () => {
    const plain = checkGatewayConfig({ ...BASE, schemes: { hostdime: { keys: { p: 's' } } } }, 'gateway.json', '/nonexistent');
    expect([plain.pins, plain.maxParamsHeaderBytes]).toEqual([null, 8000]);
    const cfg = checkGatewayConfig(JSON.parse(JSON.stringify(withPins({ records: {} })).replace('"records":{}', `"records":{"__proto__":${JSON.stringify(RECORD)}}`)), 'gateway.json', '/nonexistent');
    expect(cfg.pins!.records.get('__proto__')).toMatchObject({ alg: 'scrypt', N: 16384 });
    expect(cfg.pins!.maxFailures).toBe(3);
    expect(({} as Record<string, unknown>).alg).toBeUndefined();
  });

  it('the gateway exits 2 naming the path, without printing the record', () => {
    ensureBuilt();
    const bad = JSON.stringify({ ...rec, hash: 'ab' });
    const r = runGatewayOnce(writeConfig(withPins({ records: { u: bad } })));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('schemes.hostkey.pins.records.u: \\"hash\\" must be lowercase hex');
    expect(r.stderr).not.toContain(rec.salt as string);
  });
});
