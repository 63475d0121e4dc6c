/**
 * RSASSA-PKCS1-v1_5 with SHA-256 (RFC 8017 section 8.2), on bigints.
 */
import { abytes } from '../core/bytes.js';
import { HostsigError } from '../core/errors.js';
import { sha256 } from '../core/hmac.js';
import { randomBytes } from '../core/random.js';
import { activeRsaBackend } from './backend.js';
import { bigintToBytes, bytesToBigint, type Fold, foldFor, gcd, modInverse, modPow } from './bigint.js';
import { isRsaPrivateKey, publicOf, type RsaPrivateKey, type RsaPublicKey } from './keys.js';

/** DER of DigestInfo { AlgorithmIdentifier { id-sha256, NULL }, OCTET STRING(32) } minus the hash (RFC 8017 9.2 note 1). */
const SHA256_DIGEST_INFO_PREFIX = /* @__PURE__ */ new Uint8Array([
  0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20,
]);

/**
 * EMSA-PKCS1-v1_5 encoding (RFC 8017 9.2) of a SHA-256 hash into `k` bytes:
 * `00 01 FF..FF 00 || DigestInfo || H`. Exported for tests and staged vectors.
 * @param hash 32-byte SHA-256 digest
 * @param k modulus length in bytes
 * @throws HostsigError `INVALID_ARGUMENT` for a wrong hash length or a too-small k
 * @example
 * ```ts
 * import { sha256, utf8ToBytes } from 'hostsig/core';
 * import { emsaPkcs1v15Sha256 } from 'hostsig/rsa';
 *
 * const em = emsaPkcs1v15Sha256(sha256(utf8ToBytes('hello')), 256);
 * em.length // => 256
 * Array.from(em.subarray(0, 3)) // => [0x00, 0x01, 0xff]
 * em[203] // => 0xff
 * // then the zero separator, the SHA-256 DigestInfo prefix and the hash
 * em[204] // => 0x00
 * ```
 */
export function emsaPkcs1v15Sha256(hash: Uint8Array, k: number): Uint8Array {
  abytes(hash, 'hash');
  if (hash.length !== 32) throw new HostsigError('INVALID_ARGUMENT', `"hash" expected Uint8Array of length 32, got length=${hash.length}`);
  const tLen = SHA256_DIGEST_INFO_PREFIX.length + 32;
  if (!Number.isSafeInteger(k) || k < tLen + 11) throw new HostsigError('INVALID_ARGUMENT', '"k" is too small for EMSA-PKCS1-v1_5');
  const em = new Uint8Array(k).fill(0xff, 2, k - tLen - 1);
  em[0] = 0x00;
  em[1] = 0x01;
  em[k - tLen - 1] = 0x00;
  em.set(SHA256_DIGEST_INFO_PREFIX, k - tLen);
  em.set(hash, k - 32);
  return em;
}

// Per-key constants, computed on a key's first use and keyed by the key object, so they go when
// the key goes (the primes' fold constants are secret-derived):
// - `fold`: reduction constants for n (see Fold in bigint.ts);
// - `emPrefix`: the EMSA-PKCS1-v1_5 block `00 01 FF..FF 00 || DigestInfo || 00*32` for this
//   modulus length as a bigint, so a verification rebuilds the expected block with one OR of the
//   hash (see rsaVerify).
interface PublicContext {
  readonly fold: Fold | null;
  readonly emPrefix: bigint;
}
const publicContexts = /* @__PURE__ */ new WeakMap<RsaPublicKey, PublicContext>();
const privateFolds = /* @__PURE__ */ new WeakMap<RsaPrivateKey, { p: Fold | null; q: Fold | null }>();

function publicContext(key: RsaPublicKey): PublicContext {
  let c = publicContexts.get(key);
  if (c === undefined) {
    c = { fold: foldFor(key.n), emPrefix: bytesToBigint(emsaPkcs1v15Sha256(new Uint8Array(32), key.size)) };
    publicContexts.set(key, c);
  }
  return c;
}

// n as k big-endian bytes, per key, for the byte-level range check below.
const modulusBytes = /* @__PURE__ */ new WeakMap<RsaPublicKey, Uint8Array>();

/**
 * @internal The one input check every verify path shares (pure, Web Crypto, native): exactly
 * k bytes and `s < n`. Anything else is `false` before any backend sees it, so platforms that
 * would accept a short or non-reduced signature (some do) cannot differ from the pure path.
 */
export function signatureInRange(pub: RsaPublicKey, signature: Uint8Array): boolean {
  if (signature.length !== pub.size) return false;
  let n = modulusBytes.get(pub);
  if (n === undefined) modulusBytes.set(pub, (n = bigintToBytes(pub.n, pub.size)!));
  // Big-endian, same length: the first differing byte decides; equal to n is out of range.
  for (let i = 0; i < n.length; i++) if (signature[i] !== n[i]) return signature[i]! < n[i]!;
  return false;
}

/** @internal The registered backend's answer, or undefined when it declines or fails. */
export function backendVerify(pub: RsaPublicKey, message: Uint8Array, signature: Uint8Array): boolean | undefined {
  const b = activeRsaBackend();
  if (b === null) return undefined;
  try {
    const r = b.verify(pub, message, signature);
    return r === true || r === false ? r : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Verifies an RSASSA-PKCS1-v1_5 SHA-256 signature, in pure TypeScript unless a backend is
 * registered (`useNodeCrypto()` from `hostsig/node`). The expected encoded block is rebuilt
 * from the message and compared whole, in constant time; nothing is parsed out of the
 * signature, so the BER/garbage/short-padding forgeries of the Bleichenbacher'06 family
 * cannot pass. A signature of the wrong length, or `>= n`, is simply `false`.
 * @param key public key (or a private key: its public half is used)
 * @param message the signed bytes (hashed here)
 * @param signature exactly `key.size` bytes
 * @returns true when the signature is valid
 * @throws HostsigError `INVALID_ARGUMENT` only for wrong argument types
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { utf8ToBytes } from 'hostsig/core';
 * import { importPrivateKey, importPublicKey, rsaSign, rsaVerify } from 'hostsig/rsa';
 *
 * const priv = importPrivateKey(readFileSync('vectors/keys/rsa2048.pkcs1.pem', 'utf8'));
 * const pub = importPublicKey(readFileSync('vectors/keys/rsa2048.spki.pem', 'utf8'));
 * const sig = rsaSign(priv, utf8ToBytes('hello'));
 * rsaVerify(pub, utf8ToBytes('hello'), sig) // => true
 * rsaVerify(pub, utf8ToBytes('hellO'), sig) // => false
 * rsaVerify(pub, utf8ToBytes('hello'), sig.subarray(1)) // => false
 * ```
 */
export function rsaVerify(key: RsaPublicKey | RsaPrivateKey, message: Uint8Array, signature: Uint8Array): boolean {
  const pub = publicOf(key);
  abytes(message, 'message');
  abytes(signature, 'signature');
  if (signature.length !== pub.size) return false;
  if (activeRsaBackend() !== null) {
    if (!signatureInRange(pub, signature)) return false;
    const r = backendVerify(pub, message, signature);
    if (r !== undefined) return r;
  }
  return verifyPure(pub, message, signature);
}

function verifyPure(pub: RsaPublicKey, message: Uint8Array, signature: Uint8Array): boolean {
  const s = bytesToBigint(signature);
  if (s >= pub.n) return false;
  const ctx = publicContext(pub);
  // m = s^e mod n; e = 65537 takes modPow's 17-multiplication fast path.
  const m = modPow(s, pub.e, pub.n, ctx.fold);
  // The whole expected block is compared, as a bigint: OS2IP is a bijection between k-byte
  // strings and integers below 256^k, and m < n < 256^k, so `m === EM` holds exactly when
  // I2OSP(m, k) equals the k-byte EM (leading 00 included). EM = the cached prefix block with
  // the hash in its last 32 bytes (zero in the prefix), i.e. prefix | OS2IP(hash). This saves
  // converting m back to bytes and building EM per call. Not constant time, and need not be:
  // signature, message and key are all public.
  return m === (ctx.emPrefix | bytesToBigint(sha256(message)));
}

// ---- signing ----

/**
 * Blinding factors per key: `A = r^e mod n` and `Ai = r^-1 mod n`. Computing a fresh pair costs
 * a modular inverse, so, like OpenSSL, a pair is reused with both halves squared after each
 * signature ((r^2)^e and (r^2)^-1 still match) and replaced after 32 uses.
 */
interface Blinding {
  a: bigint;
  ai: bigint;
  uses: number;
}
const blindings = /* @__PURE__ */ new WeakMap<RsaPrivateKey, Blinding>();
const BLINDING_REFRESH = 32;

function freshBlinding(key: RsaPrivateKey): Blinding {
  for (;;) {
    const r = bytesToBigint(randomBytes(key.size + 8)) % key.n;
    if (r < 2n || gcd(r, key.n) !== 1n) continue;
    const ai = modInverse(r, key.n);
    if (ai === null) continue;
    return { a: modPow(r, key.e, key.n), ai, uses: 0 };
  }
}

function nextBlinding(key: RsaPrivateKey): { a: bigint; ai: bigint } {
  let b = blindings.get(key);
  if (!b || b.uses >= BLINDING_REFRESH) {
    b = freshBlinding(key);
    blindings.set(key, b);
  }
  const out = { a: b.a, ai: b.ai };
  b.a = (b.a * b.a) % key.n;
  b.ai = (b.ai * b.ai) % key.n;
  b.uses++;
  return out;
}

/**
 * RSASP1 with CRT (RFC 8017 5.2.1, second form) on a blinded input.
 * Blinding: sign m*r^e instead of m, then multiply by r^-1; the private-key operation never
 * sees the attacker-chosen value, which defeats timing attacks on bigint arithmetic that is
 * not constant time. (The exponent itself is not blinded.)
 */
function rsasp1(key: RsaPrivateKey, m: bigint): bigint {
  const { n, p, q, dp, dq, qi } = key;
  const { a, ai } = nextBlinding(key);
  const mb = (m * a) % n;
  let folds = privateFolds.get(key);
  if (folds === undefined) privateFolds.set(key, (folds = { p: foldFor(p), q: foldFor(q) }));
  // CRT: two half-size exponentiations instead of one full one (about 3-4x faster).
  const s1 = modPow(mb % p, dp, p, folds.p);
  const s2 = modPow(mb % q, dq, q, folds.q);
  let h = ((s1 - s2) * qi) % p;
  if (h < 0n) h += p;
  const sb = s2 + h * q;
  return (sb * ai) % n;
}

function backendSign(key: RsaPrivateKey, message: Uint8Array): Uint8Array | undefined {
  const b = activeRsaBackend();
  if (b === null) return undefined;
  try {
    const sig = b.sign(key, message);
    return sig instanceof Uint8Array && sig.length === key.size ? sig : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Signs with RSASSA-PKCS1-v1_5 and SHA-256 (pure TypeScript unless a backend is registered).
 * Deterministic: the same key and message give the
 * same signature (blinding does not change the output). The result is checked against the
 * public key before it is returned, so a computation fault (which with CRT would leak a
 * factor of n) never leaves this function.
 * @param key private key
 * @param message bytes to sign (hashed here)
 * @returns signature of exactly `key.size` bytes, leading zeros kept
 * @throws HostsigError `INVALID_ARGUMENT` for wrong argument types; `KEY_INVALID` if the
 *   self-check fails (a fault or a corrupted key)
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { utf8ToBytes } from 'hostsig/core';
 * import { importPrivateKey, rsaSign } from 'hostsig/rsa';
 *
 * const key = importPrivateKey(readFileSync('vectors/keys/rsa2048.pkcs1.pem', 'utf8'));
 * const sig = rsaSign(key, utf8ToBytes('hello'));
 * sig.length // => 256
 * rsaSign(key, utf8ToBytes('hello')) // => sig
 * ```
 */
export function rsaSign(key: RsaPrivateKey, message: Uint8Array): Uint8Array {
  if (!isRsaPrivateKey(key)) throw new HostsigError('INVALID_ARGUMENT', '"key" expected an RsaPrivateKey from importPrivateKey');
  abytes(message, 'message');
  const native = backendSign(key, message);
  if (native !== undefined) return native;
  const em = emsaPkcs1v15Sha256(sha256(message), key.size);
  const m = bytesToBigint(em);
  const s = rsasp1(key, m);
  // Fault check (Boneh-DeMillo-Lipton): s^e must give m back.
  if (modPow(s, key.e, key.n, publicContext(key.publicKey).fold) !== m) throw new HostsigError('KEY_INVALID', 'RSA signature self-check failed (fault or corrupted key); no signature was released');
  return bigintToBytes(s, key.size)!;
}

