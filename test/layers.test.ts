// The layers, enforced over all of src/: imports only go down the chain
// core <- rsa <- jwt <- schemes <- {server, diagnose} <- {cli, web}; node: only in the Node-only
// places; no deep import of a module that declares itself internal to another folder.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '../src');

function files(dir: string, rel = ''): string[] {
  return readdirSync(join(dir, rel), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(dir, join(rel, e.name)) : /\.(ts|mts|mjs)$/.test(e.name) ? [join(rel, e.name)] : []));
}

/** The layer a file belongs to: its top folder, `schemes/<name>` for a scheme, `root` for src/*.ts. */
function layerOf(file: string): string {
  const parts = file.split('/');
  if (parts.length === 1) return 'root';
  if (parts[0] === 'schemes') return `schemes/${parts[1]}`;
  return parts[0]!;
}

const BELOW: Record<string, readonly string[]> = {
  core: [],
  rsa: ['core'],
  jwt: ['core', 'rsa'],
  scheme: ['core', 'rsa', 'jwt'],
  node: ['core', 'rsa'],
  server: ['core', 'rsa', 'jwt', 'schemes'],
  diagnose: ['core', 'rsa', 'jwt', 'schemes'],
  cli: ['core', 'rsa', 'jwt', 'schemes', 'server', 'diagnose', 'node'],
  web: ['core', 'rsa', 'jwt', 'schemes', 'diagnose'],
  root: ['core', 'rsa', 'jwt', 'schemes'],
};

/** May a file of layer `from` import one of layer `to`? Schemes never import each other. */
function allowed(from: string, to: string): boolean {
  if (from === to) return true;
  const fromKey = from.startsWith('schemes/') ? 'scheme' : from;
  const toTop = to.startsWith('schemes/') ? 'schemes' : to;
  return (BELOW[fromKey] ?? []).includes(toTop);
}

const NODE_ONLY = (f: string): boolean => f.startsWith('cli/') || f.startsWith('node/') || ['server/node.ts', 'server/express.ts', 'server/fastify.ts'].includes(f);

/** Packages a file may import, besides relative paths and (where NODE_ONLY allows) node: modules. */
function packageAllowed(file: string, spec: string): boolean {
  if (spec.startsWith('@noble/hashes/')) return true;
  const peers: Record<string, readonly string[]> = { 'server/hono.ts': ['hono'], 'server/fastify.ts': ['fastify'], 'server/express.ts': ['express'], 'web/build.mjs': ['esbuild'] };
  // The gateway's optional peers, loaded with import() by the gateway only.
  if (file.startsWith('cli/gateway/') && (spec === 'redis' || spec === 'prom-client')) return true;
  return (peers[file] ?? []).includes(spec);
}

interface Edge {
  from: string;
  to: string;
  typeOnly: boolean;
}

function importsOf(file: string): { specs: Edge[]; node: string[]; packages: string[] } {
  const src = readFileSync(join(SRC, file), 'utf8');
  const specs: Edge[] = [];
  const node: string[] = [];
  const packages: string[] = [];
  for (const m of src.matchAll(/^\s*(import|export)\s+(type\s+)?[^;]*?\sfrom\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gm)) {
    const spec = m[3] ?? m[4]!;
    if (spec.startsWith('node:')) node.push(spec);
    else if (!spec.startsWith('.')) packages.push(spec);
    if (!spec.startsWith('.')) continue;
    const target = normalize(join(dirname(file), spec)).replace(/\.js$/, '.ts');
    specs.push({ from: file, to: target, typeOnly: Boolean(m[2]) });
  }
  return { specs, node, packages };
}

const all = files(SRC);
const internal = new Map(
  all.flatMap((f) => {
    // Only the module's own header comment counts (a function may be internal in a public module).
    const head = /^\/\*\*[\s\S]*?\*\//.exec(readFileSync(join(SRC, f), 'utf8'))?.[0] ?? '';
    const m = /Internal to `hostsig\/([a-z/]+)`/.exec(head);
    return m ? [[f, dirname(f)] as const] : [];
  }),
);

describe('layers over all of src/', () => {
  it('finds the folders it judges', () => {
    expect(new Set(all.map(layerOf))).toEqual(expect.objectContaining({ size: expect.any(Number) }));
    for (const l of ['core', 'rsa', 'jwt', 'schemes/hostdime', 'server', 'cli', 'web', 'node']) expect(all.map(layerOf)).toContain(l);
  });

  it('imports only go down the chain (type-only imports included)', () => {
    const up = all.flatMap((f) => importsOf(f).specs.filter((e) => !allowed(layerOf(e.from), layerOf(e.to))).map((e) => `${e.from} -> ${e.to}`));
    expect(up).toEqual([]);
  });

  it('node: modules only in cli, node/ and the Node server adapters; Buffer and process likewise', () => {
    const bad = all.flatMap((f) => {
      if (NODE_ONLY(f) || f.startsWith('web/build')) return [];
      const src = readFileSync(join(SRC, f), 'utf8');
      const hits = importsOf(f).node.map((n) => `${f}: ${n}`);
      if (/\bBuffer\.|\bprocess\.\w/.test(src.replace(/\/\/.*$|\/\*[\s\S]*?\*\//gm, ''))) hits.push(`${f}: Buffer/process`);
      return hits;
    });
    expect(bad).toEqual([]);
  });

  it('no package but @noble/hashes, and each framework only in its own adapter', () => {
    const bad = all.flatMap((f) => importsOf(f).packages.filter((p) => !packageAllowed(f, p)).map((p) => `${f}: ${p}`));
    expect(bad).toEqual([]);
  });

  it('server plug-ins import no other plug-in', () => {
    const bad = all.filter((f) => f.startsWith('server/schemes/')).flatMap((f) => importsOf(f).specs.filter((e) => e.to.startsWith('server/schemes/') && e.to !== e.from).map((e) => `${e.from} -> ${e.to}`));
    expect(bad).toEqual([]);
  });

  it('every subpath export of package.json has its source under src/', () => {
    const pkg = JSON.parse(readFileSync(join(SRC, '../package.json'), 'utf8')) as { exports: Record<string, { types?: string; default?: string } | string> };
    for (const [sub, e] of Object.entries(pkg.exports)) {
      if (typeof e === 'string') continue;
      expect(e.default, sub).toMatch(/^\.\/dist\/.*\.js$/);
      expect(e.types, sub).toBe(e.default!.replace(/\.js$/, '.d.ts'));
      expect(all, sub).toContain(e.default!.replace(/^\.\/dist\//, '').replace(/\.js$/, '.ts'));
    }
  });

  it('no deep import of a module that declares itself internal to another folder', () => {
    expect(internal.size).toBeGreaterThan(0);
    const bad = all.flatMap((f) => importsOf(f).specs.filter((e) => internal.has(e.to) && !dirname(e.from).startsWith(internal.get(e.to)!)).map((e) => `${e.from} -> ${e.to}`));
    expect(bad).toEqual([]);
  });

  it('no import cycle between files, type-only ones included', () => {
    const graph = new Map<string, string[]>();
    for (const f of all) graph.set(f, importsOf(f).specs.map((e) => e.to));
    const cycles: string[] = [];
    const state = new Map<string, 1 | 2>();
    const stack: string[] = [];
    const visit = (f: string): void => {
      state.set(f, 1);
      stack.push(f);
      for (const t of graph.get(f) ?? []) {
        if (state.get(t) === 1) cycles.push([...stack.slice(stack.indexOf(t)), t].map((x) => relative('.', x)).join(' -> '));
        else if (!state.has(t) && graph.has(t)) visit(t);
      }
      stack.pop();
      state.set(f, 2);
    };
    for (const f of all) if (!state.has(f)) visit(f);
    expect(cycles).toEqual([]);
  });
});
