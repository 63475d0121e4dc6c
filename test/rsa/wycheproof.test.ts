import { describe, expect, it } from 'vitest';
import { base64ToBytes, hexToBytes } from '../../src/core/bytes.js';
import { exportPublicJwk, exportSpkiPem, importPublicKey, rsaVerify } from '../../src/rsa/index.js';
import { loadWycheproof } from '../helpers/wycheproof.js';

interface Group {
  keySize: number;
  publicKeyPem: string;
  publicKeyDer: string;
  keyJwk?: Record<string, unknown>;
  publicKey: { modulus: string; publicExponent: string };
  tests: { tcId: number; comment: string; flags: string[]; msg: string; sig: string; result: 'valid' | 'invalid' | 'acceptable' }[];
}

// `acceptable` (1 per file, flag MissingNull: a DigestInfo without the NULL parameter) is
// REJECTED: hostsig compares the block against the one encoding RFC 8017 9.2 prescribes
// (with NULL), so a signature over the other encoding does not verify.
for (const file of ['rsa_signature_2048_sha256_test.json', 'rsa_signature_3072_sha256_test.json', 'rsa_signature_4096_sha256_test.json']) {
  const data = loadWycheproof<{ numberOfTests: number; testGroups: Group[] }>(file);
  describe.skipIf(!data)(`Wycheproof ${file}`, () => {
    it('every valid signature verifies, every invalid and acceptable one is rejected', () => {
      const counts = { valid: 0, invalid: 0, acceptable: 0 };
      const failures: string[] = [];
      for (const g of data!.testGroups) {
        const key = importPublicKey(g.publicKeyPem);
        // The same key through DER and JWK must be the same numbers.
        const fromDer = importPublicKey(hexToBytes(g.publicKeyDer));
        expect(fromDer.n).toBe(key.n);
        expect(fromDer.e).toBe(key.e);
        expect(key.n).toBe(BigInt('0x' + g.publicKey.modulus));
        expect(key.e).toBe(BigInt('0x' + g.publicKey.publicExponent));
        if (g.keyJwk) expect(importPublicKey(g.keyJwk).n).toBe(key.n);
        expect(key.bits).toBe(g.keySize);
        for (const t of g.tests) {
          const ok = rsaVerify(key, hexToBytes(t.msg), hexToBytes(t.sig));
          counts[t.result]++;
          const want = t.result === 'valid';
          if (ok !== want) failures.push(`tcId ${t.tcId} (${t.comment}, ${t.flags.join(',')}): expected ${t.result}, got ${ok}`);
        }
      }
      expect(failures).toEqual([]);
      expect(counts.valid + counts.invalid + counts.acceptable).toBe(data!.numberOfTests);
      console.log(`${file}: ${counts.valid} valid accepted, ${counts.invalid} invalid rejected, ${counts.acceptable} acceptable rejected`);
    });

    it('exports each key back to the SPKI PEM and the JWK Wycheproof gives', () => {
      for (const g of data!.testGroups) {
        const key = importPublicKey(g.publicKeyPem);
        expect(exportSpkiPem(key).trim()).toBe(g.publicKeyPem.trim());
        expect(base64ToBytes(exportSpkiPem(key).split('\n').slice(1, -2).join(''))).toEqual(hexToBytes(g.publicKeyDer));
        if (g.keyJwk) {
          const jwk = exportPublicJwk(key);
          expect(jwk.n).toBe(g.keyJwk.n);
          expect(jwk.e).toBe(g.keyJwk.e);
        }
      }
    });
  });
}
