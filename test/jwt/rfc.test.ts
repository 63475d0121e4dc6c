import { createPublicKey, verify as nodeVerify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bytesToUtf8 } from '../../src/core/bytes.js';
import { signCompactJws, verifyCompactJws, verifyJwt } from '../../src/jwt/index.js';
import { importPrivateKey, importPublicKey } from '../../src/rsa/index.js';
import { RFC7515_A2, RFC7520_4_1 } from './rfc-vectors.js';

for (const [name, v] of [
  ['RFC 7515 Appendix A.2', RFC7515_A2],
  ['RFC 7520 section 4.1', RFC7520_4_1],
] as const) {
  describe(name, () => {
    const token = `${v.headerB64}.${v.payloadB64}.${v.signatureB64}`;

    it('the golden signature verifies under the RFC key in node:crypto (oracle check of the copied text)', () => {
      const pub = createPublicKey({ key: { kty: 'RSA', n: v.jwk.n, e: v.jwk.e }, format: 'jwk' });
      expect(nodeVerify('sha256', Buffer.from(`${v.headerB64}.${v.payloadB64}`), pub, Buffer.from(v.signatureB64, 'base64url'))).toBe(true);
    });

    it('hostsig reproduces the JWS byte for byte (PKCS#1 v1.5 is deterministic)', () => {
      const key = importPrivateKey(v.jwk);
      expect(signCompactJws(v.header, v.payload, key)).toBe(token);
    });

    it('hostsig verifies it, and returns the exact payload bytes', () => {
      const pub = importPublicKey({ kty: 'RSA', n: v.jwk.n, e: v.jwk.e });
      const { payload, protectedHeader } = verifyCompactJws(token, pub);
      expect(bytesToUtf8(payload)).toBe(v.payload);
      expect(protectedHeader.alg).toBe('RS256');
    });

    it('one changed signature character fails', () => {
      const pub = importPublicKey({ kty: 'RSA', n: v.jwk.n, e: v.jwk.e });
      const last = token.at(-1) === 'A' ? 'Q' : 'A';
      expect(() => verifyCompactJws(token.slice(0, -1) + last, pub)).toThrow(expect.objectContaining({ code: expect.stringMatching(/SIGNATURE_INVALID|JWT_MALFORMED/) }));
    });
  });
}

describe('RFC 7515 A.2 as a JWT (CRLFs in the claims are plain JSON whitespace)', () => {
  const token = `${RFC7515_A2.headerB64}.${RFC7515_A2.payloadB64}.${RFC7515_A2.signatureB64}`;
  const pub = importPublicKey({ kty: 'RSA', n: RFC7515_A2.jwk.n, e: RFC7515_A2.jwk.e });
  it('is valid before exp 1300819380 and expired after it', () => {
    const { payload } = verifyJwt(token, pub, { now: 1300819379 });
    expect(payload).toEqual({ iss: 'joe', exp: 1300819380, 'http://example.com/is_root': true });
    expect(() => verifyJwt(token, pub, { now: 1300819380 })).toThrow(expect.objectContaining({ code: 'JWT_EXPIRED' }));
    expect(verifyJwt(token, pub, { now: 1300819389, clockTolerance: '10s' }).payload.iss).toBe('joe');
    expect(() => verifyJwt(token, pub, { now: 1300819390, clockTolerance: 10 })).toThrow(expect.objectContaining({ code: 'JWT_EXPIRED' }));
  });
});
