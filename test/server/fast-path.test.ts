import { describe, expect, it, vi } from 'vitest';
import { MemoryNonceStore } from '../../src/core/nonce.js';
import * as method from '../../src/schemes/hostdime/method.js';
import { signHostDime, verifyHostDime } from '../../src/schemes/hostdime/index.js';
import { createVerifier, normalizeHead, readBody } from '../../src/server/index.js';

// The per-request work of the HTTP path, counted (not timed), and the exact shapes its faster
// code must keep.

vi.mock('../../src/schemes/hostdime/method.js', async (importOriginal) => {
  const m = await importOriginal<typeof import('../../src/schemes/hostdime/method.js')>();
  return { ...m, hostDimePathToMethod: vi.fn(m.hostDimePathToMethod) };
});

const NOW = 1_700_000_000;
const clock = () => NOW;
const enc = new TextEncoder();
const sign = (params: [string, string][] = [['status', 'registered']], unique?: string) =>
  signHostDime({ publicKey: 'pub', privateKey: 'priv', method: 'domain.list', params, timestamp: NOW, ...(unique ? { unique } : {}) });

describe('HostDime on the HTTP path', () => {
  it('parses a repeated request path once for detection, not once per request', async () => {
    const v = createVerifier({ clock, schemes: { hostdime: { lookup: (k) => (k === 'pub' ? 'priv' : null), nonces: false } } });
    const path = '/api/v1/domain/list.json';
    const parse = vi.mocked(method.hostDimePathToMethod);
    const before = parse.mock.calls.filter(([p]) => p === path).length;
    for (let i = 0; i < 5; i++) {
      const s = sign();
      expect(await v.verify({ method: 'POST', url: path, headers: {}, body: s.body })).toMatchObject({ ok: true, scheme: 'hostdime' });
    }
    expect(parse.mock.calls.filter(([p]) => p === path).length - before).toBeLessThanOrEqual(2);
    // Detection answers stay right past the cache: many paths, and paths too long to keep.
    for (let i = 0; i < 600; i++) {
      expect(v.detect({ method: 'POST', url: '', path: `/v1/m${i}/a.json`, query: '', headers: {} })).toBe('hostdime');
      expect(v.detect({ method: 'POST', url: '', path: `/v2/m${i}/a.json`, query: '', headers: {} })).toBe(null);
    }
    const long = `/v1/${'a'.repeat(300)}/b.json`;
    for (let i = 0; i < 2; i++) expect(v.detect({ method: 'POST', url: long, path: long, query: '', headers: {} })).toBe('hostdime');
    for (let i = 0; i < 2; i++) expect(v.detect({ method: 'POST', url: `${long}x`, path: `${long}x`, query: '', headers: {} })).toBe(null);
  });

  it('keeps each request its own JSON while lookups are pending: interleaved verifications, answers in any order', async () => {
    const requests = Array.from({ length: 40 }, (_, i) => sign([[`f${i}`, `value ${i} é/"`], ['n', String(i)]], `u-${i}`));
    const nonces = new MemoryNonceStore({ clock });
    // Resolve the lookups in reverse order of the calls, after every request was parsed.
    const waiting: (() => void)[] = [];
    const lookup = (k: string) => new Promise<string | null>((resolve) => waiting.push(() => resolve(k === 'pub' ? 'priv' : null)));
    const tampered = requests.map((r, i) => (i % 3 === 0 ? r.body.replace(`value+${i}`, `value+${i + 1}`) : r.body));
    const results = tampered.map((body, i) => verifyHostDime({ path: requests[i]!.path, body }, { lookup, nonces, now: NOW }));
    await Promise.resolve();
    for (const go of waiting.reverse()) go();
    const answers = await Promise.all(results);
    answers.forEach((a, i) => expect(a, `request ${i}`).toMatchObject(i % 3 === 0 ? { ok: false, code: 'SIGNATURE_INVALID' } : { ok: true, unique: `u-${i}` }));
  });

  it('maps every lookup shape as before: value, promise, thenable, throw, rejection, junk', async () => {
    const s = sign();
    const req = { path: s.path, body: s.body };
    const at = (lookup: (k: string) => unknown) => verifyHostDime(req, { lookup: lookup as never, now: NOW });
    expect(await at(() => 'priv')).toMatchObject({ ok: true });
    expect(await at(async () => 'priv')).toMatchObject({ ok: true });
    expect(await at(() => ({ then: (ok: (v: string) => void) => ok('priv') }))).toMatchObject({ ok: true });
    for (const junk of [null, undefined, '', 5, {}, ['priv']]) {
      expect(await at(() => junk), String(junk)).toMatchObject({ ok: false, code: 'UNKNOWN_KEY' });
      expect(await at(async () => junk), String(junk)).toMatchObject({ ok: false, code: 'UNKNOWN_KEY' });
    }
    expect(await at(() => 'wrong')).toMatchObject({ ok: false, code: 'SIGNATURE_INVALID' });
    for (const bad of [
      () => {
        throw new Error('db down: secret=hunter2');
      },
      () => Promise.reject(new Error('x')),
      () => ({ then: () => { throw new Error('x'); } }),
      () => Object.defineProperty({}, 'then', { get: () => { throw new Error('x'); } }),
    ]) {
      const r = await at(bad);
      expect(r).toMatchObject({ ok: false, code: 'LOOKUP_FAILED', message: 'key lookup failed' });
      expect(JSON.stringify(r)).not.toContain('hunter2');
    }
  });

  it('hashes a privateKey option that is not a string as its String(), as the template did', async () => {
    const s = signHostDime({ publicKey: 'pub', privateKey: '12345', method: 'domain.list', params: [['a', '1']], timestamp: NOW });
    expect(await verifyHostDime({ path: s.path, body: s.body }, { privateKey: 12345 as never, now: NOW })).toMatchObject({ ok: true });
  });
});

describe('the request as plug-ins and results see it', () => {
  const s = sign();
  const body = enc.encode(s.body);

  it('normalizeHead: the same fields, in order, clientIp only when given', () => {
    expect(Object.entries(normalizeHead({ method: 'post', url: '/v1/a/b.json?x=1#f', headers: { 'X-A': '1' } }))).toEqual([
      ['method', 'POST'],
      ['url', '/v1/a/b.json?x=1#f'],
      ['path', '/v1/a/b.json'],
      ['query', 'x=1'],
      ['headers', { 'x-a': '1' }],
    ]);
    expect(Object.keys(normalizeHead({ method: 'GET', url: 'https://h/p?q', headers: {}, clientIp: '10.0.0.1' }))).toEqual(['method', 'url', 'path', 'query', 'headers', 'clientIp']);
    expect(normalizeHead({ method: 'GET', url: 'https://h/p?q', clientIp: '10.0.0.1' })).toMatchObject({ path: '/p', query: 'q', clientIp: '10.0.0.1' });
    expect(normalizeHead({ method: 'GET', url: '//h/p?q' })).toMatchObject({ path: '//h/p', query: 'q' });
    for (const m of ['PO ST', '', 'GET\n', 'G(T', 'x'.repeat(33), 5, null]) {
      expect(() => normalizeHead({ method: m as never, url: '/' }), String(m)).toThrow(expect.objectContaining({ code: 'BODY_MALFORMED' }));
    }
    expect(normalizeHead({ method: 'm-search', url: '/' }).method).toBe('M-SEARCH');
  });

  it('readBody: a declared content-length is refused only when all digits and over the cap', async () => {
    for (const declared of ['11', '0011', '99999999999999999999']) await expect(readBody(body, 10, { 'content-length': declared })).rejects.toMatchObject({ code: 'BODY_TOO_LARGE' });
    // Not all digits: the declared length is ignored and the real size decides.
    for (const declared of ['', ' 11', '+11', '1e9', '11 ', '-1', '１１']) expect(await readBody(new Uint8Array(3), 10, { 'content-length': declared }), declared).toHaveLength(3);
    expect(await readBody(new Uint8Array(3), 10, { 'content-length': '10' })).toHaveLength(3);
  });

  it('a success carries the request frozen, with clientIp as the head had it, not enumerable', async () => {
    const lookup = (k: string) => (k === 'pub' ? 'priv' : null);
    const cases: [Record<string, unknown>, Record<string, unknown>, string[]][] = [
      [{}, {}, ['method', 'url', 'path', 'query', 'headers', 'body']],
      [{}, { clientIp: '10.0.0.9' }, ['method', 'url', 'path', 'query', 'headers', 'clientIp', 'body']],
      [{ clientIp: () => '192.0.2.1' }, { clientIp: '10.0.0.9' }, ['method', 'url', 'path', 'query', 'headers', 'clientIp', 'body']],
      [{ clientIp: () => 5 }, {}, ['method', 'url', 'path', 'query', 'headers', 'clientIp', 'body']],
    ];
    for (const [options, extra, keys] of cases) {
      const v = createVerifier({ clock, ...options, schemes: { hostdime: { lookup, nonces: false } } });
      const r = await v.verify({ method: 'POST', url: s.path, headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body, ...extra });
      expect(r.ok).toBe(true);
      if (!r.ok) continue;
      expect(Object.keys(r)).toEqual(['ok', 'scheme', 'identity', 'detail']);
      expect(Object.getOwnPropertyDescriptor(r, 'request')).toMatchObject({ enumerable: false, writable: false, configurable: false });
      expect(Object.keys(r.request)).toEqual(keys);
      expect(Object.isFrozen(r.request)).toBe(true);
      expect(r.request.body).toBe(body);
      expect(r.request.clientIp).toBe(typeof options.clientIp === 'function' ? ((options.clientIp as () => unknown)() === '192.0.2.1' ? '192.0.2.1' : undefined) : extra.clientIp);
      expect(r.request.headers).toEqual({ 'content-type': 'application/x-www-form-urlencoded' });
    }
  });
});

describe('body shapes through the verifier (read without an async function in between)', () => {
  const s = sign();
  const lookup = (k: string) => (k === 'pub' ? 'priv' : null);
  const v = createVerifier({ clock, maxBodyBytes: 1024, schemes: { hostdime: { lookup, nonces: false } } });
  const at = (body: unknown, headers: Record<string, string> = {}) => v.verify({ method: 'POST', url: s.path, headers, body: body as never });

  it('accepts the body as bytes, an ArrayBuffer, a string, a reader or a stream', async () => {
    const bytes = enc.encode(s.body);
    for (const body of [bytes, bytes.slice().buffer, s.body, () => Promise.resolve(bytes), () => bytes, new Response(s.body).body]) {
      expect(await at(body)).toMatchObject({ ok: true, scheme: 'hostdime' });
    }
  });

  it('refuses the same things with the same codes, sync or async, and readBody still rejects rather than throws', async () => {
    const big = 'x'.repeat(2000);
    expect(await at(big)).toMatchObject({ ok: false, code: 'BODY_TOO_LARGE', status: 413 });
    expect(await at(enc.encode(big))).toMatchObject({ ok: false, code: 'BODY_TOO_LARGE' });
    expect(await at(() => Promise.resolve(enc.encode(big)))).toMatchObject({ ok: false, code: 'BODY_TOO_LARGE' });
    expect(await at(new Response(big).body)).toMatchObject({ ok: false, code: 'BODY_TOO_LARGE' });
    expect(await at(s.body, { 'content-length': '5000' })).toMatchObject({ ok: false, code: 'BODY_TOO_LARGE' });
    expect(await at(() => 'not bytes')).toMatchObject({ ok: false, code: 'BODY_MALFORMED', status: 400 });
    expect(await at(() => Promise.resolve(5))).toMatchObject({ ok: false, code: 'BODY_MALFORMED' });
    expect(await at(() => { throw new Error('reader broke'); })).toMatchObject({ ok: false, code: 'BODY_MALFORMED' });
    expect(await at(() => Promise.reject(new Error('reader broke')))).toMatchObject({ ok: false, code: 'BODY_MALFORMED' });
    expect(await at(5)).toMatchObject({ ok: false, code: 'BODY_MALFORMED' });
    expect(await at({})).toMatchObject({ ok: false, code: 'BODY_MALFORMED' });
    const pending = readBody(5, 10, {});
    expect(pending).toBeInstanceOf(Promise);
    await expect(pending).rejects.toMatchObject({ code: 'BODY_MALFORMED' });
    await expect(readBody('x'.repeat(11), 10, {})).rejects.toMatchObject({ code: 'BODY_TOO_LARGE' });
    expect(await readBody(null, 10, {})).toHaveLength(0);
  });
});
