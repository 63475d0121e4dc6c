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

// Reads `s` from `start` to `end` in place (no part strings from split): charCodeAt on the
// flat token is faster than on sliced part strings, and it saves their allocation.
function b64(s: string, start: number, end: number, what: string): Uint8Array {
  const len = end - start;
  const rem = len & 3;
  const full = end - rem;
  let bad = rem === 1 ? -1 : 0;
  const out = new Uint8Array((len >> 2) * 3 + (rem === 0 ? 0 : rem - 1));
  const t = B64URL;
  let o = 0;
  for (let i = start; i < full && bad === 0; i += 4) {
    const c0 = s.charCodeAt(i);
    const c1 = s.charCodeAt(i + 1);
    const c2 = s.charCodeAt(i + 2);
    const c3 = s.charCodeAt(i + 3);
    // A code unit above 127 is outside the alphabet; the table is then read at its low bits
    // only to keep the index in range, and the result discarded by the throw below.
    bad |= (c0 | c1 | c2 | c3) & ~127;
    const a = t[c0 & 127]!;
    const b = t[c1 & 127]!;
    const c = t[c2 & 127]!;
    const d = t[c3 & 127]!;
    // Valid values are 0..63 and have no bit above bit 5; a -1 (not in the alphabet) has them all.
    bad |= (a | b | c | d) & ~63;
    const v = (a << 18) | (b << 12) | (c << 6) | d;
    out[o] = v >> 16;
    out[o + 1] = v >> 8;
    out[o + 2] = v;
    o += 3;
  }
  if (bad === 0 && rem !== 0) {
    const c0 = s.charCodeAt(full);
    const c1 = s.charCodeAt(full + 1);
    bad |= (c0 | c1) & ~127;
    const a = t[c0 & 127]!;
    const b = t[c1 & 127]!;
    bad |= (a | b) & ~63;
    if (rem === 2) {
      // 12 bits: one byte and 4 bits that must be zero.
      bad |= b & 0x0f ? -1 : 0;
      out[o] = (a << 2) | (b >> 4);
    } else {
      // 18 bits: two bytes and 2 bits that must be zero.
      const c2 = s.charCodeAt(full + 2);
      bad |= c2 & ~127;
      const c = t[c2 & 127]!;
      bad |= c & ~63;
      bad |= c & 0x03 ? -1 : 0;
      out[o] = (a << 2) | (b >> 4);
      out[o + 1] = ((b & 0x0f) << 4) | (c >> 2);
    }
  }
  if (bad !== 0) throw malformed(`${what} is not canonical base64url (no padding, no "+" "/" or whitespace, zero trailing bits)`);
  return out;
}

/** Bytes of the first `n` characters of a string known to be ASCII there, one per character. */
function asciiBytes(s: string, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = s.charCodeAt(i);
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
  // The dots are found in place; a count is only needed to tell a JWE (five parts) apart.
  const d1 = token.indexOf('.');
  const d2 = d1 === -1 ? -1 : token.indexOf('.', d1 + 1);
  if (d2 === -1 || token.indexOf('.', d2 + 1) !== -1) {
    throw malformed(dotCount(token) === 4 ? 'JWE (encrypted JWT) is not supported' : 'token must have three dot-separated parts');
  }
  if (d1 === 0) throw malformed('header is empty');
  const header = parseJsonStrict(utf8(b64(token, 0, d1, 'header'), 'header'), 'header');
  if (!isJsonObject(header)) throw malformed('header must be a JSON object');
  if (typeof header.alg !== 'string') throw malformed('header "alg" missing or not a string');
  const payloadBytes = b64(token, d1 + 1, d2, 'payload');
  const signature = b64(token, d2 + 1, token.length, 'signature');
  // Every part decoded as strict base64url, so the signing input is plain ASCII: its bytes are
  // the char codes of the token up to the second dot (no UTF-8 encoding or surrogate scan needed).
  return { header: header as JwtHeader, signingInput: asciiBytes(token, d2), payloadBytes, signature };
}

function dotCount(s: string): number {
  let n = 0;
  for (let i = s.indexOf('.'); i !== -1; i = s.indexOf('.', i + 1)) n++;
  return n;
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
