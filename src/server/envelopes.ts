import type { HostsigErrorCode } from '../core/errors.js';
import type { EnvelopeBuilder, FailureStatus, RequestHead } from './types.js';

export type { EnvelopeBuilder, EnvelopeInput, FailureStatus } from './types.js';

/**
 * Code -> HTTP status. The record is exhaustive over {@link HostsigErrorCode}, so a new code
 * does not compile until it is given a status here.
 *
 * - 400: the request is malformed (it could never verify, whoever sent it).
 * - 401: the request is well formed but does not authenticate (no or unknown credentials, a bad
 *   signature, a stale or replayed request, an expired token).
 * - 403: it authenticates, but that identity may not do this (IP allow-list, path rule, PIN lock).
 * - 413: the body is over the verifier's cap.
 * - 503: one of the verifier's own dependencies did not answer (the key lookup timed out or
 *   threw, the nonce store is down or full). The request is still refused (fail closed), but
 *   401 would tell a legitimate client its credentials are bad, and the HostKey and HostBill
 *   clients react to 401 by logging in again, which would add load to an outage. 503 says
 *   "try again later", which is the truth; adapters add `Retry-After`.
 */
export const STATUS_BY_CODE: Readonly<Record<HostsigErrorCode, FailureStatus>> = Object.freeze({
  INVALID_ARGUMENT: 400,
  INVALID_UTF8: 400,
  INVALID_ENCODING: 400,
  JSON_ENCODE_FAILED: 400,
  BODY_MALFORMED: 400,
  BODY_TOO_LARGE: 413,
  MISSING_FIELD: 400,
  FIELD_DUPLICATE: 400,
  METHOD_UNKNOWN: 400,
  UNKNOWN_KEY: 401,
  LOOKUP_FAILED: 503,
  TIMESTAMP_INVALID: 400,
  TIMESTAMP_STALE: 401,
  TIMESTAMP_FUTURE: 401,
  REPLAYED: 401,
  NONCE_STORE_FAILED: 503,
  NONCE_STORE_FULL: 503,
  HASH_MISSING: 401,
  HASH_MALFORMED: 400,
  HASH_NOT_LAST: 400,
  HASH_DUPLICATE: 400,
  SIGNATURE_INVALID: 401,
  KEY_FORMAT_UNSUPPORTED: 401,
  KEY_INVALID: 401,
  KEY_TOO_SMALL: 401,
  JWT_MALFORMED: 401,
  JWT_EXPIRED: 401,
  JWT_NOT_YET_VALID: 401,
  ALG_NOT_ALLOWED: 401,
  CRIT_UNSUPPORTED: 401,
  CLAIM_INVALID: 401,
  AUTH_HEADER_MALFORMED: 401,
  AUTH_HEADER_DUPLICATE: 400,
  AUTH_SCHEME_UNSUPPORTED: 401,
  TOKEN_INVALID: 401,
  TOKEN_EXPIRED: 401,
  TOKEN_REVOKED: 401,
  IP_NOT_ALLOWED: 403,
  PATH_NOT_ALLOWED: 403,
  PIN_INVALID: 401,
  PIN_LOCKED: 403,
  PROVIDER_ERROR: 503,
  SCHEME_UNKNOWN: 401,
});

/**
 * The HTTP status for a failure code (400 for anything unknown, never 500).
 * @param code a failure code
 * @example
 * ```ts
 * import { statusForCode } from 'hostsig/server';
 *
 * statusForCode('SIGNATURE_INVALID') // => 401
 * statusForCode('IP_NOT_ALLOWED') // => 403
 * statusForCode('BODY_TOO_LARGE') // => 413
 * statusForCode('NONCE_STORE_FAILED') // => 503
 * ```
 */
export function statusForCode(code: HostsigErrorCode): FailureStatus {
  return Object.prototype.hasOwnProperty.call(STATUS_BY_CODE, code) ? STATUS_BY_CODE[code] : 400;
}


/**
 * HostDime: `{"error": {"message": "...", "code": N}, "response": null}` (N = the HTTP status).
 * @param failure the code, message and status
 * @example
 * ```ts
 * import { hostDimeEnvelope } from 'hostsig/server';
 *
 * hostDimeEnvelope({ code: 'REPLAYED', message: 'api_unique was already used', status: 401 }) // => { error: { message: 'REPLAYED: api_unique was already used', code: 401 }, response: null }
 * ```
 */
export const hostDimeEnvelope: EnvelopeBuilder = ({ code, message, status }) => ({
  error: { message: `${code}: ${message}`, code: status },
  response: null,
});

/**
 * 6connect ProVision: SCHEMES.md documents no error envelope. hostsig answers in the shape of
 * ProVision's JSON replies, `{"success": 0, "message": "...", "code": "..."}`.
 * @param failure the code and message
 * @example
 * ```ts
 * import { sixConnectEnvelope } from 'hostsig/server';
 *
 * sixConnectEnvelope({ code: 'HASH_NOT_LAST', message: 'hash is not the last parameter', status: 400 }) // => { success: 0, message: 'hash is not the last parameter', code: 'HASH_NOT_LAST' }
 * ```
 */
export const sixConnectEnvelope: EnvelopeBuilder = ({ code, message }) => ({
  success: 0,
  message,
  code,
});

const WHM_COMMAND_RE = /^[A-Za-z0-9_]{1,64}$/;

/**
 * The WHM API 1 function a path names (`/json-api/listaccts` -> `listaccts`), or `''`. Only
 * the last segment is tested, anchored: one scan of the path, whatever it holds.
 */
function whmCommand(head: RequestHead | undefined): string {
  if (!head) return '';
  const path = head.path;
  const slash = path.lastIndexOf('/');
  const name = path.slice(slash + 1);
  return slash !== -1 && path.endsWith('/json-api/', slash + 1) && WHM_COMMAND_RE.test(name) ? name : '';
}

/**
 * WHM API 1: `{"data": null, "metadata": {"command": "...", "reason": "...", "result": 0, "version": 1}}`
 * (the shape of `whmApiErrorReply`), with the hostsig code added to `metadata`.
 * @param failure the code, message and (for the command name) the request head
 * @example
 * ```ts
 * import { whmEnvelope } from 'hostsig/server';
 *
 * whmEnvelope({ code: 'TOKEN_INVALID', message: 'Access denied', status: 401,
 *   head: { method: 'GET', url: '/json-api/listaccts', path: '/json-api/listaccts', query: '', headers: {} } }) // => { data: null, metadata: { command: 'listaccts', reason: 'Access denied', result: 0, version: 1, hostsig_code: 'TOKEN_INVALID' } }
 * ```
 */
export const whmEnvelope: EnvelopeBuilder = ({ code, message, head }) => ({
  data: null,
  metadata: { command: whmCommand(head), reason: message, result: 0, version: 1, hostsig_code: code },
});

/**
 * cPanel UAPI: `{"status": 0, "errors": ["..."], "data": null, "messages": null, "metadata": {}}`.
 * @param failure the code and message
 * @example
 * ```ts
 * import { cpanelEnvelope } from 'hostsig/server';
 *
 * cpanelEnvelope({ code: 'PATH_NOT_ALLOWED', message: 'not for cPanel tokens', status: 403 }) // => { status: 0, errors: ['not for cPanel tokens'], data: null }
 * ```
 */
export const cpanelEnvelope: EnvelopeBuilder = ({ code, message }) => ({
  status: 0,
  errors: [message],
  messages: null,
  warnings: null,
  data: null,
  metadata: { hostsig_code: code },
});

/**
 * WHM or cPanel by the `Authorization` scheme word (and the path: `/execute/` is UAPI).
 * @param input the code, message and request head
 * @example
 * ```ts
 * import { whmOrCpanelEnvelope } from 'hostsig/server';
 *
 * const head = { method: 'GET', url: '/execute/Email/list_pops', path: '/execute/Email/list_pops', query: '', headers: {} };
 * whmOrCpanelEnvelope({ code: 'TOKEN_INVALID', message: 'denied', status: 401, head }) // => { status: 0, errors: ['denied'] }
 * ```
 */
export const whmOrCpanelEnvelope: EnvelopeBuilder = (input) => {
  const auth = input.head?.headers['authorization'] ?? '';
  const cpanel = /^cpanel\s/i.test(auth) || (input.head !== undefined && input.head.path.startsWith('/execute/'));
  return cpanel ? cpanelEnvelope(input) : whmEnvelope(input);
};

/**
 * HostKey invapi: `{"result": -1, "error": "...", "code": "..."}`.
 * @param failure the code and message
 * @example
 * ```ts
 * import { hostKeyEnvelope } from 'hostsig/server';
 *
 * hostKeyEnvelope({ code: 'TOKEN_EXPIRED', message: 'token expired', status: 401 }) // => { result: -1, error: 'token expired', code: 'TOKEN_EXPIRED' }
 * ```
 */
export const hostKeyEnvelope: EnvelopeBuilder = ({ code, message }) => ({
  result: -1,
  error: message,
  code,
});

/**
 * HostBill: `{"success": false, "error": ["..."]}`.
 * @param failure the code and message
 * @example
 * ```ts
 * import { hostBillEnvelope } from 'hostsig/server';
 *
 * hostBillEnvelope({ code: 'JWT_EXPIRED', message: 'token expired', status: 401 }) // => { success: false, error: ['token expired'], code: 'JWT_EXPIRED' }
 * ```
 */
export const hostBillEnvelope: EnvelopeBuilder = ({ code, message }) => ({
  success: false,
  error: [message],
  code,
});

/**
 * No scheme recognised: `{"error": {"code": "...", "message": "..."}}`.
 * @param failure the code and message
 * @example
 * ```ts
 * import { genericEnvelope } from 'hostsig/server';
 *
 * genericEnvelope({ code: 'SCHEME_UNKNOWN', message: 'no scheme matched', status: 401 }) // => { error: { code: 'SCHEME_UNKNOWN', message: 'no scheme matched' } }
 * ```
 */
export const genericEnvelope: EnvelopeBuilder = ({ code, message }) => ({
  error: { code, message },
});
