// The catalogue's place in the layers: core <- rsa <- jwt <- schemes <- diagnose <- {cli, web}.
// diagnose is pure (the page bundles it) and imports nothing above it; the page imports no CLI
// module and no module that declares itself internal; the vector runner and its
// implementations share their types through a module of their own, not through each other.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/wycheproof.js';

const SRC = join(REPO_ROOT, 'src');

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

/** Every module specifier a file imports or re-exports, resolved to a path under src/ when relative. */
function imports(file: string): string[] {
  const src = readFileSync(file, 'utf8');
  return [...src.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+'([^']+)'/g), ...src.matchAll(/import\(\s*'([^']+)'\s*\)/g)].map((m) => {
    const spec = m[1]!;
    return spec.startsWith('.') ? relative(SRC, resolve(dirname(file), spec)).replace(/\.js$/, '.ts') : spec;
  });
}

describe('src/diagnose', () => {
  const files = tsFiles(join(SRC, 'diagnose'));

  it('is pure: no node: module, no Buffer, no process (comments aside)', () => {
    expect(files.length).toBeGreaterThan(5);
    for (const f of files) {
      const code = readFileSync(f, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, '');
      expect(code, relative(SRC, f)).not.toMatch(/from ['"]node:|\bBuffer\b|\bprocess\.\w/);
    }
  });

  it('imports only core, rsa, jwt, schemes, itself and @noble/hashes', () => {
    for (const f of files) {
      for (const i of imports(f)) expect(i, relative(SRC, f)).toMatch(/^(?:core|rsa|jwt|schemes|diagnose)\/|^@noble\/hashes\//);
    }
  });
});

describe('src/web', () => {
  it('imports no CLI module and no module that declares itself internal (rsa/bigint.ts)', () => {
    const internal = tsFiles(SRC).filter((f) => /^\/\*\*[\s\S]*?Internal to `hostsig\//.test(readFileSync(f, 'utf8'))).map((f) => relative(SRC, f));
    expect(internal).toContain('rsa/bigint.ts');
    for (const f of tsFiles(join(SRC, 'web'))) {
      for (const i of imports(f)) {
        expect(i, relative(SRC, f)).not.toMatch(/^cli\//);
        expect(internal, `${relative(SRC, f)} imports ${i}`).not.toContain(i);
      }
    }
  });
});

describe('src/cli/vectors', () => {
  it('the runner imports its implementations and protocol; they do not import the runner back', () => {
    for (const f of ['impls-token.ts', 'protocol.ts']) expect(imports(join(SRC, 'cli', 'vectors', f))).not.toContain('cli/vectors/runner.ts');
  });
});
