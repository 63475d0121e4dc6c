// Attack class: file names from the URL against the playground's file table. A name that is a
// property of Object.prototype (`constructor`, `__proto__`, `toString`) used to be found in the
// table and answered 500 (ENOENT); traversal and encoded names must not reach the disk either.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpHead, rawRequest, type Serve, startServe } from './serve-helpers.js';

let serve: Serve;
beforeAll(async () => {
  // A built page without style.css: a table entry whose file is missing is a 404 too.
  const dir = join(mkdtempSync(join(tmpdir(), 'hostsig-pg-')), 'playground') + '/';
  mkdirSync(dir);
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>pg</title>');
  writeFileSync(join(dir, 'app.js'), 'void 0;');
  writeFileSync(join(dir, '..', 'secret.txt'), 'not for the web');
  serve = await startServe({ playgroundDir: dir });
});
afterAll(() => serve.close());

const get = (target: string, method = 'GET') => rawRequest(serve.port, httpHead(method, target));

const PROTO_NAMES = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', '__defineGetter__', 'prototype'];

describe('serve: the playground file table never reaches Object.prototype', () => {
  it.each(PROTO_NAMES)('GET /playground/%s is a quiet 404', async (name) => {
    const r = await get(`/playground/${name}`);
    expect(r.status).toBe(404);
    expect(r.body).toBe('not found\n');
    expect((await get(`/playground/${name}`, 'HEAD')).status).toBe(404);
  });

  it.each([
    '/playground/%2e%2e/',
    '/playground/%2e%2e/secret.txt',
    '/playground/../secret.txt',
    '/playground/..%2fsecret.txt',
    '/playground/%2e%2e%2fsecret.txt',
    '/playground/app%2ejs',
    '/playground/app.js%00',
    '/playground/app.js/',
    '/playground//app.js',
    '/playground/style.css', // in the table, missing from this build
    `/playground/${'a'.repeat(8000)}`,
    `/playground/${'%2e%2e/'.repeat(1000)}`,
  ].map((t) => [t.length > 60 ? `${t.slice(0, 40)}... (${t.length} chars)` : t, t]))('%s is a quiet 404, nothing read from outside the page', async (_label, target) => {
    const r = await get(target);
    expect(r.status).toBe(404);
    expect(r.body).not.toContain('not for the web');
  });

  it('the page itself still answers: 302 to /playground/, index.html, app.js', async () => {
    expect((await get('/playground')).status).toBe(302);
    expect((await get('/playground/')).body).toContain('<title>pg</title>');
    expect((await get('/playground/app.js')).status).toBe(200);
  });

  it('any name: 200 only for a file of the page, else 302/404, never 5xx, no log line', async () => {
    const name = fc.oneof(
      fc.constantFrom(...PROTO_NAMES, 'index.html', 'app.js', 'style.css', '', '.', '..', '%2e%2e', '%00'),
      fc.string({ maxLength: 40 }).map((s) => encodeURIComponent(s)),
      fc.array(fc.constantFrom(...PROTO_NAMES, '..', '%2e%2e', '%2f', '/', 'app.js', '\u0000'), { maxLength: 6 }).map((a) => a.join('').replace(/\u0000/g, '%00')),
    );
    const before = serve.lines.length;
    await fc.assert(
      fc.asyncProperty(name, async (n) => {
        const r = await get(`/playground/${n}`);
        expect(r.status, n).toBeLessThan(500);
        if (r.status === 200) expect(['', 'index.html', 'app.js']).toContain(n);
        else expect(r.status, n).toBe(404);
      }),
      { numRuns: 120 },
    );
    expect(serve.lines.slice(before)).toEqual([]);
  });
});
