import { hexToBytes } from '../../core/bytes.js';
import { type NowOption, resolveNow } from '../../core/clock.js';
import { equalBytes } from '../../core/compare.js';
import { HostsigError, isHostsigError, type VerifyFailure, verifyFailure } from '../../core/errors.js';
import { cidrContains, type IpAddress, type IpCidr, parseCidr, parseIpAddress } from '../../core/ip.js';
import { parseWhmAuthorization, type WhmCredentialKind, type WhmScheme } from './header.js';
import { checkCpanelPath } from './path.js';
import { digestWhmToken } from './token.js';

export { cpanelPathAllowed } from './path.js';

/** A stored API token. `digest` is {@link digestWhmToken} of the token; the token itself is never stored. */
export interface WhmTokenRecord {
  /** `token_name`: at most 50 of `[A-Za-z0-9_-]`, unique per user. */
  name: string;
  /** Lowercase hex SHA-256 of the token. */
  digest: string;
  /** ACL names the token carries (`all` for everything); handed back on success. */
  acls?: readonly string[];
  /** Unix seconds after which the token fails; 0, null or absent = never. */
  expiresAt?: number | null;
  /** Addresses and CIDR ranges allowed to use the token; empty or absent = any. */
  whitelistIps?: readonly string[] | null;
  /** Unix seconds of creation (informational). */
  createdAt?: number;
}

/** What {@link verifyWhmAuthorization} needs. */
export interface VerifyWhmOptions {
  /**
   * All token records of `user` for this scheme (`whm`: root and resellers, `cpanel`: cPanel
   * accounts), expired ones included. Resolve `null`/`[]` for an unknown user. A throw or
   * rejection becomes `LOOKUP_FAILED`.
   */
  lookup: (user: string, scheme: WhmScheme) => readonly WhmTokenRecord[] | null | undefined | Promise<readonly WhmTokenRecord[] | null | undefined>;
  /**
   * Legacy access hashes: the digest ({@link digestWhmToken}) of `user`'s access hash with CR/LF
   * removed, or null. Without this option a `WHM user:accesshash` header is refused.
   */
  lookupAccessHash?: (user: string) => string | null | undefined | Promise<string | null | undefined>;
  /** The client address, checked against `whitelistIps`. Required when a matched record has a whitelist. */
  clientIp?: string;
  /**
   * The raw request path (a query string is cut off; percent-decoded once, then it must be
   * normal, see {@link cpanelPathAllowed}). Required for `cpanel` headers.
   */
  path?: string;
  /** Extra path prefixes cPanel tokens may reach, besides cpsrvd's own (see {@link cpanelPathAllowed}), matched against the decoded path. */
  cpanelPaths?: readonly string[];
  /** The current time for `expiresAt`: seconds since the epoch, a Date or a clock function. Default the system clock. */
  now?: NowOption;
}

/** A verified header. */
export interface WhmVerified {
  /** Always `true`: the discriminant against {@link WhmVerifyFailure}. */
  readonly ok: true;
  /** The header's scheme word, lowercased: `whm` or `cpanel`. */
  readonly scheme: WhmScheme;
  /** The authenticated user name, from the header. */
  readonly user: string;
  /** What matched: an API token (`token`) or a legacy access hash (`accesshash`). */
  readonly kind: WhmCredentialKind;
  /** The matched token's name (null for an access hash). */
  readonly tokenName: string | null;
  /** The matched token's ACLs (null for an access hash, which carries the user's full rights). */
  readonly acls: readonly string[] | null;
  /** The matched token's expiry, or null for never. */
  readonly expiresAt: number | null;
}

/** A refused header: `status` is the HTTP status to answer with. */
export interface WhmVerifyFailure extends VerifyFailure {
  /** 401: the server does not know who this is. 403: it does, and refuses. 503: lookup broke, try again. */
  readonly status: 401 | 403 | 503;
}

/** What {@link verifyWhmAuthorization} resolves to. */
export type WhmVerifyResult = WhmVerified | WhmVerifyFailure;

const DIGEST_RE = /^[0-9a-f]{64}$/;

function validDigest(d: unknown): d is string {
  return typeof d === 'string' && DIGEST_RE.test(d);
}

/**
 * Verifies a cPanel & WHM `Authorization` header against the user's stored token records.
 *
 * The presented token's digest is compared in constant time with the digest of every record
 * of the user (no early exit), then the matched record's expiry, IP whitelist and, for
 * `cpanel`, the path rule are applied. Never throws on hostile input, and no failure ever
 * contains the token.
 *
 * Status decisions (401 = who are you, 403 = not allowed):
 * - 401: missing or malformed header, unsupported scheme, bad token format, unknown user or
 *   token (`TOKEN_INVALID`), and an expired token (`TOKEN_EXPIRED`): an expired token no
 *   longer proves who the caller is, and a fresh token fixes the request, which is what 401
 *   tells a client.
 * - 403: a valid, unexpired token used from an address outside its whitelist
 *   (`IP_NOT_ALLOWED`), or a cPanel token on a path it may not reach (`PATH_NOT_ALLOWED`): the
 *   caller is identified and the server refuses; other credentials for the same user would
 *   not help unless they carry other rights.
 * - 503: `LOOKUP_FAILED` (the lookup threw, or a record is malformed: bad digest or whitelist entry).
 *
 * @param header the `Authorization` header value
 * @param options lookup, client address, path, clock
 * @returns {@link WhmVerifyResult}
 * @throws HostsigError `INVALID_ARGUMENT` only for programmer errors in `options` (no `lookup`,
 *   a `clientIp` that is not an address, a bad `now`)
 * @example
 * ```ts
 * import { digestWhmToken, verifyWhmAuthorization, type WhmTokenRecord } from 'hostsig/whm';
 *
 * const token = 'U7HMR63FGY292DQZ4H5BFH16JLYMO01M';
 * const records: WhmTokenRecord[] = [
 *   { name: 'deploy', digest: digestWhmToken(token), acls: ['all'], expiresAt: null, whitelistIps: ['10.0.0.0/8'] },
 * ];
 * const lookup = (user: string) => (user === 'root' ? records : null);
 *
 * await verifyWhmAuthorization(`whm root:${token}`, { lookup, clientIp: '10.1.2.3' }) // => { ok: true, user: 'root', tokenName: 'deploy', acls: ['all'] }
 * await verifyWhmAuthorization(`whm root:${token}`, { lookup, clientIp: '192.0.2.1' }) // => { ok: false, code: 'IP_NOT_ALLOWED', status: 403 }
 * await verifyWhmAuthorization('whm root:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', { lookup, clientIp: '10.1.2.3' }) // => { ok: false, code: 'TOKEN_INVALID', status: 401 }
 * ```
 */
export async function verifyWhmAuthorization(header: unknown, options: VerifyWhmOptions): Promise<WhmVerifyResult> {
  if (options === null || typeof options !== 'object' || typeof options.lookup !== 'function') throw new HostsigError('INVALID_ARGUMENT', '"lookup" must be a function');
  const now = resolveNow(options.now);
  let client: IpAddress | null = null;
  if (options.clientIp !== undefined) client = parseIpAddress(options.clientIp);

  let auth;
  try {
    auth = parseWhmAuthorization(header);
  } catch (e) {
    const err = isHostsigError(e) ? e : new HostsigError('AUTH_HEADER_MALFORMED', 'Authorization header is malformed');
    return verifyFailure(err.code, err.message, { status: 401, details: err.details });
  }
  const presented = hexToBytes(digestWhmToken(auth.credential));

  if (auth.kind === 'accesshash') return verifyAccessHash(auth, presented, options);

  let records: unknown;
  try {
    records = await options.lookup(auth.user, auth.scheme);
  } catch (e) {
    return verifyFailure('LOOKUP_FAILED', 'token lookup failed', { status: 503, cause: e });
  }
  if (records === null || records === undefined) return verifyFailure('TOKEN_INVALID', 'invalid user or token', { status: 401 });
  if (!Array.isArray(records)) return verifyFailure('LOOKUP_FAILED', 'token lookup did not return an array', { status: 503 });

  // Validate every record first, then compare against all of them without stopping early.
  const digests: Uint8Array[] = [];
  for (const r of records as unknown[]) {
    if (r === null || typeof r !== 'object' || !validDigest((r as WhmTokenRecord).digest)) return verifyFailure('LOOKUP_FAILED', 'a token record is malformed', { status: 503 });
    digests.push(hexToBytes((r as WhmTokenRecord).digest));
  }
  let matched = -1;
  for (let i = 0; i < digests.length; i++) {
    const eq = equalBytes(presented, digests[i]!);
    // Branch-free select; digests are unique in practice, the first match wins otherwise.
    matched = eq && matched === -1 ? i : matched;
  }
  if (matched === -1) return verifyFailure('TOKEN_INVALID', 'invalid user or token', { status: 401 });
  const rec = records[matched] as WhmTokenRecord;
  const name = typeof rec.name === 'string' ? rec.name : '';

  const exp = rec.expiresAt ?? 0;
  if (typeof exp !== 'number' || !Number.isFinite(exp) || exp < 0) return verifyFailure('LOOKUP_FAILED', 'a token record has a malformed expiry', { status: 503 });
  if (exp !== 0 && now >= exp) return verifyFailure('TOKEN_EXPIRED', 'token has expired', { status: 401, details: { tokenName: name, expiresAt: exp } });

  const refused = checkWhitelist(rec.whitelistIps, client, name);
  if (refused !== null) return refused;

  if (auth.scheme === 'cpanel') {
    if (options.path === undefined) return verifyFailure('PATH_NOT_ALLOWED', 'no request path given for a cPanel token', { status: 403, details: { tokenName: name } });
    const checked = checkCpanelPath(options.path, options.cpanelPaths);
    if (!checked.ok) return verifyFailure('PATH_NOT_ALLOWED', 'cPanel tokens may not reach this path', { status: 403, details: { tokenName: name, reason: checked.reason } });
  }

  const acls = Array.isArray(rec.acls) ? rec.acls.filter((a): a is string => typeof a === 'string') : [];
  return { ok: true, scheme: auth.scheme, user: auth.user, kind: 'token', tokenName: name, acls, expiresAt: exp === 0 ? null : exp };
}

type ParsedAuth = ReturnType<typeof parseWhmAuthorization>;

/** The legacy `WHM user:accesshash` form: one stored digest per user. */
async function verifyAccessHash(auth: ParsedAuth, presented: Uint8Array, options: VerifyWhmOptions): Promise<WhmVerifyResult> {
  if (typeof options.lookupAccessHash !== 'function') return verifyFailure('AUTH_SCHEME_UNSUPPORTED', 'access hash authentication is not enabled', { status: 401 });
  let stored: unknown;
  try {
    stored = await options.lookupAccessHash(auth.user);
  } catch (e) {
    return verifyFailure('LOOKUP_FAILED', 'access hash lookup failed', { status: 503, cause: e });
  }
  if (stored === null || stored === undefined) return verifyFailure('TOKEN_INVALID', 'invalid user or token', { status: 401 });
  if (!validDigest(stored)) return verifyFailure('LOOKUP_FAILED', 'stored access hash digest is malformed', { status: 503 });
  if (!equalBytes(presented, hexToBytes(stored))) return verifyFailure('TOKEN_INVALID', 'invalid user or token', { status: 401 });
  return { ok: true, scheme: auth.scheme, user: auth.user, kind: 'accesshash', tokenName: null, acls: null, expiresAt: null };
}

/** A token's IP whitelist: null when the client may use it, else the failure. */
function checkWhitelist(whitelist: unknown, client: IpAddress | null, name: string): WhmVerifyFailure | null {
  const list = whitelist ?? [];
  if (!Array.isArray(list)) return verifyFailure('LOOKUP_FAILED', 'a token record has a malformed whitelist', { status: 503 });
  if (list.length === 0) return null;
  let ranges: IpCidr[];
  try {
    ranges = list.map((e) => parseCidr(e));
  } catch {
    return verifyFailure('LOOKUP_FAILED', 'a token record has a malformed whitelist entry', { status: 503, details: { tokenName: name } });
  }
  if (client === null) return verifyFailure('IP_NOT_ALLOWED', 'token is restricted to a whitelist and the client address is unknown', { status: 403, details: { tokenName: name } });
  let hit = false;
  for (const range of ranges) if (cidrContains(range, client)) hit = true;
  return hit ? null : verifyFailure('IP_NOT_ALLOWED', 'client address is not in the token whitelist', { status: 403, details: { tokenName: name } });
}
