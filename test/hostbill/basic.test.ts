import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isHostsigError } from '../../src/core/errors.js';
import { formatBasicAuth, formatBearerAuth, parseBasicAuth, parseBearerAuth } from '../../src/schemes/hostbill/index.js';
import { codeOf } from '../helpers/codes.js';

describe('Basic (RFC 7617)', () => {
  it('RFC 7617 section 2 example: Aladdin / open sesame', () => {
    expect(formatBasicAuth('Aladdin', 'open sesame')).toBe('Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==');
    expect(parseBasicAuth('Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==')).toEqual({ username: 'Aladdin', password: 'open sesame' });
  });
  it('RFC 7617 section 2.1 example: test / 123£ in UTF-8', () => {
    expect(formatBasicAuth('test', '123\u00a3')).toBe('Basic dGVzdDoxMjPCow==');
    expect(parseBasicAuth('Basic dGVzdDoxMjPCow==')).toEqual({ username: 'test', password: '123\u00a3' });
  });
  it('the password may contain ":" and be empty; the scheme is case-insensitive; OWS is trimmed', () => {
    const h = formatBasicAuth('client@example.com', 'p:a:s:s');
    expect(h).toBe(`Basic ${Buffer.from('client@example.com:p:a:s:s').toString('base64')}`);
    expect(parseBasicAuth(h)).toEqual({ username: 'client@example.com', password: 'p:a:s:s' });
    expect(parseBasicAuth(`  bAsIc \t${Buffer.from('u:').toString('base64')} `)).toEqual({ username: 'u', password: '' });
  });
  it.each([
    [undefined, 'AUTH_HEADER_MALFORMED'],
    ['', 'AUTH_HEADER_MALFORMED'],
    ['Basic', 'AUTH_HEADER_MALFORMED'],
    ['Basic ', 'AUTH_HEADER_MALFORMED'],
    ['Bearer abc', 'AUTH_SCHEME_UNSUPPORTED'],
    ['Digest username="x"', 'AUTH_SCHEME_UNSUPPORTED'],
    ['Basic dXNlcg==', 'AUTH_HEADER_MALFORMED'], // "user": no colon
    ['Basic OnBhc3M=', 'AUTH_HEADER_MALFORMED'], // ":pass": empty user
    ['Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ', 'AUTH_HEADER_MALFORMED'], // padding missing
    ['Basic QWxhZGRpbjpvcGVuIHNlc2FtZR==', 'AUTH_HEADER_MALFORMED'], // non-zero trailing bits
    ['Basic QWxh ZGRp', 'AUTH_HEADER_MALFORMED'],
    ['Basic QWxhZGRpbjpvcGVu*', 'AUTH_HEADER_MALFORMED'],
    ['Basic /w==', 'AUTH_HEADER_MALFORMED'], // 0xff: not UTF-8
    [`Basic ${Buffer.from('u:p\u0000').toString('base64')}`, 'AUTH_HEADER_MALFORMED'], // control character
    [`Basic ${Buffer.from('u\n:p').toString('base64')}`, 'AUTH_HEADER_MALFORMED'],
  ])('%j -> %s', (h, code) => {
    expect(codeOf(() => parseBasicAuth(h))).toBe(code);
  });
  it('format refuses ":" in the username, control characters, lone surrogates', () => {
    expect(codeOf(() => formatBasicAuth('a:b', 'p'))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => formatBasicAuth('', 'p'))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => formatBasicAuth('a', 'p\r\n'))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => formatBasicAuth('a', '\ud800'))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => formatBasicAuth(1 as never, 'p'))).toBe('INVALID_ARGUMENT');
  });
  it('property: format -> parse round trip, and Buffer base64 agrees', () => {
    const noCtl = (s: string): boolean => !/[\u0000-\u001f\u007f]/.test(s);
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', minLength: 1 }).filter((u) => !u.includes(':') && noCtl(u)),
        fc.string({ unit: 'grapheme' }).filter(noCtl),
        (username, password) => {
          const h = formatBasicAuth(username, password);
          expect(h).toBe(`Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`);
          expect(parseBasicAuth(h)).toEqual({ username, password });
        },
      ),
      { numRuns: 300 },
    );
  });
  it('property: arbitrary header strings only ever throw HostsigError', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string().map((s) => `Basic ${s}`), fc.uint8Array().map((b) => `Basic ${Buffer.from(b).toString('base64')}`)), (h) => {
        for (const f of [() => parseBasicAuth(h), () => parseBearerAuth(h)]) {
          try {
            f();
          } catch (e) {
            if (!isHostsigError(e)) throw e;
          }
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe('Bearer (RFC 6750)', () => {
  it('formats and parses', () => {
    expect(formatBearerAuth('a.b.c')).toBe('Bearer a.b.c');
    expect(parseBearerAuth('bearer  a.b-c_d')).toBe('a.b-c_d');
  });
  it.each([
    [null, 'AUTH_HEADER_MALFORMED'],
    ['Bearer', 'AUTH_HEADER_MALFORMED'],
    ['Bearer a b', 'AUTH_HEADER_MALFORMED'],
    ['Bearer a,b', 'AUTH_HEADER_MALFORMED'],
    ['Basic abc=', 'AUTH_SCHEME_UNSUPPORTED'],
    ['Token abc', 'AUTH_SCHEME_UNSUPPORTED'],
  ])('%j -> %s', (h, code) => {
    expect(codeOf(() => parseBearerAuth(h))).toBe(code);
  });
});
