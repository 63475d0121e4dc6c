import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HostsigError, isHostsigError } from '../../src/core/errors.js';
import { MemoryNonceStore } from '../../src/core/nonce.js';
import { PhpArray } from '../../src/core/php/array.js';
import { httpBuildQuery, parseStr } from '../../src/core/php/query.js';
import { signHostDime, verifyHostDime, verifyHostDimeSync } from '../../src/schemes/hostdime/index.js';
import { formParams, phpMergesPairs, toPhp } from '../helpers/arbitraries.js';

const NOW = 1_700_000_000;
const keys = { publicKey: 'pub-key', privateKey: 'priv-key' };
const opts = { privateKey: keys.privateKey, now: NOW };

function sign(params: unknown = [], extra: Record<string, unknown> = {}) {
  return signHostDime({ ...keys, method: 'domain.list', params: params as never, timestamp: NOW, ...extra });
}

/** An independent hash over a hand-written canonical string (node:crypto, not hostsig). */
function oracleHash(ts: number, unique: string, key: string, method: string, innerJson: string): string {
  // The outer json_encode of an ASCII JSON text escapes '"', '\' and '/'.
  const outer = `"${innerJson.replace(/[\\"/]/g, (c) => `\\${c}`)}"`;
  return createHash('sha256').update(`${ts}:${unique}:${key}:${method}:${outer}`).digest('hex');
}

describe('signHostDime', () => {
  it('builds the body PHP expects and a hash an independent computation agrees with', () => {
    const r = sign([['a', 'x/y'], ['b', 'é']], { unique: 'U1' });
    expect(r.path).toBe('/v1/domain/list.json');
    expect(r.url).toBe('https://api.hostdime.com/v1/domain/list.json');
    expect(r.body).toBe(`a=x%2Fy&b=%C3%A9&api_key=pub-key&api_timestamp=${NOW}&api_unique=U1&api_hash=${r.hash}`);
    expect(r.hash).toBe(oracleHash(NOW, 'U1', 'priv-key', 'domain.list', '{"a":"x\\/y","b":"\\u00e9"}'));
  });

  it('hashes what $_POST will hold (strings), or the typed values on request', () => {
    const plain = sign([['n', 5], ['t', true]], { unique: 'U' });
    expect(plain.hash).toBe(oracleHash(NOW, 'U', 'priv-key', 'domain.list', '{"n":"5","t":"1"}'));
    const typed = sign([['n', 5]], { unique: 'U', typed: true });
    expect(typed.hash).toBe(oracleHash(NOW, 'U', 'priv-key', 'domain.list', '{"n":5}'));
  });

  it('uses a fresh random UUID v4 as api_unique', () => {
    const a = sign();
    const b = sign();
    expect(a.unique).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a.unique).not.toBe(b.unique);
  });

  it('refuses api_* params and bad methods with typed errors', () => {
    for (const params of [[['api_key', 'x']], [['api.key', 'x']], [['api key', 'x']]]) {
      expect(() => sign(params)).toThrow(HostsigError);
    }
    expect(() => signHostDime({ ...keys, method: 'a..b' })).toThrow(HostsigError);
    expect(() => signHostDime({ ...keys, method: 'a:b' })).toThrow(HostsigError);
    expect(() => signHostDime({ publicKey: '', privateKey: 'x', method: 'a.b' })).toThrow(HostsigError);
  });
});

describe('verifyHostDime', () => {
  it('round-trips arbitrary form params (unicode, astral, / \\ " + %, empty, nested, duplicates)', async () => {
    await fc.assert(
      fc.asyncProperty(formParams, async (pairs) => {
        const r = sign(toPhp(pairs));
        const v = await verifyHostDime({ path: r.path, body: r.body }, opts);
        // Params PHP cannot read back pair for pair (`a[ ]` appends, then `a[0]` overwrites) are
        // one request with two readings: refused, and only those.
        expect(!v.ok && v.code === 'FIELD_DUPLICATE').toBe(phpMergesPairs(httpBuildQuery(toPhp(pairs))));
        if (!v.ok && v.code === 'FIELD_DUPLICATE') return;
        expect(v).toMatchObject({ ok: true, publicKey: 'pub-key', method: 'domain.list', dialect: 'php', typed: false });
        // The params come back as PHP rebuilds them (independently checked in php-differential).
        if (v.ok) expect(httpBuildQuery(v.params)).toBe(httpBuildQuery(parseStr(httpBuildQuery(toPhp(pairs)))));
      }),
      { numRuns: 200 },
    );
  });

  it('rejects any change to a value, a key, the order, the method, the timestamp, the unique or the key', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.stringMatching(/^[a-z]{1,6}$/), fc.string({ unit: 'binary', maxLength: 8 })), { minLength: 2, maxLength: 5 }).filter((p) => new Set(p.map((x) => x[0])).size === p.length && new Set(p.map((x) => x[1])).size === p.length),
        fc.nat(5),
        async (pairs, which) => {
          const r = sign(pairs, { unique: 'U' });
          const q = (ps: [string, string][]) => httpBuildQuery(ps);
          const auth = r.body.slice(r.body.indexOf('api_key='));
          const variants: [string, string][] = [
            [r.path, `${q(pairs.map(([k, v], i) => [k, i === 0 ? `${v}x` : v]))}&${auth}`],
            [r.path, `${q(pairs.map(([k, v], i) => [i === 0 ? `${k}z` : k, v]))}&${auth}`],
            [r.path, `${q([pairs[1]!, pairs[0]!, ...pairs.slice(2)])}&${auth}`],
            ['/v1/domain/add.json', r.body],
            [r.path, r.body.replace(`api_timestamp=${NOW}`, `api_timestamp=${NOW + 1}`)],
            [r.path, r.body.replace('api_unique=U', 'api_unique=V')],
          ];
          const [path, body] = variants[which]!;
          const v = await verifyHostDime({ path, body }, opts);
          expect(v).toMatchObject({ ok: false, code: 'SIGNATURE_INVALID' });
          const wrongKey = await verifyHostDime({ path: r.path, body: r.body }, { ...opts, privateKey: 'other' });
          expect(wrongKey).toMatchObject({ ok: false, code: 'SIGNATURE_INVALID' });
        },
      ),
      { numRuns: 120 },
    );
  });

  it('never throws and never answers ok on arbitrary bytes; only typed codes', async () => {
    const codes = new Set<string>();
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.uint8Array({ maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 300 })), fc.string({ maxLength: 30 }), async (body, path) => {
        const v = await verifyHostDime({ path, body }, opts);
        expect(v.ok).toBe(false);
        if (!v.ok) codes.add(v.code);
      }),
      { numRuns: 500 },
    );
    for (const c of codes) expect(c).toMatch(/^[A-Z_0-9]+$/);
  });

  it('answers non-object requests and bodies with typed failures, not TypeErrors', async () => {
    for (const req of [null, undefined, 5, 'x', { body: 5 }, { body: null }, { body: {} }, { body: [] }]) {
      const v = await verifyHostDime(req as never, opts);
      expect(v).toMatchObject({ ok: false, code: 'BODY_MALFORMED' });
    }
  });

  it('names each failure', async () => {
    const r = sign([['a', '1']], { unique: 'U' });
    const at = (body: string, o: Record<string, unknown> = {}) => verifyHostDime({ path: r.path, body }, { ...opts, ...o });
    expect(await at(r.body.replace(/&api_hash=[0-9a-f]+/, ''))).toMatchObject({ code: 'MISSING_FIELD', details: { field: 'api_hash' } });
    expect(await at(r.body.replace('api_key=pub-key&', ''))).toMatchObject({ code: 'MISSING_FIELD' });
    expect(await at(r.body.replace(/api_hash=[0-9a-f]+/, `api_hash=${r.hash.toUpperCase()}`))).toMatchObject({ code: 'HASH_MALFORMED' });
    expect(await at(r.body.replace(/api_hash=/, 'api_hash[]='))).toMatchObject({ code: 'MISSING_FIELD' });
    expect(await at(r.body, { now: NOW + 301 })).toMatchObject({ code: 'TIMESTAMP_STALE' });
    expect(await at(r.body, { now: NOW + 300 })).toMatchObject({ ok: true });
    expect(await at(r.body, { now: NOW - 301 })).toMatchObject({ code: 'TIMESTAMP_FUTURE' });
    expect(await at(r.body, { now: NOW + 30, toleranceSec: 10 })).toMatchObject({ code: 'TIMESTAMP_STALE' });
    expect(await at(r.body.replace(`api_timestamp=${NOW}`, 'api_timestamp=1e9'))).toMatchObject({ code: 'TIMESTAMP_INVALID' });
    // The edges of each format check, on the fast scan and on the general path (a[]=, which the scan leaves).
    for (const general of ['', '&z[]=1']) {
      const with_ = (from: string | RegExp, to: string, o: Record<string, unknown> = {}) => at(r.body.replace(from, to) + general, o);
      for (const h of [r.hash.slice(1), `${r.hash}0`, `${r.hash.slice(1)}g`, `${r.hash.slice(1)}é`, `${r.hash.slice(1)}/`, `${r.hash.slice(1)}:`, '']) {
        expect(await with_(r.hash, h), h).toMatchObject({ code: 'HASH_MALFORMED' });
      }
      // An escaped hash is decoded first, as PHP's $_POST holds it (api_* fields are outside the hash).
      expect(await with_(r.hash, r.hash.replace(/[a-f]/, (c) => `%${c.charCodeAt(0).toString(16)}`))).toMatchObject({ ok: !general });
      for (const t of ['', ' 1', '+1', '-1', '1.5', '0x10', '1234567890123456', '１']) {
        expect(await with_(`api_timestamp=${NOW}`, `api_timestamp=${encodeURIComponent(t)}`), t).toMatchObject({ code: 'TIMESTAMP_INVALID' });
      }
      expect(await with_(`api_timestamp=${NOW}`, `api_timestamp=000${NOW}`)).toMatchObject({ code: 'SIGNATURE_INVALID' }); // leading zeros: the same second, another hash input
      expect(await with_(`api_timestamp=${NOW}`, 'api_timestamp=999999999999999', { now: 999999999999999 })).toMatchObject({ code: 'SIGNATURE_INVALID' });
    }
    // A method over 200 characters is no method, from the path (asked twice: the path cache keeps the answer) or from the options.
    const long = `/v1/${'m'.repeat(120)}/${'n'.repeat(90)}.json`;
    for (let i = 0; i < 2; i++) expect(await verifyHostDime({ path: long, body: r.body }, opts)).toMatchObject({ code: 'METHOD_UNKNOWN' });
    for (const method of ['m'.repeat(201), 'a b', '', 5, '.a', 'a..b']) {
      expect(await verifyHostDime({ path: r.path, body: r.body }, { ...opts, method } as never), String(method)).toMatchObject({ code: 'METHOD_UNKNOWN' });
    }
    expect(await at(`a=%FF&${r.body.slice(4)}`)).toMatchObject({ code: 'INVALID_UTF8' });
    expect(await verifyHostDime({ path: '/v2/x.json', body: r.body }, opts)).toMatchObject({ code: 'METHOD_UNKNOWN' });
    expect(await verifyHostDime({ body: r.body }, opts)).toMatchObject({ code: 'METHOD_UNKNOWN' });
    expect(await verifyHostDime({ body: r.body }, { ...opts, method: 'domain.list' })).toMatchObject({ ok: true });
    expect(await at(r.body, { publicKey: 'someone-else' })).toMatchObject({ code: 'UNKNOWN_KEY' });
  });

  it('looks keys up, times nothing out itself, and maps lookup failures', async () => {
    const r = sign();
    const req = { path: r.path, body: r.body };
    expect(await verifyHostDime(req, { now: NOW, lookup: async (k) => (k === 'pub-key' ? 'priv-key' : null) })).toMatchObject({ ok: true });
    expect(await verifyHostDime(req, { now: NOW, lookup: () => undefined })).toMatchObject({ code: 'UNKNOWN_KEY' });
    const failed = await verifyHostDime(req, { now: NOW, lookup: () => Promise.reject(new Error('db down: secret=hunter2')) });
    expect(failed).toMatchObject({ code: 'LOOKUP_FAILED' });
    expect(JSON.stringify(failed)).not.toContain('hunter2');
  });

  it('records api_unique only after the hash holds, and rejects the replay', async () => {
    const nonces = new MemoryNonceStore({ clock: () => NOW });
    const r = sign();
    const req = { path: r.path, body: r.body };
    const forged = { path: r.path, body: r.body.replace(/api_hash=[0-9a-f]+/, `api_hash=${'0'.repeat(64)}`) };
    expect(await verifyHostDime(forged, { ...opts, nonces })).toMatchObject({ code: 'SIGNATURE_INVALID' });
    expect(nonces.size).toBe(0);
    expect(await verifyHostDime(req, { ...opts, nonces })).toMatchObject({ ok: true });
    expect(await verifyHostDime(req, { ...opts, nonces })).toMatchObject({ ok: false, code: 'REPLAYED' });
    // The same unique under another api_key is another request.
    const other = signHostDime({ publicKey: 'pub-2', privateKey: 'priv-key', method: 'domain.list', timestamp: NOW, unique: r.unique });
    expect(await verifyHostDime({ path: other.path, body: other.body }, { ...opts, nonces })).toMatchObject({ ok: true });
  });

  it('fails closed when the nonce store fails', async () => {
    const r = sign();
    const broken = { checkAndStore: () => Promise.reject(new Error('connection refused')) };
    const liar = { checkAndStore: () => Promise.resolve('yes' as unknown as boolean) };
    expect(await verifyHostDime({ path: r.path, body: r.body }, { ...opts, nonces: broken })).toMatchObject({ ok: false, code: 'NONCE_STORE_FAILED' });
    expect(await verifyHostDime({ path: r.path, body: r.body }, { ...opts, nonces: liar })).toMatchObject({ ok: false, code: 'NONCE_STORE_FAILED' });
  });

  it('keeps untrusted names off Object.prototype', async () => {
    const r = sign([['__proto__', 'p'], ['constructor', 'c'], ['prototype', 'x'], ['a', { __proto__: 'n' } as never]]);
    // Later duplicates would win in PHP and turn the signed scalars into arrays: one request, one
    // identity, so refused before any hash.
    const v = await verifyHostDime({ path: r.path, body: `${r.body}&__proto__[polluted]=1&constructor[prototype][polluted]=1` }, opts);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
    expect(v).toMatchObject({ ok: false, code: 'FIELD_DUPLICATE' });
    const ok = await verifyHostDime({ path: r.path, body: r.body }, opts);
    expect(ok.ok).toBe(true);
    if (ok.ok) {
      expect(ok.params.get('__proto__')).toBe('p');
      const js = ok.params.toJS() as Record<string, unknown>;
      expect(Object.getPrototypeOf(js)).toBeNull();
      expect(js.constructor).toBe('c');
    }
  });

  it('accepts a hash made over typed numbers, and the js dialect only when allowed', async () => {
    const typed = sign([['n', 5], ['f', 1.5]], { typed: true });
    expect(await verifyHostDime({ path: typed.path, body: typed.body }, opts)).toMatchObject({ ok: true, typed: true });
    expect(await verifyHostDime({ path: typed.path, body: typed.body }, { ...opts, typedNumbers: false })).toMatchObject({ code: 'SIGNATURE_INVALID' });
    const js = sign([['u', 'http://x/é']], { dialect: 'js' });
    expect(await verifyHostDime({ path: js.path, body: js.body }, opts)).toMatchObject({ code: 'SIGNATURE_INVALID' });
    expect(await verifyHostDime({ path: js.path, body: js.body }, { ...opts, dialects: ['php', 'js'] })).toMatchObject({ ok: true, dialect: 'js' });
  });

  it('puts the expected canonical string on a failure only with debug', async () => {
    const r = sign([['a', '1']], { unique: 'U' });
    const body = r.body.replace('a=1', 'a=2');
    const quiet = await verifyHostDime({ path: r.path, body }, opts);
    expect(JSON.stringify(quiet)).not.toContain('priv-key');
    const loud = await verifyHostDime({ path: r.path, body }, { ...opts, debug: true });
    expect(loud).toMatchObject({ canonical: `${NOW}:U:priv-key:domain.list:"{\\"a\\":\\"2\\"}"` });
  });

  it('has a synchronous form for a known key', () => {
    const r = sign([['a', '1']]);
    expect(verifyHostDimeSync({ path: r.path, body: r.body }, opts)).toMatchObject({ ok: true });
    expect(verifyHostDimeSync({ path: r.path, body: r.body.replace('a=1', 'a=2') }, opts)).toMatchObject({ ok: false, code: 'SIGNATURE_INVALID' });
  });

  it('throws typed errors for bad options only', async () => {
    const r = sign();
    await expect(verifyHostDime({ body: r.body }, {} as never)).rejects.toSatisfy(isHostsigError);
    await expect(verifyHostDime({ body: r.body }, { privateKey: 'k', dialects: ['python' as never] })).rejects.toSatisfy(isHostsigError);
  });

  it('handles huge inputs: 1000 fields, a 1 MB value, 64 levels of nesting', async () => {
    const many = sign(Array.from({ length: 996 }, (_, i) => [`k${i}`, String(i)]));
    expect(await verifyHostDime({ path: many.path, body: many.body }, opts)).toMatchObject({ ok: true });
    const tooMany = `${Array.from({ length: 1001 }, (_, i) => `k${i}=1`).join('&')}&${many.body}`;
    expect(await verifyHostDime({ path: many.path, body: tooMany }, opts)).toMatchObject({ code: 'BODY_MALFORMED' });
    const big = sign([['v', 'é'.repeat(500_000)]]);
    expect(await verifyHostDime({ path: big.path, body: big.body }, opts)).toMatchObject({ ok: true });
    let deep: unknown = 'x';
    for (let i = 0; i < 63; i++) deep = { k: deep };
    const nested = sign(PhpArray.from([['d', deep as never]]));
    expect(await verifyHostDime({ path: nested.path, body: nested.body }, opts)).toMatchObject({ ok: true });
    const tooDeep = `d${'[k]'.repeat(65)}=x&${nested.body}`;
    expect(await verifyHostDime({ path: nested.path, body: tooDeep }, opts)).toMatchObject({ code: 'BODY_MALFORMED' });
  });
});
