/**
 * Every failure hostsig reports carries one of these codes. They are stable:
 * switch on them, log them, map them to HTTP statuses.
 */
export type HostsigErrorCode =
  // programmer errors (bad arguments or options)
  | 'INVALID_ARGUMENT'
  // encoding
  | 'INVALID_UTF8'
  | 'INVALID_ENCODING'
  | 'JSON_ENCODE_FAILED'
  // request shape
  | 'BODY_MALFORMED'
  | 'BODY_TOO_LARGE'
  | 'MISSING_FIELD'
  | 'FIELD_DUPLICATE'
  | 'METHOD_UNKNOWN'
  // identity and freshness
  | 'UNKNOWN_KEY'
  | 'LOOKUP_FAILED'
  | 'TIMESTAMP_INVALID'
  | 'TIMESTAMP_STALE'
  | 'TIMESTAMP_FUTURE'
  | 'REPLAYED'
  | 'NONCE_STORE_FAILED'
  | 'NONCE_STORE_FULL'
  // signatures
  | 'HASH_MISSING'
  | 'HASH_MALFORMED'
  | 'HASH_NOT_LAST'
  | 'HASH_DUPLICATE'
  | 'SIGNATURE_INVALID'
  // keys (RSA)
  | 'KEY_FORMAT_UNSUPPORTED'
  | 'KEY_INVALID'
  | 'KEY_TOO_SMALL'
  // JWT
  | 'JWT_MALFORMED'
  | 'JWT_EXPIRED'
  | 'JWT_NOT_YET_VALID'
  | 'ALG_NOT_ALLOWED'
  | 'CRIT_UNSUPPORTED'
  | 'CLAIM_INVALID'
  // headers, tokens, sessions
  | 'AUTH_HEADER_MALFORMED'
  | 'AUTH_HEADER_DUPLICATE'
  | 'AUTH_SCHEME_UNSUPPORTED'
  | 'TOKEN_INVALID'
  | 'TOKEN_EXPIRED'
  | 'TOKEN_REVOKED'
  | 'IP_NOT_ALLOWED'
  | 'PATH_NOT_ALLOWED'
  | 'PIN_INVALID'
  | 'PIN_LOCKED'
  | 'PROVIDER_ERROR'
  // server
  | 'SCHEME_UNKNOWN';

/** Structured, code-specific facts about a failure (never a secret). */
export type HostsigErrorDetails = Readonly<Record<string, unknown>>;

/**
 * The one error class hostsig throws. `code` is stable; `message` is for people.
 * @example
 * ```ts
 * import { HostsigError, phpJsonEncode } from 'hostsig/core';
 *
 * let code = '';
 * try {
 *   phpJsonEncode('\ud800');
 * } catch (e) {
 *   if (e instanceof HostsigError) code = e.code;
 * }
 * code // => 'INVALID_UTF8'
 * ```
 */
export class HostsigError extends Error {
  /** The stable failure code (see {@link HostsigErrorCode}); switch on this, not on `message`. */
  readonly code: HostsigErrorCode;
  /** Code-specific facts (a field name, a limit); never a secret. `{}` when there are none. */
  readonly details: HostsigErrorDetails;

  /**
   * Builds the error; hostsig's own functions throw it, callers rarely need to.
   * @param code the stable failure code
   * @param message for people; never a secret
   * @param details code-specific facts, default `{}`
   * @param options `{ cause }`: the error behind this one, as `Error`'s own option
   */
  constructor(code: HostsigErrorCode, message: string, details: HostsigErrorDetails = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'HostsigError';
    this.code = code;
    this.details = details;
  }
}

/**
 * True for a `HostsigError`, also across bundles that each carry their own copy of the class.
 * @param e anything caught
 * @example
 * ```ts
 * import { HostsigError, isHostsigError } from 'hostsig/core';
 *
 * isHostsigError(new HostsigError('INVALID_ARGUMENT', 'bad')) // => true
 * isHostsigError(new TypeError('bad')) // => false
 * ```
 */
export function isHostsigError(e: unknown): e is HostsigError {
  return e instanceof HostsigError || (e instanceof Error && e.name === 'HostsigError' && typeof (e as { code?: unknown }).code === 'string');
}

/** A verification outcome that failed: the shape every `verify*` resolves to on rejection. */
export interface VerifyFailure {
  /** Always `false`: the discriminant against the scheme's success result. */
  readonly ok: false;
  /** The stable failure code, e.g. `'SIGNATURE_INVALID'`; switch on this, not on `message`. */
  readonly code: HostsigErrorCode;
  /** A short English reason for people and logs; never a secret, not stable across versions. */
  readonly message: string;
  /** Code-specific facts (a field name, a limit); never a secret. Absent when there are none. */
  readonly details?: HostsigErrorDetails;
  /**
   * What caused it (a store's or a lookup's own error), for logs. Not enumerable, so spreading
   * or serializing the failure never carries it to a client.
   */
  readonly cause?: unknown;
}

/** Options of {@link verifyFailure}: everything but the code and the message. */
export interface FailureOptions<S extends number = number> {
  /** The HTTP status, for schemes that decide it themselves (WHM, HostKey). */
  readonly status?: S;
  /** Structured facts about the failure (never a secret). */
  readonly details?: HostsigErrorDetails | undefined;
  /** The error behind it, kept (not enumerable) for logs. */
  readonly cause?: unknown;
}

/**
 * Builds a failed verification: the one way every scheme and the server make one. `details`
 * is left out when empty; `cause` is kept but not enumerable.
 * @param code the stable code
 * @param message for people; never a secret
 * @param options `{ status, details, cause }`
 * @example
 * ```ts
 * import { verifyFailure } from 'hostsig/core';
 *
 * verifyFailure('TOKEN_INVALID', 'invalid user or token', { status: 401 }) // => { ok: false, code: 'TOKEN_INVALID', status: 401, message: 'invalid user or token' }
 * const f = verifyFailure('LOOKUP_FAILED', 'token lookup failed', { status: 503, cause: new Error('ECONNREFUSED') });
 * (f.cause as Error).message // => 'ECONNREFUSED'
 * JSON.stringify(f).includes('ECONNREFUSED') // => false
 * ```
 */
export function verifyFailure(code: HostsigErrorCode, message: string, options?: FailureOptions<never>): VerifyFailure;
export function verifyFailure<S extends number>(code: HostsigErrorCode, message: string, options: FailureOptions<S> & { readonly status: S }): VerifyFailure & {
  /** The HTTP status given as `options.status`. */
  readonly status: S;
};
export function verifyFailure(code: HostsigErrorCode, message: string, options: FailureOptions = {}): VerifyFailure & { readonly status?: number } {
  const { status, details, cause } = options;
  const f: Record<string, unknown> = { ok: false, code };
  if (status !== undefined) f['status'] = status;
  f['message'] = message;
  if (details !== undefined && Object.keys(details).length > 0) f['details'] = details;
  // Not enumerable (defineProperty's default): spreads and JSON leave it out.
  if (cause !== undefined) Object.defineProperty(f, 'cause', { value: cause });
  return f as unknown as VerifyFailure;
}

/**
 * Turns any thrown value into a `VerifyFailure`; unknown throwables become `fallback`, kept as
 * the (non-enumerable) `cause`; a HostsigError's own `cause` is kept the same way.
 * @param e anything caught
 * @param fallback the code for a throwable that is not a HostsigError
 * @example
 * ```ts
 * import { HostsigError, toFailure } from 'hostsig/core';
 *
 * toFailure(new HostsigError('HASH_MALFORMED', 'hash is not base64')) // => { ok: false, code: 'HASH_MALFORMED', message: 'hash is not base64' }
 * toFailure(new TypeError('x')) // => { ok: false, code: 'BODY_MALFORMED', message: 'request could not be parsed' }
 * ```
 */
export function toFailure(e: unknown, fallback: HostsigErrorCode = 'BODY_MALFORMED'): VerifyFailure {
  if (isHostsigError(e)) return verifyFailure(e.code, e.message, { details: e.details, cause: e.cause });
  return verifyFailure(fallback, 'request could not be parsed', { cause: e });
}
