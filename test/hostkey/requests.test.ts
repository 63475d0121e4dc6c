import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HostsigError } from '../../src/core/errors.js';
import {
  hostKeyApiKeyLogin,
  hostKeyCallbackCheck,
  hostKeyCheckPin,
  hostKeyInfo,
  hostKeyLogout,
  hostKeySetPin,
  hostKeyWhmcsLogin,
  isHostKeyTokenError,
  parseHostKeyLoginReply,
  parseHostKeyReply,
} from '../../src/schemes/hostkey/index.js';
import { expectNoSecret } from '../helpers/secrets.js';

const TOKEN = '0123456789abcdef0123456789abcdef';

describe('HostKey requests (the documented curl calls)', () => {
  it('whmcslogin, with ttl and fix_ip', () => {
    const r = hostKeyWhmcsLogin({ user: 'me@example.com', password: 'p@ss word&x', ttl: 3600, fixIp: true });
    expect(r.url).toBe('https://invapi.hostkey.com/auth.php');
    expect(r.method).toBe('POST');
    expect(r.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(r.body).toBe('action=whmcslogin&user=me%40example.com&password=p%40ss+word%26x&ttl=3600&fix_ip=1');
    expect(new URLSearchParams(r.body).get('password')).toBe('p@ss word&x');
    expect(hostKeyWhmcsLogin({ user: 'u', password: 'p' }).body).toBe('action=whmcslogin&user=u&password=p');
  });

  it('login by key, logout, info, set_pin, check_pin, callback check', () => {
    expect(hostKeyApiKeyLogin('k-1', 'https://api.example.test/').body).toBe('action=login&key=k-1');
    expect(hostKeyApiKeyLogin('k-1', 'https://api.example.test/').url).toBe('https://api.example.test/auth.php');
    expect(hostKeyLogout(TOKEN).body).toBe(`action=logout&token=${TOKEN}`);
    expect(hostKeyInfo(TOKEN).body).toBe(`action=info&token=${TOKEN}`);
    expect(hostKeySetPin({ token: TOKEN, newPin: '1234' }).body).toBe(`action=set_pin&token=${TOKEN}&new_pin=1234`);
    expect(hostKeySetPin({ token: TOKEN, oldPin: 1234, newPin: '5678' })).toMatchObject({ url: 'https://invapi.hostkey.com/eq.php', body: `action=set_pin&token=${TOKEN}&old_pin=1234&new_pin=5678` });
    expect(hostKeyCheckPin({ token: TOKEN, pin: '0042' }).body).toBe(`action=check_pin&token=${TOKEN}&pin=0042`);
    const cb = hostKeyCallbackCheck({ token: TOKEN, key: 'ABCDEF0123456789abcdef0123456789' });
    expect(cb.url).toBe('https://invapi.hostkey.com/eq_callback.php');
    expect(cb.body).toBe(`action=check&token=${TOKEN}&key=ABCDEF0123456789abcdef0123456789`);
  });

  it('refuses bad input without echoing secrets', () => {
    const bad: [() => unknown, string][] = [
      [() => hostKeyWhmcsLogin({ user: 'u', password: '' }), ''],
      [() => hostKeyWhmcsLogin({ user: 'u', password: 'hunter2hunter2', ttl: -5 }), 'hunter2hunter2'],
      [() => hostKeyLogout('0123456789ABCDEF0123456789ABCDEF'), '0123456789ABCDEF0123456789ABCDEF'],
      [() => hostKeyCheckPin({ token: TOKEN, pin: '12a45' }), '12a45'],
      [() => hostKeySetPin({ token: TOKEN, newPin: '98765432109876543' }), '98765432109876543'],
      [() => hostKeyCallbackCheck({ token: TOKEN, key: 'zz' }), TOKEN],
      [() => hostKeyApiKeyLogin('secret-api-key', 'ftp://x'), 'secret-api-key'],
    ];
    for (const [f, secret] of bad) {
      try {
        f();
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(HostsigError);
        expect((e as HostsigError).code).toBe('INVALID_ARGUMENT');
        expectNoSecret(e, [secret]);
      }
    }
  });
});

describe('HostKey replies', () => {
  it('parses the nested login shape', () => {
    const l = parseHostKeyLoginReply(`{"result":{"token":"${TOKEN}","token_expire":1700010800,"servers":[101,102],"role":"client"}}`);
    expect(l).toMatchObject({ token: TOKEN, tokenExpire: 1700010800, servers: [101, 102] });
  });

  it('parses the top-level login shape', () => {
    const l = parseHostKeyLoginReply(`{"token":"${TOKEN}","token_expire":"1700010800","servers":[]}`);
    expect(l).toMatchObject({ token: TOKEN, tokenExpire: 1700010800, servers: [] });
  });

  it('both error shapes become PROVIDER_ERROR with the provider code', () => {
    for (const [body, code] of [
      ['{"result":-1,"error":"Wrong user or password","code":"auth_failed"}', 'auth_failed'],
      ['{"code":1,"error":"Wrong user or password"}', '1'],
    ] as const) {
      expect(parseHostKeyReply(body)).toEqual({ ok: false, pending: false, error: 'Wrong user or password', code });
      expect(() => parseHostKeyLoginReply(body)).toThrow(expect.objectContaining({ code: 'PROVIDER_ERROR', details: expect.objectContaining({ providerCode: code }) }));
    }
  });

  it('async and pending replies', () => {
    expect(parseHostKeyReply('{"result":"OK","callback":"0123456789abcdef0123456789abcdef"}')).toMatchObject({ ok: true, callback: '0123456789abcdef0123456789abcdef' });
    expect(parseHostKeyReply('{"result":"Not ready"}')).toMatchObject({ ok: false, pending: true });
    expect(parseHostKeyReply('{"result":-1,"error":"Not ready"}')).toMatchObject({ ok: false, pending: true });
  });

  it('recognizes token errors', () => {
    for (const e of ['Invalid token', 'Token expired', 'token has expired', 'Unauthorized']) expect(isHostKeyTokenError(parseHostKeyReply(JSON.stringify({ result: -1, error: e })))).toBe(true);
    for (const e of ['Wrong PIN', 'Server not found']) expect(isHostKeyTokenError(parseHostKeyReply(JSON.stringify({ result: -1, error: e })))).toBe(false);
  });

  it('redacts token-like runs from provider messages', () => {
    const r = parseHostKeyReply(`{"result":-1,"error":"token ${TOKEN} is invalid"}`);
    expectNoSecret(r, [TOKEN]);
  });

  it('keeps __proto__, constructor, prototype as data', () => {
    const r = parseHostKeyReply(`{"__proto__":{"token":"${TOKEN}"},"constructor":{"prototype":1},"result":{"__proto__":{"x":1}}}`);
    expect(r.ok).toBe(true);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
    // No token at the top level or nested: an inherited lookup must not find one.
    expect(() => parseHostKeyLoginReply(`{"__proto__":{"token":"${TOKEN}"}}`)).toThrow(expect.objectContaining({ code: 'BODY_MALFORMED' }));
    expect(() => parseHostKeyLoginReply('{"result":{"constructor":1}}')).toThrow(expect.objectContaining({ code: 'BODY_MALFORMED' }));
  });

  it('malformed bodies', () => {
    for (const b of ['', 'null', '[]', '"x"', '<html>', `{"result":{"token":"${TOKEN.toUpperCase()}"}}`, '{"result":{"token":123}}'])
      expect(() => parseHostKeyLoginReply(b)).toThrow(expect.objectContaining({ code: 'BODY_MALFORMED' }));
    expect(() => parseHostKeyReply('['.repeat(10000))).toThrow(HostsigError);
    expect(() => parseHostKeyReply(`${'['.repeat(100)}${']'.repeat(100)}`)).toThrow(HostsigError);
  });

  it('arbitrary bodies only ever produce HostsigError', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), fc.json().map((j) => `{"result":${j}}`), fc.json().map((j) => `{"error":${j},"code":${j}}`)), (b) => {
        for (const f of [parseHostKeyReply, parseHostKeyLoginReply]) {
          try {
            f(b);
          } catch (e) {
            expect(e).toBeInstanceOf(HostsigError);
          }
        }
      }),
      { numRuns: 1000 },
    );
  });
});
