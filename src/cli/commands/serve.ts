/**
 * `hostsig serve`: a loopback endpoint that verifies whatever an SDK sends, per scheme, answers
 * in the provider's own envelope and logs a one-line verdict (plus the diagnosis) per request.
 * Routing is small and self-contained here: a POST to /v1/<module>/<action>.(json|xml|yml) is
 * HostDime, a query carrying hash= is 6connect.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostDimePathToMethod } from '../../schemes/hostdime/index.js';
import { playgroundBuilt, servePlayground } from '../../web/static.js';
import { type CommandSpec, int, type ParsedArgs, str, UsageError } from '../args.js';
import type { Io } from '../io.js';
import { type KeysConfig, loadConfig, newNonceStore, type VerifyOutcome, verifyHostDimeCli, verifySixConnectCli } from '../schemes.js';

export const serveSpec: CommandSpec = {
  name: 'serve',
  summary: 'a local endpoint on 127.0.0.1 that verifies any SDK\'s requests and logs a verdict + diagnosis',
  usage: ['serve [--config keys.json] [--port 8080]'],
  flags: {
    config: { type: 'string', value: 'keys.json', desc: 'keys per scheme (default: the demo keys, printed at start)' },
    port: { type: 'string', value: 'PORT', desc: 'port on 127.0.0.1; 0 picks a free one (default 8080)' },
  },
  notes: [
    'keys.json: {"hostdime": {"keys": {"PUBLIC": "PRIVATE"}, "toleranceSec": 300, "dialects": ["php"]},',
    '            "sixconnect": {"keys": {"API_KEY": "SECRET"}, "time": false}}',
    'Routes: POST /v1/<module>/<action>.json (HostDime form body); any path with ?...&hash= (6connect).',
    'Prints "hostsig serve: listening on http://127.0.0.1:PORT" on stdout; one line per request on stderr.',
  ].join('\n'),
};

/** Keys used when no --config is given (the README and the demo sign with these). */
export const DEMO_CONFIG: KeysConfig = {
  hostdime: { keys: { 'demo-public': 'demo-private' } },
  sixconnect: { keys: { '32-5DAYTJQY2TZHOFOB': '48b278ec873bda4738923dbc467f8669' } },
};

const MAX_BODY = 1 << 20;

const STATUS: Record<string, number> = {
  SIGNATURE_INVALID: 401,
  UNKNOWN_KEY: 401,
  REPLAYED: 401,
  TIMESTAMP_STALE: 401,
  TIMESTAMP_FUTURE: 401,
  LOOKUP_FAILED: 503,
  NONCE_STORE_FAILED: 503,
  NONCE_STORE_FULL: 503,
};

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
  onVerdict?: (o: VerifyOutcome, status: number) => void;
}

function readBody(req: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        resolve(null);
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown, verdict: string): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'x-hostsig-verdict': verdict });
  res.end(text);
}

/** One log line: time, scheme, request, verdict, and the diagnosis when there is one. */
export function verdictLine(o: VerifyOutcome, method: string, path: string): string {
  const t = new Date().toISOString().slice(11, 19);
  const who = o.keyId !== undefined ? ` key=${o.keyId}` : '';
  if (o.ok) return `${t} ${o.scheme} ${method} ${path} -> valid${who}`;
  const d = o.diagnosis?.matches[0];
  const diag = d ? `; diagnosis: ${d.id} (${d.title}); fix: ${d.fix}` : o.diagnosis?.correct ? '' : o.code === 'SIGNATURE_INVALID' ? '; diagnosis: no known mistake reproduces the hash' : '';
  return `${t} ${o.scheme} ${method} ${path} -> ${o.code}${who}${diag}`;
}

export function startServer(opts: ServeOptions): Promise<ServeHandle> {
  const hdNonces = newNonceStore();
  const scNonces = newNonceStore();
  const cfg = opts.config;
  const server = createServer((req, res) => {
    void (async () => {
      const target = req.url ?? '/';
      const q = target.indexOf('?');
      const path = q === -1 ? target : target.slice(0, q);
      const query = q === -1 ? '' : target.slice(q + 1);
      const method = req.method ?? 'GET';
      const body = await readBody(req);
      if (body === null) {
        opts.log(`${method} ${path} -> BODY_TOO_LARGE`);
        return send(res, 413, { error: { message: 'BODY_TOO_LARGE: request body over 1 MiB', code: 413 }, response: null }, 'BODY_TOO_LARGE');
      }
      if (hostDimePathToMethod(path) && cfg.hostdime) {
        const o = await verifyHostDimeCli(
          { path, body: body.toString('utf8') },
          { keys: cfg.hostdime.keys },
          { nonces: hdNonces, toleranceSec: cfg.hostdime.toleranceSec, dialects: cfg.hostdime.dialects },
        );
        const status = o.ok ? 200 : (STATUS[o.code ?? ''] ?? 400);
        opts.log(verdictLine(o, method, path));
        opts.onVerdict?.(o, status);
        return send(
          res,
          status,
          o.ok
            ? { error: null, response: { verified: true, scheme: 'hostdime', method: o.method, api_key: o.keyId, params: o.params } }
            : { error: { message: `${o.code}: ${o.message}`, code: status }, response: null },
          o.ok ? 'valid' : (o.code ?? 'invalid'),
        );
      }
      if (/(?:^|&)hash=/.test(query) && cfg.sixconnect) {
        const o = await verifySixConnectCli({ query }, { keys: cfg.sixconnect.keys }, { nonces: scNonces, time: cfg.sixconnect.time, toleranceSec: cfg.sixconnect.toleranceSec });
        const status = o.ok ? 200 : (STATUS[o.code ?? ''] ?? 400);
        opts.log(verdictLine(o, method, path));
        opts.onVerdict?.(o, status);
        // 6connect documents no error envelope for a failed hash: {success, message} is hostsig's choice.
        return send(
          res,
          status,
          o.ok ? { success: true, message: 'verified', apiKey: o.keyId, method: o.method, params: o.params } : { success: false, message: o.message, code: o.code },
          o.ok ? 'valid' : (o.code ?? 'invalid'),
        );
      }
      // The web debugger, when built (npm run build:playground): / -> /playground/.
      if (servePlayground(method, path, res)) return;
      if (path === '/' && method === 'GET') {
        return send(res, 200, { hostsig: 'serve', schemes: Object.keys(cfg), routes: { hostdime: 'POST /v1/<module>/<action>.json', sixconnect: 'GET <any path>?...&apiKey=..&hash=..' } }, 'info');
      }
      opts.log(`${method} ${path} -> no scheme matches this request`);
      return send(res, 404, { error: { message: 'no scheme matches this request (HostDime: POST /v1/<module>/<action>.json; 6connect: a query with hash=)', code: 404 }, response: null }, 'NO_ROUTE');
    })().catch((e: unknown) => {
      opts.log(`internal error: ${e instanceof Error ? e.message : String(e)}`);
      if (!res.headersSent) send(res, 500, { error: { message: 'internal error', code: 500 }, response: null }, 'INTERNAL');
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        server,
        close: () => new Promise<void>((r) => server.close(() => r())),
      });
    });
  });
}

export async function runServe(args: ParsedArgs, io: Io): Promise<number> {
  const port = int(args.flags, 'port', 'serve') ?? 8080;
  if (port < 0 || port > 65535) throw new UsageError('--port must be 0..65535', 'serve');
  const configPath = str(args.flags, 'config');
  const config = configPath !== undefined ? loadConfig(configPath) : DEMO_CONFIG;
  const h = await startServer({ port, config, log: (l) => io.err(`${l}\n`) });
  io.out(`hostsig serve: listening on ${h.url}\n`);
  if (playgroundBuilt()) io.out(`  web debugger: ${h.url}/playground/\n`);
  for (const [scheme, c] of Object.entries(config)) {
    if (c && typeof c === 'object' && 'keys' in c) io.out(`  ${scheme}: keys ${Object.keys(c.keys).join(', ')}${configPath === undefined ? ' (demo keys)' : ''}\n`);
  }
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await h.close();
  return 0;
}
