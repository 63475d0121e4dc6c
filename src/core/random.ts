import { bytesToHex } from './bytes.js';

/**
 * Cryptographically secure random bytes from Web Crypto (`crypto.getRandomValues`).
 * @param n how many bytes
 * @example
 * ```ts
 * import { randomBytes } from 'hostsig/core';
 *
 * randomBytes(16).length // => 16
 * ```
 */
export function randomBytes(n: number): Uint8Array {
  const out = new Uint8Array(n);
  // getRandomValues fills at most 65536 bytes per call.
  for (let i = 0; i < n; i += 65536) globalThis.crypto.getRandomValues(out.subarray(i, Math.min(n, i + 65536)));
  return out;
}

/**
 * A random UUID v4 (RFC 9562), lowercase.
 * @example
 * ```ts
 * import { randomUuid } from 'hostsig/core';
 *
 * /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(randomUuid()) // => true
 * ```
 */
export function randomUuid(): string {
  const b = randomBytes(16);
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = bytesToHex(b);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
