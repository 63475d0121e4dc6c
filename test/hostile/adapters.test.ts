// Attack class: more than one Authorization header in one request. Node keeps the first of
// several in req.headers, a Fetch Headers joins them with ", ", PHP and other frameworks may read
// another one: a request that carries two credentials must be refused by every entry point
// (AUTH_HEADER_DUPLICATE, 400), whatever the order, the case of the names, or whether the two
// values are the same. Real HTTP over 127.0.0.1 for node:http, Express, Fastify and Hono (on
// @hono/node-server); the raw request is written on a node:net socket so that the header lines
// (and their case) are exactly what the test says.
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import express from 'express';
import fc from 'fast-check';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BuiltinSchemes, createVerifier, normalizeHeaders } from '../../src/server/index.js';
import { hostsigExpress } from '../../src/server/express.js';
import { hostsigFastify } from '../../src/server/fastify.js';
import { type HostsigHonoEnv, hostsigHono } from '../../src/server/hono.js';
import { withVerification } from '../../src/server/node.js';
import { codeOf } from '../helpers/codes.js';

const NOW = 1_700_000_000;
// SCHEMES.md section 4's example token; the record holds its SHA-256 computed by node:crypto.
const WHM_TOKEN = 'U7HMR63FGY292DQZ4H5BFH16JLYMO01M';
const VALID = `whm root:${WHM_TOKEN}`;
const RECORDS = { root: [{ name: 'deploy', digest: createHash('sha256').update(WHM_TOKEN).digest('hex'), acls: ['all'] }] } as Record<string, unknown[]>;
// RFC 7617's example credentials, accepted by the Basic check below.
const BASIC = 'Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==';
const PATH = '/json-api/listaccts';

function verifier() {
  return createVerifier({
    clock: () => NOW,
    schemes: {
      whm: { lookup: (user: string) => (RECORDS[user] as never) ?? null },
      hostbill: { basic: { verify: (u: string, p: string) => u === 'Aladdin' && p === 'open sesame' } },
    },
  });
}

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Decodes a chunked body (Fastify and Hono may stream). */
function dechunk(s: string): string {
  let out = '';
  let at = 0;
  for (;;) {
    const eol = s.indexOf('\r\n', at);
    const size = parseInt(s.slice(at, eol), 16);
    if (!(size > 0)) return out;
    out += s.slice(eol + 2, eol + 2 + size);
    at = eol + 2 + size + 2;
  }
}

/** One HTTP/1.1 request written byte for byte on a socket; `headerLines` are sent as given. */
function rawRequest(base: string, method: string, path: string, headerLines: readonly string[]): Promise<RawResponse> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const sock = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    sock.on('data', (c) => chunks.push(c));
    sock.on('error', reject);
    sock.on('end', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const cut = text.indexOf('\r\n\r\n');
      const [statusLine, ...lines] = text.slice(0, cut).split('\r\n');
      const headers: Record<string, string> = {};
      for (const l of lines) {
        const c = l.indexOf(':');
        headers[l.slice(0, c).toLowerCase()] = l.slice(c + 1).trim();
      }
      const rest = text.slice(cut + 4);
      resolve({ status: Number(statusLine!.split(' ')[1]), headers, body: headers['transfer-encoding'] === 'chunked' ? dechunk(rest) : rest });
    });
    sock.end(`${method} ${path} HTTP/1.1\r\nHost: ${hostname}\r\nConnection: close\r\n${headerLines.map((l) => `${l}\r\n`).join('')}\r\n`);
  });
}

const auth = (...values: string[]) => values.map((v, i) => `${i % 2 === 0 ? 'Authorization' : 'authorization'}: ${v}`);

/** What every adapter must answer to two Authorization headers. */
function expectDuplicate(r: RawResponse): void {
  expect(r.status).toBe(400);
  expect(r.headers['x-hostsig-code']).toBe('AUTH_HEADER_DUPLICATE');
  expect(JSON.parse(r.body)).toMatchObject({ error: { code: 'AUTH_HEADER_DUPLICATE' } });
}

// Header values a client can put on the wire: printable ASCII and spaces/tabs inside (Node's
// parser trims them at the ends), so the junk is anything a hostile client sends.
const wireValue = fc.oneof(
  fc.constantFrom(VALID, BASIC, 'Bearer a.b.c', 'whm root:' + 'Z'.repeat(32), 'cpanel bob:' + WHM_TOKEN, 'Basic Og==', '', 'x', '__proto__', 'whm'),
  fc.string({ unit: fc.constantFrom(...'abcXYZ019 :=+/.-_\t,'.split('')), maxLength: 40 }),
);
/** The name in any case: Authorization, AUTHORIZATION, aUtHoRiZaTiOn, ... */
const anyCase = fc.array(fc.boolean(), { minLength: 13, maxLength: 13 }).map((up) => [...'authorization'].map((c, i) => (up[i] ? c.toUpperCase() : c)).join(''));
/** Two to four Authorization lines, each in its own case, at least one valid credential among them. */
const duplicateLines = fc
  .tuple(fc.array(fc.tuple(anyCase, wireValue), { minLength: 1, maxLength: 3 }), anyCase, fc.constantFrom(VALID, BASIC), fc.nat())
  .map(([others, name, good, at]) => {
    const lines = others.map(([n, v]) => `${n}: ${v}`);
    lines.splice(at % (lines.length + 1), 0, `${name}: ${good}`);
    return lines;
  });

interface Harness {
  name: string;
  start(): Promise<{ base: string; stop(): Promise<void> }>;
}

const close = (s: Server) => () => new Promise<void>((r) => s.close(() => r()));
async function listen(s: Server): Promise<string> {
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
}
const ok = (identity: unknown) => JSON.stringify({ ok: true, identity });

const HARNESSES: Harness[] = [
  {
    name: 'node:http (withVerification)',
    async start() {
      const s = createServer(withVerification(verifier(), (_req, res, v) => res.end(ok(v.identity))));
      return { base: await listen(s), stop: close(s) };
    },
  },
  {
    name: 'Express (hostsigExpress)',
    async start() {
      const app = express();
      app.get('/json-api/*path', hostsigExpress(verifier()), (req, res) => {
        res.end(ok((req as unknown as { hostsig: { identity: unknown } }).hostsig.identity));
      });
      const s = createServer(app);
      return { base: await listen(s), stop: close(s) };
    },
  },
  {
    name: 'Fastify (hostsigFastify)',
    async start() {
      const app = Fastify();
      app.register(async (signed) => {
        await signed.register(hostsigFastify, { verifier: verifier() });
        signed.get('/json-api/*', async (req, reply) => reply.type('application/json').send(ok(req.hostsig?.identity)));
      });
      const base = await app.listen({ port: 0, host: '127.0.0.1' });
      return { base, stop: () => app.close() };
    },
  },
  {
    name: 'Hono (hostsigHono on @hono/node-server)',
    async start() {
      const app = new Hono<HostsigHonoEnv<BuiltinSchemes>>();
      app.use('/json-api/*', hostsigHono(verifier()));
      app.get('/json-api/*', (c) => c.body(ok(c.var.hostsig.identity)));
      const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
      await new Promise<void>((r) => (s.listening ? r() : s.once('listening', () => r())));
      return { base: `http://127.0.0.1:${(s.address() as AddressInfo).port}`, stop: close(s) };
    },
  },
];

describe.each(HARNESSES)('$name: one Authorization per request', (h) => {
  let base: string;
  let stop: () => Promise<void>;
  beforeAll(async () => {
    ({ base, stop } = await h.start());
  });
  afterAll(() => stop());

  it("the issue's case: a valid WHM token followed by a junk Bearer header is refused, not 200", async () => {
    // Alone, the token (and a Basic header) is accepted: the harness works.
    const alone = await rawRequest(base, 'GET', PATH, auth(VALID));
    expect(alone.status).toBe(200);
    expect(JSON.parse(alone.body)).toEqual({ ok: true, identity: { user: 'root', tokenName: 'deploy' } });
    expect((await rawRequest(base, 'GET', PATH, auth(BASIC))).status).toBe(200);
    expectDuplicate(await rawRequest(base, 'GET', PATH, auth(VALID, 'Bearer junk')));
  });

  it('junk first, then the valid token: refused', async () => {
    expectDuplicate(await rawRequest(base, 'GET', PATH, auth('Bearer junk', VALID)));
  });

  it('the same valid header twice: refused too (one request, one header)', async () => {
    expectDuplicate(await rawRequest(base, 'GET', PATH, auth(VALID, VALID)));
    expectDuplicate(await rawRequest(base, 'GET', PATH, ['AUTHORIZATION: ' + BASIC, 'aUtHoRiZaTiOn: ' + BASIC]));
  });

  it('property: any 2-4 Authorization lines, any case, any order, a valid one among them: always 400 AUTH_HEADER_DUPLICATE', async () => {
    await fc.assert(
      fc.asyncProperty(duplicateLines, async (lines) => expectDuplicate(await rawRequest(base, 'GET', PATH, lines))),
      { numRuns: 25 },
    );
  });
});

describe('Fetch Request and plain requests: one Authorization per request', () => {
  const v = verifier();
  const url = `https://h.test:2087${PATH}`;

  it('a Fetch Request with two Authorization values (Headers joins them with ", ") is refused', async () => {
    for (const pair of [[VALID, 'Bearer junk'], ['Bearer junk', VALID], [VALID, VALID]]) {
      const headers = new Headers();
      for (const a of pair) headers.append('Authorization', a);
      expect(await v.verify(new Request(url, { headers }))).toMatchObject({ ok: false, scheme: null, code: 'AUTH_HEADER_DUPLICATE', status: 400 });
    }
    expect(await v.verify(new Request(url, { headers: { authorization: VALID } }))).toMatchObject({ ok: true, scheme: 'whm' });
  });

  it('a plain request with an array, repeated pairs or two spellings of the name is refused', async () => {
    const shapes: unknown[] = [
      { authorization: [VALID, 'Bearer junk'] },
      { authorization: [VALID, VALID] },
      { authorization: VALID, Authorization: 'Bearer junk' },
      [
        ['authorization', VALID],
        ['Authorization', 'Bearer junk'],
      ],
      [
        ['AUTHORIZATION', 'Bearer junk'],
        ['authorization', VALID],
      ],
      new Map([
        ['authorization', VALID],
        ['Authorization', VALID],
      ]),
      { authorization: `${VALID}, Bearer junk` },
    ];
    for (const headers of shapes) {
      expect(await v.verify({ method: 'GET', url: PATH, headers: headers as never }), JSON.stringify(headers instanceof Map ? [...headers] : headers)).toMatchObject({ ok: false, scheme: null, code: 'AUTH_HEADER_DUPLICATE', status: 400 });
    }
    // One value in an array is one header.
    expect(await v.verify({ method: 'GET', url: PATH, headers: { authorization: [VALID] } })).toMatchObject({ ok: true, scheme: 'whm' });
    // Other headers still join their duplicates; __proto__ and constructor stay ordinary entries.
    const h = normalizeHeaders([
      ['X-Multi', 'a'],
      ['x-multi', 'b'],
      ['__proto__', 'p'],
      ['constructor', 'c'],
      ['authorization', VALID],
    ]);
    expect({ ...h }).toEqual({ 'x-multi': 'a, b', ['__proto__']: 'p', constructor: 'c', authorization: VALID });
    expect(Object.getPrototypeOf(h)).toBe(null);
  });

  it('property: normalizeHeaders refuses two Authorization values in every accepted shape', () => {
    const value = fc.string({ maxLength: 30 });
    fc.assert(
      fc.property(anyCase, anyCase, value, value, fc.constantFrom('pairs', 'record', 'array', 'headers'), (n1, n2, a, b, shape) => {
        const input =
          shape === 'pairs'
            ? [
                [n1, a],
                [n2, b],
              ]
            : shape === 'record'
              ? n1 === n2
                ? { [n1]: [a, b] }
                : { [n1]: a, [n2]: b }
              : shape === 'array'
                ? { [n1]: [a, b] }
                : new Headers([
                    [n1, a.replace(/[\r\n\0]/g, '')],
                    [n2, b.replace(/[\r\n\0]/g, '')],
                  ]);
        expect(codeOf(() => normalizeHeaders(input))).toBe('AUTH_HEADER_DUPLICATE');
      }),
      { numRuns: 300 },
    );
  });

  it('an Authorization longer than 8 KiB is AUTH_HEADER_MALFORMED (401) before any scheme parses it', async () => {
    const long = `Basic ${'A'.repeat(1024 * 1024)}`;
    expect(await v.verify({ method: 'GET', url: PATH, headers: { authorization: long } })).toMatchObject({ ok: false, scheme: null, code: 'AUTH_HEADER_MALFORMED', status: 401, details: { reason: 'too-long', maxLength: 8192 } });
    const justUnder = `whm root:${'a'.repeat(8192 - 'whm root:'.length)}`;
    expect(codeOf(() => normalizeHeaders({ authorization: justUnder }))).toBe('ok');
    expect(codeOf(() => normalizeHeaders({ authorization: `${justUnder}a` }))).toBe('AUTH_HEADER_MALFORMED');
  });
});
