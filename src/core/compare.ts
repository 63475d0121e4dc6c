import { abytes } from './bytes.js';

/**
 * Compares two byte arrays without an early exit: the time depends on the length only,
 * never on where they differ. Indexing the views honours `byteOffset`/`length`.
 *
 * Algorithmic constant time only: JavaScript engines give no hard guarantee. Lengths are
 * not secret here (every hash and MAC has a fixed length), so unequal lengths return at once.
 * @param a bytes
 * @param b bytes
 * @returns true when both hold the same bytes
 * @throws HostsigError `INVALID_ARGUMENT` when either is not a Uint8Array
 * @example
 * ```ts
 * import { equalBytes } from 'hostsig/core';
 *
 * equalBytes(new Uint8Array([1, 2]), new Uint8Array([1, 2])) // => true
 * equalBytes(new Uint8Array([1, 2]), new Uint8Array([1, 3])) // => false
 * equalBytes(new Uint8Array([1, 2]), new Uint8Array([1])) // => false
 * ```
 */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  abytes(a, 'a');
  abytes(b, 'b');
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
