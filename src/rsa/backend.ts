/**
 * Platform RSA backends (RSASSA-PKCS1-v1_5 SHA-256). The pure bigint path is the default and
 * the reference; `hostsig/node` registers node:crypto here. The shared checks (argument types,
 * signature length, `s < n`) run before a backend is asked, so every backend sees only inputs
 * the pure path would also have computed on.
 */
import { checkBackend } from '../core/backend.js';
import type { RsaPrivateKey, RsaPublicKey } from './keys.js';

/**
 * Native RSASSA-PKCS1-v1_5 SHA-256 for {@link registerRsaBackend}. Either function may return
 * `undefined` to decline (a key the platform refuses, an internal error): the pure path then
 * answers, so a backend failure never becomes an acceptance.
 */
export interface RsaBackend {
  /** What {@link rsaBackend} reports while this backend is registered, e.g. `'node:crypto'`. */
  readonly name: string;
  /** True when `signature` (exactly `key.size` bytes, below n) signs `message`. */
  readonly verify: (key: RsaPublicKey, message: Uint8Array, signature: Uint8Array) => boolean | undefined;
  /** The deterministic signature, exactly `key.size` bytes. */
  readonly sign: (key: RsaPrivateKey, message: Uint8Array) => Uint8Array | undefined;
}

let current: RsaBackend | null = null;

/** @internal The registered backend, or null for the pure path. */
export const activeRsaBackend = (): RsaBackend | null => current;

/**
 * Registers a native RSA for `rsaVerify`, `rsaSign`, `verifyJwt`, `signJwt` and everything on
 * them; `null` goes back to the pure path. Usually called through `useNodeCrypto()` from
 * `hostsig/node`, not directly. (`rsaVerifyAsync` keeps preferring Web Crypto, which does not
 * block the event loop.)
 * @param backend the backend, or null
 * @throws HostsigError `INVALID_ARGUMENT` for a malformed backend
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { utf8ToBytes } from 'hostsig/core';
 * import { importPrivateKey, registerRsaBackend, rsaBackend, rsaVerify } from 'hostsig/rsa';
 *
 * const key = importPrivateKey(readFileSync('vectors/keys/rsa2048.pkcs1.pem', 'utf8'));
 * // A backend that declines everything: the pure path answers.
 * registerRsaBackend({ name: 'declines', verify: () => undefined, sign: () => undefined });
 * rsaBackend() // => 'declines'
 * rsaVerify(key.publicKey, utf8ToBytes('x'), new Uint8Array(256)) // => false
 * registerRsaBackend(null);
 * rsaBackend() // => 'pure'
 * ```
 */
export function registerRsaBackend(backend: RsaBackend | null): void {
  checkBackend(backend, ['verify', 'sign']);
  current = backend;
}

/**
 * Which RSA implementation the synchronous functions use now: `'pure'` (the default) or the
 * registered backend's name.
 * @example
 * ```ts
 * import { rsaBackend } from 'hostsig/rsa';
 *
 * rsaBackend() // => 'pure'
 * ```
 */
export function rsaBackend(): string {
  return current === null ? 'pure' : current.name;
}
