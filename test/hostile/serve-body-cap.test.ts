// Attack class: bodies over serve's 1 MiB cap, declared (a huge Content-Length) or streamed
// (chunked, with no end in sight). Every path answers 413 before the body is read to its end:
// auth.php used to read outside the verifier and answer 500, and paths of no scheme never read
// the body at all (401, then node:http drained the upload).
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpHead, rawRequest, type Serve, startServe } from './serve-helpers.js';

let serve: Serve;
beforeAll(async () => {
  serve = await startServe();
});
afterAll(() => serve.close());

const CAP = 1 << 20;
const FORM: [string, string] = ['Content-Type', 'application/x-www-form-urlencoded'];

/** One request per route serve has: its method, target and the headers that pick the scheme. */
const ROUTES: { name: string; method: string; target: string; headers: [string, string][] }[] = [
  { name: 'auth.php login', method: 'POST', target: '/auth.php', headers: [FORM] },
  { name: 'auth.php logout', method: 'POST', target: '/api/auth.php', headers: [FORM] },
  { name: 'hostdime', method: 'POST', target: '/v1/domain/list.json', headers: [FORM] },
  { name: 'hostkey', method: 'POST', target: '/eq.php', headers: [FORM] },
  { name: 'sixconnect', method: 'GET', target: '/api/v1/api.php?target=ipam&action=get&apiKey=32-5DAYTJQY2TZHOFOB&hash=abc', headers: [] },
  { name: 'whm', method: 'POST', target: '/json-api/listaccts', headers: [['Authorization', 'whm root:U7HMR63FGY292DQZ4H5BFH16JLYMO01M']] },
  { name: 'cpanel', method: 'POST', target: '/execute/Email/list_pops', headers: [['Authorization', 'cpanel bob:CPANEL0DEMO0TOKEN000000000000001']] },
  { name: 'hostbill bearer', method: 'POST', target: '/api/client/details', headers: [['Authorization', 'Bearer a.b.c']] },
  { name: 'hostbill basic', method: 'PUT', target: '/api/client/details', headers: [['Authorization', 'Basic Y2xpZW50QGV4YW1wbGUuY29tOmRlbW8tcGFzc3dvcmQ=']] },
  { name: 'no scheme', method: 'POST', target: '/nothing/here', headers: [] },
  { name: 'info page', method: 'GET', target: '/', headers: [] },
  { name: 'browser noise', method: 'GET', target: '/favicon.ico', headers: [] },
  { name: 'playground', method: 'GET', target: '/playground/app.js', headers: [] },
  { name: '__proto__', method: 'DELETE', target: '/__proto__/constructor', headers: [] },
];

const CHUNK = 64 * 1024;
const chunkFrame = Buffer.concat([Buffer.from(`${CHUNK.toString(16)}\r\n`), Buffer.alloc(CHUNK, 0x61), Buffer.from('\r\n')]);
const STREAM_MAX = 256 * CHUNK; // 16 MiB: the client would go on; the answer must come long before

const declared = (r: (typeof ROUTES)[number], length: string) => rawRequest(serve.port, httpHead(r.method, r.target, [...r.headers, ['Content-Length', length]]));
const streamed = (r: (typeof ROUTES)[number]) => rawRequest(serve.port, httpHead(r.method, r.target, [...r.headers, ['Transfer-Encoding', 'chunked']]), { chunk: chunkFrame, max: STREAM_MAX });

describe('serve: a body over the cap is 413 on every path, never read to its end', () => {
  it.each(ROUTES.map((r) => [r.name, r] as const))('%s: a declared Content-Length over the cap, before a byte of body', async (_n, r) => {
    const head = httpHead(r.method, r.target, [...r.headers, ['Content-Length', String(10 ** 12)]]);
    const res = await declared(r, String(10 ** 12));
    expect(res.status).toBe(413);
    expect(res.sent).toBe(Buffer.byteLength(head)); // the body was never sent, let alone read
    expect(res.headers['connection']).toBe('close');
  });

  it.each(ROUTES.map((r) => [r.name, r] as const))('%s: a chunked upload that does not stop is cut at the cap', async (_n, r) => {
    const res = await streamed(r);
    expect(res.status).toBe(413);
    expect(res.sent).toBeLessThan(STREAM_MAX / 2);
    expect(res.headers['connection']).toBe('close');
  });

  it('the 413 is in the scheme\'s own envelope and logged as BODY_TOO_LARGE, one line each', async () => {
    const before = serve.lines.length;
    const hd = await declared(ROUTES[2]!, String(CAP + 1));
    expect(JSON.parse(hd.body)).toMatchObject({ error: { message: expect.stringContaining('BODY_TOO_LARGE'), code: 413 }, response: null });
    const hk = await declared(ROUTES[0]!, String(CAP + 1));
    expect(JSON.parse(hk.body)).toMatchObject({ result: -1, code: 'BODY_TOO_LARGE' });
    const lines = serve.lines.slice(before);
    expect(lines).toHaveLength(2);
    for (const l of lines) expect(l).toMatch(/ -> BODY_TOO_LARGE$/);
  });

  it('exactly the cap still goes through (auth.php login answers, not 413)', async () => {
    const prefix = 'action=login&key=demo-hostkey-api-key&pad=';
    const body = prefix + 'x'.repeat(CAP - prefix.length);
    expect(Buffer.byteLength(body)).toBe(CAP);
    const res = await rawRequest(serve.port, httpHead('POST', '/auth.php', [FORM, ['Content-Length', String(CAP)]]) + body);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body).result.token).toMatch(/^[0-9a-f]{32}$/);
  });

  // (A length past 2^64 never reaches serve: node:http's parser answers 400 itself.)
  it('any route, any over-cap length, declared or streamed: 413, and serve keeps answering', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ROUTES), fc.boolean(), fc.bigInt({ min: BigInt(CAP + 1), max: BigInt(Number.MAX_SAFE_INTEGER) }), async (r, stream, len) => {
        const res = stream ? await streamed(r) : await declared(r, len.toString());
        expect(res.status, `${r.name} ${stream ? 'chunked' : len}`).toBe(413);
      }),
      { numRuns: 30 },
    );
    expect((await rawRequest(serve.port, httpHead('GET', '/'))).status).toBe(200);
  });
});
