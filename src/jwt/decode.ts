/**
 * Splitting and decoding compact JWS/JWT without verifying anything.
 */
import { bytesToUtf8 } from '../core/bytes.js';
import { HostsigError } from '../core/errors.js';
import { isJsonObject, parseJsonStrict } from './json.js';
import type { JwtHeader, JwtPayload } from './types.js';

/** Longest token accepted, in characters (a 16384-bit signature is under 3 KiB). */
export const MAX_TOKEN_LENGTH = 65536;

/** The parts of a compact JWS, decoded. Internal. */
export interface CompactParts {
  header: JwtHeader;
  /** ASCII bytes of `BASE64URL(header) "." BASE64URL(payload)`: what is signed. */
  signingInput: Uint8Array;
  payloadBytes: Uint8Array;
  signature: Uint8Array;
}

function malformed(message: string): HostsigError {
  return new HostsigError('JWT_MALFORMED', message);
}

// Strict base64url (RFC 4648 section 5, no padding) for the three token parts. It accepts and
// rejects exactly what core's base64urlToBytes does (test/jwt/decode-b64.test.ts checks the two
// against each other): only [A-Za-z0-9_-], a length that is not 1 mod 4, and zero trailing bits
// in the last character. It is written out here, one table lookup per character and one
// output array, because the generic codec chain cost about 2x more on a 342-character
// signature, and this runs on every verification.
const B64URL = /* @__PURE__ */ (() => {
  const t = new Int8Array(128).fill(-1);
  const abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  for (let i = 0; i < 64; i++) t[abc.charCodeAt(i)] = i;
  return t;
})();

/** A character's 6-bit value, or -1 for anything outside the base64url alphabet. */
function sextet(part: string, i: number): number {
  const c = part.charCodeAt(i);
  return c < 128 ? B64URL[c]! : -1;
}

function b64(part: string, what: string): Uint8Array {
  const len = part.length;
  const rem = len & 3;
  const full = len - rem;
  let bad = rem === 1 ? -1 : 0;
  const out = new Uint8Array((full >> 2) * 3 + (rem === 0 ? 0 : rem - 1));
  let o = 0;
  for (let i = 0; i < full && bad === 0; i += 4) {
    const a = sextet(part, i);
    const b = sextet(part, i + 1);
    const c = sextet(part, i + 2);
    const d = sextet(part, i + 3);
    // Valid values are 0..63 and have no bit above bit 5; a -1 (not in the alphabet) has them all.
    bad |= (a | b | c | d) & ~63;
    const v = (a << 18) | (b << 12) | (c << 6) | d;
    out[o++] = v >> 16;
    out[o++] = (v >> 8) & 0xff;
    out[o++] = v & 0xff;
  }
  if (bad === 0 && rem !== 0) {
    const a = sextet(part, full);
    const b = sextet(part, full + 1);
    bad |= (a | b) & ~63;
    if (rem === 2) {
      // 12 bits: one byte and 4 bits that must be zero.
      bad |= b & 0x0f ? -1 : 0;
      out[o] = (a << 2) | (b >> 4);
    } else {
      // 18 bits: two bytes and 2 bits that must be zero.
      const c = sextet(part, full + 2);
      bad |= c & ~63;
      bad |= c & 0x03 ? -1 : 0;
      out[o] = (a << 2) | (b >> 4);
      out[o + 1] = ((b & 0x0f) << 4) | (c >> 2);
    }
  }
  if (bad !== 0) throw malformed(`${what} is not canonical base64url (no padding, no "+" "/" or whitespace, zero trailing bits)`);
  return out;
}

/** Bytes of a string known to be ASCII (here: base64url text and "."), one per character. */
function asciiBytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

function utf8(bytes: Uint8Array, what: string): string {
  try {
    return bytesToUtf8(bytes);
  } catch {
    throw malformed(`${what} is not UTF-8`);
  }
}

/** Splits and decodes a compact JWS; checks the header is a JSON object with a string `alg`. */
export function splitCompact(token: unknown): CompactParts {
  if (typeof token !== 'string') throw malformed('token expected string');
  if (token.length > MAX_TOKEN_LENGTH) throw malformed(`token longer than ${MAX_TOKEN_LENGTH} characters`);
  const parts = token.split('.');
  if (parts.length === 5) throw malformed('JWE (encrypted JWT) is not supported');
  if (parts.length !== 3) throw malformed('token must have three dot-separated parts');
  const [h, p, s] = parts as [string, string, string];
  if (h.length === 0) throw malformed('header is empty');
  const header = parseJsonStrict(utf8(b64(h, 'header'), 'header'), 'header');
  if (!isJsonObject(header)) throw malformed('header must be a JSON object');
  if (typeof header.alg !== 'string') throw malformed('header "alg" missing or not a string');
  const payloadBytes = b64(p, 'payload');
  const signature = b64(s, 'signature');
  // Every part decoded as strict base64url, so the signing input is plain ASCII: its bytes are
  // the char codes of the token up to the second dot (no UTF-8 encoding or surrogate scan needed).
  return { header: header as JwtHeader, signingInput: asciiBytes(token.slice(0, h.length + 1 + p.length)), payloadBytes, signature };
}

/** Parses JWT claims bytes: strict UTF-8 and JSON, and a top-level object. */
export function parseClaims(payloadBytes: Uint8Array): JwtPayload {
  const payload = parseJsonStrict(utf8(payloadBytes, 'payload'), 'payload');
  if (!isJsonObject(payload)) throw malformed('JWT claims must be a JSON object');
  return payload as JwtPayload;
}

/**
 * Reads the protected header of a compact JWS without verifying it (to pick a key by `kid`).
 * @param token compact JWS/JWT
 * @throws HostsigError `JWT_MALFORMED`
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { decodeProtectedHeader, signJwt } from 'hostsig/jwt';
 * import { importPrivateKey } from 'hostsig/rsa';
 *
 * const key = importPrivateKey(readFileSync('vectors/keys/rsa2048.pkcs1.pem', 'utf8'));
 * const token = signJwt({ sub: 'client-42' }, key, { kid: 'k1', now: 1700000000 });
 * decodeProtectedHeader(token) // => { alg: 'RS256', kid: 'k1', typ: 'JWT' }
 * decodeProtectedHeader('not.a.jwt') // => throws JWT_MALFORMED
 * ```
 */
export function decodeProtectedHeader(token: string): JwtHeader {
  return splitCompact(token).header;
}

/**
 * Reads the claims of a JWT WITHOUT verifying the signature: for clients that only need `exp`
 * to know when to refresh. Never use the result to make an access decision.
 * @param token compact JWT
 * @returns the claims (`exp`, `iat`, `nbf` are checked to be numbers when present)
 * @throws HostsigError `JWT_MALFORMED`, `CLAIM_INVALID`
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { decodeJwt, signJwt } from 'hostsig/jwt';
 * import { importPrivateKey } from 'hostsig/rsa';
 *
 * const key = importPrivateKey(readFileSync('vectors/keys/rsa2048.pkcs1.pem', 'utf8'));
 * const token = signJwt({ sub: 'client-42' }, key, { expiresIn: '15m', now: 1700000000 });
 * decodeJwt(token) // => { sub: 'client-42', iat: 1700000000, exp: 1700000900 }
 * ```
 */
export function decodeJwt(token: string): JwtPayload {
  const payload = parseClaims(splitCompact(token).payloadBytes);
  for (const claim of ['exp', 'nbf', 'iat'] as const) {
    const v = payload[claim];
    if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v))) {
      throw new HostsigError('CLAIM_INVALID', `"${claim}" claim must be a number`, { claim, reason: 'invalid' });
    }
  }
  return payload;
}
