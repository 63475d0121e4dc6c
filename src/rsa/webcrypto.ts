/**
 * RSASSA-PKCS1-v1_5 SHA-256 through the platform's Web Crypto (`crypto.subtle`) where it
 * exists, with the pure-TypeScript {@link rsaSign}/{@link rsaVerify} as the fallback. PKCS#1
 * v1.5 signatures are deterministic, so both paths give the same bytes for the same key and
 * message, and the same verdict for the same signature (the differential suite checks it).
 */
import { abytes } from '../core/bytes.js';
import { HostsigError } from '../core/errors.js';
import { exportPublicJwk, isRsaPrivateKey, privateJwkOf, publicOf, type RsaPrivateKey, type RsaPublicKey } from './keys.js';
import { rsaSign, rsaVerify, signatureInRange } from './pkcs1v15.js';

const ALGORITHM = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;

function platformSubtle(op: 'sign' | 'verify'): SubtleCrypto | null {
  const c = (globalThis as { crypto?: { subtle?: SubtleCrypto } }).crypto;
  const subtle = c?.subtle;
  return subtle && typeof subtle.importKey === 'function' && typeof subtle[op] === 'function' ? subtle : null;
}

// One import per key object and per Subtle instance: importing costs far more than a signature.
// A key the platform refuses (or a failed import) is remembered as null: fallback from then on.
// `ready` holds the CryptoKey once the import settled, which saves a promise hop per call.
interface Imported {
  readonly subtle: SubtleCrypto;
  readonly key: Promise<CryptoKey | null>;
  ready: CryptoKey | null | undefined;
}
const importedPrivate = /* @__PURE__ */ new WeakMap<RsaPrivateKey, Imported>();
const importedPublic = /* @__PURE__ */ new WeakMap<RsaPublicKey, Imported>();

function importOnce<K extends object>(cache: WeakMap<K, Imported>, subtle: SubtleCrypto, key: K, jwk: (key: K) => JsonWebKey, use: KeyUsage): Imported {
  const hit = cache.get(key);
  if (hit !== undefined && hit.subtle === subtle) return hit;
  let p: Promise<CryptoKey | null>;
  try {
    // Private keys non-extractable; both from the JWK form of the already validated numbers.
    p = Promise.resolve(subtle.importKey('jwk', jwk(key), ALGORITHM, use === 'verify', [use])).catch(() => null);
  } catch {
    p = Promise.resolve(null);
  }
  const entry: Imported = { subtle, key: p, ready: undefined };
  void p.then((k) => {
    entry.ready = k;
  });
  cache.set(key, entry);
  return entry;
}

const privateJwk = (key: RsaPrivateKey): JsonWebKey => ({ ...privateJwkOf(key), alg: 'RS256', ext: false, key_ops: ['sign'] });
const publicJwk = (key: RsaPublicKey): JsonWebKey => ({ ...exportPublicJwk(key), alg: 'RS256', ext: true, key_ops: ['verify'] });

/** The imported key, awaiting the import only while it is in flight. */
async function cryptoKey(entry: Imported): Promise<CryptoKey | null> {
  return entry.ready !== undefined ? entry.ready : entry.key;
}

/**
 * {@link rsaSign} through Web Crypto when the platform has `crypto.subtle` (Node, Deno, Bun,
 * browsers, workers), which is several times faster than the pure-TypeScript path; the pure
 * path is used when `crypto.subtle` is absent, or refuses the key or the operation. The
 * result is the same signature either way, byte for byte.
 *
 * The platform key is imported once per key object (non-extractable) and cached. Fault
 * protection on the Web Crypto path is the platform's (OpenSSL, for one, checks its CRT
 * result against the public exponent); the pure path does its own self-check.
 * @param key private key
 * @param message bytes to sign (hashed here)
 * @returns a Promise of the signature, exactly `key.size` bytes
 * @throws (rejects with) HostsigError `INVALID_ARGUMENT` for wrong argument types;
 *   `KEY_INVALID` if the pure path's self-check fails
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { utf8ToBytes } from 'hostsig/core';
 * import { importPrivateKey, rsaSign, rsaSignAsync } from 'hostsig/rsa';
 *
 * const key = importPrivateKey(readFileSync('vectors/keys/rsa2048.pkcs1.pem', 'utf8'));
 * const sig = await rsaSignAsync(key, utf8ToBytes('hello'));
 * // PKCS#1 v1.5 is deterministic: Web Crypto and the pure path give the same bytes.
 * sig // => rsaSign(key, utf8ToBytes('hello'))
 * ```
 */
export async function rsaSignAsync(key: RsaPrivateKey, message: Uint8Array): Promise<Uint8Array> {
  if (!isRsaPrivateKey(key)) throw new HostsigError('INVALID_ARGUMENT', '"key" expected an RsaPrivateKey from importPrivateKey');
  abytes(message, 'message');
  const subtle = platformSubtle('sign');
  if (subtle !== null) {
    const k = await cryptoKey(importOnce(importedPrivate, subtle, key, privateJwk, 'sign'));
    if (k !== null) {
      try {
        const sig = new Uint8Array(await subtle.sign(ALGORITHM, k, message as Uint8Array<ArrayBuffer>));
        // (A SharedArrayBuffer view may be refused: the catch below falls back.)
        // Anything but a full-length signature means the platform misbehaved: use the pure path.
        if (sig.length === key.size) return sig;
      } catch {
        // Refused at sign time: fall through to the pure path.
      }
    }
  }
  return rsaSign(key, message);
}

/**
 * {@link rsaVerify} through Web Crypto when the platform has `crypto.subtle`: in Node the RSA
 * work runs on libuv's thread pool, so it neither blocks the event loop nor stays on one core.
 * The pure path answers when `crypto.subtle` is absent, refuses the key, or fails; a platform
 * error is never an acceptance. The length and `s < n` checks run first, on every path, so a
 * hostile signature gets the same `false` whichever path would have run.
 *
 * The platform key is imported once per key object and cached; a collected key frees it.
 * @param key public key (or a private key: its public half is used)
 * @param message the signed bytes (hashed here)
 * @param signature exactly `key.size` bytes
 * @returns a Promise of true when the signature is valid
 * @throws (rejects with) HostsigError `INVALID_ARGUMENT` only for wrong argument types
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { utf8ToBytes } from 'hostsig/core';
 * import { importPrivateKey, rsaSign, rsaVerifyAsync } from 'hostsig/rsa';
 *
 * const key = importPrivateKey(readFileSync('vectors/keys/rsa2048.pkcs1.pem', 'utf8'));
 * const sig = rsaSign(key, utf8ToBytes('hello'));
 * await rsaVerifyAsync(key.publicKey, utf8ToBytes('hello'), sig) // => true
 * await rsaVerifyAsync(key.publicKey, utf8ToBytes('hellO'), sig) // => false
 * ```
 */
export async function rsaVerifyAsync(key: RsaPublicKey | RsaPrivateKey, message: Uint8Array, signature: Uint8Array): Promise<boolean> {
  const pub = publicOf(key);
  abytes(message, 'message');
  abytes(signature, 'signature');
  if (!signatureInRange(pub, signature)) return false;
  const subtle = platformSubtle('verify');
  if (subtle !== null) {
    const entry = importOnce(importedPublic, subtle, pub, publicJwk, 'verify');
    const k = entry.ready !== undefined ? entry.ready : await entry.key;
    if (k !== null) {
      try {
        const ok: unknown = await subtle.verify(ALGORITHM, k, signature as Uint8Array<ArrayBuffer>, message as Uint8Array<ArrayBuffer>);
        if (ok === true || ok === false) return ok;
      } catch {
        // Refused at verify time (a SharedArrayBuffer view, say): the pure path answers.
      }
    }
  }
  return rsaVerify(pub, message, signature);
}
