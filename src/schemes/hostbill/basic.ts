/**
 * HTTP Basic authentication (RFC 7617) as HostBill's User API uses it:
 * `Authorization: Basic base64(email ":" password)`, UTF-8.
 */
import { base64ToBytes, bytesToBase64, bytesToUtf8, utf8ToBytes } from '../../core/bytes.js';
import { HostsigError } from '../../core/errors.js';
import { authSchemeDetails, indexOfOws, trimOws } from '../../core/ows.js';

/** A user id and password. */
export interface BasicCredentials {
  /** The user id: for HostBill the client's e-mail address. Non-empty, no `:`, no control characters. */
  username: string;
  /** The password, any text without control characters (`:` allowed); sent as UTF-8. A secret. */
  password: string;
}

// RFC 7617 section 2: user-id and password must not contain control characters.
// eslint-disable-next-line no-control-regex
const CTL_RE = /[\u0000-\u001f\u007f]/;
const TOKEN68_RE = /^[A-Za-z0-9+/]+=*$/;

/**
 * Formats an `Authorization: Basic` header value. Text is sent as UTF-8 bytes, as given (no
 * Unicode normalization). The password may contain `:`; the username may not.
 * @param username e.g. the client's e-mail address
 * @param password any text without control characters
 * @returns `"Basic " + base64(username ":" password)`
 * @throws HostsigError `INVALID_ARGUMENT` (non-strings, empty username, `:` in the username,
 *   control characters, lone surrogates)
 * @example
 * ```ts
 * import { formatBasicAuth } from 'hostsig/hostbill';
 *
 * // RFC 7617's example.
 * formatBasicAuth('Aladdin', 'open sesame') // => 'Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=='
 * formatBasicAuth('a:b', 'pw') // => throws INVALID_ARGUMENT
 * ```
 */
export function formatBasicAuth(username: string, password: string): string {
  if (typeof username !== 'string' || typeof password !== 'string') throw new HostsigError('INVALID_ARGUMENT', '"username" and "password" expected strings');
  if (username.length === 0) throw new HostsigError('INVALID_ARGUMENT', '"username" is empty');
  if (username.includes(':')) throw new HostsigError('INVALID_ARGUMENT', '"username" may not contain ":" (RFC 7617)');
  if (CTL_RE.test(username) || CTL_RE.test(password)) throw new HostsigError('INVALID_ARGUMENT', 'credentials may not contain control characters');
  let bytes: Uint8Array;
  try {
    bytes = utf8ToBytes(`${username}:${password}`);
  } catch {
    throw new HostsigError('INVALID_ARGUMENT', 'credentials contain a lone surrogate');
  }
  return `Basic ${bytesToBase64(bytes)}`;
}

function malformed(message: string): HostsigError {
  return new HostsigError('AUTH_HEADER_MALFORMED', message);
}

/**
 * Splits an `Authorization` value into its scheme and credentials (RFC 9110 11.4); shared by
 * the Basic and Bearer parsers.
 * @param header the `Authorization` value
 * @throws HostsigError `AUTH_HEADER_MALFORMED` (missing or empty), `INVALID_ARGUMENT` (not a string)
 */
export function splitAuthorization(header: string | null | undefined): { scheme: string; credentials: string } {
  if (header === undefined || header === null) throw malformed('no Authorization header');
  if (typeof header !== 'string') throw new HostsigError('INVALID_ARGUMENT', '"header" expected string');
  const v = trimOws(header);
  if (v.length === 0) throw malformed('empty Authorization header');
  const sp = indexOfOws(v);
  if (sp === -1) return { scheme: v, credentials: '' };
  return { scheme: v.slice(0, sp), credentials: trimOws(v.slice(sp)) };
}

/**
 * Parses an `Authorization: Basic ...` header value (scheme case-insensitive, strict base64
 * with padding, strict UTF-8). The password is everything after the first `:`.
 * @param header the header value (undefined/null: no header)
 * @returns `{ username, password }`
 * @throws HostsigError `AUTH_SCHEME_UNSUPPORTED` (another scheme), `AUTH_HEADER_MALFORMED`
 *   (missing, bad base64, not UTF-8, no `:`, empty username, control characters),
 *   `INVALID_ARGUMENT` (not a string)
 * @example
 * ```ts
 * import { parseBasicAuth } from 'hostsig/hostbill';
 *
 * parseBasicAuth('Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==') // => { username: 'Aladdin', password: 'open sesame' }
 * parseBasicAuth('Bearer abc') // => throws AUTH_SCHEME_UNSUPPORTED
 * ```
 */
export function parseBasicAuth(header: string | null | undefined): BasicCredentials {
  const { scheme, credentials } = splitAuthorization(header);
  if (scheme.toLowerCase() !== 'basic') throw new HostsigError('AUTH_SCHEME_UNSUPPORTED', 'expected the Basic scheme', authSchemeDetails(scheme));
  if (credentials.length === 0) throw malformed('Basic credentials missing');
  if (!TOKEN68_RE.test(credentials)) throw malformed('Basic credentials are not a single base64 token');
  let text: string;
  try {
    text = bytesToUtf8(base64ToBytes(credentials));
  } catch {
    throw malformed('Basic credentials are not canonical base64 of UTF-8 text');
  }
  const colon = text.indexOf(':');
  if (colon === -1) throw malformed('Basic credentials have no ":"');
  const username = text.slice(0, colon);
  const password = text.slice(colon + 1);
  if (username.length === 0) throw malformed('Basic username is empty');
  if (CTL_RE.test(username) || CTL_RE.test(password)) throw malformed('Basic credentials contain control characters');
  return { username, password };
}
