import { astring } from '../../core/bytes.js';
import { type NowOption, resolveNow } from '../../core/clock.js';
import { HostsigError } from '../../core/errors.js';
import { type ParamsInput, PhpArray } from '../../core/php/array.js';
import { httpBuildQuery, parseStr, phpUrlencode } from '../../core/php/query.js';
import { randomUuid } from '../../core/random.js';
import { canonicalHostDime, type HostDimeDialect, hashHostDime } from './canonical.js';
import { type HostDimeFormat, hostDimeMethodToPath } from './method.js';

/** HostDime's API origin; {@link signHostDime} puts the method's path after it. */
export const HOSTDIME_BASE_URL = 'https://api.hostdime.com';

/** What {@link signHostDime} takes. */
export interface SignHostDimeOptions {
  /** `api_key`, the public half. */
  publicKey: string;
  /** The private key the hash is keyed with. */
  privateKey: string;
  /** Dotted method, e.g. `server.list`. */
  method: string;
  /** The call's params (no `api_*` names). Default none. */
  params?: ParamsInput;
  /** Unix seconds; default the clock (`now`). */
  timestamp?: number;
  /** `api_unique`; default a random UUID v4. */
  unique?: string;
  /**
   * Default `php`, as the official PHP client and the server. `js` hashes as the official Node
   * client, `ruby` as the official Ruby gem (see {@link HostDimeDialect}); only a verifier that
   * lists that dialect accepts them.
   */
  dialect?: HostDimeDialect;
  /**
   * Hash numbers and booleans as typed JSON values, as the official clients do (`{"n":5}`),
   * instead of as the strings the server will rebuild from the body (`{"n":"5"}`).
   * Default false: the hash covers exactly what PHP's `$_POST` will hold.
   */
  typed?: boolean;
  /** Response format in the path. Default `json`. */
  format?: HostDimeFormat;
  /** Default `https://api.hostdime.com`. */
  baseUrl?: string;
  /** The clock for the default `timestamp`: seconds since the epoch, a Date or a clock function. Default the system clock. */
  now?: NowOption;
  /**
   * Also return `canonical`, the string that was hashed. It contains the private key, so it
   * is left out unless asked for (debuggers, vector runners). Default false.
   */
  debug?: boolean;
}

/**
 * A signed HostDime request, ready for `fetch`, with its hash. Holds no secret: the canonical
 * string (which contains the private key) is only there when `debug: true` asked for it.
 */
export interface SignedHostDimeRequest {
  /** Where to POST it: `baseUrl` + `path`, e.g. `https://api.hostdime.com/v1/domain/list.json`. */
  url: string;
  /** The method's path, e.g. `/v1/domain/list.json`. */
  path: string;
  /** The HTTP method: HostDime calls are always POSTs. */
  method: 'POST';
  /** The headers to send: the body's content type. */
  headers: {
    /** Always `application/x-www-form-urlencoded`. */
    'content-type': 'application/x-www-form-urlencoded';
  };
  /** The form body, `api_*` fields last. */
  body: string;
  /** `api_hash`. */
  hash: string;
  /** Only with `debug: true`: the string that was hashed (contains the private key). */
  canonical?: string;
  /** `api_timestamp` as sent: Unix seconds, an integer. */
  timestamp: number;
  /** `api_unique` as sent (before URL-encoding). */
  unique: string;
}

/** What {@link signHostDime} returns with `debug: true`: the request plus the hashed string. */
export interface SignedHostDimeRequestDebug extends SignedHostDimeRequest {
  /** The string that was hashed (contains the private key). */
  canonical: string;
}

/**
 * Signs a HostDime API call: builds the form body as PHP's `http_build_query` would, hashes
 * the params exactly as the server will rebuild them, and appends `api_key`,
 * `api_timestamp`, `api_unique` and `api_hash`.
 * @param options keys, method, params; timestamp and unique default to the clock and a random UUID v4
 * @returns the URL, headers and body to send, and the hash; with `debug: true` also the
 *   canonical string (it contains the private key, so it is never there otherwise)
 * @throws HostsigError `INVALID_ARGUMENT` for missing keys, a bad method, or params named `api_*`.
 * @example
 * ```ts
 * import { signHostDime } from 'hostsig/hostdime';
 *
 * // HostDime's documented example, with a fixed timestamp and unique for the demonstration;
 * // leave both out in real use (the clock and a random UUID v4).
 * const call = {
 *   publicKey: 'pub',
 *   privateKey: 'fazbaz',
 *   method: 'domain.list',
 *   params: [['status', 'registered'], ['order', 'desc']] as [string, string][],
 *   timestamp: 1369758680,
 *   unique: 'ABCDEF',
 * };
 * const req = signHostDime(call);
 * req.url // => 'https://api.hostdime.com/v1/domain/list.json'
 * req.hash // => '499b5d8b8bce0f66d829d9186fb475c16b505ef7e6238c3b43c3342902ce27dd'
 * req.body // => 'status=registered&order=desc&api_key=pub&api_timestamp=1369758680&api_unique=ABCDEF&api_hash=499b5d8b8bce0f66d829d9186fb475c16b505ef7e6238c3b43c3342902ce27dd'
 * 'canonical' in req // => false
 * // Then: await fetch(req.url, { method: req.method, headers: req.headers, body: req.body });
 *
 * // Debugging: ask for the hashed string (it holds the private key: keep it out of logs).
 * signHostDime({ ...call, debug: true }).canonical // => '1369758680:ABCDEF:fazbaz:domain.list:"{\\"status\\":\\"registered\\",\\"order\\":\\"desc\\"}"'
 *
 * // The official clients' dialects (hashes computed by Node and by Ruby): the Node client
 * // moves the integer-like key "5" first, the Ruby gem keeps it after "a" (as PHP does).
 * const echo = { ...call, method: 'utility.echo', params: new Map([['a', 'x'], ['5', 'five']]) };
 * signHostDime({ ...echo, dialect: 'js' }).hash // => 'bfb2de6358929b32c4f365d361f63de5f097903a3264d7deb5f97ddb0c91ea09'
 * signHostDime({ ...echo, dialect: 'ruby' }).hash // => 'b6ba662c1c12606e28a1f09eea7e1acb903df2b068fdf2c9b5e1b9eb2fa9daec'
 * ```
 */
export function signHostDime(options: SignHostDimeOptions & { debug: true }): SignedHostDimeRequestDebug;
export function signHostDime(options: SignHostDimeOptions): SignedHostDimeRequest;
export function signHostDime(options: SignHostDimeOptions): SignedHostDimeRequest {
  const publicKey = astring(options.publicKey, 'publicKey');
  const privateKey = astring(options.privateKey, 'privateKey');
  if (!publicKey || !privateKey) throw new HostsigError('INVALID_ARGUMENT', '"publicKey" and "privateKey" must not be empty');
  const path = hostDimeMethodToPath(options.method, options.format);
  const timestamp = options.timestamp ?? Math.floor(resolveNow(options.now));
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) throw new HostsigError('INVALID_ARGUMENT', '"timestamp" must be a non-negative integer');
  const unique = options.unique ?? randomUuid();
  astring(unique, 'unique');
  if (!unique) throw new HostsigError('INVALID_ARGUMENT', '"unique" must not be empty');

  const given = PhpArray.from(options.params ?? []);
  const query = httpBuildQuery(given);
  // What PHP's $_POST will hold once the body arrives; the typed variant hashes the caller's values.
  const rebuilt = parseStr(query, { maxVars: Infinity, maxDepth: Infinity });
  for (const k of rebuilt.keys()) {
    if (k.startsWith('api_')) throw new HostsigError('INVALID_ARGUMENT', `param "${k}" is reserved: api_* names are not hashed`, { param: k });
  }
  const canonical = canonicalHostDime({ timestamp, unique, privateKey, method: options.method, params: options.typed ? given : rebuilt, dialect: options.dialect });
  const hash = hashHostDime(canonical);
  const auth = `api_key=${phpUrlencode(publicKey)}&api_timestamp=${timestamp}&api_unique=${phpUrlencode(unique)}&api_hash=${hash}`;
  const body = query ? `${query}&${auth}` : auth;
  const baseUrl = (options.baseUrl ?? HOSTDIME_BASE_URL).replace(/\/+$/, '');
  const signed: SignedHostDimeRequest = {
    url: `${baseUrl}${path}`,
    path,
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
    hash,
    timestamp,
    unique,
  };
  // The canonical string embeds the private key: only a caller who asked gets it back.
  return options.debug === true ? { ...signed, canonical } : signed;
}
