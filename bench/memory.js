// Heap check: 1M HostDime verifications through the in-memory nonce store capped at 100k
// entries must keep the heap flat. Run with `node --expose-gc bench/memory.js [count]` after
// `npm run build`. Prints the heap (after GC) before, at intervals, and after; exits 1 if the
// heap after is more than 16 MiB above the heap once the store is full.
import { MemoryNonceStore } from '../dist/core/index.js';
import { signHostDime, verifyHostDime } from '../dist/schemes/hostdime/index.js';

if (typeof globalThis.gc !== 'function') {
  console.error('run with node --expose-gc bench/memory.js');
  process.exit(2);
}
const total = Number(process.argv[2] ?? 1_000_000);
const mib = (n) => `${(n / 2 ** 20).toFixed(1)} MiB`;
const heap = () => {
  globalThis.gc();
  globalThis.gc();
  return process.memoryUsage().heapUsed;
};

// Simulated time: 1000 requests per simulated second and toleranceSec 90 (a nonce is kept about
// 91 s), so about 91k nonces are live, near the 100k cap, and older ones expire and go.
let now = 1_700_000_000;
// One API key here, so its quota is the whole store (the default quota is a quarter of it).
const nonces = new MemoryNonceStore({ maxEntries: 100_000, maxPerTenant: 100_000, clock: () => now });
const params = [['domain', 'example.com'], ['note', 'valeur é / 😀'], ['n', '42']];
const base = signHostDime({ publicKey: 'pub', privateKey: 'priv', method: 'domain.list', params, timestamp: now, unique: 'x' });
const options = { privateKey: 'priv', toleranceSec: 90, nonces, now: () => now };

const before = heap();
console.log(`heap before: ${mib(before)}`);
let full = 0;
const t0 = performance.now();
for (let i = 0; i < total; i++) {
  if (i % 1000 === 0) now += 1;
  // A fresh api_unique (and hash) per request, as real clients send.
  const s = signHostDime({ publicKey: 'pub', privateKey: 'priv', method: 'domain.list', params, timestamp: now, unique: `u${i}` });
  const r = await verifyHostDime({ path: base.path, body: s.body }, options);
  if (!r.ok) throw new Error(`verification ${i} failed: ${r.code}`);
  if (i === 200_000) {
    full = heap();
    console.log(`heap after 200k (store at steady state, ${nonces.size} live nonces): ${mib(full)}`);
  } else if (i > 0 && i % 250_000 === 0) {
    console.log(`heap after ${i / 1000}k: ${mib(heap())} (${nonces.size} live nonces)`);
  }
}
const after = heap();
console.log(`heap after ${total / 1000}k verifications: ${mib(after)} (${nonces.size} live nonces), ${((performance.now() - t0) / 1000).toFixed(1)} s`);
const growth = after - (full || before);
console.log(`growth since steady state: ${mib(growth)}`);
process.exit(growth > 16 * 2 ** 20 ? 1 : 0);
