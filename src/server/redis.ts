import { type Clock, systemClock } from '../core/clock.js';
import { HostsigError, isHostsigError } from '../core/errors.js';
import type { NonceStore } from '../core/nonce.js';
import type { PinAttemptStore } from '../schemes/hostkey/pin.js';
import type { HostKeySessionRecord, HostKeyTokenStore } from '../schemes/hostkey/verify.js';

/**
 * The one command the store needs: `SET key value NX EX ttl`, in either client's calling style.
 * node-redis (`redis` v4+): `set(key, value, { NX: true, EX: ttl })`.
 * ioredis: `set(key, value, 'EX', ttl, 'NX')`.
 * Both resolve `'OK'` when the key was set and `null` when it existed.
 */
export interface RedisSetClient {
  /** `SET key value ...`: resolves `'OK'` when set, null when `NX` found the key. */
  set(key: string, value: string, ...args: any[]): Promise<unknown>;
}

/** What {@link RedisNonceStore} takes. */
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
   * Time cap on one `SET`, in ms. Default 1000. Past it the call rejects and the verifier fails
   * closed (`NONCE_STORE_FAILED`, 503); node-redis v5+ also withdraws the command from its queue
   * then, so it is never written after the answer. A client that is not ready (disconnected,
   * reconnecting) is not sent the command at all. docs/server.md lists the client options.
   */
  timeoutMs?: number;
}

/**
 * A {@link NonceStore} on Redis, shared by every process that uses the same server: each key is
 * written with `SET prefix+key 1 NX EX ttl`, so the first writer wins atomically and Redis
 * expires it when the timestamp window closes (the TTL is the one the scheme computes from its
 * tolerance, rounded up to whole seconds, at least 1).
 *
 * Fails closed: an error, a timeout, a client that is not ready, or a reply that is neither
 * `OK` nor null rejects with `NONCE_STORE_FAILED`, never resolves `true`; and a refused request
 * leaves no nonce behind for its retry to trip on (see docs/server.md for the client options
 * this relies on with ioredis). Runs on any runtime (no `node:` import).
 * @example
 * ```ts
 * import { RedisNonceStore } from 'hostsig/server';
 *
 * // In production: const client = await createClient({ url }).connect() (node-redis), or new Redis(url) (ioredis).
 * // Here, a stand-in with node-redis's `set(key, value, { NX, EX })`.
 * const keys = new Map<string, string>();
 * const client = {
 *   async set(key: string, value: string, opts: { NX?: boolean; EX?: number }) {
 *     if (opts.NX && keys.has(key)) return null;
 *     keys.set(key, value);
 *     return 'OK';
 *   },
 * };
 * const nonces = new RedisNonceStore({ client, prefix: 'myapp:nonce:' });
 * await nonces.checkAndStore('pub:ABCDEF', 300) // => true
 * await nonces.checkAndStore('pub:ABCDEF', 300) // => false
 * Array.from(keys.keys()) // => ['myapp:nonce:pub:ABCDEF']
 * ```
 */
export class RedisNonceStore implements NonceStore {
  /** Prepended to every key, as resolved: default `'hostsig:nonce:'`. */
  readonly prefix: string;
  /** The calling style in use (`'auto'` resolved to one of the two). */
  readonly style: 'node-redis' | 'ioredis';
  /** Time cap on one `SET`, in ms, as resolved: default 1000. */
  readonly timeoutMs: number;
  readonly #client: RedisSetClient;

  /**
   * Makes the store; sends nothing yet.
   * @param options the client, and optional `style`, `prefix` and `timeoutMs`
   * @throws HostsigError `INVALID_ARGUMENT` (no client with `set`, a bad style, prefix or time cap)
   */
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
    const reply = await runCommand(this.#client, this.style, this.timeoutMs, 'NONCE_STORE_FAILED', (c) =>
      this.style === 'ioredis' ? c.set(k, '1', 'EX', ttl, 'NX') : c.set(k, '1', { NX: true, EX: ttl }),
    );
    if (reply === 'OK') return true;
    if (reply === null) return false;
    throw new HostsigError('NONCE_STORE_FAILED', 'redis SET answered neither OK nor null');
  }
}

type Style = 'node-redis' | 'ioredis';

/**
 * False when the client says it is not connected: a command sent now would wait in its offline
 * queue and could be written after the request was answered. node-redis says so with
 * `isReady`, ioredis with `status`; a client with neither (a stand-in) counts as ready.
 */
function clientReady(client: object, style: Style): boolean {
  if (style === 'ioredis') {
    const status = (client as { status?: unknown }).status;
    return typeof status !== 'string' || status === 'ready';
  }
  const ready = (client as { isReady?: unknown }).isReady;
  return typeof ready !== 'boolean' || ready;
}

/**
 * Runs one command so that it never outlives the call: refused before it is sent when the
 * client is not ready, capped at `timeoutMs`, and (node-redis v5+, `withAbortSignal`) withdrawn
 * from the client's queue when the cap fires, so it is not written after the answer. Any
 * failure becomes a `HostsigError` with `code`.
 */
function runCommand<C extends object>(client: C, style: Style, timeoutMs: number, code: 'NONCE_STORE_FAILED' | 'LOOKUP_FAILED', send: (c: C) => unknown): Promise<unknown> {
  let target: C = client;
  let abort: AbortController | null = null;
  try {
    if (!clientReady(client, style)) return Promise.reject(new HostsigError(code, 'redis client is not ready (disconnected or reconnecting)'));
    const withAbort = style === 'node-redis' ? (client as { withAbortSignal?: unknown }).withAbortSignal : undefined;
    if (typeof withAbort === 'function') {
      abort = new AbortController();
      target = withAbort.call(client, abort.signal) as C;
    }
  } catch (e) {
    return Promise.reject(new HostsigError(code, 'redis client failed', {}, { cause: e }));
  }
  return new Promise<unknown>((resolve, reject) => {
    const timer = setTimeout(() => {
      abort?.abort();
      reject(new HostsigError(code, 'redis did not answer in time', { timeoutMs }));
    }, timeoutMs);
    const failed = (e: unknown) => {
      clearTimeout(timer);
      reject(isHostsigError(e) && e.code === code ? e : new HostsigError(code, 'redis command failed', {}, { cause: e }));
    };
    let p: Promise<unknown>;
    try {
      p = Promise.resolve(send(target));
    } catch (e) {
      failed(e);
      return;
    }
    p.then((v) => {
      clearTimeout(timer);
      resolve(v);
    }, failed);
  });
}

/** The commands the shared HostKey stores need, in either client's style (both clients have these). */
export interface RedisKvClient extends RedisSetClient {
  /** `GET key`. */
  get(key: string): Promise<unknown>;
  /** `DEL key`. */
  del(key: string): Promise<unknown>;
  /** `INCR key`. */
  incr(key: string): Promise<unknown>;
}

/** What the Redis HostKey stores take: a client, its calling style, a key prefix and a time cap. */
export interface RedisStoreOptions<C> {
  /** A connected `redis` (node-redis) or `ioredis` client, or anything with the same `get`, `set`, `del` and `incr`. */
  client: C;
  /** The client's calling style. Default `'auto'`: ioredis is recognised by its `defineCommand` method. */
  style?: 'auto' | 'node-redis' | 'ioredis';
  /** Prepended to every key. Default `'hostsig:hostkey:session:'` (token store) or `'hostsig:hostkey:pin:'` (attempt store). */
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

  #run(send: (c: RedisKvClient) => unknown): Promise<unknown> {
    return runCommand(this.#client, this.style, this.#timeoutMs, 'LOOKUP_FAILED', send);
  }

  get(key: string): Promise<unknown> {
    const k = this.prefix + key;
    return this.#run((c) => c.get(k));
  }
  set(key: string, value: string, ttlSec?: number): Promise<unknown> {
    const k = this.prefix + key;
    if (ttlSec === undefined) return this.#run((c) => c.set(k, value));
    const ttl = Math.max(1, Math.ceil(ttlSec));
    return this.#run((c) => (this.style === 'ioredis' ? c.set(k, value, 'EX', ttl) : c.set(k, value, { EX: ttl })));
  }
  async del(key: string): Promise<number> {
    const k = this.prefix + key;
    const n = await this.#run((c) => c.del(k));
    return typeof n === 'number' ? n : Number(n);
  }
  /** `INCR`: the new value, a safe integer (anything else fails closed). */
  async incr(key: string): Promise<number> {
    const k = this.prefix + key;
    const n = await this.#run((c) => c.incr(k));
    if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw new HostsigError('LOOKUP_FAILED', 'redis INCR answered a non-integer');
    return n;
  }
}

/**
 * A {@link HostKeyTokenStore} on Redis, so every instance of a HostKey-compatible API or
 * gateway sees the same sessions: each record is JSON under `prefix + digest` with a TTL that
 * ends at its `expiresAt`. Only digests are stored, never tokens.
 * A failing or slow Redis rejects with `LOOKUP_FAILED`, which `verifyHostKeyToken` answers 503.
 * @example
 * ```ts
 * import { issueHostKeyToken, verifyHostKeyToken } from 'hostsig/hostkey';
 * import { RedisHostKeyTokenStore } from 'hostsig/server';
 *
 * // A stand-in for a node-redis client (get, set, del, incr).
 * const kv = new Map<string, string>();
 * const client = {
 *   async get(k: string) { return kv.get(k) ?? null; },
 *   async set(k: string, v: string, _opts?: unknown) { kv.set(k, v); return 'OK'; },
 *   async del(k: string) { return kv.delete(k) ? 1 : 0; },
 *   async incr(k: string) { const n = Number(kv.get(k) ?? 0) + 1; kv.set(k, String(n)); return n; },
 * };
 * const store = new RedisHostKeyTokenStore({ client });
 * const { token } = await issueHostKeyToken({ store, subject: 'user-42', ttl: 3600 });
 * await verifyHostKeyToken(token, { store }) // => { ok: true, subject: 'user-42' }
 * Array.from(kv.values()).some((v) => v.includes(token)) // => false
 * ```
 */
export class RedisHostKeyTokenStore implements HostKeyTokenStore {
  readonly #kv: RedisKv;
  readonly #clock: Clock;

  /**
   * Makes the store; sends nothing yet. Records live as JSON under `prefix + digest`, expiring with the session.
   * @param options the client, optional `style`, `prefix`, `timeoutMs`, and `clock` (seconds, for the TTL; default the system clock)
   * @throws HostsigError `INVALID_ARGUMENT` (a client without get/set/del/incr, a bad style, prefix or time cap)
   */
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
    if (raw === null || raw === undefined) return null; // absent: the token is unknown
    return sessionRecord(raw);
  }

  async delete(digest: string): Promise<boolean> {
    return (await this.#kv.del(digest)) > 0;
  }
}

const DIGEST_RE = /^[0-9a-f]{64}$/;

/**
 * A session record read back from Redis, checked field by field: `GET`'s reply must be a string
 * (or bytes) of JSON with a 64-hex `digest`, a non-empty `subject`, finite `expiresAt` and
 * `createdAt` (JSON's `1e400` reads as Infinity: a session that never expires) and an `ip` that
 * is a string or null. Anything else is `LOOKUP_FAILED`, never a session.
 */
function sessionRecord(raw: unknown): HostKeySessionRecord {
  if (typeof raw !== 'string' && !(raw instanceof Uint8Array)) throw new HostsigError('LOOKUP_FAILED', 'a stored session record is not a string');
  let r: unknown;
  try {
    r = JSON.parse(typeof raw === 'string' ? raw : new TextDecoder('utf-8', { fatal: true }).decode(raw));
  } catch {
    throw new HostsigError('LOOKUP_FAILED', 'a stored session record is not JSON');
  }
  if (typeof r !== 'object' || r === null || Array.isArray(r)) throw new HostsigError('LOOKUP_FAILED', 'a stored session record is malformed');
  const { digest, subject, expiresAt, createdAt, ip } = r as Record<string, unknown>;
  if (
    typeof digest !== 'string' || !DIGEST_RE.test(digest) ||
    typeof subject !== 'string' || subject.length === 0 ||
    typeof expiresAt !== 'number' || !Number.isFinite(expiresAt) ||
    typeof createdAt !== 'number' || !Number.isFinite(createdAt) ||
    !(ip === null || typeof ip === 'string')
  ) {
    throw new HostsigError('LOOKUP_FAILED', 'a stored session record is malformed');
  }
  return { digest, subject, expiresAt, createdAt, ip };
}

/**
 * A {@link PinAttemptStore} on Redis, so a PIN guesser cannot spread attempts over instances:
 * `INCR prefix+subject:n` counts (atomically, across processes) and `prefix+subject:lock`
 * holds the lock until support unlocks it. Errors reject with `LOOKUP_FAILED` (the PIN
 * service answers 503 and evaluates no PIN).
 * @example
 * ```ts
 * import { createPinService } from 'hostsig/hostkey';
 * import { RedisPinAttemptStore } from 'hostsig/server';
 *
 * // A stand-in for a node-redis client (get, set, del, incr).
 * const kv = new Map<string, string>();
 * const client = {
 *   async get(k: string) { return kv.get(k) ?? null; },
 *   async set(k: string, v: string, _opts?: unknown) { kv.set(k, v); return 'OK'; },
 *   async del(k: string) { return kv.delete(k) ? 1 : 0; },
 *   async incr(k: string) { const n = Number(kv.get(k) ?? 0) + 1; kv.set(k, String(n)); return n; },
 * };
 * const pins = createPinService({ attempts: new RedisPinAttemptStore({ client }), delay: async () => {} });
 * await pins.setPin('user-42', '482915');
 * await pins.checkPin('user-42', '000000') // => { ok: false, code: 'PIN_INVALID', remaining: 2 }
 * ```
 */
export class RedisPinAttemptStore implements PinAttemptStore {
  readonly #kv: RedisKv;

  /**
   * Makes the store; sends nothing yet.
   * @param options the client, and optional `style`, `prefix` and `timeoutMs`
   * @throws HostsigError `INVALID_ARGUMENT` (a client without get/set/del/incr, a bad style, prefix or time cap)
   */
  constructor(options: RedisStoreOptions<RedisKvClient>) {
    this.#kv = new RedisKv(options, 'hostsig:hostkey:pin:');
  }

  async begin(subject: string): Promise<{
    /** Attempts counted so far (`INCR` of `<prefix><subject>:n`), this one included. */
    attempts: number;
    /** True while `<prefix><subject>:lock` exists. */
    locked: boolean;
  }> {
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
