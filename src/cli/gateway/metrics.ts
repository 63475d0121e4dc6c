/**
 * /metrics with prom-client (an optional peer dependency, loaded only when `metrics` is
 * configured). Each worker counts in its own Registry; the primary serves the scrape and
 * aggregates every worker's registry (prom-client's AggregatorRegistry over node:cluster IPC),
 * so one scrape covers all workers.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GatewayMetrics } from './proxy.js';
import { loadPeer } from './stores.js';

type Prom = typeof import('prom-client');

const WHY = '"metrics" in the config';

/** Loads prom-client (a missing package is a start error, exit 1). */
export function loadProm(): Promise<Prom> {
  return loadPeer<Prom>('prom-client', WHY);
}

/** A worker's counters, registered where the primary's AggregatorRegistry asks for them. */
export function workerMetrics(prom: Prom): GatewayMetrics {
  // An AggregatorRegistry in the worker installs prom-client's answer to the primary's requests.
  const registry = new prom.AggregatorRegistry();
  prom.AggregatorRegistry.setRegistries([registry]);
  const requests = new prom.Counter({ name: 'hostsig_gateway_requests_total', help: 'Requests by scheme and verdict (ok or the failure code; scheme "none" when undetected).', labelNames: ['scheme', 'verdict'], registers: [registry] });
  const duration = new prom.Histogram({ name: 'hostsig_gateway_request_duration_seconds', help: 'Time from request to answer, by scheme.', labelNames: ['scheme'], buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30], registers: [registry] });
  const upstream = new prom.Histogram({ name: 'hostsig_gateway_upstream_duration_seconds', help: 'Time the upstream took, from dispatch to the end of its answer.', buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30], registers: [registry] });
  const upErrors = new prom.Counter({ name: 'hostsig_gateway_upstream_errors_total', help: 'Upstream failures by kind (refused, timeout, reset).', labelNames: ['kind'], registers: [registry] });
  const storeErrors = new prom.Counter({ name: 'hostsig_gateway_store_errors_total', help: 'Store failures (nonce, session, pin, health).', labelNames: ['store'], registers: [registry] });
  // Present at 0 from the start, so a dashboard sees the series before the first failure.
  for (const kind of ['refused', 'timeout', 'reset']) upErrors.inc({ kind }, 0);
  for (const store of ['nonce', 'session', 'pin', 'health']) storeErrors.inc({ store }, 0);
  // The labelled children, looked up once per scheme/verdict instead of hashing the labels on
  // every request (both sets are small: five schemes and the failure codes).
  const requestsBy = new Map<string, ReturnType<typeof requests.labels>>();
  const durationBy = new Map<string, ReturnType<typeof duration.labels>>();
  return {
    request: (scheme, verdict, seconds) => {
      const key = `${scheme}\n${verdict}`;
      let r = requestsBy.get(key);
      if (r === undefined) requestsBy.set(key, (r = requests.labels({ scheme, verdict })));
      r.inc();
      let d = durationBy.get(scheme);
      if (d === undefined) durationBy.set(scheme, (d = duration.labels({ scheme })));
      d.observe(seconds);
    },
    upstream: (seconds) => upstream.observe(seconds),
    upstreamError: (kind) => upErrors.inc({ kind }),
    storeError: (store) => storeErrors.inc({ store }),
  };
}

/** The primary's metrics listener: `GET /metrics`, every worker's counters summed. */
export async function startMetricsServer(prom: Prom, host: string, port: number): Promise<{ server: Server; url: string }> {
  const agg = new prom.AggregatorRegistry();
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('not found\n');
      return;
    }
    agg.clusterMetrics().then(
      (text) => {
        res.writeHead(200, { 'content-type': agg.contentType, 'cache-control': 'no-store' });
        res.end(text);
      },
      () => {
        res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('metrics unavailable\n');
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const a = server.address() as AddressInfo;
  const h = a.family === 'IPv6' ? `[${a.address}]` : a.address;
  return { server, url: `http://${h}:${a.port}` };
}
