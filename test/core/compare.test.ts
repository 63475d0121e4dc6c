import fc from 'fast-check';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { isBytes } from '../../src/core/bytes.js';
import { equalBytes } from '../../src/core/compare.js';
import { isHostsigError } from '../../src/core/errors.js';

describe('equalBytes', () => {
  it('agrees with a byte-by-byte reference on arbitrary pairs', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.uint8Array({ maxLength: 64 }), (a, b) => {
        const ref = a.length === b.length && a.every((x, i) => x === b[i]);
        expect(equalBytes(a, b)).toBe(ref);
      }),
    );
  });

  it('finds a difference at any position, including the last byte', () => {
    const a = new Uint8Array(32).fill(7);
    for (let i = 0; i < 32; i++) {
      const b = a.slice();
      b[i] = b[i]! ^ 1;
      expect(equalBytes(a, b)).toBe(false);
    }
    expect(equalBytes(a, a.slice())).toBe(true);
  });

  it('honours byteOffset and length of views into a larger buffer', () => {
    const buf = new Uint8Array([9, 9, 1, 2, 3, 9, 9]);
    const view = buf.subarray(2, 5);
    expect(equalBytes(view, new Uint8Array([1, 2, 3]))).toBe(true);
    // A compare over view.buffer (the classic timingSafeEqual bug) would see 9,9,1 here.
    expect(equalBytes(view, new Uint8Array([9, 9, 1]))).toBe(false);
    expect(equalBytes(new Uint8Array(buf.buffer, 1, 2), new Uint8Array([9, 1]))).toBe(true);
  });

  it('never equates different lengths, even as prefixes', () => {
    expect(equalBytes(new Uint8Array([1, 2]), new Uint8Array([1, 2, 0]))).toBe(false);
    expect(equalBytes(new Uint8Array(0), new Uint8Array(0))).toBe(true);
  });

  it('accepts a Uint8Array from another realm and rejects look-alikes with a typed error', () => {
    const foreign = runInNewContext('new Uint8Array([1, 2, 3])') as Uint8Array;
    expect(foreign instanceof Uint8Array).toBe(false);
    expect(isBytes(foreign)).toBe(true);
    expect(equalBytes(foreign, new Uint8Array([1, 2, 3]))).toBe(true);
    const spoofs: unknown[] = [
      { constructor: { name: 'Uint8Array' }, length: 3, 0: 1, 1: 2, 2: 3 },
      [1, 2, 3],
      '123',
      new Uint16Array([1, 2, 3]),
      new DataView(new ArrayBuffer(3)),
      null,
      undefined,
    ];
    for (const s of spoofs) {
      let err: unknown;
      try {
        equalBytes(s as Uint8Array, new Uint8Array([1, 2, 3]));
      } catch (e) {
        err = e;
      }
      expect(isHostsigError(err) && err.code).toBe('INVALID_ARGUMENT');
    }
  });
});
