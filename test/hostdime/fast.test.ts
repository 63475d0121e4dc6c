import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PhpArray } from '../../src/core/php/array.js';
import { parseStr, phpRawurlencode, phpUrlencode } from '../../src/core/php/query.js';
import { hostDimeDoubleJson } from '../../src/schemes/hostdime/canonical.js';
import { fastHostDimeForm } from '../../src/schemes/hostdime/fast.js';
import { signHostDime, verifyHostDimeSync } from '../../src/schemes/hostdime/index.js';
import { anyText } from '../helpers/arbitraries.js';

// The fused scan (fast.ts) must give exactly what parse_str + json_encode twice give, and
// return null (general path) for everything it does not handle.

/** What the general path makes of a body, or the error it throws. */
function general(body: string, maxVars = 1000): { json: string; api: Map<string, unknown> } | { error: string } {
  let all: PhpArray;
  try {
    all = parseStr(body, { maxVars });
  } catch (e) {
    return { error: (e as { code: string }).code };
  }
  const api = new Map<string, unknown>();
  for (const [k, v] of all) if (k.startsWith('api_')) api.set(k, v);
  return { json: hostDimeDoubleJson(all.filter((k) => !k.startsWith('api_')), 'php'), api };
}

const latin1 = (b: Uint8Array) => String.fromCharCode(...b);

function agree(body: string, maxVars = 1000): boolean {
  const fast = fastHostDimeForm(body, maxVars);
  if (fast === null) return false;
  const g = general(body, maxVars);
  if ('error' in g) throw new Error(`fast path accepted a body the general path refuses (${g.error}): ${JSON.stringify(body)}`);
  expect(latin1(fast.json)).toBe(g.json);
  expect([fast.key, fast.timestamp, fast.unique, fast.hash]).toEqual(['api_key', 'api_timestamp', 'api_unique', 'api_hash'].map((k) => g.api.get(k)));
  // Where the scan says api_hash stands, the body holds it as it is.
  if (fast.hashAt >= 0) expect(body.slice(fast.hashAt, fast.hashAt + String(fast.hash).length)).toBe(fast.hash);
  return true;
}

// Ways a client may spell a value on the wire; all must decode to the same thing.
const lowerHex = (s: string) => phpUrlencode(s).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase());
const encoders = [phpUrlencode, phpRawurlencode, lowerHex, encodeURIComponent, (s: string) => s];

const plainName = fc.stringMatching(/^[A-Za-z0-9_-]{1,8}$/);
const anyName = fc.oneof(plainName, fc.constantFrom('api_key', 'api_hash', 'api_x', 'API_key', 'a.b', 'a b', ' a', 'a[]', 'a[b]', 'a[', '%61', 'a+b', ''), anyText);
const pair = fc.tuple(anyName, anyText, fc.nat(encoders.length - 1), fc.nat(encoders.length - 1), fc.boolean());
const bodyOf = (pairs: [string, string, number, number, boolean][]) =>
  pairs.map(([k, v, ek, ev, noEq]) => (noEq && v === '' ? encoders[ek]!(k) : `${encoders[ek]!(k)}=${encoders[ev]!(v)}`)).join('&');

describe('fastHostDimeForm == parse_str + json_encode(json_encode(.., JSON_FORCE_OBJECT))', () => {
  it('on bodies of plain names and arbitrary values (the fast path is taken)', () => {
    let taken = 0;
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(plainName, anyText, fc.nat(encoders.length - 2)), { selector: (p) => p[0], maxLength: 12 }), (pairs) => {
        const body = pairs.map(([k, v, e]) => `${k}=${encoders[e]!(v)}`).join('&');
        if (agree(body)) taken++;
      }),
      { numRuns: 400 },
    );
    // Values of well-formed text, encoded by a real encoder: nearly always fast.
    expect(taken).toBeGreaterThan(300);
  });

  it('on arbitrary bodies: whenever the fast path answers, it agrees', () => {
    fc.assert(
      fc.property(fc.array(pair, { maxLength: 8 }), (pairs) => {
        agree(bodyOf(pairs));
      }),
      { numRuns: 1500 },
    );
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), fc.string({ unit: fc.constantFrom('a', '=', '&', '%', '2', 'F', 'C', '3', '+', 'é', '\ud83d', '\ude00', '_', '/', '"'), maxLength: 40 }), (a, b) => {
        agree(a);
        agree(b);
      }),
      { numRuns: 1500 },
    );
  });

  it('falls back on everything it does not handle', () => {
    const fallback = [
      'a=1&a=2', // duplicate (last wins in PHP)
      'a.b=1', // mangled name
      'a b=1',
      ' a=1',
      'a[]=1', // nesting
      'a[b]=1',
      'a[=1',
      '%61=1', // encoded name
      'a+b=1',
      '=1', // empty name
      'a=%', // stray '%' (PHP keeps it)
      'a=%G1',
      'a=%C3', // truncated UTF-8
      'a=%C3%28', // bad continuation
      'a=%C0%80', // overlong
      'a=%ED%A0%80', // UTF-16 surrogate in UTF-8
      'a=%F4%90%80%80', // above U+10FFFF
      'a=%FF',
      'a=%C3\u00a9', // a sequence finished by a raw character
      'a=\ud83d', // lone surrogates
      'a=\ude00x',
      'é=1', // non-ASCII name
    ];
    for (const body of fallback) expect(fastHostDimeForm(body, 1000), body).toBeNull();
    expect(fastHostDimeForm('a=1&b=2&c=3', 2)).toBeNull(); // over max_input_vars: the general path refuses it
    expect(fastHostDimeForm(Array.from({ length: 200 }, (_, i) => `f${i}=1`).join('&'), 1000)).toBeNull();
  });

  it('says where an unescaped api_hash stands in the body (the verifier reads it there, not from a slice)', () => {
    const hex = '5752861a62c8a26e342ec2092a8db755f666e76f57548453f1acd4b26d67497e';
    for (const hash of [hex, hex.toUpperCase(), hex.slice(1), `${hex.slice(1)}é`, '']) {
      const body = `a=1&api_hash=${hash}&b=2`;
      const f = fastHostDimeForm(body, 1000)!;
      expect([f.hash, f.hashAt], hash).toEqual([hash, 13]);
    }
    expect(fastHostDimeForm(`api_hash=${hex}`, 1000)!.hashAt).toBe(9);
    expect(fastHostDimeForm('api_hash', 1000)).toMatchObject({ hash: '', hashAt: 8 });
    // Escaped: the decoded value is not in the body as it is.
    const escaped = fastHostDimeForm(`a=1&api_hash=${hex.replace('a', '%61')}`, 1000)!;
    expect([escaped.hash, escaped.hashAt]).toEqual([hex, -1]);
    expect(fastHostDimeForm('a=1', 1000)!.hashAt).toBe(-1);
  });

  it('handles what it claims to: every escape, astral characters, raw non-ASCII, empty values, && and a trailing &', () => {
    for (const body of ['', 'a=', 'a', 'a=&b', 'a=1&&b=2&', 'v=%22%5C%2F%00%01%08%09%0A%0C%0D%1F%7F+%2B', 'v=%F0%9F%98%80%E4%B8%AD%c3%a9', 'v=😀中é"\\/', 'api_key=k%20y&x=1&api_unique=%C3%A9&api_hash=abc&api_timestamp=1+2&api_other=%41', '5=x&05=y&-1=z&__proto__=p']) {
      expect(agree(body), body).toBe(true);
    }
  });
});

describe('verifyHostDimeSync with the fast path', () => {
  const NOW = 1_700_000_000;
  const keys = { publicKey: 'pub', privateKey: 'priv' };

  it('gives the general path\'s result (params included) for signed requests', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(plainName.filter((k) => !k.startsWith('api_')), anyText), { selector: (p) => p[0], maxLength: 8 }), fc.boolean(), (params, asBytes) => {
        const s = signHostDime({ ...keys, method: 'domain.list', params, timestamp: NOW });
        const body = asBytes ? new TextEncoder().encode(s.body) : s.body;
        const r = verifyHostDimeSync({ path: s.path, body }, { privateKey: 'priv', now: NOW });
        expect(r.ok).toBe(true);
        if (!r.ok) return;
        expect(r.dialect).toBe('php');
        expect(r.typed).toBe(false);
        expect(r.params.toJS()).toEqual(parseStr(s.body).filter((k) => !k.startsWith('api_')).toJS());
        // Built once, on first read.
        expect(r.params).toBe(r.params);
        // One changed character anywhere in a value fails.
        if (params.length > 0) {
          const bad = s.body.replace(/=([^&]*)/, (_, v: string) => `=${v}x`);
          expect(verifyHostDimeSync({ path: s.path, body: bad }, { privateKey: 'priv', now: NOW }).ok).toBe(false);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('lazy params and the caller\'s buffer', () => {
  it('params come from the body as it was verified, even if the caller reuses its buffer', () => {
    const s = signHostDime({ publicKey: 'pub', privateKey: 'priv', method: 'domain.list', params: [['a', 'x'], ['b', 'é']], timestamp: 1_700_000_000 });
    const bytes = new TextEncoder().encode(s.body);
    const r = verifyHostDimeSync({ path: s.path, body: bytes }, { privateKey: 'priv', now: 1_700_000_000 });
    expect(r.ok).toBe(true);
    bytes.fill(0x41); // the server's pool hands the buffer to the next request
    if (r.ok) expect(r.params.toJS()).toEqual({ a: 'x', b: 'é' });
  });
});
