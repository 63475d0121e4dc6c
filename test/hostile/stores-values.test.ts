// Values read from a store the caller supplies are validated: a PIN attempt count that is not a
// safe integer >= 1, a session record with a non-finite expiry, a nonce store answering anything
// but true/false, a Redis client that is not ready: each fails closed with the store-failure
// code (LOOKUP_FAILED / NONCE_STORE_FAILED, 503), never accepts.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryNonceStore, type NonceStore, recordNonce } from '../../src/core/nonce.js';
import { signHostDime, verifyHostDime } from '../../src/schemes/hostdime/index.js';
import { createPinService, digestHostKeyToken, MemoryPinStore, type PinAttemptStore, verifyHostKeyToken } from '../../src/schemes/hostkey/index.js';
import { createVerifier, RedisHostKeyTokenStore, RedisNonceStore, RedisPinAttemptStore } from '../../src/server/index.js';
import { codeOfAsync } from '../helpers/codes.js';

const PARAMS = { N: 1024, r: 8, p: 1, dkLen: 32 };

/** Anything that is not a safe integer >= 1. */
const badCount = fc.oneof(
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0, -0, -1, 2 ** 53, 1.5, null, undefined, true, '3', '1', 3n),
  fc.integer({ max: 0 }),
  fc.double({ noNaN: false }).filter((d) => !Number.isSafeInteger(d) || d < 1),
  fc.string(),
  fc.object(),
  fc.array(fc.nat()),
);
/** Anything that is not a boolean. */
const badLock = fc.oneof(fc.constantFrom(undefined, null, 0, 1, 'false', 'true', Number.NaN), fc.object());

function attemptsReturning(state: unknown): PinAttemptStore {
  return { begin: async () => state as never, lock: async () => {}, reset: async () => {}, unlock: async () => {} };
}

async function pinService(attempts: PinAttemptStore) {
  const pins = new MemoryPinStore();
  await createPinService({ pins, delay: async () => {}, params: PARAMS }).setPin('s1', '4321');
  return createPinService({ pins, attempts, delay: async () => {}, params: PARAMS });
}

describe('PIN attempt store values', () => {
  it('a count that is not a safe integer >= 1 fails closed (LOOKUP_FAILED 503), even with the right PIN', async () => {
    await fc.assert(
      fc.asyncProperty(badCount, fc.boolean(), async (attempts, locked) => {
        const svc = await pinService(attemptsReturning({ attempts, locked }));
        // The right PIN: on the old code a NaN count let it through (and a wrong one never locked).
        expect(await svc.checkPin('s1', '4321')).toMatchObject({ ok: false, code: 'LOOKUP_FAILED', status: 503 });
      }),
      { numRuns: 60 },
    );
  });

  it('a store that throws on reset or lock after the check answers typed: 503 for a good PIN, PIN_LOCKED at the limit', async () => {
    const boom = (what: unknown) => async () => {
      throw what;
    };
    const failing = (n: number): PinAttemptStore => ({ begin: async () => ({ attempts: n, locked: false }), lock: boom(new TypeError('x')), reset: boom('down'), unlock: async () => {} });
    const good = await pinService(failing(1));
    expect(await good.checkPin('s1', '4321')).toMatchObject({ ok: false, code: 'LOOKUP_FAILED', status: 503 });
    const last = await pinService(failing(3));
    expect(await last.checkPin('s1', '9999')).toMatchObject({ ok: false, code: 'PIN_LOCKED', status: 403 });
  });

  it('a lock that is not a boolean fails closed', async () => {
    await fc.assert(
      fc.asyncProperty(badLock, async (locked) => {
        const svc = await pinService(attemptsReturning({ attempts: 1, locked }));
        expect(await svc.checkPin('s1', '4321')).toMatchObject({ ok: false, code: 'LOOKUP_FAILED', status: 503 });
      }),
      { numRuns: 30 },
    );
  });

  it('begin resolving null, a number, a string, an array, or an object with throwing getters fails closed', async () => {
    const throwing = Object.defineProperty({}, 'attempts', {
      get() {
        throw new TypeError('boom');
      },
    });
    for (const state of [null, undefined, 1, '1', [1, false], throwing]) {
      const svc = await pinService(attemptsReturning(state));
      expect(await svc.checkPin('s1', '4321')).toMatchObject({ ok: false, code: 'LOOKUP_FAILED', status: 503 });
    }
  });

  it('NaN counts never lock on the old code: 10 wrong PINs, each refused, the 11th right one still refused', async () => {
    const svc = await pinService(attemptsReturning({ attempts: Number.NaN, locked: false }));
    for (let i = 0; i < 10; i++) expect(await svc.checkPin('s1', '0000')).toMatchObject({ ok: false, code: 'LOOKUP_FAILED' });
    expect(await svc.checkPin('s1', '4321')).toMatchObject({ ok: false });
  });

  it('RedisPinAttemptStore: an INCR reply that is not a number fails closed', async () => {
    for (const reply of ['3', Number.NaN, null, 1.5, { n: 1 }]) {
      const client = { get: async () => null, set: async () => 'OK', del: async () => 1, incr: async () => reply };
      const svc = await pinService(new RedisPinAttemptStore({ client }));
      expect(await svc.checkPin('s1', '4321')).toMatchObject({ ok: false, code: 'LOOKUP_FAILED', status: 503 });
    }
  });
});

describe('HostKey session records read from Redis', () => {
  const token = '0123456789abcdef0123456789abcdef';
  const digest = createHash('sha256').update(token).digest('hex'); // node:crypto as the oracle
  const good = { digest, subject: 'user-42', expiresAt: 1_700_003_600, createdAt: 1_700_000_000, ip: null };
  const storeReturning = (reply: unknown) =>
    new RedisHostKeyTokenStore({ client: { get: async () => reply, set: async () => 'OK', del: async () => 1, incr: async () => 1 } });
  const verify = (reply: unknown) => verifyHostKeyToken(token, { store: storeReturning(reply), now: 1_700_000_100 });

  it('a well-formed record verifies (the control)', async () => {
    expect(await verify(JSON.stringify(good))).toMatchObject({ ok: true, subject: 'user-42' });
  });

  it('a record with a bad field fails closed (LOOKUP_FAILED 503), never a session', async () => {
    const badField = fc.oneof(
      fc.record({ k: fc.constant('expiresAt'), v: fc.constantFrom('1e400', '"1700003600"', 'null', '{}', '[]', 'true') }),
      fc.record({ k: fc.constant('createdAt'), v: fc.constantFrom('1e400', '-1e400', '"x"', 'null', '{}') }),
      fc.record({ k: fc.constant('subject'), v: fc.constantFrom('""', '1', 'null', '{}', '["a"]') }),
      fc.record({ k: fc.constant('digest'), v: fc.constantFrom('1', 'null', `"${digest.toUpperCase()}"`, `"${digest}0"`, '""') }),
      fc.record({ k: fc.constant('ip'), v: fc.constantFrom('1', '{}', '[]', 'true') }),
    );
    await fc.assert(
      fc.asyncProperty(badField, fc.boolean(), async ({ k, v }, drop) => {
        // The field replaced by raw JSON text (1e400 parses to Infinity), or left out.
        const fields = Object.entries(good).filter(([name]) => !(drop && name === k)).map(([name, val]) => `"${name}":${name === k ? v : JSON.stringify(val)}`);
        expect(await verify(`{${fields.join(',')}}`)).toMatchObject({ ok: false, code: 'LOOKUP_FAILED', status: 503 });
      }),
      { numRuns: 80 },
    );
  });

  it('a GET reply that is not a JSON object string fails closed', async () => {
    for (const reply of [42, true, {}, ['x'], '[]', '"x"', 'null', new Uint8Array([0xff, 0xfe]), `{"__proto__":${JSON.stringify(good)}}`]) {
      expect(await verify(reply)).toMatchObject({ ok: false, code: 'LOOKUP_FAILED', status: 503 });
    }
  });
});

describe('nonce store answers', () => {
  const signed = () => signHostDime({ publicKey: 'pub', privateKey: 'priv', method: 'server.list', timestamp: 1_700_000_000 });
  const clock = () => 1_700_000_000;
  const junk = fc.oneof(fc.constantFrom(1, 0, 'true', 'false', '', Number.NaN, null, undefined, 'OK'), fc.object(), fc.string(), fc.integer());

  it('a NonceStore answering anything but true/false fails closed, directly and through the verifier', async () => {
    await fc.assert(
      fc.asyncProperty(junk, async (answer) => {
        const store: NonceStore = { checkAndStore: async () => answer as unknown as boolean };
        expect(await recordNonce(store, 'k', 10, 'replayed')).toMatchObject({ ok: false, code: 'NONCE_STORE_FAILED' });
        const s = signed();
        expect(await verifyHostDime({ path: s.path, body: s.body }, { privateKey: 'priv', nonces: store, now: 1_700_000_000 })).toMatchObject({ ok: false, code: 'NONCE_STORE_FAILED' });
        const v = createVerifier({ clock, nonces: store, schemes: { hostdime: { privateKey: 'priv' } } });
        expect(await v.verify({ method: 'POST', url: s.path, headers: s.headers, body: s.body })).toMatchObject({ ok: false, code: 'NONCE_STORE_FAILED', status: 503 });
      }),
      { numRuns: 40 },
    );
  });

  it('a store that throws anything, or never settles (under the verifier time cap), fails closed', async () => {
    const stores: NonceStore[] = [
      { checkAndStore: () => Promise.reject(new Error('down')) },
      { checkAndStore: () => Promise.reject('a string') },
      {
        checkAndStore: () => {
          throw null;
        },
      },
      { checkAndStore: () => new Promise<boolean>(() => {}) },
      { checkAndStore: () => ({ then: () => {} }) as never },
      { checkAndStore: async () => new Boolean(true) as never },
    ];
    for (const nonces of stores) {
      const s = signed();
      const v = createVerifier({ clock, nonces, nonceTimeoutMs: 50, schemes: { hostdime: { privateKey: 'priv' } } });
      expect(await v.verify({ method: 'POST', url: s.path, headers: s.headers, body: s.body })).toMatchObject({ ok: false, code: 'NONCE_STORE_FAILED', status: 503 });
    }
  });

  it('RedisNonceStore: a SET reply other than OK or null fails closed', async () => {
    await fc.assert(
      fc.asyncProperty(junk.filter((x) => x !== null && x !== 'OK'), async (reply) => {
        const store = new RedisNonceStore({ client: { set: async () => reply } });
        expect(await codeOfAsync(store.checkAndStore('k', 10))).toBe('NONCE_STORE_FAILED');
      }),
      { numRuns: 40 },
    );
  });
});

describe('a Redis client that is not ready is never sent a command', () => {
  it('node-redis style (isReady false) and ioredis style (status not ready): refused, set never called', async () => {
    let calls = 0;
    const set = async () => {
      calls++;
      return 'OK';
    };
    const nodeLike = { isReady: false, set };
    const ioLike = { status: 'reconnecting', defineCommand() {}, set };
    expect(await codeOfAsync(new RedisNonceStore({ client: nodeLike }).checkAndStore('k', 10))).toBe('NONCE_STORE_FAILED');
    expect(await codeOfAsync(new RedisNonceStore({ client: ioLike }).checkAndStore('k', 10))).toBe('NONCE_STORE_FAILED');
    const kv = { isReady: false, set, get: async () => null, del: async () => 1, incr: async () => 1 };
    const svc = await pinService(new RedisPinAttemptStore({ client: kv }));
    expect(await svc.checkPin('s1', '4321')).toMatchObject({ ok: false, code: 'LOOKUP_FAILED', status: 503 });
    expect(calls).toBe(0);
    // Ready again: sent.
    nodeLike.isReady = true;
    expect(await new RedisNonceStore({ client: nodeLike }).checkAndStore('k', 10)).toBe(true);
    expect(calls).toBe(1);
  });

  it('node-redis v5+ (withAbortSignal): a command still queued when the time cap fires is aborted', async () => {
    const signals: AbortSignal[] = [];
    const client = {
      isReady: true,
      withAbortSignal(signal: AbortSignal) {
        signals.push(signal);
        return { set: () => new Promise(() => {}) }; // queued, never answered
      },
      set: () => Promise.reject(new Error('the abortable proxy must be used')),
    };
    expect(await codeOfAsync(new RedisNonceStore({ client, timeoutMs: 20 }).checkAndStore('k', 10))).toBe('NONCE_STORE_FAILED');
    expect(signals).toHaveLength(1);
    expect(signals[0]!.aborted).toBe(true);
  });

  it('the memory store is unaffected (control)', async () => {
    expect(await new MemoryNonceStore().checkAndStore('k', 10)).toBe(true);
  });
});

describe('verifyHostKeyToken: a caller store record without a usable subject or expiry fails closed', () => {
  it('answers LOOKUP_FAILED (503), never an identity', async () => {
    const token = '0123456789abcdef0123456789abcdef';
    const digest = digestHostKeyToken(token);
    for (const bad of [{ subject: 42 }, { subject: null }, { expiresAt: Number.NaN }, { expiresAt: '9999999999' }, { subject: { toString: () => 'x' } }]) {
      const rec = { digest, subject: 'alice', expiresAt: 2e9, createdAt: 1, ip: null, ...bad };
      const store = { get: async () => rec as never, put: async () => {}, delete: async () => true };
      expect(await verifyHostKeyToken(token, { store, now: 1_700_000_000 }), JSON.stringify(bad)).toMatchObject({ ok: false, code: 'LOOKUP_FAILED', status: 503 });
    }
  });
});
