/**
 * Platform hash backends. The pure path (@noble/hashes) is the default and the reference; a
 * runtime with native SHA-256/HMAC (node:crypto, through `hostsig/node`) may register it, as
 * ethers v6's `sha256.register` does. A backend must give the pure path's bytes exactly: the
 * differential suite runs every vector through both.
 */
import { HostsigError } from './errors.js';

/** Native SHA-256 and HMAC-SHA256 for {@link registerHashBackend}. */
export interface HashBackend {
  /** What {@link hashBackend} reports while this backend is registered, e.g. `'node:crypto'`. */
  readonly name: string;
  /** SHA-256 of the bytes: a fresh 32-byte Uint8Array. */
  readonly sha256: (message: Uint8Array) => Uint8Array;
  /** HMAC-SHA256: a fresh 32-byte Uint8Array. */
  readonly hmacSha256: (key: Uint8Array, message: Uint8Array) => Uint8Array;
}

/**
 * @internal The registration rule the hash and RSA backends share: null, or an object with a
 * string `name` and these functions. Kept out of the hot path so a bundle that never registers
 * a backend carries only the null check.
 */
export function checkBackend(backend: unknown, functions: readonly string[]): void {
  if (backend === null) return;
  const b = backend as Record<string, unknown> | undefined;
  if (typeof b !== 'object' || typeof b['name'] !== 'string' || functions.some((f) => typeof b[f] !== 'function')) {
    throw new HostsigError('INVALID_ARGUMENT', `"backend" expected { name, ${functions.join(', ')} }`);
  }
}

let current: HashBackend | null = null;

/** @internal The registered backend, or null for the pure path. */
export const activeHashBackend = (): HashBackend | null => current;

/**
 * Registers a native SHA-256/HMAC-SHA256 for `sha256`, `hmacSha256`, `verifyHmacSha256` and
 * every scheme that hashes through them; `null` goes back to the pure path. Usually called
 * through `useNodeCrypto()` from `hostsig/node`, not directly.
 * @param backend the backend, or null
 * @throws HostsigError `INVALID_ARGUMENT` for a malformed backend
 * @example
 * ```ts
 * import { hashBackend, registerHashBackend, sha256 } from 'hostsig/core';
 * import { sha256 as noble } from '@noble/hashes/sha2.js';
 * import { hmac } from '@noble/hashes/hmac.js';
 *
 * let calls = 0;
 * registerHashBackend({ name: 'counting', sha256: (m) => (calls++, noble(m)), hmacSha256: (k, m) => hmac(noble, k, m) });
 * sha256(new Uint8Array(3)).length // => 32
 * calls // => 1
 * hashBackend() // => 'counting'
 * registerHashBackend(null);
 * hashBackend() // => 'noble'
 * ```
 */
export function registerHashBackend(backend: HashBackend | null): void {
  checkBackend(backend, ['sha256', 'hmacSha256']);
  current = backend;
}

/**
 * Which SHA-256/HMAC implementation runs now: `'noble'` (the pure default) or the registered
 * backend's name.
 * @example
 * ```ts
 * import { hashBackend } from 'hostsig/core';
 *
 * hashBackend() // => 'noble'
 * ```
 */
export function hashBackend(): string {
  return current === null ? 'noble' : current.name;
}
