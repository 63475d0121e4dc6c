/**
 * `hostsig/node`: an opt-in node:crypto backend. One call, {@link useNodeCrypto}, registers
 * OpenSSL's SHA-256, HMAC-SHA256 and RSASSA-PKCS1-v1_5 sign/verify under hostsig's own
 * functions, for Node servers that want synchronous speed. Nothing changes until it is called;
 * the rest of hostsig never imports this module, so browsers and workers never see `node:`.
 * @module hostsig/node
 */
import { createHash, createHmac, createPrivateKey, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';
import { type HashBackend, hashBackend, registerHashBackend } from '../core/backend.js';
import { HostsigError } from '../core/errors.js';
import { type RsaBackend, registerRsaBackend, rsaBackend } from '../rsa/backend.js';
import { exportPublicJwk, privateJwkOf, type RsaPrivateKey, type RsaPublicKey } from '../rsa/keys.js';

const NAME = 'node:crypto';

// A fresh Uint8Array, not a Buffer (whose methods and pooled memory a caller must not get).
function plain(b: Buffer): Uint8Array {
  return new Uint8Array(b);
}

// One KeyObject per key object; a key OpenSSL refuses is remembered as null (the pure path).
const publicKeys = new WeakMap<RsaPublicKey, KeyObject | null>();
const privateKeys = new WeakMap<RsaPrivateKey, KeyObject | null>();

function keyObject<K extends object>(cache: WeakMap<K, KeyObject | null>, key: K, make: (key: K) => KeyObject): KeyObject | null {
  let k = cache.get(key);
  if (k === undefined) {
    try {
      k = make(key);
    } catch {
      k = null;
    }
    cache.set(key, k);
  }
  return k;
}

const publicKeyObject = (key: RsaPublicKey) => keyObject(publicKeys, key, (k) => createPublicKey({ key: { ...exportPublicJwk(k) }, format: 'jwk' }));
const privateKeyObject = (key: RsaPrivateKey) => keyObject(privateKeys, key, (k) => createPrivateKey({ key: { ...privateJwkOf(k) }, format: 'jwk' }));

const hashes: HashBackend = {
  name: NAME,
  sha256: (message) => plain(createHash('sha256').update(message).digest()),
  hmacSha256: (key, message) => plain(createHmac('sha256', key).update(message).digest()),
};

const rsa: RsaBackend = {
  name: NAME,
  // hostsig has already checked the length and s < n; undefined (decline) on anything odd.
  verify(key, message, signature) {
    const k = publicKeyObject(key);
    return k === null ? undefined : verify('sha256', message, k, signature);
  },
  sign(key, message) {
    const k = privateKeyObject(key);
    return k === null ? undefined : plain(sign('sha256', message, k));
  },
};

/** Options of {@link useNodeCrypto}: which parts to register (both by default). */
export interface UseNodeCryptoOptions {
  /** SHA-256 and HMAC-SHA256 (default true). */
  hashes?: boolean;
  /** RSASSA-PKCS1-v1_5 SHA-256 sign and verify (default true). */
  rsa?: boolean;
}

/**
 * Registers node:crypto as hostsig's SHA-256, HMAC-SHA256 and RSA backend, so `verifyJwt`,
 * `rsaVerify`, `rsaSign`, `signJwt`, `hmacSha256` and every scheme on them run on OpenSSL,
 * synchronously. The results are the pure path's, byte for byte (the differential suite runs
 * every vector both ways); a key OpenSSL refuses falls back to the pure path. Call it once at
 * start-up; `rsaVerifyAsync` and `verifyJwtAsync` still prefer Web Crypto, which runs off the
 * event loop.
 * @param options `{ hashes, rsa }`, both true by default
 * @returns which backends now run: `{ hash, rsa }` (see `hashBackend()`, `rsaBackend()`)
 * @throws HostsigError `INVALID_ARGUMENT` for non-object options
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { useNodeCrypto, usePureCrypto } from 'hostsig/node';
 * import { signJwt, verifyJwt } from 'hostsig/jwt';
 * import { importPrivateKey } from 'hostsig/rsa';
 *
 * useNodeCrypto() // => { hash: 'node:crypto', rsa: 'node:crypto' }
 * const key = importPrivateKey(readFileSync('vectors/keys/rsa2048.pkcs1.pem', 'utf8'));
 * verifyJwt(signJwt({ sub: 'a' }, key), key.publicKey).payload.sub // => 'a'
 * usePureCrypto() // => { hash: 'noble', rsa: 'pure' }
 * ```
 */
export function useNodeCrypto(options: UseNodeCryptoOptions = {}): {
  /** The hash backend in use after the call (`hashBackend()`): `'node:crypto'` unless `hashes: false`. */
  hash: string;
  /** The RSA backend in use after the call (`rsaBackend()`): `'node:crypto'` unless `rsa: false`. */
  rsa: string;
} {
  if (typeof options !== 'object' || options === null) throw new HostsigError('INVALID_ARGUMENT', '"options" expected object');
  if (options.hashes !== false) registerHashBackend(hashes);
  if (options.rsa !== false) registerRsaBackend(rsa);
  return { hash: hashBackend(), rsa: rsaBackend() };
}

/**
 * Goes back to the pure paths (@noble/hashes and bigint RSA), the default.
 * @returns `{ hash: 'noble', rsa: 'pure' }`
 * @example
 * ```ts
 * import { usePureCrypto } from 'hostsig/node';
 *
 * usePureCrypto() // => { hash: 'noble', rsa: 'pure' }
 * ```
 */
export function usePureCrypto(): {
  /** The hash backend in use after the call: always `'noble'`. */
  hash: string;
  /** The RSA backend in use after the call: always `'pure'`. */
  rsa: string;
} {
  registerHashBackend(null);
  registerRsaBackend(null);
  return { hash: hashBackend(), rsa: rsaBackend() };
}
