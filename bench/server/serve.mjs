// One benchmark server (a child of run.mjs): node:http on a free loopback port.
// MODE: "off" reads the raw body and answers, no verification; "memory" and "redis" verify
// HostDime with createVerifier and the in-memory or Redis nonce store (REDIS_URL).
import { createServer } from 'node:http';
import { createVerifier, MemoryNonceStore, RedisNonceStore } from '../../dist/server/index.js';
import { readRawBody, withVerification } from '../../dist/server/node.js';

const mode = process.argv[2] ?? 'memory';
const reply = (res, body) => {
  res.setHeader('content-type', 'application/json');
  res.end(body);
};

let handler;
if (mode === 'off') {
  handler = (req, res) => readRawBody(req, { maxBytes: 1 << 20 }).then(() => reply(res, '{"error":null,"response":"ok"}'), () => res.end());
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

const server = createServer(handler);
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`));
process.on('SIGTERM', () => process.exit(0));
