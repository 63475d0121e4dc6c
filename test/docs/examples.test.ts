// Doc examples must not rot: every export of a public subpath has a summary, every exported
// function and class an `@example` (and an `@param` per parameter), and every example is
// type-checked and run here against the sources (see extract.ts for the rules).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { exampleModule, publicExports, ROOT } from './extract.js';

const exports = publicExports();
const OUT = join(ROOT, '.vitest-examples');
rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });
const runtime = join(ROOT, 'test', 'docs', 'example-runtime.js');

// Re-exports of a dependency (core's `sha256` is @noble/hashes' own) carry that package's docs,
// whose examples are fragments: they are not run here.
const modules = exports.filter((e) => !e.file.startsWith('node_modules/')).flatMap((e) =>
  e.examples.map((code, i) => {
    const file = join(OUT, `${e.file.replace(/[/.]/g, '_')}__${e.name}__${i}.ts`);
    writeFileSync(file, exampleModule(code, runtime));
    return { id: `${e.name}${e.examples.length > 1 ? ` #${i + 1}` : ''} (${e.file}:${e.line})`, file };
  }),
);

describe('API docs', () => {
  it('every public export has a summary', () => {
    expect(exports.filter((e) => e.doc === '').map((e) => `${e.file}:${e.line} ${e.name}`)).toEqual([]);
  });

  it('every public function and class has an @example', () => {
    const missing = exports.filter((e) => (e.kind === 'function' || e.kind === 'class') && e.examples.length === 0);
    expect(missing.map((e) => `${e.file}:${e.line} ${e.name}`)).toEqual([]);
  });

  it('every parameter of a public function has an @param', () => {
    const missing = exports
      .filter((e) => e.kind === 'function' && !e.file.startsWith('node_modules/'))
      .flatMap((e) => {
        const tagged = [...e.doc.matchAll(/^@param\s+(\S+)/gm)].map((m) => m[1]!);
        return e.params.flatMap((p, i) => (p === null ? (tagged.length > i ? [] : [`#${i + 1}`]) : tagged.includes(p) ? [] : [p])).map((p) => `${e.file}:${e.line} ${e.name}(${p})`);
      });
    expect(missing).toEqual([]);
  });

  it('every example type-checks against the sources', () => {
    const program = ts.createProgram(
      modules.map((m) => m.file),
      {
        target: ts.ScriptTarget.ES2022,
        lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        types: ['node'],
        allowImportingTsExtensions: false,
      },
    );
    const diags = ts.getPreEmitDiagnostics(program).filter((d) => d.file?.fileName.startsWith(OUT));
    const text = diags.map((d) => `${d.file!.fileName.slice(OUT.length + 1)}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    expect(text).toEqual([]);
  });

  it.each(modules.map((m) => [m.id, m.file] as const))('example runs: %s', async (_id, file) => {
    await import(pathToFileURL(file).href);
  });
});
