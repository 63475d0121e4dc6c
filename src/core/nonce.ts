import { type Clock, systemClock } from './clock.js';
import { HostsigError, isHostsigError, type VerifyFailure, verifyFailure } from './errors.js';

/**
 * Remembers keys (nonces, request ids) for a while, so a replayed request is seen.
 * Backends: {@link MemoryNonceStore} here; a Redis one in `hostsig/server`.
 */
export interface NonceStore {
  /**
   * Records `key` for `ttlSec` seconds. Resolves `true` when the key was not already
   * recorded (first sighting) and `false` when it was (a replay).
   * A store that cannot answer must reject, never resolve `true`.
   */
  checkAndStore(key: string, ttlSec: number): Promise<boolean>;
}

/** What {@link MemoryNonceStore} takes. */
export interface MemoryNonceStoreOptions {
  /** Most keys held at once. Default 100 000. */
  maxEntries?: number;
  /**
   * Most live keys one tenant (one API key or user, see {@link MemoryNonceStore}) may hold.
   * Default a quarter of `maxEntries`, so one key cannot fill the store; set it to `maxEntries`
   * to turn the quota off.
   */
  maxPerTenant?: number;
  /** Clock in seconds (tests inject one). */
  clock?: Clock;
}

/**
 * A bounded in-memory {@link NonceStore} for one process.
 *
 * Keys sit in a Map for lookup and in a FIFO queue for expiry; each call drops a few expired
 * entries from the queue's head, so the work per call is O(1) and memory follows the live set.
 * (Sweeping by iterating the Map itself is not O(1): V8 walks every deleted slot first.)
 * When the store is full of unexpired keys it fails closed (`NONCE_STORE_FULL`, 503) rather
 * than forget a key that could then be replayed: every live key keeps answering `false`.
 *
 * Per-tenant quota: keys are only recorded after a request authenticated, so the one who can
 * fill the store is a key holder. Each tenant may hold at most `maxPerTenant` live keys
 * (default `maxEntries / 4`); past that, only that tenant gets `NONCE_STORE_FULL` and the
 * others keep working. The tenant is read from the key: for hostsig's own keys,
 * `<scheme>:<n>:<id>:<nonce>` where `<id>` is exactly `n` characters (the API key), it is
 * `<scheme>:<n>:<id>`, so a `:` inside the nonce or the id changes nothing; for any other key
 * it is everything before the last `:`; a key without `:` belongs to no tenant and counts only
 * against `maxEntries`.
 * @example
 * ```ts
 * import { MemoryNonceStore } from 'hostsig/core';
 *
 * let now = 1_000;
 * const store = new MemoryNonceStore({ maxEntries: 10_000, clock: () => now });
 * await store.checkAndStore('pub:ABCDEF', 300) // => true
 * await store.checkAndStore('pub:ABCDEF', 300) // => false
 * now += 301;
 * await store.checkAndStore('pub:ABCDEF', 300) // => true
 *
 * // One tenant at its quota is refused; the others are not.
 * const small = new MemoryNonceStore({ maxEntries: 4, maxPerTenant: 2 });
 * await small.checkAndStore('hostdime:3:pub:a', 300) // => true
 * await small.checkAndStore('hostdime:3:pub:b', 300) // => true
 * await small.checkAndStore('hostdime:3:pub:c', 300).catch((e) => e.code) // => 'NONCE_STORE_FULL'
 * await small.checkAndStore('hostdime:5:other:a', 300) // => true
 * ```
 */
export class MemoryNonceStore implements NonceStore {
  /** Most keys held at once (live and not yet swept), as resolved from the options: default 100 000. */
  readonly maxEntries: number;
  /** Most live keys one tenant may hold, as resolved: default `max(1, floor(maxEntries / 4))`. */
  readonly maxPerTenant: number;
  readonly #clock: Clock;
  readonly #expiry = new Map<string, number>();
  // Live keys per tenant; a tenant leaves the map when its count drops to 0.
  readonly #perTenant = new Map<string, number>();
  // Insertion-ordered queue of (key, expiry); a record is stale once its key was re-set.
  #qKeys: string[] = [];
  #qExp: number[] = [];
  #head = 0;

  /**
   * Makes an empty store.
   * @param options `{ maxEntries, maxPerTenant, clock }`, all optional
   * @throws HostsigError `INVALID_ARGUMENT` when a limit is not a positive integer
   */
  constructor(options: MemoryNonceStoreOptions = {}) {
    const max = options.maxEntries ?? 100_000;
    if (!Number.isSafeInteger(max) || max < 1) throw new HostsigError('INVALID_ARGUMENT', '"maxEntries" must be a positive integer');
    this.maxEntries = max;
    const quota = options.maxPerTenant ?? Math.max(1, Math.floor(max / 4));
    if (!Number.isSafeInteger(quota) || quota < 1) throw new HostsigError('INVALID_ARGUMENT', '"maxPerTenant" must be a positive integer');
    this.maxPerTenant = quota;
    this.#clock = options.clock ?? systemClock;
  }

  /** Keys currently held (expired ones may linger until swept). */
  get size(): number {
    return this.#expiry.size;
  }

  async checkAndStore(key: string, ttlSec: number): Promise<boolean> {
    return this.checkAndStoreSync(key, ttlSec);
  }

  /** The synchronous core of {@link checkAndStore}. */
  checkAndStoreSync(key: string, ttlSec: number): boolean {
    if (typeof key !== 'string') throw new HostsigError('INVALID_ARGUMENT', '"key" expected string');
    if (typeof ttlSec !== 'number' || !(ttlSec > 0) || !Number.isFinite(ttlSec)) throw new HostsigError('INVALID_ARGUMENT', '"ttlSec" must be a positive number');
    const now = this.#clock();
    this.#sweep(now, 4, false);
    const expiry = this.#expiry.get(key);
    if (expiry !== undefined) {
      if (expiry > now) return false;
      this.#forget(key);
    }
    const tenant = nonceTenant(key);
    if (this.#expiry.size >= this.maxEntries || (tenant !== null && (this.#perTenant.get(tenant) ?? 0) >= this.maxPerTenant)) {
      // TTLs differ, so live entries at the head may hide expired ones: look further once.
      this.#sweep(now, 256, true);
      if (this.#expiry.size >= this.maxEntries) {
        throw new HostsigError('NONCE_STORE_FULL', 'nonce store is full of unexpired keys', { maxEntries: this.maxEntries });
      }
      if (tenant !== null && (this.#perTenant.get(tenant) ?? 0) >= this.maxPerTenant) {
        throw new HostsigError('NONCE_STORE_FULL', 'this key holds its quota of unexpired nonces', { maxPerTenant: this.maxPerTenant });
      }
    }
    const exp = now + ttlSec;
    this.#expiry.set(key, exp);
    if (tenant !== null) this.#perTenant.set(tenant, (this.#perTenant.get(tenant) ?? 0) + 1);
    this.#qKeys.push(key);
    this.#qExp.push(exp);
    return true;
  }

  /** Drops a held key and its tenant's count. */
  #forget(key: string): void {
    this.#expiry.delete(key);
    const tenant = nonceTenant(key);
    if (tenant === null) return;
    const n = (this.#perTenant.get(tenant) ?? 1) - 1;
    if (n > 0) this.#perTenant.set(tenant, n);
    else this.#perTenant.delete(tenant);
  }

  #sweep(now: number, budget: number, rotate: boolean): void {
    const keys = this.#qKeys;
    const exps = this.#qExp;
    while (budget-- > 0 && this.#head < keys.length) {
      const k = keys[this.#head]!;
      const exp = exps[this.#head]!;
      const live = this.#expiry.get(k) === exp;
      if (live && exp > now) {
        if (!rotate) break;
        // Requeue a live head at the back so the entries behind it are reached.
        keys.push(k);
        exps.push(exp);
      } else if (live) {
        this.#forget(k);
      }
      this.#head++;
    }
    // Drop the consumed prefix now and then, keeping the queue near the live set.
    if (this.#head > 1024 && this.#head * 2 > keys.length) {
      this.#qKeys = keys.slice(this.#head);
      this.#qExp = exps.slice(this.#head);
      this.#head = 0;
    }
  }

  /** Forgets everything. */
  clear(): void {
    this.#expiry.clear();
    this.#perTenant.clear();
    this.#qKeys = [];
    this.#qExp = [];
    this.#head = 0;
  }
}

/**
 * The tenant of a nonce key (see {@link MemoryNonceStore}): `<scheme>:<n>:<id>` for a key
 * `<scheme>:<n>:<id>:...` whose `<id>` is exactly `n` characters, else everything before the
 * last `:`, or null when there is no `:`. Linear in the key's length, no regex.
 */
function nonceTenant(key: string): string | null {
  const a = key.indexOf(':');
  if (a < 0) return null;
  const b = key.indexOf(':', a + 1);
  if (b > a + 1 && b - a - 1 <= 9) {
    let n = 0;
    let digits = true;
    for (let i = a + 1; i < b; i++) {
      const c = key.charCodeAt(i) - 48;
      if (c < 0 || c > 9) {
        digits = false;
        break;
      }
      n = n * 10 + c;
    }
    const end = b + 1 + n;
    if (digits && end < key.length && key.charCodeAt(end) === 58) return key.slice(0, end);
  }
  return key.slice(0, key.lastIndexOf(':'));
}

/**
 * Seconds a nonce must be kept: until its request's timestamp leaves the accepted window
 * (`timestamp + toleranceSec`), plus one second for rounding; never less than one.
 * @param timestamp the request's timestamp, seconds
 * @param toleranceSec the accepted window, seconds
 * @param now the current time, seconds
 * @example
 * ```ts
 * import { nonceTtl } from 'hostsig/core';
 *
 * // A request stamped 1000, a window of 300 s, seen at 1100: keep its nonce 201 s.
 * nonceTtl(1000, 300, 1100) // => 201
 * ```
 */
export function nonceTtl(timestamp: number, toleranceSec: number, now: number): number {
  return Math.max(1, Math.ceil(timestamp + toleranceSec - now) + 1);
}

/**
 * Records a nonce for a verifier: null on first sighting, else the failure to return.
 * A store that throws, or answers anything but `true`/`false`, fails closed.
 * @param store the nonce store
 * @param key the nonce, already namespaced (e.g. `apiKey:unique`)
 * @param ttlSec how long to keep it
 * @param replayMessage the message of a `REPLAYED` failure
 * @returns null on first sighting, else `REPLAYED`, `NONCE_STORE_FAILED` or `NONCE_STORE_FULL`
 * @example
 * ```ts
 * import { MemoryNonceStore, recordNonce } from 'hostsig/core';
 *
 * const store = new MemoryNonceStore();
 * await recordNonce(store, 'pub:ABCDEF', 300, 'api_unique already used') // => null
 * await recordNonce(store, 'pub:ABCDEF', 300, 'api_unique already used') // => { ok: false, code: 'REPLAYED' }
 * ```
 */
export async function recordNonce(store: NonceStore, key: string, ttlSec: number, replayMessage: string): Promise<VerifyFailure | null> {
  let first: unknown;
  try {
    first = await store.checkAndStore(key, ttlSec);
  } catch (e) {
    if (isHostsigError(e) && e.code === 'NONCE_STORE_FULL') return verifyFailure('NONCE_STORE_FULL', e.message);
    return verifyFailure('NONCE_STORE_FAILED', 'nonce store unavailable', { cause: e });
  }
  if (first === true) return null;
  if (first === false) return verifyFailure('REPLAYED', replayMessage);
  return verifyFailure('NONCE_STORE_FAILED', 'nonce store gave no answer');
}
