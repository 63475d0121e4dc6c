import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  base64ToBytes,
  base64urlPaddedToBytes,
  base64urlToBytes,
  bytesToBase64,
  bytesToBase64url,
  bytesToHex,
  bytesToUtf8,
  hexToBytes,
  utf8ToBytes,
} from '../../src/core/bytes.js';
import { HostsigError } from '../../src/core/errors.js';

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof HostsigError ? e.code : `untyped:${String(e)}`;
  }
  return undefined;
}

describe('bytes', () => {
  it('base64 and base64url agree with node Buffer (oracle) and round-trip', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (b) => {
        expect(bytesToBase64(b)).toBe(Buffer.from(b).toString('base64'));
        expect(bytesToBase64url(b)).toBe(Buffer.from(b).toString('base64url'));
        expect(base64ToBytes(bytesToBase64(b))).toEqual(b);
        expect(base64urlToBytes(bytesToBase64url(b))).toEqual(b);
      }),
    );
  });

  it('base64 decoding is strict', () => {
    expect(base64ToBytes('YQ==')).toEqual(new Uint8Array([0x61]));
    for (const bad of ['YQ', 'YQ=', 'YR==', ' YQ==', 'YQ==\n', 'Y Q==', 'YQ==YQ==', '*Q==', 'YQ-_']) expect(code(() => base64ToBytes(bad)), bad).toBe('INVALID_ENCODING');
    for (const bad of ['YQ==', 'YR', 'Y+', 'Y/', 'YQ ', 'YQ=']) expect(code(() => base64urlToBytes(bad)), bad).toBe('INVALID_ENCODING');
  });

  it('hex round-trips, lowercase out, both cases in, nothing else', () => {
    expect(bytesToHex(new Uint8Array([0, 0xab, 0xff]))).toBe('00abff');
    expect(hexToBytes('00ABff')).toEqual(new Uint8Array([0, 0xab, 0xff]));
    for (const bad of ['0', 'zz', '0x00', ' 00']) expect(code(() => hexToBytes(bad)), bad).toBe('INVALID_ENCODING');
  });

  it('UTF-8 is strict both ways', () => {
    expect(utf8ToBytes('é😀')).toEqual(new Uint8Array([0xc3, 0xa9, 0xf0, 0x9f, 0x98, 0x80]));
    expect(code(() => utf8ToBytes('\ud800'))).toBe('INVALID_UTF8');
    expect(code(() => utf8ToBytes('a\udc00b'))).toBe('INVALID_UTF8');
    for (const bad of [[0xff], [0xc3], [0xed, 0xa0, 0x80], [0xc0, 0xaf], [0xf4, 0x90, 0x80, 0x80]]) {
      expect(code(() => bytesToUtf8(new Uint8Array(bad))), String(bad)).toBe('INVALID_UTF8');
    }
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        expect(bytesToUtf8(utf8ToBytes(s))).toBe(s);
        expect(utf8ToBytes(s)).toEqual(new Uint8Array(Buffer.from(s, 'utf8')));
      }),
    );
    // utf8ToBytes copies short ASCII strings in JS: its edges (length 128, 0x7f/0x80, a lone
    // surrogate after ASCII) must agree with the encoder.
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 200 }), fc.constantFrom('', 'é', '\x7f', '\x80', '😀', '\ud800'), fc.boolean(), (n, odd, atEnd) => {
        const s = atEnd ? 'a'.repeat(n) + odd : odd + 'a'.repeat(n);
        if (odd === '\ud800') expect(code(() => utf8ToBytes(s))).toBe('INVALID_UTF8');
        else expect(utf8ToBytes(s)).toEqual(new Uint8Array(Buffer.from(s, 'utf8')));
      }),
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (b) => {
        const c = code(() => bytesToUtf8(b));
        expect(c === undefined || c === 'INVALID_UTF8').toBe(true);
      }),
    );
  });
});

// hostsig's own base64/hex codecs against Node's Buffer (in the browser project, the Buffer
// shim over @scure/base). Buffer decodes leniently, so the strict oracle is: a text is accepted
// exactly when it is what Buffer would encode its own decoding as.
describe('base64 and hex codecs: Buffer oracle', () => {
  const oracle = (s: string, enc: 'base64' | 'base64url' | 'hex'): Uint8Array | undefined => {
    try {
      const b = Buffer.from(s, enc);
      return b.toString(enc) === s ? new Uint8Array(b) : undefined;
    } catch {
      return undefined;
    }
  };
  const decodes = (fn: (s: string) => Uint8Array, s: string): Uint8Array | string => {
    try {
      return fn(s);
    } catch (e) {
      return e instanceof HostsigError ? e.code : `untyped:${String(e)}`;
    }
  };
  // Texts near the valid ones: both alphabets, padding, whitespace, and a stray non-ASCII unit.
  const b64ish = fc.string({ unit: fc.constantFrom(...'AQgwBRhxYZaz09+/-_=', ' ', '\n', '\t', '*', '.', 'é', '\u0100', '\u0141'), maxLength: 14 });
  const mutated = (encode: (b: Uint8Array) => string) =>
    fc.tuple(fc.uint8Array({ maxLength: 20 }), fc.nat(), fc.constantFrom('drop', 'swap', 'insert', 'append'), fc.constantFrom(...'AQgwBRhx9+/-_= \n*')).map(([b, at, op, c]) => {
      const s = encode(b);
      const i = s.length === 0 ? 0 : at % s.length;
      if (op === 'drop') return s.slice(0, i) + s.slice(i + 1);
      if (op === 'swap') return s.slice(0, i) + c + s.slice(i + 1);
      if (op === 'insert') return s.slice(0, i) + c + s.slice(i);
      return s + c;
    });

  it('round-trips arbitrary bytes, and encodes as Buffer does', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
        const std = Buffer.from(b).toString('base64');
        const url = Buffer.from(b).toString('base64url');
        expect(bytesToBase64(b)).toBe(std);
        expect(bytesToBase64url(b)).toBe(url);
        expect(bytesToHex(b)).toBe(Buffer.from(b).toString('hex'));
        expect(base64ToBytes(std)).toEqual(b);
        expect(base64urlToBytes(url)).toEqual(b);
        expect(base64urlPaddedToBytes(url + '='.repeat((4 - (url.length % 4)) % 4))).toEqual(b);
        expect(hexToBytes(Buffer.from(b).toString('hex'))).toEqual(b);
        expect(hexToBytes(Buffer.from(b).toString('hex').toUpperCase())).toEqual(b);
      }),
      { numRuns: 300 },
    );
  });

  it('a view into a larger buffer encodes only its own bytes', () => {
    const big = Uint8Array.from({ length: 16 }, (_, i) => i * 17);
    const view = big.subarray(3, 8);
    expect(bytesToBase64(view)).toBe(Buffer.from(view).toString('base64'));
    expect(bytesToHex(view)).toBe('33445566' + '77');
  });

  it('standard base64 accepts exactly the canonical padded texts', () => {
    fc.assert(
      fc.property(fc.oneof(b64ish, mutated(bytesToBase64)), (s) => {
        const want = oracle(s, 'base64');
        expect(decodes(base64ToBytes, s), JSON.stringify(s)).toEqual(want ?? 'INVALID_ENCODING');
      }),
      { numRuns: 2000 },
    );
  });

  it('base64url accepts exactly the canonical unpadded texts', () => {
    fc.assert(
      fc.property(fc.oneof(b64ish, mutated(bytesToBase64url)), (s) => {
        const want = oracle(s, 'base64url');
        expect(decodes(base64urlToBytes, s), JSON.stringify(s)).toEqual(want ?? 'INVALID_ENCODING');
      }),
      { numRuns: 2000 },
    );
  });

  it('padded base64url accepts exactly the canonical padded url-alphabet texts', () => {
    const padded = (b: Uint8Array): string => {
      const u = bytesToBase64url(b);
      return u + '='.repeat((4 - (u.length % 4)) % 4);
    };
    fc.assert(
      fc.property(fc.oneof(b64ish, mutated(padded)), (s) => {
        // The same text in the standard alphabet, when it has no standard-only character.
        const want = /[+/]/.test(s) ? undefined : oracle(s.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
        expect(decodes(base64urlPaddedToBytes, s), JSON.stringify(s)).toEqual(want ?? 'INVALID_ENCODING');
      }),
      { numRuns: 2000 },
    );
  });

  it('hex accepts even-length hex in either case, nothing else', () => {
    const hexish = fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEFgG x'), maxLength: 9 });
    fc.assert(
      fc.property(hexish, (s) => {
        const want = oracle(s.toLowerCase(), 'hex');
        expect(decodes(hexToBytes, s), JSON.stringify(s)).toEqual(want ?? 'INVALID_ENCODING');
      }),
      { numRuns: 1000 },
    );
  });

  it('refuses the classic near misses', () => {
    const cases: [(s: string) => Uint8Array, string][] = [
      [base64ToBytes, 'YQ'], // missing padding
      [base64ToBytes, 'YR=='], // non-zero trailing bits
      [base64ToBytes, 'YWJ='],
      [base64ToBytes, 'Y==='], // a lone character of data
      [base64ToBytes, 'YWJj===='], // excess padding
      [base64ToBytes, 'YQ==\r\n'], // trailing whitespace
      [base64ToBytes, '-_8='], // the url alphabet
      [base64urlToBytes, '+/8'], // the standard alphabet
      [base64urlToBytes, '-_8='], // padding
      [base64urlToBytes, 'A'], // a lone character
      [base64urlToBytes, '-_9'], // non-zero trailing bits
      [base64urlPaddedToBytes, '-_8'], // missing padding
      [base64urlPaddedToBytes, '+/8='],
    ];
    for (const [fn, s] of cases) expect(decodes(fn, s), JSON.stringify(s)).toBe('INVALID_ENCODING');
    expect(decodes(base64ToBytes, 42 as never)).toBe('INVALID_ARGUMENT');
    expect(decodes(hexToBytes, null as never)).toBe('INVALID_ARGUMENT');
    expect(code(() => bytesToBase64('AQ==' as never))).toBe('INVALID_ARGUMENT');
    expect(code(() => bytesToHex([1, 2] as never))).toBe('INVALID_ARGUMENT');
  });
});
