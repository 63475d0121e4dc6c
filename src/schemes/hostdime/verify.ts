import { hexToBytes, isBytes } from '../../core/bytes.js';
import { type NowOption, resolveNow } from '../../core/clock.js';
import { equalBytes } from '../../core/compare.js';
import { HostsigError, type HostsigErrorCode, toFailure, type VerifyFailure } from '../../core/errors.js';
import { type NonceStore, nonceTtl, recordNonce } from '../../core/nonce.js';
import { PhpArray, type PhpScalar, phpIntKey } from '../../core/php/array.js';
import { parseStr } from '../../core/php/query.js';
import { canonicalHostDime, HOSTDIME_DIALECTS, type HostDimeDialect, hostDimeHashBytes } from './canonical.js';
import { hostDimePathToMethod, isHostDimeMethod } from './method.js';

/** An inbound HostDime request: the raw form body, and the path unless options name the method. */
export interface HostDimeRequest {
  path?: string;
  /** The HTTP method (informational; HostDime calls are POSTs). */
  method?: string;
  body: string | Uint8Array;
}

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
   * Also accept a hash over numeric-looking values as JSON numbers (a client that hashed
   * `5` but sent `n=5`). Default true.
   */
  typedNumbers?: boolean;
  /** Most form fields, as PHP's `max_input_vars`. Default 1000. */
  maxVars?: number;
  now?: NowOption;
  /** Put the expected canonical string (it contains the private key) on signature failures. */
  debug?: boolean;
}

export interface HostDimeVerified {
  ok: true;
  publicKey: string;
  method: string;
  /** The params as PHP rebuilt them, `api_*` removed, in body order. */
  params: PhpArray;
  dialect: HostDimeDialect;
  /** True when the hash matched only with numeric-looking values as JSON numbers. */
  typed: boolean;
  timestamp: number;
  unique: string;
}

export interface HostDimeVerifyFailure extends VerifyFailure {
  /** With `debug`: the canonical string hostsig expected (php dialect, string values). */
  canonical?: string;
}

export type HostDimeVerifyResult = HostDimeVerified | HostDimeVerifyFailure;

const TS_RE = /^[0-9]{1,15}$/;
const HASH_RE = /^[0-9a-f]{64}$/;
const NUMERIC_RE = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;
const MAX_UNIQUE = 256;

interface Parsed {
  params: PhpArray;
  publicKey: string;
  timestampRaw: string;
  timestamp: number;
  unique: string;
  hash: Uint8Array;
  method: string;
}

function fail(code: HostsigErrorCode, message: string, details?: Record<string, unknown>): never {
  throw new HostsigError(code, message, details);
}

/** A top-level api_* field; absent or an array is missing, and so is empty where noted. */
function field(all: PhpArray, name: string, allowEmpty = false): string {
  const v = all.get(name);
  if (typeof v !== 'string' || (v === '' && !allowEmpty)) fail('MISSING_FIELD', `missing ${name}`, { field: name });
  return v;
}

function checkOptions(options: VerifyHostDimeOptions): void {
  if (typeof options !== 'object' || options === null) throw new HostsigError('INVALID_ARGUMENT', '"options" expected object');
  if (options.privateKey === undefined && typeof options.lookup !== 'function') {
    throw new HostsigError('INVALID_ARGUMENT', 'give "privateKey" or a "lookup" function');
  }
  if (options.dialects && (!Array.isArray(options.dialects) || !options.dialects.every((d) => HOSTDIME_DIALECTS.includes(d)))) {
    throw new HostsigError('INVALID_ARGUMENT', '"dialects" must list "php" and/or "js"');
  }
  const tol = options.toleranceSec;
  if (tol !== undefined && !(typeof tol === 'number' && tol >= 0 && Number.isFinite(tol))) throw new HostsigError('INVALID_ARGUMENT', '"toleranceSec" must be a non-negative number');
}

/** Parse, field checks and freshness: everything that needs no key. */
function parseRequest(request: HostDimeRequest, options: VerifyHostDimeOptions, now: number): Parsed {
  if (typeof request !== 'object' || request === null) fail('BODY_MALFORMED', 'request expected object');
  const body = request.body;
  if (typeof body !== 'string' && !isBytes(body)) fail('BODY_MALFORMED', 'body expected string or Uint8Array');
  const all = parseStr(body, { maxVars: options.maxVars ?? 1000 });

  const publicKey = field(all, 'api_key');
  // An empty timestamp or hash is there but malformed; the format checks below name it.
  const timestampRaw = field(all, 'api_timestamp', true);
  const unique = field(all, 'api_unique');
  const hashHex = field(all, 'api_hash', true);
  if (!HASH_RE.test(hashHex)) fail('HASH_MALFORMED', 'api_hash must be 64 lowercase hex digits');
  if (unique.length > MAX_UNIQUE) fail('BODY_MALFORMED', `api_unique longer than ${MAX_UNIQUE}`);

  // request.method is the HTTP method; the HostDime method comes from the options or the path.
  const method = options.method ?? (typeof request.path === 'string' ? hostDimePathToMethod(request.path)?.method : undefined);
  if (!isHostDimeMethod(method)) fail('METHOD_UNKNOWN', 'no HostDime method in the request path');

  if (!TS_RE.test(timestampRaw)) fail('TIMESTAMP_INVALID', 'api_timestamp must be Unix seconds');
  const timestamp = Number(timestampRaw);
  const tol = options.toleranceSec ?? 300;
  if (now - timestamp > tol) fail('TIMESTAMP_STALE', 'api_timestamp is too old', { timestamp, now: Math.floor(now), toleranceSec: tol });
  if (timestamp - now > tol) fail('TIMESTAMP_FUTURE', 'api_timestamp is in the future', { timestamp, now: Math.floor(now), toleranceSec: tol });

  // PHP's $_POST minus the api_* fields (tested after name mangling, case-sensitive).
  const params = all.filter((k) => !k.startsWith('api_'));
  return { params, publicKey, timestampRaw, timestamp, unique, hash: hexToBytes(hashHex), method };
}

function typedScalar(v: PhpScalar): PhpScalar {
  if (typeof v !== 'string' || !NUMERIC_RE.test(v)) return v;
  const asInt = phpIntKey(v);
  if (asInt !== null) return Number.isSafeInteger(Number(asInt)) ? Number(asInt) : asInt;
  const n = Number(v);
  return Number.isFinite(n) ? n : v;
}

/**
 * Tries the accepted (dialect, typing) pairs in order and stops at the first match. Which pair
 * matched is not secret, so stopping early leaks nothing; a failure always tries them all.
 */
function match(p: Parsed, privateKey: string, dialects: readonly HostDimeDialect[], typedNumbers: boolean): { dialect: HostDimeDialect; typed: boolean } | null {
  let typedParams: PhpArray | null | undefined; // computed once, only if the string form fails
  for (const typed of typedNumbers ? [false, true] : [false]) {
    let params = p.params;
    if (typed) {
      if (typedParams === undefined) typedParams = toTyped(p.params);
      if (typedParams === null) break;
      params = typedParams;
    }
    for (const dialect of dialects) {
      let digest: Uint8Array;
      try {
        digest = hostDimeHashBytes(canonicalHostDime({ timestamp: p.timestampRaw, unique: p.unique, privateKey, method: p.method, params, dialect }));
      } catch {
        continue;
      }
      if (equalBytes(digest, p.hash)) return { dialect, typed };
    }
  }
  return null;
}

/** The params with numeric-looking strings as numbers, or null when nothing would change. */
function toTyped(params: PhpArray): PhpArray | null {
  let changed = false;
  const typed = params.mapLeaves((v) => {
    const t = typedScalar(v);
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
 * @throws HostsigError `INVALID_ARGUMENT` for bad options only.
 * @example
 * const r = await verifyHostDime({ path: req.path, body: rawBody }, { lookup: (k) => keys.get(k), nonces })
 * if (!r.ok) return reply(401, r.code)
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
    privateKey = await resolveKey(p, options);
  } catch (e) {
    return toFailure(e, 'LOOKUP_FAILED');
  }
  const m = match(p, privateKey, options.dialects ?? ['php'], options.typedNumbers ?? true);
  if (!m) return signatureFailure(p, privateKey, options);
  if (options.nonces) {
    const replay = await recordNonce(options.nonces, nonceKey(p.publicKey, p.unique), nonceTtl(p.timestamp, options.toleranceSec ?? 300, now), 'api_unique was already used');
    if (replay) return replay;
  }
  return { ok: true, publicKey: p.publicKey, method: p.method, params: p.params, dialect: m.dialect, typed: m.typed, timestamp: p.timestamp, unique: p.unique };
}

/**
 * The synchronous form of {@link verifyHostDime} for a known private key and no nonce store
 * (no replay protection: use it only where replays are handled elsewhere).
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
  const m = match(p, options.privateKey, options.dialects ?? ['php'], options.typedNumbers ?? true);
  if (!m) return signatureFailure(p, options.privateKey, options);
  return { ok: true, publicKey: p.publicKey, method: p.method, params: p.params, dialect: m.dialect, typed: m.typed, timestamp: p.timestamp, unique: p.unique };
}

function signatureFailure(p: Parsed, privateKey: string, options: VerifyHostDimeOptions): HostDimeVerifyFailure {
  const f: HostDimeVerifyFailure = { ok: false, code: 'SIGNATURE_INVALID', message: 'api_hash does not match' };
  if (!options.debug) return f;
  try {
    return { ...f, canonical: canonicalHostDime({ timestamp: p.timestampRaw, unique: p.unique, privateKey, method: p.method, params: p.params }) };
  } catch {
    return f;
  }
}

