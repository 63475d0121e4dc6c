import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hexToBytes } from '../../src/core/bytes.js';
import { hmacSha256, verifyHmacSha256 } from '../../src/core/hmac.js';
import { loadWycheproof } from '../helpers/wycheproof.js';

const wp = loadWycheproof('hmac_sha256_test.json');

describe.skipIf(!wp)('Wycheproof hmac_sha256_test.json', () => {
  it('every case: valid tags verify, invalid ones do not (truncated-tag groups included)', () => {
    let valid = 0;
    let invalid = 0;
    for (const g of wp.testGroups) {
      for (const t of g.tests) {
        const key = hexToBytes(t.key);
        const msg = hexToBytes(t.msg);
        const tag = hexToBytes(t.tag);
        // Wycheproof's truncated groups state the tag size; accept down to that size.
        const ok = verifyHmacSha256(key, msg, tag, g.tagSize / 8);
        expect(ok, `tcId ${t.tcId} (${t.comment}) tagSize ${g.tagSize}`).toBe(t.result === 'valid');
        if (t.result === 'valid') valid++;
        else invalid++;
      }
    }
    expect(valid + invalid).toBe(wp.numberOfTests);
    console.log(`hmac_sha256: ${valid} valid accepted, ${invalid} invalid rejected`);
  });
});

describe('hmacSha256', () => {
  it('agrees with node:crypto on arbitrary keys and messages', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.uint8Array({ maxLength: 300 }), (k, m) => {
        expect(Buffer.from(hmacSha256(k, m)).toString('hex')).toBe(createHmac('sha256', k).update(m).digest('hex'));
      }),
    );
  });

  it('refuses tags shorter than the minimum, so a 1-byte guess cannot pass', () => {
    const k = new Uint8Array(16);
    const m = new Uint8Array(3);
    const full = hmacSha256(k, m);
    expect(verifyHmacSha256(k, m, full)).toBe(true);
    expect(verifyHmacSha256(k, m, full.subarray(0, 16))).toBe(true);
    expect(verifyHmacSha256(k, m, full.subarray(0, 15))).toBe(false);
    expect(verifyHmacSha256(k, m, full.subarray(0, 1))).toBe(false);
    expect(verifyHmacSha256(k, m, new Uint8Array(0))).toBe(false);
  });
});
