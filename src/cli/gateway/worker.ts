/**
 * One gateway worker: stores, verifier, the proxy on the shared port; it tells the primary when
 * it listens and drains on the primary's word (or its own SIGTERM/SIGINT): stop accepting, let
 * in-flight requests finish, close idle connections, exit 0.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createVerifier } from '../../server/index.js';
import { verifierOptions } from '../verifier-setup.js';
import type { GatewayConfig } from './config.js';
import { clientAddress } from './identity.js';
import type { Logger } from './log.js';
import { loadProm, workerMetrics } from './metrics.js';
import { gatewayPinService } from './pins.js';
import { createProxy } from './proxy.js';
import { openStores } from './stores.js';

/** Messages between the primary and a worker (over node:cluster IPC). */
export type WorkerMessage = { type: 'hostsig:listening'; port: number } | { type: 'hostsig:start-failed'; message: string } | { type: 'hostsig:drain' };

export interface RunningWorker {
  server: Server;
  port: number;
  /** Stops accepting, waits for in-flight requests (up to `timeoutMs`), closes what is left. */
  drain(timeoutMs: number): Promise<void>;
}

export async function startWorker(cfg: GatewayConfig, worker: number, port: number, log: Logger): Promise<RunningWorker> {
  const stores = await openStores(cfg, log, worker);
  const metrics = cfg.metrics ? workerMetrics(await loadProm()) : null;
  const verifier = createVerifier(
    verifierOptions(cfg.schemes, {
      store: stores.sessions,
      maxBodyBytes: cfg.maxBodyBytes,
      nonces: stores.nonces,
      ...(cfg.redis ? { nonceTimeoutMs: cfg.redis.commandTimeoutMs, lookupTimeoutMs: Math.max(cfg.redis.commandTimeoutMs, 1) } : {}),
      clientIp: (head) => clientAddress(head.clientIp, head.headers['x-forwarded-for'], cfg.trustedProxies),
    }),
  );
  const pins = cfg.pins ? gatewayPinService(cfg.pins, stores.pinAttempts) : null;
  const proxy = createProxy({ cfg, verifier, sessions: stores.sessions, pins, health: stores.health, log, metrics, worker });
  let draining = false;
  const server = createServer((req, res) => {
    proxy.handle(req, res);
    // While draining, a connection that has answered is not kept for another request.
    if (draining) res.on('finish', () => server.closeIdleConnections());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, cfg.listen.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const actual = (server.address() as AddressInfo).port;
  let drained: Promise<void> | null = null;
  const drain = (timeoutMs: number): Promise<void> =>
    (drained ??= new Promise<void>((resolve) => {
      draining = true;
      server.close();
      server.closeIdleConnections();
      const end = () => {
        clearTimeout(timer);
        server.closeAllConnections();
        proxy.close();
        void stores.close().finally(resolve);
      };
      const timer = setTimeout(end, timeoutMs);
      proxy.onIdle(end);
    }));
  return { server, port: actual, drain };
}
