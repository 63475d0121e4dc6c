import { binaryString, shortAsciiBytes } from '../../core/binary.js';
import { base64ToBytes, bytesToBase64, bytesToUtf8, isBytes, utf8ToBytes } from '../../core/bytes.js';
import { type NowOption, resolveNow } from '../../core/clock.js';
import { equalBytes } from '../../core/compare.js';
import { HostsigError, toFailure, type VerifyFailure, verifyFailure } from '../../core/errors.js';
import { prepareHmacSha256 } from '../../core/hmac.js';
import { type NonceStore, nonceTtl, recordNonce } from '../../core/nonce.js';
import type { PhpArray } from '../../core/php/array.js';
import { parseStr, phpUrldecodeBytes, refusePhpDuplicates } from '../../core/php/query.js';
import { sixConnectMac, sixConnectSecretBytes } from './canonical.js';

/** An inbound 6connect request: the raw query (after `?`), or a URL to take it from. */
export interface SixConnectRequest {
  /** The raw query after `?` (a leading `?` is dropped), as text or the received bytes: the bytes the HMAC covers. Wins over `url`. */
  query?: string | Uint8Array;
  /** A URL or a path with its query, e.g. `/api/v1/api.php?target=...`: the query is read up to any `#`. */
  url?: string;
}

/** What {@link verifySixConnect} takes: a secret (or a lookup), and the opt-in freshness policy. */
export interface VerifySixConnectOptions {
  /** The shared secret, when there is one: its literal bytes key the HMAC (a string is UTF-8, never hex- or base64-decoded). */
  secretKey?: string | Uint8Array;
  /** With `secretKey`: the only `apiKey` accepted. */
  apiKey?: string;
  /** Finds the secret for an `apiKey`; resolve null/undefined for an unknown key. */
  lookup?: (apiKey: string) => string | Uint8Array | null | undefined | Promise<string | Uint8Array | null | undefined>;
  /**
   * Require a signed `time` param (Unix seconds) within `toleranceSec` (default 300). 6connect
   * itself has no timestamp, so without this a captured URL replays forever.
   */
  time?:
    | boolean
    | {
        /** Name of the signed time param. Default `time`. */
        param?: string;
        /** Largest accepted |now - time|, in seconds. Default 300. */
        toleranceSec?: number;
      };
  /** With `time`: remembers each hash for the window so a replay is `REPLAYED`. */
  nonces?: NonceStore;
  /** The current time for the `time` window: seconds since the epoch, a Date or a clock function. Default the system clock. */
  now?: NowOption;
}

/** An accepted 6connect request: the `apiKey` and the signed params. */
export interface SixConnectVerified {
  /** Always `true`: the discriminant against a `VerifyFailure`. */
  ok: true;
  /** The `apiKey` whose secret the hash matched (URL-decoded). */
  apiKey: string;
  /** The signed `target` param, URL-decoded; undefined when absent or not UTF-8. */
  target?: string;
  /** The signed `action` param, URL-decoded; undefined when absent or not UTF-8. */
  action?: string;
  /** The signed params as PHP's `$_GET` holds them; undefined when a decoded name or value is not UTF-8. */
  params?: PhpArray;
  /** The signed part of the query, as received. */
  signedQuery: string;
  /** With the `time` option: the signed time param, Unix seconds. Absent otherwise. */
  time?: number;
}

/** What {@link verifySixConnect} resolves to. */
export type SixConnectVerifyResult = SixConnectVerified | VerifyFailure;

const B64_RE = /^[A-Za-z0-9+/]{43}=$/;
const DIGITS_RE = /^[0-9]{1,15}$/;

/**
 * The query as a string to scan: the text itself, or for bytes a binary string (one char per
 * byte). Scanning strings is much faster in JS engines than walking a Uint8Array; the HMAC
 * still runs over the exact received bytes (`signedBytes`).
 */
interface RawQuery {
  q: string;
  /** The received bytes when the query came as bytes. */
  src: Uint8Array | null;
}

/** The query without the leading `?` and any fragment. */
function rawQuery(request: SixConnectRequest): RawQuery {
  if (typeof request !== 'object' || request === null) throw new HostsigError('BODY_MALFORMED', 'request expected object');
  if (request.query !== undefined) {
    if (isBytes(request.query)) {
      const src = request.query[0] === 0x3f ? request.query.subarray(1) : request.query;
      return { q: binaryString(src), src };
    }
    if (typeof request.query !== 'string') throw new HostsigError('BODY_MALFORMED', 'query expected string or Uint8Array');
    return { q: request.query.startsWith('?') ? request.query.slice(1) : request.query, src: null };
  }
  if (typeof request.url === 'string') {
    const u = request.url;
    const qm = u.indexOf('?');
    if (qm === -1) throw new HostsigError('HASH_MISSING', 'no query string');
    const hashMark = u.indexOf('#', qm);
    return { q: u.slice(qm + 1, hashMark === -1 ? undefined : hashMark), src: null };
  }
  throw new HostsigError('BODY_MALFORMED', 'request needs "query" or "url"');
}

const encoder = /* @__PURE__ */ new TextEncoder();

/** The bytes of `raw.q.slice(start, end)` as received. */
function bytesOf(raw: RawQuery, start: number, end: number): Uint8Array {
  if (raw.src) return raw.src.subarray(start, end);
  const text = raw.q.slice(start, end);
  const short = shortAsciiBytes(text);
  if (short) return short;
  // Queries are nearly always ASCII, and only then is the encoding as long as the text (any
  // other unit takes 2 or more bytes): one native pass, and utf8ToBytes' lone-surrogate check
  // only for the rest.
  const b = encoder.encode(text);
  return b.length === text.length ? b : utf8ToBytes(text);
}

/** A name or value with PHP's urldecode applied, as bytes. */
function decoded(raw: RawQuery, start: number, end: number): Uint8Array {
  return phpUrldecodeBytes(bytesOf(raw, start, end));
}

/** Where each wanted field's raw value sits in the query. */
type Fields = Map<string, [number, number]>;

function hasEscape(q: string, start: number, end: number): boolean {
  // A bounded scan: indexOf from `start` would run to the end of the query for every field
  // that has no escape (quadratic in the number of fields).
  for (let i = start; i < end; i++) {
    const c = q.charCodeAt(i);
    if (c === 0x25 || c === 0x2b) return true;
  }
  return false;
}

/**
 * One pass over the signed pairs, keeping only the `wanted` fields and refusing a second
 * `hash`. A name is decoded only when it has an escape in it. One request has one identity:
 * a repeated name, or a name PHP rewrites (escapes, `[`, `.`, space, NUL), sends the signed
 * part through PHP's own duplicate rule (`FIELD_DUPLICATE` for a second `apiKey`, or any
 * field whose values differ, where PHP reads the last and most other readers the first).
 */
function scanFields(raw: RawQuery, signedEnd: number, wanted: readonly string[]): Fields {
  const { q } = raw;
  const out: Fields = new Map();
  SEEN.fill(0);
  let count = 0;
  let rewritten = false;
  let start = 0;
  // A name is cut out (a string) only when it has the length of `hash` or of a wanted name.
  let lengths = 1 << 4;
  for (const w of wanted) lengths |= 1 << Math.min(w.length, 31);
  while (start <= signedEnd) {
    let end = q.indexOf('&', start);
    if (end === -1 || end > signedEnd) end = signedEnd;
    if (end > start) {
      const kind = nameKind(q, start, end);
      const eq = nameEnd;
      const name = kind === ESCAPED ? binaryString(decoded(raw, start, eq)) : lengths & (1 << Math.min(eq - start, 31)) ? q.slice(start, eq) : null;
      if (name === 'hash') throw new HostsigError('HASH_DUPLICATE', 'more than one hash param');
      if (!rewritten && (kind !== PLAIN || ++count > MAX_SEEN || !firstSighting(nameHash))) rewritten = true;
      if (name !== null && wanted.includes(name)) out.set(name, [Math.min(eq + 1, end), end]);
    }
    start = end + 1;
  }
  if (rewritten) refusePhpDuplicates(bytesOf(raw, 0, signedEnd), ['apiKey']);
  return out;
}

// Repeated plain names, found by their 32-bit FNV-1a hashes in a small open-addressing table
// (a Set of strings cost 11% of a 40-field verify). A collision only sends the query through
// PHP's exact rule, as a repeat does; past MAX_SEEN names, every query goes there.
const MAX_SEEN = 128;
const SEEN = /* @__PURE__ */ new Int32Array(2 * MAX_SEEN);
let nameHash = 0;
/** Where the last name read by nameKind ends: its '=', or the field's end. */
let nameEnd = 0;

/** False when `h` (non-zero) is already in SEEN; records it otherwise. */
function firstSighting(h: number): boolean {
  for (let i = h & (SEEN.length - 1); ; i = (i + 1) & (SEEN.length - 1)) {
    if (SEEN[i] === h) return false;
    if (SEEN[i] === 0) {
      SEEN[i] = h;
      return true;
    }
  }
}

const PLAIN = 0;
const MANGLED = 1;
const ESCAPED = 2;

/**
 * How PHP's `$_GET` keys the raw name of the field `q[start, end)`, in one scan that also
 * finds where the name ends (`nameEnd`): as it is (PLAIN), after mangling (`[` nesting,
 * `.`/space to `_`, a NUL cut: MANGLED), or only once decoded (`%`, `+`: ESCAPED).
 */
function nameKind(q: string, start: number, end: number): number {
  let kind = PLAIN;
  let h = 0x811c9dc5;
  let i = start;
  for (; i < end; i++) {
    const c = q.charCodeAt(i);
    if (c === 0x3d) break;
    if (c === 0x25 || c === 0x2b) {
      kind = ESCAPED;
      while (i < end && q.charCodeAt(i) !== 0x3d) i++;
      break;
    }
    if (c === 0x5b || c === 0x2e || c === 0x20 || c === 0) kind = MANGLED;
    h = Math.imul(h ^ c, 0x01000193);
  }
  nameEnd = i;
  nameHash = h | 1; // never 0, the table's empty mark
  return kind;
}

/** A wanted field's value as text (strict UTF-8), or undefined when absent. */
function fieldText(raw: RawQuery, fields: Fields, name: string): string | undefined {
  const r = fields.get(name);
  if (!r) return undefined;
  if (!raw.src && !hasEscape(raw.q, r[0], r[1])) return raw.q.slice(r[0], r[1]);
  return bytesToUtf8(decoded(raw, r[0], r[1]));
}

interface Parsed {
  raw: RawQuery;
  signedEnd: number;
  signed: Uint8Array;
  mac: Uint8Array;
  apiKey: string;
  fields: Fields;
  time?: number;
}

function parse(request: SixConnectRequest, options: VerifySixConnectOptions, now: number): Parsed {
  const raw = rawQuery(request);
  const { q } = raw;
  const at = q.lastIndexOf('&hash=');
  if (at === -1) {
    if (q.startsWith('hash=')) throw new HostsigError('HASH_NOT_LAST', 'hash must be the last param, not the first');
    throw new HostsigError('HASH_MISSING', 'no hash param');
  }
  const hashRaw = q.slice(at + 6);
  if (hashRaw.includes('&')) throw new HostsigError('HASH_NOT_LAST', 'params after hash are not signed');
  const timeParam = options.time && options.time !== true ? (options.time.param ?? 'time') : 'time';
  const fields = scanFields(raw, at, ['apiKey', 'target', 'action', timeParam]);

  // Raw, percent-encoded, or with '+' turned into a space by a proxy.
  const hashText = decodePercentOnly(hashRaw);
  if (!B64_RE.test(hashText)) throw new HostsigError('HASH_MALFORMED', 'hash must be base64 of 32 bytes');
  const mac = base64ToBytes(hashText);

  const apiKey = fieldText(raw, fields, 'apiKey');
  if (!apiKey) throw new HostsigError('MISSING_FIELD', 'missing apiKey', { field: 'apiKey' });

  let time: number | undefined;
  if (options.time) {
    const tol = options.time === true ? 300 : (options.time.toleranceSec ?? 300);
    const txt = fieldText(raw, fields, timeParam);
    if (txt === undefined) throw new HostsigError('MISSING_FIELD', `missing ${timeParam}`, { field: timeParam });
    if (!DIGITS_RE.test(txt)) throw new HostsigError('TIMESTAMP_INVALID', `${timeParam} must be Unix seconds`);
    time = Number(txt);
    if (now - time > tol) throw new HostsigError('TIMESTAMP_STALE', `${timeParam} is too old`, { timestamp: time, now: Math.floor(now), toleranceSec: tol });
    if (time - now > tol) throw new HostsigError('TIMESTAMP_FUTURE', `${timeParam} is in the future`, { timestamp: time, now: Math.floor(now), toleranceSec: tol });
  }
  return { raw, signedEnd: at, signed: bytesOf(raw, 0, at), mac, apiKey, fields, time };
}

/** `%XX` decoded, `+` left alone, then spaces (a proxy's `+`) back to `+`. */
function decodePercentOnly(raw: string): string {
  const s = raw.includes('%') ? raw.replace(/%([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))) : raw;
  return s.includes(' ') ? s.replace(/ /g, '+') : s;
}

function textOrBinary(b: Uint8Array): string {
  try {
    return bytesToUtf8(b);
  } catch {
    return binaryString(b);
  }
}

function optionalText(raw: RawQuery, fields: Fields, name: string): string | undefined {
  try {
    return fieldText(raw, fields, name);
  } catch {
    return undefined;
  }
}

/** A verified request; `params` is parsed on first read, since most servers need only the identity. */
class Verified implements SixConnectVerified {
  readonly ok = true as const;
  // Assigned in the constructor, in this order (`time` too, undefined without one).
  declare readonly apiKey: string;
  declare readonly target?: string;
  declare readonly action?: string;
  declare readonly signedQuery: string;
  declare readonly time?: number;
  #signed: Uint8Array;
  #params: PhpArray | undefined | null = null;

  constructor(p: Parsed) {
    this.apiKey = p.apiKey;
    this.target = optionalText(p.raw, p.fields, 'target');
    this.action = optionalText(p.raw, p.fields, 'action');
    this.signedQuery = p.raw.src ? textOrBinary(p.signed) : p.raw.q.slice(0, p.signedEnd);
    this.time = p.time;
    // A copy when the bytes are the caller's: a reused buffer must not change what params say.
    this.#signed = p.raw.src ? p.signed.slice() : p.signed;
  }

  get params(): PhpArray | undefined {
    if (this.#params === null) {
      try {
        this.#params = parseStr(this.#signed, { maxVars: Infinity });
      } catch {
        this.#params = undefined;
      }
    }
    return this.#params;
  }
}

function verified(p: Parsed): SixConnectVerified {
  return new Verified(p);
}

/**
 * Prepared HMACs (the key blocks hashed once: two SHA-256 compressions fewer per request) for
 * the text secrets a verification was given, kept per `lookup` function, or per options object
 * for a `secretKey`: objects the caller owns and keeps for as long as it serves those secrets,
 * and whose loss lets these go. At most PREPARED_MAX per owner, oldest out first, so clients
 * naming many keys cannot grow it. (Byte secrets are not kept: the caller may reuse the array.)
 */
const preparedByOwner = /* @__PURE__ */ new WeakMap<object, Map<string, (message: Uint8Array) => Uint8Array>>();
const PREPARED_MAX = 256;

/** The HMAC of the signed bytes under `secret`, prepared once per secret and owner. */
function macOf(options: VerifySixConnectOptions, secret: string | Uint8Array, signed: Uint8Array): Uint8Array {
  if (typeof secret !== 'string') return sixConnectMac(signed, secret);
  const owner: object = options.lookup ?? options;
  let cache = preparedByOwner.get(owner);
  if (cache === undefined) preparedByOwner.set(owner, (cache = new Map()));
  let mac = cache.get(secret);
  if (mac === undefined) {
    mac = prepareHmacSha256(sixConnectSecretBytes(secret));
    if (cache.size >= PREPARED_MAX) cache.delete(cache.keys().next().value!);
    cache.set(secret, mac);
  }
  return mac(signed);
}

/** The time, for the `time` window; without one and without `now`, the clock is not read. */
function nowFor(options: VerifySixConnectOptions): number {
  return options.time || options.now !== undefined ? resolveNow(options.now) : 0;
}

function checkOptions(options: VerifySixConnectOptions): void {
  if (typeof options !== 'object' || options === null) throw new HostsigError('INVALID_ARGUMENT', '"options" expected object');
  if (options.secretKey === undefined && typeof options.lookup !== 'function') throw new HostsigError('INVALID_ARGUMENT', 'give "secretKey" or a "lookup" function');
  if (options.nonces && !options.time) throw new HostsigError('INVALID_ARGUMENT', '"nonces" needs "time": without a window every hash would be kept forever');
}

/**
 * Verifies an inbound 6connect request over its raw query bytes: cuts at the last `&hash=`,
 * recomputes the HMAC over exactly the bytes before it, and compares the decoded 32 bytes in
 * constant time. The received hash may be raw, percent-encoded, or have had `+` turned
 * into a space. With `time`, also checks a signed `time` param and (with `nonces`) replays.
 *
 * Never throws on hostile input: resolves `{ ok: false, code }` with `HASH_MISSING`,
 * `HASH_NOT_LAST`, `HASH_DUPLICATE`, `FIELD_DUPLICATE`, `HASH_MALFORMED`, `MISSING_FIELD`, `INVALID_UTF8`,
 * `UNKNOWN_KEY`, `LOOKUP_FAILED`, `TIMESTAMP_*`, `SIGNATURE_INVALID`, `REPLAYED`, `NONCE_STORE_*`.
 *
 * A text secret's HMAC key set-up is done once and kept (at most 256 secrets) for as long as
 * the `lookup` function, or for a `secretKey` the options object, is alive: pass the same one
 * on every request (as `createVerifier` does), and drop it to let the secrets go.
 * @param request the raw query (after `?`), or a URL to take it from
 * @param options the secret (or a lookup), and the opt-in `time` window and nonce store
 * @returns a Promise of the verified request or a failure with a stable `code`
 * @throws HostsigError `INVALID_ARGUMENT` for bad options only.
 * @example
 * ```ts
 * import { verifySixConnect } from 'hostsig/sixconnect';
 *
 * const secrets = new Map([['32-5DAYTJQY2TZHOFOB', '48b278ec873bda4738923dbc467f8669']]);
 * const lookup = (apiKey: string) => secrets.get(apiKey);
 * const q = 'target=ipam&action=get&type=IP&mask=24&apiKey=32-5DAYTJQY2TZHOFOB';
 * const url = `https://ipam.example.com/api/v1/api.php?${q}`;
 *
 * await verifySixConnect({ url: `${url}&hash=yneSFMyxPPe+3W4IOkVp50K3VStatBcRRak+2ygDUWQ=` }, { lookup }) // => { ok: true, apiKey: '32-5DAYTJQY2TZHOFOB', target: 'ipam', action: 'get' }
 * // A proxy that turned '+' into a space, or percent-encoded the hash: still the same hash.
 * await verifySixConnect({ url: `${url}&hash=yneSFMyxPPe%2B3W4IOkVp50K3VStatBcRRak%2B2ygDUWQ%3D` }, { lookup }) // => { ok: true }
 * await verifySixConnect({ url: `${url}&hash=yneSFMyxPPe+3W4IOkVp50K3VStatBcRRak+2ygDUWQ=&x=1` }, { lookup }) // => { ok: false, code: 'HASH_NOT_LAST' }
 * ```
 */
export async function verifySixConnect(request: SixConnectRequest, options: VerifySixConnectOptions): Promise<SixConnectVerifyResult> {
  checkOptions(options);
  let p: Parsed;
  let now: number;
  try {
    now = nowFor(options);
    p = parse(request, options, now);
  } catch (e) {
    return toFailure(e);
  }
  let secret: string | Uint8Array | null | undefined;
  if (options.secretKey !== undefined) {
    if (options.apiKey !== undefined && options.apiKey !== p.apiKey) return verifyFailure('UNKNOWN_KEY', 'unknown apiKey');
    secret = options.secretKey;
  } else {
    try {
      secret = await options.lookup!(p.apiKey);
    } catch (e) {
      return verifyFailure('LOOKUP_FAILED', 'key lookup failed', { cause: e });
    }
    if (secret === null || secret === undefined || secret === '' || (isBytes(secret) && secret.length === 0)) {
      return verifyFailure('UNKNOWN_KEY', 'unknown apiKey');
    }
  }
  let ok: boolean;
  try {
    ok = equalBytes(macOf(options, secret, p.signed), p.mac);
  } catch (e) {
    return toFailure(e, 'LOOKUP_FAILED');
  }
  if (!ok) return verifyFailure('SIGNATURE_INVALID', 'hash does not match');
  if (options.nonces && p.time !== undefined) {
    const tol = options.time === true || !options.time ? 300 : (options.time.toleranceSec ?? 300);
    const key = `sixconnect:${p.apiKey.length}:${p.apiKey}:${bytesToBase64(p.mac)}`;
    const replay = await recordNonce(options.nonces, key, nonceTtl(p.time, tol, now), 'this signed URL was already used');
    if (replay) return replay;
  }
  return verified(p);
}

/**
 * The synchronous form of {@link verifySixConnect} for a known secret and no nonce store.
 * @param request the raw query (after `?`), or a URL to take it from
 * @param options the secret; `time` optional
 * @throws HostsigError `INVALID_ARGUMENT` for bad options only
 * @example
 * ```ts
 * import { verifySixConnectSync } from 'hostsig/sixconnect';
 *
 * verifySixConnectSync(
 *   { query: 'target=test&action=helloWorld&param1=100&apiKey=32-5DAYTJQY2TZHOFOB&hash=6onK7BpNr5xgTxPCFWXBzl2FYOKDvtbJDTkhP0u74mk=' },
 *   { secretKey: '48b278ec873bda4738923dbc467f8669' },
 * ) // => { ok: true, signedQuery: 'target=test&action=helloWorld&param1=100&apiKey=32-5DAYTJQY2TZHOFOB' }
 * ```
 */
export function verifySixConnectSync(request: SixConnectRequest, options: Omit<VerifySixConnectOptions, 'lookup' | 'nonces'> & { secretKey: string | Uint8Array }): SixConnectVerifyResult {
  checkOptions(options);
  if ((options as VerifySixConnectOptions).lookup || (options as VerifySixConnectOptions).nonces) throw new HostsigError('INVALID_ARGUMENT', 'verifySixConnectSync takes no lookup or nonce store');
  try {
    const p = parse(request, options, nowFor(options));
    if (options.apiKey !== undefined && options.apiKey !== p.apiKey) return verifyFailure('UNKNOWN_KEY', 'unknown apiKey');
    if (!equalBytes(sixConnectMac(p.signed, options.secretKey), p.mac)) return verifyFailure('SIGNATURE_INVALID', 'hash does not match');
    return verified(p);
  } catch (e) {
    return toFailure(e);
  }
}
