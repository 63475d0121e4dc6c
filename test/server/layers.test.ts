import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const SERVER = join(import.meta.dirname, '../../src/server');
const NODE_ONLY = new Set(['node.ts', 'express.ts', 'fastify.ts']);

function files(dir: string, rel = ''): string[] {
  return readdirSync(join(dir, rel), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(dir, join(rel, e.name)) : [join(rel, e.name)]));
}

describe('server layering', () => {
  it('only the node adapters touch node: modules or Buffer; the rest runs on Workers', () => {
    const checked: string[] = [];
    for (const f of files(SERVER)) {
      if (NODE_ONLY.has(f)) continue;
      const src = readFileSync(join(SERVER, f), 'utf8');
      expect(src, f).not.toMatch(/from ['"]node:|require\(['"]node:|\bBuffer\b|\bprocess\.\w/);
      checked.push(f);
    }
    expect(checked).toEqual(expect.arrayContaining(['index.ts', 'redis.ts', 'envelopes.ts', 'verifier.ts', 'request.ts', 'hono.ts', 'schemes/hostdime.ts', 'schemes/sixconnect.ts']));
  });

  it('the server never imports from the CLI, and plug-ins import no other plug-in', () => {
    for (const f of files(SERVER)) {
      const src = readFileSync(join(SERVER, f), 'utf8');
      expect(src, f).not.toMatch(/from ['"][./]*cli\//);
      if (f.startsWith('schemes/')) expect(src, f).not.toMatch(/from ['"]\.\/[a-z]+\.js['"]/);
    }
  });

  it('every subpath export points at a built file', async () => {
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '../../package.json'), 'utf8')) as { exports: Record<string, { types?: string; default?: string } | string> };
    for (const sub of ['./server', './server/node', './server/express', './server/fastify', './server/hono']) {
      const e = pkg.exports[sub];
      expect(e, sub).toEqual({ types: `./dist/${sub.slice(2) === 'server' ? 'server/index' : sub.slice(2)}.d.ts`, default: `./dist/${sub.slice(2) === 'server' ? 'server/index' : sub.slice(2)}.js` });
    }
  });
});
