// Finds every export the package's subpaths reach and the `@example` blocks of their JSDoc, and
// turns each block into a module that runs it: `hostsig/<subpath>` imports are rewritten to the
// sources, and a statement ending in `// => VALUE` becomes a check that it evaluates to VALUE
// (`toMatchObject` for a plain object, `toEqual` otherwise); `// => throws CODE` checks that it
// throws a HostsigError with that code. Used by examples.test.ts.
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

export const ROOT = join(import.meta.dirname, '..', '..');

/** `hostsig` and `hostsig/<name>` -> the source file of each public subpath. */
export function publicEntries(): Map<string, string> {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { exports: Record<string, unknown> };
  const out = new Map<string, string>();
  for (const [sub, target] of Object.entries(pkg.exports)) {
    if (typeof target !== 'object' || target === null) continue;
    const js = (target as { default?: string }).default;
    if (!js?.startsWith('./dist/')) continue;
    const spec = sub === '.' ? 'hostsig' : `hostsig/${sub.slice(2)}`;
    out.set(spec, join(ROOT, 'src', js.slice('./dist/'.length).replace(/\.js$/, '.ts')));
  }
  return out;
}

export interface PublicExport {
  /** The exported name. */
  name: string;
  /** `function`, `class`, `variable`, `type`, ... */
  kind: 'function' | 'class' | 'variable' | 'type' | 'other';
  /** The source file that declares it, relative to the repo. */
  file: string;
  line: number;
  /** The subpaths that export it. */
  subpaths: string[];
  /** The raw JSDoc text (without the comment markers), '' when none. */
  doc: string;
  /** The code of each `@example` tag. */
  examples: string[];
  /** For a function: its parameter names (`null` for a destructured one). */
  params: (string | null)[];
}

function paramsOf(decl: ts.Declaration): (string | null)[] {
  const fn = ts.isFunctionDeclaration(decl)
    ? decl
    : ts.isVariableDeclaration(decl) && decl.initializer && (ts.isArrowFunction(decl.initializer) || ts.isFunctionExpression(decl.initializer))
      ? decl.initializer
      : null;
  return fn ? fn.parameters.map((p) => (ts.isIdentifier(p.name) ? p.name.text : null)) : [];
}

function rawDoc(decl: ts.Node): string {
  const host = ts.isVariableDeclaration(decl) ? decl.parent.parent : decl;
  const docs = (host as { jsDoc?: ts.JSDoc[] }).jsDoc;
  const last = docs?.[docs.length - 1];
  if (!last) return '';
  const text = last.getSourceFile().text.slice(last.pos, last.end);
  return text
    .replace(/^\/\*\*/, '')
    .replace(/\*\/$/, '')
    .split('\n')
    .map((l) => l.replace(/^\s*\* ?/, '').replace(/^\s+$/, ''))
    .join('\n')
    .trim();
}

/** The `@example` blocks of a raw doc: from the tag to the next line that starts a tag. */
export function examplesOf(doc: string): string[] {
  const out: string[] = [];
  let cur: string[] | null = null;
  for (const line of doc.split('\n')) {
    const tag = /^@(\w+)\s?(.*)$/.exec(line);
    if (tag) {
      if (cur) out.push(cur.join('\n'));
      cur = tag[1] === 'example' ? (tag[2] ? [tag[2]] : []) : null;
    } else if (cur) cur.push(line);
  }
  if (cur) out.push(cur.join('\n'));
  return out.map((e) => e.replace(/^```\w*\n?/m, '').replace(/\n?```\s*$/m, '').trim()).filter((e) => e.length > 0);
}

function kindOf(decl: ts.Declaration): PublicExport['kind'] {
  if (ts.isFunctionDeclaration(decl)) return 'function';
  if (ts.isClassDeclaration(decl)) return 'class';
  if (ts.isVariableDeclaration(decl)) {
    const init = decl.initializer;
    return init && (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) ? 'function' : 'variable';
  }
  if (ts.isInterfaceDeclaration(decl) || ts.isTypeAliasDeclaration(decl) || ts.isEnumDeclaration(decl)) return 'type';
  return 'other';
}

/** Every export reachable from a public subpath, with its doc and examples. */
export function publicExports(): PublicExport[] {
  const entries = publicEntries();
  const program = ts.createProgram([...entries.values()], {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
  });
  const checker = program.getTypeChecker();
  const byKey = new Map<string, PublicExport>();
  for (const [spec, file] of entries) {
    const sf = program.getSourceFile(file);
    const mod = sf && checker.getSymbolAtLocation(sf);
    if (!mod) throw new Error(`cannot read ${file}`);
    for (const sym of checker.getExportsOfModule(mod)) {
      const target = sym.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(sym) : sym;
      const decl = target.declarations?.[0];
      if (!decl) continue;
      const declFile = relative(ROOT, decl.getSourceFile().fileName);
      const key = `${declFile}#${target.name}`;
      let e = byKey.get(key);
      if (!e) {
        // Overloads: the doc sits on the first declaration that has one.
        const withDoc = target.declarations!.find((d) => rawDoc(d) !== '') ?? decl;
        const doc = rawDoc(withDoc);
        e = {
          name: sym.name,
          kind: kindOf(decl),
          file: declFile,
          line: decl.getSourceFile().getLineAndCharacterOfPosition(decl.getStart()).line + 1,
          subpaths: [],
          doc,
          examples: examplesOf(doc),
          params: paramsOf(decl),
        };
        byKey.set(key, e);
      }
      e.subpaths.push(spec);
    }
  }
  return [...byKey.values()].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
}

/**
 * A runnable module for one example: imports rewritten to absolute source paths, `// =>`
 * checks turned into calls of the runtime in example-runtime.ts.
 */
export function exampleModule(code: string, runtimePath: string): string {
  const entries = publicEntries();
  const rewritten = code.replace(/(from\s+|import\s*\(\s*)(['"])(hostsig(?:\/[\w-]+)*)\2/g, (m, pre: string, q: string, spec: string) => {
    const file = entries.get(spec);
    if (!file) throw new Error(`example imports ${spec}, which package.json does not export`);
    return `${pre}${q}${file.replace(/\.ts$/, '.js')}${q}`;
  });
  const sf = ts.createSourceFile('example.ts', rewritten, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const edits: { start: number; end: number; text: string }[] = [];
  for (const st of sf.statements) {
    const comments = ts.getTrailingCommentRanges(rewritten, st.end) ?? [];
    const arrow = comments.map((c) => rewritten.slice(c.pos, c.end)).find((c) => c.startsWith('// =>'));
    if (!arrow) continue;
    const expected = arrow.slice('// =>'.length).trim();
    const throwsCode = /^throws\s+(\w+)$/.exec(expected);
    const label = JSON.stringify(expected);
    if (ts.isExpressionStatement(st)) {
      const expr = st.expression.getText(sf);
      const text = throwsCode
        ? `await __throws(async () => { ${expr}; }, ${JSON.stringify(throwsCode[1])});`
        : `__expect(${expr}, (${expected}), ${label});`;
      edits.push({ start: st.getStart(sf), end: st.end, text });
    } else if (ts.isVariableStatement(st) && !throwsCode) {
      const names = st.declarationList.declarations.map((d) => d.name.getText(sf));
      if (names.length !== 1) throw new Error(`'// =>' after a statement declaring ${names.length} names`);
      edits.push({ start: st.end, end: st.end, text: ` __expect(${names[0]}, (${expected}), ${label});` });
    } else {
      throw new Error(`'// =>' may only follow an expression or a single declaration: ${st.getText(sf).slice(0, 60)}`);
    }
  }
  let out = rewritten;
  for (const e of edits.sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return `import { __expect, __throws } from ${JSON.stringify(runtimePath)};\n${out}\nexport {};\n`;
}
