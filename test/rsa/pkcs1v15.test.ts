import { sign as nodeSign, verify as nodeVerify } from 'node:crypto';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes, utf8ToBytes } from '../../src/core/bytes.js';
import { sha256 } from '../../src/core/hmac.js';
import { emsaPkcs1v15Sha256, importPrivateKey, importPublicKey, type RsaPrivateKey, type RsaPublicKey, rsaSign, rsaVerify } from '../../src/rsa/index.js';
import { nodeRsaKeyPair } from '../helpers/node-keys.js';

type Pair = Awaited<ReturnType<typeof nodeRsaKeyPair>> & { priv: RsaPrivateKey; pub: RsaPublicKey };
const pairs: Record<number, Pair> = {};

beforeAll(async () => {
  const made = await Promise.all([2048, 3072, 4096].map((b) => nodeRsaKeyPair(b)));
  for (const p of made) {
    const priv = importPrivateKey(p.pkcs1Pem);
    pairs[priv.bits] = { ...p, priv, pub: importPublicKey(p.spkiPem) };
  }
}, 120_000);

describe('EMSA-PKCS1-v1_5 block', () => {
  it('matches RFC 8017 9.2 layout for SHA-256 (DigestInfo from note 1)', () => {
    const h = sha256(utf8ToBytes('abc'));
    const em = emsaPkcs1v15Sha256(h, 256);
    expect(em.length).toBe(256);
    expect(bytesToHex(em.subarray(0, 2))).toBe('0001');
    expect(em.subarray(2, 256 - 52).every((b) => b === 0xff)).toBe(true);
    expect(bytesToHex(em.subarray(256 - 52))).toBe('003031300d060960864801650304020105000420' + bytesToHex(h));
  });
});

describe('RSASSA-PKCS1-v1_5 SHA-256 against node:crypto (dev-only oracle)', () => {
  for (const [bits, runs] of [
    [2048, 25],
    [3072, 8],
    [4096, 5],
  ] as const) {
    it(`${bits}: hostsig signs -> node verifies, node signs -> hostsig verifies, signatures byte-equal`, () => {
      const { priv, pub, privateKey, publicKey } = pairs[bits]!;
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 300 }), (msg) => {
          const ours = rsaSign(priv, msg);
          const theirs = new Uint8Array(nodeSign('sha256', msg, privateKey));
          expect(ours.length).toBe(bits / 8);
          expect(bytesToHex(ours)).toBe(bytesToHex(theirs));
          expect(nodeVerify('sha256', msg, publicKey, ours)).toBe(true);
          expect(rsaVerify(pub, msg, theirs)).toBe(true);
          // One flipped bit anywhere in the signature or the message fails.
          const bad = theirs.slice();
          bad[msg.length % bad.length]! ^= 1;
          expect(rsaVerify(pub, msg, bad)).toBe(false);
          const badMsg = new Uint8Array([...msg, 0]);
          expect(rsaVerify(pub, badMsg, theirs)).toBe(false);
        }),
        { numRuns: runs },
      );
    });
  }

  it('keeps leading zero bytes: a signature starting with 0x00 is still k bytes and equals node', () => {
    const { priv, pub, privateKey } = pairs[2048]!;
    let found = 0;
    for (let i = 0; i < 4000 && found === 0; i++) {
      const msg = utf8ToBytes(`leading-zero-search-${i}`);
      const theirs = new Uint8Array(nodeSign('sha256', msg, privateKey));
      if (theirs[0] !== 0) continue;
      found++;
      const ours = rsaSign(priv, msg);
      expect(ours.length).toBe(256);
      expect(bytesToHex(ours)).toBe(bytesToHex(theirs));
      expect(rsaVerify(pub, msg, ours)).toBe(true);
      // The same signature without its leading zero has the wrong length: rejected.
      expect(rsaVerify(pub, msg, ours.subarray(1))).toBe(false);
    }
    expect(found).toBe(1);
  });

  it('a signature >= n, of the wrong length, or all zeros is false, not an exception', () => {
    const { pub } = pairs[2048]!;
    const msg = utf8ToBytes('m');
    const nBytes = hexToBytes(pub.n.toString(16).padStart(512, '0'));
    expect(rsaVerify(pub, msg, nBytes)).toBe(false);
    expect(rsaVerify(pub, msg, new Uint8Array(256).fill(0xff))).toBe(false);
    expect(rsaVerify(pub, msg, new Uint8Array(256))).toBe(false);
    expect(rsaVerify(pub, msg, new Uint8Array(257))).toBe(false);
    expect(rsaVerify(pub, msg, new Uint8Array(0))).toBe(false);
  });

  it('signing is deterministic despite blinding (many signatures, blinding refreshed)', () => {
    const { priv } = pairs[2048]!;
    const msg = utf8ToBytes('same message');
    const first = bytesToHex(rsaSign(priv, msg));
    for (let i = 0; i < 40; i++) expect(bytesToHex(rsaSign(priv, msg))).toBe(first);
  });

  it('programmer errors are INVALID_ARGUMENT', () => {
    const { priv, pub } = pairs[2048]!;
    expect(() => rsaSign(pub as never, new Uint8Array(1))).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => rsaSign({ ...priv } as never, new Uint8Array(1))).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => rsaSign(priv, 'text' as never)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => rsaVerify({ type: 'public', n: 7n, e: 3n, bits: 3, size: 1 } as never, new Uint8Array(1), new Uint8Array(1))).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
