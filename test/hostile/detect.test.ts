// Attack class: hostile request heads (paths, queries, headers) against request normalization
// and scheme detection, on a verifier with all five schemes. Long runs of the characters the
// detectors and parsers look for (`/`, `/v1`, `.php`, `&`, `=`, `%`, spaces, tabs, commas) and
// 1 MB headers: `verify` always resolves, never with a status outside 400/401/403/413/503, and
// its time grows linearly (10x the input must cost < 40x the time, best of several runs).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { STATUS_BY_CODE } from '../../src/server/envelopes.js';
import { MemoryHostKeyTokenStore } from '../../src/schemes/hostkey/index.js';
import { createVerifier, MAX_AUTHORIZATION_LENGTH, type VerifiableRequest } from '../../src/server/index.js';

const v = createVerifier({
  maxBodyBytes: 4 * 1024 * 1024,
  schemes: {
    whm: { lookup: () => [] },
    hostbill: { basic: { verify: () => false }, bearer: { key: () => null as never } },
    sixconnect: { secretKey: 's' },
    hostdime: { privateKey: 'fazbaz' },
    hostkey: { store: new MemoryHostKeyTokenStore() },
  },
});

const ALLOWED = [400, 401, 403, 413, 503];

/** Resolves (never rejects), refuses, with a known code, an allowed status and a JSON body. */
async function expectRefused(req: VerifiableRequest): Promise<void> {
  const r = await v.verify(req);
  expect(r.ok).toBe(false);
  if (r.ok) return;
  expect(ALLOWED).toContain(r.status);
  expect(Object.keys(STATUS_BY_CODE)).toContain(r.code);
  expect(() => JSON.parse(r.body)).not.toThrow();
}

/** Best-of-`runs` milliseconds of one `verify` of `mk(n)` (the input is built outside the timing). */
async function bestMs(mk: (n: number) => VerifiableRequest, n: number, runs: number): Promise<number> {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const req = mk(n);
    const t0 = performance.now();
    await v.verify(req);
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

/**
 * 10x the input costs < 40x the time (a quadratic path costs about 100x). The small size's time
 * has a floor of 0.05 ms so that timer granularity on a tiny linear run is not read as growth.
 */
async function expectLinear(mk: (n: number) => VerifiableRequest, n: number, runs = 5): Promise<void> {
  await v.verify(mk(n)); // warm-up: compile the paths taken
  const small = await bestMs(mk, n, runs);
  const large = await bestMs(mk, 10 * n, runs);
  expect(large, `n=${n}: ${small.toFixed(3)} ms, 10n: ${large.toFixed(3)} ms`).toBeLessThan(40 * Math.max(small, 0.05));
}

const get = (url: string, headers: Record<string, string> = {}): VerifiableRequest => ({ method: 'GET', url, headers });
const post = (url: string, body: string, headers: Record<string, string> = {}): VerifiableRequest => ({ method: 'POST', url, headers, body });
/** `piece` repeated to about `n` characters. */
const run = (piece: string, n: number) => piece.repeat(Math.max(1, Math.round(n / piece.length)));

type Shape = [name: string, mk: (n: number) => VerifiableRequest, n?: number];

// Paths, queries and non-credential headers: n = 20k characters against 200k by default.
const HEAD_SHAPES: Shape[] = [
  ['path: a run of /', (n) => post(run('/', n), '')],
  // Small n: while quadratic, 200k characters would take minutes.
  ['path: a run of /v1', (n) => post(run('/v1', n), ''), 2_000],
  ['path: a run of /v1/a with no format', (n) => post(`${run('/v1/a', n)}.jso`, ''), 2_000],
  ['path: a run of .php segments, then junk', (n) => post(`/${run('a.php', n)}x`, '')],
  ['path: a run of 63-character segments, then .ph', (n) => post(`${run(`/${'a'.repeat(63)}`, n)}.ph`, '')],
  ['path: a run of /json-api/ (WHM envelope)', (n) => get(`${run('/json-api/', n)}${'a'.repeat(70)}`, { authorization: 'whm root:x' })],
  ['path: a run of %, spaces and tabs', (n) => post(run('/%2 \t', n), '')],
  ['url: a scheme-like run without ://', (n) => get(`${run('a', n)}:/`)],
  ['url: an authority run', (n) => get(`http://${run('a.', n)}`)],
  ['query: a run of &', (n) => get(`/?apiKey=a${run('&', n)}&hash=x`)],
  ['query: a run of =', (n) => get(`/?apiKey=${run('=', n)}&hash=x`)],
  ['query: a run of &hash=', (n) => get(`/?apiKey=a${run('&hash=', n)}`)],
  ['query: a run of apiKey=', (n) => get(`/?${run('apiKey=', n)}`)],
  ['query: a run of %', (n) => get(`/?apiKey=a&hash=${run('%', n)}`)],
  ['query: a run of spaces and +', (n) => get(`/?apiKey=a&hash=${run(' +', n)}x`)],
  ['header: a long non-credential header and content-length', (n) => get('/', { 'x-pad': run('a, ', n), 'content-length': run('9', n) })],
  ['header: many names', (n) => ({ method: 'GET', url: '/', headers: Array.from({ length: Math.round(n / 10) }, (_, i) => [`x-${i % 7}`, 'v'] as [string, string]) })],
  // Over the 8 KiB cap from the small size on: refused before any scheme parser scans it.
  ['header: authorization over the cap, 10 KB against 100 KB', (n) => get('/', { authorization: `Basic ${run(' \t', n)}x` }), 10_000],
];

// Authorization values are capped at 8 KiB: 800 characters against 8000, both under the cap.
// (WHM's parser has its own 4200 cap and its whitespace trim is h13-whm's, tested there.)
const AUTH_SHAPES: Shape[] = [
  ['authorization: Basic + a run of spaces', (n) => get('/', { authorization: `Basic${run(' ', n)}x` })],
  ['authorization: Bearer + a run of spaces and tabs', (n) => get('/', { authorization: `Bearer${run(' \t', n)}x` })],
  ['authorization: a run of base64 characters', (n) => get('/', { authorization: `Basic ${run('QUFB', n)}=` })],
  ['authorization: a run of JWT-like segments', (n) => get('/', { authorization: `Bearer ${run('a.', n)}a` })],
  ['authorization: whm + a run of :', (n) => get('/json-api/listaccts', { authorization: `whm ${run(':', n)}` })],
];

describe('hostile heads through createVerifier(...).verify: linear time', () => {
  const cases = [...HEAD_SHAPES.map(([name, mk, n]) => [name, mk, n ?? 20_000] as const), ...AUTH_SHAPES.map(([name, mk, n]) => [name, mk, n ?? 800] as const)];
  for (const [name, mk, n] of cases) {
    it(name, () => expectLinear(mk, n));
  }
});

describe('1 MB headers', () => {
  it('a 1 MB Authorization of any shape is AUTH_HEADER_MALFORMED (401) at normalization', async () => {
    for (const piece of ['A', 'a.', ':', '%', ',', 'Basic ', 'whm root:', ' ', '\t']) {
      for (const value of [`Basic ${run(piece, 1 << 20)}`, `Bearer ${run(piece, 1 << 20)}`, `whm root:${run(piece, 1 << 20)}`, run(piece, 1 << 20)]) {
        const r = await v.verify(get('/json-api/listaccts', { authorization: value }));
        expect(r).toMatchObject({ ok: false, scheme: null, code: 'AUTH_HEADER_MALFORMED', status: 401 });
      }
    }
  });

  it(`an Authorization of exactly ${MAX_AUTHORIZATION_LENGTH} characters reaches the scheme`, async () => {
    const value = `Basic ${'A'.repeat(MAX_AUTHORIZATION_LENGTH - 'Basic '.length)}`;
    const r = await v.verify(get('/', { authorization: value }));
    expect(r).toMatchObject({ ok: false, scheme: 'hostbill', code: 'AUTH_HEADER_MALFORMED', status: 401 });
  });
});

// Generators: runs of the characters detectors look for, mixed with arbitrary text.
const PIECES = ['/', '/v1', '/v1/', '/v1/a', '.php', '.json', '/json-api/', '/execute/', '&', '=', '&hash=', 'apiKey=', 'hash', '%', '%2', '%00', '+', ' ', '\t', ',', ':', '[', ']', 'a', '__proto__', 'constructor', 'prototype', 'token=', '\u0000', 'é', '😀'];
const hostile = fc
  .array(fc.oneof(fc.tuple(fc.constantFrom(...PIECES), fc.integer({ min: 1, max: 2000 })).map(([p, k]) => p.repeat(k)), fc.string({ maxLength: 20 })), { maxLength: 4 })
  .map((parts) => parts.join(''));
const authPrefix = fc.constantFrom('', 'Basic', 'Basic ', 'Bearer', 'Bearer ', 'whm', 'whm ', 'WHM root:', 'cpanel bob:', 'Negotiate ');
const request = fc.record({
  method: fc.constantFrom('GET', 'POST', 'PUT', 'post', 'X'.repeat(40), 'G E T'),
  absolute: fc.boolean(),
  path: hostile,
  query: fc.option(hostile, { nil: undefined }),
  auth: fc.option(fc.tuple(authPrefix, hostile).map(([p, h]) => p + h), { nil: undefined }),
  extra: fc.option(fc.tuple(fc.constantFrom('x-forwarded-for', 'content-type', 'content-length', '__proto__', 'constructor'), hostile), { nil: undefined }),
  body: fc.option(hostile, { nil: undefined }),
});

describe('hostile heads through createVerifier(...).verify: always a typed refusal', () => {
  it('property: resolves, refuses, status in 400/401/403/413/503, known code, JSON body', async () => {
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const headers = Object.create(null) as Record<string, string>;
        if (r.auth !== undefined) headers['authorization'] = r.auth;
        if (r.extra !== undefined) headers[r.extra[0]] = r.extra[1];
        const url = `${r.absolute ? 'https://h.test' : ''}/${r.path}${r.query !== undefined ? `?${r.query}` : ''}`;
        await expectRefused({ method: r.method, url, headers, ...(r.body !== undefined ? { body: r.body } : {}) });
      }),
      { numRuns: 300 },
    );
  });
});
