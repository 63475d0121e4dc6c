import { astring } from '../../core/bytes.js';
import { type NowOption, resolveNow } from '../../core/clock.js';
import { HostsigError } from '../../core/errors.js';
import { type ParamsInput, PhpArray } from '../../core/php/array.js';
import { canonicalSixConnect, sixConnectHash } from './canonical.js';

/** What {@link signSixConnect} takes. */
export interface SignSixConnectOptions {
  /** The API endpoint, e.g. `https://ipam.example.com/api/v1/api.php` (no query). */
  baseUrl: string;
  /** The `target` field, the first param: the module called, e.g. `ipam`, `resource`. */
  target: string;
  /** The `action` field, the second param: what to do, e.g. `get`, `add`. */
  action: string;
  /** The call's params in order, after `target` and `action`; nested maps become `meta[type]`. Default none. */
  params?: ParamsInput;
  /** The `apiKey` field (the public key id), signed as the last param before `hash`. */
  apiKey: string;
  /** The shared secret, used as its literal bytes. */
  secretKey: string | Uint8Array;
  /** Percent-encode the hash (`%2B %2F %3D`) instead of appending it raw like the SDK. */
  encodeHash?: boolean;
  /**
   * Add a signed `time` param (Unix seconds) for verifiers that enforce freshness: `true`
   * for the clock's time, or the seconds to use. Not part of 6connect's own scheme.
   */
  time?: boolean | number;
  /** The clock for `time: true`: seconds since the epoch, a Date or a clock function. Default the system clock. */
  now?: NowOption;
}

/** A signed 6connect request: the URL to GET, and its parts for debugging. */
export interface SignedSixConnectRequest {
  /** The full GET URL. */
  url: string;
  /** The query after `?`, hash included. */
  query: string;
  /** The signed part of the query (everything before `&hash=`). */
  signedQuery: string;
  /** The base64 hash, unencoded. */
  hash: string;
}

function encodeHash(h: string): string {
  return h.replace(/\+/g, '%2B').replace(/\//g, '%2F').replace(/=/g, '%3D');
}

/**
 * Signs a 6connect ProVision APIv1 call the way the official PHP SDK does.
 * @param options endpoint, target, action, params, keys; `time` and `encodeHash` optional
 * @returns the URL to GET, the query, its signed part and the hash
 * @throws HostsigError `INVALID_ARGUMENT` for missing keys, a baseUrl with a query, or reserved param names.
 * @example
 * ```ts
 * import { signSixConnect } from 'hostsig/sixconnect';
 *
 * const req = signSixConnect({
 *   baseUrl: 'https://ipam.example.com/api/v1/api.php',
 *   target: 'ipam',
 *   action: 'get',
 *   params: [['type', 'IP'], ['mask', '24']],
 *   apiKey: '32-5DAYTJQY2TZHOFOB',
 *   secretKey: '48b278ec873bda4738923dbc467f8669',
 * });
 * req.url // => 'https://ipam.example.com/api/v1/api.php?target=ipam&action=get&type=IP&mask=24&apiKey=32-5DAYTJQY2TZHOFOB&hash=yneSFMyxPPe+3W4IOkVp50K3VStatBcRRak+2ygDUWQ='
 * // Then: await fetch(req.url);
 * ```
 */
export function signSixConnect(options: SignSixConnectOptions): SignedSixConnectRequest {
  const baseUrl = astring(options.baseUrl, 'baseUrl');
  if (/[?#]/.test(baseUrl)) throw new HostsigError('INVALID_ARGUMENT', '"baseUrl" must not carry a query or fragment');
  let params = options.params;
  if (options.time !== undefined && options.time !== false) {
    const t = options.time === true ? Math.floor(resolveNow(options.now)) : options.time;
    if (!Number.isSafeInteger(t) || t < 0) throw new HostsigError('INVALID_ARGUMENT', '"time" must be Unix seconds');
    const withTime = new PhpArray();
    for (const [k, v] of PhpArray.from(params ?? [])) withTime.set(k, v);
    if (withTime.has('time')) throw new HostsigError('INVALID_ARGUMENT', 'params already hold "time"');
    withTime.set('time', String(t));
    params = withTime;
  }
  const signedQuery = canonicalSixConnect({ target: options.target, action: options.action, params, apiKey: options.apiKey });
  const hash = sixConnectHash(signedQuery, options.secretKey);
  const query = `${signedQuery}&hash=${options.encodeHash ? encodeHash(hash) : hash}`;
  return { url: `${baseUrl}?${query}`, query, signedQuery, hash };
}

/**
 * Signs a query string that is already built (its bytes are signed exactly as they are) and
 * returns it with `&hash=` appended.
 * @param query the query, with or without a leading `?`, without a hash
 * @param secretKey the secret, used as its literal bytes
 * @param options `encodeHash` to percent-encode the hash
 * @throws HostsigError `INVALID_ARGUMENT` when the query already has a hash
 * @example
 * ```ts
 * import { signSixConnectQuery } from 'hostsig/sixconnect';
 *
 * signSixConnectQuery('target=test&action=helloWorld&param1=100&apiKey=32-5DAYTJQY2TZHOFOB', '48b278ec873bda4738923dbc467f8669') // => 'target=test&action=helloWorld&param1=100&apiKey=32-5DAYTJQY2TZHOFOB&hash=6onK7BpNr5xgTxPCFWXBzl2FYOKDvtbJDTkhP0u74mk='
 * signSixConnectQuery('target=test&action=helloWorld&param1=100&apiKey=32-5DAYTJQY2TZHOFOB', '48b278ec873bda4738923dbc467f8669', { encodeHash: true }) // => 'target=test&action=helloWorld&param1=100&apiKey=32-5DAYTJQY2TZHOFOB&hash=6onK7BpNr5xgTxPCFWXBzl2FYOKDvtbJDTkhP0u74mk%3D'
 * ```
 */
export function signSixConnectQuery(query: string, secretKey: string | Uint8Array, options: { encodeHash?: boolean } = {}): string {
  astring(query, 'query');
  const q = query.startsWith('?') ? query.slice(1) : query;
  if (/(?:^|&)hash=/.test(q)) throw new HostsigError('INVALID_ARGUMENT', 'query already has a hash');
  const hash = sixConnectHash(q, secretKey);
  return `${q}&hash=${options.encodeHash ? encodeHash(hash) : hash}`;
}
