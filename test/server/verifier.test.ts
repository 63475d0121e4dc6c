import { createHash, createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HostsigError } from '../../src/core/errors.js';
import { MemoryNonceStore } from '../../src/core/nonce.js';
import { MemoryHostKeyTokenStore } from '../../src/schemes/hostkey/index.js';
import { signHostDime } from '../../src/schemes/hostdime/index.js';
import { signSixConnect } from '../../src/schemes/sixconnect/index.js';
import { createVerifier, createVerifierFor, sixconnect, STATUS_BY_CODE, statusForCode } from '../../src/server/index.js';

// SCHEMES.md section 1, HostDime's documented vector.
const HD_TS = 1369758680;
const HD_HASH = '499b5d8b8bce0f66d829d9186fb475c16b505ef7e6238c3b43c3342902ce27dd';
const HD_BODY = `status=registered&order=desc&api_key=PUB&api_timestamp=${HD_TS}&api_unique=ABCDEF&api_hash=${HD_HASH}`;
// SCHEMES.md section 2, 6connect's documented vector.
const SC_KEY = '32-5DAYTJQY2TZHOFOB';
const SC_SECRET = '48b278ec873bda4738923dbc467f8669';
const SC_QUERY = `target=ipam&action=get&type=IP&mask=24&apiKey=${SC_KEY}`;
const SC_HASH = 'yneSFMyxPPe+3W4IOkVp50K3VStatBcRRak+2ygDUWQ=';

const clock = () => HD_TS;
const enc = new TextEncoder();

function verifier(extra: Record<string, unknown> = {}) {
  return createVerifier({
    clock,
    schemes: {
      hostdime: { lookup: (k: string) => (k === 'PUB' ? 'fazbaz' : null) },
      sixconnect: { lookup: (k: string) => (k === SC_KEY ? SC_SECRET : null) },
    },
    ...extra,
  });
}

describe('createVerifier: scheme selection and success', () => {
  it('independent check of the vectors the tests below rely on (node:crypto)', () => {
    const inner = '{"status":"registered","order":"desc"}';
    const outer = `"${inner.replace(/["/\\]/g, (c) => `\\${c}`)}"`;
    expect(createHash('sha256').update(`${HD_TS}:ABCDEF:fazbaz:domain.list:${outer}`).digest('hex')).toBe(HD_HASH);
    expect(createHmac('sha256', SC_SECRET).update(SC_QUERY).digest('base64')).toBe(SC_HASH);
  });

  it('verifies the documented HostDime request as a Fetch Request, identity = api_key', async () => {
    const v = verifier();
    const r = await v.verify(new Request('https://api.example.test/v1/domain/list.json', { method: 'POST', body: HD_BODY, headers: { 'content-type': 'application/x-www-form-urlencoded' } }));
    expect(r).toMatchObject({ ok: true, scheme: 'hostdime', identity: { key: 'PUB' } });
    if (r.ok && r.scheme === 'hostdime') {
      expect(r.detail.method).toBe('domain.list');
      expect(new TextDecoder().decode(r.request.body)).toBe(HD_BODY);
    }
  });

  it('verifies the documented 6connect request as a plain object (path form url)', async () => {
    const r = await verifier().verify({ method: 'GET', url: `/api/v1/api.php?${SC_QUERY}&hash=${SC_HASH}`, headers: {} });
    expect(r).toMatchObject({ ok: true, scheme: 'sixconnect', identity: { key: SC_KEY } });
  });

  it('takes the 6connect query as received from a Fetch Request (hash percent-encoded)', async () => {
    const h = SC_HASH.replace(/\+/g, '%2B').replace(/\//g, '%2F').replace(/=/g, '%3D');
    const r = await verifier().verify(new Request(`https://ipam.example.test/api/v1/api.php?${SC_QUERY}&hash=${h}`));
    expect(r).toMatchObject({ ok: true, scheme: 'sixconnect' });
  });

  it('answers a replay 401 REPLAYED in the HostDime envelope', async () => {
    const v = verifier();
    const req = () => ({ method: 'POST', url: '/v1/domain/list.json', headers: {}, body: enc.encode(HD_BODY) });
    expect((await v.verify(req())).ok).toBe(true);
    const r = await v.verify(req());
    expect(r).toMatchObject({ ok: false, scheme: 'hostdime', code: 'REPLAYED', status: 401 });
    if (!r.ok) {
      expect(JSON.parse(r.body)).toEqual({ error: { message: expect.stringContaining('REPLAYED'), code: 401 }, response: null });
      expect(r.headers['x-hostsig-code']).toBe('REPLAYED');
      expect(r.headers['content-type']).toMatch(/^application\/json/);
    }
  });

  it('a tampered 6connect query is 401 in the 6connect envelope', async () => {
    const r = await verifier().verify({ method: 'GET', url: `/api.php?${SC_QUERY.replace('24', '25')}&hash=${SC_HASH}` });
    expect(r).toMatchObject({ ok: false, scheme: 'sixconnect', code: 'SIGNATURE_INVALID', status: 401 });
    if (!r.ok) expect(JSON.parse(r.body)).toEqual({ success: 0, message: 'hash does not match', code: 'SIGNATURE_INVALID' });
  });

  it('no recognizable credentials -> SCHEME_UNKNOWN 401, body not read', async () => {
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(c) {
        pulled++;
        c.enqueue(new Uint8Array(10));
      },
    });
    const r = await verifier().verify({ method: 'POST', url: '/hello', headers: {}, body });
    expect(r).toMatchObject({ ok: false, scheme: null, code: 'SCHEME_UNKNOWN', status: 401 });
    expect(pulled).toBeLessThanOrEqual(1); // a stream may pre-pull once on construction; nothing was read
  });

  it('a scheme not configured is not detected', async () => {
    const v = createVerifier({ clock, schemes: { sixconnect: { secretKey: SC_SECRET } } });
    const r = await v.verify({ method: 'POST', url: '/v1/domain/list.json', body: HD_BODY });
    expect(r).toMatchObject({ ok: false, code: 'SCHEME_UNKNOWN' });
  });

  it('select and detect overrides pick the scheme', async () => {
    const v = createVerifier({ clock, select: () => 'sixconnect', schemes: { sixconnect: { secretKey: SC_SECRET } } });
    expect(v.detect({ method: 'GET', url: '/', path: '/', query: '', headers: {} })).toBe('sixconnect');
    const w = createVerifier({ clock, schemes: { sixconnect: { secretKey: SC_SECRET, detect: (h) => h.path === '/only' } } });
    expect((await w.verify({ method: 'GET', url: `/other?${SC_QUERY}&hash=${SC_HASH}` })).ok).toBe(false);
    expect((await w.verify({ method: 'GET', url: `/only?${SC_QUERY}&hash=${SC_HASH}` })).ok).toBe(true);
  });

  it('createVerifierFor takes an explicit plug-in set', async () => {
    const v = createVerifierFor({ sixconnect }, { schemes: { sixconnect: { secretKey: SC_SECRET } } });
    expect(v.schemes).toEqual(['sixconnect']);
    expect((await v.verify({ method: 'GET', url: `/?${SC_QUERY}&hash=${SC_HASH}` })).ok).toBe(true);
  });

  it('bad options throw INVALID_ARGUMENT at start-up', () => {
    const bad: unknown[] = [
      {},
      { schemes: {} },
      { schemes: { nope: {} } },
      { schemes: { hostdime: {} } },
      { schemes: { hostdime: { privateKey: 'k', dialects: ['perl'] } } },
      { schemes: { sixconnect: {} } },
      { schemes: { sixconnect: { secretKey: 's' } }, maxBodyBytes: 0 },
      { schemes: { sixconnect: { secretKey: 's' } }, nonces: {} },
    ];
    for (const o of bad) expect(() => createVerifier(o as never), JSON.stringify(o)).toThrow(HostsigError);
  });
});

describe('status map', () => {
  it('is 400/401/403/413/503 only, never 500', () => {
    for (const s of Object.values(STATUS_BY_CODE)) expect([400, 401, 403, 413, 503]).toContain(s);
    expect(statusForCode('BODY_TOO_LARGE')).toBe(413);
    expect(statusForCode('IP_NOT_ALLOWED')).toBe(403);
    expect(statusForCode('BODY_MALFORMED')).toBe(400);
    expect(statusForCode('SIGNATURE_INVALID')).toBe(401);
    expect(statusForCode('NONCE_STORE_FAILED')).toBe(503);
    expect(statusForCode('__proto__' as never)).toBe(400);
  });
});

describe('limits', () => {
  function hugeStream(total: number) {
    const counter = { pulled: 0 };
    const chunk = new Uint8Array(64 * 1024).fill(0x61);
    const stream = new ReadableStream<Uint8Array>({
      pull(c) {
        if (counter.pulled >= total) return c.close();
        counter.pulled += chunk.length;
        c.enqueue(chunk);
      },
    });
    return { stream, counter };
  }

  it('a 100 MB body is cut at the cap while streaming: 413, only about the cap pulled', async () => {
    const v = verifier({ maxBodyBytes: 1024 * 1024 });
    const { stream, counter } = hugeStream(100 * 1024 * 1024);
    const r = await v.verify({ method: 'POST', url: '/v1/server/list.json', headers: {}, body: stream });
    expect(r).toMatchObject({ ok: false, scheme: 'hostdime', code: 'BODY_TOO_LARGE', status: 413 });
    if (!r.ok) expect(JSON.parse(r.body).error.code).toBe(413);
    expect(counter.pulled).toBeLessThan(1024 * 1024 + 4 * 64 * 1024);
  });

  it('the same through a Fetch Request with a streaming body (no content-length)', async () => {
    const v = verifier();
    const { stream, counter } = hugeStream(100 * 1024 * 1024);
    const req = new Request('http://x.test/v1/server/list.json', { method: 'POST', body: stream, duplex: 'half' } as RequestInit);
    const r = await v.verify(req);
    expect(r).toMatchObject({ code: 'BODY_TOO_LARGE', status: 413 });
    expect(counter.pulled).toBeLessThan(2 * 1024 * 1024);
  });

  it('a declared content-length over the cap is refused before reading', async () => {
    const { stream, counter } = hugeStream(100 * 1024 * 1024);
    const r = await verifier().verify({ method: 'POST', url: '/v1/a/b.json', headers: { 'Content-Length': String(100 * 1024 * 1024) }, body: stream });
    expect(r).toMatchObject({ code: 'BODY_TOO_LARGE', status: 413 });
    expect(counter.pulled).toBeLessThanOrEqual(64 * 1024);
  });

  it('a body exactly at the cap is read; one byte over is not', async () => {
    const v = createVerifier({ clock, maxBodyBytes: HD_BODY.length, schemes: { hostdime: { privateKey: 'fazbaz' } } });
    expect((await v.verify({ method: 'POST', url: '/v1/domain/list.json', body: HD_BODY })).ok).toBe(true);
    const w = createVerifier({ clock, maxBodyBytes: HD_BODY.length - 1, schemes: { hostdime: { privateKey: 'fazbaz' } } });
    expect(await w.verify({ method: 'POST', url: '/v1/domain/list.json', body: enc.encode(HD_BODY) })).toMatchObject({ code: 'BODY_TOO_LARGE' });
  });

  it('a slow key lookup is LOOKUP_FAILED (503) after the cap, not a hang', async () => {
    const v = createVerifier({
      clock,
      lookupTimeoutMs: 50,
      schemes: { hostdime: { lookup: () => new Promise<string>(() => {}) }, sixconnect: { lookup: () => new Promise<string>((r) => setTimeout(() => r(SC_SECRET), 5000).unref()) } },
    });
    const t0 = Date.now();
    const a = await v.verify({ method: 'POST', url: '/v1/domain/list.json', body: HD_BODY });
    const b = await v.verify({ method: 'GET', url: `/?${SC_QUERY}&hash=${SC_HASH}` });
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(a).toMatchObject({ ok: false, code: 'LOOKUP_FAILED', status: 503 });
    expect(b).toMatchObject({ ok: false, code: 'LOOKUP_FAILED', status: 503 });
    if (!a.ok) expect(a.headers['retry-after']).toBe('1');
  });

  it('a throwing lookup, sync or async, is LOOKUP_FAILED', async () => {
    for (const lookup of [
      () => {
        throw new Error('db down');
      },
      () => Promise.reject(new Error('db down')),
    ]) {
      const v = createVerifier({ clock, schemes: { hostdime: { lookup } } });
      expect(await v.verify({ method: 'POST', url: '/v1/domain/list.json', body: HD_BODY })).toMatchObject({ code: 'LOOKUP_FAILED' });
    }
  });

  it('a nonce store that hangs, throws, or answers junk fails closed with NONCE_STORE_FAILED', async () => {
    const stores = [
      { checkAndStore: () => new Promise<boolean>(() => {}) },
      {
        checkAndStore: (): Promise<boolean> => {
          throw new Error('x');
        },
      },
      { checkAndStore: async () => 'yes' as unknown as boolean },
      { checkAndStore: async () => Promise.reject(new Error('conn reset')) },
    ];
    for (const nonces of stores) {
      const v = createVerifier({ clock, nonces, nonceTimeoutMs: 50, schemes: { hostdime: { privateKey: 'fazbaz' } } });
      expect(await v.verify({ method: 'POST', url: '/v1/domain/list.json', body: HD_BODY })).toMatchObject({ ok: false, code: 'NONCE_STORE_FAILED', status: 503 });
    }
  });

  it('a full in-memory store fails closed (NONCE_STORE_FULL, 503)', async () => {
    const v = createVerifier({ clock, nonces: new MemoryNonceStore({ maxEntries: 1, clock }), schemes: { hostdime: { privateKey: 'fazbaz' } } });
    const sign = () => signHostDime({ publicKey: 'PUB', privateKey: 'fazbaz', method: 'server.list', timestamp: HD_TS });
    const send = (s: ReturnType<typeof sign>) => v.verify({ method: 'POST', url: s.path, body: s.body });
    expect((await send(sign())).ok).toBe(true);
    expect(await send(sign())).toMatchObject({ code: 'NONCE_STORE_FULL', status: 503 });
  });
});

describe('hostile input', () => {
  const v = createVerifier({
    clock,
    schemes: {
      hostdime: { lookup: (k: string) => (k === 'PUB' ? 'fazbaz' : null) },
      sixconnect: { lookup: (k: string) => (k === SC_KEY ? SC_SECRET : null) },
      whm: { lookup: () => [{ name: 't', digest: '0'.repeat(64) }], lookupAccessHash: () => null },
      hostbill: { basic: { verify: () => false } },
      hostkey: { store: new MemoryHostKeyTokenStore() },
    },
  });
  const header = fc.oneof(fc.constantFrom('__proto__', 'constructor', 'prototype', 'content-length', 'authorization', 'Authorization', 'toString', 'hasOwnProperty'), fc.string());
  const headerValue = fc.oneof(
    fc.string(),
    fc.constantFrom('whm root:', 'whm __proto__:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'cpanel a:b:c', 'WHM root:' + 'a'.repeat(64), 'Basic ', 'Basic Og==', 'Bearer a.b.c', 'Bearer ..', 'bearer', '-1', '99999999999999999999'),
  );
  const url = fc.oneof(
    fc.webUrl({ withQueryParameters: true, withFragments: true }),
    fc.string(),
    fc.constantFrom('/eq.php', '/json-api/listaccts', '/execute/Email/x', '/v1/domain/list.json', '/v1/__proto__/constructor.json', `/?${SC_QUERY}&hash=${SC_HASH}`, '/?hash=&hash=', '/?apiKey=__proto__&hash=x', 'http://[::1', '//?#'),
    fc.tuple(fc.constantFrom('/v1/a/b.json?', '/api.php?'), fc.string()).map(([a, b]) => a + b),
  );
  const body = fc.oneof(
    fc.uint8Array({ maxLength: 300 }),
    fc.string(),
    fc.constantFrom(HD_BODY, `${HD_BODY}&api_hash[]=1`, 'token[]=1', 'token=__proto__', `token=${'a'.repeat(32)}`, '__proto__[x]=1&constructor[prototype][y]=2&api_key=__proto__', 'a[' + '['.repeat(200), '%ff%fe=1'),
    fc.constant(undefined),
    fc.constant(null),
  );
  const request = fc.record({
    method: fc.oneof(fc.constantFrom('GET', 'POST', 'get', 'PUT'), fc.string(), fc.constant(42 as unknown as string)),
    url,
    headers: fc.oneof(fc.dictionary(header, fc.oneof(headerValue, fc.array(fc.string()), fc.constant(undefined))), fc.array(fc.tuple(header, headerValue)), fc.constant(null), fc.constant('x')),
    body,
  });

  it('never rejects and never answers 5xx other than a dependency failure', async () => {
    await fc.assert(
      fc.asyncProperty(request, async (req) => {
        const r = await v.verify(req as never);
        if (!r.ok) {
          expect([400, 401, 403, 413]).toContain(r.status);
          expect(() => JSON.parse(r.body)).not.toThrow();
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('non-object requests and hostile getters are 400', async () => {
    for (const req of [null, undefined, 42, 'GET /', [], { method: 'GET' }, { url: '/' }]) {
      expect(await v.verify(req as never)).toMatchObject({ ok: false, status: 400 });
    }
    const trap = new Proxy({}, { get: () => {
      throw new Error('trap');
    } });
    expect(await v.verify(trap as never)).toMatchObject({ ok: false, status: 400 });
    const headers = new Proxy({}, { ownKeys: () => {
      throw new Error('trap');
    } });
    expect(await v.verify({ method: 'GET', url: '/', headers } as never)).toMatchObject({ ok: false, status: 400 });
  });

  it('header names __proto__ / constructor / prototype are ordinary entries', async () => {
    const headers = JSON.parse('{"__proto__":"a","constructor":"b","prototype":"c","Content-Type":"d"}');
    const seen: Record<string, string>[] = [];
    const w = createVerifier({ clock, schemes: { sixconnect: { secretKey: SC_SECRET, detect: (h) => (seen.push(h.headers as Record<string, string>), true) } } });
    await w.verify({ method: 'GET', url: '/', headers });
    const h = seen[0]!;
    expect(Object.getPrototypeOf(h)).toBe(null);
    expect(Object.keys(h).sort()).toEqual(['__proto__', 'constructor', 'content-type', 'prototype']);
    expect(h['__proto__']).toBe('a');
    expect(({} as Record<string, unknown>)['b']).toBeUndefined();
  });

  it('params and keys named __proto__ / constructor / prototype: verified as data, nothing polluted', async () => {
    const names = ['__proto__', 'constructor', 'prototype', 'toString'];
    const s = signHostDime({ publicKey: 'PUB', privateKey: 'fazbaz', method: 'server.list', params: names.map((n, i) => [n, `v${i}`]) as never, timestamp: HD_TS });
    const r = await v.verify({ method: 'POST', url: s.path, body: s.body });
    expect(r.ok).toBe(true);
    if (r.ok && r.scheme === 'hostdime') expect([...r.detail.params.keys()]).toEqual(names);
    const seen: string[] = [];
    const w = createVerifier({
      clock,
      schemes: {
        hostdime: { lookup: (k: string) => (seen.push(k), new Map<string, string>().get(k)) },
        sixconnect: { lookup: (k: string) => (seen.push(k), null) },
      },
    });
    const body = `api_key=__proto__&api_timestamp=${HD_TS}&api_unique=u&api_hash=${'0'.repeat(64)}`;
    expect(await w.verify({ method: 'POST', url: '/v1/__proto__/constructor.json', body })).toMatchObject({ code: 'UNKNOWN_KEY' });
    expect(await w.verify({ method: 'GET', url: `/?apiKey=constructor&hash=${SC_HASH}` })).toMatchObject({ code: 'UNKNOWN_KEY' });
    expect(seen).toEqual(['__proto__', 'constructor']);
    expect(({} as Record<string, unknown>)['v0']).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('v0');
  });

  it('a used Request body is refused, not read twice', async () => {
    const req = new Request('http://x.test/v1/domain/list.json', { method: 'POST', body: HD_BODY });
    await req.text();
    expect(await v.verify(req)).toMatchObject({ ok: false, code: 'BODY_MALFORMED', status: 400 });
  });

  it('a HostDime request signed by hostsig and carried by fetch types verifies; one byte off does not', async () => {
    const s = signHostDime({ publicKey: 'PUB', privateKey: 'fazbaz', method: 'server.list', params: { a: 'x y/ü' }, timestamp: HD_TS });
    expect((await v.verify(new Request(`http://h.test${s.path}`, { method: 'POST', headers: s.headers, body: s.body }))).ok).toBe(true);
    const t = signHostDime({ publicKey: 'PUB', privateKey: 'fazbaz', method: 'server.list', params: { a: 'x y/ü' }, timestamp: HD_TS });
    expect(await v.verify(new Request(`http://h.test${t.path}`, { method: 'POST', body: t.body.replace('a=x', 'a=X') }))).toMatchObject({ code: 'SIGNATURE_INVALID' });
    const u = signSixConnect({ baseUrl: 'http://h.test/api/v1/api.php', target: 't', action: 'a', params: { q: 'ü &=' }, apiKey: SC_KEY, secretKey: SC_SECRET });
    expect((await v.verify(new Request(u.url))).ok).toBe(true);
  });
});
