import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  base64ToBytes,
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
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (b) => {
        const c = code(() => bytesToUtf8(b));
        expect(c === undefined || c === 'INVALID_UTF8').toBe(true);
      }),
    );
  });
});
