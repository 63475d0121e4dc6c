import { bytesToHex, hexToBytes, utf8ToBytes } from '../../core/bytes.js';
import { type Clock, type NowOption, resolveNow, systemClock } from '../../core/clock.js';
import { equalBytes } from '../../core/compare.js';
import { HostsigError, isHostsigError, type VerifyFailure, verifyFailure } from '../../core/errors.js';
import { sha256 } from '../../core/hmac.js';
import { formatIpAddress, parseIpAddress } from '../../core/ip.js';
import { PhpArray } from '../../core/php/array.js';
import { parseStr } from '../../core/php/query.js';
import { randomBytes } from '../../core/random.js';
import { HOSTKEY_TOKEN_RE } from './sign.js';

/** A stored session. The token itself is never stored, only its digest. */
export interface HostKeySessionRecord {
  /** Lowercase hex SHA-256 of the token. */
  readonly digest: string;
  /** Whose session (billing user id, e-mail, API key id). */
  readonly subject: string;
  /** Unix seconds. */
  readonly expiresAt: number;
  /** Unix seconds the session was issued at. */
  readonly createdAt: number;
  /** With `fix_ip`: the canonical address the token is bound to. */
  readonly ip: string | null;
}

/** Where sessions live. Implementations must be safe for concurrent use. */
export interface HostKeyTokenStore {
  /** Stores a session record under its `digest`. */
  put(record: HostKeySessionRecord): Promise<void>;
  /** The record for a digest, or null. */
  get(digest: string): Promise<HostKeySessionRecord | null>;
  /** Removes a record; resolves whether there was one. */
  delete(digest: string): Promise<boolean>;
}

/**
 * An in-memory {@link HostKeyTokenStore} for one process, bounded: expired records are swept
 * when it fills, and a store full of live sessions refuses new ones with `LOOKUP_FAILED`.
 * @example
 * ```ts
 * import { issueHostKeyToken, MemoryHostKeyTokenStore, verifyHostKeyToken } from 'hostsig/hostkey';
 *
 * const store = new MemoryHostKeyTokenStore({ maxEntries: 10_000 });
 * const { token } = await issueHostKeyToken({ store, subject: 'user-42', ttl: 3600 });
 * await verifyHostKeyToken(token, { store }) // => { ok: true, subject: 'user-42' }
 * ```
 */
export class MemoryHostKeyTokenStore implements HostKeyTokenStore {
  readonly #map = new Map<string, HostKeySessionRecord>();
  readonly #max: number;
  readonly #clock: Clock;
  /**
   * Makes an empty store.
   * @param options `maxEntries`: most records held (default 100 000); `clock`: seconds, for sweeping expired records (default the system clock)
   * @throws HostsigError `INVALID_ARGUMENT` when `maxEntries` is not a positive integer
   */
  constructor(options: { maxEntries?: number; clock?: Clock } = {}) {
    this.#max = options.maxEntries ?? 100_000;
    if (!Number.isSafeInteger(this.#max) || this.#max < 1) throw new HostsigError('INVALID_ARGUMENT', '"maxEntries" must be a positive integer');
    this.#clock = options.clock ?? systemClock;
  }
  /** Records currently held, expired ones included until swept. */
  get size(): number {
    return this.#map.size;
  }
  /** Stores a session record under its `digest`. */
  async put(record: HostKeySessionRecord): Promise<void> {
    if (this.#map.size >= this.#max) {
      const now = this.#clock();
      for (const [k, r] of this.#map) if (r.expiresAt <= now) this.#map.delete(k);
      if (this.#map.size >= this.#max) throw new HostsigError('LOOKUP_FAILED', 'session store is full');
    }
    this.#map.set(record.digest, { ...record });
  }
  async get(digest: string): Promise<HostKeySessionRecord | null> {
    return this.#map.get(digest) ?? null;
  }
  async delete(digest: string): Promise<boolean> {
    return this.#map.delete(digest);
  }
}

/**
 * A new session token: 32 lowercase hex characters from 16 CSPRNG bytes.
 * @example
 * ```ts
 * import { generateHostKeyToken, HOSTKEY_TOKEN_RE } from 'hostsig/hostkey';
 *
 * HOSTKEY_TOKEN_RE.test(generateHostKeyToken()) // => true
 * ```
 */
export function generateHostKeyToken(): string {
  return bytesToHex(randomBytes(16));
}

/**
 * The storage digest of a session token: hex SHA-256. A fast hash is right for 128 random
 * bits (nothing to guess); a slow KDF would only slow every request.
 * @param token the session token
 * @throws HostsigError `INVALID_ARGUMENT` for a non-string
 * @example
 * ```ts
 * import { digestHostKeyToken } from 'hostsig/hostkey';
 *
 * digestHostKeyToken('0123456789abcdef0123456789abcdef').length // => 64
 * ```
 */
export function digestHostKeyToken(token: string): string {
  if (typeof token !== 'string') throw new HostsigError('INVALID_ARGUMENT', '"token" expected string');
  return bytesToHex(sha256(utf8ToBytes(token)));
}

/** What {@link issueHostKeyToken} takes. */
export interface IssueHostKeyTokenOptions {
  /** Where the session record (the token's digest, never the token) is put. */
  store: HostKeyTokenStore;
  /** Whose session: a non-empty id (billing user id, e-mail, API key id) handed back on verify. */
  subject: string;
  /** Requested lifetime (the `ttl` field); clamped to `maxTtl`. Default `defaultTtl`. */
  ttl?: number;
  /** Default 10800 (the documented `ttl` default). */
  defaultTtl?: number;
  /** Default 86400. */
  maxTtl?: number;
  /** Bind to `clientIp` (`fix_ip=1`). */
  fixIp?: boolean;
  /** The caller's address (IPv4 or IPv6); required with `fixIp`, ignored without it. */
  clientIp?: string;
  /** The clock for the expiry: seconds since the epoch, a Date or a clock function. Default the system clock. */
  now?: NowOption;
}

/**
 * Issues a session token (`whmcslogin`/`login` on the server side): stores its digest with
 * the subject, expiry and optional IP binding, and returns the token once.
 * @param options store, subject, ttl, fix_ip, client address, clock
 * @returns `{ token, tokenExpire }` for the reply
 * @throws HostsigError `INVALID_ARGUMENT` (bad ttl, `fixIp` without a valid `clientIp`, empty
 *   subject), and whatever the store rejects with
 * @example
 * ```ts
 * import { issueHostKeyToken, MemoryHostKeyTokenStore } from 'hostsig/hostkey';
 *
 * const store = new MemoryHostKeyTokenStore();
 * const { tokenExpire } = await issueHostKeyToken({ store, subject: 'user-42', ttl: 3600, now: 1700000000 });
 * tokenExpire // => 1700003600
 * ```
 */
export async function issueHostKeyToken(options: IssueHostKeyTokenOptions): Promise<{
  /** The new session token, 32 lowercase hex characters; returned once, never stored. */
  token: string;
  /** Unix seconds it expires at: now + min(ttl, maxTtl). */
  tokenExpire: number;
}> {
  const { store, subject } = options;
  if (!store || typeof store.put !== 'function') throw new HostsigError('INVALID_ARGUMENT', '"store" must be a HostKeyTokenStore');
  if (typeof subject !== 'string' || subject.length === 0) throw new HostsigError('INVALID_ARGUMENT', '"subject" must be a non-empty string');
  const defaultTtl = options.defaultTtl ?? 10800;
  const maxTtl = options.maxTtl ?? 86400;
  const ttl = options.ttl ?? defaultTtl;
  for (const [n, v] of [['ttl', ttl], ['defaultTtl', defaultTtl], ['maxTtl', maxTtl]] as const)
    if (!Number.isSafeInteger(v) || v <= 0) throw new HostsigError('INVALID_ARGUMENT', `"${n}" must be a positive integer of seconds`);
  let ip: string | null = null;
  if (options.fixIp) {
    if (options.clientIp === undefined) throw new HostsigError('INVALID_ARGUMENT', '"fixIp" needs "clientIp"');
    ip = formatIpAddress(parseIpAddress(options.clientIp));
  }
  const now = Math.floor(resolveNow(options.now));
  const token = generateHostKeyToken();
  const tokenExpire = now + Math.min(ttl, maxTtl);
  await store.put({ digest: digestHostKeyToken(token), subject, expiresAt: tokenExpire, createdAt: now, ip });
  return { token, tokenExpire };
}

/**
 * Reads the `ttl` and `fix_ip` fields of a login form body (hostile input).
 * @param body the form body
 * @returns `ttl` (undefined when absent) and `fixIp`
 * @throws HostsigError `BODY_MALFORMED` (a `ttl` that is not a positive integer, `fix_ip` not 0/1, array fields), `INVALID_UTF8`
 * @example
 * ```ts
 * import { parseHostKeyLoginOptions } from 'hostsig/hostkey';
 *
 * parseHostKeyLoginOptions('action=whmcslogin&ttl=600&fix_ip=1') // => { ttl: 600, fixIp: true }
 * ```
 */
export function parseHostKeyLoginOptions(body: string | Uint8Array): {
  /** The `ttl` field, seconds (a positive integer); undefined when absent or empty. */
  ttl: number | undefined;
  /** True when `fix_ip=1`. */
  fixIp: boolean;
} {
  const q = parseHostKeyForm(body, 64);
  const ttlRaw = q.get('ttl');
  const fixRaw = q.get('fix_ip');
  let ttl: number | undefined;
  if (ttlRaw !== undefined && ttlRaw !== '') {
    if (typeof ttlRaw !== 'string' || !/^[1-9][0-9]{0,8}$/.test(ttlRaw)) throw new HostsigError('BODY_MALFORMED', '"ttl" must be a positive integer', { field: 'ttl' });
    ttl = Number(ttlRaw);
  }
  if (fixRaw !== undefined && fixRaw !== '0' && fixRaw !== '1' && fixRaw !== '') throw new HostsigError('BODY_MALFORMED', '"fix_ip" must be 0 or 1', { field: 'fix_ip' });
  return { ttl, fixIp: fixRaw === '1' };
}

// Credentials: sent once, or the request has two identities (PHP reads the last, most other
// readers the first). Any other field may repeat only with the same value.
const CREDENTIAL_FIELDS = ['token', 'key', 'user', 'password', 'pin', 'old_pin', 'new_pin'];

/**
 * A HostKey form body as PHP's `$_POST`, refusing a repeated credential (`FIELD_DUPLICATE`).
 * Internal to `hostsig/hostkey`.
 */
export function parseHostKeyForm(body: string | Uint8Array, maxVars: number): PhpArray {
  return parseStr(body, { maxVars, duplicates: 'refuse', once: CREDENTIAL_FIELDS });
}

/** What {@link verifyHostKeyToken} takes. */
export interface VerifyHostKeyTokenOptions {
  /** Where session records are looked up by the token's digest. */
  store: HostKeyTokenStore;
  /** Required to verify IP-bound tokens. */
  clientIp?: string;
  /** The current time for the expiry check: seconds since the epoch, a Date or a clock function. Default the system clock. */
  now?: NowOption;
}

/** A verified session. */
export interface HostKeyTokenVerified {
  /** Always `true`: the discriminant against {@link HostKeyTokenFailure}. */
  readonly ok: true;
  /** Whose session it is: the stored record's `subject`. */
  readonly subject: string;
  /** Unix seconds the session expires at. */
  readonly expiresAt: number;
  /** True when the token is bound to an address (`fix_ip`) and the client's matched it. */
  readonly ipBound: boolean;
}

/** A refused session: `status` 401 (who are you), 403 (not allowed), 400 (bad body), 503 (store broke, try again). */
export interface HostKeyTokenFailure extends VerifyFailure {
  /** The HTTP status to answer with: 400, 401, 403 or 503 as above. */
  readonly status: 400 | 401 | 403 | 503;
}

/** What {@link verifyHostKeyToken} resolves to. */
export type HostKeyTokenResult = HostKeyTokenVerified | HostKeyTokenFailure;

/**
 * Verifies a session token. The store is indexed by the token's SHA-256: a lookup by digest
 * leaks at most digest bits through timing, which do not help find a token; the stored digest
 * is compared again in constant time.
 *
 * Statuses: `TOKEN_INVALID` (malformed, unknown or revoked) and `TOKEN_EXPIRED` are 401; a
 * token used from another address than it was bound to (`fix_ip`) is 403 `IP_NOT_ALLOWED`;
 * a failing store is 503 `LOOKUP_FAILED`. Expired records are deleted when seen.
 * @param token the `token` field
 * @param options store, client address, clock
 * @throws HostsigError `INVALID_ARGUMENT` only for bad options (no store, a `clientIp` that is not an address)
 * @example
 * ```ts
 * import { issueHostKeyToken, MemoryHostKeyTokenStore, verifyHostKeyToken } from 'hostsig/hostkey';
 *
 * const store = new MemoryHostKeyTokenStore();
 * const { token } = await issueHostKeyToken({ store, subject: 'user-42', ttl: 3600, fixIp: true, clientIp: '192.0.2.7', now: 1700000000 });
 * await verifyHostKeyToken(token, { store, clientIp: '192.0.2.7', now: 1700000100 }) // => { ok: true, subject: 'user-42', ipBound: true }
 * await verifyHostKeyToken(token, { store, clientIp: '192.0.2.8', now: 1700000100 }) // => { ok: false, code: 'IP_NOT_ALLOWED', status: 403 }
 * await verifyHostKeyToken(token, { store, clientIp: '192.0.2.7', now: 1700003700 }) // => { ok: false, code: 'TOKEN_EXPIRED', status: 401 }
 * ```
 */
export async function verifyHostKeyToken(token: unknown, options: VerifyHostKeyTokenOptions): Promise<HostKeyTokenResult> {
  if (!options || !options.store || typeof options.store.get !== 'function') throw new HostsigError('INVALID_ARGUMENT', '"store" must be a HostKeyTokenStore');
  const now = resolveNow(options.now);
  const client = options.clientIp === undefined ? null : parseIpAddress(options.clientIp);
  if (token === undefined || token === null || token === '') return verifyFailure('MISSING_FIELD', 'token is missing', { status: 401, details: { field: 'token' } });
  if (typeof token !== 'string' || !HOSTKEY_TOKEN_RE.test(token)) return verifyFailure('TOKEN_INVALID', 'invalid token', { status: 401 });
  const digest = digestHostKeyToken(token);
  let rec: HostKeySessionRecord | null;
  try {
    rec = await options.store.get(digest);
  } catch (e) {
    return verifyFailure('LOOKUP_FAILED', 'session store failed', { status: 503, cause: e });
  }
  if (!rec || typeof rec.digest !== 'string' || !/^[0-9a-f]{64}$/.test(rec.digest) || !equalBytes(hexToBytes(rec.digest), hexToBytes(digest))) return verifyFailure('TOKEN_INVALID', 'invalid token', { status: 401 });
  // A caller's store may answer anything: a record without a subject or a real expiry is the
  // store's fault, never an identity.
  if (typeof rec.subject !== 'string' || typeof rec.expiresAt !== 'number' || Number.isNaN(rec.expiresAt)) return verifyFailure('LOOKUP_FAILED', 'session record is malformed', { status: 503 });
  if (!(now < rec.expiresAt)) {
    try {
      await options.store.delete(digest);
    } catch {
      /* the failure below stands either way */
    }
    return verifyFailure('TOKEN_EXPIRED', 'token has expired', { status: 401 });
  }
  if (rec.ip !== null && rec.ip !== undefined) {
    let bound: bigint;
    try {
      bound = parseIpAddress(rec.ip).value;
    } catch {
      return verifyFailure('LOOKUP_FAILED', 'session record has a malformed address', { status: 503 });
    }
    if (client === null || client.value !== bound) return verifyFailure('IP_NOT_ALLOWED', 'token is bound to another address', { status: 403 });
  }
  return { ok: true, subject: rec.subject, expiresAt: rec.expiresAt, ipBound: rec.ip !== null && rec.ip !== undefined };
}

/**
 * Verifies the `token=` field of a form body (any invapi call on the server side).
 * @param body the raw form body
 * @param options store, client address, clock
 * @returns as {@link verifyHostKeyToken}; a malformed body is 400 `BODY_MALFORMED`/`INVALID_UTF8`, a second `token` 400 `FIELD_DUPLICATE`, a `token[]` array is `TOKEN_INVALID`
 * @throws HostsigError `INVALID_ARGUMENT` only for bad options
 * @example
 * ```ts
 * import { hostKeyInfo, issueHostKeyToken, MemoryHostKeyTokenStore, verifyHostKeyRequest } from 'hostsig/hostkey';
 *
 * const store = new MemoryHostKeyTokenStore();
 * const { token } = await issueHostKeyToken({ store, subject: 'user-42', ttl: 3600 });
 * // The raw form body of an inbound request.
 * await verifyHostKeyRequest(hostKeyInfo(token).body, { store }) // => { ok: true, subject: 'user-42' }
 * await verifyHostKeyRequest('action=info', { store }) // => { ok: false, status: 401 }
 * ```
 */
export async function verifyHostKeyRequest(body: string | Uint8Array, options: VerifyHostKeyTokenOptions): Promise<HostKeyTokenResult> {
  const form = readHostKeyForm(body);
  return form instanceof PhpArray ? verifyHostKeyFormToken(form, options) : form;
}

/** @internal A request body as invapi's `$_POST`, or the 400 a malformed one gets. */
export function readHostKeyForm(body: string | Uint8Array): PhpArray | HostKeyTokenFailure {
  try {
    return parseHostKeyForm(body, 256);
  } catch (e) {
    const err = isHostsigError(e) ? e : null;
    return verifyFailure(err && err.code !== 'INVALID_ARGUMENT' ? err.code : 'BODY_MALFORMED', 'form body is malformed', { status: 400, cause: e });
  }
}

/** @internal {@link verifyHostKeyToken} of a read form's `token` (an array is no token). */
export function verifyHostKeyFormToken(form: PhpArray, options: VerifyHostKeyTokenOptions): Promise<HostKeyTokenResult> {
  const token = form.get('token');
  return verifyHostKeyToken(typeof token === 'string' || token === undefined ? token : 0, options);
}

/**
 * Revokes a session token (`logout`). Unknown or malformed tokens resolve false.
 * @param token the token
 * @param store the session store
 * @throws HostsigError whatever the store rejects with
 * @example
 * ```ts
 * import { issueHostKeyToken, MemoryHostKeyTokenStore, revokeHostKeyToken, verifyHostKeyToken } from 'hostsig/hostkey';
 *
 * const store = new MemoryHostKeyTokenStore();
 * const { token } = await issueHostKeyToken({ store, subject: 'user-42', ttl: 3600 });
 * await revokeHostKeyToken(token, store) // => true
 * await verifyHostKeyToken(token, { store }) // => { ok: false, code: 'TOKEN_INVALID' }
 * ```
 */
export async function revokeHostKeyToken(token: unknown, store: HostKeyTokenStore): Promise<boolean> {
  if (typeof token !== 'string' || !HOSTKEY_TOKEN_RE.test(token)) return false;
  return store.delete(digestHostKeyToken(token));
}
