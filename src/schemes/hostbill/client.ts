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
import { decodeJwt } from '../../jwt/decode.js';
import type { BasicCredentials } from './basic.js';
import { formatBearerAuth } from './bearer.js';

/** A request to send: hand it to `fetch(url, { method, headers, body })`. */
export interface HostBillHttpRequest {
  method: 'POST';
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** The useful part of a token reply. */
export interface HostBillTokenReply {
  accessToken: string;
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

/**
 * Builds `POST <base>/login` with the client's credentials.
 * @param baseUrl the API base, e.g. `https://billing.example.com/api/`
 * @param credentials `{ username, password }` (username: the client's e-mail)
 * @throws HostsigError `INVALID_ARGUMENT`
 * @example
 * const r = hostBillLoginRequest('https://billing.example.com/api/', { username: 'a@b.c', password: 'pw' });
 * const res = await fetch(r.url, r);
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
 * const r = hostBillRefreshRequest(base, session.refreshToken);
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
 * const reply = parseHostBillTokenReply(await res.text());
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
export type FetchLike = (url: string, init: { method: string; headers: Record<string, string>; body?: string }) => Promise<{ ok: boolean; status: number; text(): Promise<string> }>;

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
 * const s = new HostBillSession({ baseUrl: 'https://billing.example.com/api/', credentials: { username, password } });
 * const res = await s.fetch('details');
 */
export class HostBillSession {
  readonly #o: Required<Pick<HostBillSessionOptions, 'baseUrl' | 'skewSec'>> & HostBillSessionOptions;
  readonly #fetch: FetchLike;
  #access: HostBillTokenReply | undefined;
  #refresh: string | undefined;
  #pending: Promise<string> | undefined;

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

  async #send(req: HostBillHttpRequest): Promise<HostBillTokenReply> {
    let res: Awaited<ReturnType<FetchLike>>;
    try {
      res = await this.#fetch(req.url, { method: req.method, headers: req.headers, body: req.body });
    } catch (e) {
      throw new HostsigError('PROVIDER_ERROR', `request to ${req.url} failed`, {}, { cause: e });
    }
    const text = await res.text();
    if (!res.ok) {
      let error: unknown = text.slice(0, 500);
      try {
        error = (JSON.parse(text) as { error?: unknown }).error ?? error;
      } catch {
        /* not JSON: keep the text */
      }
      throw new HostsigError('PROVIDER_ERROR', `HostBill answered ${res.status}`, { status: res.status, error: JSON.stringify(error).slice(0, 500) });
    }
    return parseHostBillTokenReply(text, this.#o.now);
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
