import { request as httpRequest, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryHostKeyTokenStore } from '../../src/schemes/hostkey/index.js';
import { type BuiltinSchemes, createVerifier } from '../../src/server/index.js';
import { hostsigExpress } from '../../src/server/express.js';
import { hostsigFastify } from '../../src/server/fastify.js';
import { type HostsigHonoEnv, hostsigHono } from '../../src/server/hono.js';
import { readRawBody, withVerification } from '../../src/server/node.js';

// SCHEMES.md section 1, HostDime's documented vector (checked against node:crypto in verifier.test.ts).
const HD_TS = 1369758680;
const HD_BODY = 'status=registered&order=desc&api_key=PUB&api_timestamp=1369758680&api_unique=ABCDEF&api_hash=499b5d8b8bce0f66d829d9186fb475c16b505ef7e6238c3b43c3342902ce27dd';
const CAP = 64 * 1024;

function verifier() {
  return createVerifier({ clock: () => HD_TS, maxBodyBytes: CAP, schemes: { hostdime: { privateKey: 'fazbaz', publicKey: 'PUB' } } });
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/**
 * Streams up to 100 MB at the server in 64 KiB chunks, stopping when a response arrives.
 * Resolves the status, the body, and how many bytes were written before it came.
 */
function hugeUpload(base: string, path: string): Promise<{ status: number; body: string; written: number }> {
  return new Promise((resolve, reject) => {
    const u = new URL(path, base);
    const req = httpRequest({ host: u.hostname, port: u.port, path: u.pathname, method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'transfer-encoding': 'chunked' } });
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    let written = 0;
    let stopped = false;
    req.on('response', (res) => {
      stopped = true;
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body, written });
        req.destroy();
      });
    });
    req.on('error', (e) => (stopped ? undefined : reject(e)));
    const pump = () => {
      while (!stopped && written < 100 * 1024 * 1024) {
        written += chunk.length;
        if (!req.write(chunk)) {
          req.once('drain', pump);
          return;
        }
      }
      if (!stopped) req.end();
    };
    pump();
  });
}

function post(base: string, path: string, body: string, headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' }) {
  return fetch(new URL(path, base), { method: 'POST', headers, body });
}

describe('node:http adapter', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer(
      withVerification(verifier(), (_req, res, v) => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ error: null, response: { key: v.identity.key, raw: new TextDecoder().decode(v.request.body) } }));
      }),
    );
    base = await listen(server);
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('verifies a real HTTP request; the handler gets the raw body', async () => {
    const res = await post(base, '/v1/domain/list.json', HD_BODY);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ error: null, response: { key: 'PUB', raw: HD_BODY } });
  });

  it('a replay is 401 in the HostDime envelope', async () => {
    const res = await post(base, '/v1/domain/list.json', HD_BODY);
    expect(res.status).toBe(401);
    expect(res.headers.get('x-hostsig-code')).toBe('REPLAYED');
    expect(await res.json()).toEqual({ error: { message: expect.stringMatching(/^REPLAYED/), code: 401 }, response: null });
  });

  it('a 100 MB upload is answered 413 long before it is all sent', async () => {
    const r = await hugeUpload(base, '/v1/domain/list.json');
    expect(r.status).toBe(413);
    expect(JSON.parse(r.body)).toMatchObject({ error: { code: 413 }, response: null });
    expect(r.written).toBeLessThan(20 * 1024 * 1024);
  });

  it('hostile requests over real HTTP to a verifier with all five schemes: never 5xx', async () => {
    const all = createVerifier({
      maxBodyBytes: CAP,
      schemes: {
        hostdime: { privateKey: 'fazbaz' },
        sixconnect: { secretKey: 's' },
        whm: { lookup: () => [] },
        hostbill: { basic: { verify: () => false } },
        hostkey: { store: new MemoryHostKeyTokenStore() },
      },
    });
    const s = createServer(withVerification(all, (_q, res) => res.end('ok')));
    const b = await listen(s);
    const seg = fc.constantFrom('v1', 'json-api', 'execute', 'api', 'eq.php', 'list.json', '__proto__', 'constructor', '%00', '%2e%2e', '..', 'a.php', 'x.json');
    const path = fc.array(seg, { maxLength: 4 }).map((p) => `/${p.join('/')}`);
    const query = fc.oneof(fc.constant(''), fc.constantFrom('?apiKey=a&hash=b', '?hash=', '?apiKey=__proto__&hash=AAAA', '?a=%ff&hash=' + 'A'.repeat(43) + '='), fc.string({ unit: 'grapheme-ascii' }).map((q) => `?${encodeURIComponent(q)}`));
    const auth = fc.option(fc.constantFrom('whm root:x', 'WHM __proto__:' + 'a'.repeat(64), 'cpanel a:' + 'B'.repeat(32), 'Basic Og==', 'Basic ' + 'A'.repeat(5000), 'Bearer a.b.c', 'Bearer', 'Negotiate x'), { nil: undefined });
    const body = fc.oneof(fc.constant(undefined), fc.string({ maxLength: 200 }), fc.constantFrom('token=' + 'a'.repeat(32), 'token[]=1', 'api_key=x&api_hash=' + '0'.repeat(64)));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('GET', 'POST', 'PUT', 'DELETE'), path, query, auth, body, async (method, p, q, a, bd) => {
        const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
        if (a !== undefined) headers['authorization'] = a;
        const res = await fetch(`${b}${p}${q}`, { method, headers, ...(bd !== undefined && method !== 'GET' ? { body: bd } : {}) });
        await res.arrayBuffer();
        expect([200, 400, 401, 403, 413]).toContain(res.status);
      }),
      { numRuns: 150 },
    );
    await new Promise<void>((r) => s.close(() => r()));
  });

  it('readRawBody refuses a declared content-length over the cap before reading', async () => {
    const s = createServer((req, res) => {
      readRawBody(req, { maxBytes: 10 }).then(
        () => res.end('read'),
        (e: { code?: string }) => {
          res.setHeader('connection', 'close');
          res.end(String(e.code));
        },
      );
    });
    const b = await listen(s);
    const res = await post(b, '/', 'x'.repeat(11));
    expect(await res.text()).toBe('BODY_TOO_LARGE');
    const ok = await post(b, '/', 'x'.repeat(10));
    expect(await ok.text()).toBe('read');
    await new Promise<void>((r) => s.close(() => r()));
  });
});

describe('Express adapter', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    const app = express();
    app.post('/v1/*path', hostsigExpress(verifier()), (req, res) => {
      const r = req as unknown as { hostsig: { identity: unknown }; body: Buffer };
      res.json({ identity: r.hostsig.identity, body: r.body.toString('utf8') });
    });
    app.post('/raw/v1/*path', express.raw({ type: '*/*' }), hostsigExpress(verifier()), (req, res) => {
      res.json({ identity: (req as unknown as { hostsig: { identity: unknown } }).hostsig.identity });
    });
    app.post('/parsed/v1/*path', express.urlencoded({ extended: false }), hostsigExpress(verifier()), (_req, res) => res.json({ reached: true }));
    app.use((err: { code?: string }, _req: unknown, res: express.Response, _next: unknown) => res.status(500).json({ misconfigured: err.code }));
    server = createServer(app);
    base = await listen(server);
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('captures the raw body itself, verifies, exposes req.hostsig and the raw req.body', async () => {
    const res = await post(base, '/v1/domain/list.json', HD_BODY);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ identity: { key: 'PUB' }, body: HD_BODY });
  });

  it('takes express.raw() bytes as they are; refuses a body a parser consumed', async () => {
    // Each route has its own verifier (own memory store), so the same request is fresh here.
    expect((await post(base, '/raw/v1/domain/list.json', HD_BODY)).status).toBe(200);
    const res = await post(base, '/parsed/v1/domain/list.json', HD_BODY);
    expect(await res.json()).toEqual({ misconfigured: 'INVALID_ARGUMENT' });
  });

  it('a tampered body is 401 and the route handler is not reached', async () => {
    const res = await post(base, '/v1/domain/list.json', HD_BODY.replace('desc', 'asc'));
    expect(res.status).toBe(401);
    expect((await res.json()).error.message).toMatch(/^SIGNATURE_INVALID/);
  });

  it('a 100 MB upload is answered 413 early', async () => {
    const r = await hugeUpload(base, '/v1/domain/list.json');
    expect(r.status).toBe(413);
    expect(r.written).toBeLessThan(20 * 1024 * 1024);
  });
});

describe('Fastify plugin', () => {
  const app = Fastify();
  let base: string;
  beforeAll(async () => {
    app.register(async (signed) => {
      await signed.register(hostsigFastify, { verifier: verifier() });
      signed.post('/v1/*', async (req) => ({ identity: req.hostsig?.identity, raw: Buffer.isBuffer(req.body) ? (req.body as Buffer).toString('utf8') : typeof req.body }));
    });
    app.post('/open', async (req) => ({ parsed: req.body }));
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(() => app.close());

  it('verifies with the raw body even when the content type is JSON (no re-serialization)', async () => {
    const res = await post(base, '/v1/domain/list.json', HD_BODY, { 'content-type': 'application/json' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ identity: { key: 'PUB' }, raw: HD_BODY });
  });

  it('routes outside the plugin context keep Fastify JSON parsing', async () => {
    const res = await post(base, '/open', '{"a":1}', { 'content-type': 'application/json' });
    expect(await res.json()).toEqual({ parsed: { a: 1 } });
  });

  it('failures are in the HostDime envelope; no body is 400', async () => {
    const res = await fetch(`${base}/v1/domain/list.json`, { method: 'POST' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 400 }, response: null });
  });

  it('a 100 MB upload is answered 413 in the HostDime envelope, early', async () => {
    const r = await hugeUpload(base, '/v1/domain/list.json');
    expect(r.status).toBe(413);
    expect(JSON.parse(r.body)).toMatchObject({ error: { code: 413 }, response: null });
    expect(r.written).toBeLessThan(20 * 1024 * 1024);
  });
});

describe('Hono middleware', () => {
  const app = new Hono<HostsigHonoEnv<BuiltinSchemes>>();
  app.use('/v1/*', hostsigHono(verifier()));
  app.post('/v1/*', async (c) => c.json({ identity: c.var.hostsig.identity, text: await c.req.text(), form: await c.req.parseBody() }));

  it('verifies, and the handler can still read the body through Hono', async () => {
    const res = await app.request('/v1/domain/list.json', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: HD_BODY });
    expect(res.status).toBe(200);
    const j = await res.json();
    expect(j.identity).toEqual({ key: 'PUB' });
    expect(j.text).toBe(HD_BODY);
    expect(j.form.status).toBe('registered');
  });

  it('answers failures with status, headers and envelope', async () => {
    const res = await app.request('/v1/domain/list.json', { method: 'POST', body: 'api_key=PUB' });
    expect(res.status).toBe(400);
    expect(res.headers.get('x-hostsig-code')).toBe('MISSING_FIELD');
    expect(await res.json()).toMatchObject({ error: { code: 400 }, response: null });
  });
});
