import { type Clock, systemClock } from '../core/clock.js';
import { HostsigError, isHostsigError } from '../core/errors.js';
import type { NonceStore } from '../core/nonce.js';
import type { PinAttemptStore } from '../schemes/hostkey/pin.js';
import type { HostKeySessionRecord, HostKeyTokenStore } from '../schemes/hostkey/server.js';

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

/** The commands the shared HostKey stores need, in either client's style (both clients have these). */
export interface RedisKvClient extends RedisSetClient {
  get(key: string): Promise<unknown>;
  del(key: string): Promise<unknown>;
  incr(key: string): Promise<unknown>;
}

export interface RedisStoreOptions<C> {
  client: C;
  style?: 'auto' | 'node-redis' | 'ioredis';
  prefix?: string;
  /** Time cap on one command, in ms. Default 1000. */
  timeoutMs?: number;
}

/** Shared plumbing: style detection, prefix, time cap, errors -> `LOOKUP_FAILED`. */
class RedisKv {
  readonly prefix: string;
  readonly style: 'node-redis' | 'ioredis';
  readonly #client: RedisKvClient;
  readonly #timeoutMs: number;

  constructor(options: RedisStoreOptions<RedisKvClient>, defaultPrefix: string) {
    if (typeof options !== 'object' || options === null) throw new HostsigError('INVALID_ARGUMENT', '"options" expected object');
    const c = options.client;
    if (typeof c !== 'object' || c === null || !['get', 'set', 'del', 'incr'].every((m) => typeof (c as unknown as Record<string, unknown>)[m] === 'function')) {
      throw new HostsigError('INVALID_ARGUMENT', '"client" must have get, set, del and incr (a redis or ioredis client)');
    }
    const style = options.style ?? 'auto';
    if (style !== 'auto' && style !== 'node-redis' && style !== 'ioredis') throw new HostsigError('INVALID_ARGUMENT', '"style" must be auto, node-redis or ioredis');
    this.style = style === 'auto' ? (typeof (c as { defineCommand?: unknown }).defineCommand === 'function' ? 'ioredis' : 'node-redis') : style;
    this.prefix = options.prefix ?? defaultPrefix;
    if (typeof this.prefix !== 'string') throw new HostsigError('INVALID_ARGUMENT', '"prefix" expected string');
    const t = options.timeoutMs ?? 1000;
    if (!Number.isSafeInteger(t) || t < 1) throw new HostsigError('INVALID_ARGUMENT', '"timeoutMs" must be a positive integer');
    this.#timeoutMs = t;
    this.#client = c;
  }

  async #run<T>(f: () => Promise<T>): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      return await new Promise<T>((resolve, reject) => {
        timer = setTimeout(() => reject(new HostsigError('LOOKUP_FAILED', 'redis did not answer in time')), this.#timeoutMs);
        f().then(resolve, reject);
      });
    } catch (e) {
      throw isHostsigError(e) ? e : new HostsigError('LOOKUP_FAILED', 'redis command failed', {}, { cause: e });
    } finally {
      clearTimeout(timer);
    }
  }

  get(key: string): Promise<unknown> {
    return this.#run(() => this.#client.get(this.prefix + key));
  }
  set(key: string, value: string, ttlSec?: number): Promise<unknown> {
    const k = this.prefix + key;
    if (ttlSec === undefined) return this.#run(() => this.#client.set(k, value));
    const ttl = Math.max(1, Math.ceil(ttlSec));
    return this.#run(() => (this.style === 'ioredis' ? this.#client.set(k, value, 'EX', ttl) : this.#client.set(k, value, { EX: ttl })));
  }
  async del(key: string): Promise<number> {
    const n = await this.#run(() => this.#client.del(this.prefix + key));
    return typeof n === 'number' ? n : Number(n);
  }
  async incr(key: string): Promise<number> {
    const n = Number(await this.#run(() => this.#client.incr(this.prefix + key)));
    if (!Number.isSafeInteger(n)) throw new HostsigError('LOOKUP_FAILED', 'redis INCR answered a non-integer');
    return n;
  }
}

/**
 * A {@link HostKeyTokenStore} on Redis, so every instance of a HostKey-compatible API or
 * gateway sees the same sessions: each record is JSON under `prefix + digest` with a TTL that
 * ends at its `expiresAt`. Only digests are stored, never tokens.
 * A failing or slow Redis rejects with `LOOKUP_FAILED`, which `verifyHostKeyToken` answers 503.
 * @example const store = new RedisHostKeyTokenStore({ client: redis, clock })
 */
export class RedisHostKeyTokenStore implements HostKeyTokenStore {
  readonly #kv: RedisKv;
  readonly #clock: Clock;

  constructor(options: RedisStoreOptions<RedisKvClient> & { clock?: Clock }) {
    this.#kv = new RedisKv(options, 'hostsig:hostkey:session:');
    this.#clock = options.clock ?? systemClock;
  }

  async put(record: HostKeySessionRecord): Promise<void> {
    const ttl = record.expiresAt - this.#clock();
    if (!(ttl > 0)) return; // already expired: nothing to keep
    await this.#kv.set(record.digest, JSON.stringify(record), ttl);
  }

  async get(digest: string): Promise<HostKeySessionRecord | null> {
    const raw = await this.#kv.get(digest);
    if (raw === null || raw === undefined) return null;
    let r: unknown;
    try {
      r = JSON.parse(String(raw));
    } catch {
      throw new HostsigError('LOOKUP_FAILED', 'a stored session record is not JSON');
    }
    const rec = r as HostKeySessionRecord;
    if (typeof r !== 'object' || r === null || typeof rec.digest !== 'string' || typeof rec.subject !== 'string' || typeof rec.expiresAt !== 'number' || !(rec.ip === null || typeof rec.ip === 'string')) {
      throw new HostsigError('LOOKUP_FAILED', 'a stored session record is malformed');
    }
    return { digest: rec.digest, subject: rec.subject, expiresAt: rec.expiresAt, createdAt: Number(rec.createdAt), ip: rec.ip };
  }

  async delete(digest: string): Promise<boolean> {
    return (await this.#kv.del(digest)) > 0;
  }
}

/**
 * A {@link PinAttemptStore} on Redis, so a PIN guesser cannot spread attempts over instances:
 * `INCR prefix+subject:n` counts (atomically, across processes) and `prefix+subject:lock`
 * holds the lock until support unlocks it. Errors reject with `LOOKUP_FAILED` (the PIN
 * service answers 503 and evaluates no PIN).
 * @example createPinService({ pins, attempts: new RedisPinAttemptStore({ client: redis }) })
 */
export class RedisPinAttemptStore implements PinAttemptStore {
  readonly #kv: RedisKv;

  constructor(options: RedisStoreOptions<RedisKvClient>) {
    this.#kv = new RedisKv(options, 'hostsig:hostkey:pin:');
  }

  async begin(subject: string): Promise<{ attempts: number; locked: boolean }> {
    const attempts = await this.#kv.incr(`${subject}:n`);
    const locked = (await this.#kv.get(`${subject}:lock`)) !== null;
    return { attempts, locked };
  }
  async lock(subject: string): Promise<void> {
    await this.#kv.set(`${subject}:lock`, '1');
  }
  async reset(subject: string): Promise<void> {
    await this.#kv.del(`${subject}:n`);
  }
  async unlock(subject: string): Promise<void> {
    await this.#kv.del(`${subject}:n`);
    await this.#kv.del(`${subject}:lock`);
  }
}
