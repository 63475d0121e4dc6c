// Fallback and safety rules of the faster paths: whatever the platform or a registered backend
// does (missing, refusing, throwing, answering garbage), the answer is the pure one, never an
// acceptance of a bad signature; a platform key is imported once per key object; and nothing
// outside the shared range (k bytes, s < n) ever reaches a platform, even one that says yes to
// everything. Runs in Node and in the browser project.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { signCompactJws, verifyJwt, verifyJwtAsync } from '../../src/jwt/index.js';
import { registerRsaBackend, type RsaBackend } from '../../src/rsa/backend.js';
import { importPublicKey, type RsaPublicKey, rsaSign, rsaVerify, rsaVerifyAsync } from '../../src/rsa/index.js';
import { b64u, codeOf, outcome, outcomeAsync, toBytes, underPure, vectorPrivateKey } from '../helpers/differential.js';
import { loadVectors, loadVectorText } from '../helpers/wycheproof.js';

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  registerRsaBackend(null);
});

// Fixtures from jwt-rs256.json (made by PyJWT and openssl, not by hostsig): the valid token #9,
// and #24, the same token with one signature byte changed (in range, invalid).
const jwtVectors = loadVectors<{ testGroups: { type: string; tests: any[] }[] }>('jwt-rs256.json').testGroups.flatMap((g) => g.tests);
const byId = (id: number) => jwtVectors.find((t) => t.tcId === id)!;
const VALID = byId(9);
const TAMPERED = byId(24);
expect(VALID.result).toBe('valid');
expect(TAMPERED.error).toBe('SIGNATURE_INVALID');
const parts = (token: string) => {
  const [h, p, s] = token.split('.') as [string, string, string];
  return { msg: new TextEncoder().encode(`${h}.${p}`), sig: Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0)) };
};
const good = parts(VALID.input.token);
const bad = parts(TAMPERED.input.token);
const OPTIONS = VALID.input.options;
/** The signed bytes with the last one changed. */
const otherMsg = Uint8Array.of(...good.msg.subarray(0, -1), good.msg[good.msg.length - 1]! ^ 1);

/** A new key object each call (the platform caches are per key object). */
const freshKey = (): RsaPublicKey => importPublicKey(loadVectorText(VALID.input.key));

/** Signatures the shared checks refuse: wrong length, or s >= n. */
function outOfRange(key: RsaPublicKey): Record<string, Uint8Array> {
  const k = key.size;
  return {
    empty: new Uint8Array(0),
    'one byte short': good.sig.subarray(1),
    'one byte long (leading 0)': Uint8Array.of(0, ...good.sig),
    'one byte long (trailing 0)': Uint8Array.of(...good.sig, 0),
    'twice as long': Uint8Array.of(...good.sig, ...good.sig),
    's = n': toBytes(key.n, k),
    's = n + 1': toBytes(key.n + 1n, k),
    'all 0xff': new Uint8Array(k).fill(0xff),
  };
}
const withSignature = (token: string, sig: Uint8Array) => `${token.slice(0, token.lastIndexOf('.'))}.${b64u(sig)}`;

/** Every check a fallback must pass: the valid signature verifies, nothing else does, and the JWT codes are verifyJwt's. */
async function expectPureAnswers(key: () => RsaPublicKey): Promise<void> {
  expect(await rsaVerifyAsync(key(), good.msg, good.sig)).toBe(true);
  expect(await rsaVerifyAsync(key(), bad.msg, bad.sig)).toBe(false);
  expect(await rsaVerifyAsync(key(), otherMsg, good.sig)).toBe(false);
  for (const [what, sig] of Object.entries(outOfRange(key()))) expect(await rsaVerifyAsync(key(), good.msg, sig), what).toBe(false);
  for (const token of [VALID.input.token, TAMPERED.input.token]) {
    const want = underPure(() => outcome(() => verifyJwt(token, key(), OPTIONS)));
    expect(await outcomeAsync(() => verifyJwtAsync(token, key(), OPTIONS))).toEqual(want);
  }
  expect(codeOf(await outcomeAsync(() => verifyJwtAsync(VALID.input.token, key(), OPTIONS)))).toBe('ok');
}

describe('rsaVerifyAsync / verifyJwtAsync fall back to the pure verdict', () => {
  const realCrypto = globalThis.crypto;
  const getRandomValues = realCrypto.getRandomValues.bind(realCrypto);

  it('without crypto.subtle, without crypto, and with a subtle that lacks verify', async () => {
    vi.stubGlobal('crypto', { getRandomValues });
    expect(globalThis.crypto.subtle).toBeUndefined();
    await expectPureAnswers(freshKey);
    vi.stubGlobal('crypto', undefined);
    expect(globalThis.crypto).toBeUndefined();
    await expectPureAnswers(freshKey);
    const importKey = vi.fn(realCrypto.subtle.importKey.bind(realCrypto.subtle));
    vi.stubGlobal('crypto', { getRandomValues, subtle: { importKey, verify: 'not a function' } });
    await expectPureAnswers(freshKey);
    expect(importKey).not.toHaveBeenCalled();
  });

  it('importKey rejecting or throwing: the pure path from then on, with one import per key object', async () => {
    for (const refuse of [() => Promise.reject(new Error('NotSupportedError')), () => { throw new Error('sync throw'); }, () => Promise.resolve(null)]) {
      vi.restoreAllMocks();
      const importKey = vi.spyOn(globalThis.crypto.subtle, 'importKey').mockImplementation(refuse as never);
      const verify = vi.spyOn(globalThis.crypto.subtle, 'verify');
      const key = freshKey();
      await expectPureAnswers(() => key);
      expect(verify).not.toHaveBeenCalled();
      expect(importKey).toHaveBeenCalledTimes(1);
    }
  });

  it('verify throwing, rejecting, or resolving anything but a boolean: the pure verdict, never an acceptance', async () => {
    const answers: (() => unknown)[] = [
      () => {
        throw new Error('OperationError');
      },
      () => Promise.reject(new Error('OperationError')),
      ...[1, 'true', {}, [], 0, '', null, undefined, new Boolean(true), new Boolean(false)].map((v) => () => Promise.resolve(v)),
    ];
    for (const answer of answers) {
      vi.restoreAllMocks();
      const verify = vi.spyOn(globalThis.crypto.subtle, 'verify').mockImplementation(answer as never);
      await expectPureAnswers(freshKey);
      expect(verify).toHaveBeenCalled();
    }
  });

  it('a platform that says yes to everything never sees a signature of the wrong length or >= n', async () => {
    const verify = vi.spyOn(globalThis.crypto.subtle, 'verify').mockResolvedValue(true);
    const key = freshKey();
    for (const [what, sig] of Object.entries(outOfRange(key))) {
      expect(await rsaVerifyAsync(key, good.msg, sig), what).toBe(false);
      const token = withSignature(VALID.input.token, sig);
      const want = underPure(() => outcome(() => verifyJwt(token, key, OPTIONS)));
      expect(codeOf(want), what).toBe('SIGNATURE_INVALID');
      expect(await outcomeAsync(() => verifyJwtAsync(token, key, OPTIONS)), what).toEqual(want);
    }
    expect(verify).not.toHaveBeenCalled();
    // (The spy does see what is in range: the tampered signature, which it then wrongly accepts.)
    expect(await rsaVerifyAsync(key, bad.msg, bad.sig)).toBe(true);
    expect(verify).toHaveBeenCalledTimes(1);
  });

  it('imports once per key object: many verifies, sequential and concurrent, on the key or its private key', async () => {
    const importKey = vi.spyOn(globalThis.crypto.subtle, 'importKey');
    const verify = vi.spyOn(globalThis.crypto.subtle, 'verify');
    const key = freshKey();
    const concurrent = await Promise.all(Array.from({ length: 20 }, (_, i) => rsaVerifyAsync(key, i % 2 ? bad.msg : good.msg, i % 2 ? bad.sig : good.sig)));
    expect(concurrent).toEqual(Array.from({ length: 20 }, (_, i) => i % 2 === 0));
    for (let i = 0; i < 20; i++) expect(await rsaVerifyAsync(key, good.msg, good.sig)).toBe(true);
    for (let i = 0; i < 5; i++) expect(codeOf(await outcomeAsync(() => verifyJwtAsync(VALID.input.token, key, OPTIONS)))).toBe('ok');
    expect(importKey).toHaveBeenCalledTimes(1);
    expect(verify).toHaveBeenCalledTimes(45);
    // Another object with the same numbers is another import; a private key uses its public half's.
    expect(await rsaVerifyAsync(freshKey(), good.msg, good.sig)).toBe(true);
    expect(importKey).toHaveBeenCalledTimes(2);
    const priv = vectorPrivateKey('keys/rsa2048.pkcs1.pem');
    expect(await rsaVerifyAsync(priv, good.msg, good.sig)).toBe(true);
    expect(await rsaVerifyAsync(priv.publicKey, good.msg, good.sig)).toBe(true);
    expect(importKey).toHaveBeenCalledTimes(3);
  });

  it('a new crypto.subtle (another realm, a stub) gets its own import', async () => {
    const real = realCrypto.subtle;
    const key = freshKey();
    expect(await rsaVerifyAsync(key, good.msg, good.sig)).toBe(true);
    const importKey = vi.fn(real.importKey.bind(real));
    const verify = vi.fn(real.verify.bind(real));
    vi.stubGlobal('crypto', { getRandomValues, subtle: { importKey, verify } });
    expect(await rsaVerifyAsync(key, good.msg, good.sig)).toBe(true);
    expect(await rsaVerifyAsync(key, bad.msg, bad.sig)).toBe(false);
    expect(importKey).toHaveBeenCalledTimes(1);
    expect(verify).toHaveBeenCalledTimes(2);
  });
});

describe('a registered RSA backend that misbehaves: the pure answer', () => {
  const backend = (verify: RsaBackend['verify'], sign: RsaBackend['sign'] = () => undefined): RsaBackend => ({ name: 'test', verify, sign });
  const key = () => importPublicKey(loadVectorText(VALID.input.key));

  function expectPureSync(): void {
    const k = key();
    expect(rsaVerify(k, good.msg, good.sig)).toBe(true);
    expect(rsaVerify(k, bad.msg, bad.sig)).toBe(false);
    expect(rsaVerify(k, otherMsg, good.sig)).toBe(false);
    for (const [what, sig] of Object.entries(outOfRange(k))) expect(rsaVerify(k, good.msg, sig), what).toBe(false);
    expect(codeOf(outcome(() => verifyJwt(VALID.input.token, k, OPTIONS)))).toBe('ok');
    expect(codeOf(outcome(() => verifyJwt(TAMPERED.input.token, k, OPTIONS)))).toBe('SIGNATURE_INVALID');
  }

  it('verify throwing, declining, or answering a non-boolean (truthy or falsy)', () => {
    const answers: (() => unknown)[] = [
      () => {
        throw new Error('native failure');
      },
      () => undefined,
      ...[1, 'yes', {}, [], new Boolean(true), Promise.resolve(true), 0, '', null, new Boolean(false)].map((v) => () => v),
    ];
    for (const answer of answers) {
      const verify = vi.fn(answer);
      registerRsaBackend(backend(verify as never));
      expectPureSync();
      expect(verify).toHaveBeenCalled();
    }
  });

  it('sign throwing, declining, or giving a wrong length or a non-Uint8Array: the pure signature (the vector\'s token)', () => {
    const sign = vectorPrivateKey('keys/rsa2048.pkcs1.pem');
    const t = jwtVectors.find((v) => v.input.key === 'keys/rsa2048.pkcs1.pem' && v.output?.token)!;
    const pureSig = underPure(() => rsaSign(sign, good.msg));
    const answers: (() => unknown)[] = [
      () => {
        throw new Error('native failure');
      },
      () => undefined,
      () => new Uint8Array(sign.size - 1),
      () => new Uint8Array(sign.size + 1),
      () => Array.from(pureSig, (b) => b ^ 1),
      () => 'signature',
    ];
    for (const answer of answers) {
      const s = vi.fn(answer);
      registerRsaBackend(backend(() => undefined, s as never));
      expect(signCompactJws(t.input.header, t.input.payload, sign)).toBe(t.output.token);
      expect(rsaSign(sign, good.msg)).toEqual(pureSig);
      expect(s).toHaveBeenCalled();
    }
    // (and pureSig is the valid signature of the golden token #9 over the same key)
    expect(pureSig).toEqual(good.sig);
  });

  it('a backend that says yes to everything is never asked about a signature of the wrong length or >= n', () => {
    const verify = vi.fn(() => true);
    registerRsaBackend(backend(verify));
    const k = key();
    for (const [what, sig] of Object.entries(outOfRange(k))) {
      expect(rsaVerify(k, good.msg, sig), what).toBe(false);
      expect(codeOf(outcome(() => verifyJwt(withSignature(VALID.input.token, sig), k, OPTIONS))), what).toBe('SIGNATURE_INVALID');
    }
    expect(verify).not.toHaveBeenCalled();
    // (It is asked about what is in range, and trusted: the spy works.)
    expect(rsaVerify(k, bad.msg, bad.sig)).toBe(true);
    expect(verify).toHaveBeenCalledTimes(1);
  });
});
