import { HostsigError } from '../../core/errors.js';
import { authSchemeDetails, trimOws } from '../../core/ows.js';

/** The scheme word of a cPanel & WHM `Authorization` header, lowercased. */
export type WhmScheme = 'whm' | 'cpanel';

/** What the credential after the `:` is: an API token, or a legacy WHM access hash. */
export type WhmCredentialKind = 'token' | 'accesshash';

/** A parsed `Authorization` header. Holds the secret: never log it. */
export interface WhmAuthorization {
  /** The scheme word, lowercased: `whm` or `cpanel` (it was case-insensitive in the header). */
  readonly scheme: WhmScheme;
  /** The user name before the `:`, as sent (matches {@link WHM_USER_RE}). */
  readonly user: string;
  /** `token` for a 32-character API token, `accesshash` for a legacy `whm` access hash. */
  readonly kind: WhmCredentialKind;
  /** The token or access hash, exactly as sent. */
  readonly credential: string;
}

/** API tokens: 32 characters of `[A-Z0-9]` (cPanel's documented format). */
export const WHM_TOKEN_RE = /^[A-Z0-9]{32}$/;
/**
 * User names: lowercase letter or `_` first, then `[a-z0-9_.-]`, at most 32 characters.
 * cPanel's own rule is stricter (16 characters, `[a-z0-9]`); this admits every system name it
 * could hand out and nothing that needs quoting.
 */
export const WHM_USER_RE = /^[a-z_][a-z0-9_.-]{0,31}$/;
/** Legacy access hashes (CR/LF removed): 64 to 4096 of `[A-Za-z0-9]`. The exact format is a guess. */
export const WHM_ACCESS_HASH_RE = /^[A-Za-z0-9]{64,4096}$/;
const MAX_HEADER = 4200;

function malformed(reason: string, message: string): never {
  throw new HostsigError('AUTH_HEADER_MALFORMED', message, { reason });
}

/**
 * Parses an `Authorization` header value: `whm USER:TOKEN`, `cpanel USER:TOKEN`, or the legacy
 * `WHM USER:ACCESSHASH`. The scheme word is case-insensitive; the rest is split at the first
 * `:`. Surrounding spaces/tabs (HTTP optional whitespace) are ignored; between the scheme
 * word and the credentials there must be exactly one space, and no other whitespace or
 * control character may appear anywhere.
 *
 * Neither message nor details of an error ever contain the credential, nor an unknown
 * scheme word (which may be a credential in the wrong place): `details.scheme` names only
 * registered schemes such as `Basic` or `Bearer`.
 * @param header the header value (without `Authorization:`)
 * @throws HostsigError `AUTH_HEADER_MALFORMED` (missing, too long, whitespace or control
 *   characters, no `:`, empty or bad user name, empty credential; `details.reason` says which),
 *   `AUTH_SCHEME_UNSUPPORTED` (another scheme word, e.g. `Basic`), `TOKEN_INVALID` (the
 *   credential is neither a token nor, with `whm`, an access hash)
 * @example
 * ```ts
 * import { parseWhmAuthorization } from 'hostsig/whm';
 *
 * parseWhmAuthorization('whm root:U7HMR63FGY292DQZ4H5BFH16JLYMO01M') // => { scheme: 'whm', user: 'root', kind: 'token' }
 * parseWhmAuthorization('CPANEL bob:U7HMR63FGY292DQZ4H5BFH16JLYMO01M').scheme // => 'cpanel'
 * parseWhmAuthorization('Basic cm9vdDpwdw==') // => throws AUTH_SCHEME_UNSUPPORTED
 * ```
 */
export function parseWhmAuthorization(header: unknown): WhmAuthorization {
  if (typeof header !== 'string' || header.length === 0) malformed('missing', 'Authorization header is missing');
  if (header.length > MAX_HEADER) malformed('too-long', 'Authorization header is too long');
  const value = trimOws(header);
  const sp = value.indexOf(' ');
  if (sp === -1) {
    if (/^[A-Za-z]+$/.test(value) && !/^(?:whm|cpanel)$/i.test(value)) throw new HostsigError('AUTH_SCHEME_UNSUPPORTED', 'unsupported authorization scheme');
    malformed('no-credentials', 'Authorization header has no credentials');
  }
  const word = value.slice(0, sp);
  const rest = value.slice(sp + 1);
  // Anything but printable ASCII (no space) is a whitespace or control game, or not ASCII.
  if (!/^[\x21-\x7e]*$/.test(rest)) malformed('whitespace', 'Authorization header has whitespace or control characters in its credentials');
  if (!/^[A-Za-z][A-Za-z0-9._~+-]*$/.test(word)) malformed('scheme', 'Authorization header has no scheme word');
  const lower = word.toLowerCase();
  if (lower !== 'whm' && lower !== 'cpanel') throw new HostsigError('AUTH_SCHEME_UNSUPPORTED', 'unsupported authorization scheme', authSchemeDetails(word));
  const scheme: WhmScheme = lower;
  const colon = rest.indexOf(':');
  if (colon === -1) malformed('no-colon', 'credentials are not USER:TOKEN');
  const user = rest.slice(0, colon);
  const credential = rest.slice(colon + 1);
  if (user.length === 0) malformed('empty-user', 'user name is empty');
  if (!WHM_USER_RE.test(user)) malformed('bad-user', 'user name is not valid');
  if (credential.length === 0) malformed('empty-token', 'token is empty');
  if (WHM_TOKEN_RE.test(credential)) return { scheme, user, kind: 'token', credential };
  if (scheme === 'whm' && WHM_ACCESS_HASH_RE.test(credential)) return { scheme, user, kind: 'accesshash', credential };
  throw new HostsigError('TOKEN_INVALID', 'credential is not a valid API token', { reason: 'format' });
}

/** What {@link formatWhmAuthorization} takes. */
export interface FormatWhmAuthorizationInput {
  /** `whm` (WHM API 1, port 2087) or `cpanel` (UAPI, port 2083). Default `whm`. */
  scheme?: WhmScheme;
  /** The account name, e.g. `root` (must match {@link WHM_USER_RE}). */
  user: string;
  /** An API token (32 of `[A-Z0-9]`). */
  token: string;
}

/**
 * Formats `whm USER:TOKEN` or `cpanel USER:TOKEN`.
 * @param input scheme, user and token
 * @throws HostsigError `INVALID_ARGUMENT` for a bad scheme, user name or token (the message
 *   never contains the token)
 * @example
 * ```ts
 * import { formatWhmAuthorization } from 'hostsig/whm';
 *
 * formatWhmAuthorization({ user: 'root', token: 'U7HMR63FGY292DQZ4H5BFH16JLYMO01M' }) // => 'whm root:U7HMR63FGY292DQZ4H5BFH16JLYMO01M'
 * formatWhmAuthorization({ scheme: 'cpanel', user: 'bob', token: 'U7HMR63FGY292DQZ4H5BFH16JLYMO01M' }) // => 'cpanel bob:U7HMR63FGY292DQZ4H5BFH16JLYMO01M'
 * ```
 */
export function formatWhmAuthorization(input: FormatWhmAuthorizationInput): string {
  const scheme = input?.scheme ?? 'whm';
  if (scheme !== 'whm' && scheme !== 'cpanel') throw new HostsigError('INVALID_ARGUMENT', '"scheme" must be "whm" or "cpanel"');
  if (typeof input.user !== 'string' || !WHM_USER_RE.test(input.user)) throw new HostsigError('INVALID_ARGUMENT', '"user" is not a valid user name');
  if (typeof input.token !== 'string' || !WHM_TOKEN_RE.test(input.token)) throw new HostsigError('INVALID_ARGUMENT', '"token" is not 32 characters of [A-Z0-9]');
  return `${scheme} ${input.user}:${input.token}`;
}

/**
 * Formats the legacy `WHM USER:ACCESSHASH` header, removing every CR and LF from the stored
 * hash (the file `/root/.accesshash` is multi-line).
 * @param user the WHM user
 * @param accessHash the access hash as stored
 * @throws HostsigError `INVALID_ARGUMENT` for a bad user name or an access hash that, without
 *   its line breaks, is not 64..4096 of `[A-Za-z0-9]`
 * @example
 * ```ts
 * import { formatWhmAccessHashAuthorization } from 'hostsig/whm';
 *
 * // The stored access hash is wrapped over lines; every CR and LF is removed.
 * const stored = `${'a1'.repeat(30)}\r\n${'b2'.repeat(30)}\n`;
 * formatWhmAccessHashAuthorization('root', stored) // => `WHM root:${'a1'.repeat(30)}${'b2'.repeat(30)}`
 * ```
 */
export function formatWhmAccessHashAuthorization(user: string, accessHash: string): string {
  if (typeof user !== 'string' || !WHM_USER_RE.test(user)) throw new HostsigError('INVALID_ARGUMENT', '"user" is not a valid user name');
  if (typeof accessHash !== 'string') throw new HostsigError('INVALID_ARGUMENT', '"accessHash" expected string');
  const hash = accessHash.replace(/[\r\n]/g, '');
  if (!WHM_ACCESS_HASH_RE.test(hash)) throw new HostsigError('INVALID_ARGUMENT', '"accessHash" is not an access hash');
  return `WHM ${user}:${hash}`;
}
