import { createHash, createHmac } from 'node:crypto';
import { hmac as nobleHmac } from '@noble/hashes/hmac.js';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { registerHashBackend } from '../../src/core/backend.js';
import { bytesToHex, hexToBytes, utf8ToBytes } from '../../src/core/bytes.js';
import { hmacSha256, prepareHmacSha256, sha256Parts } from '../../src/core/hmac.js';

const fill = (byte: number, n: number) => new Uint8Array(n).fill(byte);

// RFC 4231 section 4, HMAC-SHA-256 rows: test cases 1 to 7 (5 is truncated to 128 bits; 6 and
// 7 have a 131-byte key, longer than the block, so the key is hashed first).
const RFC4231: { name: string; key: Uint8Array; data: Uint8Array; mac: string }[] = [
  { name: '1', key: fill(0x0b, 20), data: utf8ToBytes('Hi There'), mac: 'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7' },
  { name: '2', key: utf8ToBytes('Jefe'), data: utf8ToBytes('what do ya want for nothing?'), mac: '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843' },
  { name: '3', key: fill(0xaa, 20), data: fill(0xdd, 50), mac: '773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe' },
  {
    name: '4',
    key: hexToBytes('0102030405060708090a0b0c0d0e0f10111213141516171819'),
    data: fill(0xcd, 50),
    mac: '82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b',
  },
  { name: '5 (truncated)', key: fill(0x0c, 20), data: utf8ToBytes('Test With Truncation'), mac: 'a3b6167473100ee06e0c796c2955552b' },
  {
    name: '6 (131-byte key)',
    key: fill(0xaa, 131),
    data: utf8ToBytes('Test Using Larger Than Block-Size Key - Hash Key First'),
    mac: '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54',
  },
  {
    name: '7 (131-byte key, long data)',
    key: fill(0xaa, 131),
    data: utf8ToBytes(
      'This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.',
    ),
    mac: '9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2',
  },
];

const nodeHmac = (k: Uint8Array, m: Uint8Array) => createHmac('sha256', k).update(m).digest('hex');

afterEach(() => registerHashBackend(null));

describe('prepareHmacSha256', () => {
  it.each(RFC4231)('RFC 4231 test case $name, prepared and one-shot', ({ key, data, mac }) => {
    const prepared = prepareHmacSha256(key);
    expect(bytesToHex(prepared(data)).slice(0, mac.length)).toBe(mac);
    // Twice: the second call starts again from the keyed state.
    expect(bytesToHex(prepared(data)).slice(0, mac.length)).toBe(mac);
    expect(bytesToHex(hmacSha256(key, data)).slice(0, mac.length)).toBe(mac);
  });

  it('equals hmacSha256 and node:crypto on arbitrary keys (shorter, equal to and longer than the block) and messages', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.array(fc.uint8Array({ maxLength: 300 }), { minLength: 1, maxLength: 4 }), (key, messages) => {
        const prepared = prepareHmacSha256(key);
        for (const m of messages) {
          const expected = nodeHmac(key, m);
          expect(bytesToHex(prepared(m))).toBe(expected);
          expect(bytesToHex(hmacSha256(key, m))).toBe(expected);
        }
      }),
      { numRuns: 300 },
    );
    for (const n of [63, 64, 65, 128]) {
      const key = fill(0x5a, n);
      const m = fill(0x33, n);
      expect(bytesToHex(prepareHmacSha256(key)(m)), `${n}-byte key`).toBe(nodeHmac(key, m));
    }
  });

  it('gives each call its own state: interleaved messages and keys, results never aliased', () => {
    const k1 = utf8ToBytes('48b278ec873bda4738923dbc467f8669');
    const k2 = fill(0xaa, 131);
    const m1 = utf8ToBytes('target=ipam&action=get&type=IP&mask=24&apiKey=32-5DAYTJQY2TZHOFOB');
    const m2 = fill(0x61, 150);
    const p1 = prepareHmacSha256(k1);
    const p2 = prepareHmacSha256(k2);
    const seen: Uint8Array[] = [];
    for (let i = 0; i < 3; i++) {
      const a = p1(m1);
      const b = p1(m2);
      const c = p2(m1);
      // The one-shot path and the internal SHA-256 in between must not disturb the prepared ones.
      expect(bytesToHex(hmacSha256(k2, m2))).toBe(nodeHmac(k2, m2));
      expect(bytesToHex(sha256Parts(m1, m2))).toBe(createHash('sha256').update(m1).update(m2).digest('hex'));
      const d = p2(m2);
      expect([a, b, c, d].map(bytesToHex)).toEqual([nodeHmac(k1, m1), nodeHmac(k1, m2), nodeHmac(k2, m1), nodeHmac(k2, m2)]);
      seen.push(a, b, c, d);
    }
    // Every result is a fresh array: overwriting one leaves the others as they were.
    const before = seen.map(bytesToHex);
    seen[0]!.fill(0);
    expect(seen.slice(1).map(bytesToHex)).toEqual(before.slice(1));
    expect(bytesToHex(p1(m1))).toBe(before[0]);
  });

  it('copies the key: changing the caller array afterwards changes nothing', () => {
    const key = utf8ToBytes('secret-key');
    const prepared = prepareHmacSha256(key);
    const m = utf8ToBytes('message');
    const expected = nodeHmac(utf8ToBytes('secret-key'), m);
    key.fill(0);
    expect(bytesToHex(prepared(m))).toBe(expected);
  });

  it('uses a hash backend registered at call time, before or after the function was prepared', () => {
    const calls: { key: string; message: string }[] = [];
    const backend = {
      name: 'counting',
      sha256: (m: Uint8Array) => nobleSha256(m),
      hmacSha256: (k: Uint8Array, m: Uint8Array) => {
        calls.push({ key: bytesToHex(k), message: bytesToHex(m) });
        return nobleHmac(nobleSha256, k, m);
      },
    };
    const key = utf8ToBytes('k');
    const m = utf8ToBytes('m');
    const expected = nodeHmac(key, m);
    const preparedBefore = prepareHmacSha256(key);
    expect(bytesToHex(preparedBefore(m))).toBe(expected); // pure: builds its keyed state
    expect(calls).toHaveLength(0);

    registerHashBackend(backend);
    expect(bytesToHex(preparedBefore(m))).toBe(expected);
    const preparedAfter = prepareHmacSha256(key);
    expect(bytesToHex(preparedAfter(m))).toBe(expected);
    expect(calls).toEqual([
      { key: bytesToHex(key), message: bytesToHex(m) },
      { key: bytesToHex(key), message: bytesToHex(m) },
    ]);

    registerHashBackend(null);
    expect(bytesToHex(preparedAfter(m))).toBe(expected); // back on the pure path, first keyed here
    expect(calls).toHaveLength(2);
  });

  it('refuses what is not bytes with INVALID_ARGUMENT, never a TypeError', () => {
    expect(() => prepareHmacSha256('key' as unknown as Uint8Array)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    const prepared = prepareHmacSha256(new Uint8Array(4));
    for (const bad of ['m', null, undefined, [1, 2], new Uint16Array(2)]) {
      expect(() => prepared(bad as unknown as Uint8Array)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    }
    // A refused call leaves the prepared state as it was.
    expect(bytesToHex(prepared(utf8ToBytes('x')))).toBe(nodeHmac(new Uint8Array(4), utf8ToBytes('x')));
  });
});
