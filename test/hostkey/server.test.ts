import { createHash, scryptSync } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HostsigError } from '../../src/core/errors.js';
import {
  createPinService,
  DEFAULT_PIN_PARAMS,
  digestHostKeyToken,
  generateHostKeyToken,
  hashHostKeyPin,
  issueHostKeyToken,
  MemoryHostKeyTokenStore,
  MemoryPinStore,
  parseHostKeyLoginOptions,
  pinNeedsRehash,
  revokeHostKeyToken,
  verifyHostKeyPinHash,
  verifyHostKeyRequest,
  verifyHostKeyToken,
} from '../../src/schemes/hostkey/index.js';
import { expectNoSecret } from '../helpers/secrets.js';

const FAST = { N: 16, r: 1, p: 1, dkLen: 32 };

describe('session tokens (server)', () => {
  it('are 32 lowercase hex and stored only as SHA-256 digests', async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 100; i++) {
      const t = generateHostKeyToken();
      expect(t).toMatch(/^[0-9a-f]{32}$/);
      seen.add(t);
    }
    expect(seen.size).toBe(100);
    const store = new MemoryHostKeyTokenStore();
    const puts: unknown[] = [];
    const spy = {
      put: async (r: Parameters<typeof store.put>[0]) => {
        puts.push(r);
        await store.put(r);
      },
      get: (d: string) => store.get(d), delete: (d: string) => store.delete(d) };
    const { token, tokenExpire } = await issueHostKeyToken({ store: spy, subject: 'u1', ttl: 600, now: 1000 });
    expect(tokenExpire).toBe(1600);
    expect(JSON.stringify(puts)).not.toContain(token);
    expect(puts[0]).toMatchObject({ digest: createHash('sha256').update(token).digest('hex'), subject: 'u1', expiresAt: 1600, ip: null });
    expect(digestHostKeyToken(token)).toBe(createHash('sha256').update(token).digest('hex'));
  });

  it('clamps ttl to the maximum and uses the documented default', async () => {
    const store = new MemoryHostKeyTokenStore();
    expect((await issueHostKeyToken({ store, subject: 'u', ttl: 10 ** 6, now: 0 })).tokenExpire).toBe(86400);
    expect((await issueHostKeyToken({ store, subject: 'u', ttl: 10 ** 6, maxTtl: 3600, now: 0 })).tokenExpire).toBe(3600);
    expect((await issueHostKeyToken({ store, subject: 'u', now: 0 })).tokenExpire).toBe(10800);
    await expect(issueHostKeyToken({ store, subject: 'u', ttl: 0 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(issueHostKeyToken({ store, subject: 'u', fixIp: true })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('verifies, expires (401), binds to the IP (403) and revokes', async () => {
    const store = new MemoryHostKeyTokenStore();
    const { token } = await issueHostKeyToken({ store, subject: 'u1', ttl: 100, now: 1000, fixIp: true, clientIp: '::ffff:192.0.2.10' });
    expect(await verifyHostKeyToken(token, { store, now: 1050, clientIp: '192.0.2.10' })).toEqual({ ok: true, subject: 'u1', expiresAt: 1100, ipBound: true });
    expect(await verifyHostKeyToken(token, { store, now: 1050, clientIp: '192.0.2.11' })).toMatchObject({ ok: false, status: 403, code: 'IP_NOT_ALLOWED' });
    expect(await verifyHostKeyToken(token, { store, now: 1050 })).toMatchObject({ ok: false, status: 403, code: 'IP_NOT_ALLOWED' });
    expect(await verifyHostKeyRequest(`action=info&token=${token}`, { store, now: 1050, clientIp: '192.0.2.10' })).toMatchObject({ ok: true });
    expect(await verifyHostKeyToken(token, { store, now: 1100, clientIp: '192.0.2.10' })).toMatchObject({ ok: false, status: 401, code: 'TOKEN_EXPIRED' });
    expect(store.size).toBe(0); // expired records are dropped when seen
    const t2 = (await issueHostKeyToken({ store, subject: 'u2', now: 0 })).token;
    expect(await revokeHostKeyToken(t2, store)).toBe(true);
    expect(await verifyHostKeyToken(t2, { store, now: 1 })).toMatchObject({ ok: false, status: 401, code: 'TOKEN_INVALID' });
    expect(await revokeHostKeyToken('nope', store)).toBe(false);
  });

  it('hostile token fields fail typed, without echoing the token', async () => {
    const store = new MemoryHostKeyTokenStore();
    const { token } = await issueHostKeyToken({ store, subject: 'u', now: 0 });
    const cases: [string, string, number][] = [
      ['action=info', 'MISSING_FIELD', 401],
      [`token[]=${token}`, 'TOKEN_INVALID', 401],
      [`token=${token.toUpperCase()}`, 'TOKEN_INVALID', 401],
      [`token=${token}0`, 'TOKEN_INVALID', 401],
      ['token=%FF', 'INVALID_UTF8', 400],
      [`__proto__[token]=${token}`, 'MISSING_FIELD', 401],
    ];
    for (const [body, code, status] of cases) {
      const r = await verifyHostKeyRequest(body, { store, now: 1 });
      expect(r).toMatchObject({ ok: false, code, status });
      expectNoSecret(r, [token, token.toUpperCase()]);
    }
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), fc.string().map((s) => `token=${s}`)), async (b) => {
        const r = await verifyHostKeyRequest(b, { store, now: 1 });
        expect(r.ok).toBe(false);
      }),
      { numRuns: 300 },
    );
    const broken = { put: async () => {}, get: async () => Promise.reject(new Error(token)), delete: async () => false };
    const r = await verifyHostKeyToken(token, { store: broken, now: 1 });
    expect(r).toMatchObject({ ok: false, status: 503, code: 'LOOKUP_FAILED' });
    expectNoSecret(r, [token]);
  });

  it('reads ttl and fix_ip from a login body', () => {
    expect(parseHostKeyLoginOptions('action=whmcslogin&user=u&password=p&ttl=600&fix_ip=1')).toEqual({ ttl: 600, fixIp: true });
    expect(parseHostKeyLoginOptions('action=whmcslogin')).toEqual({ ttl: undefined, fixIp: false });
    for (const b of ['ttl=-1', 'ttl=1e3', 'ttl[]=1', 'fix_ip=yes']) expect(() => parseHostKeyLoginOptions(b)).toThrow(expect.objectContaining({ code: 'BODY_MALFORMED' }));
  });
});

describe('PIN hashing', () => {
  it('matches node:crypto scrypt with the parameters in the record', async () => {
    const rec = await hashHostKeyPin('482915', FAST);
    expect(rec).toMatchObject({ alg: 'scrypt', ...FAST });
    expect(rec.salt).toMatch(/^[0-9a-f]{32}$/);
    const oracle = scryptSync('482915', Buffer.from(rec.salt, 'hex'), 32, { N: 16, r: 1, p: 1 }).toString('hex');
    expect(rec.hash).toBe(oracle);
    expect(await verifyHostKeyPinHash('482915', rec)).toBe(true);
    expect(await verifyHostKeyPinHash('482916', rec)).toBe(false);
    expect(await verifyHostKeyPinHash(482915, rec)).toBe(false);
  });

  it('defaults to N=2^14, r=8, p=1 (oracle-checked)', async () => {
    expect(DEFAULT_PIN_PARAMS).toEqual({ N: 16384, r: 8, p: 1, dkLen: 32 });
    const rec = await hashHostKeyPin('0042');
    expect(rec.hash).toBe(scryptSync('0042', Buffer.from(rec.salt, 'hex'), 32, { N: 16384, r: 8, p: 1 }).toString('hex'));
    expect(pinNeedsRehash(rec, { ...DEFAULT_PIN_PARAMS, N: 2 ** 15 })).toBe(true);
    expect(pinNeedsRehash(rec)).toBe(false);
  });

  it('refuses non-PINs and malformed records without echoing them', async () => {
    for (const p of ['123', '12345678901234567', '12a4', ' 1234', '１２３４']) {
      const e = await hashHostKeyPin(p, FAST).catch((x) => x);
      expect(e).toMatchObject({ code: 'PIN_INVALID' });
      expectNoSecret(e, [p.trim()]);
    }
    const rec = await hashHostKeyPin('1234', FAST);
    await expect(verifyHostKeyPinHash('1234', { ...rec, N: 15 })).rejects.toMatchObject({ code: 'LOOKUP_FAILED' });
    await expect(verifyHostKeyPinHash('1234', { ...rec, hash: 'zz' })).rejects.toMatchObject({ code: 'LOOKUP_FAILED' });
  });
});

describe('PIN service', () => {
  function svc(extra: object = {}) {
    const delays: number[] = [];
    const s = createPinService({ params: FAST, delay: async (n) => void delays.push(n), ...extra });
    return { s, delays };
  }

  it('locks after 3 wrong PINs, delaying every failure', async () => {
    const { s, delays } = svc();
    expect(await s.setPin('u', '1234')).toEqual({ ok: true });
    expect(await s.checkPin('u', '0000')).toMatchObject({ ok: false, code: 'PIN_INVALID', status: 403, remaining: 2 });
    expect(await s.checkPin('u', '0001')).toMatchObject({ ok: false, code: 'PIN_INVALID', remaining: 1 });
    expect(await s.checkPin('u', '0002')).toMatchObject({ ok: false, code: 'PIN_LOCKED', remaining: 0 });
    // Locked: even the right PIN fails, and is delayed too.
    expect(await s.checkPin('u', '1234')).toMatchObject({ ok: false, code: 'PIN_LOCKED' });
    expect(delays).toEqual([1, 2, 3, 4]);
    await s.unlock('u');
    expect(await s.checkPin('u', '1234')).toEqual({ ok: true });
  });

  it('a correct PIN resets the counter', async () => {
    const { s, delays } = svc();
    await s.setPin('u', '1234');
    await s.checkPin('u', '0000');
    await s.checkPin('u', '0000');
    expect(await s.checkPin('u', '1234')).toEqual({ ok: true });
    expect(await s.checkPin('u', '0000')).toMatchObject({ code: 'PIN_INVALID', remaining: 2 });
    expect(delays).toEqual([1, 2, 1]);
  });

  it('parallel guesses get at most 3 PINs evaluated', async () => {
    const { s } = svc();
    await s.setPin('u', '9999');
    const guesses = Array.from({ length: 20 }, (_, i) => String(1000 + i));
    const results = await Promise.all([...guesses.map((g) => s.checkPin('u', g)), s.checkPin('u', '9999')]);
    expect(results.every((r) => !r.ok)).toBe(true);
    expect(results.filter((r) => !r.ok && r.code === 'PIN_INVALID')).toHaveLength(2);
    expect(await s.checkPin('u', '9999')).toMatchObject({ code: 'PIN_LOCKED' });
  });

  it('set_pin needs the right old PIN to change it; a wrong one counts', async () => {
    const { s } = svc();
    expect(await s.setPin('u', '12')).toMatchObject({ ok: false, code: 'PIN_INVALID', status: 400 });
    await s.setPin('u', '1234');
    expect(await s.setPin('u', '5678')).toMatchObject({ ok: false, code: 'MISSING_FIELD' });
    expect(await s.setPin('u', '5678', '0000')).toMatchObject({ ok: false, code: 'PIN_INVALID', remaining: 2 });
    expect(await s.setPin('u', '5678', '1234')).toEqual({ ok: true });
    expect(await s.checkPin('u', '5678')).toEqual({ ok: true });
  });

  it('re-hashes with raised parameters after a correct PIN', async () => {
    const pins = new MemoryPinStore();
    await createPinService({ pins, params: FAST, delay: async () => {} }).setPin('u', '1234');
    const raised = { ...FAST, N: 32 };
    expect(await createPinService({ pins, params: raised, delay: async () => {} }).checkPin('u', '1234')).toEqual({ ok: true });
    expect(await pins.get('u')).toMatchObject({ N: 32 });
  });

  it('no PIN ever appears in a result', async () => {
    const { s } = svc();
    await s.setPin('u', '73915');
    const outs = [await s.checkPin('u', '55555'), await s.setPin('u', '66666', '44444'), await s.checkPin('u', '73915'), await s.checkPin('nobody', '73915'), await s.setPin('u', '999')];
    for (const o of outs) expectNoSecret(o, ['73915', '55555', '66666', '44444']);
  });

  it('unset PIN, bad options', async () => {
    const { s } = svc();
    expect(await s.checkPin('u', '1234')).toMatchObject({ ok: false, code: 'PIN_INVALID' });
    expect(() => createPinService({ maxFailures: 0 })).toThrow(HostsigError);
    expect(() => createPinService({ params: { N: 3, r: 1, p: 1, dkLen: 32 } })).toThrow(HostsigError);
  });
});
