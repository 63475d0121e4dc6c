// Attack class: whatever reaches `hostsig serve` on its socket. Every answer is a typed 4xx (or
// 503 when a store fails), never another 5xx; an error that is not a HostsigError is answered
// 400 without its text or stack; one request is at most one log line; serve keeps answering.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signHostDime } from '../../src/schemes/hostdime/index.js';
import { httpHead, rawRequest, type Serve, startServe } from './serve-helpers.js';

let serve: Serve;
beforeAll(async () => {
  serve = await startServe();
});
afterAll(() => serve.close());

const CAP = 1 << 20;
const WHM = 'U7HMR63FGY292DQZ4H5BFH16JLYMO01M';

const method = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('GET', 'POST', 'HEAD') },
  { weight: 2, arbitrary: fc.constantFrom('PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE') },
  { weight: 1, arbitrary: fc.stringMatching(/^[A-Z]{1,12}$/) },
);

const protoWord = fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf');

const anyPath = fc.oneof(
  fc.constantFrom('/', '/auth.php', '/api/auth.php', '/eq.php', '/v1/domain/list.json', '/v1/__proto__/constructor.json', '/json-api/listaccts', '/json-api/__proto__', '/execute/Email/list_pops', '/api/client/details', '/api/v1/api.php', '/favicon.ico', '/playground/', '/playground/constructor', '/playground/__proto__', '/%00', '/a%00b', '/%2e%2e/%2e%2e/etc/passwd', '//', '/..'),
  protoWord.map((w) => `/${w}`),
  protoWord.map((w) => `/playground/${w}`),
  fc.array(fc.string({ maxLength: 12 }).map(encodeURIComponent), { minLength: 1, maxLength: 5 }).map((a) => `/${a.join('/')}`),
  fc.integer({ min: 1000, max: 12000 }).map((n) => `/${'x'.repeat(n)}`),
);

/** Method and path: serve's own routes as a client would call them, or anything at all. */
const route = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom<[string, string]>(['POST', '/auth.php'], ['POST', '/api/auth.php'], ['POST', '/v1/domain/list.json'], ['POST', '/eq.php'], ['GET', '/json-api/listaccts'], ['GET', '/execute/Email/list_pops'], ['GET', '/api/client/details'], ['GET', '/api/v1/api.php'], ['GET', '/playground/constructor'], ['GET', '/']),
  },
  { weight: 3, arbitrary: fc.tuple(method, anyPath) },
);

const query = fc.oneof(
  fc.constant(''),
  fc.constantFrom('?apiKey=32-5DAYTJQY2TZHOFOB&hash=abc', '?target=ipam&action=get&apiKey=32-5DAYTJQY2TZHOFOB&hash=%2B%2F%3D', '?hash=&hash=', '?__proto__=1&constructor=2&apiKey=__proto__&hash=x', '?token=0123456789abcdef0123456789abcdef', '?apiKey=%00&hash=%ff'),
  fc.array(fc.tuple(fc.oneof(protoWord, fc.string({ maxLength: 8 })), fc.string({ maxLength: 8 })), { maxLength: 4 }).map((kv) => `?${kv.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')}`),
);

const authValue = fc.oneof(
  fc.constantFrom(`whm root:${WHM}`, `whm root ${WHM}`, `cpanel bob:${WHM}`, 'whm __proto__:x', 'cpanel constructor:' + 'A'.repeat(32), 'Bearer a.b.c', 'Bearer eyJhbGciOiJub25lIn0.e30.', 'Bearer ' + 'A'.repeat(4000), 'Basic Og==', 'Basic X19wcm90b19fOng=', 'Basic !!!', 'Digest x', '', 'whm', 'Bearer'),
  fc.string({ unit: 'grapheme-ascii', maxLength: 60 }).map((s) => s.replace(/[\r\n]/g, ' ')),
);

const headers = fc.record(
  {
    auth: fc.array(authValue, { minLength: 1, maxLength: 3 }), // 2+ is a duplicated Authorization
    type: fc.constantFrom('application/x-www-form-urlencoded', 'application/json', 'text/plain', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded; charset=latin1'),
    odd: fc.array(fc.tuple(fc.oneof(protoWord, fc.constantFrom('x-forwarded-for', 'x-real-ip', 'accept')), fc.string({ unit: 'grapheme-ascii', maxLength: 20 }).map((s) => s.replace(/[\r\n]/g, ' '))), { maxLength: 3 }),
  },
  { requiredKeys: ['type'] },
);

const formBody = fc.oneof(
  fc.constantFrom(
    'action=login&key=demo-hostkey-api-key',
    'action=login&key=__proto__',
    'action=login&key=constructor&ttl=1e400&fix_ip=1',
    'action=login&action=logout&key=demo-hostkey-api-key',
    'action=logout&token=__proto__',
    'action=logout&token=0123456789abcdef0123456789abcdef&token=x',
    '__proto__[admin]=1&constructor[prototype][x]=1&api_key=demo-public&api_timestamp=1&api_unique=u&api_hash=' + 'a'.repeat(64),
    'api_key=__proto__&api_timestamp=99999999999999999999&api_unique=&api_hash=' + 'A'.repeat(64),
    'api_key=demo-public&api_key=other&api_timestamp=1&api_unique=u&api_hash=' + 'b'.repeat(64),
    'token=' + '0'.repeat(32) + '&action=info',
    '{"__proto__":{"x":1},"token":1}',
    '%',
    '%ZZ&&&==',
  ),
  fc.array(fc.tuple(fc.oneof(protoWord, fc.string({ maxLength: 10 })), fc.string({ maxLength: 10 })), { maxLength: 6 }).map((kv) => kv.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')),
);

type Body = { kind: 'bytes'; bytes: Uint8Array } | { kind: 'declared-over' } | { kind: 'chunked'; bytes: Uint8Array } | { kind: 'none' };

/** A chunked upload just over the cap, in one chunk. */
const OVER = new Uint8Array(CAP + 1000).fill(0x41);

const body: fc.Arbitrary<Body> = fc.oneof(
  { weight: 3, arbitrary: fc.uint8Array({ maxLength: 2048 }).map((bytes) => ({ kind: 'bytes' as const, bytes })) },
  { weight: 4, arbitrary: formBody.map((s) => ({ kind: 'bytes' as const, bytes: new TextEncoder().encode(s) })) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 512 }).map((bytes) => ({ kind: 'chunked' as const, bytes })) },
  { weight: 2, arbitrary: fc.constant({ kind: 'declared-over' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'chunked' as const, bytes: OVER }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'none' as const }) },
);

function build(m: string, target: string, h: { auth?: string[]; type: string; odd?: [string, string][] }, b: Body): Buffer {
  const hs: [string, string][] = [['Content-Type', h.type], ...(h.auth ?? []).map((a) => ['Authorization', a] as [string, string]), ...(h.odd ?? [])];
  if (b.kind === 'bytes') hs.push(['Content-Length', String(b.bytes.length)]);
  if (b.kind === 'declared-over') hs.push(['Content-Length', String(CAP + 1 + 12345)]);
  if (b.kind === 'chunked') hs.push(['Transfer-Encoding', 'chunked']);
  const head = Buffer.from(httpHead(m, target, hs), 'latin1');
  if (b.kind === 'bytes') return Buffer.concat([head, b.bytes]);
  if (b.kind === 'chunked') return Buffer.concat([head, b.bytes.length ? Buffer.from(`${b.bytes.length.toString(16)}\r\n`) : Buffer.alloc(0), b.bytes, b.bytes.length ? Buffer.from('\r\n') : Buffer.alloc(0), Buffer.from('0\r\n\r\n')]);
  return head;
}

async function stillServing(): Promise<void> {
  const info = await rawRequest(serve.port, httpHead('GET', '/'));
  expect(info.status).toBe(200);
  const r = signHostDime({ publicKey: 'demo-public', privateKey: 'demo-private', method: 'domain.list', params: { n: String(Math.random()) }, baseUrl: serve.url });
  expect((await fetch(r.url, { method: 'POST', headers: r.headers, body: r.body })).status).toBe(200);
}

describe('serve: no hostile request gets a 5xx other than 503', () => {
  it('random methods, paths, queries, (duplicated) Authorization, bodies of random bytes, oversized bodies', async () => {
    await fc.assert(
      fc.asyncProperty(route, query, headers, body, async ([m, p], q, h, b) => {
        const before = serve.lines.length;
        const res = await rawRequest(serve.port, build(m, p + q, h, b));
        const what = `${m} ${(p + q).slice(0, 80)} auth=${JSON.stringify(h.auth)} body=${b.kind}`;
        expect(res.status, what).toBeGreaterThanOrEqual(200); // an answer, not a dropped socket
        expect(res.status === 503 || res.status < 500, `${what} -> ${res.status}`).toBe(true);
        expect(res.body, what).not.toMatch(/\n\s+at |internal error/);
        expect(serve.lines.length - before, what).toBeLessThanOrEqual(1);
      }),
      { numRuns: 300 },
    );
    await stillServing();
  });

  it('a duplicated Authorization is 400 AUTH_HEADER_DUPLICATE, whichever comes first', async () => {
    for (const pair of [[`whm root:${WHM}`, 'whm root:WRONG'], ['whm root:WRONG', `whm root:${WHM}`], ['Basic Og==', `whm root:${WHM}`]]) {
      const res = await rawRequest(serve.port, httpHead('GET', '/json-api/listaccts', pair.map((a) => ['Authorization', a] as [string, string])));
      expect(res.status).toBe(400);
      expect(res.headers['x-hostsig-verdict']).toBe('AUTH_HEADER_DUPLICATE');
    }
  });

  it('auth.php: a repeated action, key or token is 400 FIELD_DUPLICATE, not the first one silently', async () => {
    for (const body of ['action=login&action=logout&key=demo-hostkey-api-key', 'action=login&key=nope&key=demo-hostkey-api-key', 'action=logout&token=a&token=b']) {
      const res = await rawRequest(serve.port, httpHead('POST', '/auth.php', [['Content-Type', 'application/x-www-form-urlencoded'], ['Content-Length', String(body.length)]]) + body);
      expect(res.status, body).toBe(400);
      expect(JSON.parse(res.body), body).toMatchObject({ result: -1, code: 'FIELD_DUPLICATE' });
    }
  });

  it('an error that is not a HostsigError is answered 400 with a fixed message: no text, no stack; the log names it', async () => {
    const lines: string[] = [];
    const faulty = await startServe({
      log: (l) => lines.push(l),
      onVerdict: () => {
        throw new TypeError('boom: secret detail');
      },
    });
    try {
      const res = await rawRequest(faulty.port, httpHead('GET', '/nothing'));
      expect(res.status).toBe(400);
      expect(res.body).not.toMatch(/boom|secret|TypeError|\bat /);
      expect(JSON.parse(res.body)).toEqual({ error: { code: 'BODY_MALFORMED', message: 'the request could not be handled' } });
      expect(lines.at(-1)).toMatch(/ -> BODY_MALFORMED; internal error: TypeError: boom: secret detail$/);
    } finally {
      await faulty.close();
    }
  });
});
