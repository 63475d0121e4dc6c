// ReDoS: every regular expression in src/ goes through a real checker (recheck, automata
// theory + fuzzing), so a super-linear regex on a header, path, query or body fails here with
// its file:line and the checker's attack string. The regexes are found with the TypeScript
// parser, not with a regex over the source, so none is missed: literals, `new RegExp(...)`,
// `RegExp(...)`, and `.match/.matchAll/.search` given a string (an implicit RegExp).
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import { check, type Diagnostics } from 'recheck';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/wycheproof.js';

// The pure-JS backend: no JVM, no native binary, same verdicts everywhere (RECHECK_BACKEND=native
// uses the binary recheck ships for linux-x64, about 3x faster, with the same verdicts).
process.env['RECHECK_BACKEND'] ??= 'pure';

/** recheck's budget per regex; the slowest one in src/ takes about 2 s with the pure backend. */
const CHECK_PARAMS = { timeout: 20_000 } as const;

interface Found {
  /** src/...:line */
  at: string;
  source: string;
  flags: string;
}

/**
 * `new RegExp(...)` calls whose arguments are not plain string literals, keyed by file and the
 * call's source text, with the regexes they can build. A new or changed dynamic call fails the
 * test until it is listed here with its instantiations.
 */
const DYNAMIC: Record<string, { source: string; flags: string }[]> = {
  // detect(): which Authorization schemes the configured hostbill verifier takes.
  "src/server/schemes/hostbill.ts\nnew RegExp(`^(?:${[bearer ? 'bearer' : '', basic ? 'basic' : ''].filter(Boolean).join('|')})(?:[ \\\\t]|$)`, 'i')": [
    { source: '^(?:bearer|basic)(?:[ \\t]|$)', flags: 'i' },
    { source: '^(?:bearer)(?:[ \\t]|$)', flags: 'i' },
    { source: '^(?:basic)(?:[ \\t]|$)', flags: 'i' },
  ],
};

/**
 * Flagged regexes that only ever see trusted, bounded input, keyed by file and `/source/flags`
 * (not by line: lines move), each with the reason. Keep it short: an entry that no longer
 * matches a flagged regex fails the test.
 */
const ALLOWED: Record<string, string> = {
  'src/core/php/float.ts /0+$/': 'the mantissa digits of Number#toExponential(p <= 100): at most 101 characters',
  'src/cli/demo.ts /\\+(?=[^&]*$)/g': "the demo's own signed 6connect URL, built a line above",
  'src/schemes/hostdime/sign.ts /\\/+$/': "the signer's own baseUrl option (caller configuration), never request input",
  'src/schemes/hostkey/sign.ts /\\/+$/': "the signer's own baseUrl option (caller configuration), never request input",
  'src/web/sign.ts /\\/+$/': "the signing form's own baseUrl field, in the user's own tab",
  'src/web/sign.ts /^[a-z]+:\\/\\/([^/?#]*)(.*)$/i': 'the URL the signing form just built from its own baseUrl',
};

const SOURCE_EXT = /\.(?:ts|mts|cts|tsx|js|mjs|cjs)$/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return SOURCE_EXT.test(e.name) && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** The cooked text of a string literal or a template without substitutions, else null. */
function constantString(n: ts.Node | undefined): string | null {
  if (n === undefined) return null;
  if (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)) return n.text;
  return null;
}

/** `RegExp(...)` or `new RegExp(...)` (also `globalThis.RegExp`). */
function isRegExpCtor(n: ts.Node): n is ts.NewExpression | ts.CallExpression {
  if (!ts.isNewExpression(n) && !ts.isCallExpression(n)) return false;
  const e = n.expression;
  if (ts.isIdentifier(e)) return e.text === 'RegExp';
  return ts.isPropertyAccessExpression(e) && e.name.text === 'RegExp';
}

/** A string method that turns a non-RegExp argument into a RegExp. */
function isImplicitRegExp(n: ts.Node): n is ts.CallExpression {
  if (!ts.isCallExpression(n) || !ts.isPropertyAccessExpression(n.expression)) return false;
  if (!['match', 'matchAll', 'search'].includes(n.expression.name.text)) return false;
  const a = n.arguments[0];
  return a !== undefined && !ts.isRegularExpressionLiteral(a) && !isRegExpCtor(a);
}

/** The regexes of one source text; `problems` gets the constructions that cannot be listed. */
function regexesOf(file: string, text: string, problems: string[] = []): Found[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, file.endsWith('x') ? ts.ScriptKind.TSX : undefined);
  const out: Found[] = [];
  const visit = (n: ts.Node): void => {
    const at = `${file}:${sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1}`;
    if (ts.isRegularExpressionLiteral(n)) {
      const slash = n.text.lastIndexOf('/');
      out.push({ at, source: n.text.slice(1, slash), flags: n.text.slice(slash + 1) });
    } else if (isRegExpCtor(n)) {
      const args = n.arguments ?? [];
      const source = constantString(args[0]);
      const flags = args.length < 2 ? '' : constantString(args[1]);
      const listed = DYNAMIC[`${file}\n${n.getText(sf)}`];
      if (source !== null && flags !== null) out.push({ at, source, flags });
      else if (listed) out.push(...listed.map((r) => ({ at, ...r })));
      else problems.push(`${at}: dynamic ${n.getText(sf)}: list it in DYNAMIC with the regexes it can build`);
    } else if (isImplicitRegExp(n)) {
      const source = constantString(n.arguments[0]);
      if (source !== null) out.push({ at, source, flags: n.expression.getText(sf).endsWith('matchAll') ? 'g' : '' });
      else problems.push(`${at}: ${n.getText(sf)} builds a RegExp from a non-literal: pass a RegExp literal`);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

function describeVerdict(d: Diagnostics): string {
  if (d.status === 'vulnerable') return `${d.complexity.summary}, attack ${d.attack.pattern}`;
  if (d.status === 'unknown') return `unknown (${d.error.kind}${'message' in d.error ? `: ${d.error.message}` : ''})`;
  return d.status;
}

describe('ReDoS: every RegExp in src/ is linear (recheck)', () => {
  const problems: string[] = [];
  const found: Found[] = [];
  const verdicts = new Map<string, Diagnostics>();
  const keyOf = (r: Found) => `/${r.source}/${r.flags}`;

  beforeAll(async () => {
    for (const path of sourceFiles(join(REPO_ROOT, 'src'))) {
      const file = relative(REPO_ROOT, path).split('\\').join('/');
      found.push(...regexesOf(file, readFileSync(path, 'utf8'), problems));
    }
    // One check per distinct regex (many files share `^\?`, `\+`...); nothing is cached on disk.
    for (const r of found) {
      if (!verdicts.has(keyOf(r))) verdicts.set(keyOf(r), await check(r.source, r.flags, CHECK_PARAMS));
    }
  }, 120_000);

  it('the checker tells a vulnerable regex from a safe one', async () => {
    expect((await check('^(a+)+$', '', CHECK_PARAMS)).status).toBe('vulnerable');
    expect((await check('^[ \\t]+|[ \\t]+$', 'g', CHECK_PARAMS)).status).toBe('vulnerable');
    expect((await check('^[ \\t]+', '', CHECK_PARAMS)).status).toBe('safe');
  });

  it('finds the regexes of src/ (literals and constructors), none left unlisted', () => {
    expect(problems).toEqual([]);
    // Sanity: src/ has about 200 regexes; an empty list would mean a broken walk.
    expect(found.length).toBeGreaterThan(100);
  });

  it('no regex outside the allow-list is super-linear (or left undecided)', () => {
    const bad: string[] = [];
    for (const r of found) {
      const d = verdicts.get(keyOf(r))!;
      if (d.status === 'safe' || ALLOWED[`${r.at.replace(/:\d+$/, '')} ${keyOf(r)}`] !== undefined) continue;
      bad.push(`${r.at}  ${keyOf(r)}  ${describeVerdict(d)}`);
    }
    expect(bad.length, `super-linear regexes:\n${bad.join('\n')}\n`).toBe(0);
  });

  it('every allow-list entry still names a flagged regex', () => {
    const flagged = new Set(found.filter((r) => verdicts.get(keyOf(r))!.status !== 'safe').map((r) => `${r.at.replace(/:\d+$/, '')} ${keyOf(r)}`));
    expect(Object.keys(ALLOWED).filter((k) => !flagged.has(k))).toEqual([]);
  });
});

describe('ReDoS: the regex finder misses nothing', () => {
  // Regex bodies with the characters that trip a hand-written scan: `/` inside a class,
  // escaped slashes, quotes, backticks and comment-like `//` or `/*`.
  const atom = fc.constantFrom('a', '[/]', '\\/', '"', "'", '`', '[*/]', '\\d+', '(?:x|y)', '.*?', '[^\\]/]', '\\\\', '=', '\\*');
  const body = fc.array(atom, { minLength: 1, maxLength: 6 }).map((a) => a.join(''));
  const flags = fc.subarray(['g', 'i', 'm', 's', 'u', 'y'] as const).map((f) => f.join(''));
  const literal = fc.record({ body, flags });
  // Places a regex literal can sit, and code around it that holds slashes but no regex.
  const place = fc.constantFrom(
    (r: string) => `const x = ${r};`,
    (r: string) => `f(${r}, 1);`,
    (r: string) => `return a ? ${r} : null;`,
    (r: string) => `const t = \`\${${r}.source}/\`;`,
    (r: string) => `if (${r}.test(s)) {}`,
    (r: string) => `const o = { k: [${r}] };`,
  );
  const noise = fc.constantFrom('const q = a / b / c;', '// a /comment/ here', '/* x / y */', "const s = '/not/a/regex/';", 'const u = `/p/${n / 2}/`;', '');

  it('finds exactly the literals placed among slashes, comments and strings', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(literal, place, noise), { minLength: 1, maxLength: 5 }), (items) => {
        const lines = items.flatMap(([r, p, n]) => [n, p(`/${r.body}/${r.flags}`)]);
        const got = regexesOf('x.ts', `function g(a, b, c, s, n) {\n${lines.join('\n')}\n}`).map((r) => `/${r.source}/${r.flags}`);
        expect(got).toEqual(items.map(([r]) => `/${r.body}/${r.flags}`));
      }),
    );
  });

  it('takes RegExp constructors with literal arguments, and names dynamic and implicit ones', () => {
    const problems: string[] = [];
    const got = regexesOf('y.ts', "new RegExp('a+$', 'm'); RegExp(`b*`); new RegExp(p); s.match('c+$'); s.match(v);", problems);
    expect(got.map((r) => `/${r.source}/${r.flags}`)).toEqual(['/a+$/m', '/b*/', '/c+$/']);
    expect(problems).toHaveLength(2);
  });
});
