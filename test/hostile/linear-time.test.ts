// Pre-auth parsers run in linear time on the hostile shapes issue 13 found quadratic: blank runs
// in Authorization, repeated `/v1` in a HostDime path, `a&a&a...` in a 6connect query or a form.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseJsonSafe } from '../../src/core/json-safe.js';
import { parseStr } from '../../src/core/php/query.js';
import { importPublicKey } from '../../src/rsa/index.js';
import { parseBasicAuth, splitAuthorization } from '../../src/schemes/hostbill/basic.js';
import { parseBearerAuth } from '../../src/schemes/hostbill/bearer.js';
import { hostDimePathToMethod, verifyHostDimeSync } from '../../src/schemes/hostdime/index.js';
import { verifySixConnectSync } from '../../src/schemes/sixconnect/index.js';
import { attempt, growth } from '../helpers/growth.js';

const LINEAR = 40; // linear is ~10, quadratic ~100; room for a noisy shared machine

describe('linear time on pre-auth input', () => {
  it('Authorization: Bearer + a run of blanks + x (was quadratic in the trim)', () => {
    const hdr = (n: number) => `Bearer${' '.repeat(n)}x${'\t'.repeat(n)}y`;
    expect(growth((n) => attempt(() => parseBearerAuth(hdr(n))), 4000)).toBeLessThan(LINEAR);
    expect(growth((n) => attempt(() => parseBasicAuth(hdr(n))), 4000)).toBeLessThan(LINEAR);
    expect(growth((n) => attempt(() => splitAuthorization(`${' '.repeat(n)}a${' \t'.repeat(n)}b`)), 4000)).toBeLessThan(LINEAR);
  });

  it('keeps the Authorization split: blanks around and between, scheme and credentials', () => {
    expect(splitAuthorization(' \tBearer \t abc.def \t')).toEqual({ scheme: 'Bearer', credentials: 'abc.def' });
    expect(splitAuthorization('Basic')).toEqual({ scheme: 'Basic', credentials: '' });
    expect(parseBearerAuth(`Bearer${' '.repeat(100_000)}abc`)).toBe('abc');
  });

  it('HostDime path: /v1 repeated, /a repeated, .json runs (was an unanchored regex)', () => {
    expect(growth((n) => () => void hostDimePathToMethod(`${'/v1'.repeat(n)}.json`), 2000)).toBeLessThan(LINEAR);
    expect(growth((n) => () => void hostDimePathToMethod(`/v1/${'/v1/a'.repeat(n)}/.json`), 2000)).toBeLessThan(LINEAR);
    expect(growth((n) => () => void hostDimePathToMethod(`${'/v1/a.json'.repeat(n)}x`), 2000)).toBeLessThan(LINEAR);
  });

  it('6connect query a&a&a... with no "=" (the scan looked for "=" to the end of the query)', () => {
    const q = (n: number) => `${'a&'.repeat(n)}apiKey=k&hash=${'A'.repeat(43)}=`;
    expect(growth((n) => attempt(() => verifySixConnectSync({ query: q(n) }, { secretKey: 's' })), 20_000)).toBeLessThan(LINEAR);
  });

  it('parse_str on a&a&a... and on a form body with no "="', () => {
    expect(growth((n) => attempt(() => parseStr('a&'.repeat(n), { maxVars: Infinity })), 4000)).toBeLessThan(LINEAR);
    expect(growth((n) => attempt(() => parseStr(new TextEncoder().encode(`${'a&'.repeat(n)}\xff`), { maxVars: Infinity })), 4000)).toBeLessThan(LINEAR);
    const body = (n: number) => `${'a&'.repeat(n)}api_key=k&api_timestamp=1&api_unique=u&api_hash=${'0'.repeat(64)}`;
    expect(growth((n) => attempt(() => verifyHostDimeSync({ path: '/v1/a/b.json', body: body(n) }, { privateKey: 'p', now: 1, maxVars: Infinity })), 4000)).toBeLessThan(LINEAR);
  });

  it('untrusted JSON: [[[[ a megabyte deep is refused before the native parser builds it', () => {
    expect(growth((n) => attempt(() => parseJsonSafe('['.repeat(n), { maxLength: Infinity })), 10_000)).toBeLessThan(LINEAR);
    expect(() => parseJsonSafe('['.repeat(1 << 20), { maxLength: Infinity })).toThrow(expect.objectContaining({ code: 'BODY_MALFORMED', details: { maxDepth: 64 } }));
  });

  it('untrusted JSON: the depth limit is the same before and after parsing; brackets in strings do not count', () => {
    const nest = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
    expect(() => parseJsonSafe(nest(64))).not.toThrow();
    expect(() => parseJsonSafe(nest(65))).toThrow(expect.objectContaining({ code: 'BODY_MALFORMED' }));
    const tricky = `{"a":"${'['.repeat(100)}\\"${'{'.repeat(100)}"}`; // an escaped quote, then more brackets, all inside the string
    expect(JSON.stringify(parseJsonSafe(tricky))).toBe(tricky);
    fc.assert(
      fc.property(fc.json({ depthSize: 'medium' }), (text) => {
        expect(JSON.stringify(parseJsonSafe(text))).toBe(JSON.stringify(JSON.parse(text)));
      }),
      { numRuns: 300 },
    );
  });
});

describe('JWK text', () => {
  it('a nested JWK a megabyte deep is refused before JSON.parse, as KEY_INVALID', () => {
    const text = `{"kty":"RSA","x":${'['.repeat(1 << 20)}`;
    expect(() => importPublicKey(text)).toThrow(expect.objectContaining({ code: 'KEY_INVALID', message: 'JWK text is nested too deep' }));
    expect(growth((n) => attempt(() => importPublicKey(`{"kty":"RSA","x":${'['.repeat(n)}`)), 10_000)).toBeLessThan(LINEAR);
  });
});
