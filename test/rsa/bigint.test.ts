import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bigintToBytes, bytesToBigint, foldFor, modPow } from '../../src/rsa/bigint.js';

// The fast paths of bigint.ts against the plainest possible reference.

/** Right-to-left square-and-multiply with `%` after every step. */
function naivePow(b: bigint, e: bigint, m: bigint): bigint {
  let r = 1n % m;
  b %= m;
  while (e > 0n) {
    if (e & 1n) r = (r * b) % m;
    b = (b * b) % m;
    e >>= 1n;
  }
  return r;
}

const big = (bytes: number) => fc.uint8Array({ minLength: bytes, maxLength: bytes }).map((b) => bytesToBigint(b));
const modulus = (bits: number) => big(bits / 8).map((x) => x | (1n << BigInt(bits - 1)) | 1n);

describe('OS2IP / I2OSP', () => {
  it('round-trip any bytes, leading zeros included', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (b) => {
        const x = bytesToBigint(b);
        expect(x).toBe(b.length === 0 ? 0n : BigInt('0x' + Buffer.from(b).toString('hex')));
        expect(bigintToBytes(x, b.length === 0 ? 1 : b.length)).toEqual(b.length === 0 ? new Uint8Array(1) : b);
      }),
    );
  });

  it('I2OSP pads, and refuses values that do not fit or are negative', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 2100n) - 1n }), fc.integer({ min: 0, max: 270 }), (x, len) => {
        const hex = x.toString(16);
        const fits = Math.ceil(hex.length / 2) <= len && !(x === 0n && len === 0);
        const out = bigintToBytes(x, len);
        if (!fits) expect(out).toBeNull();
        else expect(Buffer.from(out!).toString('hex')).toBe(hex.padStart(len * 2, '0'));
      }),
    );
    expect(bigintToBytes(-1n, 4)).toBeNull();
  });
});

describe('modPow (sliding window, folded reduction) == naive square-and-multiply', () => {
  it('no fold under 2048 bits; a fold at 2048 and above', () => {
    expect(foldFor((1n << 2047n) - 1n)).toBeNull();
    expect(foldFor((1n << 2047n) + 1n)?.s).toBe(3072);
  });

  for (const bits of [1024, 2048, 3072]) {
    it(`${bits}-bit moduli, e = 65537 and long exponents, with and without a cached fold`, () => {
      fc.assert(
        fc.property(modulus(bits), big(bits / 8 + 8), big(bits / 8), fc.boolean(), (m, b, e, f4) => {
          const exp = f4 ? 65537n : e;
          const want = naivePow(b, exp, m);
          expect(modPow(b, exp, m)).toBe(want);
          expect(modPow(b, exp, m, foldFor(m))).toBe(want);
          expect(modPow(b, exp, m, null)).toBe(want);
        }),
        { numRuns: bits === 3072 ? 3 : 8 },
      );
    });
  }

  it('edge values: 0, 1, m-1, negative base, exponent 0 and 1, tiny moduli', () => {
    const m = (1n << 2048n) - 159n;
    for (const b of [0n, 1n, m - 1n, -5n, m, m + 3n]) for (const e of [0n, 1n, 2n, 3n, 65537n, (1n << 70n) + 1n]) expect(modPow(b, e, m)).toBe(naivePow(((b % m) + m) % m, e, m));
    expect(modPow(5n, 3n, 7n)).toBe(6n);
    expect(modPow(5n, 0n, 2n)).toBe(1n);
  });
});
