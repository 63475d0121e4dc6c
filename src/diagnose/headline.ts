/**
 * The one rule that turns a failure code and what is known about it into a line a person reads:
 * "expired 90 s before now (exp 2026-12-06 03:41:00 UTC)", "no token field", "the hash does not
 * match". The web page's verdict and the CLI's verify/diagnose output both print it. Pure.
 */

/** Everything a headline may use; each part is optional, the line says less without it. */
export interface HeadlineContext {
  /** hostdime, sixconnect, jwt, hostbill, whm, hostkey: the words differ per scheme. */
  scheme?: string;
  /** The library's own message: the last resort, for a code this rule does not word. */
  message?: string;
  /** The clock the check ran with, Unix seconds. */
  now?: number;
  /** The failure's `details` (field, timestamp, now, toleranceSec, claim, alg, expiresAt, reason). */
  details?: Readonly<Record<string, unknown>> | undefined;
  /** A JWT's claims, when the payload decoded: exp, nbf and iat are read. */
  claims?: Readonly<Record<string, unknown>> | undefined;
  /** The clock tolerance or timestamp window the check used, in seconds. */
  toleranceSec?: number;
  /** The client address the check used. */
  clientIp?: string;
  /** The request path the check used. */
  path?: string;
  /** A token's or session's expiry, Unix seconds (0: never). */
  expiresAt?: number;
}

/**
 * A duration in words: seconds under 2 minutes ("90 s"), then minutes ("12 min"), hours
 * ("5 h") and days ("3 days"), rounded down; the sign is dropped.
 * @param seconds a duration, either sign
 * @example
 * ```ts
 * relativeTime(90) // => '90 s'
 * relativeTime(-720) // => '12 min'
 * relativeTime(3 * 86400 + 5) // => '3 days'
 * ```
 */
export function relativeTime(seconds: number): string {
  if (!Number.isFinite(seconds)) return 'an unknown time';
  const s = Math.floor(Math.abs(seconds));
  if (s < 120) return `${s} s`;
  if (s < 120 * 60) return `${Math.floor(s / 60)} min`;
  if (s < 48 * 3600) return `${Math.floor(s / 3600)} h`;
  const d = Math.floor(s / 86400);
  return `${d} days`;
}

/**
 * A Unix time as UTC, to the second: "2026-12-06 03:41:00 UTC"; the number itself when no date
 * holds it.
 * @param seconds Unix seconds
 * @example
 * ```ts
 * utcTime(1369758680) // => '2013-05-28 16:31:20 UTC'
 * ```
 */
export function utcTime(seconds: number): string {
  if (!Number.isFinite(seconds)) return String(seconds);
  const d = new Date(seconds * 1000);
  return Number.isNaN(d.getTime()) ? String(seconds) : `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v.slice(0, 64) : undefined);
/** An own member of untrusted data (never one inherited from Object.prototype). */
const own = (o: Readonly<Record<string, unknown>> | undefined, k: string): unknown => (o !== undefined && o !== null && typeof o === 'object' && Object.hasOwn(o, k) ? o[k] : undefined);

/** The field a timestamp travels in, per scheme. */
function timestampField(ctx: HeadlineContext): string {
  return text(own(ctx.details, 'field')) ?? (ctx.scheme === 'hostdime' ? 'api_timestamp' : ctx.scheme === 'sixconnect' ? 'time' : 'timestamp');
}

/** "signed 12 min ago: outside the 300 s window (api_timestamp 2026-...)". */
function timestampHeadline(code: 'TIMESTAMP_STALE' | 'TIMESTAMP_FUTURE', ctx: HeadlineContext): string {
  const ts = num(own(ctx.details, 'timestamp'));
  const now = num(own(ctx.details, 'now')) ?? ctx.now;
  const tol = num(own(ctx.details, 'toleranceSec')) ?? ctx.toleranceSec;
  const field = timestampField(ctx);
  const window = tol !== undefined ? `the ${tol} s window` : 'the window';
  if (ts === undefined || now === undefined) return code === 'TIMESTAMP_STALE' ? `${field} is too old: outside ${window}` : `${field} is in the future: outside ${window}`;
  const when = code === 'TIMESTAMP_STALE' ? `${relativeTime(now - ts)} ago` : `${relativeTime(ts - now)} in the future`;
  return `signed ${when}: outside ${window} (${field} ${utcTime(ts)})`;
}

/** "expired 90 s before now (exp ...)", or the iat age when the max age refused it. */
function expiredHeadline(ctx: HeadlineContext): string {
  const claim = text(own(ctx.details, 'claim'));
  if (claim === 'iat') {
    const iat = num(own(ctx.claims, 'iat'));
    return iat !== undefined && ctx.now !== undefined ? `issued ${relativeTime(ctx.now - iat)} ago: older than the maximum age (iat ${utcTime(iat)})` : 'issued too long ago: older than the maximum age';
  }
  const exp = num(own(ctx.claims, 'exp'));
  if (exp === undefined || ctx.now === undefined) return 'expired';
  return `expired ${relativeTime(ctx.now - exp)} before now (exp ${utcTime(exp)})`;
}

function notYetValidHeadline(ctx: HeadlineContext): string {
  const nbf = num(own(ctx.claims, 'nbf'));
  if (nbf === undefined || ctx.now === undefined) return 'not valid yet';
  return `not valid until ${relativeTime(nbf - ctx.now)} after now (nbf ${utcTime(nbf)})`;
}

function tokenExpiredHeadline(ctx: HeadlineContext): string {
  const what = ctx.scheme === 'hostkey' ? 'the session' : ctx.scheme === 'hostbill' ? 'the refresh token' : 'the token';
  const exp = num(own(ctx.details, 'expiresAt')) ?? ctx.expiresAt;
  const field = ctx.scheme === 'hostkey' ? 'token_expire' : 'expires_at';
  if (exp === undefined || ctx.now === undefined) return `${what} has expired`;
  return `${what} expired ${relativeTime(ctx.now - exp)} ago (${field} ${utcTime(exp)})`;
}

function tokenInvalidHeadline(ctx: HeadlineContext): string {
  if (ctx.scheme === 'whm') return own(ctx.details, 'reason') === 'format' ? 'the token is not 32 characters of A-Z and 0-9' : 'unknown user or token';
  if (ctx.scheme === 'hostkey') return 'unknown session token';
  if (ctx.scheme === 'hostbill') return 'wrong e-mail or password';
  return 'unknown token';
}

function missingFieldHeadline(ctx: HeadlineContext): string {
  const field = text(own(ctx.details, 'field'));
  return field !== undefined ? `no ${field} field` : 'a required field is missing';
}

function hashMissingHeadline(ctx: HeadlineContext): string {
  if (ctx.scheme === 'hostdime') return 'no api_hash field';
  if (ctx.scheme === 'sixconnect') return ctx.message === 'no query string' ? 'no query string, so no hash' : 'no hash parameter';
  return 'no hash';
}

function hashMalformedHeadline(ctx: HeadlineContext): string {
  if (ctx.scheme === 'hostdime') return 'api_hash is not 64 lower-case hex digits';
  if (ctx.scheme === 'sixconnect') return 'the hash is not base64 of 32 bytes';
  return 'the hash is not in the expected form';
}

function signatureHeadline(ctx: HeadlineContext): string {
  if (ctx.scheme === 'jwt' || ctx.scheme === 'hostbill') return 'the signature does not verify under this key';
  return 'the hash does not match';
}

function ipHeadline(ctx: HeadlineContext): string {
  if (ctx.scheme === 'hostkey') return ctx.clientIp ? `${ctx.clientIp} is not the address the session is bound to (fix_ip)` : 'the session is bound to another address (fix_ip)';
  if (ctx.clientIp) return `${ctx.clientIp} is outside the token's whitelist`;
  return /unknown/.test(ctx.message ?? '') ? 'the client address is unknown and the token has a whitelist' : 'the client address is outside the token\'s whitelist';
}

function pathHeadline(ctx: HeadlineContext): string {
  if (ctx.path === undefined) return 'a cPanel token needs the request path to be checked';
  return `a cPanel token may not call ${ctx.path.slice(0, 120)}`;
}

function algHeadline(ctx: HeadlineContext): string {
  const alg = own(ctx.details, 'alg');
  return alg !== undefined ? `alg ${JSON.stringify(String(alg)).slice(0, 42)} is not allowed; only RS256` : 'the alg is not allowed; only RS256';
}

/** Codes whose words depend on nothing but the code. */
const FIXED: Readonly<Record<string, string>> = {
  HASH_NOT_LAST: 'hash is not the last parameter: what follows it is not signed',
  HASH_DUPLICATE: 'the hash is sent twice',
  UNKNOWN_KEY: 'unknown API key',
  REPLAYED: 'already seen: a replay of an earlier request',
  NONCE_STORE_FAILED: 'the replay store did not answer',
  NONCE_STORE_FULL: 'the replay store is full',
  METHOD_UNKNOWN: 'no HostDime method in the request path',
  TIMESTAMP_INVALID: 'the timestamp is not Unix seconds',
  BODY_TOO_LARGE: 'the request is too large',
  AUTH_HEADER_DUPLICATE: 'two Authorization headers',
  TOKEN_REVOKED: 'the token was revoked',
  PIN_INVALID: 'the PIN does not match the record',
  PIN_LOCKED: 'the PIN is locked after too many wrong entries',
  KEY_FORMAT_UNSUPPORTED: 'the key\'s format is not supported',
  KEY_TOO_SMALL: 'the key is too small (under 2048 bits)',
  CRIT_UNSUPPORTED: 'the token has a critical header this verifier does not understand',
  INVALID_UTF8: 'the text is not valid UTF-8',
  SCHEME_UNKNOWN: 'no scheme this server knows',
};

/** Codes whose words depend on the context. */
const WORDED: Readonly<Record<string, (ctx: HeadlineContext) => string>> = {
  SIGNATURE_INVALID: signatureHeadline,
  HASH_MISSING: hashMissingHeadline,
  HASH_MALFORMED: hashMalformedHeadline,
  MISSING_FIELD: missingFieldHeadline,
  FIELD_DUPLICATE: (ctx) => (text(own(ctx.details, 'field')) !== undefined ? `${text(own(ctx.details, 'field'))} is sent twice` : 'a field is sent twice'),
  TIMESTAMP_STALE: (ctx) => timestampHeadline('TIMESTAMP_STALE', ctx),
  TIMESTAMP_FUTURE: (ctx) => timestampHeadline('TIMESTAMP_FUTURE', ctx),
  JWT_EXPIRED: expiredHeadline,
  JWT_NOT_YET_VALID: notYetValidHeadline,
  ALG_NOT_ALLOWED: algHeadline,
  TOKEN_INVALID: tokenInvalidHeadline,
  TOKEN_EXPIRED: tokenExpiredHeadline,
  IP_NOT_ALLOWED: ipHeadline,
  PATH_NOT_ALLOWED: pathHeadline,
  // The library's message already says what is wrong with the header, token, key or claim.
  AUTH_HEADER_MALFORMED: (ctx) => (ctx.message === undefined ? 'the Authorization header is malformed' : /^authorization header /i.test(ctx.message) ? `the ${ctx.message}` : `the Authorization header is malformed: ${ctx.message}`),
  AUTH_SCHEME_UNSUPPORTED: (ctx) => (text(own(ctx.details, 'scheme')) !== undefined ? `"${text(own(ctx.details, 'scheme'))}" is not a scheme this check takes` : 'the Authorization scheme is not one this check takes'),
  JWT_MALFORMED: (ctx) => `not a readable JWT${ctx.message ? `: ${ctx.message}` : ''}`,
  CLAIM_INVALID: (ctx) => `a claim does not hold${ctx.message ? `: ${ctx.message}` : ''}`,
  KEY_INVALID: (ctx) => `the key does not import${ctx.message ? `: ${ctx.message.replace(/^the key did not import: /, '').replace(/^[A-Z][A-Z0-9_]{2,40}: /, '')}` : ''}`,
  BODY_MALFORMED: (ctx) => `the request does not parse${ctx.message ? `: ${ctx.message}` : ''}`,
  LOOKUP_FAILED: (ctx) => `the stored record could not be used${ctx.message ? `: ${ctx.message}` : ''}`,
  INVALID_ENCODING: (ctx) => `not the expected encoding${ctx.message ? `: ${ctx.message}` : ''}`,
};

/**
 * The failure in plain words, from its code and what is known about it. One rule for the web
 * page's verdict and the CLI's verify and diagnose output; an unknown code falls back to the
 * library's message.
 * @param code the failure code (a HostsigErrorCode)
 * @param ctx what is known: scheme, clock, the failure's details, a JWT's claims
 * @example
 * ```ts
 * plainHeadline('JWT_EXPIRED', { now: 1796528550, claims: { exp: 1796528460 } }) // => 'expired 90 s before now (exp 2026-12-06 03:41:00 UTC)'
 * plainHeadline('TIMESTAMP_STALE', { scheme: 'hostdime', details: { timestamp: 1796528460, now: 1796529180, toleranceSec: 300 } }) // => 'signed 12 min ago: outside the 300 s window (api_timestamp 2026-12-06 03:41:00 UTC)'
 * plainHeadline('MISSING_FIELD', { scheme: 'hostkey', details: { field: 'token' } }) // => 'no token field'
 * plainHeadline('SIGNATURE_INVALID', { scheme: 'hostdime' }) // => 'the hash does not match'
 * ```
 */
export function plainHeadline(code: string, ctx: HeadlineContext = {}): string {
  if (Object.hasOwn(WORDED, code)) return WORDED[code]!(ctx);
  if (Object.hasOwn(FIXED, code)) return FIXED[code]!;
  return ctx.message ?? code;
}

/** Every code {@link plainHeadline} words itself (the rest fall back to the message). */
export const HEADLINE_CODES: readonly string[] = [...Object.keys(WORDED), ...Object.keys(FIXED)];

/** The payload's claims when it is a JSON object, else undefined. */
function claimsOf(payload: string | undefined): Record<string, unknown> | undefined {
  if (payload === undefined) return undefined;
  try {
    const v: unknown = JSON.parse(payload);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** What a JWT diagnosis knows, for {@link jwtHeadline}. */
export interface JwtHeadlineReport {
  verdict: string;
  message?: string;
  details?: Readonly<Record<string, unknown>>;
  now: number;
  stages: { payload?: string };
}

/**
 * A JWT diagnosis's failure in plain words: {@link plainHeadline} over its code, the claims the
 * payload carries and the clock it was checked against.
 * @param rep a `diagnoseJwt` report that failed
 * @param scheme `jwt` (the default) or `hostbill` (a Bearer token)
 * @example
 * ```ts
 * jwtHeadline({ verdict: 'JWT_NOT_YET_VALID', now: 1796528460, stages: { payload: '{"nbf":1796528760}' } }) // => 'not valid until 5 min after now (nbf 2026-12-06 03:46:00 UTC)'
 * ```
 */
export function jwtHeadline(rep: JwtHeadlineReport, scheme = 'jwt'): string {
  return plainHeadline(rep.verdict, {
    scheme,
    now: rep.now,
    claims: claimsOf(rep.stages.payload),
    ...(rep.message !== undefined ? { message: rep.message } : {}),
    ...(rep.details !== undefined ? { details: rep.details } : {}),
  });
}
