// One request, one identity: what a verifier accepts is what an app reading the body (PHP's last
// value, URLSearchParams' first) sees. A credential sent twice, or a field whose copies differ,
// is FIELD_DUPLICATE; the split attacks of issue 13 are each refused.
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { signHostDime, verifyHostDimeSync } from '../../src/schemes/hostdime/index.js';
import { issueHostKeyToken, MemoryHostKeyTokenStore, verifyHostKeyRequest } from '../../src/schemes/hostkey/index.js';
import { verifySixConnectSync } from '../../src/schemes/sixconnect/index.js';

const NOW = 1_700_000_000;
const A = { publicKey: 'key-A', privateKey: 'priv-A' };
const B = { publicKey: 'key-B', privateKey: 'priv-B' };

function hostdime(params: [string, string][], who = B) {
  return signHostDime({ ...who, method: 'domain.list', params, timestamp: NOW, unique: 'U1' });
}
const verifyAsB = (path: string, body: string) => verifyHostDimeSync({ path, body }, { privateKey: B.privateKey, now: NOW });

describe('HostDime: one identity per body', () => {
  it('refuses the prepended api_key of another tenant (it verified as B while URLSearchParams read A)', () => {
    const r = hostdime([['domain', 'x.com']]);
    expect(verifyAsB(r.path, r.body)).toMatchObject({ ok: true, publicKey: 'key-B' });
    const split = `api_key=${A.publicKey}&${r.body}`;
    expect(new URLSearchParams(split).get('api_key')).toBe('key-A');
    expect(verifyAsB(r.path, split)).toMatchObject({ ok: false, code: 'FIELD_DUPLICATE' });
  });

  it('refuses every api_* credential twice, also same-valued and mangled (api.key, api+key)', () => {
    const r = hostdime([['a', '1']]);
    for (const extra of ['api_timestamp=1700000000', 'api_unique=U1', `api_hash=${r.hash}`, 'api_key=key-B', 'api.key=key-B', 'api+key=key-A', '%20api_key=key-A', 'api_key%00x=key-A']) {
      expect(verifyAsB(r.path, `${extra}&${r.body}`), extra).toMatchObject({ code: 'FIELD_DUPLICATE' });
      expect(verifyAsB(r.path, `${r.body}&${extra}`), extra).toMatchObject({ code: 'FIELD_DUPLICATE' });
    }
  });

  it('refuses a signed field prepended with another value; accepts an identical copy', () => {
    const r = hostdime([['domain', 'x.com'], ['action', 'renew']]);
    expect(verifyAsB(r.path, `domain=evil.com&${r.body}`)).toMatchObject({ code: 'FIELD_DUPLICATE' });
    expect(verifyAsB(r.path, `domain[]=evil.com&${r.body}`)).toMatchObject({ code: 'FIELD_DUPLICATE' });
    expect(verifyAsB(r.path, `${r.body}&domain[x]=1`)).toMatchObject({ code: 'FIELD_DUPLICATE' });
    expect(verifyAsB(r.path, `domain=x.com&${r.body}`)).toMatchObject({ ok: true });
  });

  it('property: whatever verifies, URLSearchParams reads the same top-level values as the verified params', () => {
    const name = fc.constantFrom('a', 'b', 'a.b', 'a_b', 'a b', 'api_key', 'api.key', 'x[]', 'x[0]', 'x');
    const value = fc.constantFrom('1', '2', 'key-A', 'key-B', '');
    fc.assert(
      fc.property(fc.array(fc.tuple(name, value), { maxLength: 5 }), fc.array(fc.tuple(name, value), { maxLength: 3 }), (signed, injected) => {
        const plain = signed.filter(([k]) => /^[a-z]+$/.test(k));
        const r = hostdime(plain as [string, string][]);
        const inj = injected.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
        for (const body of inj === '' ? [r.body] : [`${inj}&${r.body}`, `${r.body}&${inj}`]) {
          const v = verifyAsB(r.path, body);
          if (!v.ok) continue;
          const usp = new URLSearchParams(body);
          expect(usp.get('api_key')).toBe(v.publicKey);
          for (const [k, val] of v.params.entries()) if (typeof val === 'string' && usp.has(k)) expect(usp.get(k)).toBe(val);
        }
      }),
      { numRuns: 400 },
    );
  });
});

describe('6connect: one identity per query', () => {
  const KEY = '32-5DAYTJQY2TZHOFOB';
  const SECRET = '48b278ec873bda4738923dbc467f8669';
  // The HMAC by node:crypto over the exact query: the holder of the secret signed all of it.
  const withHash = (q: string) => `${q}&hash=${encodeURIComponent(createHmac('sha256', SECRET).update(q).digest('base64'))}`;
  const verify = (q: string) => verifySixConnectSync({ query: withHash(q) }, { secretKey: SECRET });
  const base = `target=ipam&action=get&type=IP&apiKey=${KEY}`;

  it('accepts the plain query, refuses apiKey=A&...&apiKey=B (URLSearchParams reads A, PHP reads B)', () => {
    expect(verify(base)).toMatchObject({ ok: true, apiKey: KEY });
    const split = `apiKey=99-OTHER&${base}`;
    expect(new URLSearchParams(split).get('apiKey')).toBe('99-OTHER');
    expect(verify(split)).toMatchObject({ ok: false, code: 'FIELD_DUPLICATE' });
    expect(verify(`${base}&apiKey=${KEY}`)).toMatchObject({ code: 'FIELD_DUPLICATE' });
    expect(verify(`api%4Bey=99-OTHER&${base}`)).toMatchObject({ code: 'FIELD_DUPLICATE' });
  });

  it('refuses target/action or any field whose copies differ, also after PHP mangling', () => {
    expect(verify(`target=dns&${base}`)).toMatchObject({ code: 'FIELD_DUPLICATE' });
    expect(verify(`${base}&action=delete`.replace('&apiKey', '&x=1&apiKey'))).toMatchObject({ code: 'FIELD_DUPLICATE' });
    expect(verify(`type.x=1&type_x=2&${base}`)).toMatchObject({ code: 'FIELD_DUPLICATE' });
    expect(verify(`m[a]=1&m[a]=2&${base}`)).toMatchObject({ code: 'FIELD_DUPLICATE' });
    expect(verify(`m=1&m[a]=2&${base}`)).toMatchObject({ code: 'FIELD_DUPLICATE' });
    // Non-UTF-8 bytes are compared as bytes.
    expect(verify(`z=%FF&z=%FE&${base}`)).toMatchObject({ code: 'FIELD_DUPLICATE' });
  });

  it('accepts identical copies and a[] lists', () => {
    expect(verify(`type=IP&${base}`)).toMatchObject({ ok: true });
    expect(verify(`l[]=1&l[]=2&z=%FF&z=%FF&${base}`)).toMatchObject({ ok: true });
  });

  it('property: whatever verifies, URLSearchParams and PHP read the same value for every plain name', () => {
    const name = fc.constantFrom('a', 'b', 'a.b', 'a_b', 'target', 'action', 'apiKey', 'l[]', 'm[x]', 'm');
    const value = fc.constantFrom('1', '2', 'ipam', KEY, '');
    fc.assert(
      fc.property(fc.array(fc.tuple(name, value), { maxLength: 4 }), fc.boolean(), (extra, before) => {
        const inj = extra.map(([k, v]) => `${k}=${v}`).join('&');
        const q = inj === '' ? base : before ? `${inj}&${base}` : base.replace('&apiKey', `&${inj}&apiKey`);
        const v = verify(q);
        if (!v.ok) {
          expect(v.code).toBe('FIELD_DUPLICATE');
          return;
        }
        const usp = new URLSearchParams(q);
        expect(usp.get('apiKey')).toBe(v.apiKey);
        for (const [k, val] of v.params!.entries()) if (typeof val === 'string' && usp.has(k)) expect(usp.get(k)).toBe(val);
      }),
      { numRuns: 400 },
    );
  });
});

describe('HostKey: one session token per body', () => {
  it('refuses token twice (also the same token), and a second key/pin', async () => {
    const store = new MemoryHostKeyTokenStore();
    const { token } = await issueHostKeyToken({ store, subject: 'alice', ttl: 3600 });
    const { token: other } = await issueHostKeyToken({ store, subject: 'bob', ttl: 3600 });
    expect(await verifyHostKeyRequest(`action=info&token=${token}`, { store })).toMatchObject({ ok: true, subject: 'alice' });
    expect(await verifyHostKeyRequest(`token=${other}&action=info&token=${token}`, { store })).toMatchObject({ ok: false, code: 'FIELD_DUPLICATE', status: 400 });
    expect(await verifyHostKeyRequest(`token=${token}&action=info&token=${token}`, { store })).toMatchObject({ code: 'FIELD_DUPLICATE' });
    expect(await verifyHostKeyRequest(`action=check_pin&token=${token}&pin=1234&pin=9999`, { store })).toMatchObject({ code: 'FIELD_DUPLICATE' });
    expect(await verifyHostKeyRequest(`action=info&action=logout&token=${token}`, { store })).toMatchObject({ code: 'FIELD_DUPLICATE' });
  });
});
