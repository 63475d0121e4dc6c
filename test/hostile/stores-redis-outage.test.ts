// Store faults leave no trace: a request refused with 503 while Redis is down or hung must not
// have its nonce (or PIN count, or session write) land in Redis later, so the client's retry of
// the very same request is accepted, not REPLAYED. Real redis-server, killed and restarted.
import { Redis, type RedisOptions } from 'ioredis';
import { createClient, type RedisClientOptions } from 'redis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { signHostDime } from '../../src/schemes/hostdime/index.js';
import { createPinService, MemoryPinStore } from '../../src/schemes/hostkey/index.js';
import { createVerifier, RedisNonceStore, RedisPinAttemptStore } from '../../src/server/index.js';
import { RedisServer, redisAvailable } from '../helpers/redis.js';

const NOW = 1_700_000_000;
const clock = () => NOW;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The options docs/server.md recommends for each client. */
const NODE_REDIS_RECOMMENDED: RedisClientOptions = { disableOfflineQueue: true, socket: { connectTimeout: 1000, reconnectStrategy: (n: number) => Math.min(50 * 2 ** n, 1000) } };
const IOREDIS_RECOMMENDED: RedisOptions = { enableOfflineQueue: false, maxRetriesPerRequest: 0, autoResendUnfulfilledCommands: false, commandTimeout: 1000, retryStrategy: (n: number) => Math.min(50 * 2 ** n, 1000) };

type Kind = 'node-redis' | 'ioredis';
type Setting = 'defaults' | 'recommended';
interface Client {
  store: RedisNonceStore;
  raw: { exists(k: string): Promise<number>; keys(p: string): Promise<string[]>; info(): Promise<string> };
  close(): Promise<void>;
  client: object;
}

async function connect(kind: Kind, setting: Setting, url: string): Promise<Client> {
  if (kind === 'node-redis') {
    // As a user writes it: createClient({ url }), an error listener, connect().
    const c = createClient({ url, ...(setting === 'recommended' ? NODE_REDIS_RECOMMENDED : {}) });
    c.on('error', () => {});
    await c.connect();
    return { client: c, store: new RedisNonceStore({ client: c, timeoutMs: 300 }), raw: { exists: (k) => c.exists(k), keys: (p) => c.keys(p), info: () => c.info('server') }, close: async () => void c.destroy() };
  }
  const c = new Redis(url, setting === 'recommended' ? IOREDIS_RECOMMENDED : {});
  c.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    c.once('ready', resolve);
    c.once('end', () => reject(new Error('ioredis ended')));
  });
  return { client: c, store: new RedisNonceStore({ client: c, timeoutMs: 300 }), raw: { exists: (k) => c.exists(k), keys: (p) => c.keys(p), info: () => c.info('server') }, close: async () => void c.disconnect() };
}

let seq = 0;
function signed(tag: string) {
  const s = signHostDime({ publicKey: `pub-${tag}`, privateKey: 'priv', method: 'server.list', params: { n: String(seq++) }, timestamp: NOW });
  const unique = new URLSearchParams(s.body).get('api_unique')!;
  return { req: { method: 'POST', url: s.path, headers: s.headers, body: s.body }, key: `hostsig:nonce:hostdime:${`pub-${tag}`.length}:pub-${tag}:${unique}` };
}

/** What the client itself says about its connection. */
function ready(client: object): boolean {
  return 'status' in client ? client.status === 'ready' : (client as { isReady: boolean }).isReady;
}

async function until(cond: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await sleep(5);
  }
}

/** Polls with fresh requests until one is accepted (the client reconnected), up to 10 s. */
async function waitAccepting(v: ReturnType<typeof createVerifier>, tag: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const r = await v.verify(signed(`${tag}-probe`).req);
    if (r.ok) return;
    expect(r.code).toBe('NONCE_STORE_FAILED');
    await sleep(50);
  }
  throw new Error('Redis never came back');
}

describe.skipIf(!redisAvailable())('no write after the answer: real redis-server killed and restarted', () => {
  let server: RedisServer;
  const open: Client[] = [];
  beforeAll(async () => {
    server = await RedisServer.start();
  });
  afterEach(async () => {
    while (open.length) await open.pop()!.close();
  });
  afterAll(async () => {
    await server?.stop();
  });

  for (const kind of ['node-redis', 'ioredis'] as const) {
    for (const setting of ['defaults', 'recommended'] as const) {
      it(`${kind}, ${setting}: requests refused (503) while Redis is down leave no nonce; their retries are accepted`, async () => {
        const c = await connect(kind, setting, server.url);
        open.push(c);
        const v = createVerifier({ clock, nonces: c.store, schemes: { hostdime: { privateKey: 'priv' } } });
        expect((await v.verify(signed(`${kind}-${setting}-warm`).req)).ok).toBe(true);

        await server.stop();
        // The outage as the client sees it (a command written in the instant before it notices
        // is the hung case below).
        await until(() => !ready(c.client));
        const refused = Array.from({ length: 10 }, () => signed(`${kind}-${setting}`));
        const during = await Promise.all(refused.map((r) => v.verify(r.req)));
        expect(during.map((r) => (r.ok ? 'ACCEPTED' : `${r.code} ${r.status}`))).toEqual(Array(10).fill('NONCE_STORE_FAILED 503'));

        await server.restart();
        await waitAccepting(v, `${kind}-${setting}`);
        await sleep(200); // anything still queued in the client would have been written by now
        // Checked in Redis itself: none of the refused requests left its nonce.
        expect(await Promise.all(refused.map((r) => c.raw.exists(r.key)))).toEqual(Array(10).fill(0));
        // The client's retries of the very same requests are accepted, then replays refused.
        const retried = await Promise.all(refused.map((r) => v.verify(r.req)));
        expect(retried.map((r) => (r.ok ? 'ACCEPTED' : r.code))).toEqual(Array(10).fill('ACCEPTED'));
        expect(await v.verify(refused[0]!.req)).toMatchObject({ ok: false, code: 'REPLAYED' });
      });
    }
  }

  // A hung Redis (SIGSTOP) that then dies: the commands were written to the socket before the
  // cap fired; node-redis rejects them on close, ioredis re-sends them on reconnect unless
  // autoResendUnfulfilledCommands is off (the recommended setting, see docs/server.md).
  // ioredis with its defaults is the one known gap, kept as an expected failure: the store
  // cannot withdraw a command ioredis already wrote, and ioredis re-sends it after reconnecting.
  const hung: [Kind, Setting, 'fails'?][] = [['node-redis', 'defaults'], ['node-redis', 'recommended'], ['ioredis', 'recommended'], ['ioredis', 'defaults', 'fails']];
  for (const [kind, setting, fails] of hung) {
    (fails ? it.fails : it)(`${kind}, ${setting}: Redis hangs (SIGSTOP), requests time out with 503, Redis dies and restarts: no nonce lands`, async () => {
      const c = await connect(kind, setting, server.url);
      open.push(c);
      const v = createVerifier({ clock, nonces: c.store, schemes: { hostdime: { privateKey: 'priv' } } });
      expect((await v.verify(signed(`${kind}-hang-warm`).req)).ok).toBe(true);
      const pid = Number(/process_id:(\d+)/.exec(await c.raw.info())![1]);
      process.kill(pid, 'SIGSTOP');
      const refused = Array.from({ length: 10 }, () => signed(`${kind}-${setting}-hang`));
      const t0 = Date.now();
      const during = await Promise.all(refused.map((r) => v.verify(r.req)));
      const took = Date.now() - t0;
      expect(during.map((r) => (r.ok ? 'ACCEPTED' : `${r.code} ${r.status}`))).toEqual(Array(10).fill('NONCE_STORE_FAILED 503'));
      expect(took).toBeLessThan(3000);
      await server.stop(); // SIGKILL ends a stopped process too
      await server.restart();
      await waitAccepting(v, `${kind}-${setting}-hang`);
      await sleep(200);
      expect(await Promise.all(refused.map((r) => c.raw.exists(r.key)))).toEqual(Array(10).fill(0));
      const retried = await Promise.all(refused.map((r) => v.verify(r.req)));
      expect(retried.map((r) => (r.ok ? 'ACCEPTED' : r.code))).toEqual(Array(10).fill('ACCEPTED'));
    });
  }

  for (const kind of ['node-redis', 'ioredis'] as const) {
    it(`${kind}, defaults: PIN checks refused while Redis is down count no failure afterwards`, async () => {
      const c = await connect(kind, 'defaults', server.url);
      open.push(c);
      const prefix = `pinout:${kind}:`;
      const pins = createPinService({ pins: new MemoryPinStore(), attempts: new RedisPinAttemptStore({ client: c.client as never, prefix, timeoutMs: 300 }), delay: async () => {}, params: { N: 1024, r: 8, p: 1, dkLen: 32 } });
      expect(await pins.setPin('s1', '4321')).toMatchObject({ ok: true });
      await server.stop();
      await until(() => !ready(c.client));
      for (let i = 0; i < 3; i++) expect(await pins.checkPin('s1', '0000')).toMatchObject({ ok: false, code: 'LOOKUP_FAILED', status: 503 });
      await server.restart();
      const deadline = Date.now() + 10_000;
      let r = await pins.checkPin('s1', '4321');
      while (!r.ok && r.code === 'LOOKUP_FAILED' && Date.now() < deadline) {
        await sleep(50);
        r = await pins.checkPin('s1', '4321');
      }
      // Three wrong PINs sent during the outage, none evaluated: the right PIN is accepted and
      // nothing was counted after the answers.
      expect(r).toMatchObject({ ok: true });
      await sleep(200);
      expect(await c.raw.keys(`${prefix}*`)).toEqual([]);
    });
  }
});
