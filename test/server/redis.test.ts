import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HostsigError } from '../../src/core/errors.js';
import { signHostDime } from '../../src/schemes/hostdime/index.js';
import { createPinService, issueHostKeyToken, MemoryPinStore } from '../../src/schemes/hostkey/index.js';
import { createVerifier, RedisHostKeyTokenStore, RedisNonceStore, RedisPinAttemptStore } from '../../src/server/index.js';
import { RedisServer, redisAvailable } from '../helpers/redis.js';

const NOW = 1_700_000_000;
const clock = () => NOW;

function nodeRedis(url: string) {
  // Reconnect quickly; keep the default offline queue, so a command sent while Redis is down
  // waits (the store's time cap is what turns that into a failure).
  const c = createClient({ url, socket: { reconnectStrategy: () => 50, connectTimeout: 500 } });
  c.on('error', () => {});
  return c;
}
type NodeRedis = ReturnType<typeof nodeRedis>;

function ioRedis(url: string): Redis {
  const c = new Redis(url, { retryStrategy: () => 50, maxRetriesPerRequest: 1, lazyConnect: true });
  c.on('error', () => {});
  return c;
}

describe.skipIf(!redisAvailable())('RedisNonceStore against a real redis-server', () => {
  let server: RedisServer;
  const nodeClients: NodeRedis[] = [];
  const ioClients: Redis[] = [];

  beforeAll(async () => {
    server = await RedisServer.start();
  });
  afterAll(async () => {
    for (const c of nodeClients) await c.destroy();
    for (const c of ioClients) c.disconnect();
    await server?.stop();
  });

  async function nr(): Promise<NodeRedis> {
    const c = nodeRedis(server.url);
    await c.connect();
    nodeClients.push(c);
    return c;
  }
  async function io(): Promise<Redis> {
    const c = ioRedis(server.url);
    await c.connect();
    ioClients.push(c);
    return c;
  }

  it('node-redis and ioredis: first sighting true, then false; prefix and TTL as given', async () => {
    const a = await nr();
    const b = await io();
    const sa = new RedisNonceStore({ client: a, prefix: 'T1:' });
    const sb = new RedisNonceStore({ client: b, prefix: 'T1:' });
    expect(sa.style).toBe('node-redis');
    expect(sb.style).toBe('ioredis');
    expect(await sa.checkAndStore('k1', 30)).toBe(true);
    expect(await sb.checkAndStore('k1', 30)).toBe(false); // the other client sees it
    expect(await sb.checkAndStore('k2', 2.2)).toBe(true);
    expect(await sa.checkAndStore('k2', 30)).toBe(false);
    // Independent look at what was written, through raw commands.
    expect(await a.get('T1:k1')).toBe('1');
    expect(await a.ttl('T1:k1')).toBeGreaterThan(25);
    expect(await a.ttl('T1:k1')).toBeLessThanOrEqual(30);
    const pttl2 = await b.pttl('T1:k2'); // 2.2 s rounds up to 3 s (2 s would leave <= 2000 ms)
    expect(pttl2).toBeGreaterThan(2000);
    expect(pttl2).toBeLessThanOrEqual(3000);
    expect(await sa.checkAndStore('k3', 0.001)).toBe(true);
    const pttl3 = await a.pTTL('T1:k3'); // at least 1 s, not 1 ms
    expect(pttl3).toBeGreaterThan(500);
    expect(pttl3).toBeLessThanOrEqual(1000);
    expect(await a.exists('k1')).toBe(0); // the prefix is really there
  });

  it('a key expires with its TTL and can be used again', async () => {
    const s = new RedisNonceStore({ client: await nr(), prefix: 'T2:' });
    expect(await s.checkAndStore('x', 1)).toBe(true);
    expect(await s.checkAndStore('x', 1)).toBe(false);
    await new Promise((r) => setTimeout(r, 2100));
    expect(await s.checkAndStore('x', 1)).toBe(true);
  });

  it('an explicit style is honoured; a wrong one fails closed', async () => {
    const c = await io();
    await expect(new RedisNonceStore({ client: c, style: 'node-redis', prefix: 'T3:' }).checkAndStore('a', 5)).rejects.toMatchObject({ code: 'NONCE_STORE_FAILED' });
    expect(await new RedisNonceStore({ client: c, style: 'ioredis', prefix: 'T3:' }).checkAndStore('b', 5)).toBe(true);
  });

  it('bad options throw INVALID_ARGUMENT', () => {
    for (const o of [null, {}, { client: {} }, { client: { set: async () => 'OK' }, style: 'x' }, { client: { set: async () => 'OK' }, timeoutMs: 0 }]) {
      expect(() => new RedisNonceStore(o as never)).toThrow(HostsigError);
    }
  });

  it('1,000 concurrent copies of one signed HostDime request at 4 verifiers sharing Redis: exactly one accepted', async () => {
    const prefix = `race:${Date.now()}:`;
    const clients = [await nr(), await nr(), await io(), await io()];
    const verifiers = clients.map((client) =>
      createVerifier({ clock, nonces: new RedisNonceStore({ client, prefix, timeoutMs: 5000 }), nonceTimeoutMs: 10_000, schemes: { hostdime: { privateKey: 'priv' } } }),
    );
    const s = signHostDime({ publicKey: 'pub', privateKey: 'priv', method: 'server.list', params: { a: '1' }, timestamp: NOW });
    const results = await Promise.all(
      Array.from({ length: 1000 }, (_, i) => verifiers[i % 4]!.verify(new Request(`http://h.test${s.path}`, { method: 'POST', headers: s.headers, body: s.body }))),
    );
    const accepted = results.filter((r) => r.ok);
    const codes = new Map<string, number>();
    for (const r of results) if (!r.ok) codes.set(r.code, (codes.get(r.code) ?? 0) + 1);
    expect(accepted.length).toBe(1);
    expect(Object.fromEntries(codes)).toEqual({ REPLAYED: 999 });
    expect(await clients[0]!.keys(`${prefix}*`)).toHaveLength(1);
    console.log(`[concurrency] 1000 copies over 4 verifiers (2 node-redis, 2 ioredis): ${accepted.length} accepted, ${codes.get('REPLAYED')} REPLAYED`);
  });

  for (const kind of ['node-redis', 'ioredis'] as const) {
    it(`${kind}: Redis killed mid-run -> NONCE_STORE_FAILED (fail closed, 503); restarted -> accepts again`, async () => {
      const client = kind === 'node-redis' ? await nr() : await io();
      const v = createVerifier({ clock, nonces: new RedisNonceStore({ client, prefix: `fault:${kind}:`, timeoutMs: 300 }), schemes: { hostdime: { privateKey: 'priv' } } });
      const fresh = () => {
        const s = signHostDime({ publicKey: 'pub', privateKey: 'priv', method: 'server.list', timestamp: NOW });
        return { method: 'POST', url: s.path, headers: s.headers, body: s.body };
      };
      const before = await Promise.all(Array.from({ length: 20 }, () => v.verify(fresh())));
      expect(before.every((r) => r.ok)).toBe(true);

      // Kill it while a burst is in flight: each of those is accepted (its SET landed) or
      // fails closed, nothing else.
      const inFlight = Promise.all(Array.from({ length: 50 }, () => v.verify(fresh())));
      await server.stop();
      const crossed = await inFlight;
      expect(crossed.every((r) => r.ok || r.code === 'NONCE_STORE_FAILED')).toBe(true);
      const t0 = Date.now();
      const during = await Promise.all(Array.from({ length: 20 }, () => v.verify(fresh())));
      const took = Date.now() - t0;
      expect(during.map((r) => (r.ok ? 'ACCEPTED' : r.code))).toEqual(Array(20).fill('NONCE_STORE_FAILED'));
      expect(during.every((r) => !r.ok && r.status === 503)).toBe(true);
      expect(took).toBeLessThan(3000);

      await server.restart();
      // The client reconnects on its own; poll until a fresh request is accepted.
      let after: Awaited<ReturnType<typeof v.verify>> | undefined;
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline) {
        after = await v.verify(fresh());
        if (after.ok) break;
        expect(after.code).toBe('NONCE_STORE_FAILED');
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(after?.ok).toBe(true);
      // And replay protection works again on the fresh server.
      const one = fresh();
      expect((await v.verify(one)).ok).toBe(true);
      expect(await v.verify(one)).toMatchObject({ ok: false, code: 'REPLAYED' });
      console.log(`[fault] ${kind}: 20/20 accepted before, 20/20 NONCE_STORE_FAILED (503) with Redis down in ${took} ms, accepting again after restart`);
    });
  }

  it('HostKey sessions in Redis are shared: issued through one client, verified and revoked through the other', async () => {
    const a = await nr();
    const b = await io();
    const prefix = `hk:${Date.now()}:`;
    const storeA = new RedisHostKeyTokenStore({ client: a, prefix, clock });
    const storeB = new RedisHostKeyTokenStore({ client: b, prefix, clock });
    const vA = createVerifier({ clock, schemes: { hostkey: { store: storeA } } });
    const vB = createVerifier({ clock, schemes: { hostkey: { store: storeB } } });
    const { token } = await issueHostKeyToken({ store: storeA, subject: 'client-7', ttl: 600, now: NOW });
    const req = () => ({ method: 'POST', url: '/eq.php', body: `action=list&token=${token}` });
    expect(await vB.verify(req())).toMatchObject({ ok: true, identity: { user: 'client-7' } });
    // Stored under the token's SHA-256 (node:crypto), with the TTL ending at expiry; never the token.
    const { createHash } = await import('node:crypto');
    const digest = createHash('sha256').update(token).digest('hex');
    expect(await a.ttl(`${prefix}${digest}`)).toBeGreaterThan(590);
    expect(await a.ttl(`${prefix}${digest}`)).toBeLessThanOrEqual(600);
    expect(await a.get(`${prefix}${digest}`)).not.toContain(token);
    expect(await storeB.delete(digest)).toBe(true);
    expect(await vA.verify(req())).toMatchObject({ ok: false, code: 'TOKEN_INVALID', status: 401 });
    // Junk under a digest fails closed.
    await a.set(`${prefix}${digest}`, '{"digest":1}');
    expect(await vA.verify(req())).toMatchObject({ ok: false, code: 'LOOKUP_FAILED', status: 503 });
  });

  it('HostKey PIN failures counted in Redis lock the subject across instances', async () => {
    const prefix = `pin:${Date.now()}:`;
    const pins = new MemoryPinStore();
    const params = { N: 1024, r: 8, p: 1, dkLen: 32 };
    const one = createPinService({ pins, attempts: new RedisPinAttemptStore({ client: await nr(), prefix }), delay: async () => {}, params });
    const two = createPinService({ pins, attempts: new RedisPinAttemptStore({ client: await io(), prefix }), delay: async () => {}, params });
    expect(await one.setPin('s1', '4321')).toMatchObject({ ok: true });
    expect(await two.checkPin('s1', '4321')).toMatchObject({ ok: true });
    expect(await one.checkPin('s1', '0000')).toMatchObject({ ok: false, code: 'PIN_INVALID' });
    expect(await two.checkPin('s1', '1111')).toMatchObject({ ok: false, code: 'PIN_INVALID' });
    expect(await one.checkPin('s1', '2222')).toMatchObject({ ok: false, code: 'PIN_LOCKED' });
    expect(await two.checkPin('s1', '4321')).toMatchObject({ ok: false, code: 'PIN_LOCKED' });
    await two.unlock('s1');
    expect(await one.checkPin('s1', '4321')).toMatchObject({ ok: true });
  });
});
