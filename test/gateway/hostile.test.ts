// Hostile requests against the running gateway (fast-check): random methods, scheme-shaped
// paths and queries, garbage credentials, spoofed X-Hostsig-* and X-Forwarded-For, random body
// bytes. None reaches the upstream, each gets a 4xx (never a 5xx, never a dropped connection),
// and the gateway keeps answering.
import { request } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ensureBuilt } from '../cli/run.js';
import { type Gateway, startGateway, startUpstream, type Upstream } from './spawn.js';

let up: Upstream;
let gw: Gateway;

beforeAll(async () => {
  ensureBuilt();
  up = await startUpstream();
  gw = await startGateway({
    listen: { port: 0 },
    upstream: { url: up.url },
    maxBodyBytes: 4096,
    trustedProxies: ['127.0.0.1'],
    schemes: {
      hostdime: { keys: { pub: 'hd-secret' } },
      sixconnect: { keys: { k1: 'sc-secret' } },
      hostbill: { basic: { 'u@example.com': 'pw' } },
      whm: { tokens: { root: [{ name: 'ci', token: 'U7HMR63FGY292DQZ4H5BFH16JLYMO01M', whitelistIps: ['203.0.113.0/24'] }] } },
      hostkey: { apiKeys: { 'hk-key': 'user-1' } },
    },
  });
}, 40_000);

afterAll(async () => {
  await gw?.stop();
  await up?.close();
});

function send(method: string, target: string, headers: string[], body: Uint8Array): Promise<number> {
  const u = new URL(gw.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, method, path: target, headers: ['Host', u.host, ...headers, 'Content-Length', String(body.length)], agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode!));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const text = fc.string({ unit: fc.constantFrom(...'aZ09:=&%+ /.,;-_~!*\'()[]{}"\\@é\u2028'.split('')), maxLength: 40 });
const headerValue = fc.string({ unit: fc.constantFrom(...'aZ09:= ,./+-_@\t'.split('')), maxLength: 60 });
const path = fc.oneof(
  fc.constantFrom('/v1/domain/list.json', '/api/v1/api.php', '/eq.php', '/auth.php', '/json-api/listaccts', '/execute/Email/list', '/', '/healthz/x', '/__proto__', '/constructor.php'),
  text.map((s) => `/${encodeURIComponent(s)}`),
);
const query = fc.oneof(fc.constant(''), text.map((s) => `?${s.replace(/[#\s\u2028é"\\{}[\]]/g, '')}`), fc.constantFrom('?apiKey=k1&hash=AAAA', '?target=ipam&apiKey=k1&hash=x&apiKey=k1', '?hash=', '?action=login&key=nope'));
const header = fc.oneof(
  fc.tuple(fc.constantFrom('Authorization', 'authorization', 'AUTHORIZATION'), fc.oneof(headerValue, headerValue.map((v) => `whm root:${v}`), headerValue.map((v) => `Basic ${Buffer.from(v).toString('base64')}`), headerValue.map((v) => `Bearer ${v}`), headerValue.map((v) => `cpanel ${v}`))),
  fc.tuple(fc.constantFrom('X-Hostsig-Subject', 'x-hostsig-scheme', 'X-HOSTSIG-KEY', 'X-Forwarded-For', 'Content-Type', 'Expect-Nothing', '__proto__', 'constructor'), headerValue),
);
const body = fc.oneof(
  fc.uint8Array({ maxLength: 600 }),
  text.map((s) => new TextEncoder().encode(s)),
  fc.constantFrom('api_key=pub&api_timestamp=1&api_unique=x&api_hash=00', 'action=info&token=0123456789abcdef0123456789abcdef', 'action=login&key=hk-key&action=login', 'token=zz', 'api_id=1&api_key=2').map((s) => new TextEncoder().encode(s)),
  fc.constant(new Uint8Array(5000)),
);

it('random hostile requests: 4xx only, never forwarded, the gateway keeps answering', async () => {
  const n = up.received.length;
  const statuses = new Set<number>();
  await fc.assert(
    fc.asyncProperty(fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'), path, query, fc.array(header, { maxLength: 4 }), body, async (method, p, q, hs, b) => {
      const status = await send(method, p + q, hs.flat(), b);
      statuses.add(status);
      expect(status >= 400 && status < 500, `${method} ${p}${q} -> ${status}`).toBe(true);
    }),
    { numRuns: 250 },
  );
  expect(up.received.length).toBe(n);
  expect([...statuses].every((s) => [400, 401, 403, 413].includes(s))).toBe(true);
  expect((await fetch(`${gw.url}/healthz`)).status).toBe(200);
  expect(gw.err.filter((l) => l.includes('internal-error'))).toEqual([]);
  for (const l of gw.out) expect(() => JSON.parse(l)).not.toThrow();
}, 60_000);
