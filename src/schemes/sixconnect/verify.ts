import { base64ToBytes, bytesToBase64, bytesToUtf8, isBytes, utf8ToBytes } from '../../core/bytes.js';
import { type NowOption, resolveNow } from '../../core/clock.js';
import { equalBytes } from '../../core/compare.js';
import { HostsigError, toFailure, type VerifyFailure } from '../../core/errors.js';
import { type NonceStore, nonceTtl, recordNonce } from '../../core/nonce.js';
import type { PhpArray } from '../../core/php/array.js';
import { parseStr, phpUrldecodeBytes } from '../../core/php/query.js';
import { sixConnectMac } from './canonical.js';

/** An inbound 6connect request: the raw query (after `?`), or a URL to take it from. */
export interface SixConnectRequest {
  query?: string | Uint8Array;
  url?: string;
}

export interface VerifySixConnectOptions {
  secretKey?: string | Uint8Array;
  /** With `secretKey`: the only `apiKey` accepted. */
  apiKey?: string;
  /** Finds the secret for an `apiKey`; resolve null/undefined for an unknown key. */
  lookup?: (apiKey: string) => string | Uint8Array | null | undefined | Promise<string | Uint8Array | null | undefined>;
  /**
   * Require a signed `time` param (Unix seconds) within `toleranceSec` (default 300). 6connect
   * itself has no timestamp, so without this a captured URL replays forever.
   */
  time?: boolean | { param?: string; toleranceSec?: number };
  /** With `time`: remembers each hash for the window so a replay is `REPLAYED`. */
  nonces?: NonceStore;
  now?: NowOption;
}

export interface SixConnectVerified {
  ok: true;
  apiKey: string;
  target?: string;
  action?: string;
  /** The signed params as PHP's `$_GET` holds them; undefined when the query is not UTF-8. */
  params?: PhpArray;
  /** The signed part of the query, as received. */
  signedQuery: string;
  time?: number;
}

export type SixConnectVerifyResult = SixConnectVerified | VerifyFailure;

const AMP = 0x26;
const HASH_MARK = utf8ToBytes('&hash=');
const B64_RE = /^[A-Za-z0-9+/]{43}=$/;

function lastIndexOf(hay: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = hay.length - needle.length; i >= 0; i--) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

function latin1(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]!);
  return s;
}

/** Raw query bytes of the request, without the leading `?` and any fragment. */
function rawQuery(request: SixConnectRequest): Uint8Array {
  if (typeof request !== 'object' || request === null) throw new HostsigError('BODY_MALFORMED', 'request expected object');
  let q: Uint8Array;
  if (request.query !== undefined) {
    if (isBytes(request.query)) q = request.query;
    else if (typeof request.query === 'string') q = utf8ToBytes(request.query);
    else throw new HostsigError('BODY_MALFORMED', 'query expected string or Uint8Array');
    if (q[0] === 0x3f) q = q.subarray(1);
  } else if (typeof request.url === 'string') {
    const u = request.url;
    const qm = u.indexOf('?');
    if (qm === -1) throw new HostsigError('HASH_MISSING', 'no query string');
    const hashMark = u.indexOf('#', qm);
    q = utf8ToBytes(u.slice(qm + 1, hashMark === -1 ? undefined : hashMark));
  } else {
    throw new HostsigError('BODY_MALFORMED', 'request needs "query" or "url"');
  }
  return q;
}

/** Plain scan of the signed pairs for the fields the check needs (names compared as bytes). */
function scanFields(signed: Uint8Array): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  let start = 0;
  while (start <= signed.length) {
    let end = signed.indexOf(AMP, start);
    if (end === -1) end = signed.length;
    if (end > start) {
      let eq = signed.indexOf(0x3d, start);
      if (eq === -1 || eq > end) eq = end;
      const name = latin1(phpUrldecodeBytes(signed, start, eq));
      if (name === 'hash') throw new HostsigError('HASH_DUPLICATE', 'more than one hash param');
      out.set(name, eq < end ? phpUrldecodeBytes(signed, eq + 1, end) : new Uint8Array(0));
    }
    start = end + 1;
  }
  return out;
}

interface Parsed {
  signed: Uint8Array;
  mac: Uint8Array;
  apiKey: string;
  fields: Map<string, Uint8Array>;
  time?: number;
}

function parse(request: SixConnectRequest, options: VerifySixConnectOptions, now: number): Parsed {
  const q = rawQuery(request);
  const at = lastIndexOf(q, HASH_MARK);
  if (at === -1) {
    if (q.length >= 5 && latin1(q.subarray(0, 5)) === 'hash=') throw new HostsigError('HASH_NOT_LAST', 'hash must be the last param, not the first');
    throw new HostsigError('HASH_MISSING', 'no hash param');
  }
  const signed = q.subarray(0, at);
  const hashRaw = q.subarray(at + HASH_MARK.length);
  if (hashRaw.includes(AMP)) throw new HostsigError('HASH_NOT_LAST', 'params after hash are not signed');
  const fields = scanFields(signed);

  // Raw, percent-encoded, or with '+' turned into a space by a proxy.
  const hashText = decodePercentOnly(hashRaw);
  if (!B64_RE.test(hashText)) throw new HostsigError('HASH_MALFORMED', 'hash must be base64 of 32 bytes');
  const mac = base64ToBytes(hashText);

  const keyBytes = fields.get('apiKey');
  if (!keyBytes || keyBytes.length === 0) throw new HostsigError('MISSING_FIELD', 'missing apiKey', { field: 'apiKey' });
  const apiKey = bytesToUtf8(keyBytes);

  let time: number | undefined;
  if (options.time) {
    const cfg = options.time === true ? {} : options.time;
    const name = cfg.param ?? 'time';
    const tol = cfg.toleranceSec ?? 300;
    const raw = fields.get(name);
    if (!raw) throw new HostsigError('MISSING_FIELD', `missing ${name}`, { field: name });
    const txt = latin1(raw);
    if (!/^[0-9]{1,15}$/.test(txt)) throw new HostsigError('TIMESTAMP_INVALID', `${name} must be Unix seconds`);
    time = Number(txt);
    if (now - time > tol) throw new HostsigError('TIMESTAMP_STALE', `${name} is too old`, { timestamp: time, now: Math.floor(now), toleranceSec: tol });
    if (time - now > tol) throw new HostsigError('TIMESTAMP_FUTURE', `${name} is in the future`, { timestamp: time, now: Math.floor(now), toleranceSec: tol });
  }
  return { signed, mac, apiKey, fields, time };
}

/** `%XX` decoded, `+` left alone, then spaces (a proxy's `+`) back to `+`. */
function decodePercentOnly(raw: Uint8Array): string {
  let s = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c === 0x25 && i + 2 < raw.length && /^[0-9A-Fa-f]{2}$/.test(String.fromCharCode(raw[i + 1]!, raw[i + 2]!))) {
      s += String.fromCharCode(parseInt(String.fromCharCode(raw[i + 1]!, raw[i + 2]!), 16));
      i += 2;
    } else {
      s += String.fromCharCode(c);
    }
  }
  return s.replace(/ /g, '+');
}

function text(b: Uint8Array | undefined): string | undefined {
  if (!b) return undefined;
  try {
    return bytesToUtf8(b);
  } catch {
    return undefined;
  }
}

function verified(p: Parsed): SixConnectVerified {
  let params: PhpArray | undefined;
  try {
    params = parseStr(p.signed, { maxVars: Infinity });
  } catch {
    params = undefined;
  }
  return {
    ok: true,
    apiKey: p.apiKey,
    target: text(p.fields.get('target')),
    action: text(p.fields.get('action')),
    params,
    signedQuery: latin1IfNeeded(p.signed),
    ...(p.time !== undefined ? { time: p.time } : {}),
  };
}

function latin1IfNeeded(b: Uint8Array): string {
  return text(b) ?? latin1(b);
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
 * `HASH_NOT_LAST`, `HASH_DUPLICATE`, `HASH_MALFORMED`, `MISSING_FIELD`, `INVALID_UTF8`,
 * `UNKNOWN_KEY`, `LOOKUP_FAILED`, `TIMESTAMP_*`, `SIGNATURE_INVALID`, `REPLAYED`, `NONCE_STORE_*`.
 * @throws HostsigError `INVALID_ARGUMENT` for bad options only.
 * @example
 * const r = await verifySixConnect({ url: req.url }, { lookup: (k) => secrets.get(k) })
 */
export async function verifySixConnect(request: SixConnectRequest, options: VerifySixConnectOptions): Promise<SixConnectVerifyResult> {
  checkOptions(options);
  let p: Parsed;
  let now: number;
  try {
    now = resolveNow(options.now);
    p = parse(request, options, now);
  } catch (e) {
    return toFailure(e);
  }
  let secret: string | Uint8Array | null | undefined;
  if (options.secretKey !== undefined) {
    if (options.apiKey !== undefined && options.apiKey !== p.apiKey) return { ok: false, code: 'UNKNOWN_KEY', message: 'unknown apiKey' };
    secret = options.secretKey;
  } else {
    try {
      secret = await options.lookup!(p.apiKey);
    } catch {
      return { ok: false, code: 'LOOKUP_FAILED', message: 'key lookup failed' };
    }
    if (secret === null || secret === undefined || secret === '' || (isBytes(secret) && secret.length === 0)) {
      return { ok: false, code: 'UNKNOWN_KEY', message: 'unknown apiKey' };
    }
  }
  let ok: boolean;
  try {
    ok = equalBytes(sixConnectMac(p.signed, secret), p.mac);
  } catch (e) {
    return toFailure(e, 'LOOKUP_FAILED');
  }
  if (!ok) return { ok: false, code: 'SIGNATURE_INVALID', message: 'hash does not match' };
  if (options.nonces && p.time !== undefined) {
    const tol = options.time === true || !options.time ? 300 : (options.time.toleranceSec ?? 300);
    const key = `sixconnect:${p.apiKey.length}:${p.apiKey}:${bytesToBase64(p.mac)}`;
    const replay = await recordNonce(options.nonces, key, nonceTtl(p.time, tol, now), 'this signed URL was already used');
    if (replay) return replay;
  }
  return verified(p);
}

/** The synchronous form of {@link verifySixConnect} for a known secret and no nonce store. */
export function verifySixConnectSync(request: SixConnectRequest, options: Omit<VerifySixConnectOptions, 'lookup' | 'nonces'> & { secretKey: string | Uint8Array }): SixConnectVerifyResult {
  checkOptions(options);
  if ((options as VerifySixConnectOptions).lookup || (options as VerifySixConnectOptions).nonces) throw new HostsigError('INVALID_ARGUMENT', 'verifySixConnectSync takes no lookup or nonce store');
  try {
    const p = parse(request, options, resolveNow(options.now));
    if (options.apiKey !== undefined && options.apiKey !== p.apiKey) return { ok: false, code: 'UNKNOWN_KEY', message: 'unknown apiKey' };
    if (!equalBytes(sixConnectMac(p.signed, options.secretKey), p.mac)) return { ok: false, code: 'SIGNATURE_INVALID', message: 'hash does not match' };
    return verified(p);
  } catch (e) {
    return toFailure(e);
  }
}
