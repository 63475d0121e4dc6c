import { type Clock, systemClock } from './clock.js';
import { HostsigError } from './errors.js';

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

export interface MemoryNonceStoreOptions {
  /** Most keys held at once. Default 100 000. */
  maxEntries?: number;
  /** Clock in seconds (tests inject one). */
  clock?: Clock;
}

/**
 * A bounded in-memory {@link NonceStore} for one process.
 *
 * Entries live in insertion order; each call first drops a few expired entries from the
 * oldest end, so the work per call is O(1) and memory follows the live set. When the store
 * is full of unexpired keys it fails closed (`NONCE_STORE_FULL`) rather than forget a key
 * that could then be replayed.
 */
export class MemoryNonceStore implements NonceStore {
  readonly maxEntries: number;
  readonly #clock: Clock;
  // key -> expiry (seconds); Map keeps insertion order, which is roughly expiry order.
  readonly #entries = new Map<string, number>();

  constructor(options: MemoryNonceStoreOptions = {}) {
    const max = options.maxEntries ?? 100_000;
    if (!Number.isSafeInteger(max) || max < 1) throw new HostsigError('INVALID_ARGUMENT', '"maxEntries" must be a positive integer');
    this.maxEntries = max;
    this.#clock = options.clock ?? systemClock;
  }

  /** Keys currently held (expired ones may linger until swept). */
  get size(): number {
    return this.#entries.size;
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
    const expiry = this.#entries.get(key);
    if (expiry !== undefined) {
      if (expiry > now) return false;
      this.#entries.delete(key);
    }
    if (this.#entries.size >= this.maxEntries) {
      // One bigger sweep before giving up: TTLs differ, so the head may hide expired entries.
      this.#sweep(now, 64, true);
      if (this.#entries.size >= this.maxEntries) {
        throw new HostsigError('NONCE_STORE_FULL', 'nonce store is full of unexpired keys', { maxEntries: this.maxEntries });
      }
    }
    this.#entries.set(key, now + ttlSec);
    return true;
  }

  #sweep(now: number, budget: number, rotate: boolean): void {
    for (const [k, exp] of this.#entries) {
      if (budget-- <= 0) return;
      if (exp <= now) {
        this.#entries.delete(k);
      } else if (rotate) {
        // Move a long-lived head to the back so shorter-lived entries behind it are reached.
        this.#entries.delete(k);
        this.#entries.set(k, exp);
      } else {
        return;
      }
    }
  }

  /** Forgets everything. */
  clear(): void {
    this.#entries.clear();
  }
}
