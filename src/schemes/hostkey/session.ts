import { type NowOption, resolveNow } from '../../core/clock.js';
import { HostsigError } from '../../core/errors.js';
import type { SafeJsonObject } from '../../core/json-safe.js';
import { redactSecrets } from '../../core/redact.js';
import { type HostKeyReply, isHostKeyTokenError, parseHostKeyLoginReply, parseHostKeyReply, providerError } from './replies.js';
import {
  buildHostKeyRequest,
  HOSTKEY_BASE_URL,
  type HostKeyFieldValue,
  type HostKeyRequest,
  hostKeyApiKeyLogin,
  hostKeyLogout,
  hostKeyWhmcsLogin,
} from './sign.js';

/** The part of `fetch` the session uses; inject your own (tests, other runtimes, proxies). */
export type HostKeyFetch = (
  url: string,
  init: { method: 'POST'; headers: Record<string, string>; body: string },
) => Promise<{
  /** The HTTP status code. */
  readonly status: number;
  /** The response body as text. */
  text(): Promise<string>;
}>;

/** Login by API key or by billing user and password. */
export type HostKeyCredentials =
  | {
      /** The account's API key, sent as `key` to `auth.php action=login`. A secret. */
      readonly apiKey: string;
    }
  | {
      /** The billing (WHMCS) login, sent as `user` to `auth.php action=whmcslogin`. */
      readonly user: string;
      /** The billing password, sent as `password`. A secret. */
      readonly password: string;
    };

/** What {@link createHostKeySession} takes. */
export interface HostKeySessionOptions {
  /** How requests are sent: the global `fetch` fits, or your own {@link HostKeyFetch}. */
  fetch: HostKeyFetch;
  /** Default {@link HOSTKEY_BASE_URL}. */
  baseUrl?: string;
  /** How to log in: `{ apiKey }` or `{ user, password }`. Kept for re-logins; never in errors. */
  credentials: HostKeyCredentials;
  /** `ttl` sent at login, in seconds. */
  ttl?: number;
  /** `fix_ip=1` at login. */
  fixIp?: boolean;
  /** Seconds before `token_expire` at which the token is treated as expired. Default 60. */
  skewSec?: number;
  /** The clock for token expiry: seconds since the epoch, a Date or a clock function. Default the system clock. */
  now?: NowOption;
}

/** A logged-in (lazily) invapi client. */
export interface HostKeySession {
  /** The current session token, logging in first when there is none or it is about to expire. */
  token(): Promise<string>;
  /** Unix seconds the current token expires at, or null when logged out. */
  readonly expiresAt: number | null;
  /**
   * `POST <module>.php action=<action>&token=<token>&<fields>` and the parsed reply, error
   * replies included. On HTTP 401 or an invalid/expired-token reply it logs in again and
   * retries once; a second refusal is `TOKEN_INVALID`.
   */
  request(module: string, action: string, fields?: Readonly<Record<string, HostKeyFieldValue>>): Promise<HostKeyReply>;
  /** Like {@link request}, but an error reply is thrown as `PROVIDER_ERROR`; resolves the reply data. */
  call(module: string, action: string, fields?: Readonly<Record<string, HostKeyFieldValue>>): Promise<SafeJsonObject>;
  /** Sends `logout` for the current token (if any) and forgets it. Resolves whether HostKey confirmed. */
  logout(): Promise<boolean>;
}

/** Field names whose values are treated as secrets and scrubbed from provider messages. */
const SECRET_FIELD = /pin|pass|key|token|secret/i;

function scrubReply(r: HostKeyReply, secrets: readonly string[]): HostKeyReply {
  if (r.ok) return r;
  return { ok: false, pending: r.pending, error: redactSecrets(r.error, secrets), code: r.code === null ? null : redactSecrets(r.code, secrets) };
}

/** Assumed lifetime when a login reply has no `token_expire`: the documented "2 hours", the shorter of the two documented values. */
const FALLBACK_LIFETIME = 7200;

/**
 * Creates an invapi client session. It logs in on first use, keeps the token until
 * `token_expire - skewSec` (the skew is capped at half the token's lifetime), shares one
 * login between concurrent calls, logs in again at most once per call when HostKey answers
 * HTTP 401 or an invalid/expired-token error, and logs out on request.
 *
 * Secrets (password, API key, token, PINs in fields) never appear in its errors.
 * @param options fetch, credentials, ttl, fix_ip, skew, clock
 * @throws HostsigError `INVALID_ARGUMENT` for bad options; the methods reject with
 *   `PROVIDER_ERROR` (transport failure, non-JSON or error reply, unexpected status),
 *   `TOKEN_INVALID` (refused again after a fresh login), `BODY_MALFORMED`
 * @example
 * ```ts
 * import { createHostKeySession, type HostKeyFetch } from 'hostsig/hostkey';
 *
 * // A stand-in for HostKey: answers login with a token and info with the account.
 * const seen: string[] = [];
 * const fetch: HostKeyFetch = async (url, init) => {
 *   seen.push(new URLSearchParams(init.body).get('action') ?? '');
 *   const text = init.body.startsWith('action=login')
 *     ? '{"result":{"token":"0123456789abcdef0123456789abcdef","token_expire":1700010800}}'
 *     : '{"result":{"email":"me@example.com"}}';
 *   return { status: 200, text: async () => text };
 * };
 * const session = createHostKeySession({ fetch, credentials: { apiKey: 'my-api-key' }, now: 1700000000 });
 * await session.call('auth', 'info') // => { email: 'me@example.com' }
 * seen // => ['login', 'info']
 * ```
 */
export function createHostKeySession(options: HostKeySessionOptions): HostKeySession {
  const { fetch, ttl, baseUrl, skew, loginRequest, loginSecrets } = sessionSetup(options);
  const now = () => resolveNow(options.now);

  let current: { token: string; expiresAt: number; refreshAt: number } | null = null;
  let pending: Promise<string> | null = null;

  const send = (req: HostKeyRequest, module: string, action: string) => sendHostKey(fetch, req, module, action);

  async function login(): Promise<string> {
    const started = now();
    const l = readLoginReply(await send(loginRequest(), 'auth', 'login'), loginSecrets);
    const expiresAt = l.tokenExpire ?? started + (ttl ?? FALLBACK_LIFETIME);
    const lifetime = Math.max(0, expiresAt - started);
    current = { token: l.token, expiresAt, refreshAt: expiresAt - Math.min(skew, lifetime / 2) };
    return l.token;
  }

  async function token(): Promise<string> {
    if (current && now() < current.refreshAt) return current.token;
    if (!pending) {
      pending = login().finally(() => {
        pending = null;
      });
    }
    return pending;
  }

  async function request(module: string, action: string, fields: Readonly<Record<string, HostKeyFieldValue>> = {}): Promise<HostKeyReply> {
    if (fields === null || typeof fields !== 'object' || Object.prototype.hasOwnProperty.call(fields, 'token')) throw new HostsigError('INVALID_ARGUMENT', '"fields" must be an object without "token"');
    const secrets = [...loginSecrets];
    for (const [k, v] of Object.entries(fields)) if (SECRET_FIELD.test(k)) secrets.push(String(v));
    for (let attempt = 0; ; attempt++) {
      const tok = await token();
      secrets.push(tok);
      const req = buildHostKeyRequest(module, action, [['token', tok], ...Object.entries(fields)], baseUrl);
      const { status, text } = await send(req, module, action);
      const reply = readReply(status, text, secrets);
      const refused = status === 401 || (reply !== null && isHostKeyTokenError(reply));
      if (refused) {
        // Forget the refused token (unless a concurrent call already replaced it).
        if (current?.token === tok) current = null;
        if (attempt === 0) continue;
        throw new HostsigError('TOKEN_INVALID', `HostKey refused the session token after a fresh login (${module}.php ${action})`, { module, action, status });
      }
      if (reply === null) throw new HostsigError('PROVIDER_ERROR', `HostKey ${module}.php ${action}: HTTP ${status}`, { module, action, status });
      if (reply.ok && (status < 200 || status >= 300)) throw new HostsigError('PROVIDER_ERROR', `HostKey ${module}.php ${action}: HTTP ${status}`, { module, action, status });
      return reply;
    }
  }

  async function call(module: string, action: string, fields?: Readonly<Record<string, HostKeyFieldValue>>): Promise<SafeJsonObject> {
    const r = await request(module, action, fields);
    if (!r.ok) throw providerError(`${module}.php ${action} failed`, r);
    return r.data;
  }

  async function logout(): Promise<boolean> {
    const c = current;
    current = null;
    if (!c) return false;
    const { status, text } = await send(hostKeyLogout(c.token, baseUrl), 'auth', 'logout');
    return status >= 200 && status < 300 && replyOk(text);
  }

  return {
    token,
    get expiresAt() {
      return current?.expiresAt ?? null;
    },
    request,
    call,
    logout,
  };
}

/** The checked options; a bad credential or option fails here, at creation, not at first use. */
function sessionSetup(options: HostKeySessionOptions) {
  if (options === null || typeof options !== 'object' || typeof options.fetch !== 'function') throw new HostsigError('INVALID_ARGUMENT', '"fetch" must be a function');
  const { fetch, credentials, ttl, fixIp } = options;
  const baseUrl = options.baseUrl ?? HOSTKEY_BASE_URL;
  const skew = options.skewSec ?? 60;
  if (typeof skew !== 'number' || !Number.isFinite(skew) || skew < 0) throw new HostsigError('INVALID_ARGUMENT', '"skewSec" must be a non-negative number');
  const { loginRequest, loginSecrets } = loginFor(credentials, baseUrl, ttl, fixIp);
  loginRequest();
  buildHostKeyRequest('auth', 'info', [], baseUrl);
  return { fetch, ttl, baseUrl, skew, loginRequest, loginSecrets };
}

/** The login request for the credentials, and the secrets no error may carry. */
function loginFor(credentials: HostKeyCredentials, baseUrl: string, ttl: number | undefined, fixIp: boolean | undefined): { loginRequest: () => HostKeyRequest; loginSecrets: string[] } {
  if (credentials && typeof credentials === 'object' && 'apiKey' in credentials) {
    const key = credentials.apiKey;
    return { loginRequest: () => hostKeyApiKeyLogin(key, baseUrl, { ...(ttl !== undefined && { ttl }), ...(fixIp !== undefined && { fixIp }) }), loginSecrets: [String(key)] };
  }
  if (credentials && typeof credentials === 'object' && 'user' in credentials && 'password' in credentials) {
    const { user, password } = credentials;
    return { loginRequest: () => hostKeyWhmcsLogin({ user, password, ...(ttl !== undefined && { ttl }), ...(fixIp !== undefined && { fixIp }) }, baseUrl), loginSecrets: [String(password)] };
  }
  throw new HostsigError('INVALID_ARGUMENT', '"credentials" must be { apiKey } or { user, password }');
}

/** One POST; a transport failure or a reply without a status is `PROVIDER_ERROR`. */
async function sendHostKey(fetch: HostKeyFetch, req: HostKeyRequest, module: string, action: string): Promise<{ status: number; text: string }> {
  let res;
  let text: string;
  try {
    res = await fetch(req.url, { method: 'POST', headers: { ...req.headers }, body: req.body });
    text = await res.text();
  } catch {
    throw new HostsigError('PROVIDER_ERROR', `HostKey ${module}.php ${action}: request failed`, { module, action });
  }
  const status = Number(res?.status);
  if (!Number.isInteger(status)) throw new HostsigError('PROVIDER_ERROR', `HostKey ${module}.php ${action}: no HTTP status`, { module, action });
  return { status, text: typeof text === 'string' ? text : '' };
}

/** The token of a login reply; HostKey's own error (scrubbed of the credentials) otherwise. */
function readLoginReply({ status, text }: { status: number; text: string }, loginSecrets: readonly string[]): ReturnType<typeof parseHostKeyLoginReply> {
  if (status < 200 || status >= 300) {
    // An error body is still worth reading; otherwise report the status.
    let reply: HostKeyReply | null = null;
    try {
      reply = parseHostKeyReply(text);
    } catch {
      /* not JSON */
    }
    if (reply && !reply.ok) throw providerError('login failed', scrubReply(reply, loginSecrets) as Extract<HostKeyReply, { ok: false }>);
    throw new HostsigError('PROVIDER_ERROR', `HostKey login failed with HTTP ${status}`, { status });
  }
  try {
    return parseHostKeyLoginReply(text);
  } catch (e) {
    if (e instanceof HostsigError && e.code === 'PROVIDER_ERROR') {
      throw providerError('login failed', scrubReply(parseHostKeyReply(text), loginSecrets) as Extract<HostKeyReply, { ok: false }>);
    }
    throw e;
  }
}

/** A reply scrubbed of the secrets; null when an error status came without a JSON body. */
function readReply(status: number, text: string, secrets: readonly string[]): HostKeyReply | null {
  try {
    return scrubReply(parseHostKeyReply(text), secrets);
  } catch (e) {
    if (status !== 401 && status >= 200 && status < 300) throw e;
    return null;
  }
}

/** True for a parseable success reply; false for anything else (logout never throws on it). */
function replyOk(text: string): boolean {
  try {
    return parseHostKeyReply(text).ok;
  } catch {
    return false;
  }
}
