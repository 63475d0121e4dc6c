/**
 * RSASSA-PKCS1-v1_5 SHA-256 signing through the platform's Web Crypto (`crypto.subtle`) where
 * it exists, with the pure-TypeScript {@link rsaSign} as the fallback. PKCS#1 v1.5 signatures
 * are deterministic, so both paths give the same bytes for the same key and message.
 */
import { abytes, bytesToBase64url } from '../core/bytes.js';
import { HostsigError } from '../core/errors.js';
import { bigintToMinBytes } from './bigint.js';
import { isRsaPrivateKey, type RsaPrivateKey } from './keys.js';
import { rsaSign } from './pkcs1v15.js';

const ALGORITHM = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;

// One import per key object and per Subtle instance: importing costs far more than a signature.
// A key the platform refuses (or a failed import) is remembered as null: fallback from then on.
const imported = /* @__PURE__ */ new WeakMap<RsaPrivateKey, { subtle: SubtleCrypto; key: Promise<CryptoKey | null> }>();

function platformSubtle(): SubtleCrypto | null {
  const c = (globalThis as { crypto?: { subtle?: SubtleCrypto } }).crypto;
  const subtle = c?.subtle;
  return subtle && typeof subtle.importKey === 'function' && typeof subtle.sign === 'function' ? subtle : null;
}

function b64u(x: bigint): string {
  return bytesToBase64url(bigintToMinBytes(x));
}

function cryptoKeyFor(subtle: SubtleCrypto, key: RsaPrivateKey): Promise<CryptoKey | null> {
  const hit = imported.get(key);
  if (hit && hit.subtle === subtle) return hit.key;
  // A non-extractable key from the JWK form of the already validated numbers.
  const jwk: JsonWebKey = { kty: 'RSA', alg: 'RS256', ext: false, key_ops: ['sign'], n: b64u(key.n), e: b64u(key.e), d: b64u(key.d), p: b64u(key.p), q: b64u(key.q), dp: b64u(key.dp), dq: b64u(key.dq), qi: b64u(key.qi) };
  let p: Promise<CryptoKey | null>;
  try {
    p = Promise.resolve(subtle.importKey('jwk', jwk, ALGORITHM, false, ['sign'])).catch(() => null);
  } catch {
    p = Promise.resolve(null);
  }
  imported.set(key, { subtle, key: p });
  return p;
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
 * const sig = await rsaSignAsync(privateKey, utf8ToBytes('hello'));
 */
export async function rsaSignAsync(key: RsaPrivateKey, message: Uint8Array): Promise<Uint8Array> {
  if (!isRsaPrivateKey(key)) throw new HostsigError('INVALID_ARGUMENT', '"key" expected an RsaPrivateKey from importPrivateKey');
  abytes(message, 'message');
  const subtle = platformSubtle();
  if (subtle !== null) {
    const cryptoKey = await cryptoKeyFor(subtle, key);
    if (cryptoKey !== null) {
      try {
        const sig = new Uint8Array(await subtle.sign(ALGORITHM, cryptoKey, message as Uint8Array<ArrayBuffer>));
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
