/**
 * Splitting and decoding compact JWS/JWT without verifying anything.
 */
import { base64urlToBytes, bytesToUtf8, utf8ToBytes } from '../core/bytes.js';
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

function b64(part: string, what: string): Uint8Array {
  try {
    return base64urlToBytes(part);
  } catch {
    throw malformed(`${what} is not canonical base64url (no padding, no "+" "/" or whitespace, zero trailing bits)`);
  }
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
  // Every part decoded as strict base64url, so the signing input is plain ASCII.
  return { header: header as JwtHeader, signingInput: utf8ToBytes(`${h}.${p}`), payloadBytes, signature };
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
 * const { kid } = decodeProtectedHeader(token);
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
 * const { exp } = decodeJwt(accessToken);
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
