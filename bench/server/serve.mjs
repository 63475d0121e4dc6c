// One benchmark server (a child of run.mjs): node:http on a free loopback port.
// MODE: "off" reads the raw body and answers, no verification; "memory" and "redis" verify
// HostDime with createVerifier and the in-memory or Redis nonce store (REDIS_URL);
// "bearer" verifies HostBill `Authorization: Bearer` RS256 JWTs (BEARER_SPKI, a PEM file)
// through verifyJwtAsync and Web Crypto; "bearer-pure" is the same with `crypto.subtle`
// removed before hostsig loads, so verifyJwtAsync falls back to the pure bigint path.
// run.mjs talks to it over IPC: { eventLoop: 'start' } resets and enables a
// monitorEventLoopDelay histogram (1 ms resolution), { eventLoop: 'stop' } disables it and
// answers with its figures in ms.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const mode = process.argv[2] ?? 'memory';
if (mode === 'bearer-pure') {
  // Before any hostsig module loads: keep getRandomValues (nonces, blinding), drop subtle.
  const c = globalThis.crypto;
  Object.defineProperty(globalThis, 'crypto', { value: { getRandomValues: c.getRandomValues.bind(c) }, configurable: true, writable: true });
}
const { createVerifier, MemoryNonceStore, RedisNonceStore } = await import('../../dist/server/index.js');
const { readRawBody, withVerification } = await import('../../dist/server/node.js');

const reply = (res, body) => {
  res.setHeader('content-type', 'application/json');
  res.end(body);
};

let handler;
if (mode === 'off') {
  handler = (req, res) => readRawBody(req, { maxBytes: 1 << 20 }).then(() => reply(res, '{"error":null,"response":"ok"}'), () => res.end());
} else if (mode === 'bearer' || mode === 'bearer-pure') {
  const { importPublicKey } = await import('../../dist/rsa/index.js');
  const key = importPublicKey(readFileSync(process.env.BEARER_SPKI, 'utf8'));
  const verifier = createVerifier({ schemes: { hostbill: { bearer: { key } } } });
  handler = withVerification(verifier, (_req, res) => reply(res, '{"success":true}'));
} else {
  let nonces = new MemoryNonceStore({ maxEntries: 2_000_000 });
  if (mode === 'redis') {
    const { createClient } = await import('redis');
    const client = createClient({ url: process.env.REDIS_URL });
    client.on('error', () => {});
    await client.connect();
    nonces = new RedisNonceStore({ client, prefix: `bench:${Date.now()}:` });
  }
  const verifier = createVerifier({ nonces, schemes: { hostdime: { lookup: (k) => (k === 'bench-pub' ? 'bench-priv' : null) } } });
  handler = withVerification(verifier, (_req, res) => reply(res, '{"error":null,"response":"ok"}'));
}

const delay = monitorEventLoopDelay({ resolution: 1 });
const ms = (ns) => +(ns / 1e6).toFixed(3);
process.on('message', (m) => {
  if (m?.eventLoop === 'start') {
    delay.reset();
    delay.enable();
    process.send({ eventLoop: 'started' });
  } else if (m?.eventLoop === 'stop') {
    delay.disable();
    process.send({ eventLoop: { p50: ms(delay.percentile(50)), p99: ms(delay.percentile(99)), max: ms(delay.max), mean: ms(delay.mean), samples: delay.count } });
  }
});

const server = createServer(handler);
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`${JSON.stringify({ port: server.address().port, mode, subtle: typeof globalThis.crypto?.subtle?.verify === 'function' })}\n`));
process.on('SIGTERM', () => process.exit(0));
