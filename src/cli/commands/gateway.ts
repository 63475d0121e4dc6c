/**
 * `hostsig gateway`: a verifying reverse proxy. Every request is verified with `createVerifier`
 * and, when valid, forwarded to the upstream with identity headers; the rest get the
 * provider's envelope. The code is in src/cli/gateway/; docs/gateway.md is the operator's guide.
 */
import cluster from 'node:cluster';
import { type CommandSpec, int, type ParsedArgs, str, UsageError } from '../args.js';
import { PORT_ENV, runPrimary } from '../gateway/cluster.js';
import { GatewayConfigError, loadGatewayConfig } from '../gateway/config.js';
import { type Logger, processLogger } from '../gateway/log.js';
import { GatewayStartError } from '../gateway/stores.js';
import { startWorker, type WorkerMessage } from '../gateway/worker.js';
import type { Io } from '../io.js';

export const gatewaySpec: CommandSpec = {
  name: 'gateway',
  summary: 'a verifying reverse proxy: verifies every request (all five schemes), forwards the valid ones upstream with identity headers',
  usage: ['gateway --config gateway.json [--workers N]'],
  flags: {
    config: { type: 'string', value: 'gateway.json', desc: 'listen address, upstream, Redis, metrics and keys per scheme (required; see docs/gateway.md)' },
    workers: { type: 'string', value: 'N', desc: 'worker processes sharing the port (node:cluster; default 1)' },
  },
  notes: [
    'gateway.json (only upstream.url and schemes are required; see docs/gateway.md):',
    '  {"listen": {"host": "127.0.0.1", "port": 8080}, "upstream": {"url": "http://127.0.0.1:9000", "connectTimeoutMs": 2000, "timeoutMs": 30000},',
    '   "maxBodyBytes": 1048576, "maxParamsHeaderBytes": 8000, "trustedProxies": ["127.0.0.1"], "metrics": {"host": "127.0.0.1", "port": 9464},',
    '   "redis": {"url": "redis://127.0.0.1:6379", "prefix": "hostsig:", "commandTimeoutMs": 250}, "drainTimeoutMs": 10000,',
    '   "schemes": {...the shape of serve\'s keys.json; any secret may be {"env": "NAME"} or {"file": "path"}...}}',
    'A valid request goes upstream unchanged (method, path, query, body bytes) plus X-Hostsig-Scheme, X-Hostsig-Subject,',
    'X-Hostsig-Key, X-Hostsig-Params and X-Forwarded-For; any X-Hostsig-* header from the client is dropped.',
    'Invalid: the provider\'s envelope, never forwarded. Store down: 503. Upstream refused/reset: 502; slow: 504. Body over the cap: 413.',
    'schemes.hostkey.pins {"records": {subject: PIN record}, "maxFailures": 3}: eq.php check_pin answered by the gateway, set_pin refused (403).',
    'GET /healthz: 200 {"status":"ok","redis":"up"|"memory"} or 503. /metrics on the metrics port (prom-client).',
    'stdout: one JSON line {"event":"listening",...} when every worker listens, then one JSON line per request; stderr: JSON warnings.',
    'SIGTERM/SIGINT: stop accepting, finish in-flight requests (up to drainTimeoutMs), exit 0.',
    'Exits 2 on a config or usage mistake (the message names the JSON path), 1 when it cannot start, 0 after a drain.',
  ].join('\n'),
};

function workerCount(args: ParsedArgs): number {
  const n = int(args.flags, 'workers', 'gateway') ?? 1;
  if (n < 1 || n > 256) throw new UsageError('--workers must be 1..256', 'gateway');
  return n;
}

/** A worker process: start, tell the primary, drain on its word or a signal, exit 0. */
async function runWorker(configPath: string, log: Logger): Promise<number> {
  const send = (m: WorkerMessage) => process.send?.(m);
  const id = cluster.worker?.id ?? 0;
  let cfg;
  try {
    cfg = loadGatewayConfig(configPath);
  } catch (e) {
    send({ type: 'hostsig:start-failed', message: (e as Error).message });
    return 1;
  }
  const port = Number(process.env[PORT_ENV] ?? cfg.listen.port);
  let w;
  try {
    w = await startWorker(cfg, id, port, log);
  } catch (e) {
    send({ type: 'hostsig:start-failed', message: `cannot listen on ${cfg.listen.host}:${port}: ${(e as Error).message}` });
    return 1;
  }
  send({ type: 'hostsig:listening', port: w.port });
  await new Promise<void>((resolve) => {
    process.on('message', (m: WorkerMessage) => m?.type === 'hostsig:drain' && resolve());
    process.once('SIGTERM', () => resolve());
    process.once('SIGINT', () => resolve());
    // The primary gone: nobody to replace or drain us; finish what is in flight and leave.
    process.once('disconnect', () => resolve());
  });
  await w.drain(cfg.drainTimeoutMs);
  return 0;
}

export async function runGateway(args: ParsedArgs, io: Io): Promise<number> {
  const log = processLogger();
  const configPath = str(args.flags, 'config');
  if (configPath === undefined) throw new UsageError('--config gateway.json is required', 'gateway');
  const workers = workerCount(args);
  if (cluster.isWorker) return runWorker(configPath, log);
  try {
    const cfg = loadGatewayConfig(configPath);
    return await runPrimary(cfg, workers, log);
  } catch (e) {
    if (e instanceof GatewayConfigError) {
      log.warn({ level: 'error', event: 'config-error', message: e.message });
      return 2;
    }
    if (e instanceof GatewayStartError) {
      log.warn({ level: 'error', event: 'start-failed', message: e.message });
      return 1;
    }
    io.err(`hostsig gateway: ${(e as Error).message}\n`);
    return 1;
  }
}
