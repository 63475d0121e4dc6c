import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { abytes } from './bytes.js';
import { equalBytes } from './compare.js';

/** HMAC-SHA256 (RFC 2104) over bytes. */
export function hmacSha256(key: Uint8Array, message: Uint8Array): Uint8Array {
  return hmac(sha256, abytes(key, 'key'), abytes(message, 'message'));
}

/**
 * Checks an HMAC-SHA256 tag in constant time. A `tag` shorter than 32 bytes is compared
 * against the same-length prefix of the MAC (truncated tags, RFC 2104 section 5), but never
 * shorter than `minTagBytes` (default 16), so a one-byte tag cannot pass by luck.
 */
export function verifyHmacSha256(key: Uint8Array, message: Uint8Array, tag: Uint8Array, minTagBytes = 16): boolean {
  abytes(tag, 'tag');
  if (tag.length < minTagBytes || tag.length > 32) return false;
  return equalBytes(hmacSha256(key, message).subarray(0, tag.length), tag);
}

/** SHA-256 over bytes. */
export { sha256 };
