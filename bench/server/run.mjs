// hostsig server benchmark: verified requests per second through node:http (createVerifier +
// the node adapter) against the same server with verification off. HostDime: the in-memory
// against the Redis nonce store. HostBill Bearer (RS256 JWT, the 4096-bit HostBill key):
// verifyJwtAsync through Web Crypto against the pure bigint path (crypto.subtle removed in the
// server process), with the server's event-loop delay measured during the run.
// `npm run bench:server` (builds dist/ first; `-- --quick` for a short run).
// Each server runs in its own process; autocannon runs here. Every HostDime request is freshly
// signed (a new api_unique), so no row measures cheap replay rejections; the "off" server gets
// the same signed requests, so the client's signing cost is the same in every row. Bearer
// tokens carry no nonce: one token is sent on every request, to the off server too.
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import { signJwt } from '../../dist/jwt/index.js';
import { importPrivateKey } from '../../dist/rsa/index.js';
import { signHostDime } from '../../dist/schemes/hostdime/index.js';

const quick = process.argv.includes('--quick');
// `--only=hostdime` or `--only=bearer` runs one half (results.json is then not written).
const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7);
const runHostDime = only === undefined || only === 'hostdime';
const runBearer = only === undefined || only === 'bearer';
// `--bits=2048` signs the Bearer token with the repository's 2048-bit key instead of HostBill's 4096-bit one.
const BITS = Number(process.argv.find((a) => a.startsWith('--bits='))?.slice(7) ?? 4096);
if (BITS !== 2048 && BITS !== 4096) throw new Error('--bits must be 2048 or 4096');
const DURATION = quick ? 2 : 4;
const ROUNDS = quick ? 1 : 3;
const CONNECTIONS = 16;
// Bearer rows: 64 connections, the load the event-loop target is stated for.
const BEARER_CONNECTIONS = 64;
// The event-loop rows also offer a fixed, steady load (the same 64 connections, requests spread
// evenly in time), under what the pure path sustains, so the CPU is not saturated: their delay
// is what the verification itself holds the loop for, not the scheduler sharing 2 cores
// between the server, its crypto threads and autocannon. (autocannon's own rate limit sends
// each second's quota in a burst at the start of the second, so it is not used for this.)
const EL_RATE = Number(process.argv.find((a) => a.startsWith('--rate='))?.slice(7) ?? 500);
const here = new URL('.', import.meta.url).pathname;

function freePort() {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function startChild(cmd, args, env = {}) {
  const proc = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  const line = await new Promise((resolve, reject) => {
    createInterface({ input: proc.stdout }).once('line', resolve);
    proc.once('exit', (c) => reject(new Error(`${args.join(' ')} exited ${c}`)));
  });
  return { proc, info: JSON.parse(line) };
}

/**
 * A steady open-loop load: `connections` keep-alive connections, each sending one request every
 * connections/rate seconds, staggered so the server sees one request every 1/rate seconds.
 * A connection whose previous response is late sends the next one when it arrives.
 */
async function steadyLoad(url, request, { rate, connections, durationSec }) {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const interval = (connections * 1000) / rate;
  const start = performance.now() + 20;
  const end = start + durationSec * 1000;
  const latencies = [];
  let non2xx = 0;
  let errors = 0;
  const sleepUntil = (t) => new Promise((r) => setTimeout(r, Math.max(0, t - performance.now())));
  const once = () =>
    new Promise((resolve) => {
      const t0 = performance.now();
      const req = httpRequest(`${url}${request.path}`, { method: request.method, headers: request.headers, agent }, (res) => {
        if (res.statusCode < 200 || res.statusCode > 299) non2xx++;
        res.resume();
        res.on('end', () => {
          latencies.push(performance.now() - t0);
          resolve();
        });
      });
      req.on('error', () => {
        errors++;
        resolve();
      });
      req.end();
    });
  const connection = async (c) => {
    for (let k = 0; ; k++) {
      const at = start + (c * 1000) / rate + k * interval;
      if (at >= end) return;
      await sleepUntil(at);
      await once();
    }
  };
  await Promise.all(Array.from({ length: connections }, (_, c) => connection(c)));
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const pct = (q) => +(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0).toFixed(2);
  return { requests: { average: latencies.length / durationSec, total: latencies.length }, latency: { p50: pct(0.5), p99: pct(0.99) }, non2xx, errors, timeouts: 0 };
}

/** Sends `message` to a server child and waits for its answer carrying `key`. */
function ask(proc, message, key) {
  return new Promise((resolve) => {
    const on = (m) => {
      if (m && key in m) {
        proc.off('message', on);
        resolve(m[key]);
      }
    };
    proc.on('message', on);
    proc.send(message);
  });
}

async function startRedis() {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'pipe' });
  } catch {
    return null;
  }
  const port = await freePort();
  const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const { createClient } = await import('redis');
  for (let i = 0; i < 100; i++) {
    const c = createClient({ url: `redis://127.0.0.1:${port}`, socket: { reconnectStrategy: false } });
    c.on('error', () => {});
    try {
      await c.connect();
      await c.ping();
      await c.destroy();
      return { proc, url: `redis://127.0.0.1:${port}` };
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  proc.kill('SIGKILL');
  return null;
}

// Signed ahead of time, so the client spends its CPU sending, not hashing (client and server
// share this machine's cores). Each row's server is a fresh process with a fresh store (Redis:
// a fresh prefix), so the pool is reused per row; a row that ran past it would show replays
// as non-2xx and fail the run.
const POOL = quick ? 50_000 : 100_000;
const t0 = Date.now();
const pool = Array.from({ length: runHostDime ? POOL : 0 }, () => {
  const s = signHostDime({ publicKey: 'bench-pub', privateKey: 'bench-priv', method: 'domain.list', params: [['status', 'registered'], ['order', 'desc'], ['page', '1']] });
  return { method: 'POST', path: s.path, headers: { 'content-type': s.headers['content-type'] }, body: s.body };
});
if (runHostDime) console.log(`signed ${POOL} requests in ${Date.now() - t0} ms`);
let next = 0;
function signed() {
  return pool[next++ % POOL];
}

// HostBill Bearer: one RS256 JWT from the 4096-bit key (HostBill's issuer keys are 4096-bit,
// see SCHEMES.md), valid for the whole run; the servers get the public key as SPKI PEM.
const keyUrl = (f) => new URL(`../../vectors/keys/${f}`, import.meta.url);
const BEARER_SPKI = keyUrl(BITS === 4096 ? 'hostbill4096.spki.pem' : 'rsa2048.spki.pem').pathname;
const bearerKey = importPrivateKey(readFileSync(keyUrl(BITS === 4096 ? 'hostbill4096.key' : 'rsa2048.pkcs1.pem'), 'utf8'));
const bearerToken = signJwt({ sub: 'client-42', scope: 'api', iss: 'https://billing.example' }, bearerKey, { expiresIn: '2h' });
const bearerRequest = { method: 'GET', path: '/api/client/details', headers: { authorization: `Bearer ${bearerToken}` } };

/**
 * One row: a fresh server process in `mode`, a 1 s warm-up, then `DURATION` s measured.
 * `bearer` sends the Bearer request on 64 connections instead of the HostDime pool on 16;
 * the server's event-loop delay is recorded during the measured part of every row.
 */
async function measure(label, mode, { env = {}, bearer = false, expectSubtle, rate } = {}) {
  const { proc, info } = await startChild(process.execPath, [`${here}serve.mjs`, mode], { ...env, BEARER_SPKI });
  if (expectSubtle !== undefined && info.subtle !== expectSubtle) throw new Error(`${label}: server has crypto.subtle ${info.subtle}, expected ${expectSubtle}`);
  const url = `http://127.0.0.1:${info.port}`;
  next = 0;
  const connections = bearer ? BEARER_CONNECTIONS : CONNECTIONS;
  const opts = bearer ? { url, connections, requests: [bearerRequest] } : { url, connections, requests: [{ setupRequest: () => signed() }] };
  await autocannon({ ...opts, duration: 1 }); // warm-up
  await ask(proc, { eventLoop: 'start' }, 'eventLoop');
  const r = rate === undefined ? await autocannon({ ...opts, duration: DURATION }) : await steadyLoad(url, bearerRequest, { rate, connections, durationSec: DURATION });
  const eventLoop = await ask(proc, { eventLoop: 'stop' }, 'eventLoop');
  if (next > POOL) console.log(`  (ran past the ${POOL}-request pool: replays follow)`);
  proc.kill('SIGTERM');
  const non2xx = r.non2xx + r.errors + r.timeouts;
  const row = { label, mode, requests: bearer ? 'hostbill-bearer' : 'hostdime', connections, offeredRate: rate ?? null, reqPerSec: Math.round(r.requests.average), p50ms: r.latency.p50, p99ms: r.latency.p99, total: r.requests.total, non2xx, eventLoop };
  console.log(
    `${label.padEnd(52)} ${String(row.reqPerSec).padStart(7)} req/s   p50 ${row.p50ms} ms   p99 ${row.p99ms} ms   non-2xx ${non2xx}   event loop p50 ${eventLoop.p50} p99 ${eventLoop.p99} max ${eventLoop.max} ms`,
  );
  return row;
}

console.log(`hostsig server bench: node:http, ${CONNECTIONS} connections (HostDime) and ${BEARER_CONNECTIONS} (HostBill Bearer), ${ROUNDS} rounds of ${DURATION} s per row, Node ${process.version}\n`);
// Rows are interleaved (off, memory, redis, off, ...) so that load from anything else on the
// machine falls on every row alike; ratios are taken within a round, then their median.
const redis = runHostDime ? await startRedis() : null;
if (runHostDime && !redis) console.log('Redis rows skipped: redis-server not found');
const rows = [];
const rounds = [];
for (let round = 1; round <= ROUNDS; round++) {
  const ratiosOfRound = {};
  if (runHostDime) {
    const off = await measure(`[${round}] verification off (raw body only)`, 'off');
    const mem = await measure(`[${round}] HostDime verified, memory nonces`, 'memory');
    const red = redis ? await measure(`[${round}] HostDime verified, Redis nonces`, 'redis', { env: { REDIS_URL: redis.url } }) : null;
    rows.push(off, mem, ...(red ? [red] : []));
    Object.assign(ratiosOfRound, { memOverOff: mem.reqPerSec / off.reqPerSec }, red ? { redisOverMem: red.reqPerSec / mem.reqPerSec, redisOverOff: red.reqPerSec / off.reqPerSec } : {});
  }
  if (runBearer) {
    const bOff = await measure(`[${round}] verification off, Bearer requests`, 'off', { bearer: true });
    const bAsync = await measure(`[${round}] HostBill Bearer ${BITS}, Web Crypto`, 'bearer', { bearer: true, expectSubtle: true });
    const bPure = await measure(`[${round}] HostBill Bearer ${BITS}, pure (no subtle)`, 'bearer-pure', { bearer: true, expectSubtle: false });
    const elOff = await measure(`[${round}] verification off, Bearer, ${EL_RATE} req/s`, 'off', { bearer: true, rate: EL_RATE });
    const elAsync = await measure(`[${round}] HostBill Bearer ${BITS}, Web Crypto, ${EL_RATE} req/s`, 'bearer', { bearer: true, expectSubtle: true, rate: EL_RATE });
    const elPure = await measure(`[${round}] HostBill Bearer ${BITS}, pure, ${EL_RATE} req/s`, 'bearer-pure', { bearer: true, expectSubtle: false, rate: EL_RATE });
    rows.push(bOff, bAsync, bPure, elOff, elAsync, elPure);
    Object.assign(ratiosOfRound, { bearerAsyncOverOff: bAsync.reqPerSec / bOff.reqPerSec, bearerPureOverOff: bPure.reqPerSec / bOff.reqPerSec });
  }
  rounds.push(ratiosOfRound);
}
redis?.proc.kill('SIGKILL');

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const r3 = (x) => +x.toFixed(3);
const ratioOf = (key) => r3(median(rounds.map((r) => r[key])));
const listOf = (key) => rounds.map((r) => r3(r[key])).join(', ');
const ratios = {
  ...(runHostDime ? { verifiedMemoryOverOff: ratioOf('memOverOff') } : {}),
  ...(runHostDime && redis ? { verifiedRedisOverMemory: ratioOf('redisOverMem'), verifiedRedisOverOff: ratioOf('redisOverOff') } : {}),
  ...(runBearer ? { bearerAsyncOverOff: ratioOf('bearerAsyncOverOff'), bearerPureOverOff: ratioOf('bearerPureOverOff') } : {}),
  perRound: rounds.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, r3(v)]))),
};
console.log('');
if (runHostDime) console.log(`ratio verified (memory) / off, median of ${ROUNDS} rounds: ${ratios.verifiedMemoryOverOff}   (rounds: ${listOf('memOverOff')})`);
if (runHostDime && redis) console.log(`ratio Redis / memory nonce store, median: ${ratios.verifiedRedisOverMemory}   (rounds: ${listOf('redisOverMem')})`);
if (runBearer) {
  console.log(`ratio HostBill Bearer ${BITS} (Web Crypto) / off, median: ${ratios.bearerAsyncOverOff}   (rounds: ${listOf('bearerAsyncOverOff')})`);
  console.log(`ratio HostBill Bearer ${BITS} (pure) / off, median: ${ratios.bearerPureOverOff}   (rounds: ${listOf('bearerPureOverOff')})`);
}

// Event-loop delay of each server under load: the median over rounds of each round's p50 and
// p99, and the largest max. monitorEventLoopDelay's figures include its 1 ms timer interval
// (an idle loop reads about 1.0-1.1 ms), and a server starved of CPU by other processes shows
// delay too: the "off" server's figures under the same load are the floor to read them against.
const eventLoopOf = (pick) => {
  const els = rows.filter(pick).map((r) => r.eventLoop);
  if (els.length === 0) return undefined;
  return { p50: median(els.map((e) => e.p50)), p99: median(els.map((e) => e.p99)), max: Math.max(...els.map((e) => e.max)), perRound: els.map(({ p50, p99, max }) => ({ p50, p99, max })) };
};
const eventLoop = {
  resolutionMs: 1,
  bearerConnections: BEARER_CONNECTIONS,
  bearerBits: BITS,
  fixedRate: EL_RATE,
  bearerAsyncAtRate: eventLoopOf((r) => r.mode === 'bearer' && r.offeredRate !== null),
  bearerPureAtRate: eventLoopOf((r) => r.mode === 'bearer-pure' && r.offeredRate !== null),
  bearerAsync: eventLoopOf((r) => r.mode === 'bearer' && r.offeredRate === null),
  bearerPure: eventLoopOf((r) => r.mode === 'bearer-pure' && r.offeredRate === null),
  bearerOffAtRate: eventLoopOf((r) => r.mode === 'off' && r.requests === 'hostbill-bearer' && r.offeredRate !== null),
  bearerOff: eventLoopOf((r) => r.mode === 'off' && r.requests === 'hostbill-bearer' && r.offeredRate === null),
  hostdimeOff: eventLoopOf((r) => r.mode === 'off' && r.requests === 'hostdime'),
  hostdimeMemory: eventLoopOf((r) => r.mode === 'memory'),
};
const elNames = {
  bearerAsyncAtRate: `HostBill Bearer ${BITS}, Web Crypto, ${EL_RATE} req/s (${BEARER_CONNECTIONS} conns)`,
  bearerPureAtRate: `HostBill Bearer ${BITS}, pure, ${EL_RATE} req/s (${BEARER_CONNECTIONS} conns)`,
  bearerOffAtRate: `off, Bearer requests, ${EL_RATE} req/s (${BEARER_CONNECTIONS} conns)`,
  bearerAsync: `HostBill Bearer ${BITS}, Web Crypto, saturated (${BEARER_CONNECTIONS} conns)`,
  bearerPure: `HostBill Bearer ${BITS}, pure, saturated (${BEARER_CONNECTIONS} conns)`,
  bearerOff: `off, Bearer requests, saturated (${BEARER_CONNECTIONS} conns)`,
  hostdimeOff: `off, HostDime requests (${CONNECTIONS} conns)`,
  hostdimeMemory: `HostDime, memory nonces (${CONNECTIONS} conns)`,
};
console.log('\nserver event-loop delay, ms (monitorEventLoopDelay, resolution 1 ms; median over rounds, max of max):');
for (const [k, name] of Object.entries(elNames)) {
  const e = eventLoop[k];
  if (e) console.log(`  ${name.padEnd(62)} p50 ${String(e.p50).padStart(7)}   p99 ${String(e.p99).padStart(7)}   max ${String(e.max).padStart(8)}`);
}

const targets = runBearer
  ? [
      { target: `HostBill Bearer ${BITS} verified (Web Crypto) / off, req/s`, value: ratios.bearerAsyncOverOff, goal: 0.8, better: 'higher' },
      { target: `HostBill Bearer ${BITS} verified (pure) / off, req/s`, value: ratios.bearerPureOverOff, goal: 0.8, better: 'higher' },
      { target: `HostBill Bearer ${BITS} (Web Crypto), event-loop delay p99 at ${EL_RATE} req/s, ms`, value: eventLoop.bearerAsyncAtRate.p99, goal: 2, better: 'lower' },
      { target: `HostBill Bearer ${BITS} (Web Crypto), event-loop delay p99 saturated, ms`, value: eventLoop.bearerAsync.p99, goal: 2, better: 'lower' },
    ].map((t) => ({ ...t, met: t.better === 'higher' ? t.value >= t.goal : t.value <= t.goal }))
  : [];
if (targets.length > 0) {
  console.log('\nTargets');
  for (const t of targets) console.log(`  ${t.target.padEnd(60)} ${String(t.value).padStart(7)}  goal ${t.better === 'higher' ? '>=' : '<='} ${t.goal}  ${t.met ? 'met' : 'NOT MET'}`);
}

if (rows.some((r) => r.non2xx > 0)) {
  console.error('some responses were not 2xx: the numbers above are not valid');
  process.exitCode = 1;
}
if (only === undefined) {
  const out = { date: new Date().toISOString(), node: process.version, quick, connections: CONNECTIONS, bearerConnections: BEARER_CONNECTIONS, bearerBits: BITS, eventLoopRate: EL_RATE, durationSec: DURATION, rounds: ROUNDS, rows, ratios, eventLoop, targets };
  writeFileSync(`${here}results.json`, `${JSON.stringify(out, null, 2)}\n`);
  console.log('\nwrote bench/server/results.json');
}
