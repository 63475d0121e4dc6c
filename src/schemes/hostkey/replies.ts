import { HostsigError } from '../../core/errors.js';
import { isJsonObject, own, parseJsonSafe, type SafeJsonObject, type SafeJsonValue } from '../../core/json-safe.js';
import { HOSTKEY_CALLBACK_RE, HOSTKEY_TOKEN_RE } from './sign.js';

/**
 * A parsed invapi reply.
 * - `ok: true`: `data` is the nested `result` object when there is one, else the top-level
 *   object; `callback` is set for asynchronous actions (`{"result":"OK","callback":"..."}`).
 * - `ok: false`: an error (`{"result":-1,"error","code"}` or `{"code":N,"error"}`), or
 *   `pending` for an asynchronous result that is `Not ready`.
 * Objects have a null prototype.
 */
export type HostKeyReply =
  | {
      /** A success reply. */
      readonly ok: true;
      /** The nested `result` object when there is one, else the whole reply object. */
      readonly data: SafeJsonObject;
      /** The whole reply object, as parsed. */
      readonly top: SafeJsonObject;
      /** An asynchronous action's callback key (32 hex characters), or null. */
      readonly callback: string | null;
    }
  | {
      /** An error reply, or a result that is not ready yet. */
      readonly ok: false;
      /** True when the reply says `Not ready` (poll again later); then `error` is `'Not ready'`. */
      readonly pending: boolean;
      /** The provider's message, 32+ hex runs redacted, at most 300 characters; `'error'` when it gave none. */
      readonly error: string;
      /** The provider's `code` field as text (at most 64 characters), or null when absent. */
      readonly code: string | null;
    };

const NOT_READY = /^\s*not[ _-]?ready\.?\s*$/i;

/**
 * Redacts what could be a secret in a provider message (32+ hex runs, which covers tokens and
 * callback keys) and caps its length at 300 characters.
 * @param s a provider message
 * @example
 * ```ts
 * import { redactProviderMessage } from 'hostsig/hostkey';
 *
 * redactProviderMessage('token 0123456789abcdef0123456789abcdef expired') // => 'token [redacted] expired'
 * ```
 */
export function redactProviderMessage(s: string): string {
  return s.replace(/[0-9a-fA-F]{32,}/g, '[redacted]').slice(0, 300);
}

function codeOf(v: SafeJsonValue | undefined): string | null {
  if (typeof v === 'string') return v.slice(0, 64);
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return null;
}

/**
 * Parses any invapi reply body into a {@link HostKeyReply}, accepting both success shapes
 * (nested `result`, or fields at the top level) and both error shapes.
 * @param body the reply body
 * @throws HostsigError `BODY_MALFORMED` (not JSON, not an object), `BODY_TOO_LARGE`
 * @example
 * ```ts
 * import { parseHostKeyReply } from 'hostsig/hostkey';
 *
 * parseHostKeyReply('{"result":-1,"error":"Invalid token","code":"auth"}') // => { ok: false, error: 'Invalid token', code: 'auth', pending: false }
 * parseHostKeyReply('{"result":"OK","callback":"0123456789abcdef0123456789abcdef"}') // => { ok: true, callback: '0123456789abcdef0123456789abcdef' }
 * parseHostKeyReply('<html>') // => throws BODY_MALFORMED
 * ```
 */
export function parseHostKeyReply(body: string | Uint8Array): HostKeyReply {
  const j = parseJsonSafe(body);
  if (!isJsonObject(j)) throw new HostsigError('BODY_MALFORMED', 'HostKey reply is not a JSON object');
  const result = own(j, 'result');
  const error = own(j, 'error');
  const status = own(j, 'status');
  const message = own(j, 'message');
  for (const v of [result, error, status, message]) {
    if (typeof v === 'string' && NOT_READY.test(v)) return { ok: false, pending: true, error: 'Not ready', code: codeOf(own(j, 'code')) };
  }
  const hasError = (typeof error === 'string' && error.length > 0) || (isJsonObject(error) && Object.keys(error).length > 0);
  if (hasError || result === -1 || result === '-1') {
    let text = typeof error === 'string' ? error : '';
    if (isJsonObject(error)) {
      const m = own(error, 'message');
      text = typeof m === 'string' ? m : 'error';
    }
    if (!text && typeof message === 'string') text = message;
    return { ok: false, pending: false, error: redactProviderMessage(text || 'error'), code: codeOf(own(j, 'code')) };
  }
  const data = isJsonObject(result) ? result : j;
  const cb = own(j, 'callback') ?? own(data, 'callback');
  return { ok: true, data, top: j, callback: typeof cb === 'string' && HOSTKEY_CALLBACK_RE.test(cb) ? cb : null };
}

/**
 * True when an error reply says the session token is invalid or expired, the cases where a
 * client logs in again. The provider's exact wording is not documented; this matches
 * `invalid token`, `token expired`, `token has expired`, `token not found`, `wrong token`,
 * `bad token`, `not authorized`, `unauthorized` in the message or code.
 * @param reply a parsed reply
 * @example
 * ```ts
 * import { isHostKeyTokenError, parseHostKeyReply } from 'hostsig/hostkey';
 *
 * isHostKeyTokenError(parseHostKeyReply('{"code":1,"error":"Token expired"}')) // => true
 * isHostKeyTokenError(parseHostKeyReply('{"code":1,"error":"Server not found"}')) // => false
 * ```
 */
export function isHostKeyTokenError(reply: HostKeyReply): boolean {
  if (reply.ok || reply.pending) return false;
  const text = `${reply.error} ${reply.code ?? ''}`;
  return /(?:invalid|wrong|bad|unknown)[ _-]?(?:session[ _-]?)?token|token[ _-]?(?:has[ _-]?)?(?:expired|not[ _-]?found|invalid)|\bunauthori[sz]ed\b|not[ _-]authori[sz]ed/i.test(text);
}

/** A successful login. Holds the session token: never log it. */
export interface HostKeyLogin {
  /** The session token, 32 lowercase hex characters: send it as the `token` field. A secret. */
  readonly token: string;
  /** Unix seconds from `token_expire`, or null when the reply has none. */
  readonly tokenExpire: number | null;
  /** `servers` when present (ids linked to the account). */
  readonly servers: readonly SafeJsonValue[] | null;
  /** The login reply's data object (nested `result`, or the whole reply), null-prototype; it holds the token too. */
  readonly data: SafeJsonObject;
}

function epoch(v: SafeJsonValue | undefined): number | null {
  if (typeof v === 'number' && Number.isSafeInteger(v) && v > 0) return v;
  if (typeof v === 'string' && /^[1-9][0-9]{0,14}$/.test(v)) return Number(v);
  return null;
}

/**
 * Parses a `whmcslogin`/`login` reply, nested (`{"result":{"token",...}}`) or flat.
 * @param body the reply body
 * @throws HostsigError `PROVIDER_ERROR` (an error reply: `details.providerCode`,
 *   `details.providerMessage`), `BODY_MALFORMED` (no 32-hex `token`, not JSON)
 * @example
 * ```ts
 * import { parseHostKeyLoginReply } from 'hostsig/hostkey';
 *
 * // Both shapes HostKey answers with: nested under `result`, or at the top level.
 * parseHostKeyLoginReply('{"result":{"token":"0123456789abcdef0123456789abcdef","token_expire":1700010800}}') // => { token: '0123456789abcdef0123456789abcdef', tokenExpire: 1700010800 }
 * parseHostKeyLoginReply('{"token":"0123456789abcdef0123456789abcdef","token_expire":1700010800}').tokenExpire // => 1700010800
 * parseHostKeyLoginReply('{"result":-1,"error":"Wrong password","code":"auth"}') // => throws PROVIDER_ERROR
 * ```
 */
export function parseHostKeyLoginReply(body: string | Uint8Array): HostKeyLogin {
  const r = parseHostKeyReply(body);
  if (!r.ok) throw providerError('login failed', r);
  const token = own(r.data, 'token');
  if (typeof token !== 'string' || !HOSTKEY_TOKEN_RE.test(token)) throw new HostsigError('BODY_MALFORMED', 'login reply has no valid token');
  const servers = own(r.data, 'servers') ?? own(r.top, 'servers');
  return { token, tokenExpire: epoch(own(r.data, 'token_expire') ?? own(r.top, 'token_expire')), servers: Array.isArray(servers) ? servers : null, data: r.data };
}

/**
 * The `PROVIDER_ERROR` for an error reply (the reply's message is already redacted).
 * @param what what failed, for the message
 * @param r the error reply
 * @example throw providerError('login failed', reply)
 */
export function providerError(what: string, r: Extract<HostKeyReply, { ok: false }>): HostsigError {
  return new HostsigError('PROVIDER_ERROR', `HostKey ${what}: ${r.error}`, { providerCode: r.code, providerMessage: r.error, pending: r.pending });
}

/**
 * The server side: a login reply in the nested shape.
 * @param input token, expiry and any extra fields (`servers`, ...)
 * @example
 * ```ts
 * import { hostKeyLoginReplyBody, parseHostKeyLoginReply } from 'hostsig/hostkey';
 *
 * const body = hostKeyLoginReplyBody({ token: '0123456789abcdef0123456789abcdef', tokenExpire: 1700010800 });
 * parseHostKeyLoginReply(body).tokenExpire // => 1700010800
 * ```
 */
export function hostKeyLoginReplyBody(input: { token: string; tokenExpire: number; extra?: Record<string, unknown> }): string {
  return JSON.stringify({ result: { ...(input.extra ?? {}), token: input.token, token_expire: input.tokenExpire } });
}

/**
 * The server side: an error reply `{"result":-1,"error","code"}`.
 * @param error for people; never put a secret in it
 * @param code a stable code
 * @example
 * ```ts
 * import { hostKeyErrorReplyBody, parseHostKeyReply } from 'hostsig/hostkey';
 *
 * parseHostKeyReply(hostKeyErrorReplyBody('Invalid token', 'TOKEN_INVALID')) // => { ok: false, error: 'Invalid token', code: 'TOKEN_INVALID' }
 * ```
 */
export function hostKeyErrorReplyBody(error: string, code: string | number): string {
  return JSON.stringify({ result: -1, error, code });
}
