// hostsig benchmarks: every row is measured beside its anchors in this one process and reported
// as a ratio to the row's baseline (this 2-core machine is noisy; absolute ops/s are printed,
// not judged). `npm run bench` builds dist/ first; `-- --quick` for a short run.
import { createHash, createHmac } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { Bench } from 'tinybench';
import { MemoryNonceStore } from '../dist/core/index.js';
import { canonicalHostDime, signHostDime, verifyHostDimeSync } from '../dist/schemes/hostdime/index.js';
import { signSixConnect, verifySixConnectSync } from '../dist/schemes/sixconnect/index.js';

const quick = process.argv.includes('--quick');
const time = quick ? 150 : 1000;
const enc = new TextEncoder();
const NOW = 1_700_000_000;

/** Runs one comparison group; the first task is the baseline the others are divided by. */
async function group(name, tasks) {
  const bench = new Bench({ time, warmupTime: quick ? 50 : 300 });
  for (const [label, fn] of tasks) bench.add(label, fn);
  await bench.run();
  const rows = bench.tasks.map((t) => {
    if (t.result.state !== 'completed') throw new Error(`${name} / ${t.name}: ${t.result.state} ${t.result.error ?? ''}`);
    // The median of per-iteration throughput resists the outliers a noisy machine produces.
    return { group: name, task: t.name, opsPerSec: t.result.throughput.p50 ?? t.result.throughput.mean };
  });
  const base = rows[0].opsPerSec;
  for (const r of rows) r.ratio = r.opsPerSec / base;
  return rows;
}

function hostdimeRows(n) {
  const params = Array.from({ length: n }, (_, i) => [`field${i}`, i % 2 ? `valeur é ${i} / 😀` : String(i * 7)]);
  const s = signHostDime({ publicKey: 'pub', privateKey: 'priv', method: 'domain.list', params, timestamp: NOW, unique: 'u-1' });
  const canonical = canonicalHostDime({ timestamp: NOW, unique: 'u-1', privateKey: 'priv', method: 'domain.list', params });
  const canonicalBytes = enc.encode(canonical);
  const obj = Object.fromEntries(params);
  const req = { path: s.path, body: s.body };
  return group(`HostDime verify, ${n} params`, [
    ['noble sha256 over the canonical string (baseline)', () => sha256(canonicalBytes)],
    ['hostsig verifyHostDimeSync (raw body)', () => {
      if (!verifyHostDimeSync(req, { privateKey: 'priv', now: NOW }).ok) throw new Error('bench: verify failed');
    }],
    ['node:crypto + JSON.stringify twice (official Node client)', () => createHash('sha256').update(`${NOW}:u-1:priv:domain.list:${JSON.stringify(JSON.stringify(obj))}`).digest('hex')],
    ['hostsig signHostDime', () => signHostDime({ publicKey: 'pub', privateKey: 'priv', method: 'domain.list', params, timestamp: NOW, unique: 'u-1' })],
  ]);
}

function sixconnectRows(label, params) {
  const s = signSixConnect({ baseUrl: 'https://x/api/v1/api.php', target: 'ipam', action: 'get', params, apiKey: '32-5DAYTJQY2TZHOFOB', secretKey: 'secret' });
  const key = enc.encode('secret');
  const msg = enc.encode(s.signedQuery);
  const req = { query: s.query };
  return group(`6connect verify, ${label} (${s.signedQuery.length} B)`, [
    ['noble hmac-sha256 (baseline)', () => hmac(sha256, key, msg)],
    ['hostsig verifySixConnectSync (raw query)', () => {
      if (!verifySixConnectSync(req, { secretKey: 'secret' }).ok) throw new Error('bench: verify failed');
    }],
    ['node:crypto createHmac', () => createHmac('sha256', 'secret').update(s.signedQuery).digest('base64')],
  ]);
}

async function nonceRows() {
  let now = 0;
  const store = new MemoryNonceStore({ maxEntries: 100_000, clock: () => now });
  let i = 0;
  // 1000 requests per second with a 99.9 s window: about 100k keys stay live.
  for (; i < 100_000; i++) {
    now = i / 1000;
    store.checkAndStoreSync(`warm${i}`, 99.9);
  }
  const map = new Map();
  return group('nonce store at 100k live entries', [
    ['Map.set (baseline)', () => { map.set(`k${i++ % 200_000}`, 1); }],
    ['MemoryNonceStore.checkAndStoreSync', () => { now += 0.001; store.checkAndStoreSync(`k${i++}`, 99.9); }],
  ]);
}

const rows = [
  ...(await hostdimeRows(2)),
  ...(await hostdimeRows(20)),
  ...(await sixconnectRows('70-byte query', { type: 'IP' })),
  ...(await sixconnectRows('1 KB query', Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`p${i}`, `value-${i}-xxxx`])))),
  ...(await nonceRows()),
];

let last = '';
for (const r of rows) {
  if (r.group !== last) console.log(`\n${(last = r.group)}`);
  console.log(`  ${r.task.padEnd(58)} ${Math.round(r.opsPerSec).toString().padStart(10)} ops/s  ${r.ratio.toFixed(2)}x`);
}
writeFileSync(new URL('./results.json', import.meta.url), `${JSON.stringify({ date: new Date().toISOString(), node: process.version, quick, rows }, null, 2)}\n`);
console.log('\nwrote bench/results.json');
