// hostsig gateway benchmark: requests per second and latency through
//   nginx -> hostsig gateway (1 and 2 workers, Redis nonce store) -> upstream
// against the same nginx config proxying straight to the upstream (no verification), for
// HostDime POSTs and 6connect GETs. `npm run bench:gateway` (builds dist/ first);
// `-- --quick` for a short run; `-- --docs` writes the table into docs/gateway.md.
// nginx is test/gateway/nginx.conf (the tests' and the docs' config) with only its upstream
// changed. The upstream is its own node:http process; autocannon runs here. Every HostDime
// request to a gateway has a fresh api_unique (from a pool signed before the run), so no row
// measures cheap replay refusals; the direct rows send requests from the same pool. 6connect
// has no nonce: one signed URL is sent on every request. The gateway's log goes to a file.
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { signHostDime } from '../dist/schemes/hostdime/index.js';
import { signSixConnect } from '../dist/schemes/sixconnect/index.js';

const quick = process.argv.includes('--quick');
const writeDocs = process.argv.includes('--docs');
const DURATION = quick ? 2 : 5;
const ROUNDS = quick ? 1 : 3;
const CONNECTIONS = 32;
const ROOT = new URL('..', import.meta.url).pathname;
const NGINX_TEMPLATE = join(ROOT, 'test/gateway/nginx.conf');
const DOCS = join(ROOT, 'docs/gateway.md');

const HD_PUB = 'bench-pub';
const HD_PRIV = 'bench-priv';
const SC_KEY = '32-5DAYTJQY2TZHOFOB';
const SC_SECRET = '48b278ec873bda4738923dbc467f8669';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function freePort() {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function canConnect(port) {
  return new Promise((r) => {
    const s = connect({ port, host: '127.0.0.1' });
    s.on('connect', () => (s.destroy(), r(true)));
    s.on('error', () => r(false));
  });
}

async function waitPort(port, what) {
  for (let i = 0; i < 200; i++) {
    if (await canConnect(port)) return;
    await sleep(50);
  }
  throw new Error(`${what} did not listen on ${port}`);
}

function nginxBin() {
  for (const p of ['nginx', '/usr/sbin/nginx', '/usr/local/sbin/nginx']) {
    try {
      execFileSync(p, ['-v'], { stdio: 'pipe' });
      return p;
    } catch {
      // next
    }
  }
  throw new Error('nginx not found (apt-get install nginx)');
}

const children = [];
function child(cmd, args, opts = {}) {
  const proc = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'], detached: true, ...opts });
  children.push(proc);
  return proc;
}

function stopAll() {
  for (const p of children.reverse()) {
    if (p.exitCode !== null || p.signalCode !== null) continue;
    try {
      process.kill(-p.pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
}

const dir = mkdtempSync(join(tmpdir(), 'hostsig-gw-bench-'));
chmodSync(dir, 0o755);
process.on('exit', () => {
  stopAll();
  rmSync(dir, { recursive: true, force: true });
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(130));

async function startRedis() {
  const port = await freePort();
  mkdirSync(join(dir, 'redis'));
  child('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', join(dir, 'redis'), '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  await waitPort(port, 'redis-server');
  return `redis://127.0.0.1:${port}`;
}

/** The upstream: a tiny node:http server in its own process, 200 with a small JSON body. */
async function startUpstream() {
  const port = await freePort();
  const code = `require('node:http').createServer((q, s) => { q.resume(); q.on('end', () => { s.writeHead(200, { 'content-type': 'application/json' }); s.end('{"ok":true}'); }); }).listen(${port}, '127.0.0.1')`;
  child(process.execPath, ['-e', code]);
  await waitPort(port, 'upstream');
  return port;
}

async function startGateway(name, workers, upstreamPort, redisUrl) {
  const gdir = join(dir, name);
  mkdirSync(gdir);
  const config = {
    listen: { host: '127.0.0.1', port: 0 },
    upstream: { url: `http://127.0.0.1:${upstreamPort}` },
    trustedProxies: ['127.0.0.1'],
    redis: { url: redisUrl, prefix: `bench-${name}:` },
    schemes: { hostdime: { keys: { [HD_PUB]: HD_PRIV } }, sixconnect: { keys: { [SC_KEY]: SC_SECRET } } },
  };
  writeFileSync(join(gdir, 'gateway.json'), JSON.stringify(config));
  // The log goes to a file, not a pipe to this process: Node writes to a pipe synchronously, so
  // a reader busy with autocannon would throttle the gateway (journald reads promptly).
  const logPath = join(gdir, 'gateway.log');
  const log = openSync(logPath, 'w');
  const proc = child(process.execPath, [join(ROOT, 'bin/hostsig.js'), 'gateway', '--config', join(gdir, 'gateway.json'), '--workers', String(workers)], { stdio: ['ignore', log, 'inherit'] });
  closeSync(log);
  let listening;
  for (let i = 0; !listening; i++) {
    if (proc.exitCode !== null) throw new Error(`gateway ${name} exited ${proc.exitCode}`);
    if (i > 600) throw new Error(`gateway ${name} printed no listening line in 30 s`);
    await sleep(50);
    const first = readFileSync(logPath, 'utf8').split('\n').find((l) => l.includes('"event":"listening"'));
    if (first) listening = JSON.parse(first);
  }
  return { port: Number(new URL(listening.url).port), logPath };
}

async function startNginx(name, upstream) {
  const prefix = join(dir, name);
  mkdirSync(prefix);
  chmodSync(prefix, 0o755);
  const port = await freePort();
  const conf = readFileSync(NGINX_TEMPLATE, 'utf8')
    .replaceAll('{{PREFIX}}', prefix)
    .replaceAll('{{LISTEN}}', `127.0.0.1:${port}`)
    .replaceAll('{{UPSTREAM}}', upstream)
    .replaceAll('{{MAX_BODY}}', '1048576')
    // The bench's nginx logs nothing per request: the gateway logs each one itself.
    .replace(/access_log [^;]+;/, 'access_log off;');
  writeFileSync(join(prefix, 'nginx.conf'), conf);
  child(nginxBin(), ['-e', join(prefix, 'error.log'), '-p', prefix, '-c', join(prefix, 'nginx.conf'), '-g', `daemon off; pid ${join(prefix, 'nginx.pid')};`], { stdio: 'ignore' });
  await waitPort(port, `nginx ${name}`);
  return port;
}

// Signed requests, made before any timing (signing one costs ~60 us, which would load the
// generator). A gateway row takes fresh ones (`fresh`, never handed out twice in a run, signed
// on the fly past the pool's end); a direct row cycles through the pool from its start, since
// nothing there remembers nonces.
const POOL = quick ? 40_000 : 100_000;
const signHd = (i) => {
  const s = signHostDime({ publicKey: HD_PUB, privateKey: HD_PRIV, method: 'domain.list', params: [['status', 'registered'], ['page', String(i % 50)]], unique: `${i.toString(16).padStart(8, '0')}${process.pid.toString(16)}b` });
  return { method: 'POST', path: s.path, headers: s.headers, body: s.body };
};
const hdPool = Array.from({ length: POOL }, (_, i) => signHd(i));
let fresh = 0;
let cycle = 0;
const nextFresh = () => (fresh < POOL ? hdPool[fresh++] : signHd(fresh++));
const nextCycled = () => hdPool[cycle++ % POOL];
const sc = signSixConnect({ baseUrl: 'http://x/api/v1/api.php', target: 'ipam', action: 'get', params: { type: 'IP', q: 'bench' }, apiKey: SC_KEY, secretKey: SC_SECRET });
const scRequest = { method: 'GET', path: `/api/v1/api.php?${sc.query}` };

async function run(target, scheme, duration) {
  const next = target.name === 'direct' ? nextCycled : nextFresh;
  const requests = scheme === 'hostdime' ? [{ setupRequest: () => next() }] : [scRequest];
  const r = await autocannon({ url: `http://127.0.0.1:${target.port}`, connections: CONNECTIONS, duration, requests });
  const statuses = Object.entries(r.statusCodeStats ?? {}).map(([k, v]) => `${k}: ${v.count}`).join(', ');
  return { reqPerSec: Math.round(r.requests.average), p50: r.latency.p50, p99: r.latency.p99, total: r.requests.total, bad: r.non2xx + r.errors + r.timeouts, why: `statuses {${statuses}}, errors ${r.errors}, timeouts ${r.timeouts}` };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

console.log(`hostsig gateway bench: autocannon ${CONNECTIONS} connections -> nginx (1 worker process) -> ..., ${ROUNDS} round(s) of ${DURATION} s per row, Node ${process.version}, ${(await import('node:os')).cpus().length} CPUs shared with the load generator\n`);
process.on('unhandledRejection', (e) => {
  console.error(e);
  process.exit(1);
});
const redisUrl = await startRedis();
const upstreamPort = await startUpstream();
async function gatewayTarget(name, workers) {
  const gw = await startGateway(name, workers, upstreamPort, redisUrl);
  const label = `nginx -> gateway, ${workers} worker${workers > 1 ? 's' : ''} -> upstream`;
  return { name, label, logPath: gw.logPath, port: await startNginx(`nginx-${name}`, `127.0.0.1:${gw.port}`) };
}

/** The gateway's refusals so far, by verdict, from its log. */
function refusals(t) {
  const out = {};
  for (const l of readFileSync(t.logPath, 'utf8').split('\n')) {
    const m = /"verdict":"([A-Z_]+)"/.exec(l);
    if (m) out[m[1]] = (out[m[1]] ?? 0) + 1;
  }
  return JSON.stringify(out);
}

const targets = [
  { name: 'direct', label: 'nginx -> upstream', port: await startNginx('nginx-direct', `127.0.0.1:${upstreamPort}`) },
  await gatewayTarget('gw1', 1),
  await gatewayTarget('gw2', 2),
];

// Rows are interleaved (direct, gw1, gw2, direct, ...) so that load from anything else on the
// machine falls on every row alike; ratios are taken within a round, then their median.
const results = {};
for (const scheme of ['hostdime', 'sixconnect']) {
  for (const t of targets) await run(t, scheme, 1); // warm-up (JIT, keep-alive pools)
  for (let round = 0; round < ROUNDS; round++) {
    const direct = await run(targets[0], scheme, DURATION);
    for (const t of targets) {
      const m = t.name === 'direct' ? direct : await run(t, scheme, DURATION);
      // A row of refusals or errors measures nothing: stop rather than print it. A few 503s are
      // Redis commands past the gateway's default 250 ms cap on a saturated machine (failing
      // closed, as it should); they are counted in the table.
      if (m.bad > m.total / 50) throw new Error(`${scheme} ${t.name}: ${m.bad} non-2xx/errors/timeouts out of ${m.total} (${m.why})${t.logPath ? `; the gateway's refusals: ${refusals(t)}` : ''}`);
      if (m.bad) console.log(`  ${scheme} ${t.name}: ${m.bad} non-2xx/errors/timeouts out of ${m.total} (${m.why})`);
      ((results[scheme] ??= {})[t.name] ??= []).push({ ...m, ratio: m.reqPerSec / direct.reqPerSec });
      console.log(`${scheme.padEnd(10)} ${t.label.padEnd(42)} ${String(m.reqPerSec).padStart(6)} req/s  p50 ${m.p50} ms  p99 ${m.p99} ms  ratio ${(m.reqPerSec / direct.reqPerSec).toFixed(2)}`);
    }
  }
}

const lines = ['| requests | path | req/s | p50 ms | p99 ms | gateway / direct | not 2xx |', '|---|---|---|---|---|---|---|'];
for (const scheme of ['hostdime', 'sixconnect']) {
  for (const t of targets) {
    const rs = results[scheme][t.name];
    const row = [
      scheme === 'hostdime' ? 'HostDime POST (fresh nonce each)' : '6connect GET (one URL)',
      t.label,
      String(Math.round(median(rs.map((r) => r.reqPerSec)))),
      String(median(rs.map((r) => r.p50))),
      String(median(rs.map((r) => r.p99))),
      t.name === 'direct' ? '1' : median(rs.map((r) => r.ratio)).toFixed(2),
      `${rs.reduce((a, r) => a + r.bad, 0)} of ${rs.reduce((a, r) => a + r.total, 0)}`,
    ];
    lines.push(`| ${row.join(' | ')} |`);
  }
}
const table = lines.join('\n');
if (fresh > POOL) console.log(`(${fresh - POOL} HostDime requests were signed during gateway rows: the pool of ${POOL} ran out)`);
console.log(`\nmedians over ${ROUNDS} round(s):\n\n${table}\n`);

if (writeDocs) {
  const stamp = `<!-- bench:gateway: written by \`npm run bench:gateway -- --docs\`${quick ? ' --quick' : ''}, ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${ROUNDS} round(s) of ${DURATION} s, ${CONNECTIONS} connections -->`;
  const docs = readFileSync(DOCS, 'utf8');
  const re = /<!-- bench:gateway[^\n]*-->\n[\s\S]*?\n<!-- \/bench:gateway -->/;
  if (!re.test(docs)) throw new Error('docs/gateway.md has no <!-- bench:gateway --> ... <!-- /bench:gateway --> section');
  writeFileSync(DOCS, docs.replace(re, () => `${stamp}\n${table}\n<!-- /bench:gateway -->`));
  console.log('docs/gateway.md: throughput table written');
}
process.exit(0);
