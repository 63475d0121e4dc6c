/**
 * `hostsig serve`: a loopback endpoint that verifies whatever an SDK sends, for all five
 * schemes, with `createVerifier` from `hostsig/server` (scheme detection, capped raw body,
 * provider envelopes, status codes). On top of it the CLI adds what a debugging endpoint needs:
 * a success body per scheme, a one-line verdict per request with the diagnosis of the mistake
 * that reproduces a failure, and HostKey's `auth.php` login/logout so a HostKey client can get a
 * session token from it.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HostsigError, type HostsigErrorCode, isHostsigError } from '../../core/errors.js';
import { parseBearerAuth } from '../../schemes/hostbill/bearer.js';
import { MemoryHostKeyTokenStore } from '../../schemes/hostkey/index.js';
import { createVerifier, type HostsigVerified, normalizeHead, type RequestHead, type SchemeName, splitUrl } from '../../server/index.js';
import { readRawBody, toPlainRequest } from '../../server/node.js';
import { PLAYGROUND_DIR, playgroundBuilt, servePlayground } from '../playground.js';
import { logSafe } from '../output.js';
import { type CommandSpec, int, type ParsedArgs, str, UsageError } from '../args.js';
import { checkConfig, hostKeyRecords, type KeysConfig, loadConfig, packageRoot } from '../config.js';
import { hostKeyAuthPhp, verifierOptions } from '../verifier-setup.js';
import { diagnoseHostDime, diagnoseHostKey, diagnoseJwt, diagnoseNoScheme, diagnoseSixConnect, diagnoseWhm, type Finding } from '../../diagnose/index.js';
import type { Io } from '../io.js';

export const serveSpec: CommandSpec = {
  name: 'serve',
  summary: 'a local endpoint on 127.0.0.1 that verifies any SDK\'s requests (all five schemes) and logs a verdict + diagnosis',
  usage: ['serve [--config keys.json] [--port 8080]'],
  flags: {
    config: { type: 'string', value: 'keys.json', desc: 'keys per scheme (default: the demo keys, printed at start)' },
    port: { type: 'string', value: 'PORT', desc: 'port on 127.0.0.1; 0 picks a free one (default 8080)' },
  },
  notes: [
    'keys.json (see docs/cli.md; file paths are relative to it):',
    '  {"hostdime":   {"keys": {"PUBLIC": "PRIVATE"}, "toleranceSec": 300, "dialects": ["php"]},',
    '   "sixconnect": {"keys": {"API_KEY": "SECRET"}, "time": false},',
    '   "hostbill":   {"publicKey": "issuer.pub.pem", "issuer": "https://billing.example.com", "basic": {"EMAIL": "PASSWORD"}},',
    '   "whm":        {"tokens": {"root": [{"name": "ci", "token": "32 of A-Z0-9"}]}, "cpanelTokens": {"bob": [...]}},',
    '   "hostkey":    {"apiKeys": {"API_KEY": "subject"}, "sessions": [{"token": "32 hex", "subject": "s", "expiresAt": UNIX}]}}',
    'Detection (createVerifier): Authorization whm|cpanel -> whm; Bearer|Basic -> hostbill; a query with hash=/apiKey= -> 6connect;',
    'POST /v1/<module>/<action>.json -> HostDime; POST <module>.php with token= -> HostKey (/auth.php, POST or GET: action=login&key=..., info&token=..., logout&token=...).',
    'Prints "hostsig serve: listening on http://127.0.0.1:PORT" on stdout; one line per request on stderr (request data escaped).',
    'Never answers 5xx but 503 (a store failed); a body over 1 MiB is 413 on every path; /favicon.ico, /robots.txt,',
    '/apple-touch-icon*.png, /.well-known/* are a quiet 404; a failure with a body over 64 KiB is not diagnosed.',
  ].join('\n'),
};

/** Keys used when no --config is given (the README and the demo sign with these; test keys only). */
export const DEMO_CONFIG_RAW = {
  hostdime: { keys: { 'demo-public': 'demo-private' } },
  sixconnect: { keys: { '32-5DAYTJQY2TZHOFOB': '48b278ec873bda4738923dbc467f8669' } },
  hostbill: { publicKey: 'vectors/keys/hostbill4096.spki.pem', issuer: 'https://billing.example.com', basic: { 'client@example.com': 'demo-password' } },
  whm: {
    tokens: { root: [{ name: 'demo', token: 'U7HMR63FGY292DQZ4H5BFH16JLYMO01M' }] },
    cpanelTokens: { bob: [{ name: 'uapi', token: 'CPANEL0DEMO0TOKEN000000000000001' }] },
  },
  hostkey: { apiKeys: { 'demo-hostkey-api-key': 'demo-user' } },
};

export function demoConfig(): KeysConfig {
  return checkConfig(structuredClone(DEMO_CONFIG_RAW), packageRoot(), 'the demo config');
}

/** What serve decided about one request (the demo and the tests read it). */
export interface ServeVerdict {
  scheme: string;
  ok: boolean;
  status: number;
  /** `valid`, or the error code. */
  verdict: string;
  message?: string;
  /** Who: api key, user, subject. */
  who?: string;
  diagnosis: Finding[];
  /** Why no diagnosis was tried (e.g. `body over 16384 bytes`), when it was skipped. */
  diagnosisSkipped?: string;
  /** A non-HostsigError thrown while handling the request (log only, never in the response). */
  internal?: string;
  method: string;
  path: string;
}

export interface ServeHandle {
  url: string;
  server: Server;
  close(): Promise<void>;
}

export interface ServeOptions {
  port: number;
  config: KeysConfig;
  /** One line per request. */
  log: (line: string) => void;
  /** Every verdict, for callers that drive the server themselves (the demo). */
  onVerdict?: (v: ServeVerdict) => void;
  /** The clock in seconds (tests); default the system clock. */
  clock?: () => number;
  /** Where the built web debugger is (tests); default {@link PLAYGROUND_DIR}. */
  playgroundDir?: string;
}

const MAX_BODY = 1 << 20;

/**
 * Failures with a body over this are not diagnosed. Diagnosis re-encodes and re-hashes the
 * whole request once per known mistake (a few dozen derivations), so its cost is the body size
 * times that: a 1 MiB body took ~0.9 s against ~30 ms to verify. Real API calls of these
 * schemes are form fields, queries and headers of a few KiB; 64 KiB is far above any of them
 * and keeps a failed request's diagnosis to tens of milliseconds. (Headers and queries, the
 * other inputs, are bounded by node:http's 16 KiB header limit.)
 */
// A diagnosis re-derives the hash once per candidate (up to ~60 on a hostile body): 16 KiB keeps
// one failed request well under 0.3 s of CPU on this 2-core machine.
export const DIAGNOSIS_MAX_BODY = 16 * 1024;
const DIAGNOSIS_SKIPPED = `body over ${DIAGNOSIS_MAX_BODY} bytes`;

/**
 * One log line: time, scheme, request, verdict, and the diagnosis when there is one. Every
 * piece of request data is escaped and cut (see {@link logSafe}): one request, one line.
 */
export function verdictLine(v: ServeVerdict): string {
  const t = new Date().toISOString().slice(11, 19);
  const who = v.who !== undefined ? ` ${v.scheme === 'hostdime' || v.scheme === 'sixconnect' ? 'key' : 'user'}=${logSafe(v.who, 80)}` : '';
  const req = `${t} ${logSafe(v.scheme, 32)} ${logSafe(v.method, 32)} ${logSafe(v.path)}`;
  if (v.ok) return `${req} -> valid${who}`;
  const d = v.diagnosis[0];
  const diag = d
    ? `; diagnosis: ${logSafe(d.id, 64)} (${logSafe(d.title)}); fix: ${logSafe(d.fix, 300)}`
    : v.diagnosisSkipped !== undefined
      ? `; diagnosis skipped: ${logSafe(v.diagnosisSkipped)}`
      : v.verdict === 'SIGNATURE_INVALID'
        ? '; diagnosis: no known mistake reproduces the signature'
        : '';
  const internal = v.internal !== undefined ? `; internal error: ${logSafe(v.internal)}` : '';
  return `${req} -> ${logSafe(v.verdict, 64)}${who}${diag}${internal}`;
}

/** The success body each provider's client expects to parse (the data is hostsig's). */
function successBody(v: HostsigVerified, command: string): unknown {
  switch (v.scheme) {
    case 'hostdime':
      return { error: null, response: { verified: true, scheme: 'hostdime', method: v.detail.method, api_key: v.detail.publicKey, params: v.detail.params.toJS() } };
    case 'sixconnect':
      return { success: 1, message: 'verified', apiKey: v.detail.apiKey, target: v.detail.target, action: v.detail.action, params: v.detail.params?.toJS() };
    case 'hostbill':
      return v.detail.method === 'bearer' ? { success: true, verified: 'bearer', sub: v.detail.subject, claims: v.detail.payload } : { success: true, verified: 'basic', user: v.detail.username };
    case 'whm': {
      const data = { verified: true, user: v.detail.user, token_name: v.detail.tokenName, acls: v.detail.acls };
      return v.detail.scheme === 'cpanel' ? { status: 1, errors: null, messages: null, warnings: null, data, metadata: {} } : { data, metadata: { command, reason: 'OK', result: 1, version: 1 } };
    }
    case 'hostkey':
      return { result: 'OK', subject: v.detail.subject, token_expire: v.detail.expiresAt };
  }
}

function diagnoseFailure(scheme: string | null, code: string, cfg: KeysConfig, req: { method: string; path: string; query: string; body: string; authorization?: string }): Finding[] {
  const map = (ms: { id: string; title: string; fix: string }[]) => ms.map(({ id, title, fix }) => ({ id, title, fix }));
  try {
    if (scheme === 'hostdime' && code === 'SIGNATURE_INVALID') {
      const id = new URLSearchParams(req.body).get('api_key') ?? '';
      const key = cfg.hostdime && Object.hasOwn(cfg.hostdime.keys, id) ? cfg.hostdime.keys[id] : undefined;
      return key === undefined ? [] : map(diagnoseHostDime({ body: req.body, path: req.path, privateKey: key }).matches);
    }
    if (scheme === 'sixconnect' && ['SIGNATURE_INVALID', 'HASH_NOT_LAST', 'HASH_MALFORMED'].includes(code)) {
      const id = new URLSearchParams(req.query).get('apiKey') ?? '';
      const key = cfg.sixconnect && Object.hasOwn(cfg.sixconnect.keys, id) ? cfg.sixconnect.keys[id] : undefined;
      return key === undefined ? [] : map(diagnoseSixConnect({ query: req.query, secretKey: key }).matches);
    }
    if (scheme === 'hostbill' && /^bearer\s/i.test(req.authorization ?? '') && cfg.hostbill?.publicKey !== undefined) {
      const hb = cfg.hostbill;
      const rep = diagnoseJwt({
        token: parseBearerAuth(req.authorization),
        keyFile: new Uint8Array(Buffer.from(hb.publicKey!)),
        options: { ...(hb.issuer !== undefined ? { issuer: hb.issuer } : {}), ...(hb.audience !== undefined ? { audience: hb.audience } : {}), ...(hb.clockTolerance !== undefined ? { clockTolerance: hb.clockTolerance } : {}) },
      });
      return map(rep.matches);
    }
    if (scheme === 'whm') return diagnoseWhm({ authorization: req.authorization, code, path: req.path, whm: cfg.whm });
    if (scheme === 'hostkey') return diagnoseHostKey({ code, body: req.body, query: req.query, method: req.method });
  } catch {
    /* a request too broken to diagnose: the verdict stands */
  }
  return [];
}

/** What the request handler knows so far, for the answer to an error thrown at any point. */
interface RequestCtx {
  method: string;
  path: string;
  query: string;
  /** The scheme the request was taken for, once known (picks the error envelope). */
  scheme: string | null;
  head?: RequestHead;
}

/** Browser noise (a page open on serve asks for these): a quiet 404, no verifier, no log line. */
export function isBrowserNoise(method: string, path: string): boolean {
  if (method !== 'GET' && method !== 'HEAD') return false;
  if (path === '/favicon.ico' || path === '/robots.txt' || path.startsWith('/.well-known/')) return true;
  return path.startsWith('/apple-touch-icon') && path.endsWith('.png');
}

/** A declared Content-Length over the cap: refused before a byte is read, on every path. */
function declaredTooLarge(req: IncomingMessage): boolean {
  const len = req.headers['content-length'];
  return typeof len === 'string' && /^[0-9]+$/.test(len) && Number(len) > MAX_BODY;
}

/**
 * Any thrown value as a failure code. A HostsigError keeps its code (its status follows from
 * it: 4xx, or 503 for a store); anything else is a request serve could not handle, answered 400
 * with a fixed message (never the error's text or stack), and named in the log line.
 */
function thrownFailure(e: unknown): { code: HostsigErrorCode; message: string; internal?: string } {
  if (isHostsigError(e)) return { code: e.code, message: e.message };
  const internal = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return { code: 'BODY_MALFORMED', message: 'the request could not be handled', internal };
}

// Over 80 lines: the server and its two handlers (handle, authPhpLogin) share the config, the
// session store, the verifier and the log through this closure; apart, each would take them all.
export function startServer(opts: ServeOptions): Promise<ServeHandle> {
  const cfg = opts.config;
  const store = new MemoryHostKeyTokenStore();
  const ready = Promise.all(hostKeyRecords(cfg.hostkey?.sessions).map((r) => store.put(r)));
  ready.catch(() => {}); // awaited per request; a failure there is that request's 503
  const verifier = createVerifier(verifierOptions(cfg, { store, maxBodyBytes: MAX_BODY, ...(opts.clock ? { clock: opts.clock } : {}) }));
  const schemesOn = Object.keys(cfg).filter((k) => k !== '$comment');
  const playgroundDir = opts.playgroundDir ?? PLAYGROUND_DIR;
  const report = (v: ServeVerdict) => {
    opts.log(verdictLine(v));
    opts.onVerdict?.(v);
  };

  const server = createServer((req, res) => {
    const send = (status: number, body: unknown, verdict: string, headers: Record<string, string> = {}) => {
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      // A request whose body is left unread closes the connection, so it is never drained.
      const close = status === 413 || !req.readableEnded ? { connection: 'close' } : {};
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers, ...close, 'content-length': Buffer.byteLength(text), 'x-hostsig-verdict': verdict });
      res.end(text);
    };
    const { path, query } = splitUrl(req.url ?? '/');
    const ctx: RequestCtx = { method: req.method ?? 'GET', path, query, scheme: null };
    handle(req, res, ctx, send).catch((e: unknown) => {
      try {
        const f = thrownFailure(e);
        const failure = verifier.failure(f.code, f.message, ctx.scheme as SchemeName | null, undefined, ctx.head);
        try {
          report({ scheme: ctx.scheme ?? 'none', ok: false, status: failure.status, verdict: f.code, message: f.message, diagnosis: [], method: ctx.method, path: ctx.path, ...(f.internal !== undefined ? { internal: f.internal } : {}) });
        } catch {
          /* a failing log must not cost the client its answer */
        }
        if (res.headersSent) res.destroy();
        else send(failure.status, failure.body, f.code, { ...failure.headers });
      } catch {
        res.destroy(); // the last resort: never an unhandled rejection, never a 500
      }
    });
  });

  type Send = (status: number, body: unknown, verdict: string, headers?: Record<string, string>) => void;

  async function handle(req: IncomingMessage, res: ServerResponse, ctx: RequestCtx, send: Send): Promise<void> {
    await ready;
    const { method, path, query } = ctx;
    // HostKey sessions are obtained here: the verifier leaves auth.php to the gateway.
    // GET as well: HOSTKEY's own WHMCS module logs in with `GET auth.php?action=login&key=...`.
    const authPhp = cfg.hostkey !== undefined && (method === 'POST' || method === 'GET') && path.endsWith('/auth.php');
    const plain = toPlainRequest(req);
    // Refuses a second Authorization (AUTH_HEADER_DUPLICATE) on every path, auth.php included.
    ctx.head = normalizeHead(plain);
    ctx.scheme = authPhp ? 'hostkey' : verifier.detect(ctx.head);
    if (declaredTooLarge(req)) throw new HostsigError('BODY_TOO_LARGE', `body is larger than ${MAX_BODY} bytes`, { maxBytes: MAX_BODY });
    // Every body is read first, under the cap, whatever the path: over it is 413 everywhere, and
    // an upload is never drained past the cap (the 413 closes the connection).
    const bytes = await readRawBody(req, { maxBytes: MAX_BODY });
    if (isBrowserNoise(method, path)) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', 'content-length': 10 });
      res.end('not found\n');
      return;
    }
    // The web debugger, when built (npm run build:playground): a browser's / -> /playground/.
    if (servePlayground(req, res, playgroundDir)) return;
    if (path === '/' && method === 'GET' && query === '') {
      return send(200, { hostsig: 'serve', schemes: schemesOn, detection: verifier.schemes }, 'info');
    }
    // A GET carries its fields in the query, a POST in its form body (as invapi reads them).
    if (authPhp) return authPhpLogin(req, ctx, method === 'GET' ? query : Buffer.from(bytes).toString('utf8'), send);
    plain.body = bytes;
    const r = await verifier.verify(plain);
    if (r.ok) {
      const who = r.identity.key ?? r.identity.user;
      report({ scheme: r.scheme, ok: true, status: 200, verdict: 'valid', ...(who !== undefined ? { who } : {}), diagnosis: [], method, path });
      return send(200, successBody(r, /\/json-api\/([A-Za-z0-9_]+)$/.exec(path)?.[1] ?? ''), 'valid');
    }
    const body = Buffer.from(bytes).toString('utf8');
    const authorization = typeof req.headers.authorization === 'string' ? req.headers.authorization : undefined;
    // Diagnosis re-derives the signature once per known mistake: bounded by the body it gets.
    const skip = r.scheme !== null && bytes.length > DIAGNOSIS_MAX_BODY;
    const diagnosis =
      r.scheme === null
        ? diagnoseNoScheme(r.details, verifier.schemes)
        : skip
          ? []
          : diagnoseFailure(r.scheme, r.code, cfg, { method, path, query, body, ...(authorization !== undefined ? { authorization } : {}) });
    let who: string | undefined;
    if (r.scheme === 'hostdime') who = new URLSearchParams(body).get('api_key') ?? undefined;
    if (r.scheme === 'sixconnect') who = new URLSearchParams(query).get('apiKey') ?? undefined;
    report({ scheme: r.scheme ?? 'none', ok: false, status: r.status, verdict: r.code, message: r.message, ...(who !== undefined ? { who } : {}), diagnosis, ...(skip ? { diagnosisSkipped: DIAGNOSIS_SKIPPED } : {}), method, path });
    return send(r.status, r.body, r.code, { ...r.headers });
  }

  async function authPhpLogin(req: IncomingMessage, ctx: RequestCtx, raw: string, send: Send): Promise<void> {
    const hk = cfg.hostkey!;
    const { method, path } = ctx;
    const ip = req.socket.remoteAddress;
    const r = await hostKeyAuthPhp(new URLSearchParams(raw), { apiKeys: hk.apiKeys ?? {}, ...(hk.ttl !== undefined ? { ttl: hk.ttl } : {}), store, ...(ip ? { clientIp: ip } : {}), ...(opts.clock ? { clock: opts.clock } : {}) });
    const base = { scheme: 'hostkey', method, path: r.action === 'other' || r.verdict === 'UNKNOWN_KEY' ? path : `${path} (${r.action})`, ok: r.ok, status: r.status, verdict: r.verdict, ...(r.message !== undefined ? { message: r.message } : {}), ...(r.subject !== undefined ? { who: r.subject } : {}) };
    let diagnosis: Finding[] = [];
    if (r.verdict === 'UNKNOWN_KEY') diagnosis = [{ id: 'unknown-api-key', title: 'auth.php login with an API key serve does not know', fix: 'Use an API key listed in keys.json hostkey.apiKeys.' }];
    else if (r.action === 'info' && !r.ok) diagnosis = diagnoseHostKey({ code: r.verdict, body: raw, query: ctx.query, method });
    report({ ...base, diagnosis });
    return send(r.status, r.body, r.verdict);
  }

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        server,
        close: () =>
          new Promise<void>((r) => {
            server.close(() => r());
            server.closeAllConnections();
          }),
      });
    });
  });
}

export async function runServe(args: ParsedArgs, io: Io): Promise<number> {
  const port = int(args.flags, 'port', 'serve') ?? 8080;
  if (port < 0 || port > 65535) throw new UsageError('--port must be 0..65535', 'serve');
  const configPath = str(args.flags, 'config');
  const config = configPath !== undefined ? loadConfig(configPath) : demoConfig();
  const h = await startServer({ port, config, log: (l) => io.err(`${l}\n`) });
  io.out(`hostsig serve: listening on ${h.url}\n`);
  if (playgroundBuilt()) io.out(`  web debugger: ${h.url}/playground/\n`);
  const demo = configPath === undefined ? ' (demo keys)' : '';
  if (config.hostdime) io.out(`  hostdime:   keys ${Object.keys(config.hostdime.keys).join(', ')}${demo}\n`);
  if (config.sixconnect) io.out(`  sixconnect: keys ${Object.keys(config.sixconnect.keys).join(', ')}${demo}\n`);
  if (config.hostbill) io.out(`  hostbill:   ${[config.hostbill.publicKey ? 'Bearer (RS256)' : '', config.hostbill.basic ? `Basic users ${Object.keys(config.hostbill.basic).join(', ')}` : ''].filter(Boolean).join('; ')}${demo}\n`);
  if (config.whm) io.out(`  whm:        whm users ${Object.keys(config.whm.tokens ?? {}).join(', ') || '-'}; cpanel users ${Object.keys(config.whm.cpanelTokens ?? {}).join(', ') || '-'}${demo}\n`);
  if (config.hostkey) io.out(`  hostkey:    ${(config.hostkey.sessions ?? []).length} sessions; login at POST /auth.php with ${Object.keys(config.hostkey.apiKeys ?? {}).length} API keys${demo}\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await h.close();
  return 0;
}
