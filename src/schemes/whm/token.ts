import { bytesToHex, utf8ToBytes } from '../../core/bytes.js';
import { HostsigError } from '../../core/errors.js';
import { sha256 } from '../../core/hmac.js';
import { randomBytes } from '../../core/random.js';
import { WHM_TOKEN_RE } from './header.js';

/** The 36 token characters. */
export const WHM_TOKEN_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
/** Token length. */
export const WHM_TOKEN_LENGTH = 32;

/**
 * A new API token: 32 characters drawn uniformly from `[A-Z0-9]` (about 165 bits).
 * Uniform by rejection sampling: random bytes >= 252 (7 * 36) are thrown away, the rest are
 * reduced mod 36, so no character is more likely than another.
 * @param random source of random bytes (tests inject one); default `crypto.getRandomValues`
 * @throws HostsigError `INVALID_ARGUMENT` when `random` returns something other than bytes
 * @example generateWhmToken() // 'U7HMR63FGY292DQZ4H5BFH16JLYMO01M' (random)
 */
export function generateWhmToken(random: (n: number) => Uint8Array = randomBytes): string {
  let out = '';
  for (let guard = 0; out.length < WHM_TOKEN_LENGTH; guard++) {
    if (guard > 64) throw new HostsigError('INVALID_ARGUMENT', 'random source keeps returning rejected bytes');
    const buf = random(48);
    if (!(buf instanceof Uint8Array)) throw new HostsigError('INVALID_ARGUMENT', 'random source must return a Uint8Array');
    for (let i = 0; i < buf.length && out.length < WHM_TOKEN_LENGTH; i++) {
      const b = buf[i]!;
      if (b < 252) out += WHM_TOKEN_ALPHABET[b % 36];
    }
  }
  return out;
}

/**
 * True when `token` has the API token format (32 of `[A-Z0-9]`).
 * @param token any value
 * @example isWhmToken('U7HMR63FGY292DQZ4H5BFH16JLYMO01M') // true
 */
export function isWhmToken(token: unknown): token is string {
  return typeof token === 'string' && WHM_TOKEN_RE.test(token);
}

/**
 * The storage digest of a token (or legacy access hash): lowercase hex SHA-256 of its UTF-8.
 *
 * A fast hash is enough here, unlike for passwords and PINs: a token has ~165 bits of
 * entropy, so a leaked digest cannot be inverted by guessing, and a slow KDF would only slow
 * down every request. Records store this digest, never the token.
 * @param token the token
 * @throws HostsigError `INVALID_ARGUMENT` when `token` is not a non-empty string
 * @example digestWhmToken('U7HMR63FGY292DQZ4H5BFH16JLYMO01M') // 64 hex characters
 */
export function digestWhmToken(token: string): string {
  if (typeof token !== 'string' || token.length === 0) throw new HostsigError('INVALID_ARGUMENT', '"token" expected a non-empty string');
  return bytesToHex(sha256(utf8ToBytes(token)));
}
