import { isBytes, utf8OrNull, utf8ToBytes } from '../../core/bytes.js';
import { type NowOption, resolveNow } from '../../core/clock.js';
import { equalBytes } from '../../core/compare.js';
import { HostsigError, type HostsigErrorCode, toFailure, type VerifyFailure, verifyFailure } from '../../core/errors.js';
import { sha256Parts } from '../../core/hmac.js';
import { type NonceStore, nonceTtl, recordNonce } from '../../core/nonce.js';
import type { PhpArray, PhpValue } from '../../core/php/array.js';
import { parseStr } from '../../core/php/query.js';
import { canonicalHostDime, HOSTDIME_DIALECTS, type HostDimeDialect, hostDimeHashBytes } from './canonical.js';
import { hexDigit } from '../../core/uri.js';
import { fastHostDimeForm } from './fast.js';
import { hostDimePathToMethod, isHostDimeMethod } from './method.js';
import { typedHostDimeValue } from './typed.js';

/** An inbound HostDime request: the raw form body, and the path unless options name the method. */
export interface HostDimeRequest {
  /**
   * The request path, e.g. `/v1/domain/list.json`: it names the method unless `options.method`
   * does. A query string, a fragment and a mount prefix before `/v1/` are ignored.
   */
  path?: string;
  /** The HTTP method (informational; HostDime calls are POSTs). */
  method?: string;
  /**
   * The raw `application/x-www-form-urlencoded` body exactly as received: the text, or its
   * bytes (UTF-8). Never a parsed or re-serialized object.
   */
  body: string | Uint8Array;
}

/** What {@link verifyHostDime} takes: a key (or a lookup), and the freshness, replay and dialect policy. */
export interface VerifyHostDimeOptions {
  /** The private key, when there is one. */
  privateKey?: string;
  /** With `privateKey`: the only `api_key` accepted. */
  publicKey?: string;
  /** Finds the private key for an `api_key`; resolve null/undefined for an unknown key. */
  lookup?: (publicKey: string) => string | null | undefined | Promise<string | null | undefined>;
  /** The dotted method; default derived from the request path (`/v1/a/b.json` -> `a.b`). */
  method?: string;
  /** Largest accepted |now - api_timestamp|, in seconds. Default 300. */
  toleranceSec?: number;
  /** Records `api_unique` per key; a second sighting within the window is `REPLAYED`. */
  nonces?: NonceStore;
  /** Dialects whose hash is accepted. Default `['php']`. */
  dialects?: readonly HostDimeDialect[];
  /**
   * Also accept a hash over numeric values as JSON numbers (a client that hashed `5` but sent
   * `n=5`), where the value is the number's canonical decimal spelling (`5`, `-2`, `1.5`; not
   * `5e1`, `05`, `+5` or `1.50`, which an app would read as another number). Default true.
   */
  typedNumbers?: boolean;
  /** Most form fields, as PHP's `max_input_vars`. Default 1000. */
  maxVars?: number;
  /** The current time for the `api_timestamp` window: seconds since the epoch, a Date or a clock function. Default the system clock. */
  now?: NowOption;
  /** Put the expected canonical string (it contains the private key) on signature failures. */
  debug?: boolean;
}

/** An accepted HostDime request: who sent it, which method, and the params as PHP rebuilt them. */
export interface HostDimeVerified {
  /** Always `true`: the discriminant against {@link HostDimeVerifyFailure}. */
  ok: true;
  /** The `api_key` whose private key the hash matched. */
  publicKey: string;
  /** The dotted method the hash covered, e.g. `domain.list` (from `options.method` or the path). */
  method: string;
  /** The params as PHP rebuilt them, `api_*` removed, in body order. */
  params: PhpArray;
  /** The dialect whose hash matched (one of `options.dialects`). */
  dialect: HostDimeDialect;
  /** True when the hash matched only with numeric-looking values as JSON numbers. */
  typed: boolean;
  /** `api_timestamp`: Unix seconds, an integer within `toleranceSec` of now. */
  timestamp: number;
  /** `api_unique` as received (URL-decoded); recorded in `nonces` when one is given. */
  unique: string;
}

/** A refused HostDime request: a stable `code` and, with `debug`, the expected canonical string. */
export interface HostDimeVerifyFailure extends VerifyFailure {
  /** With `debug`: the canonical string hostsig expected (php dialect, string values). */
  canonical?: string;
}

/** What {@link verifyHostDime} resolves to. */
export type HostDimeVerifyResult = HostDimeVerified | HostDimeVerifyFailure;

const MAX_UNIQUE = 256;

interface Parsed {
  /** Built on first read when the fast scan handled the body (most verifications never need it). */
  readonly params: PhpArray;
  publicKey: string;
  timestampRaw: string;
  timestamp: number;
  unique: string;
  hash: Uint8Array;
  method: string;
  /** From the fast scan: the php-dialect JSON part of the hashed string (string values), as bytes. */
  fastJson: Uint8Array | null;
}

function fail(code: HostsigErrorCode, message: string, details?: Record<string, unknown>): never {
  throw new HostsigError(code, message, details);
}

/** A top-level api_* field; absent or an array is missing, and so is empty where noted. */
function field(v: PhpValue | undefined, name: string, allowEmpty = false): string {
  if (typeof v !== 'string' || (v === '' && !allowEmpty)) fail('MISSING_FIELD', `missing ${name}`, { field: name });
  return v;
}

function checkOptions(options: VerifyHostDimeOptions): void {
  if (typeof options !== 'object' || options === null) throw new HostsigError('INVALID_ARGUMENT', '"options" expected object');
  if (options.privateKey === undefined && typeof options.lookup !== 'function') {
    throw new HostsigError('INVALID_ARGUMENT', 'give "privateKey" or a "lookup" function');
  }
  if (options.dialects && (!Array.isArray(options.dialects) || !options.dialects.every((d) => HOSTDIME_DIALECTS.includes(d)))) {
    throw new HostsigError('INVALID_ARGUMENT', `"dialects" must list some of ${HOSTDIME_DIALECTS.map((d) => `"${d}"`).join(', ')}`);
  }
  const tol = options.toleranceSec;
  if (tol !== undefined && !(typeof tol === 'number' && tol >= 0 && Number.isFinite(tol))) throw new HostsigError('INVALID_ARGUMENT', '"toleranceSec" must be a non-negative number');
}

/**
 * A parsed request. `params` is built on first read when the fast scan handled the body: the
 * same parse_str the general path runs, only later and only if something asks for it. (A class
 * with a prototype getter: an object literal with a getter costs about 0.5 us to create.)
 */
class ParsedRequest implements Parsed {
  // `declare`: assigned in the constructor, so no field definitions are emitted as well.
  declare readonly publicKey: string;
  declare readonly timestampRaw: string;
  declare readonly timestamp: number;
  declare readonly unique: string;
  declare readonly hash: Uint8Array;
  declare readonly method: string;
  declare fastJson: Uint8Array | null;
  #params: PhpArray | undefined;
  readonly #body: string | Uint8Array;
  readonly #maxVars: number;
  constructor(
    body: string | Uint8Array,
    maxVars: number,
    params: PhpArray | undefined,
    publicKey: string,
    timestampRaw: string,
    timestamp: number,
    unique: string,
    hash: Uint8Array,
    method: string,
    fastJson: Uint8Array | null,
  ) {
    this.publicKey = publicKey;
    this.timestampRaw = timestampRaw;
    this.timestamp = timestamp;
    this.unique = unique;
    this.hash = hash;
    this.method = method;
    this.fastJson = fastJson;
    this.#body = body;
    this.#maxVars = maxVars;
    this.#params = params;
  }

  get params(): PhpArray {
    return (this.#params ??= parseForm(this.#body, this.#maxVars).filter(notApi));
  }
}

/**
 * Parse, field checks and freshness: everything that needs no key. `fastJson` is a view of the
 * fast scan's scratch buffer: copy it before another verification may run (across an await).
 */
function parseRequest(request: HostDimeRequest, options: VerifyHostDimeOptions, now: number): Parsed {
  if (typeof request !== 'object' || request === null) fail('BODY_MALFORMED', 'request expected object');
  const body = request.body;
  if (typeof body !== 'string' && !isBytes(body)) fail('BODY_MALFORMED', 'body expected string or Uint8Array');
  const maxVars = options.maxVars ?? 1000;
  // The common plain body goes through the fused scan (fast.ts); anything it does not handle,
  // and every malformed body, through parse_str, which names the error. (The scan itself
  // refuses lone surrogates, so a string body needs no separate well-formedness pass.)
  const text = typeof body === 'string' ? body : utf8OrNull(body);
  const fast = text === null ? null : fastHostDimeForm(text, maxVars);
  const all = fast === null ? parseForm(body, maxVars) : null;

  const publicKey = field(all === null ? fast!.key : all.get('api_key'), 'api_key');
  // An empty timestamp or hash is there but malformed; the format checks below name it.
  const timestampRaw = field(all === null ? fast!.timestamp : all.get('api_timestamp'), 'api_timestamp', true);
  const unique = field(all === null ? fast!.unique : all.get('api_unique'), 'api_unique');
  const hashHex = field(all === null ? fast!.hash : all.get('api_hash'), 'api_hash', true);
  const at = all === null ? fast!.hashAt : -1;
  const hash = lowerHexToBytes(hashHex.length, at < 0 ? hashHex : (text as string), at < 0 ? 0 : at);
  if (hash === null) fail('HASH_MALFORMED', 'api_hash must be 64 lowercase hex digits');
  if (unique.length > MAX_UNIQUE) fail('BODY_MALFORMED', `api_unique longer than ${MAX_UNIQUE}`);

  // request.method is the HTTP method; the HostDime method comes from the options or the path.
  const method = options.method ?? (typeof request.path === 'string' ? pathToMethod(request.path) : undefined);
  if (!isHostDimeMethod(method)) fail('METHOD_UNKNOWN', 'no HostDime method in the request path');

  const timestamp = unixSeconds(timestampRaw);
  if (timestamp < 0) fail('TIMESTAMP_INVALID', 'api_timestamp must be Unix seconds');
  const tol = options.toleranceSec ?? 300;
  if (now - timestamp > tol) fail('TIMESTAMP_STALE', 'api_timestamp is too old', { timestamp, now: Math.floor(now), toleranceSec: tol });
  if (timestamp - now > tol) fail('TIMESTAMP_FUTURE', 'api_timestamp is in the future', { timestamp, now: Math.floor(now), toleranceSec: tol });

  // PHP's $_POST minus the api_* fields (tested after name mangling, case-sensitive).
  const params = all === null ? undefined : all.filter(notApi);
  const fastJson = fast === null ? null : fast.json;
  // The lazy parse reads the decoded text, never the caller's bytes, which may be a pooled
  // buffer reused after this returns. (For UTF-8 bytes parse_str parses that same text.)
  const source = fast === null ? body : (text as string);
  return new ParsedRequest(source, maxVars, params, publicKey, timestampRaw, timestamp, unique, hash, method, fastJson);
}

/**
 * The `n` characters of `s` from `from` as 32 bytes when they are exactly 64 lowercase hex
 * digits, else null: the format check and the decode in one pass.
 */
function lowerHexToBytes(n: number, s: string, from: number): Uint8Array | null {
  if (n !== 64) return null;
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) {
    const a = s.charCodeAt(from + 2 * i);
    const b = s.charCodeAt(from + 2 * i + 1);
    const hi = hexDigit(a);
    const lo = hexDigit(b);
    // Lowercase only: of the hex digits, 'A'-'F' alone lack the 0x20 bit.
    if ((hi | lo) < 0 || (a & b & 0x20) === 0) return null;
    out[i] = (hi << 4) | lo;
  }
  return out;
}

/** 1 to 15 ASCII digits as their number (exact: below 2^53), else -1. */
function unixSeconds(s: string): number {
  let v = s.length > 0 && s.length < 16 ? 0 : -1;
  for (let i = 0; i < s.length && v >= 0; i++) {
    const d = s.charCodeAt(i) - 0x30;
    v = d >= 0 && d <= 9 ? v * 10 + d : -1;
  }
  return v;
}

// Request paths repeat: remember the method of the last few hundred (a pure function of the path).
const methodByPath = /* @__PURE__ */ new Map<string, string | undefined>();
function pathToMethod(path: string): string | undefined {
  let m = methodByPath.get(path);
  if (m === undefined && !methodByPath.has(path)) {
    if (methodByPath.size >= 256) methodByPath.clear();
    m = hostDimePathToMethod(path)?.method;
    // Only short paths are remembered, so the cache stays small whatever clients send.
    if (path.length <= 256) methodByPath.set(path, m);
  }
  return m;
}

const notApi = (k: string): boolean => !k.startsWith('api_');

// The api_* fields are outside the hash: a second copy could name another key than the one the
// hash holds for. Any other field may repeat only with the same value (see parseStr).
const API_FIELDS = ['api_key', 'api_timestamp', 'api_unique', 'api_hash'];

/** PHP's `$_POST` of the body, with one identity: `FIELD_DUPLICATE` where readers would disagree. */
function parseForm(body: string | Uint8Array, maxVars: number): PhpArray {
  return parseStr(body, { maxVars, duplicates: 'refuse', once: API_FIELDS });
}


/** SHA-256 of the php-dialect canonical string, from the fast scan's JSON bytes (no string built). */
function fastDigest(p: Parsed, fastJson: Uint8Array, privateKey: string): Uint8Array {
  // The head `timestamp:unique:private_key:method:` goes straight into a reused buffer when it
  // is ASCII and fits (nearly always). It holds the key: wiped after hashing.
  const n = put(p.method, put(privateKey, put(p.unique, put(p.timestampRaw, 0))));
  try {
    return sha256Parts(n < 0 ? utf8ToBytes(`${p.timestampRaw}:${p.unique}:${privateKey}:${p.method}:`) : HEAD.subarray(0, n), fastJson);
  } finally {
    HEAD.fill(0);
  }
}

const HEAD = /* @__PURE__ */ new Uint8Array(256);

/** Writes `s` and a ':' into HEAD at `o`: the next offset, or -1 once a part is not an ASCII string or does not fit. */
function put(s: string, o: number): number {
  if (o < 0 || typeof s !== 'string' || o + s.length >= HEAD.length) return -1;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x7f) return -1;
    HEAD[o++] = c;
  }
  HEAD[o] = 0x3a;
  return o + 1;
}

/**
 * Tries the accepted (dialect, typing) pairs in order and stops at the first match. Which pair
 * matched is not secret, so stopping early leaks nothing; a failure always tries them all.
 */
function match(p: Parsed, privateKey: string, dialects: readonly HostDimeDialect[], typedNumbers: boolean): Match | null {
  let typedParams: PhpArray | null | undefined; // computed once, only if the string form fails
  for (const typed of typedNumbers ? BOTH : STRINGS) {
    // null: the string-valued params, read from p only if a dialect needs them (p.params may
    // not be built yet, and the fast php digest does not need it).
    let params: PhpArray | null = null;
    if (typed) {
      if (typedParams === undefined) typedParams = toTyped(p.params);
      if (typedParams === null) break;
      params = typedParams;
    }
    for (const dialect of dialects) {
      let digest: Uint8Array;
      try {
        digest =
          !typed && dialect === 'php' && p.fastJson !== null
            ? fastDigest(p, p.fastJson, privateKey)
            : hostDimeHashBytes(canonicalHostDime({ timestamp: p.timestampRaw, unique: p.unique, privateKey, method: p.method, params: params ?? p.params, dialect }));
      } catch {
        continue;
      }
      if (equalBytes(digest, p.hash)) return { dialect, typed };
    }
  }
  return null;
}

/** Which (dialect, typing) pair a hash matched. */
interface Match {
  readonly dialect: HostDimeDialect;
  readonly typed: boolean;
}

// Made once: match runs on every request.
const BOTH = [false, true];
const STRINGS = [false];
const PHP: readonly HostDimeDialect[] = ['php'];

/** The params with numeric-looking strings as numbers, or null when nothing would change. */
function toTyped(params: PhpArray): PhpArray | null {
  let changed = false;
  const typed = params.mapLeaves((v) => {
    const t = typedHostDimeValue(v);
    if (t !== v) changed = true;
    return t;
  });
  return changed ? typed : null;
}

function nonceKey(publicKey: string, unique: string): string {
  return `hostdime:${publicKey.length}:${publicKey}:${unique}`;
}

async function resolveKey(p: Parsed, options: VerifyHostDimeOptions): Promise<string> {
  if (options.privateKey !== undefined) {
    if (options.publicKey !== undefined && options.publicKey !== p.publicKey) fail('UNKNOWN_KEY', 'unknown api_key');
    return options.privateKey;
  }
  let key: string | null | undefined;
  try {
    key = await options.lookup!(p.publicKey);
  } catch (e) {
    throw new HostsigError('LOOKUP_FAILED', 'key lookup failed', {}, { cause: e });
  }
  if (typeof key !== 'string' || key === '') fail('UNKNOWN_KEY', 'unknown api_key');
  return key;
}

/**
 * Verifies an inbound HostDime request from its raw form body: rebuilds the params as PHP
 * does, checks the timestamp window, recomputes `api_hash` for each accepted dialect, compares
 * in constant time and, once the hash holds, records `api_unique` in the nonce store.
 *
 * Never throws on hostile input: resolves `{ ok: false, code }` with codes `BODY_MALFORMED`,
 * `INVALID_UTF8`, `MISSING_FIELD`, `HASH_MALFORMED`, `METHOD_UNKNOWN`, `TIMESTAMP_INVALID`,
 * `TIMESTAMP_STALE`, `TIMESTAMP_FUTURE`, `UNKNOWN_KEY`, `LOOKUP_FAILED`, `SIGNATURE_INVALID`,
 * `REPLAYED`, `NONCE_STORE_FAILED`/`NONCE_STORE_FULL`.
 * @param request the path and the raw form body
 * @param options the key (or a lookup), nonce store, window, dialects
 * @returns a Promise of the verified request or a failure with a stable `code`
 * @throws HostsigError `INVALID_ARGUMENT` for bad options only.
 * @example
 * ```ts
 * import { MemoryNonceStore } from 'hostsig/core';
 * import { signHostDime, verifyHostDime } from 'hostsig/hostdime';
 *
 * const keys = new Map([['pub', 'fazbaz']]);
 * const nonces = new MemoryNonceStore();
 * const options = { lookup: (k: string) => keys.get(k), nonces, toleranceSec: 300, now: 1369758700 };
 * const { path, body } = signHostDime({ publicKey: 'pub', privateKey: 'fazbaz', method: 'domain.list',
 *   params: [['status', 'registered']], timestamp: 1369758680, unique: 'ABCDEF' });
 *
 * // The raw body bytes as received, never a re-serialized object.
 * await verifyHostDime({ path, body }, options) // => { ok: true, publicKey: 'pub', method: 'domain.list' }
 * await verifyHostDime({ path, body }, options) // => { ok: false, code: 'REPLAYED' }
 * await verifyHostDime({ path, body: body.replace('registered', 'expired') }, options) // => { ok: false, code: 'SIGNATURE_INVALID' }
 * await verifyHostDime({ path, body }, { ...options, now: 1369759000 }) // => { ok: false, code: 'TIMESTAMP_STALE' }
 * ```
 */
export async function verifyHostDime(request: HostDimeRequest, options: VerifyHostDimeOptions): Promise<HostDimeVerifyResult> {
  checkOptions(options);
  let p: Parsed;
  let now: number;
  try {
    now = resolveNow(options.now);
    p = parseRequest(request, options, now);
  } catch (e) {
    return toFailure(e);
  }
  let privateKey: string;
  try {
    // Another verification may run while the key is looked up: keep the scan's JSON out of
    // its shared scratch buffer first.
    if (p.fastJson !== null) p.fastJson = p.fastJson.slice();
    privateKey = await resolveKey(p, options);
  } catch (e) {
    return toFailure(e, 'LOOKUP_FAILED');
  }
  const m = match(p, privateKey, options.dialects ?? PHP, options.typedNumbers ?? true);
  if (!m) return signatureFailure(p, privateKey, options);
  if (options.nonces) {
    const replay = await recordNonce(options.nonces, nonceKey(p.publicKey, p.unique), nonceTtl(p.timestamp, options.toleranceSec ?? 300, now), 'api_unique was already used');
    if (replay) return replay;
  }
  return verified(p, m);
}

/**
 * The synchronous form of {@link verifyHostDime} for a known private key and no nonce store
 * (no replay protection: use it only where replays are handled elsewhere).
 * @param request the path and the raw form body
 * @param options the private key, window, dialects
 * @throws HostsigError `INVALID_ARGUMENT` for bad options, or when given a lookup or nonce store
 * @example
 * ```ts
 * import { verifyHostDimeSync } from 'hostsig/hostdime';
 *
 * const body = 'status=registered&order=desc&api_key=pub&api_timestamp=1369758680&api_unique=ABCDEF'
 *   + '&api_hash=499b5d8b8bce0f66d829d9186fb475c16b505ef7e6238c3b43c3342902ce27dd';
 * verifyHostDimeSync({ path: '/v1/domain/list.json', body }, { privateKey: 'fazbaz', now: 1369758680 }) // => { ok: true, dialect: 'php' }
 * ```
 */
export function verifyHostDimeSync(request: HostDimeRequest, options: Omit<VerifyHostDimeOptions, 'lookup' | 'nonces'> & { privateKey: string }): HostDimeVerifyResult {
  checkOptions(options);
  if ((options as VerifyHostDimeOptions).nonces || (options as VerifyHostDimeOptions).lookup) throw new HostsigError('INVALID_ARGUMENT', 'verifyHostDimeSync takes no lookup or nonce store');
  let p: Parsed;
  try {
    p = parseRequest(request, options, resolveNow(options.now));
    if (options.publicKey !== undefined && options.publicKey !== p.publicKey) fail('UNKNOWN_KEY', 'unknown api_key');
  } catch (e) {
    return toFailure(e);
  }
  const m = match(p, options.privateKey, options.dialects ?? PHP, options.typedNumbers ?? true);
  if (!m) return signatureFailure(p, options.privateKey, options);
  return verified(p, m);
}

/**
 * A successful verification. `params` is a getter that parses the body on first read, since
 * most servers need only the identity (as 6connect's result does). Being on the prototype, it
 * is not copied by an object spread: read `result.params` itself.
 */
class Verified implements HostDimeVerified {
  readonly ok = true as const;
  // Assigned in the constructor, in this order (the order a spread or JSON.stringify shows).
  declare readonly publicKey: string;
  declare readonly method: string;
  declare readonly dialect: HostDimeDialect;
  declare readonly typed: boolean;
  declare readonly timestamp: number;
  declare readonly unique: string;
  readonly #p: Parsed;

  constructor(p: Parsed, m: Match) {
    this.publicKey = p.publicKey;
    this.method = p.method;
    this.dialect = m.dialect;
    this.typed = m.typed;
    this.timestamp = p.timestamp;
    this.unique = p.unique;
    this.#p = p;
  }

  get params(): PhpArray {
    return this.#p.params;
  }
}

function verified(p: Parsed, m: Match): HostDimeVerified {
  // The result lives on with the caller: let go of the scan's bytes (for a large body, a buffer
  // of its own several times the body's size).
  p.fastJson = null;
  return new Verified(p, m);
}

function signatureFailure(p: Parsed, privateKey: string, options: VerifyHostDimeOptions): HostDimeVerifyFailure {
  const f: HostDimeVerifyFailure = verifyFailure('SIGNATURE_INVALID', 'api_hash does not match');
  if (!options.debug) return f;
  try {
    return { ...f, canonical: canonicalHostDime({ timestamp: p.timestampRaw, unique: p.unique, privateKey, method: p.method, params: p.params }) };
  } catch {
    return f;
  }
}

