/**
 * The gateway's stores: replay nonces, HostKey sessions, HostKey PIN attempts. In Redis when `redis` is configured
 * (shared by every worker and every gateway on the same Redis), in memory otherwise (one
 * process only: a warning says so). The Redis client is `redis` (node-redis), loaded with a
 * dynamic import only here, set to fail fast: no offline queue (a command while disconnected is
 * refused, so the request is a 503 now rather than a write later) and a quick reconnect.
 */
import { MemoryNonceStore, type NonceStore } from '../../core/nonce.js';
import { type HostKeyTokenStore, MemoryHostKeyTokenStore, MemoryPinAttemptStore, type PinAttemptStore } from '../../schemes/hostkey/index.js';
import { RedisHostKeyTokenStore, RedisNonceStore, RedisPinAttemptStore, withTimeout } from '../../server/index.js';
import { hostKeyRecords } from '../config.js';
import type { GatewayConfig } from './config.js';
import type { Logger } from './log.js';
import type { Health } from './proxy.js';

/** A failure at start that is not the config's (exit 1): a missing package, a port in use. */
export class GatewayStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GatewayStartError';
  }
}

export interface Stores {
  nonces: NonceStore;
  sessions: HostKeyTokenStore;
  /** HostKey PIN failure counts and locks (used when `schemes.hostkey.pins` is set). */
  pinAttempts: PinAttemptStore;
  health: Health;
  close(): Promise<void>;
}

/** The part of a node-redis client the gateway uses. */
interface RedisClient {
  isReady: boolean;
  on(event: 'error' | 'ready', fn: (e: unknown) => void): unknown;
  connect(): Promise<unknown>;
  ping(): Promise<unknown>;
  destroy?(): void;
  disconnect?(): Promise<void>;
  quit?(): Promise<unknown>;
  set(key: string, value: string, ...args: unknown[]): Promise<unknown>;
  get(key: string): Promise<unknown>;
  del(key: string): Promise<unknown>;
  incr(key: string): Promise<unknown>;
}

/** Loads an optional peer dependency, or says which one to install (exit 1). */
export async function loadPeer<T>(name: 'redis' | 'prom-client', why: string): Promise<T> {
  try {
    return (name === 'redis' ? await import('redis') : await import('prom-client')) as T;
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') throw new GatewayStartError(`${why} needs the "${name}" package, which is not installed: npm install ${name}`);
    throw new GatewayStartError(`cannot load the "${name}" package: ${(e as Error).message}`);
  }
}

async function seedSessions(cfg: GatewayConfig, store: HostKeyTokenStore): Promise<void> {
  await Promise.all(hostKeyRecords(cfg.schemes.hostkey?.sessions).map((r) => store.put(r)));
}

export function memoryStores(cfg: GatewayConfig): Stores {
  const sessions = new MemoryHostKeyTokenStore();
  void seedSessions(cfg, sessions);
  return { nonces: new MemoryNonceStore(), sessions, pinAttempts: new MemoryPinAttemptStore(), health: async () => 'memory', close: async () => {} };
}

/** Stores on Redis; resolves once connected, or after the connect time cap (then 503s until Redis answers). */
export async function redisStores(cfg: GatewayConfig, log: Logger, worker: number): Promise<Stores> {
  const r = cfg.redis!;
  const mod = await loadPeer<{ createClient(o: object): RedisClient }>('redis', '"redis" in the config');
  const client = mod.createClient({ url: r.url, disableOfflineQueue: true, socket: { connectTimeout: 1000, reconnectStrategy: (n: number) => Math.min(50 * 2 ** n, 1000) } });
  let lastWarn = 0;
  client.on('error', (e: unknown) => {
    // Every reconnect attempt errors: one line per 5 s is enough to say Redis is down.
    const now = Date.now();
    if (now - lastWarn < 5000) return;
    lastWarn = now;
    log.warn({ event: 'redis-error', worker, error: String((e as Error)?.message ?? e).slice(0, 200) });
  });
  const connecting = client.connect().catch(() => {});
  await Promise.race([connecting, new Promise((res) => setTimeout(res, 2000).unref())]);
  if (!client.isReady) log.warn({ event: 'redis-unreachable', worker, message: 'Redis is not reachable at start: requests that need a store are answered 503 until it is' });
  const t = r.commandTimeoutMs;
  const nonces = new RedisNonceStore({ client, style: 'node-redis', prefix: `${r.prefix}nonce:`, timeoutMs: t });
  const sessions = new RedisHostKeyTokenStore({ client, style: 'node-redis', prefix: `${r.prefix}hostkey:session:`, timeoutMs: t });
  // Shared by every worker: a guesser cannot spread PIN attempts over them.
  const pinAttempts = new RedisPinAttemptStore({ client, style: 'node-redis', prefix: `${r.prefix}hostkey:pin:`, timeoutMs: t });
  // The configured sessions are written on every (re)connect: Redis may have been down at
  // start, or restarted empty.
  const seed = () => seedSessions(cfg, sessions).catch(() => log.warn({ event: 'redis-seed-failed', worker, message: 'could not write the configured HostKey sessions to Redis' }));
  client.on('ready', () => void seed());
  if (client.isReady) await seed();
  const health: Health = async () => {
    if (!client.isReady) return 'down';
    try {
      await withTimeout(client.ping(), t, 'LOOKUP_FAILED', 'redis PING timed out');
      return 'up';
    } catch {
      return 'down';
    }
  };
  return {
    nonces,
    sessions,
    pinAttempts,
    health,
    close: async () => {
      try {
        if (client.destroy) client.destroy();
        else await client.disconnect?.();
      } catch {
        /* closing anyway */
      }
    },
  };
}

export function openStores(cfg: GatewayConfig, log: Logger, worker: number): Promise<Stores> {
  return cfg.redis ? redisStores(cfg, log, worker) : Promise.resolve(memoryStores(cfg));
}
