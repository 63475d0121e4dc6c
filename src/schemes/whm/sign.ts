import { HostsigError } from '../../core/errors.js';
import { isJsonObject, own, parseJsonSafe, type SafeJsonObject, type SafeJsonValue } from '../../core/json-safe.js';
import { PhpArray } from '../../core/php/array.js';
import { httpBuildQuery, parseStr } from '../../core/php/query.js';
import { isWhmToken } from './token.js';
import type { WhmTokenRecord } from './verify.js';

/** `token_name`: 1..50 of `[A-Za-z0-9_-]`. */
export const WHM_TOKEN_NAME_RE = /^[A-Za-z0-9_-]{1,50}$/;

/** A WHM API 1 request: `GET /json-api/<function>?api.version=1&...`. */
export interface WhmApiRequest {
  /** The HTTP method: WHM API 1 calls here are GETs. */
  readonly method: 'GET';
  /** `/json-api/<function>`, e.g. `/json-api/api_token_create`. */
  readonly path: string;
  /** The query string without `?`, form-encoded as PHP `http_build_query` would. */
  readonly query: string;
  /** `path?query`. */
  readonly pathAndQuery: string;
}

/** What `api_token_create` takes, camelCase. */
export interface WhmTokenCreateInput {
  /** `token_name`: 1..50 of `[A-Za-z0-9_-]` ({@link WHM_TOKEN_NAME_RE}), unique per user. */
  tokenName: string;
  /** ACL names; omitted = the creator's full rights. */
  acls?: readonly string[];
  /** Unix seconds; 0 or omitted = never. */
  expiresAt?: number;
  /** Addresses and CIDR ranges. */
  whitelistIps?: readonly string[];
}

/** A token as `api_token_list` / `api_token_create` describe it (never with a digest). */
export interface WhmTokenInfo {
  /** `token_name` (or, in a list keyed by name, the key). */
  name: string;
  /** The ACL names the token carries (`all` for everything); `[]` when the reply lists none. */
  acls: string[];
  /** Unix seconds, or null for never. */
  expiresAt: number | null;
  /** `whitelist_ips`: the addresses and CIDR ranges allowed to use it; `[]` = any address. */
  whitelistIps: string[];
  /** `create_time`: Unix seconds of creation, or null when the reply has none. */
  createdAt: number | null;
}

const ACL_RE = /^[a-z0-9_-]{1,64}$/i;

function checkName(name: unknown): string {
  if (typeof name !== 'string' || !WHM_TOKEN_NAME_RE.test(name)) throw new HostsigError('INVALID_ARGUMENT', '"tokenName" must be 1..50 of [A-Za-z0-9_-]');
  return name;
}

function checkStrings(v: unknown, what: string, re: RegExp | null): string[] {
  if (!Array.isArray(v)) throw new HostsigError('INVALID_ARGUMENT', `"${what}" expected an array of strings`);
  return v.map((s) => {
    if (typeof s !== 'string' || (re && !re.test(s)) || s.length > 128) throw new HostsigError('INVALID_ARGUMENT', `"${what}" has an invalid entry`);
    return s;
  });
}

function request(fn: string, pairs: [string, string][]): WhmApiRequest {
  const query = httpBuildQuery([['api.version', '1'], ...pairs]);
  const path = `/json-api/${fn}`;
  return { method: 'GET', path, query, pathAndQuery: `${path}?${query}` };
}

/** WHM API 1 lists: `name-1=a&name-2=b` (one value: `name=a`). */
function listPairs(name: string, values: readonly string[]): [string, string][] {
  if (values.length === 1) return [[name, values[0]!]];
  return values.map((v, i) => [`${name}-${i + 1}`, v]);
}

/**
 * Builds the `api_token_create` request.
 * @param input token name, ACLs, expiry, whitelist
 * @throws HostsigError `INVALID_ARGUMENT` for a bad name, ACL, expiry or whitelist entry
 * @example
 * ```ts
 * import { buildWhmTokenCreate } from 'hostsig/whm';
 *
 * buildWhmTokenCreate({ tokenName: 'ci', acls: ['list-accts'] }).pathAndQuery // => '/json-api/api_token_create?api.version=1&token_name=ci&acl=list-accts'
 * ```
 */
export function buildWhmTokenCreate(input: WhmTokenCreateInput): WhmApiRequest {
  const pairs: [string, string][] = [['token_name', checkName(input?.tokenName)]];
  if (input.acls !== undefined) pairs.push(...listPairs('acl', checkStrings(input.acls, 'acls', ACL_RE)));
  if (input.expiresAt !== undefined) {
    if (!Number.isSafeInteger(input.expiresAt) || input.expiresAt < 0) throw new HostsigError('INVALID_ARGUMENT', '"expiresAt" must be a non-negative integer');
    pairs.push(['expires_at', String(input.expiresAt)]);
  }
  if (input.whitelistIps !== undefined) pairs.push(...listPairs('whitelist_ip', checkStrings(input.whitelistIps, 'whitelistIps', /^[0-9A-Fa-f.:/]+$/)));
  return request('api_token_create', pairs);
}

/**
 * Builds the `api_token_list` request.
 * @example
 * ```ts
 * import { buildWhmTokenList } from 'hostsig/whm';
 *
 * buildWhmTokenList().pathAndQuery // => '/json-api/api_token_list?api.version=1'
 * ```
 */
export function buildWhmTokenList(): WhmApiRequest {
  return request('api_token_list', []);
}

/**
 * Builds the `api_token_revoke` request for one or more token names.
 * @param names one name or several
 * @throws HostsigError `INVALID_ARGUMENT` for an empty list or a bad name
 * @example
 * ```ts
 * import { buildWhmTokenRevoke } from 'hostsig/whm';
 *
 * buildWhmTokenRevoke('ci').query // => 'api.version=1&token_name=ci'
 * ```
 */
export function buildWhmTokenRevoke(names: string | readonly string[]): WhmApiRequest {
  const list = typeof names === 'string' ? [names] : names;
  if (!Array.isArray(list) || list.length === 0) throw new HostsigError('INVALID_ARGUMENT', '"names" must name at least one token');
  return request('api_token_revoke', listPairs('token_name', list.map(checkName)));
}

function fieldList(q: PhpArray, name: string): string[] {
  const out: string[] = [];
  const single = q.get(name);
  if (typeof single === 'string') out.push(single);
  else if (single !== undefined) throw new HostsigError('BODY_MALFORMED', `"${name}" must be a string`, { field: name });
  for (let i = 1; ; i++) {
    const v = q.get(`${name}-${i}`);
    if (v === undefined) break;
    if (typeof v !== 'string') throw new HostsigError('BODY_MALFORMED', `"${name}-${i}" must be a string`, { field: name });
    out.push(v);
  }
  return out;
}

/**
 * Parses an `api_token_create` query (the server side), reading `acl`/`acl-N` and
 * `whitelist_ip`/`whitelist_ip-N`.
 * @param query the raw query string (without `?`)
 * @throws HostsigError `MISSING_FIELD` (no `token_name`), `BODY_MALFORMED` (bad name, expiry,
 *   ACL or a field given as an array), `INVALID_UTF8`
 * @example
 * ```ts
 * import { parseWhmTokenCreate } from 'hostsig/whm';
 *
 * parseWhmTokenCreate('api.version=1&token_name=ci&acl-1=a&acl-2=b') // => { tokenName: 'ci', acls: ['a', 'b'] }
 * parseWhmTokenCreate('api.version=1&token_name=no spaces') // => throws BODY_MALFORMED
 * ```
 */
export function parseWhmTokenCreate(query: string | Uint8Array): WhmTokenCreateInput {
  const q = parseStr(query, { maxVars: 256 });
  const name = q.get('token_name');
  if (name === undefined) throw new HostsigError('MISSING_FIELD', '"token_name" is required', { field: 'token_name' });
  if (typeof name !== 'string' || !WHM_TOKEN_NAME_RE.test(name)) throw new HostsigError('BODY_MALFORMED', '"token_name" must be 1..50 of [A-Za-z0-9_-]', { field: 'token_name' });
  const out: WhmTokenCreateInput = { tokenName: name };
  const acls = fieldList(q, 'acl');
  if (acls.some((a) => !ACL_RE.test(a))) throw new HostsigError('BODY_MALFORMED', '"acl" has an invalid entry', { field: 'acl' });
  if (acls.length) out.acls = acls;
  const exp = q.get('expires_at');
  if (exp !== undefined) {
    if (typeof exp !== 'string' || !/^(?:0|[1-9][0-9]{0,14})$/.test(exp)) throw new HostsigError('BODY_MALFORMED', '"expires_at" must be Unix seconds', { field: 'expires_at' });
    out.expiresAt = Number(exp);
  }
  const ips = fieldList(q, 'whitelist_ip');
  if (ips.length) out.whitelistIps = ips;
  return out;
}

/** A parsed WHM API 1 reply envelope. */
export type WhmApiReply =
  | {
      /** `metadata.result` was 1. */
      readonly ok: true;
      /** `metadata.command`, the function that answered; null when absent. */
      readonly command: string | null;
      /** The reply's `data` member (null when absent), objects with a null prototype. */
      readonly data: SafeJsonValue;
    }
  | {
      /** `metadata.result` was 0. */
      readonly ok: false;
      /** `metadata.command`, the function that answered; null when absent. */
      readonly command: string | null;
      /** `metadata.reason`, the provider's words (at most 500 characters; `''` when absent). */
      readonly reason: string;
    };

/**
 * Parses a WHM API 1 reply: `{"data": ..., "metadata": {"result": 1|0, "reason": "...", ...}}`.
 * Objects come back with a null prototype.
 * @param body the reply body
 * @throws HostsigError `BODY_MALFORMED` when it is not JSON or has no `metadata.result` 0/1
 * @example
 * ```ts
 * import { parseWhmApiReply } from 'hostsig/whm';
 *
 * parseWhmApiReply('{"metadata":{"result":0,"reason":"denied"}}') // => { ok: false, command: null, reason: 'denied' }
 * parseWhmApiReply('{"data":{"x":1},"metadata":{"result":1,"reason":"OK","command":"c"}}') // => { ok: true, command: 'c', data: { x: 1 } }
 * ```
 */
export function parseWhmApiReply(body: string | Uint8Array): WhmApiReply {
  const j = parseJsonSafe(body);
  if (!isJsonObject(j)) throw new HostsigError('BODY_MALFORMED', 'WHM reply is not a JSON object');
  const meta = own(j, 'metadata');
  if (!isJsonObject(meta)) throw new HostsigError('BODY_MALFORMED', 'WHM reply has no metadata');
  const result = own(meta, 'result');
  const cmd = own(meta, 'command');
  const command = typeof cmd === 'string' ? cmd : null;
  const reasonRaw = own(meta, 'reason');
  const reason = typeof reasonRaw === 'string' ? reasonRaw.slice(0, 500) : '';
  if (result === 1 || result === '1') return { ok: true, command, data: own(j, 'data') ?? null };
  if (result === 0 || result === '0') return { ok: false, command, reason };
  throw new HostsigError('BODY_MALFORMED', 'WHM reply metadata.result is not 0 or 1');
}

function expectOk(body: string | Uint8Array, command: string): SafeJsonValue {
  const r = parseWhmApiReply(body);
  if (r.command !== null && r.command !== command) throw new HostsigError('BODY_MALFORMED', `reply is for ${r.command.slice(0, 64)}, not ${command}`);
  if (!r.ok) throw new HostsigError('PROVIDER_ERROR', `${command} failed: ${r.reason}`, { reason: r.reason });
  return r.data;
}

function num(v: SafeJsonValue | undefined): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^[0-9]{1,15}$/.test(v)) return Number(v);
  return null;
}

function strList(v: SafeJsonValue | undefined): string[] {
  if (typeof v === 'string') return v ? [v] : [];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function tokenInfo(o: SafeJsonObject, fallbackName: string): WhmTokenInfo {
  const name = own(o, 'name') ?? own(o, 'token_name') ?? fallbackName;
  if (typeof name !== 'string' || !WHM_TOKEN_NAME_RE.test(name)) throw new HostsigError('BODY_MALFORMED', 'token entry has no valid name');
  const exp = num(own(o, 'expires_at'));
  return {
    name,
    acls: strList(own(o, 'acls')),
    expiresAt: exp === 0 ? null : exp,
    whitelistIps: strList(own(o, 'whitelist_ips')),
    createdAt: num(own(o, 'create_time')),
  };
}

/**
 * Parses the `api_token_create` reply; the only place the new token ever appears.
 * @param body the reply body
 * @throws HostsigError `PROVIDER_ERROR` (`metadata.result` 0, `details.reason`),
 *   `BODY_MALFORMED` (no valid `data.token`, or not a WHM reply)
 * @example
 * ```ts
 * import { digestWhmToken, parseWhmTokenCreateReply, whmTokenCreateReply } from 'hostsig/whm';
 *
 * const token = 'U7HMR63FGY292DQZ4H5BFH16JLYMO01M';
 * const body = whmTokenCreateReply(token, { name: 'ci', digest: digestWhmToken(token), acls: ['all'] });
 * parseWhmTokenCreateReply(body) // => { token: 'U7HMR63FGY292DQZ4H5BFH16JLYMO01M', info: { name: 'ci', acls: ['all'] } }
 * ```
 */
export function parseWhmTokenCreateReply(body: string | Uint8Array): {
  /** The new token, 32 of `[A-Z0-9]`: shown once, store only its digest. */
  token: string;
  /** What the reply says about it (name, ACLs, expiry, whitelist). */
  info: WhmTokenInfo;
} {
  const data = expectOk(body, 'api_token_create');
  if (!isJsonObject(data)) throw new HostsigError('BODY_MALFORMED', 'api_token_create reply has no data');
  const token = own(data, 'token');
  if (!isWhmToken(token)) throw new HostsigError('BODY_MALFORMED', 'api_token_create reply has no valid token');
  return { token, info: tokenInfo(data, '') };
}

/**
 * Parses the `api_token_list` reply: `data.tokens` keyed by token name (an array is accepted too).
 * @param body the reply body
 * @throws HostsigError `PROVIDER_ERROR`, `BODY_MALFORMED`
 * @example
 * ```ts
 * import { digestWhmToken, parseWhmTokenListReply, whmTokenListReply } from 'hostsig/whm';
 *
 * const body = whmTokenListReply([{ name: 'ci', digest: digestWhmToken('U7HMR63FGY292DQZ4H5BFH16JLYMO01M') }]);
 * parseWhmTokenListReply(body).map((t) => t.name) // => ['ci']
 * ```
 */
export function parseWhmTokenListReply(body: string | Uint8Array): WhmTokenInfo[] {
  const data = expectOk(body, 'api_token_list');
  if (!isJsonObject(data)) throw new HostsigError('BODY_MALFORMED', 'api_token_list reply has no data');
  const tokens = own(data, 'tokens');
  if (Array.isArray(tokens)) return tokens.map((t) => (isJsonObject(t) ? tokenInfo(t, '') : bad()));
  if (!isJsonObject(tokens)) throw new HostsigError('BODY_MALFORMED', 'api_token_list reply has no tokens');
  return Object.keys(tokens).map((k) => {
    const t = tokens[k];
    return isJsonObject(t) ? tokenInfo(t, k) : bad();
  });
}

function bad(): never {
  throw new HostsigError('BODY_MALFORMED', 'token entry is not an object');
}

/**
 * Parses the `api_token_revoke` reply.
 * @param body the reply body
 * @throws HostsigError `PROVIDER_ERROR` (`metadata.result` 0), `BODY_MALFORMED`
 * @example
 * ```ts
 * import { parseWhmTokenRevokeReply } from 'hostsig/whm';
 *
 * parseWhmTokenRevokeReply('{"metadata":{"result":1,"reason":"OK","command":"api_token_revoke"}}') // => undefined
 * parseWhmTokenRevokeReply('{"metadata":{"result":0,"reason":"no such token","command":"api_token_revoke"}}') // => throws PROVIDER_ERROR
 * ```
 */
export function parseWhmTokenRevokeReply(body: string | Uint8Array): void {
  expectOk(body, 'api_token_revoke');
}

function envelope(command: string, result: 0 | 1, reason: string, data: unknown): string {
  return JSON.stringify({ data, metadata: { command, reason, result, version: 1 } });
}

/**
 * The server side: a WHM API 1 reply body.
 * @param command the function name, e.g. `api_token_list`
 * @param data the `data` member
 * @example
 * ```ts
 * import { whmApiReply } from 'hostsig/whm';
 *
 * whmApiReply('api_token_revoke', null) // => '{"data":null,"metadata":{"command":"api_token_revoke","reason":"OK","result":1,"version":1}}'
 * ```
 */
export function whmApiReply(command: string, data: unknown): string {
  return envelope(command, 1, 'OK', data);
}

/**
 * The server side: a failed WHM API 1 reply (`metadata.result` 0 with `reason`).
 * @param command the function name
 * @param reason for people; never put a token in it
 * @example
 * ```ts
 * import { parseWhmApiReply, whmApiErrorReply } from 'hostsig/whm';
 *
 * parseWhmApiReply(whmApiErrorReply('api_token_create', 'name taken')) // => { ok: false, command: 'api_token_create', reason: 'name taken' }
 * ```
 */
export function whmApiErrorReply(command: string, reason: string): string {
  return envelope(command, 0, reason, null);
}

function recordJson(r: WhmTokenRecord): Record<string, unknown> {
  return {
    name: r.name,
    acls: [...(r.acls ?? [])],
    create_time: r.createdAt ?? null,
    expires_at: r.expiresAt ?? 0,
    whitelist_ips: [...(r.whitelistIps ?? [])],
  };
}

/**
 * The server side: the `api_token_create` reply, carrying the new token once.
 * @param token the token just generated
 * @param record its stored record
 * @throws HostsigError `INVALID_ARGUMENT` when `token` is not a token
 * @example
 * ```ts
 * import { digestWhmToken, generateWhmToken, parseWhmApiReply, whmTokenCreateReply } from 'hostsig/whm';
 *
 * const token = generateWhmToken();
 * const body = whmTokenCreateReply(token, { name: 'ci', digest: digestWhmToken(token), acls: ['all'], expiresAt: null });
 * parseWhmApiReply(body) // => { ok: true, command: 'api_token_create' }
 * ```
 */
export function whmTokenCreateReply(token: string, record: WhmTokenRecord): string {
  if (!isWhmToken(token)) throw new HostsigError('INVALID_ARGUMENT', '"token" is not 32 characters of [A-Z0-9]');
  return whmApiReply('api_token_create', { ...recordJson(record), token });
}

/**
 * The server side: the `api_token_list` reply, `data.tokens` keyed by name, without digests.
 * @param records the user's records
 * @example
 * ```ts
 * import { digestWhmToken, whmTokenListReply } from 'hostsig/whm';
 *
 * const body = whmTokenListReply([{ name: 'ci', digest: digestWhmToken('U7HMR63FGY292DQZ4H5BFH16JLYMO01M') }]);
 * body.includes('U7HMR63FGY292DQZ4H5BFH16JLYMO01M') // => false
 * ```
 */
export function whmTokenListReply(records: readonly WhmTokenRecord[]): string {
  const tokens: Record<string, unknown> = Object.create(null);
  for (const r of records) tokens[r.name] = recordJson(r);
  return whmApiReply('api_token_list', { tokens });
}
