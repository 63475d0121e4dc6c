// hostsig server benchmark: verified HostDime requests per second through node:http
// (createVerifier + the node adapter) against the same server with verification off, and the
// in-memory against the Redis nonce store. `npm run bench:server` (builds dist/ first).
// Each server runs in its own process; autocannon runs here. Every request is freshly signed
// (a new api_unique), so no row measures cheap replay rejections; the "off" server gets the
// same signed requests, so the client's signing cost is the same in every row.
import { execFileSync, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import { signHostDime } from '../../dist/schemes/hostdime/index.js';

const quick = process.argv.includes('--quick');
const DURATION = quick ? 2 : 4;
const ROUNDS = quick ? 1 : 3;
const CONNECTIONS = 16;
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
  const proc = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise((resolve, reject) => {
    createInterface({ input: proc.stdout }).once('line', resolve);
    proc.once('exit', (c) => reject(new Error(`${args.join(' ')} exited ${c}`)));
  });
  return { proc, info: JSON.parse(line) };
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
const pool = Array.from({ length: POOL }, () => {
  const s = signHostDime({ publicKey: 'bench-pub', privateKey: 'bench-priv', method: 'domain.list', params: [['status', 'registered'], ['order', 'desc'], ['page', '1']] });
  return { method: 'POST', path: s.path, headers: { 'content-type': s.headers['content-type'] }, body: s.body };
});
console.log(`signed ${POOL} requests in ${Date.now() - t0} ms`);
let next = 0;
function signed() {
  return pool[next++ % POOL];
}

async function measure(label, mode, env = {}) {
  const { proc, info } = await startChild(process.execPath, [`${here}serve.mjs`, mode], env);
  const url = `http://127.0.0.1:${info.port}`;
  next = 0;
  const opts = { url, connections: CONNECTIONS, requests: [{ setupRequest: () => signed() }] };
  await autocannon({ ...opts, duration: 1 }); // warm-up
  const r = await autocannon({ ...opts, duration: DURATION });
  if (next > POOL) console.log(`  (ran past the ${POOL}-request pool: replays follow)`);
  proc.kill('SIGTERM');
  const non2xx = r.non2xx + r.errors + r.timeouts;
  const row = { label, mode, reqPerSec: Math.round(r.requests.average), p50ms: r.latency.p50, p99ms: r.latency.p99, total: r.requests.total, non2xx };
  console.log(`${label.padEnd(40)} ${String(row.reqPerSec).padStart(7)} req/s   p50 ${row.p50ms} ms   p99 ${row.p99ms} ms   non-2xx ${non2xx}`);
  return row;
}

console.log(`hostsig server bench: node:http, ${CONNECTIONS} connections, ${ROUNDS} rounds of ${DURATION} s per row, Node ${process.version}\n`);
// Rows are interleaved (off, memory, redis, off, ...) so that load from anything else on the
// machine falls on every row alike; ratios are taken within a round, then their median.
const redis = await startRedis();
if (!redis) console.log('Redis rows skipped: redis-server not found');
const rows = [];
const rounds = [];
for (let round = 1; round <= ROUNDS; round++) {
  const off = await measure(`[${round}] verification off (raw body only)`, 'off');
  const mem = await measure(`[${round}] HostDime verified, memory nonces`, 'memory');
  const red = redis ? await measure(`[${round}] HostDime verified, Redis nonces`, 'redis', { REDIS_URL: redis.url }) : null;
  rows.push(off, mem, ...(red ? [red] : []));
  rounds.push({ memOverOff: mem.reqPerSec / off.reqPerSec, ...(red ? { redisOverMem: red.reqPerSec / mem.reqPerSec, redisOverOff: red.reqPerSec / off.reqPerSec } : {}) });
}
redis?.proc.kill('SIGKILL');

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const r3 = (x) => +x.toFixed(3);
const ratios = {
  verifiedMemoryOverOff: r3(median(rounds.map((r) => r.memOverOff))),
  ...(redis ? { verifiedRedisOverMemory: r3(median(rounds.map((r) => r.redisOverMem))), verifiedRedisOverOff: r3(median(rounds.map((r) => r.redisOverOff))) } : {}),
  perRound: rounds.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, r3(v)]))),
};
console.log(`\nratio verified (memory) / off, median of ${ROUNDS} rounds: ${ratios.verifiedMemoryOverOff}   (rounds: ${rounds.map((r) => r3(r.memOverOff)).join(', ')})`);
if (redis) console.log(`ratio Redis / memory nonce store, median: ${ratios.verifiedRedisOverMemory}   (rounds: ${rounds.map((r) => r3(r.redisOverMem)).join(', ')})`);
if (rows.some((r) => r.non2xx > 0)) {
  console.error('some responses were not 2xx: the numbers above are not valid');
  process.exitCode = 1;
}
writeFileSync(`${here}results.json`, `${JSON.stringify({ date: new Date().toISOString(), node: process.version, connections: CONNECTIONS, durationSec: DURATION, rounds: ROUNDS, rows, ratios }, null, 2)}\n`);
