/**
 * The primary: forks the workers (node:cluster; they share the port), prints the listening
 * line once every worker listens, replaces a worker that dies (with a back-off when they die in
 * a loop), serves /metrics for all of them, and on SIGTERM/SIGINT drains: every worker stops
 * accepting and finishes its in-flight requests (up to drainTimeoutMs), then the primary exits 0.
 */
import cluster, { type Worker } from 'node:cluster';
import type { Server } from 'node:http';
import { type AddressInfo, createServer as createNetServer } from 'node:net';
import type { GatewayConfig } from './config.js';
import type { Logger } from './log.js';
import { loadProm, startMetricsServer } from './metrics.js';
import { GatewayStartError, loadPeer } from './stores.js';
import type { WorkerMessage } from './worker.js';

/** The env var the primary passes a worker's port in (the resolved one when the config says 0). */
export const PORT_ENV = 'HOSTSIG_GATEWAY_PORT';

/** Deaths within this window count toward the back-off. */
const CRASH_WINDOW_MS = 10_000;

/** Delay before replacing a worker, from how many died within the window: 0 for the first few, then doubling to 10 s. */
export function respawnDelay(recentDeaths: number): number {
  return recentDeaths <= 3 ? 0 : Math.min(10_000, 100 * 2 ** (recentDeaths - 3));
}

/** A free TCP port on `host` (bound, read and released). */
function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createNetServer();
    srv.once('error', (e) => reject(new GatewayStartError(`cannot listen on ${host}: ${(e as Error).message}`)));
    srv.listen(0, host, () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export async function runPrimary(cfg: GatewayConfig, workers: number, log: Logger): Promise<number> {
  // Missing optional packages are found here, before any fork (exit 1 with the message).
  const prom = cfg.metrics ? await loadProm() : null;
  if (cfg.redis) await loadPeer('redis', '"redis" in the config');
  else log.warn({ event: 'memory-stores', message: `no "redis" in the config: nonces, HostKey sessions and PIN attempts are kept in memory, per process${workers > 1 ? '; with several workers a replay can pass through another worker: configure Redis with --workers > 1' : ' (configure Redis to share them between workers and gateways)'}` });

  // Port 0: picked here, so every worker (and every replacement) shares the same one.
  let port = cfg.listen.port === 0 ? await freePort(cfg.listen.host) : cfg.listen.port;
  let stopping = false;
  const deaths: number[] = [];
  const live = new Set<Worker>();
  let metrics: { server: Server; url: string } | null = null;

  // Each worker accepts on the shared socket itself (not round-robin through the primary): a
  // connection handed to a worker that dies before taking it would hang in the primary, whereas
  // here only the dying worker's own connections are lost (reset, never hung), the backlog stays
  // for the others, and the primary is no relay on the hot path.
  cluster.schedulingPolicy = cluster.SCHED_NONE;
  const fork = (): Worker => {
    const w = cluster.fork({ [PORT_ENV]: String(port) });
    live.add(w);
    return w;
  };

  /** Resolves with the worker's port once it listens; rejects with its start failure. */
  const started = (w: Worker) =>
    new Promise<number>((resolve, reject) => {
      const onMsg = (m: WorkerMessage) => {
        if (m?.type === 'hostsig:listening') resolve(m.port);
        if (m?.type === 'hostsig:start-failed') reject(new GatewayStartError(m.message));
      };
      w.on('message', onMsg);
      w.once('exit', (code, signal) => reject(new GatewayStartError(`worker ${w.id} exited at start (${signal ?? `code ${code}`})`)));
    });

  const first = fork();
  try {
    await Promise.all([started(first), ...Array.from({ length: workers - 1 }, () => started(fork()))]);
    if (prom && cfg.metrics) metrics = await startMetricsServer(prom, cfg.metrics.host, cfg.metrics.port);
  } catch (e) {
    stopping = true;
    for (const w of live) w.process.kill('SIGKILL');
    throw e instanceof GatewayStartError ? e : new GatewayStartError((e as Error).message);
  }
  const host = cfg.listen.host.includes(':') ? `[${cfg.listen.host}]` : cfg.listen.host;
  log.info({ event: 'listening', url: `http://${host}:${port}`, metrics: metrics?.url ?? null, workers, redis: cfg.redis !== null });

  cluster.on('exit', (w, code, signal) => {
    live.delete(w);
    if (stopping) return;
    log.info({ time: new Date().toISOString(), event: 'worker-exit', worker: w.id, code, signal });
    const now = Date.now();
    deaths.push(now);
    while (deaths.length && deaths[0]! < now - CRASH_WINDOW_MS) deaths.shift();
    setTimeout(() => {
      if (stopping) return;
      const n = fork();
      started(n).then(
        () => log.info({ time: new Date().toISOString(), event: 'worker-started', worker: n.id }),
        (e: unknown) => log.warn({ event: 'worker-start-failed', worker: n.id, error: (e as Error).message }),
      );
    }, respawnDelay(deaths.length)).unref();
  });

  return new Promise<number>((resolve) => {
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      log.info({ time: new Date().toISOString(), event: 'draining', signal, workers: live.size });
      for (const w of live) {
        try {
          w.send({ type: 'hostsig:drain' } satisfies WorkerMessage);
        } catch {
          /* already gone */
        }
      }
      const finish = () => {
        clearTimeout(hard);
        metrics?.server.close();
        log.info({ time: new Date().toISOString(), event: 'stopped' });
        resolve(0);
      };
      // The workers get the same cap; this one is a last resort past it.
      const hard = setTimeout(() => {
        for (const w of live) w.process.kill('SIGKILL');
        finish();
      }, cfg.drainTimeoutMs + 2000);
      const check = () => {
        if (live.size === 0) finish();
      };
      cluster.on('exit', check);
      check();
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
  });
}
