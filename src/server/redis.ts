import { HostsigError, isHostsigError } from '../core/errors.js';
import type { NonceStore } from '../core/nonce.js';

/**
 * The one command the store needs: `SET key value NX EX ttl`, in either client's calling style.
 * node-redis (`redis` v4+): `set(key, value, { NX: true, EX: ttl })`.
 * ioredis: `set(key, value, 'EX', ttl, 'NX')`.
 * Both resolve `'OK'` when the key was set and `null` when it existed.
 */
export interface RedisSetClient {
  set(key: string, value: string, ...args: any[]): Promise<unknown>;
}

export interface RedisNonceStoreOptions {
  /** A connected `redis` (node-redis) or `ioredis` client, or anything with the same `set`. */
  client: RedisSetClient;
  /**
   * The client's calling style. Default `'auto'`: ioredis is recognised by its `defineCommand`
   * method, anything else is called node-redis style.
   */
  style?: 'auto' | 'node-redis' | 'ioredis';
  /** Prepended to every key. Default `'hostsig:nonce:'`. */
  prefix?: string;
  /**
   * Time cap on one `SET`, in ms. Default 1000. node-redis queues commands while it reconnects
   * and ioredis retries them, so without a cap a verifier would hang while Redis is down; with
   * it, the call rejects and the verifier fails closed (`NONCE_STORE_FAILED`).
   */
  timeoutMs?: number;
}

/**
 * A {@link NonceStore} on Redis, shared by every process that uses the same server: each key is
 * written with `SET prefix+key 1 NX EX ttl`, so the first writer wins atomically and Redis
 * expires it when the timestamp window closes (the TTL is the one the scheme computes from its
 * tolerance, rounded up to whole seconds, at least 1).
 *
 * Fails closed: an error, a timeout, or a reply that is neither `OK` nor null rejects with
 * `NONCE_STORE_FAILED`, never resolves `true`. Runs on any runtime (no `node:` import).
 * @example
 * import { createClient } from 'redis'
 * const client = await createClient({ url }).connect()
 * const nonces = new RedisNonceStore({ client, prefix: 'myapp:nonce:' })
 */
export class RedisNonceStore implements NonceStore {
  readonly prefix: string;
  readonly style: 'node-redis' | 'ioredis';
  readonly timeoutMs: number;
  readonly #client: RedisSetClient;

  constructor(options: RedisNonceStoreOptions) {
    if (typeof options !== 'object' || options === null) throw new HostsigError('INVALID_ARGUMENT', '"options" expected object');
    const client = options.client;
    if (typeof client !== 'object' || client === null || typeof client.set !== 'function') throw new HostsigError('INVALID_ARGUMENT', '"client" must have a set(key, value, ...) method');
    const style = options.style ?? 'auto';
    if (style !== 'auto' && style !== 'node-redis' && style !== 'ioredis') throw new HostsigError('INVALID_ARGUMENT', '"style" must be auto, node-redis or ioredis');
    this.style = style === 'auto' ? (typeof (client as { defineCommand?: unknown }).defineCommand === 'function' ? 'ioredis' : 'node-redis') : style;
    const prefix = options.prefix ?? 'hostsig:nonce:';
    if (typeof prefix !== 'string') throw new HostsigError('INVALID_ARGUMENT', '"prefix" expected string');
    this.prefix = prefix;
    const t = options.timeoutMs ?? 1000;
    if (!Number.isSafeInteger(t) || t < 1) throw new HostsigError('INVALID_ARGUMENT', '"timeoutMs" must be a positive integer');
    this.timeoutMs = t;
    this.#client = client;
  }

  async checkAndStore(key: string, ttlSec: number): Promise<boolean> {
    if (typeof key !== 'string') throw new HostsigError('INVALID_ARGUMENT', '"key" expected string');
    if (typeof ttlSec !== 'number' || !(ttlSec > 0) || !Number.isFinite(ttlSec)) throw new HostsigError('INVALID_ARGUMENT', '"ttlSec" must be a positive number');
    const ttl = Math.max(1, Math.ceil(ttlSec));
    const k = this.prefix + key;
    let reply: unknown;
    try {
      const p = this.style === 'ioredis' ? this.#client.set(k, '1', 'EX', ttl, 'NX') : this.#client.set(k, '1', { NX: true, EX: ttl });
      reply = await this.#timed(Promise.resolve(p));
    } catch (e) {
      if (isHostsigError(e) && e.code === 'NONCE_STORE_FAILED') throw e;
      throw new HostsigError('NONCE_STORE_FAILED', 'redis SET failed', {}, { cause: e });
    }
    if (reply === 'OK') return true;
    if (reply === null) return false;
    throw new HostsigError('NONCE_STORE_FAILED', 'redis SET answered neither OK nor null');
  }

  #timed<T>(p: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new HostsigError('NONCE_STORE_FAILED', 'redis did not answer in time', { timeoutMs: this.timeoutMs })), this.timeoutMs);
      p.then(
        (v) => {
          clearTimeout(timer);
          resolve(v);
        },
        (e: unknown) => {
          clearTimeout(timer);
          reject(e);
        },
      );
    });
  }
}
