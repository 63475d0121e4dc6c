// hostsig example: one Hono app on node:http that verifies all five schemes with
// `createVerifier`, plus the two login endpoints a gateway serves itself (HostKey auth.php,
// HostBill /api/login). Run: `npm run build && node examples/server/server.mjs` (PORT=0 picks
// a free port; the first stdout line is `{"listening":"http://127.0.0.1:PORT"}`).
//
// Demo credentials (never use them for anything real):
//   HostDime    api_key demo-pub / private key demo-priv
//   6connect    apiKey 32-5DAYTJQY2TZHOFOB / secret 48b278ec873bda4738923dbc467f8669 (SCHEMES.md)
//   WHM         root:U7HMR63FGY292DQZ4H5BFH16JLYMO01M (SCHEMES.md), token name "demo"
//   cPanel      bob:BOB0CPANEL0TOKEN0000000000000000, token name "mail" (UAPI paths only)
//   HostKey     API key demo-hostkey-key -> auth.php action=login issues a session token
//   HostBill    Basic ann@example.com:secret -> POST /api/login issues an RS256 JWT; needs
//               HOSTBILL_PRIVATE_KEY_PEM (PKCS#1 or PKCS#8); without it HostBill is Basic only
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { parseStr } from 'hostsig/core';
import { HostBillTokenIssuer, MemoryRefreshTokenStore } from 'hostsig/hostbill';
import { hostKeyErrorReplyBody, hostKeyLoginReplyBody, issueHostKeyToken, MemoryHostKeyTokenStore } from 'hostsig/hostkey';
import { importPrivateKey } from 'hostsig/rsa';
import { createVerifier, MemoryNonceStore, RedisNonceStore } from 'hostsig/server';
import { hostsigHono } from 'hostsig/server/hono';
import { digestWhmToken } from 'hostsig/whm';

const env = process.env;
const clientIp = (c) => c.env?.incoming?.socket?.remoteAddress;

// Replay store: Redis when REDIS_URL is set (every instance shares it), else this process's memory.
async function nonceStore() {
  if (!env.REDIS_URL) return new MemoryNonceStore();
  const { createClient } = await import('redis');
  const client = createClient({ url: env.REDIS_URL });
  client.on('error', () => {});
  await client.connect();
  return new RedisNonceStore({ client });
}

const hostDimeKeys = new Map([['demo-pub', 'demo-priv']]);
const sixConnectSecrets = new Map([['32-5DAYTJQY2TZHOFOB', '48b278ec873bda4738923dbc467f8669']]);
// Keyed by scheme and user: WHM tokens (root, resellers) and cPanel tokens (accounts) differ.
const whmTokens = new Map([
  ['whm:root', [{ name: 'demo', digest: digestWhmToken('U7HMR63FGY292DQZ4H5BFH16JLYMO01M'), acls: ['all'] }]],
  ['cpanel:bob', [{ name: 'mail', digest: digestWhmToken('BOB0CPANEL0TOKEN0000000000000000') }]],
]);
const hostKeyApiKeys = new Map([['demo-hostkey-key', 'client-1001']]);
const hostKeySessions = new MemoryHostKeyTokenStore();
const hostBillUsers = new Map([['ann@example.com', 'secret']]);
const signingKey = env.HOSTBILL_PRIVATE_KEY_PEM ? importPrivateKey(env.HOSTBILL_PRIVATE_KEY_PEM) : null;
const issuer = signingKey ? new HostBillTokenIssuer({ privateKey: signingKey, store: new MemoryRefreshTokenStore(), issuer: 'hostsig-example' }) : null;

export async function createApp() {
  const verifier = createVerifier({
    nonces: await nonceStore(),
    schemes: {
      hostdime: { lookup: (k) => hostDimeKeys.get(k) },
      sixconnect: { lookup: (k) => sixConnectSecrets.get(k) },
      whm: { lookup: (user, scheme) => whmTokens.get(`${scheme}:${user}`) ?? null },
      hostkey: { store: hostKeySessions },
      hostbill: {
        basic: { verify: (u, p) => hostBillUsers.get(u) === p },
        ...(signingKey ? { bearer: { key: signingKey.publicKey, issuer: 'hostsig-example' } } : {}),
      },
    },
  });

  const app = new Hono();

  // The login endpoints: not signed requests, so they come before the verifying middleware.
  app.post('/auth.php', async (c) => {
    const form = parseStr(await c.req.text());
    const subject = form.get('action') === 'login' ? hostKeyApiKeys.get(String(form.get('key'))) : undefined;
    if (!subject) return c.body(hostKeyErrorReplyBody('Invalid key', 'UNKNOWN_KEY'), 401, { 'content-type': 'application/json' });
    const { token, tokenExpire } = await issueHostKeyToken({ store: hostKeySessions, subject });
    return c.body(hostKeyLoginReplyBody({ token, tokenExpire }), 200, { 'content-type': 'application/json' });
  });

  app.use('*', hostsigHono(verifier, { clientIp }));

  app.post('/api/login', async (c) => {
    const v = c.var.hostsig;
    if (!issuer || v.scheme !== 'hostbill' || v.detail.method !== 'basic') return c.json({ success: false, error: ['log in with Basic credentials'] }, 400);
    return c.json({ success: true, ...(await issuer.issue(v.identity.user)) });
  });

  // Every other verified request: answer in the provider's success shape.
  app.all('*', (c) => {
    const v = c.var.hostsig;
    const who = v.identity;
    switch (v.scheme) {
      case 'hostdime':
        return c.json({ error: null, response: { method: v.detail.method, key: who.key, params: Object.fromEntries(v.detail.params) } });
      case 'sixconnect':
        return c.json({ success: 1, message: 'OK', data: { target: v.detail.target, action: v.detail.action, apiKey: who.key } });
      case 'whm':
        return c.json({ data: { user: who.user, token: who.tokenName }, metadata: { command: c.req.path.split('/').pop(), reason: 'OK', result: 1, version: 1 } });
      case 'hostkey':
        return c.json({ result: 'OK', subject: who.user });
      case 'hostbill':
        return c.json({ success: true, client: who.user, claims: who.claims ?? null });
    }
  });
  return app;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const app = await createApp();
  const server = serve({ fetch: app.fetch, port: Number(env.PORT ?? 8787), hostname: '127.0.0.1' }, (info) => {
    console.log(JSON.stringify({ listening: `http://127.0.0.1:${info.port}`, hostbillBearer: issuer !== null }));
  });
  const stop = () => server.close(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
