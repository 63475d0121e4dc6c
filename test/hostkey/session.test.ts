import { describe, expect, it } from 'vitest';
import { HostsigError } from '../../src/core/errors.js';
import { createHostKeySession, type HostKeyFetch, pollCallback } from '../../src/schemes/hostkey/index.js';
import { caught, expectNoSecret } from '../helpers/secrets.js';

const T1 = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const T2 = 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';
const KEY = 'api-key-SECRET-123';
const PASSWORD = 'pa55-SECRET-word';

type Reply = { status?: number; body: string } | ((body: URLSearchParams, url: string) => { status?: number; body: string });

/** A scripted invapi: each call pops the next reply; every request is recorded. */
function fakeFetch(replies: Reply[]) {
  const calls: { url: string; body: URLSearchParams }[] = [];
  const fetch: HostKeyFetch = async (url, init) => {
    const body = new URLSearchParams(init.body);
    calls.push({ url, body });
    expect(init.method).toBe('POST');
    expect(init.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const next = replies.shift();
    if (!next) throw new Error('unexpected request');
    const r = typeof next === 'function' ? next(body, url) : next;
    return { status: r.status ?? 200, text: async () => r.body };
  };
  return { fetch, calls };
}

const login = (token: string, expire: number, nested = true) => ({ body: JSON.stringify(nested ? { result: { token, token_expire: expire } } : { token, token_expire: expire }) });
const ok = (data: object) => ({ body: JSON.stringify({ result: data }) });

describe('createHostKeySession', () => {
  it('logs in lazily by API key and reuses the token until token_expire - skew', async () => {
    let now = 1000;
    const f = fakeFetch([login(T1, 1000 + 3600), ok({ a: 1 }), ok({ a: 2 }), login(T2, 5000 + 3600), ok({ a: 3 })]);
    const s = createHostKeySession({ fetch: f.fetch, credentials: { apiKey: KEY }, now: () => now });
    expect(f.calls).toHaveLength(0);
    expect(await s.call('auth', 'info')).toMatchObject({ a: 1 });
    expect(f.calls[0]!.url).toBe('https://invapi.hostkey.com/auth.php');
    expect(Object.fromEntries(f.calls[0]!.body)).toEqual({ action: 'login', key: KEY });
    expect(Object.fromEntries(f.calls[1]!.body)).toEqual({ action: 'info', token: T1 });
    now = 1000 + 3600 - 61;
    expect(await s.call('auth', 'info')).toMatchObject({ a: 2 });
    expect(f.calls[2]!.body.get('token')).toBe(T1);
    now = 5000; // past token_expire - 60
    expect(await s.call('auth', 'info')).toMatchObject({ a: 3 });
    expect(f.calls[3]!.body.get('action')).toBe('login');
    expect(f.calls[4]!.body.get('token')).toBe(T2);
    expect(s.expiresAt).toBe(5000 + 3600);
  });

  it('whmcslogin sends user, password, ttl and fix_ip, and accepts the flat reply shape', async () => {
    const f = fakeFetch([login(T1, 99_999, false), ok({})]);
    const s = createHostKeySession({ fetch: f.fetch, credentials: { user: 'me', password: PASSWORD }, ttl: 600, fixIp: true, now: 1 });
    await s.call('eq', 'check_pin', { pin: '1234' });
    expect(Object.fromEntries(f.calls[0]!.body)).toEqual({ action: 'whmcslogin', user: 'me', password: PASSWORD, ttl: '600', fix_ip: '1' });
    expect(Object.fromEntries(f.calls[1]!.body)).toEqual({ action: 'check_pin', token: T1, pin: '1234' });
    expect(f.calls[1]!.url).toBe('https://invapi.hostkey.com/eq.php');
  });

  it('logs in again once on HTTP 401, then retries', async () => {
    const f = fakeFetch([login(T1, 1e9), { status: 401, body: 'Unauthorized' }, login(T2, 1e9), ok({ done: true })]);
    const s = createHostKeySession({ fetch: f.fetch, credentials: { apiKey: KEY }, now: 1 });
    expect(await s.call('auth', 'info')).toMatchObject({ done: true });
    expect(f.calls.map((c) => c.body.get('action'))).toEqual(['login', 'info', 'login', 'info']);
    expect(f.calls[3]!.body.get('token')).toBe(T2);
  });

  it('logs in again once on an "invalid token" / "token expired" reply, never in a loop', async () => {
    for (const err of ['Invalid token', 'Token expired']) {
      const f = fakeFetch([login(T1, 1e9), { body: JSON.stringify({ result: -1, error: err }) }, login(T2, 1e9), { body: JSON.stringify({ code: 1, error: err }) }, login(T1, 1e9), ok({})]);
      const s = createHostKeySession({ fetch: f.fetch, credentials: { apiKey: KEY }, now: 1 });
      const e = await caught(() => s.call('auth', 'info'));
      expect(e).toBeInstanceOf(HostsigError);
      expect((e as HostsigError).code).toBe('TOKEN_INVALID');
      expect(f.calls).toHaveLength(4); // login, call, login, call: and no third login
      expectNoSecret(e, [KEY, T1, T2]);
    }
  });

  it('shares one login between concurrent calls', async () => {
    const f = fakeFetch([login(T1, 1e9), ok({ n: 1 }), ok({ n: 2 }), ok({ n: 3 })]);
    const s = createHostKeySession({ fetch: f.fetch, credentials: { apiKey: KEY }, now: 1 });
    await Promise.all([s.call('auth', 'info'), s.call('auth', 'info'), s.call('auth', 'info')]);
    expect(f.calls.filter((c) => c.body.get('action') === 'login')).toHaveLength(1);
  });

  it('provider errors and transport failures are typed and carry no secret', async () => {
    const cases: Reply[][] = [
      [{ body: '{"result":-1,"error":"Wrong login","code":"auth"}' }],
      [{ status: 500, body: '<html>oops</html>' }],
      [{ body: 'not json' }],
      [login(T1, 1e9), { body: '{"result":-1,"error":"Server not found","code":"eq"}' }],
      [login(T1, 1e9), { status: 502, body: 'bad gateway' }],
      [
        () => {
          throw new Error(`socket hang up with ${PASSWORD}`);
        },
      ],
    ];
    for (const c of cases) {
      const f = fakeFetch(c);
      const s = createHostKeySession({ fetch: f.fetch, credentials: { user: 'me', password: PASSWORD }, now: 1 });
      const e = await caught(() => s.call('eq', 'check_pin', { pin: '7777' }));
      expect(e).toBeInstanceOf(HostsigError);
      expect(['PROVIDER_ERROR', 'BODY_MALFORMED']).toContain((e as HostsigError).code);
      expectNoSecret(e, [PASSWORD, T1, '7777']);
    }
  });

  it('request() returns error replies instead of throwing', async () => {
    const f = fakeFetch([login(T1, 1e9), { body: '{"result":-1,"error":"Wrong PIN"}' }]);
    const s = createHostKeySession({ fetch: f.fetch, credentials: { apiKey: KEY }, now: 1 });
    expect(await s.request('eq', 'check_pin', { pin: '1234' })).toMatchObject({ ok: false, error: 'Wrong PIN' });
  });

  it('logs out and forgets the token', async () => {
    const f = fakeFetch([login(T1, 1e9), ok({}), { body: '{"result":"OK"}' }, login(T2, 1e9)]);
    const s = createHostKeySession({ fetch: f.fetch, credentials: { apiKey: KEY }, now: 1 });
    expect(await s.logout()).toBe(false); // nothing to log out
    await s.call('auth', 'info');
    expect(await s.logout()).toBe(true);
    expect(Object.fromEntries(f.calls[2]!.body)).toEqual({ action: 'logout', token: T1 });
    expect(s.expiresAt).toBeNull();
    expect(await s.token()).toBe(T2);
  });

  it('falls back to ttl (or 2 hours) when the reply has no token_expire', async () => {
    const f = fakeFetch([{ body: JSON.stringify({ result: { token: T1 } }) }]);
    const s = createHostKeySession({ fetch: f.fetch, credentials: { apiKey: KEY }, now: 100 });
    await s.token();
    expect(s.expiresAt).toBe(100 + 7200);
  });

  it('refuses bad options', () => {
    expect(() => createHostKeySession({ fetch: undefined as never, credentials: { apiKey: KEY } })).toThrow(HostsigError);
    expect(() => createHostKeySession({ fetch: async () => ({ status: 200, text: async () => '' }), credentials: {} as never })).toThrow(HostsigError);
    const e = (() => {
      try {
        createHostKeySession({ fetch: async () => ({ status: 200, text: async () => '' }), credentials: { user: 'u', password: PASSWORD }, ttl: -1 });
      } catch (x) {
        return x;
      }
    })();
    expect(e).toBeInstanceOf(HostsigError);
    expectNoSecret(e, [PASSWORD]);
  });
});

describe('pollCallback', () => {
  const CB = '0123456789abcdef0123456789abcdef';
  it('polls with backoff until the result is ready', async () => {
    const notReady = { body: '{"result":"Not ready"}' };
    const f = fakeFetch([login(T1, 1e9), notReady, notReady, notReady, ok({ status: 'done' })]);
    const s = createHostKeySession({ fetch: f.fetch, credentials: { apiKey: KEY }, now: 1 });
    const waits: number[] = [];
    const r = await pollCallback(s, CB, { intervalMs: 100, backoff: 2, maxIntervalMs: 300, sleep: async (ms) => void waits.push(ms) });
    expect(r).toMatchObject({ status: 'done' });
    expect(waits).toEqual([100, 200, 300]);
    expect(Object.fromEntries(f.calls[1]!.body)).toEqual({ action: 'check', token: T1, key: CB });
    expect(f.calls[1]!.url).toBe('https://invapi.hostkey.com/eq_callback.php');
  });

  it('gives up after maxAttempts', async () => {
    const f = fakeFetch([login(T1, 1e9), ...Array.from({ length: 3 }, () => ({ body: '{"result":"Not ready"}' }))]);
    const s = createHostKeySession({ fetch: f.fetch, credentials: { apiKey: KEY }, now: 1 });
    const e = await caught(() => pollCallback(s, CB, { maxAttempts: 3, sleep: async () => {} }));
    expect(e).toMatchObject({ code: 'PROVIDER_ERROR', details: { reason: 'poll-limit', attempts: 3 } });
    expect(f.calls).toHaveLength(4);
  });

  it('stops on an error reply, and refuses a bad key', async () => {
    const f = fakeFetch([login(T1, 1e9), { body: '{"result":-1,"error":"Unknown callback"}' }]);
    const s = createHostKeySession({ fetch: f.fetch, credentials: { apiKey: KEY }, now: 1 });
    await expect(pollCallback(s, CB, { sleep: async () => {} })).rejects.toMatchObject({ code: 'PROVIDER_ERROR' });
    await expect(pollCallback(s, 'nope', { sleep: async () => {} })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
