import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { utf8ToBytes } from '../../src/core/bytes.js';
import { REPO_ROOT } from '../helpers/wycheproof.js';

// Inject a computation fault: while `fault.p` is set, the CRT half modulo p comes out wrong
// by one, as a glitched multiplier would make it. Without the self-check, s would be a
// signature that reveals p via gcd(s^e - m, n) (Boneh-DeMillo-Lipton).
const fault = vi.hoisted(() => ({ p: undefined as bigint | undefined }));
vi.mock('../../src/rsa/bigint.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/rsa/bigint.js')>();
  return {
    ...real,
    modPow: (b: bigint, e: bigint, m: bigint) => {
      const r = real.modPow(b, e, m);
      return fault.p !== undefined && m === fault.p ? (r + 1n) % m : r;
    },
  };
});

const { importPrivateKey, rsaSign, rsaVerify } = await import('../../src/rsa/index.js');

describe('signing fault check', () => {
  const key = importPrivateKey(readFileSync(join(REPO_ROOT, 'vectors', 'keys', 'rsa2048.pkcs1.pem'), 'utf8'));
  const msg = utf8ToBytes('fault');

  it('a faulty CRT half is caught: KEY_INVALID, no signature released', () => {
    fault.p = key.p;
    try {
      expect(() => rsaSign(key, msg)).toThrow(expect.objectContaining({ code: 'KEY_INVALID' }));
    } finally {
      fault.p = undefined;
    }
  });

  it('without the fault the same key signs and verifies', () => {
    expect(rsaVerify(key.publicKey, msg, rsaSign(key, msg))).toBe(true);
  });
});
