import { createHmac } from 'node:crypto';
import { _SHA256 } from '@noble/hashes/sha2.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isHostsigError } from '../../src/core/errors.js';
import { MemoryNonceStore } from '../../src/core/nonce.js';
import {
  canonicalSixConnect,
  sixConnectHash,
  signSixConnect,
  signSixConnectQuery,
  verifySixConnect,
  verifySixConnectSync,
} from '../../src/schemes/sixconnect/index.js';
import { anyText, formParams, phpMergesPairs, toPhp } from '../helpers/arbitraries.js';

const KEY = '32-5DAYTJQY2TZHOFOB';
const SECRET = '48b278ec873bda4738923dbc467f8669';
const BASE = 'https://ipam.example.test/api/v1/api.php';

// SCHEMES.md section 2 (the first one is 6connect's own documented example).
const documented: [string, string][] = [
  ['target=ipam&action=get&type=IP&mask=24&apiKey=32-5DAYTJQY2TZHOFOB', 'yneSFMyxPPe+3W4IOkVp50K3VStatBcRRak+2ygDUWQ='],
  ['target=test&action=helloWorld&param1=100&apiKey=32-5DAYTJQY2TZHOFOB', '6onK7BpNr5xgTxPCFWXBzl2FYOKDvtbJDTkhP0u74mk='],
  ['target=resource&action=add&meta%5Btype%5D=entry&meta%5Bsection%5D=resource-holder&meta%5Bname%5D=API+Test+Resource&apiKey=32-5DAYTJQY2TZHOFOB', 'dm+91kU8dcQNvT62rfzdkm2O+mzoRcWBB3PT9CQkhWc='],
  ['target=ipam&action=get&resourceQuery=%7B%22name%22%3A%22API+Test+Resource%22%7D&apiKey=32-5DAYTJQY2TZHOFOB', '+Wiuqjh8ShbSnYpPpDmPG/F1ilI8GiBr2cIBOr1xGLw='],
];

const nodeHash = (q: string, secret = SECRET) => createHmac('sha256', secret).update(q).digest('base64');

describe('6connect documented vectors', () => {
  it.each(documented)('%s', async (query, hash) => {
    expect(sixConnectHash(query, SECRET)).toBe(hash);
    expect(nodeHash(query)).toBe(hash);
    expect(await verifySixConnect({ query: `${query}&hash=${hash}` }, { secretKey: SECRET })).toMatchObject({ ok: true, apiKey: KEY });
  });

  it('serializes like the official SDK: order kept, PHP urlencode, nested meta[...], trimmed values', () => {
    expect(canonicalSixConnect({ target: 'ipam', action: 'get', params: [['type', 'IP'], ['mask', '24']], apiKey: KEY })).toBe(documented[0]![0]);
    expect(
      canonicalSixConnect({ target: 'resource', action: 'add', params: { meta: { type: 'entry', section: 'resource-holder', name: ' API Test Resource\n' } }, apiKey: KEY }),
    ).toBe(documented[2]![0]);
    expect(canonicalSixConnect({ target: 'ipam', action: 'get', params: { resourceQuery: '{"name":"API Test Resource"}' }, apiKey: KEY })).toBe(documented[3]![0]);
    expect(canonicalSixConnect({ target: 't', action: 'a', params: { s: 'a b~*', l: ['x', 'y'] }, apiKey: 'k' })).toBe('target=t&action=a&s=a+b%7E%2A&l%5B0%5D=x&l%5B1%5D=y&apiKey=k');
  });
});

describe('signSixConnect / verifySixConnect', () => {
  it('round-trips arbitrary params; the hash matches node:crypto over the signed bytes', async () => {
    await fc.assert(
      fc.asyncProperty(formParams, anyText.filter((s) => s.length > 0), async (pairs, secret) => {
        const s = signSixConnect({ baseUrl: BASE, target: 'ipam', action: 'get', params: toPhp(pairs.filter(([k]) => !['target', 'action', 'apiKey', 'hash'].includes(k))), apiKey: KEY, secretKey: secret });
        expect(s.hash).toBe(nodeHash(s.signedQuery, secret));
        expect(s.url).toBe(`${BASE}?${s.signedQuery}&hash=${s.hash}`);
        const v = await verifySixConnect({ url: s.url }, { secretKey: secret });
        // Params PHP cannot read back pair for pair (`a[ ]` appends, then `a[0]` overwrites) are
        // one request with two readings: refused, and only those.
        expect(!v.ok && v.code === 'FIELD_DUPLICATE').toBe(phpMergesPairs(s.signedQuery));
        if (!v.ok && v.code === 'FIELD_DUPLICATE') return;
        expect(v).toMatchObject({ ok: true, apiKey: KEY, target: 'ipam', action: 'get' });
      }),
      { numRuns: 200 },
    );
  });

  it('accepts the hash raw, percent-encoded (either case), or with + turned into a space', async () => {
    const s = signSixConnect({ baseUrl: BASE, target: 'ipam', action: 'get', params: { type: 'IP', mask: '24' }, apiKey: KEY, secretKey: SECRET });
    expect(s.hash).toContain('+');
    const q = s.signedQuery;
    const forms = [
      s.hash,
      s.hash.replace(/\+/g, '%2B').replace(/\//g, '%2F').replace(/=/g, '%3D'),
      s.hash.replace(/\+/g, '%2b').replace(/=/g, '%3d'),
      s.hash.replace(/\+/g, '%20'),
      s.hash.replace(/\+/g, ' '),
    ];
    for (const h of forms) expect(await verifySixConnect({ query: `${q}&hash=${h}` }, { secretKey: SECRET }), h).toMatchObject({ ok: true });
    const enc = signSixConnect({ baseUrl: BASE, target: 'ipam', action: 'get', params: { type: 'IP', mask: '24' }, apiKey: KEY, secretKey: SECRET, encodeHash: true });
    expect(enc.url).toContain('hash=yneSFMyxPPe%2B3W4IOkVp50K3VStatBcRRak%2B2ygDUWQ%3D');
  });

  it('signs an already-built query exactly as given', () => {
    expect(signSixConnectQuery(`?${documented[1]![0]}`, SECRET)).toBe(`${documented[1]![0]}&hash=${documented[1]![1]}`);
  });

  it('names each failure', async () => {
    const [q, h] = documented[0]!;
    const v = (query: string, o: Record<string, unknown> = {}) => verifySixConnect({ query }, { secretKey: SECRET, ...o });
    expect(await v(q)).toMatchObject({ code: 'HASH_MISSING' });
    expect(await v(`hash=${h}&${q}`)).toMatchObject({ code: 'HASH_NOT_LAST' });
    expect(await v(`${q}&hash=${h}&mask=8`)).toMatchObject({ code: 'HASH_NOT_LAST' });
    expect(await v(`${q}&hash=${h}&hash=${h}`)).toMatchObject({ code: 'HASH_DUPLICATE' });
    expect(await v(`${q}&hash=abc`)).toMatchObject({ code: 'HASH_MALFORMED' });
    expect(await v(`${q}&hash=`)).toMatchObject({ code: 'HASH_MALFORMED' });
    expect(await v(`${q}&hash=${h.slice(0, -2)}==`)).toMatchObject({ code: 'HASH_MALFORMED' });
    expect(await v(`${q.replace('mask=24', 'mask=25')}&hash=${h}`)).toMatchObject({ code: 'SIGNATURE_INVALID' });
    expect(await v(`${q}&hash=${h}`, { secretKey: 'wrong' })).toMatchObject({ code: 'SIGNATURE_INVALID' });
    // A hex-decoded secret is a different key.
    expect(await v(`${q}&hash=${h}`, { secretKey: Buffer.from(SECRET, 'hex') })).toMatchObject({ code: 'SIGNATURE_INVALID' });
    expect(await v(`${q.replace(`&apiKey=${KEY}`, '')}&hash=${nodeHash(q.replace(`&apiKey=${KEY}`, ''))}`)).toMatchObject({ code: 'MISSING_FIELD' });
    expect(await v(`${q}&hash=${h}`, { apiKey: 'other' })).toMatchObject({ code: 'UNKNOWN_KEY' });
    expect(await verifySixConnect({ url: BASE }, { secretKey: SECRET })).toMatchObject({ code: 'HASH_MISSING' });
  });

  it('looks secrets up by apiKey and maps lookup failures', async () => {
    const query = `${documented[0]![0]}&hash=${documented[0]![1]}`;
    expect(await verifySixConnect({ query }, { lookup: (k) => (k === KEY ? SECRET : null) })).toMatchObject({ ok: true });
    expect(await verifySixConnect({ query }, { lookup: () => null })).toMatchObject({ code: 'UNKNOWN_KEY' });
    expect(await verifySixConnect({ query }, { lookup: () => Promise.reject(new Error('x')) })).toMatchObject({ code: 'LOOKUP_FAILED' });
  });

  it('opt-in signed time with a window and replay store', async () => {
    const now = 1_700_000_000;
    const nonces = new MemoryNonceStore({ clock: () => now });
    const s = signSixConnect({ baseUrl: BASE, target: 'ipam', action: 'get', apiKey: KEY, secretKey: SECRET, time: now });
    expect(s.signedQuery).toBe(`target=ipam&action=get&time=${now}&apiKey=${KEY}`);
    const o = { secretKey: SECRET, time: true, nonces, now };
    expect(await verifySixConnect({ url: s.url }, o)).toMatchObject({ ok: true, time: now });
    expect(await verifySixConnect({ url: s.url }, o)).toMatchObject({ code: 'REPLAYED' });
    expect(await verifySixConnect({ url: s.url }, { ...o, nonces: undefined, now: now + 301 })).toMatchObject({ code: 'TIMESTAMP_STALE' });
    expect(await verifySixConnect({ url: s.url }, { ...o, nonces: undefined, now: now - 301 })).toMatchObject({ code: 'TIMESTAMP_FUTURE' });
    const plain = signSixConnect({ baseUrl: BASE, target: 'ipam', action: 'get', apiKey: KEY, secretKey: SECRET });
    expect(await verifySixConnect({ url: plain.url }, { secretKey: SECRET, time: true, now })).toMatchObject({ code: 'MISSING_FIELD' });
    await expect(verifySixConnect({ url: plain.url }, { secretKey: SECRET, nonces })).rejects.toSatisfy(isHostsigError);
  });

  it('never throws and never answers ok on arbitrary input', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.uint8Array({ maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 200 }), fc.string({ maxLength: 200 }).map((s) => `${s}&hash=${documented[0]![1]}`)), async (query) => {
        const v = await verifySixConnect({ query }, { secretKey: SECRET });
        expect(v.ok).toBe(false);
        expect(verifySixConnectSync({ query }, { secretKey: SECRET }).ok).toBe(false);
      }),
      { numRuns: 500 },
    );
    for (const req of [null, 5, {}, { query: 5 }, { url: 7 }]) expect((await verifySixConnect(req as never, { secretKey: SECRET })).ok).toBe(false);
  });

  it('keeps untrusted names off Object.prototype', async () => {
    const q = `target=t&action=a&__proto__[x]=1&constructor[prototype][x]=1&prototype=1&apiKey=${KEY}`;
    const r = await verifySixConnect({ query: `${q}&hash=${nodeHash(q)}` }, { secretKey: SECRET });
    expect(r.ok).toBe(true);
    expect(Object.prototype).not.toHaveProperty('x');
    if (r.ok) expect(r.params?.get('__proto__')).toBeDefined();
  });
});

describe('verified params', () => {
  it('are read from what was verified, even if the caller reuses its buffer', async () => {
    const q = `target=t&action=a&x=1&apiKey=${KEY}`;
    const buf = new TextEncoder().encode(`${q}&hash=${nodeHash(q)}`);
    const r = await verifySixConnect({ query: buf }, { secretKey: SECRET });
    expect(r.ok).toBe(true);
    buf.set(new TextEncoder().encode('target=t&action=a&x=9'));
    if (r.ok) expect(r.params?.get('x')).toBe('1');
  });
});

describe('prepared secrets', () => {
  // Work counted, not timed: SHA-256 compressions (64-byte blocks) done by @noble/hashes. An
  // HMAC from scratch spends 2 on the key; a prepared one starts after them. The documented
  // 68-byte query takes 2 inner blocks and 1 outer: 5 from scratch, 3 prepared.
  async function counted<T>(fn: () => Promise<T>): Promise<[T, number]> {
    const proto = _SHA256.prototype as unknown as { process: (...a: unknown[]) => void };
    const own = Object.prototype.hasOwnProperty.call(proto, 'process');
    const original = proto.process;
    let n = 0;
    proto.process = function (this: unknown, ...a: unknown[]) {
      n++;
      return original.apply(this, a);
    };
    try {
      return [await fn(), n];
    } finally {
      if (own) proto.process = original;
      else delete (proto as { process?: unknown }).process;
    }
  }
  const [q0, h0] = documented[0]!;
  const query = `${q0}&hash=${h0}`;

  it('sets a looked-up secret up once per lookup function: a repeat costs 3 compressions, not 5', async () => {
    const lookup = (k: string) => (k === KEY ? SECRET : null);
    expect(await counted(() => verifySixConnect({ query }, { lookup }))).toEqual([expect.objectContaining({ ok: true }), 5]);
    for (let i = 0; i < 3; i++) expect(await counted(() => verifySixConnect({ query }, { lookup }))).toEqual([expect.objectContaining({ ok: true }), 3]);
    // Another lookup function has its own.
    expect((await counted(() => verifySixConnect({ query }, { lookup: (k) => lookup(k) })))[1]).toBe(5);
    // A secretKey is kept with its options object; a new object starts again.
    const options = { secretKey: SECRET };
    expect((await counted(() => verifySixConnect({ query }, options)))[1]).toBe(5);
    expect((await counted(() => verifySixConnect({ query }, options)))[1]).toBe(3);
    expect((await counted(() => verifySixConnect({ query }, { secretKey: SECRET })))[1]).toBe(5);
    // Bytes are not kept (the caller may reuse the array), nor is anything for the sync form.
    const bytes = new TextEncoder().encode(SECRET);
    const byBytes = { lookup: () => bytes };
    for (let i = 0; i < 2; i++) expect(await counted(() => verifySixConnect({ query }, byBytes))).toEqual([expect.objectContaining({ ok: true }), 5]);
    for (let i = 0; i < 2; i++) expect(await counted(async () => verifySixConnectSync({ query }, options))).toEqual([expect.objectContaining({ ok: true }), 5]);
  });

  it('answers for the secret the lookup gives now: a rotated secret is used at once', async () => {
    let secret = SECRET;
    const lookup = () => secret;
    expect(await verifySixConnect({ query }, { lookup })).toMatchObject({ ok: true });
    secret = 'rotated';
    expect(await verifySixConnect({ query }, { lookup })).toMatchObject({ code: 'SIGNATURE_INVALID' });
    expect(await verifySixConnect({ query: `${q0}&hash=${nodeHash(q0, 'rotated')}` }, { lookup })).toMatchObject({ ok: true });
    secret = SECRET;
    expect(await verifySixConnect({ query }, { lookup })).toMatchObject({ ok: true });
  });

  it('keeps at most 256 secrets per lookup, the oldest going first', async () => {
    const secrets = Array.from({ length: 300 }, (_, i) => `secret-${i}`);
    const signed = secrets.map((s, i) => {
      const q = `target=t&action=a&apiKey=k${i}`;
      return `${q}&hash=${nodeHash(q, s)}`;
    });
    const lookup = (k: string) => secrets[Number(k.slice(1))];
    for (const q of signed) expect(await verifySixConnect({ query: q }, { lookup })).toMatchObject({ ok: true });
    // The last 256 are kept: a repeat of one of them is prepared; the first ones were let go.
    const cost = async (i: number) => (await counted(() => verifySixConnect({ query: signed[i]! }, { lookup })))[1];
    expect(await cost(299)).toBe(2); // 33-byte query: 1 inner block + 1 outer
    expect(await cost(44)).toBe(2);
    expect(await cost(0)).toBe(4); // let go, prepared again (and 44, the oldest kept, goes now)
    expect(await cost(44)).toBe(4);
  });
});
