import { HostsigError } from '../../core/errors.js';
import { httpBuildQuery } from '../../core/php/query.js';

/** The public invapi endpoint. */
export const HOSTKEY_BASE_URL = 'https://invapi.hostkey.com';
/** Session tokens: 32 lowercase hex characters. */
export const HOSTKEY_TOKEN_RE = /^[0-9a-f]{32}$/;
/** Callback keys of asynchronous actions: 32 hex characters. */
export const HOSTKEY_CALLBACK_RE = /^[0-9a-fA-F]{32}$/;
/** PINs: digits only, 4 to 16 of them (the length bounds are hostsig's; HostKey documents "int"). */
export const HOSTKEY_PIN_RE = /^[0-9]{4,16}$/;

/** A ready-to-send invapi request: `POST <base>/<module>.php` with a form body. */
export interface HostKeyRequest {
  /** The HTTP method: invapi requests built here are POSTs. */
  readonly method: 'POST';
  /** `<base>/<module>.php`, e.g. `https://invapi.hostkey.com/eq.php`. */
  readonly url: string;
  /** The headers to send: the body's content type. */
  readonly headers: {
    /** Always `application/x-www-form-urlencoded`. */
    readonly 'content-type': 'application/x-www-form-urlencoded';
  };
  /** The form body; holds secrets (password, key, token, PIN): never log it. */
  readonly body: string;
}

/** Field values a request may carry. */
export type HostKeyFieldValue = string | number | boolean;

const NAME_RE = /^[a-z][a-z0-9_]{0,63}$/;

function normBase(baseUrl: string | undefined): string {
  const b = baseUrl ?? HOSTKEY_BASE_URL;
  if (typeof b !== 'string' || !/^https?:\/\/[^\s/?#]+(?:\/[^\s?#]*)?$/.test(b)) throw new HostsigError('INVALID_ARGUMENT', '"baseUrl" must be an http(s) URL without query');
  return b.replace(/\/+$/, '');
}

function str(v: HostKeyFieldValue, name: string): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v);
  throw new HostsigError('INVALID_ARGUMENT', `field "${name.slice(0, 64)}" must be a string, an integer or a boolean`);
}

/**
 * Builds `POST <base>/<module>.php` with `action` first, then `fields` in order, encoded as
 * PHP's `http_build_query` (space as `+`).
 * @param module `auth`, `eq`, `eq_callback`, ...
 * @param action the `action` field
 * @param fields further fields (pairs or an object)
 * @param baseUrl default {@link HOSTKEY_BASE_URL}
 * @throws HostsigError `INVALID_ARGUMENT` for a bad module, action, field or base URL (never
 *   naming a field's value)
 * @example
 * ```ts
 * import { buildHostKeyRequest } from 'hostsig/hostkey';
 *
 * const r = buildHostKeyRequest('eq', 'show', { token: '0123456789abcdef0123456789abcdef', id: 42 });
 * r.url // => 'https://invapi.hostkey.com/eq.php'
 * r.body // => 'action=show&token=0123456789abcdef0123456789abcdef&id=42'
 * ```
 */
export function buildHostKeyRequest(
  module: string,
  action: string,
  fields: Readonly<Record<string, HostKeyFieldValue>> | readonly (readonly [string, HostKeyFieldValue])[] = [],
  baseUrl?: string,
): HostKeyRequest {
  if (typeof module !== 'string' || !NAME_RE.test(module)) throw new HostsigError('INVALID_ARGUMENT', '"module" must match [a-z][a-z0-9_]*');
  if (typeof action !== 'string' || !NAME_RE.test(action)) throw new HostsigError('INVALID_ARGUMENT', '"action" must match [a-z][a-z0-9_]*');
  const list = Array.isArray(fields) ? (fields as readonly (readonly [string, HostKeyFieldValue])[]) : Object.entries(fields ?? {});
  const pairs: [string, string][] = [['action', action]];
  for (const [k, v] of list) {
    if (typeof k !== 'string' || !/^[A-Za-z0-9_]{1,64}$/.test(k) || k === 'action') throw new HostsigError('INVALID_ARGUMENT', 'field names must be [A-Za-z0-9_]{1,64} and not "action"');
    pairs.push([k, str(v, k)]);
  }
  return {
    method: 'POST',
    url: `${normBase(baseUrl)}/${module}.php`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: httpBuildQuery(pairs),
  };
}

function checkToken(token: unknown): string {
  if (typeof token !== 'string' || !HOSTKEY_TOKEN_RE.test(token)) throw new HostsigError('INVALID_ARGUMENT', '"token" must be 32 lowercase hex characters');
  return token;
}

function checkPin(pin: unknown, name: string): string {
  const s = typeof pin === 'number' && Number.isSafeInteger(pin) && pin >= 0 ? String(pin) : pin;
  if (typeof s !== 'string' || !HOSTKEY_PIN_RE.test(s)) throw new HostsigError('INVALID_ARGUMENT', `"${name}" must be 4 to 16 digits`);
  return s;
}

function checkTtl(ttl: unknown): number {
  if (typeof ttl !== 'number' || !Number.isSafeInteger(ttl) || ttl <= 0) throw new HostsigError('INVALID_ARGUMENT', '"ttl" must be a positive integer of seconds');
  return ttl;
}

/** `whmcslogin` input. */
export interface HostKeyPasswordLogin {
  /** The billing (WHMCS) login, usually an e-mail address; sent as `user`. */
  user: string;
  /** The billing password, sent as `password`; a secret. */
  password: string;
  /** Session lifetime in seconds (documented default 10800). */
  ttl?: number;
  /** Bind the token to the caller's IP (`fix_ip=1`). */
  fixIp?: boolean;
}

/**
 * `auth.php action=whmcslogin&user&password[&ttl][&fix_ip]`.
 * @param input billing login, password, optional ttl and fix_ip
 * @param baseUrl default {@link HOSTKEY_BASE_URL}
 * @throws HostsigError `INVALID_ARGUMENT` (empty user or password, bad ttl)
 * @example
 * ```ts
 * import { hostKeyWhmcsLogin } from 'hostsig/hostkey';
 *
 * hostKeyWhmcsLogin({ user: 'me@example.com', password: 'pass word', ttl: 3600, fixIp: true }).body // => 'action=whmcslogin&user=me%40example.com&password=pass+word&ttl=3600&fix_ip=1'
 * ```
 */
export function hostKeyWhmcsLogin(input: HostKeyPasswordLogin, baseUrl?: string): HostKeyRequest {
  if (typeof input?.user !== 'string' || input.user.length === 0) throw new HostsigError('INVALID_ARGUMENT', '"user" must be a non-empty string');
  if (typeof input.password !== 'string' || input.password.length === 0) throw new HostsigError('INVALID_ARGUMENT', '"password" must be a non-empty string');
  const f: [string, HostKeyFieldValue][] = [
    ['user', input.user],
    ['password', input.password],
  ];
  if (input.ttl !== undefined) f.push(['ttl', checkTtl(input.ttl)]);
  if (input.fixIp !== undefined) f.push(['fix_ip', input.fixIp === true]);
  return buildHostKeyRequest('auth', 'whmcslogin', f, baseUrl);
}

/**
 * `auth.php action=login&key=<API key>` (login by API key).
 * @param apiKey the API key
 * @param baseUrl default {@link HOSTKEY_BASE_URL}
 * @param options `ttl` and `fixIp`, as for `whmcslogin`
 * @throws HostsigError `INVALID_ARGUMENT` for an empty key
 * @example
 * ```ts
 * import { hostKeyApiKeyLogin } from 'hostsig/hostkey';
 *
 * const r = hostKeyApiKeyLogin('my-api-key');
 * r.url // => 'https://invapi.hostkey.com/auth.php'
 * r.body // => 'action=login&key=my-api-key'
 * ```
 */
export function hostKeyApiKeyLogin(apiKey: string, baseUrl?: string, options: { ttl?: number; fixIp?: boolean } = {}): HostKeyRequest {
  if (typeof apiKey !== 'string' || apiKey.length === 0) throw new HostsigError('INVALID_ARGUMENT', '"apiKey" must be a non-empty string');
  const f: [string, HostKeyFieldValue][] = [['key', apiKey]];
  if (options.ttl !== undefined) f.push(['ttl', checkTtl(options.ttl)]);
  if (options.fixIp !== undefined) f.push(['fix_ip', options.fixIp === true]);
  return buildHostKeyRequest('auth', 'login', f, baseUrl);
}

/**
 * `auth.php action=logout&token`.
 * @param token the session token
 * @param baseUrl default {@link HOSTKEY_BASE_URL}
 * @throws HostsigError `INVALID_ARGUMENT` for a malformed token
 * @example
 * ```ts
 * import { hostKeyLogout } from 'hostsig/hostkey';
 *
 * hostKeyLogout('0123456789abcdef0123456789abcdef').body // => 'action=logout&token=0123456789abcdef0123456789abcdef'
 * ```
 */
export function hostKeyLogout(token: string, baseUrl?: string): HostKeyRequest {
  return buildHostKeyRequest('auth', 'logout', [['token', checkToken(token)]], baseUrl);
}

/**
 * `auth.php action=info&token`.
 * @param token the session token
 * @param baseUrl default {@link HOSTKEY_BASE_URL}
 * @throws HostsigError `INVALID_ARGUMENT` for a malformed token
 * @example
 * ```ts
 * import { hostKeyInfo } from 'hostsig/hostkey';
 *
 * hostKeyInfo('0123456789abcdef0123456789abcdef').body // => 'action=info&token=0123456789abcdef0123456789abcdef'
 * ```
 */
export function hostKeyInfo(token: string, baseUrl?: string): HostKeyRequest {
  return buildHostKeyRequest('auth', 'info', [['token', checkToken(token)]], baseUrl);
}

/**
 * `eq.php action=set_pin&token[&old_pin]&new_pin` (`oldPin` to change an existing PIN).
 * @param input token, new PIN, old PIN when changing
 * @param baseUrl default {@link HOSTKEY_BASE_URL}
 * @throws HostsigError `INVALID_ARGUMENT` for a malformed token or PIN (never echoing it)
 * @example
 * ```ts
 * import { hostKeySetPin } from 'hostsig/hostkey';
 *
 * const r = hostKeySetPin({ token: '0123456789abcdef0123456789abcdef', newPin: '482915' });
 * r.url // => 'https://invapi.hostkey.com/eq.php'
 * r.body // => 'action=set_pin&token=0123456789abcdef0123456789abcdef&new_pin=482915'
 * ```
 */
export function hostKeySetPin(input: { token: string; newPin: string | number; oldPin?: string | number }, baseUrl?: string): HostKeyRequest {
  const f: [string, HostKeyFieldValue][] = [['token', checkToken(input?.token)]];
  if (input.oldPin !== undefined) f.push(['old_pin', checkPin(input.oldPin, 'oldPin')]);
  f.push(['new_pin', checkPin(input.newPin, 'newPin')]);
  return buildHostKeyRequest('eq', 'set_pin', f, baseUrl);
}

/**
 * `eq.php action=check_pin&token&pin`.
 * @param input token and PIN
 * @param baseUrl default {@link HOSTKEY_BASE_URL}
 * @throws HostsigError `INVALID_ARGUMENT` for a malformed token or PIN
 * @example
 * ```ts
 * import { hostKeyCheckPin } from 'hostsig/hostkey';
 *
 * hostKeyCheckPin({ token: '0123456789abcdef0123456789abcdef', pin: '482915' }).body // => 'action=check_pin&token=0123456789abcdef0123456789abcdef&pin=482915'
 * hostKeyCheckPin({ token: '0123456789abcdef0123456789abcdef', pin: '48a' }) // => throws INVALID_ARGUMENT
 * ```
 */
export function hostKeyCheckPin(input: { token: string; pin: string | number }, baseUrl?: string): HostKeyRequest {
  return buildHostKeyRequest('eq', 'check_pin', [['token', checkToken(input?.token)], ['pin', checkPin(input.pin, 'pin')]], baseUrl);
}

/**
 * `eq_callback.php action=check&token&key=<callback>`: polls an asynchronous action.
 * @param input token and the callback key
 * @param baseUrl default {@link HOSTKEY_BASE_URL}
 * @throws HostsigError `INVALID_ARGUMENT` for a malformed token or callback key
 * @example
 * ```ts
 * import { hostKeyCallbackCheck } from 'hostsig/hostkey';
 *
 * const r = hostKeyCallbackCheck({ token: '0123456789abcdef0123456789abcdef', key: 'fedcba9876543210fedcba9876543210' });
 * r.url // => 'https://invapi.hostkey.com/eq_callback.php'
 * ```
 */
export function hostKeyCallbackCheck(input: { token: string; key: string }, baseUrl?: string): HostKeyRequest {
  if (typeof input?.key !== 'string' || !HOSTKEY_CALLBACK_RE.test(input.key)) throw new HostsigError('INVALID_ARGUMENT', '"key" must be 32 hex characters');
  return buildHostKeyRequest('eq_callback', 'check', [['token', checkToken(input.token)], ['key', input.key]], baseUrl);
}
