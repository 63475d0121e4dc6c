// The node:crypto backend's fallback: a key OpenSSL refuses, or an OpenSSL error at sign or
// verify time, leaves the answer to the pure path (the same verdict, the same signature), and a
// refused key is remembered per key object. No key hostsig accepts was found that OpenSSL refuses
// (the edges are checked below), so the refusal is simulated by mocking node:crypto.
import * as nodeCrypto from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { signCompactJws, verifyJwt } from '../../src/jwt/index.js';
import { useNodeCrypto, usePureCrypto } from '../../src/node/index.js';
import { activeRsaBackend, registerRsaBackend } from '../../src/rsa/backend.js';
import { importPrivateKey, importPublicKey, rsaPublicKey, rsaSign, rsaVerify } from '../../src/rsa/index.js';
import { codeOf, modulusBytes, outcome, toBytes, underPure } from '../helpers/differential.js';
import { loadVectors, loadVectorText } from '../helpers/wycheproof.js';

vi.mock('node:crypto', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:crypto')>();
  return { ...real, createPublicKey: vi.fn(real.createPublicKey), createPrivateKey: vi.fn(real.createPrivateKey), verify: vi.fn(real.verify), sign: vi.fn(real.sign) };
});
const mocked = vi.mocked(nodeCrypto);

// Golden fixtures from jwt-rs256.json (PyJWT, openssl): the valid token #9 under rsa2048, #24 tampered.
const vectors = loadVectors<{ testGroups: { tests: any[] }[] }>('jwt-rs256.json').testGroups.flatMap((g) => g.tests);
const VALID = vectors.find((t) => t.tcId === 9)!;
const TAMPERED = vectors.find((t) => t.tcId === 24)!;
const SIGN_CASE = vectors.find((t) => t.input.key === 'keys/rsa2048.pkcs1.pem' && t.output?.token)!;
const split = (token: string) => {
  const i = token.lastIndexOf('.');
  return { msg: new TextEncoder().encode(token.slice(0, i)), sig: new Uint8Array(Buffer.from(token.slice(i + 1), 'base64url')) };
};
const good = split(VALID.input.token);
const bad = split(TAMPERED.input.token);
const freshPublic = () => importPublicKey(loadVectorText(VALID.input.key));
const freshPrivate = () => importPrivateKey(loadVectorText('keys/rsa2048.pkcs1.pem'));

let answered = 0;
beforeAll(() => {
  expect(useNodeCrypto()).toEqual({ hash: 'node:crypto', rsa: 'node:crypto' });
  const rsa = activeRsaBackend()!;
  registerRsaBackend({ name: rsa.name, verify: (...a) => { const r = rsa.verify(...a); if (r !== undefined) answered++; return r; }, sign: rsa.sign });
});
afterAll(() => {
  expect(usePureCrypto()).toEqual({ hash: 'noble', rsa: 'pure' });
});
afterEach(() => {
  vi.resetAllMocks(); // (back to the real node:crypto functions)
});

describe('node:crypto refusing a key: the pure path, remembered per key object', () => {
  it('createPublicKey throwing: rsaVerify and verifyJwt give the pure verdicts, OpenSSL is not asked again', () => {
    mocked.createPublicKey.mockImplementation(() => {
      throw new Error('ERR_OSSL_UNSUPPORTED');
    });
    const key = freshPublic();
    const before = answered;
    for (let i = 0; i < 3; i++) {
      expect(rsaVerify(key, good.msg, good.sig)).toBe(true);
      expect(rsaVerify(key, bad.msg, bad.sig)).toBe(false);
      expect(codeOf(outcome(() => verifyJwt(VALID.input.token, key, VALID.input.options)))).toBe('ok');
      expect(codeOf(outcome(() => verifyJwt(TAMPERED.input.token, key, TAMPERED.input.options)))).toBe('SIGNATURE_INVALID');
    }
    expect(mocked.createPublicKey).toHaveBeenCalledTimes(1);
    expect(mocked.verify).not.toHaveBeenCalled();
    expect(answered).toBe(before);
  });

  it('createPrivateKey throwing: rsaSign gives the pure signature (the vector\'s token)', () => {
    mocked.createPrivateKey.mockImplementation(() => {
      throw new Error('ERR_OSSL_UNSUPPORTED');
    });
    const key = freshPrivate();
    for (let i = 0; i < 2; i++) expect(signCompactJws(SIGN_CASE.input.header, SIGN_CASE.input.payload, key)).toBe(SIGN_CASE.output.token);
    expect(rsaSign(key, good.msg)).toEqual(good.sig);
    expect(mocked.createPrivateKey).toHaveBeenCalledTimes(1);
    expect(mocked.sign).not.toHaveBeenCalled();
  });

  it('OpenSSL throwing at verify or sign time: the pure answer', () => {
    mocked.verify.mockImplementation(() => {
      throw new Error('ERR_OSSL_RSA_DATA_TOO_LARGE_FOR_MODULUS');
    });
    mocked.sign.mockImplementation(() => {
      throw new Error('ERR_OSSL_RSA_DATA_TOO_LARGE_FOR_KEY_SIZE');
    });
    const key = freshPublic();
    expect(rsaVerify(key, good.msg, good.sig)).toBe(true);
    expect(rsaVerify(key, bad.msg, bad.sig)).toBe(false);
    expect(rsaSign(freshPrivate(), good.msg)).toEqual(good.sig);
    expect(mocked.verify).toHaveBeenCalledTimes(2);
    expect(mocked.sign).toHaveBeenCalledTimes(1);
  });

  it('without the mocks, the same fresh keys are answered by OpenSSL', () => {
    const before = answered;
    expect(rsaVerify(freshPublic(), good.msg, good.sig)).toBe(true);
    expect(rsaSign(freshPrivate(), good.msg)).toEqual(good.sig);
    expect(answered - before).toBe(1);
    expect(mocked.sign).toHaveBeenCalledTimes(1);
  });
});

describe('the edges of the keys hostsig accepts: none is refused by OpenSSL', () => {
  it('2048 bits with e = 3, 2049 bits, e = 2^64 - 1 at 4096 bits, 16384 bits: OpenSSL answers, as the pure path does', () => {
    // Odd moduli of exactly `bits` bits (not products of primes: the arithmetic does not care).
    const odd = (bits: number, fill: number) => (1n << BigInt(bits - 1)) | (BigInt(fill) * ((1n << BigInt(bits - 9)) / 255n)) | 1n;
    const keys = [rsaPublicKey(odd(2048, 0x5a), 3n), rsaPublicKey(odd(2049, 0xa5), 65537n), rsaPublicKey(odd(4096, 0x3c), (1n << 64n) - 1n), rsaPublicKey(odd(16384, 0xc3), 65537n)];
    expect(keys.map((k) => k.bits)).toEqual([2048, 2049, 4096, 16384]);
    for (const key of keys) {
      const sig = toBytes(key.n - 12345n, modulusBytes(key.n));
      const before = answered;
      expect(rsaVerify(key, good.msg, sig), `${key.bits} bits`).toBe(underPure(() => rsaVerify(key, good.msg, sig)));
      expect(answered - before, `${key.bits} bits: OpenSSL answered`).toBe(1);
    }
  });
});
