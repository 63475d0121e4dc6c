// The API reference builds with every warning an error: each export and each of its members
// (properties, accessors, methods, constructors) documented, no broken {@link}, nothing
// referenced that is not exported (typedoc.json's validation settings). The landing page is
// docs/api-intro.md, naming every public subpath.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { publicEntries } from './extract.js';

const ROOT = join(import.meta.dirname, '..', '..');
const TYPEDOC = join(ROOT, 'node_modules', 'typedoc', 'bin', 'typedoc');

/** Runs typedoc in `cwd`; the log without colours, and the exit status. */
function typedoc(cwd: string, args: string[]): { log: string; status: number | null } {
  const r = spawnSync(process.execPath, [TYPEDOC, ...args], { cwd, encoding: 'utf8' });
  return { log: `${r.stdout}\n${r.stderr}`.replace(/\x1b\[[0-9;]*m/g, '').trim(), status: r.status };
}

/** `hostsig/server/node` -> typedoc's page for that module, `modules/hostsig_server_node.html`. */
const modulePage = (spec: string): string => `modules/${spec.replace(/\//g, '_')}.html`;

it('typedoc builds the site with warnings as errors, with the intro on its landing page', () => {
  const out = mkdtempSync(join(tmpdir(), 'hostsig-typedoc-'));
  try {
    // --disableSources: source links come from the clone's git remote (a checkout without an
    // `origin` warns), which says nothing about the docs themselves.
    const { log, status } = typedoc(ROOT, ['--out', out, '--treatWarningsAsErrors', '--logLevel', 'Warn', '--disableSources']);
    expect(log, 'typedoc warnings').toBe('');
    expect(status).toBe(0);
    const index = readFileSync(join(out, 'index.html'), 'utf8');
    expect(index).toContain('hostsig API reference');
    // Every subpath of package.json `exports` is a module named after it (an `@module` tag),
    // linked from the intro's table.
    for (const spec of publicEntries().keys()) {
      expect(existsSync(join(out, modulePage(spec))), `${spec} has no module page`).toBe(true);
      expect(index, `the intro does not link ${spec}`).toContain(`href="${modulePage(spec)}"`);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}, 180_000);

it("typedoc.json's settings fail the build on a property without a description", () => {
  // A fixture built with the project's own validation settings: of an interface's two members,
  // the one without a description must be the only warning, and must fail `npm run docs`
  // (typedoc without --treatWarningsAsErrors).
  const project = JSON.parse(readFileSync(join(ROOT, 'typedoc.json'), 'utf8')) as Record<string, unknown>;
  const dir = mkdtempSync(join(tmpdir(), 'hostsig-typedoc-fixture-'));
  try {
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, target: 'es2022', module: 'nodenext', lib: ['es2022'], types: [], skipLibCheck: true }, files: ['index.ts'] }));
    writeFileSync(
      join(dir, 'typedoc.json'),
      JSON.stringify({
        name: 'fixture',
        entryPoints: ['index.ts'],
        tsconfig: 'tsconfig.json',
        readme: 'none',
        disableSources: true,
        emit: 'none',
        validation: project['validation'],
        requiredToBeDocumented: project['requiredToBeDocumented'],
        treatWarningsAsErrors: project['treatWarningsAsErrors'],
        treatValidationWarningsAsErrors: project['treatValidationWarningsAsErrors'],
      }),
    );
    writeFileSync(join(dir, 'index.ts'), '/** A request. */\nexport interface Fixture {\n  /** The path. */\n  path: string;\n  body: string;\n}\n');
    const { log, status } = typedoc(dir, ['--logLevel', 'Warn']);
    const lines = log.split('\n').map((l) => l.replace(/^\[(?:warning|error)\] /, ''));
    expect(lines).toEqual([expect.stringMatching(/^Fixture\.body \(Property\), .* does not have any documentation$/), expect.stringMatching(/^Found 0 errors and 1 warnings$/)]);
    expect(status).not.toBe(0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);
