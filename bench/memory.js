// Heap check: the heap must stay flat over many verifications on every verify path a server
// runs. `npm run build && node --expose-gc bench/memory.js [count] [path ...]`; count defaults
// to 100k per path (a quick run; the issue's figure is `1000000`), paths to all of them:
//   hostdime        verifyHostDime, a fresh api_unique per request, MemoryNonceStore capped at 100k
//   verifyJwtAsync  RS256 JWT (2048-bit key) through Web Crypto, 64 in flight
//   verifyJwtNode   verifyJwt with useNodeCrypto() registered (hostsig/node)
//   rsaVerifyAsync  the bare signature check through Web Crypto, 64 in flight
// Each path first runs a warm-up (HostDime: 100k requests, which fill the nonce store to its
// steady state of about 91k live nonces; the others: 10k), then `count` verifications with the
// heap (after a double GC) sampled at 10 even points. Printed per path: the heap before, at the
// steady state, after, the growth since the steady state and the least-squares slope of the
// samples (KiB per 100k verifications). Exits 1 if a path grew by more than 16 MiB. With every
// path run, writes bench/memory.json (`node bench/chart.js` puts it in docs/BENCHMARKS.md).
import { readFileSync, writeFileSync } from 'node:fs';
import { hashBackend, MemoryNonceStore } from '../dist/core/index.js';
import { signJwtAsync, verifyJwt, verifyJwtAsync } from '../dist/jwt/index.js';
import { useNodeCrypto, usePureCrypto } from '../dist/node/index.js';
import { importPrivateKey, rsaBackend, rsaVerifyAsync } from '../dist/rsa/index.js';
import { signHostDime, verifyHostDime } from '../dist/schemes/hostdime/index.js';

if (typeof globalThis.gc !== 'function') {
  console.error('run with node --expose-gc bench/memory.js');
  process.exit(2);
}
const args = process.argv.slice(2);
const total = Number(args.find((a) => /^\d+$/.test(a)) ?? 100_000);
const ALL = ['hostdime', 'verifyJwtAsync', 'verifyJwtNode', 'rsaVerifyAsync'];
const picked = args.filter((a) => !/^\d+$/.test(a));
for (const p of picked) if (!ALL.includes(p)) throw new Error(`unknown path ${p}; one of ${ALL.join(', ')}`);
const paths = picked.length > 0 ? picked : ALL;
const SAMPLES = 10;
const IN_FLIGHT = 64;
const LIMIT = 16 * 2 ** 20;

const mib = (n) => `${(n / 2 ** 20).toFixed(1)} MiB`;
const heap = () => {
  globalThis.gc();
  globalThis.gc();
  return process.memoryUsage().heapUsed;
};
const ok = (v, what) => {
  if (!v) throw new Error(`memory: ${what} failed`);
};

/** Least-squares slope of heap (bytes) over verifications done. */
function slope(samples) {
  const n = samples.length;
  const mx = samples.reduce((s, p) => s + p.done, 0) / n;
  const my = samples.reduce((s, p) => s + p.heap, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of samples) {
    num += (p.done - mx) * (p.heap - my);
    den += (p.done - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

/**
 * Runs `step(i)` (one verification, or IN_FLIGHT for a batch step: `batch`) `warmup` then
 * `total` times, sampling the heap, and reports.
 */
async function measurePath(name, { warmup, step, batch = 1, after }) {
  const before = heap();
  console.log(`\n${name}: heap before ${mib(before)}`);
  let i = 0;
  for (; i < warmup; i += batch) await step(i);
  const steady = heap();
  console.log(`  after ${warmup / 1000}k warm-up verifications (steady state${after ? `, ${after()}` : ''}): ${mib(steady)}`);
  const samples = [{ done: 0, heap: steady }];
  const every = Math.max(batch, Math.floor(total / SAMPLES / batch) * batch);
  const t0 = performance.now();
  let done = 0;
  while (done < total) {
    await step(i);
    i += batch;
    done += batch;
    if (done % every === 0 || done >= total) {
      const h = heap();
      samples.push({ done, heap: h });
      if (done % (every * 2) === 0 && done < total) console.log(`  after ${done / 1000}k: ${mib(h)}`);
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  // (A batch path runs whole batches: `done` may pass `total` by less than one batch.)
  const end = samples.at(-1).heap;
  const growth = end - steady;
  const kibPer100k = (slope(samples) * 100_000) / 1024;
  console.log(`  after ${done / 1000}k verifications: ${mib(end)}${after ? ` (${after()})` : ''}, ${seconds.toFixed(1)} s (${Math.round(done / seconds)}/s)`);
  console.log(`  growth since the steady state: ${mib(growth)}; slope ${kibPer100k.toFixed(1)} KiB per 100k verifications${growth > LIMIT ? '  OVER 16 MiB' : ''}`);
  const r = (n) => +(n / 2 ** 20).toFixed(2);
  return {
    path: name,
    count: done,
    warmup,
    heapBeforeMiB: r(before),
    heapSteadyMiB: r(steady),
    heapAfterMiB: r(end),
    growthMiB: r(growth),
    slopeKiBPer100k: +kibPer100k.toFixed(1),
    seconds: +seconds.toFixed(1),
    perSec: Math.round(done / seconds),
    samples: samples.map((s) => ({ done: s.done, heapMiB: r(s.heap) })),
    over: growth > LIMIT,
  };
}

// ---- HostDime through the in-memory nonce store ----

function hostdime() {
  // Simulated time: 1000 requests per simulated second and toleranceSec 90 (a nonce is kept
  // about 91 s), so about 91k nonces are live, near the 100k cap, and older ones expire and go.
  let now = 1_700_000_000;
  // One API key here, so its quota is the whole store (the default quota is a quarter of it).
  const nonces = new MemoryNonceStore({ maxEntries: 100_000, maxPerTenant: 100_000, clock: () => now });
  const params = [['domain', 'example.com'], ['note', 'valeur é / 😀'], ['n', '42']];
  const base = signHostDime({ publicKey: 'pub', privateKey: 'priv', method: 'domain.list', params, timestamp: now, unique: 'x' });
  const options = { privateKey: 'priv', toleranceSec: 90, nonces, now: () => now };
  return measurePath('hostdime', {
    warmup: 100_000,
    after: () => `${nonces.size} live nonces`,
    step: async (i) => {
      if (i % 1000 === 0) now += 1;
      // A fresh api_unique (and hash) per request, as real clients send.
      const s = signHostDime({ publicKey: 'pub', privateKey: 'priv', method: 'domain.list', params, timestamp: now, unique: `u${i}` });
      const r = await verifyHostDime({ path: base.path, body: s.body }, options);
      if (!r.ok) throw new Error(`verification ${i} failed: ${r.code}`);
    },
  });
}

// ---- RS256: 256 distinct tokens from the 2048-bit test key, signed up front ----

const NOW = 1_700_000_000;
const key = importPrivateKey(readFileSync(new URL('../vectors/keys/rsa2048.pkcs1.pem', import.meta.url), 'utf8'));
const pub = key.publicKey;
const enc = new TextEncoder();
const tokens = await Promise.all(Array.from({ length: 256 }, (_, i) => signJwtAsync({ sub: `client-${i}`, scope: 'api' }, key, { now: NOW, expiresIn: '1h', kid: 'k1' })));
const signed = tokens.map((t) => {
  const [h, p, s] = t.split('.');
  return { input: enc.encode(`${h}.${p}`), signature: new Uint8Array(Buffer.from(s, 'base64url')) };
});
const jwtOptions = { currentDate: new Date((NOW + 60) * 1000) };

async function inFlight(i, start) {
  const ps = new Array(IN_FLIGHT);
  for (let j = 0; j < IN_FLIGHT; j++) ps[j] = start((i + j) & 255);
  return Promise.all(ps);
}

function jwtAsync() {
  return measurePath('verifyJwtAsync', {
    warmup: 10_240,
    batch: IN_FLIGHT,
    step: async (i) => {
      const rs = await inFlight(i, (t) => verifyJwtAsync(tokens[t], pub, jwtOptions));
      ok(rs[0].payload.sub === `client-${i & 255}`, 'verifyJwtAsync');
    },
  });
}

function rsaAsync() {
  return measurePath('rsaVerifyAsync', {
    warmup: 10_240,
    batch: IN_FLIGHT,
    step: async (i) => {
      for (const v of await inFlight(i, (t) => rsaVerifyAsync(pub, signed[t].input, signed[t].signature))) ok(v, 'rsaVerifyAsync');
    },
  });
}

async function jwtNode() {
  const on = useNodeCrypto();
  if (on.hash !== 'node:crypto' || on.rsa !== 'node:crypto') throw new Error(`useNodeCrypto gave ${JSON.stringify(on)}`);
  try {
    return await measurePath('verifyJwtNode', {
      warmup: 10_000,
      step: (i) => ok(verifyJwt(tokens[i & 255], pub, jwtOptions).payload.sub === `client-${i & 255}`, 'verifyJwt'),
    });
  } finally {
    usePureCrypto();
    if (hashBackend() !== 'noble' || rsaBackend() !== 'pure') throw new Error('usePureCrypto did not restore the pure backends');
  }
}

const run = { hostdime, verifyJwtAsync: jwtAsync, verifyJwtNode: jwtNode, rsaVerifyAsync: rsaAsync };
const results = [];
for (const p of paths) results.push(await run[p]());

console.log('\npath              count   before   steady    after   growth   slope (KiB/100k)');
for (const r of results) {
  const f = (n) => `${n.toFixed(1)} MiB`.padStart(9);
  console.log(`${r.path.padEnd(16)} ${String(r.count).padStart(7)} ${f(r.heapBeforeMiB)}${f(r.heapSteadyMiB)}${f(r.heapAfterMiB)}${f(r.growthMiB)}   ${r.slopeKiBPer100k.toFixed(1).padStart(8)}`);
}
if (picked.length === 0) {
  writeFileSync(new URL('./memory.json', import.meta.url), `${JSON.stringify({ date: new Date().toISOString(), node: process.version, count: total, results }, null, 2)}\n`);
  console.log('\nwrote bench/memory.json');
}
process.exit(results.some((r) => r.over) ? 1 : 0);
