import { astring, bytesToBase64, isBytes, utf8ToBytes } from '../../core/bytes.js';
import { HostsigError } from '../../core/errors.js';
import { hmacSha256 } from '../../core/hmac.js';
import { type ParamsInput, PhpArray } from '../../core/php/array.js';
import { phpScalarToString, phpUrlencode } from '../../core/php/query.js';

/** What {@link canonicalSixConnect} serializes. */
export interface SixConnectCanonicalInput {
  /** `target`, e.g. `ipam`. */
  target: string;
  /** `action`, e.g. `get`. */
  action: string;
  /** Call params in order; nested maps become `meta[type]`. */
  params?: ParamsInput;
  /** The `apiKey` field, e.g. `32-5DAYTJQY2TZHOFOB`: signed as the last param. Must not be empty. */
  apiKey: string;
}

const RESERVED = new Set(['target', 'action', 'apiKey', 'hash']);

/** In PHP `trim()`'s default set: space, \t, \n, \r, \0, \x0B. */
function trimmed(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0 || c === 0x0b;
}

/** PHP `trim()` by index scans (the two-sided regex re-scans inner runs: quadratic). */
function phpTrim(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && trimmed(s.charCodeAt(a))) a++;
  while (b > a && trimmed(s.charCodeAt(b - 1))) b--;
  return s.slice(a, b);
}

/**
 * The query string 6connect signs, serialized as the official PHP SDK does:
 * `target=..&action=..`, then `urlencode(k)=urlencode(trim(v))` in order (nested keys as
 * `meta[type]`, encoded whole), then `&apiKey=..`.
 * @param input target, action, params and apiKey
 * @throws HostsigError `INVALID_ARGUMENT` for a param named target, action, apiKey or hash.
 * @example
 * ```ts
 * import { canonicalSixConnect } from 'hostsig/sixconnect';
 *
 * canonicalSixConnect({ target: 'ipam', action: 'get', params: [['type', 'IP'], ['mask', '24']], apiKey: '32-5DAYTJQY2TZHOFOB' }) // => 'target=ipam&action=get&type=IP&mask=24&apiKey=32-5DAYTJQY2TZHOFOB'
 * // Nested params as the SDK writes them: the whole name encoded, space as '+'.
 * canonicalSixConnect({ target: 'resource', action: 'add', apiKey: '32-5DAYTJQY2TZHOFOB',
 *   params: { meta: { type: 'entry', section: 'resource-holder', name: 'API Test Resource' } } }) // => 'target=resource&action=add&meta%5Btype%5D=entry&meta%5Bsection%5D=resource-holder&meta%5Bname%5D=API+Test+Resource&apiKey=32-5DAYTJQY2TZHOFOB'
 * ```
 */
export function canonicalSixConnect(input: SixConnectCanonicalInput): string {
  const target = astring(input.target, 'target');
  const action = astring(input.action, 'action');
  const apiKey = astring(input.apiKey, 'apiKey');
  if (!apiKey) throw new HostsigError('INVALID_ARGUMENT', '"apiKey" must not be empty');
  const parts = [`target=${phpUrlencode(target)}`, `action=${phpUrlencode(action)}`];
  const walk = (arr: PhpArray, prefix: string | null): void => {
    for (const [k, v] of arr.entries()) {
      const name = prefix === null ? k : `${prefix}[${k}]`;
      if (prefix === null && RESERVED.has(k)) throw new HostsigError('INVALID_ARGUMENT', `param "${k}" is reserved`, { param: k });
      if (v instanceof PhpArray) walk(v, name);
      else parts.push(`${phpUrlencode(name)}=${phpUrlencode(phpTrim(phpScalarToString(v, 'cast')))}`);
    }
  };
  walk(PhpArray.from(input.params ?? []), null);
  parts.push(`apiKey=${phpUrlencode(apiKey)}`);
  return parts.join('&');
}

/**
 * The secret as HMAC key bytes: a string is used as its literal bytes, never hex-decoded.
 * @param secretKey the secret, as text or bytes
 * @throws HostsigError `INVALID_ARGUMENT` for an empty or non-string secret
 * @example
 * ```ts
 * import { sixConnectSecretBytes } from 'hostsig/sixconnect';
 *
 * // 32 ASCII bytes, not the 16 bytes the hex would decode to.
 * sixConnectSecretBytes('48b278ec873bda4738923dbc467f8669').length // => 32
 * sixConnectSecretBytes('') // => throws INVALID_ARGUMENT
 * ```
 */
export function sixConnectSecretBytes(secretKey: string | Uint8Array): Uint8Array {
  if (isBytes(secretKey)) {
    if (secretKey.length === 0) throw new HostsigError('INVALID_ARGUMENT', '"secretKey" must not be empty');
    return secretKey;
  }
  astring(secretKey, 'secretKey');
  if (!secretKey) throw new HostsigError('INVALID_ARGUMENT', '"secretKey" must not be empty');
  return utf8ToBytes(secretKey);
}

/**
 * The raw 32-byte HMAC-SHA256 of the signed query bytes.
 * @param query the signed query, as text or raw bytes
 * @param secretKey the secret, used as its literal bytes
 * @throws HostsigError `INVALID_ARGUMENT` for an empty secret or wrong types
 * @example
 * ```ts
 * import { bytesToBase64 } from 'hostsig/core';
 * import { sixConnectMac } from 'hostsig/sixconnect';
 *
 * const mac = sixConnectMac('target=test&action=helloWorld&param1=100&apiKey=32-5DAYTJQY2TZHOFOB', '48b278ec873bda4738923dbc467f8669');
 * bytesToBase64(mac) // => '6onK7BpNr5xgTxPCFWXBzl2FYOKDvtbJDTkhP0u74mk='
 * ```
 */
export function sixConnectMac(query: string | Uint8Array, secretKey: string | Uint8Array): Uint8Array {
  const msg = typeof query === 'string' ? utf8ToBytes(query) : query;
  return hmacSha256(sixConnectSecretBytes(secretKey), msg);
}

/**
 * `hash`: base64 of HMAC-SHA256(secret, signed query).
 * @param query the signed query, as text or raw bytes
 * @param secretKey the secret, used as its literal bytes
 * @throws HostsigError `INVALID_ARGUMENT` for an empty secret or wrong types
 * @example
 * ```ts
 * import { sixConnectHash } from 'hostsig/sixconnect';
 *
 * // 6connect's documented example.
 * sixConnectHash('target=ipam&action=get&type=IP&mask=24&apiKey=32-5DAYTJQY2TZHOFOB', '48b278ec873bda4738923dbc467f8669') // => 'yneSFMyxPPe+3W4IOkVp50K3VStatBcRRak+2ygDUWQ='
 * ```
 */
export function sixConnectHash(query: string | Uint8Array, secretKey: string | Uint8Array): string {
  return bytesToBase64(sixConnectMac(query, secretKey));
}
