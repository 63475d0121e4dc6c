import { bytesToHex, utf8ToBytes } from '../../core/bytes.js';
import { sha256 } from '../../core/hmac.js';
import type { ParamsInput } from '../../core/php/array.js';
import { jsJsonStringify, phpJsonEncode, rubyToJson } from '../../core/php/json.js';

/**
 * How the params are turned into the JSON part of the hashed string.
 * - `php`: `json_encode(json_encode($params, JSON_FORCE_OBJECT))`, the official PHP client.
 * - `js`: `JSON.stringify(JSON.stringify(params))`, the official Node client (npm `hdcore`):
 *   `/` and non-ASCII raw, lists as arrays, integer-like keys moved first.
 * - `ruby`: `params.to_json.to_json`, the official Ruby gem (`hdcore-rb`): strings as `js`
 *   writes them, but a Hash keeps insertion order, and floats are Ruby's (`1.0e-05`).
 */
export type HostDimeDialect = 'php' | 'js' | 'ruby';

/** The dialects hostsig knows: `php` (the official PHP client, what the server checks), `js` and `ruby`. */
export const HOSTDIME_DIALECTS: readonly HostDimeDialect[] = ['php', 'js', 'ruby'];

/**
 * The inner JSON encoding of the params, before it is encoded again.
 * @param params the call's params, in order
 * @param dialect `php` (default), `js` or `ruby`
 * @throws HostsigError `INVALID_UTF8` / `JSON_ENCODE_FAILED` when the params cannot be encoded
 * @example
 * ```ts
 * import { hostDimeParamsJson } from 'hostsig/hostdime';
 *
 * hostDimeParamsJson([['url', 'http://example.com/a']]) // => '{"url":"http:\\/\\/example.com\\/a"}'
 * hostDimeParamsJson([['url', 'http://example.com/a']], 'js') // => '{"url":"http://example.com/a"}'
 * hostDimeParamsJson([['url', 'http://example.com/a']], 'ruby') // => '{"url":"http://example.com/a"}'
 * hostDimeParamsJson([]) // => '{}'
 *
 * // An integer-like key: a JavaScript object moves it first, a Ruby Hash (and PHP) keep it in place.
 * const params = new Map([['a', 'x'], ['5', 'five']]);
 * hostDimeParamsJson(params, 'js') // => '{"5":"five","a":"x"}'
 * hostDimeParamsJson(params, 'ruby') // => '{"a":"x","5":"five"}'
 * ```
 */
export function hostDimeParamsJson(params: ParamsInput, dialect: HostDimeDialect = 'php'): string {
  // The Node and Ruby clients' params are always an object (a Hash), even when empty or list-shaped.
  if (dialect === 'js') return jsJsonStringify(params, { topLevelObject: true });
  if (dialect === 'ruby') return rubyToJson(params, { topLevelObject: true });
  return phpJsonEncode(params, { forceObject: true });
}

/**
 * The JSON part of the hashed string: the params encoded twice in the given dialect.
 * @param params the call's params, in order
 * @param dialect `php` (default), `js` or `ruby`
 * @throws HostsigError `INVALID_UTF8` / `JSON_ENCODE_FAILED` when the params cannot be encoded
 * @example
 * ```ts
 * import { hostDimeDoubleJson } from 'hostsig/hostdime';
 *
 * hostDimeDoubleJson([['status', 'registered'], ['order', 'desc']]) // => '"{\\"status\\":\\"registered\\",\\"order\\":\\"desc\\"}"'
 * hostDimeDoubleJson([['name', 'José']]) // => '"{\\"name\\":\\"Jos\\\\u00e9\\"}"'
 * ```
 */
export function hostDimeDoubleJson(params: ParamsInput, dialect: HostDimeDialect = 'php'): string {
  const inner = hostDimeParamsJson(params, dialect);
  if (dialect === 'js') return JSON.stringify(inner);
  if (dialect === 'ruby') return rubyToJson(inner);
  // PHP's inner JSON is printable ASCII, so encoding it again only escapes '"', '\' and '/'.
  return `"${inner.replace(/["\\/]/g, '\\$&')}"`;
}

/** What {@link canonicalHostDime} hashes: the request's `api_*` fields and its params. */
export interface HostDimeCanonicalInput {
  /** `api_timestamp` exactly as sent (Unix seconds). */
  timestamp: number | string;
  /** `api_unique`. */
  unique: string;
  /** The private key (the secret half). */
  privateKey: string;
  /** Dotted method, e.g. `domain.list`. */
  method: string;
  /** The caller's params, without any `api_*` field. */
  params: ParamsInput;
  /** How the params are JSON-encoded: `php` (default), `js` or `ruby` (see {@link HostDimeDialect}). */
  dialect?: HostDimeDialect;
}

/**
 * The exact string HostDime hashes: `TIMESTAMP:UNIQUE:PRIVATE_KEY:METHOD:` + the params
 * JSON-encoded twice. It contains the private key: print it only where the key may be seen.
 * @param input the `api_*` values, the method and the params
 * @throws HostsigError `INVALID_UTF8` / `JSON_ENCODE_FAILED` when the params cannot be encoded.
 * @example
 * ```ts
 * import { canonicalHostDime } from 'hostsig/hostdime';
 *
 * // HostDime's documented example.
 * canonicalHostDime({
 *   timestamp: 1369758680,
 *   unique: 'ABCDEF',
 *   privateKey: 'fazbaz',
 *   method: 'domain.list',
 *   params: [['status', 'registered'], ['order', 'desc']],
 * }) // => '1369758680:ABCDEF:fazbaz:domain.list:"{\\"status\\":\\"registered\\",\\"order\\":\\"desc\\"}"'
 * ```
 */
export function canonicalHostDime(input: HostDimeCanonicalInput): string {
  const ts = typeof input.timestamp === 'number' ? String(input.timestamp) : input.timestamp;
  return `${ts}:${input.unique}:${input.privateKey}:${input.method}:${hostDimeDoubleJson(input.params, input.dialect)}`;
}

/**
 * SHA-256 of the canonical string's UTF-8 bytes.
 * @param canonical the canonical string
 * @throws HostsigError `INVALID_UTF8` for a lone surrogate
 * @example
 * ```ts
 * import { bytesToHex } from 'hostsig/core';
 * import { hostDimeHashBytes } from 'hostsig/hostdime';
 *
 * bytesToHex(hostDimeHashBytes('1369758680:ABCDEF:fazbaz:server.list:"{}"')) // => '4279db7777096dcb45480574ca95b67430dfe431f8581a7d26c3fb41a4fbdec8'
 * ```
 */
export function hostDimeHashBytes(canonical: string): Uint8Array {
  return sha256(utf8ToBytes(canonical));
}

/**
 * `api_hash`: lowercase hex SHA-256 of the canonical string.
 * @param canonical the canonical string
 * @throws HostsigError `INVALID_UTF8` for a lone surrogate
 * @example
 * ```ts
 * import { hashHostDime } from 'hostsig/hostdime';
 *
 * hashHostDime('1369758680:ABCDEF:fazbaz:domain.list:"{\\"status\\":\\"registered\\",\\"order\\":\\"desc\\"}"') // => '499b5d8b8bce0f66d829d9186fb475c16b505ef7e6238c3b43c3342902ce27dd'
 * ```
 */
export function hashHostDime(canonical: string): string {
  return bytesToHex(hostDimeHashBytes(canonical));
}
