/**
 * HostBill User API, client side: the `/api/login` and `/api/token` requests, the token reply,
 * and a session that keeps the access token until its `exp` (read locally, minus a skew) and
 * refreshes it when due.
 *
 * HostBill does not document the field names. hostsig sends `{"username","password"}` to
 * `/login` and `{"refresh_token"}` to `/token` (JSON), and reads the access token from
 * `token`, `access_token` or `jwt` and the refresh token from `refresh_token` or `refresh`,
 * at the top level or under `data`.
 */
import { bytesToUtf8, isBytes } from '../../core/bytes.js';
import { type NowOption, resolveNow } from '../../core/clock.js';
import { HostsigError, isHostsigError } from '../../core/errors.js';
import { redactSecrets } from '../../core/redact.js';
import { decodeJwt } from '../../jwt/decode.js';
import type { BasicCredentials } from './basic.js';
import { formatBearerAuth } from './bearer.js';

/** A request to send: hand it to `fetch(url, { method, headers, body })`. */
export interface HostBillHttpRequest {
  /** The HTTP method: login and refresh are POSTs. */
  method: 'POST';
  /** `<baseUrl>/login` or `<baseUrl>/token`, e.g. `https://billing.example.com/api/login`. */
  url: string;
  /** `content-type` and `accept`, both `application/json`. */
  headers: Record<string, string>;
  /** The JSON body: `{"username","password"}` or `{"refresh_token"}`; holds secrets, never log it. */
  body: string;
}

/** The useful part of a token reply. */
export interface HostBillTokenReply {
  /** The access token, a compact JWT, read from the reply's `token`, `access_token` or `jwt` field. */
  accessToken: string;
  /** The refresh token, from the reply's `refresh_token` or `refresh` field; absent when the reply has none. */
  refreshToken?: string;
  /** The access token's `exp` (decoded locally, not verified), or now + `expires_in`. */
  expiresAt?: number;
}

function apiUrl(baseUrl: string, path: string): string {
  let u: URL;
  try {
    u = new URL(baseUrl);
  } catch {
    throw new HostsigError('INVALID_ARGUMENT', '"baseUrl" expected an absolute URL such as https://billing.example.com/api/');
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new HostsigError('INVALID_ARGUMENT', '"baseUrl" must be http(s)');
  if (!u.pathname.endsWith('/')) u.pathname += '/';
  return new URL(path, u).toString();
}

const JSON_HEADERS = { 'content-type': 'application/json', accept: 'application/json' } as const;

/** The same HostsigError with its message, details and cause scrubbed of `secrets`. */
function scrubError(e: HostsigError, secrets: readonly string[]): HostsigError {
  const details: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(e.details)) details[k] = typeof v === 'string' ? redactSecrets(v, secrets) : v;
  const cause = scrubCause((e as { cause?: unknown }).cause, secrets);
  return new HostsigError(e.code, redactSecrets(e.message, secrets), details, cause === undefined ? undefined : { cause });
}

/** A caller's fetch error, reduced to its name and scrubbed message (it may echo the request). */
function scrubCause(c: unknown, secrets: readonly string[]): Error | undefined {
  if (c === undefined) return undefined;
  const out = new Error(redactSecrets(c instanceof Error ? c.message : String(c), secrets));
  if (c instanceof Error) out.name = c.name;
  return out;
}

/**
 * Builds `POST <base>/login` with the client's credentials.
 * @param baseUrl the API base, e.g. `https://billing.example.com/api/`
 * @param credentials `{ username, password }` (username: the client's e-mail)
 * @throws HostsigError `INVALID_ARGUMENT`
 * @example
 * ```ts
 * import { hostBillLoginRequest } from 'hostsig/hostbill';
 *
 * const r = hostBillLoginRequest('https://billing.example.com/api/', { username: 'a@b.c', password: 'pw' });
 * r.url // => 'https://billing.example.com/api/login'
 * r.body // => '{"username":"a@b.c","password":"pw"}'
 * // Then: await fetch(r.url, r);
 * ```
 */
export function hostBillLoginRequest(baseUrl: string, credentials: BasicCredentials): HostBillHttpRequest {
  if (typeof credentials !== 'object' || credentials === null || typeof credentials.username !== 'string' || typeof credentials.password !== 'string') {
    throw new HostsigError('INVALID_ARGUMENT', '"credentials" expected { username: string, password: string }');
  }
  return { method: 'POST', url: apiUrl(baseUrl, 'login'), headers: { ...JSON_HEADERS }, body: JSON.stringify({ username: credentials.username, password: credentials.password }) };
}

/**
 * Builds `POST <base>/token` with `{"refresh_token": "..."}`.
 * @param baseUrl the API base
 * @param refreshToken the refresh token from the last reply
 * @throws HostsigError `INVALID_ARGUMENT`
 * @example
 * ```ts
 * import { hostBillRefreshRequest } from 'hostsig/hostbill';
 *
 * const r = hostBillRefreshRequest('https://billing.example.com/api/', 'rt-123');
 * r.url // => 'https://billing.example.com/api/token'
 * r.body // => '{"refresh_token":"rt-123"}'
 * ```
 */
export function hostBillRefreshRequest(baseUrl: string, refreshToken: string): HostBillHttpRequest {
  if (typeof refreshToken !== 'string' || refreshToken.length === 0) throw new HostsigError('INVALID_ARGUMENT', '"refreshToken" expected a non-empty string');
  return { method: 'POST', url: apiUrl(baseUrl, 'token'), headers: { ...JSON_HEADERS }, body: JSON.stringify({ refresh_token: refreshToken }) };
}

function pick(o: Record<string, unknown>, names: string[]): unknown {
  for (const n of names) if (Object.prototype.hasOwnProperty.call(o, n) && o[n] !== undefined) return o[n];
  return undefined;
}

/**
 * Reads a login or refresh reply. Only the access token's `exp` is read (locally, without
 * verifying: the client cannot and need not verify it).
 * @param body the reply body (text, bytes, or parsed JSON)
 * @param now clock for `expires_in` replies
 * @returns `{ accessToken, refreshToken?, expiresAt? }`
 * @throws HostsigError `PROVIDER_ERROR` (not JSON, or an error reply, details `{ error }`),
 *   `TOKEN_INVALID` (no token, or the token is not a JWT)
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { parseHostBillTokenReply } from 'hostsig/hostbill';
 * import { signJwt } from 'hostsig/jwt';
 * import { importPrivateKey } from 'hostsig/rsa';
 *
 * const key = importPrivateKey(readFileSync('vectors/keys/rsa2048.pkcs1.pem', 'utf8'));
 * const token = signJwt({ sub: 'client-42' }, key, { expiresIn: '15m', now: 1700000000 });
 * parseHostBillTokenReply(JSON.stringify({ token, refresh_token: 'rt-123' })) // => { accessToken: token, refreshToken: 'rt-123', expiresAt: 1700000900 }
 * parseHostBillTokenReply('{"error":"invalid credentials"}') // => throws PROVIDER_ERROR
 * ```
 */
export function parseHostBillTokenReply(body: string | Uint8Array | Readonly<Record<string, unknown>>, now?: NowOption): HostBillTokenReply {
  let json: unknown = body;
  if (isBytes(body) || typeof body === 'string') {
    try {
      json = JSON.parse(isBytes(body) ? bytesToUtf8(body) : body);
    } catch {
      throw new HostsigError('PROVIDER_ERROR', 'token reply is not JSON');
    }
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new HostsigError('PROVIDER_ERROR', 'token reply is not a JSON object');
  let o = json as Record<string, unknown>;
  const data = o.data;
  if (typeof data === 'object' && data !== null && !Array.isArray(data) && pick(o, ['token', 'access_token', 'jwt']) === undefined) o = data as Record<string, unknown>;
  const error = pick(json as Record<string, unknown>, ['error', 'errors']);
  const access = pick(o, ['token', 'access_token', 'jwt']);
  if (typeof access !== 'string' || access.length === 0) {
    if (error !== undefined || (json as Record<string, unknown>).success === false) {
      throw new HostsigError('PROVIDER_ERROR', 'HostBill refused the request', { error: JSON.stringify(error ?? null).slice(0, 500) });
    }
    throw new HostsigError('TOKEN_INVALID', 'token reply has no access token');
  }
  const reply: HostBillTokenReply = { accessToken: access };
  const refresh = pick(o, ['refresh_token', 'refresh']);
  if (typeof refresh === 'string' && refresh.length > 0) reply.refreshToken = refresh;
  let exp: number | undefined;
  try {
    exp = decodeJwt(access).exp;
  } catch (e) {
    throw new HostsigError('TOKEN_INVALID', 'access token is not a JWT', {}, { cause: e });
  }
  if (exp !== undefined) reply.expiresAt = exp;
  else {
    const expiresIn = pick(o, ['expires_in']);
    if (typeof expiresIn === 'number' && Number.isFinite(expiresIn) && expiresIn > 0) reply.expiresAt = resolveNow(now) + expiresIn;
  }
  return reply;
}

/** The `fetch` a session uses (the global one, or a test double). */
export type FetchLike = (url: string, init: { method: string; headers: Record<string, string>; body?: string }) => Promise<{
  /** True for a 2xx status. */
  ok: boolean;
  /** The HTTP status code. */
  status: number;
  /** The response body as text. */
  text(): Promise<string>;
}>;

/** What {@link HostBillSession} takes. */
export interface HostBillSessionOptions {
  /** API base, e.g. `https://billing.example.com/api/`. */
  baseUrl: string;
  /** Credentials for `/login` (needed unless a refresh token is given). */
  credentials?: BasicCredentials;
  /** A refresh token from an earlier session. */
  refreshToken?: string;
  /** `fetch`; default `globalThis.fetch`. */
  fetch?: FetchLike;
  /** Refresh this many seconds before `exp`. Default 30. */
  skewSec?: number;
  /** Clock (tests inject one). */
  now?: NowOption;
}

/**
 * A HostBill JWT session: logs in on first use, keeps the access token until `exp` minus
 * `skewSec`, refreshes with the refresh token (falling back to a fresh login when the refresh
 * is refused), and signs every request with `Authorization: Bearer`. Concurrent callers share
 * one login/refresh.
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { HostBillSession, HostBillTokenIssuer, MemoryRefreshTokenStore, type FetchLike } from 'hostsig/hostbill';
 * import { importPrivateKey } from 'hostsig/rsa';
 *
 * // A stand-in HostBill built from hostsig's server half.
 * const issuer = new HostBillTokenIssuer({
 *   privateKey: importPrivateKey(readFileSync('vectors/keys/rsa2048.pkcs1.pem', 'utf8')),
 *   store: new MemoryRefreshTokenStore(),
 * });
 * const fetch: FetchLike = async (url, init) => {
 *   let status = 200;
 *   let body = '';
 *   if (url.endsWith('/login')) body = JSON.stringify(await issuer.issue('client-42'));
 *   else {
 *     const r = issuer.verifyBearer(init.headers['authorization']);
 *     status = r.ok ? 200 : 401;
 *     body = r.ok ? JSON.stringify({ client: r.subject }) : '{}';
 *   }
 *   return { ok: status === 200, status, text: async () => body };
 * };
 *
 * const session = new HostBillSession({ baseUrl: 'https://billing.example.com/api/', credentials: { username: 'a@b.c', password: 'pw' }, fetch });
 * const res = await session.fetch('details');
 * await res.text() // => '{"client":"client-42"}'
 * ```
 */
export class HostBillSession {
  readonly #o: Required<Pick<HostBillSessionOptions, 'baseUrl' | 'skewSec'>> & HostBillSessionOptions;
  readonly #fetch: FetchLike;
  #access: HostBillTokenReply | undefined;
  #refresh: string | undefined;
  #pending: Promise<string> | undefined;

  /**
   * Makes a session; nothing is sent until the first request.
   * @param options base URL, credentials and/or a refresh token, fetch, skew, clock
   * @throws HostsigError `INVALID_ARGUMENT` (bad base URL or skew, neither credentials nor a refresh token, no fetch)
   */
  constructor(options: HostBillSessionOptions) {
    if (typeof options !== 'object' || options === null) throw new HostsigError('INVALID_ARGUMENT', '"options" expected object');
    apiUrl(options.baseUrl, 'login'); // validates the URL now
    const skewSec = options.skewSec ?? 30;
    if (typeof skewSec !== 'number' || !Number.isFinite(skewSec) || skewSec < 0) throw new HostsigError('INVALID_ARGUMENT', '"skewSec" must be a non-negative number');
    if (!options.credentials && !options.refreshToken) throw new HostsigError('INVALID_ARGUMENT', 'a session needs "credentials" or a "refreshToken"');
    const f = options.fetch ?? (globalThis.fetch as unknown as FetchLike | undefined);
    if (typeof f !== 'function') throw new HostsigError('INVALID_ARGUMENT', '"fetch" expected a function');
    this.#fetch = f;
    this.#o = { ...options, skewSec };
    this.#refresh = options.refreshToken;
  }

  /** The current refresh token (store it to resume a session later). */
  get refreshToken(): string | undefined {
    return this.#refresh;
  }

  /** Forgets the access token (the next call logs in or refreshes). */
  invalidate(): void {
    this.#access = undefined;
  }

  #fresh(): string | undefined {
    const a = this.#access;
    if (!a) return undefined;
    if (a.expiresAt === undefined || resolveNow(this.#o.now) < a.expiresAt - this.#o.skewSec) return a.accessToken;
    return undefined;
  }

  /** What this session sends and must never show in an error: the password and the refresh token. */
  #secrets(): string[] {
    const out: string[] = [];
    const pw = this.#o.credentials?.password;
    if (typeof pw === 'string') out.push(pw);
    if (this.#refresh) out.push(this.#refresh);
    return out;
  }

  async #send(req: HostBillHttpRequest): Promise<HostBillTokenReply> {
    // A provider (or a proxy) may echo the request, secrets included, into its error reply.
    const secrets = this.#secrets();
    let res: Awaited<ReturnType<FetchLike>>;
    let text: string;
    try {
      res = await this.#fetch(req.url, { method: req.method, headers: req.headers, body: req.body });
      text = await res.text();
    } catch (e) {
      const u = new URL(req.url); // named without any user:password@ of the base URL
      throw new HostsigError('PROVIDER_ERROR', `request to ${u.origin}${u.pathname} failed`, {}, { cause: scrubCause(e, secrets) });
    }
    if (!res.ok) {
      let error: unknown = text.slice(0, 500);
      try {
        error = (JSON.parse(text) as { error?: unknown }).error ?? error;
      } catch {
        /* not JSON: keep the text */
      }
      throw new HostsigError('PROVIDER_ERROR', `HostBill answered ${res.status}`, { status: res.status, error: redactSecrets(JSON.stringify(error ?? null).slice(0, 500), secrets) });
    }
    try {
      return parseHostBillTokenReply(text, this.#o.now);
    } catch (e) {
      throw isHostsigError(e) ? scrubError(e, secrets) : e;
    }
  }

  async #renew(): Promise<string> {
    let reply: HostBillTokenReply | undefined;
    if (this.#refresh) {
      try {
        reply = await this.#send(hostBillRefreshRequest(this.#o.baseUrl, this.#refresh));
      } catch (e) {
        // A refused refresh (expired, rotated elsewhere) falls back to a login when we can.
        if (!this.#o.credentials || !isHostsigError(e)) throw e;
        this.#refresh = undefined;
      }
    }
    if (!reply) {
      if (!this.#o.credentials) throw new HostsigError('TOKEN_EXPIRED', 'session expired and no credentials to log in again');
      reply = await this.#send(hostBillLoginRequest(this.#o.baseUrl, this.#o.credentials));
    }
    this.#access = reply;
    if (reply.refreshToken) this.#refresh = reply.refreshToken;
    return reply.accessToken;
  }

  /**
   * A valid access token, logging in or refreshing when needed.
   * @throws HostsigError `PROVIDER_ERROR`, `TOKEN_INVALID`, `TOKEN_EXPIRED`
   */
  async accessToken(): Promise<string> {
    const t = this.#fresh();
    if (t) return t;
    this.#pending ??= this.#renew().finally(() => {
      this.#pending = undefined;
    });
    return this.#pending;
  }

  /**
   * The `Authorization` header value for the next request: `Bearer <jwt>`.
   * @throws HostsigError as {@link accessToken}
   */
  async authorization(): Promise<string> {
    return formatBearerAuth(await this.accessToken());
  }

  /**
   * Sends a request to `<base>/<path>` with `Authorization: Bearer`. A 401 answer makes the
   * session drop its token and retry once with a new one.
   * @param path path under the API base, e.g. `details`
   * @param init method (default GET), headers, body
   * @returns the response of the `fetch` given to the session
   * @throws HostsigError as {@link accessToken}
   */
  async fetch(path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Awaited<ReturnType<FetchLike>>> {
    const url = apiUrl(this.#o.baseUrl, path.replace(/^\/+/, ''));
    const send = async (): Promise<Awaited<ReturnType<FetchLike>>> => this.#fetch(url, { method: init.method ?? 'GET', headers: { ...init.headers, authorization: await this.authorization() }, ...(init.body !== undefined ? { body: init.body } : {}) });
    const res = await send();
    if (res.status !== 401) return res;
    this.invalidate();
    return send();
  }
}
