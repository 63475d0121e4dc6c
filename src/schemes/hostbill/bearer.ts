/**
 * `Authorization: Bearer <token>` (RFC 6750 2.1).
 */
import { HostsigError } from '../../core/errors.js';
import { authSchemeDetails } from '../../core/ows.js';
import { splitAuthorization } from './basic.js';

// RFC 6750 b64token.
const B64TOKEN_RE = /^[A-Za-z0-9\-._~+/]+=*$/;

/**
 * Formats an `Authorization: Bearer` value.
 * @param token the access token
 * @throws HostsigError `INVALID_ARGUMENT` when the token is not a b64token
 * @example
 * ```ts
 * import { formatBearerAuth } from 'hostsig/hostbill';
 *
 * formatBearerAuth('eyJhbGciOiJSUzI1NiJ9.e30.c2ln') // => 'Bearer eyJhbGciOiJSUzI1NiJ9.e30.c2ln'
 * ```
 */
export function formatBearerAuth(token: string): string {
  if (typeof token !== 'string' || !B64TOKEN_RE.test(token)) throw new HostsigError('INVALID_ARGUMENT', '"token" is not a bearer token (RFC 6750 b64token)');
  return `Bearer ${token}`;
}

/**
 * Reads the token of an `Authorization: Bearer` value (scheme case-insensitive).
 * @param header the header value (undefined/null: no header)
 * @returns the token
 * @throws HostsigError `AUTH_SCHEME_UNSUPPORTED`, `AUTH_HEADER_MALFORMED`, `INVALID_ARGUMENT`
 * @example
 * ```ts
 * import { parseBearerAuth } from 'hostsig/hostbill';
 *
 * parseBearerAuth('bearer eyJhbGciOiJSUzI1NiJ9.e30.c2ln') // => 'eyJhbGciOiJSUzI1NiJ9.e30.c2ln'
 * parseBearerAuth(undefined) // => throws AUTH_HEADER_MALFORMED
 * ```
 */
export function parseBearerAuth(header: string | null | undefined): string {
  const { scheme, credentials } = splitAuthorization(header);
  if (scheme.toLowerCase() !== 'bearer') throw new HostsigError('AUTH_SCHEME_UNSUPPORTED', 'expected the Bearer scheme', authSchemeDetails(scheme));
  if (!B64TOKEN_RE.test(credentials)) throw new HostsigError('AUTH_HEADER_MALFORMED', 'Bearer token missing or not a single b64token');
  return credentials;
}
