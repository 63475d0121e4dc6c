/**
 * The gateway's request handler: read the body under the cap, verify it with `createVerifier`,
 * forward a valid request upstream with the identity headers, stream the answer back. An
 * invalid request is answered with the provider's envelope and never forwarded; a store that
 * fails is 503, an upstream that refuses or resets is 502, one that is too slow is 504.
 */
import { Agent as HttpAgent, type IncomingMessage, type RequestOptions, request as httpRequest, type ServerResponse } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { HostsigError, type HostsigErrorCode, isHostsigError } from '../../core/errors.js';
import type { HostKeyTokenStore, PinService } from '../../schemes/hostkey/index.js';
import { type HostsigVerifier, normalizeHead, type SchemeName, splitUrl } from '../../server/index.js';
import { readRawBody, toPlainRequest } from '../../server/node.js';
import { hostKeyAuthPhp } from '../verifier-setup.js';
import type { GatewayConfig } from './config.js';
import { clientAddress, type ForwardIdentity, identityHeaders, identityOf } from './identity.js';
import { cut, type Logger } from './log.js';
import { PIN_ACTIONS, pinCall } from './pins.js';

/** What the gateway counts (metrics.ts implements it with prom-client; tests may pass none). */
export interface GatewayMetrics {
  request(scheme: string, verdict: string, seconds: number): void;
  upstream(seconds: number): void;
  upstreamError(kind: UpstreamErrorKind): void;
  storeError(store: 'nonce' | 'session' | 'pin' | 'health'): void;
}

export type UpstreamErrorKind = 'refused' | 'timeout' | 'reset';

/** Redis reachability for /healthz: `memory` when there is no Redis. */
export type Health = () => Promise<'up' | 'down' | 'memory'>;

export interface ProxyDeps {
  cfg: GatewayConfig;
  verifier: HostsigVerifier;
  sessions: HostKeyTokenStore;
  /** HostKey's PIN service when `schemes.hostkey.pins` is set: eq.php check_pin/set_pin are answered here. */
  pins?: PinService | null;
  health: Health;
  log: Logger;
  metrics: GatewayMetrics | null;
  worker: number;
}

// RFC 9110 7.6.1 plus the old ones proxies still drop.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'trailers', 'transfer-encoding', 'upgrade']);

/** Names listed in `Connection` (hop-by-hop as well), lowercased. */
function connectionTokens(raw: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (raw[i]!.toLowerCase() !== 'connection') continue;
    for (const t of raw[i + 1]!.split(',')) out.add(t.trim().toLowerCase());
  }
  return out;
}

/**
 * The client's headers as sent upstream: hop-by-hop ones, `Content-Length` (set again from the
 * bytes), `Expect`, `X-Forwarded-For` (rebuilt) and every `X-Hostsig-*` dropped, names and duplicates
 * otherwise as received.
 */
export function forwardHeaders(raw: readonly string[]): string[] {
  const conn = connectionTokens(raw);
  const out: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!;
    const lower = name.toLowerCase();
    // Expect: the body is already read (and the gateway answered any 100-continue itself).
    if (HOP_BY_HOP.has(lower) || conn.has(lower) || lower === 'content-length' || lower === 'expect' || lower === 'x-forwarded-for' || lower.startsWith('x-hostsig-')) continue;
    out.push(name, raw[i + 1]!);
  }
  return out;
}

/** The upstream's response headers minus hop-by-hop ones. */
function responseHeaders(raw: readonly string[]): string[] {
  const conn = connectionTokens(raw);
  const out: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const lower = raw[i]!.toLowerCase();
    if (HOP_BY_HOP.has(lower) || conn.has(lower)) continue;
    out.push(raw[i]!, raw[i + 1]!);
  }
  return out;
}

/** `X-Forwarded-For` as received (all of them, in order) plus the socket's address. */
function forwardedFor(raw: readonly string[], socketIp: string | undefined): string {
  const hops: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) if (raw[i]!.toLowerCase() === 'x-forwarded-for' && raw[i + 1]!.trim() !== '') hops.push(raw[i + 1]!.trim());
  hops.push(socketIp ?? 'unknown');
  return hops.join(', ');
}

/** The store a failure code came from, for `hostsig_gateway_store_errors_total`. */
function storeOf(code: string, scheme: string | null): 'nonce' | 'session' | null {
  if (code === 'NONCE_STORE_FAILED') return 'nonce';
  if (code === 'LOOKUP_FAILED' && scheme === 'hostkey') return 'session';
  return null;
}

/** One request's log fields as they are learnt. */
interface Entry {
  method: string;
  path: string;
  scheme: string;
  verdict: string;
  status: number;
  upstreamStatus?: number;
  upstreamError?: UpstreamErrorKind;
  subject?: string;
}

// Keep-alive to the upstream; 'lifo' reuses the socket freed last (warm, and the ones left idle
// are the ones the upstream's keep-alive timeout closes), not the oldest.
const AGENT = { keepAlive: true, scheduling: 'lifo' } as const;

class UpstreamError extends Error {
  constructor(readonly kind: UpstreamErrorKind) {
    super(`upstream ${kind}`);
  }
}

function upstreamKind(e: unknown): UpstreamErrorKind {
  if (e instanceof UpstreamError) return e.kind;
  const code = (e as { code?: unknown }).code;
  return code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH' ? 'refused' : 'reset';
}

// Over 80 lines: the handler and its steps share deps, the agent and the in-flight count
// through this closure; apart, each would take them all as arguments.
/** The gateway's node:http handler, and its in-flight count for the drain. */
export function createProxy(deps: ProxyDeps): { handle: (req: IncomingMessage, res: ServerResponse) => void; inFlight: () => number; onIdle: (fn: () => void) => void; close: () => void } {
  const { cfg, verifier, log, metrics } = deps;
  const up = cfg.upstream.url;
  const isHttps = up.protocol === 'https:';
  const agent = isHttps ? new HttpsAgent(AGENT) : new HttpAgent(AGENT);
  let baseEnd = up.pathname.length;
  while (baseEnd > 0 && up.pathname.charCodeAt(baseEnd - 1) === 47) baseEnd--;
  const basePath = up.pathname.slice(0, baseEnd);
  const maxBody = cfg.maxBodyBytes;
  const authPhpOn = cfg.schemes.hostkey?.apiKeys !== undefined;
  const pinService = deps.pins ?? null;
  // Longest X-Hostsig-Params value forwarded; a verified request with more params is 413, not forwarded.
  const maxParams = cfg.maxParamsHeaderBytes;
  let inFlight = 0;
  let idle: (() => void) | null = null;

  const clientIpOf = (req: IncomingMessage): string | undefined => {
    const xff = req.headers['x-forwarded-for'];
    return clientAddress(req.socket.remoteAddress, Array.isArray(xff) ? xff.join(', ') : xff, cfg.trustedProxies);
  };

  function finish(entry: Entry, started: number): void {
    const ms = performance.now() - started;
    metrics?.request(entry.scheme, entry.verdict, ms / 1000);
    // Built field by field (no spreads of conditional objects): this runs once per request.
    const line: Record<string, string | number> = {
      time: new Date().toISOString(),
      worker: deps.worker,
      method: cut(entry.method, 32),
      path: cut(entry.path),
      scheme: entry.scheme,
      verdict: entry.verdict,
      status: entry.status,
    };
    if (entry.upstreamStatus !== undefined) line.upstreamStatus = entry.upstreamStatus;
    if (entry.upstreamError !== undefined) line.upstreamError = entry.upstreamError;
    line.ms = Math.round(ms * 10) / 10;
    if (entry.subject !== undefined) line.subject = cut(entry.subject, 128);
    log.info(line);
  }

  /** A JSON answer of the gateway's own; `close` drops the connection (an unread body). */
  function send(req: IncomingMessage, res: ServerResponse, status: number, body: string, headers: Record<string, string>): void {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const close = status === 413 || !req.readableEnded ? { connection: 'close' } : {};
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers, ...close, 'content-length': String(Buffer.byteLength(body)) });
    res.end(body);
  }

  async function healthz(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const h = await deps.health();
    if (h === 'down') metrics?.storeError('health');
    const body = h === 'down' ? { status: 'unavailable', redis: 'down' } : { status: 'ok', redis: h };
    send(req, res, h === 'down' ? 503 : 200, JSON.stringify(body), { 'cache-control': 'no-store' });
  }

  /** Forwards a verified request; resolves when the answer has been streamed (or failed). */
  function forward(req: IncomingMessage, res: ServerResponse, body: Uint8Array, id: ForwardIdentity, entry: Entry): Promise<void> {
    const target = (req.url ?? '/').startsWith('/') ? req.url! : (() => {
      const { path, query } = splitUrl(req.url ?? '/');
      return query === '' ? path : `${path}?${query}`;
    })();
    const headers = forwardHeaders(req.rawHeaders);
    for (const [k, v] of identityHeaders(id)) headers.push(k, v);
    headers.push('X-Forwarded-For', forwardedFor(req.rawHeaders, req.socket.remoteAddress));
    if (body.length > 0 || req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined) headers.push('Content-Length', String(body.length));
    const started = performance.now();
    return new Promise<void>((resolve) => {
      let settled = false;
      let connectTimer: NodeJS.Timeout | undefined;
      const responseTimer = setTimeout(() => upReq.destroy(new UpstreamError('timeout')), cfg.upstream.timeoutMs);
      // Settled once the client has the whole answer (or is gone), not when the upstream ends:
      // a drain waits for this, and must not cut an answer still being written.
      const done = () => {
        if (settled) return;
        settled = true;
        clearTimeout(responseTimer);
        clearTimeout(connectTimer);
        resolve();
      };
      const fail = (e: unknown) => {
        clearTimeout(responseTimer);
        clearTimeout(connectTimer);
        if (settled) return;
        const kind = upstreamKind(e);
        metrics?.upstreamError(kind);
        entry.upstreamError = kind;
        if (res.headersSent) {
          res.destroy();
        } else {
          entry.status = kind === 'timeout' ? 504 : 502;
          send(req, res, entry.status, JSON.stringify({ error: kind === 'timeout' ? 'upstream_timeout' : 'upstream_unavailable' }), { 'cache-control': 'no-store' });
        }
        settled = true;
        resolve();
      };
      const opts = { protocol: up.protocol, hostname: up.hostname.replace(/^\[|\]$/g, ''), port: up.port || (isHttps ? 443 : 80), method: req.method ?? 'GET', path: basePath + target, headers, agent, setHost: false };
      const upReq = (isHttps ? httpsRequest : httpRequest)(opts as unknown as RequestOptions);
      upReq.on('socket', (s: Socket) => {
        if (!s.connecting) return;
        connectTimer = setTimeout(() => upReq.destroy(new UpstreamError('timeout')), cfg.upstream.connectTimeoutMs);
        s.once('connect', () => clearTimeout(connectTimer));
      });
      upReq.on('error', fail);
      upReq.on('response', (upRes) => {
        clearTimeout(responseTimer);
        entry.upstreamStatus = upRes.statusCode ?? 502;
        entry.status = entry.upstreamStatus;
        // Idle while streaming the body: the same time cap, reset by every chunk.
        upRes.setTimeout(cfg.upstream.timeoutMs, () => upRes.destroy(new UpstreamError('timeout')));
        upRes.on('error', fail);
        upRes.on('aborted', () => fail(new UpstreamError('reset')));
        res.writeHead(entry.upstreamStatus, responseHeaders(upRes.rawHeaders));
        upRes.pipe(res);
        upRes.once('end', () => metrics?.upstream((performance.now() - started) / 1000));
        res.once('finish', done);
        res.once('close', () => {
          if (!upRes.readableEnded) upRes.destroy();
          done();
        });
      });
      // A client that goes away takes its upstream request with it.
      res.on('close', () => {
        if (!settled && !res.writableFinished) upReq.destroy();
      });
      upReq.end(body);
    });
  }

  async function authPhp(req: IncomingMessage, res: ServerResponse, method: string, query: string, bytes: Uint8Array, entry: Entry): Promise<void> {
    const hk = cfg.schemes.hostkey!;
    const ip = clientIpOf(req);
    const raw = method === 'GET' ? query : Buffer.from(bytes).toString('utf8');
    const r = await hostKeyAuthPhp(new URLSearchParams(raw), { apiKeys: hk.apiKeys ?? {}, ...(hk.ttl !== undefined ? { ttl: hk.ttl } : {}), store: deps.sessions, ...(ip ? { clientIp: ip } : {}) });
    entry.verdict = r.ok ? 'ok' : r.verdict;
    entry.status = r.status;
    if (r.subject !== undefined) entry.subject = r.subject;
    // The login and error replies come as JSON text already (hostKeyLoginReplyBody): not again.
    send(req, res, r.status, typeof r.body === 'string' ? r.body : JSON.stringify(r.body), { 'cache-control': 'no-store', ...(r.ok ? {} : { 'x-hostsig-code': r.verdict }) });
  }

  /**
   * The fields of an eq.php PIN call (GET: the query; POST: the form body), or null when no
   * `action` anywhere is a PIN action. A PIN action next to another `action` (repeated, or one in
   * the query and one in the body) is refused: the upstream might read the other one.
   */
  function pinFields(method: string, query: string, bytes: Uint8Array): URLSearchParams | null {
    const q = new URLSearchParams(query);
    const body = method === 'POST' ? new URLSearchParams(Buffer.from(bytes).toString('utf8')) : null;
    const actions = [...q.getAll('action'), ...(body ? body.getAll('action') : [])];
    if (!actions.some((a) => PIN_ACTIONS.has(a))) return null;
    if (actions.length > 1) throw new HostsigError('FIELD_DUPLICATE', 'eq.php field "action" appears more than once', { field: 'action' });
    if (body && body.getAll('action').length !== 1) throw new HostsigError('MISSING_FIELD', 'a POST PIN call carries action in the form body', { field: 'action' });
    return body ?? q;
  }

  async function pinPhp(req: IncomingMessage, res: ServerResponse, fields: URLSearchParams, entry: Entry): Promise<void> {
    const ip = clientIpOf(req);
    const r = await pinCall(fields, { service: pinService!, sessions: deps.sessions, ...(ip ? { clientIp: ip } : {}) });
    entry.verdict = r.verdict;
    entry.status = r.status;
    if (r.subject !== undefined) entry.subject = r.subject;
    if (r.storeFailed) metrics?.storeError(r.storeFailed);
    const extra: Record<string, string> = r.verdict === 'ok' ? {} : { 'x-hostsig-code': r.verdict, ...(r.status === 503 ? { 'retry-after': '1' } : {}) };
    send(req, res, r.status, r.body, { 'cache-control': 'no-store', ...extra });
  }

  async function handle(req: IncomingMessage, res: ServerResponse, entry: Entry): Promise<void> {
    const { method } = entry;
    const { query } = splitUrl(req.url ?? '/');
    const plain = toPlainRequest(req);
    const head = normalizeHead(plain); // a second Authorization is refused here, on every path
    const authPhpHere = authPhpOn && (method === 'POST' || method === 'GET') && entry.path.endsWith('/auth.php');
    entry.scheme = authPhpHere ? 'hostkey' : (verifier.detect(head) ?? 'none');
    // Read first, under the cap, on every path: over it is 413 before the rest is read.
    const bytes = await readRawBody(req, { maxBytes: maxBody });
    if (authPhpHere) return authPhp(req, res, method, query, bytes, entry);
    if (pinService && (method === 'POST' || method === 'GET') && entry.path.endsWith('/eq.php')) {
      const fields = pinFields(method, query, bytes);
      entry.scheme = fields ? 'hostkey' : entry.scheme;
      if (fields) return pinPhp(req, res, fields, entry);
    }
    plain.body = bytes;
    const r = await verifier.verify(plain);
    if (!r.ok) {
      entry.scheme = r.scheme ?? 'none';
      entry.verdict = r.code;
      entry.status = r.status;
      const store = storeOf(r.code, r.scheme);
      if (store) metrics?.storeError(store);
      return send(req, res, r.status, r.body, { ...r.headers });
    }
    const id = identityOf(r);
    entry.scheme = r.scheme;
    if (id.params !== undefined && id.params.length > maxParams) {
      // Upstreams refuse longer header lines (nginx: 8 KiB; Node: 16 KiB for all headers), and
      // forwarding without the params would let the upstream re-parse what was signed.
      const f = verifier.failure('BODY_TOO_LARGE', `the verified params take ${id.params.length} bytes as X-Hostsig-Params; the gateway forwards at most ${maxParams} (maxParamsHeaderBytes)`, r.scheme);
      entry.verdict = f.code;
      entry.status = f.status;
      return send(req, res, f.status, f.body, { ...f.headers });
    }
    entry.verdict = 'ok';
    const who = id.subject ?? id.key;
    if (who !== undefined) entry.subject = who;
    return forward(req, res, bytes, id, entry);
  }

  function onRequest(req: IncomingMessage, res: ServerResponse): void {
    const started = performance.now();
    const { path } = splitUrl(req.url ?? '/');
    const method = req.method ?? 'GET';
    if (path === '/healthz' && (method === 'GET' || method === 'HEAD')) {
      healthz(req, res).catch(() => res.destroy());
      return;
    }
    inFlight++;
    const entry: Entry = { method, path, scheme: 'none', verdict: 'ok', status: 0 };
    handle(req, res, entry)
      .catch((e: unknown) => {
        const code: HostsigErrorCode = isHostsigError(e) ? e.code : 'BODY_MALFORMED';
        const scheme = entry.scheme === 'none' ? null : (entry.scheme as SchemeName);
        const f = verifier.failure(code, isHostsigError(e) ? e.message : 'the request could not be handled', scheme);
        entry.verdict = code;
        entry.status = f.status;
        const store = storeOf(code, scheme);
        if (store) metrics?.storeError(store);
        if (!isHostsigError(e)) deps.log.warn({ event: 'internal-error', worker: deps.worker, error: cut(e instanceof Error ? `${e.name}: ${e.message}` : String(e)) });
        send(req, res, f.status, f.body, { ...f.headers });
      })
      .catch(() => res.destroy())
      .finally(() => {
        try {
          finish(entry, started);
        } finally {
          inFlight--;
          if (inFlight === 0 && idle) idle();
        }
      });
  }

  return {
    handle: onRequest,
    inFlight: () => inFlight,
    onIdle: (fn) => {
      idle = fn;
      if (inFlight === 0) fn();
    },
    close: () => agent.destroy(),
  };
}
