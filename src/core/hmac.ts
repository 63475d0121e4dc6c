import { hmac } from '@noble/hashes/hmac.js';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { activeHashBackend } from './backend.js';
import { abytes } from './bytes.js';
import { equalBytes } from './compare.js';

/**
 * HMAC-SHA256 (RFC 2104) over bytes.
 * @param key the HMAC key
 * @param message the bytes to authenticate
 * @returns the 32-byte MAC
 * @throws HostsigError `INVALID_ARGUMENT` when either is not a Uint8Array
 * @example
 * ```ts
 * import { bytesToBase64, hmacSha256, utf8ToBytes } from 'hostsig/core';
 *
 * // 6connect's documented example: the secret's ASCII bytes key the HMAC.
 * const mac = hmacSha256(
 *   utf8ToBytes('48b278ec873bda4738923dbc467f8669'),
 *   utf8ToBytes('target=ipam&action=get&type=IP&mask=24&apiKey=32-5DAYTJQY2TZHOFOB'),
 * );
 * bytesToBase64(mac) // => 'yneSFMyxPPe+3W4IOkVp50K3VStatBcRRak+2ygDUWQ='
 * ```
 */
export function hmacSha256(key: Uint8Array, message: Uint8Array): Uint8Array {
  abytes(key, 'key');
  abytes(message, 'message');
  const b = activeHashBackend();
  return b === null ? hmac(nobleSha256, key, message) : b.hmacSha256(key, message);
}

/**
 * Checks an HMAC-SHA256 tag in constant time. A `tag` shorter than 32 bytes is compared
 * against the same-length prefix of the MAC (truncated tags, RFC 2104 section 5), but never
 * shorter than `minTagBytes` (default 16), so a one-byte tag cannot pass by luck.
 * @param key the HMAC key
 * @param message the authenticated bytes
 * @param tag the received MAC (16 to 32 bytes)
 * @param minTagBytes shortest tag accepted, default 16
 * @throws HostsigError `INVALID_ARGUMENT` when an argument is not a Uint8Array
 * @example
 * ```ts
 * import { base64ToBytes, utf8ToBytes, verifyHmacSha256 } from 'hostsig/core';
 *
 * const key = utf8ToBytes('48b278ec873bda4738923dbc467f8669');
 * const msg = utf8ToBytes('target=ipam&action=get&type=IP&mask=24&apiKey=32-5DAYTJQY2TZHOFOB');
 * verifyHmacSha256(key, msg, base64ToBytes('yneSFMyxPPe+3W4IOkVp50K3VStatBcRRak+2ygDUWQ=')) // => true
 * verifyHmacSha256(key, msg, new Uint8Array(32)) // => false
 * ```
 */
export function verifyHmacSha256(key: Uint8Array, message: Uint8Array, tag: Uint8Array, minTagBytes = 16): boolean {
  abytes(tag, 'tag');
  if (tag.length < minTagBytes || tag.length > 32) return false;
  return equalBytes(hmacSha256(key, message).subarray(0, tag.length), tag);
}

/**
 * SHA-256 over bytes (@noble/hashes, or the backend registered with `registerHashBackend`),
 * with hostsig's input check so a look-alike is a `HostsigError`, not a TypeError;
 * `sha256.create()` gives the streaming form, which is always @noble/hashes'.
 * @param message the bytes to hash
 * @throws HostsigError `INVALID_ARGUMENT` when `message` is not a Uint8Array
 * @example
 * ```ts
 * import { bytesToHex, sha256, utf8ToBytes } from 'hostsig/core';
 *
 * bytesToHex(sha256(utf8ToBytes('abc'))) // => 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'
 * ```
 */
export const sha256: ((message: Uint8Array) => Uint8Array) & {
  /** The streaming hasher of `@noble/hashes`: `sha256.create().update(a).update(b).digest()`. */
  create: typeof nobleSha256.create;
} = /* @__PURE__ */ (() =>
  // An annotated IIFE, so a bundle that never hashes with it (6connect's HMAC-only path) drops it.
  Object.assign(
    (message: Uint8Array): Uint8Array => {
      abytes(message, 'message');
      const b = activeHashBackend();
      return b === null ? nobleSha256(message) : b.sha256(message);
    },
    { create: nobleSha256.create },
  ))();

/** @internal SHA-256 of `head || tail` without concatenating on the pure path. */
export function sha256Parts(head: Uint8Array, tail: Uint8Array): Uint8Array {
  const b = activeHashBackend();
  if (b === null) return nobleSha256.create().update(head).update(tail).digest();
  const all = new Uint8Array(head.length + tail.length);
  all.set(head);
  all.set(tail, head.length);
  return b.sha256(all);
}
