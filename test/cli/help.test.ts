// Help as a user meets it: `hostsig <command> <scheme> --help` shows that scheme's flags and one
// example; `diagnose --help`, docs/cli.md's diagnose table and the catalogue in src/diagnose
// list the same finding ids.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatHelp } from '../../src/cli/args.js';
import { diagnoseCatalogue } from '../../src/cli/catalogue.js';
import { diagnoseSpec } from '../../src/cli/commands/diagnose.js';
import { REPO_ROOT } from '../helpers/wycheproof.js';
import { ensureBuilt, hostsig } from './run.js';

beforeAll(() => ensureBuilt());

const SCHEMES = ['hostdime', 'sixconnect', 'jwt', 'hostbill', 'whm', 'hostkey'];

/** The `--flag` names in a help text's Options section. */
function options(help: string): string[] {
  const section = help.slice(help.indexOf('\nOptions:\n'), help.indexOf('\n\n', help.indexOf('\nOptions:\n') + 10));
  return [...section.matchAll(/^ {2}(?:-\w, | {4})--([a-z-]+)/gm)].map((m) => m[1]!);
}

/** Finding ids in the "Findings it can name" part of a diagnose help text, per row label. */
function helpFindings(help: string): Map<string, string[]> {
  const part = help.slice(help.indexOf('Findings it can name'), help.indexOf('\nExits 0'));
  const rows = new Map<string, string[]>();
  let row = '';
  for (const line of part.split('\n').slice(1)) {
    const m = /^ {2}(\S[^:]*):\s+(.*)$/.exec(line);
    if (m) rows.set((row = m[1]!), []);
    rows.get(row)!.push(...(m ? m[2]! : line).split(',').map((s) => s.trim()).filter(Boolean));
  }
  return rows;
}

/** The diagnose table of docs/cli.md: row label -> the backticked ids outside parentheses. */
function docsFindings(): Map<string, string[]> {
  const md = readFileSync(join(REPO_ROOT, 'docs', 'cli.md'), 'utf8');
  const start = md.indexOf('| scheme | mistakes |');
  expect(start).toBeGreaterThan(-1);
  const rows = new Map<string, string[]>();
  for (const line of md.slice(start).split('\n').slice(2)) {
    if (!line.startsWith('|')) break;
    const [, label, cell] = line.split(/\s*\|\s*/);
    // Drop parenthesised remarks (they quote flags and characters), keep the ids.
    let flat = '';
    let depth = 0;
    for (const c of cell!) {
      if (c === '(') depth++;
      else if (c === ')') depth--;
      else if (depth === 0) flat += c;
    }
    rows.set(label!, [...flat.matchAll(/`([^`]+)`/g)].map((m) => m[1]!));
  }
  return rows;
}

describe('help per command and scheme', () => {
  it('sign hostdime --help: HostDime\'s flags and one example, not every scheme\'s', () => {
    const r = hostsig(['sign', 'hostdime', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^hostsig sign hostdime: /);
    const flags = options(r.stdout);
    expect(flags).toEqual(expect.arrayContaining(['public-key', 'private-key', 'method', 'param', 'timestamp', 'unique', 'dialect', 'http', 'json', 'help']));
    for (const other of ['secret', 'target', 'claims', 'key', 'token', 'user', 'candidate', 'pin-record', 'pin', 'cpanel']) expect(flags).not.toContain(other);
    expect(r.stdout.match(/^Example:\n {2}hostsig sign hostdime .*$/m)).not.toBeNull();
    expect(r.stdout.split('\n').length).toBeLessThan(35);
    // `hostsig help <command> <scheme>` is the same text.
    expect(hostsig(['help', 'sign', 'hostdime']).stdout).toBe(r.stdout);
  });

  it('sign --help lists no flag that only verify or diagnose take', () => {
    const flags = options(hostsig(['sign', '--help']).stdout);
    for (const f of ['candidate', 'pin-record', 'sessions', 'tokens', 'client-ip', 'authorization', 'clock-tolerance', 'received']) expect(flags).not.toContain(f);
    expect(flags).toEqual(expect.arrayContaining(['private-key', 'secret', 'claims', 'token', 'cpanel', 'new-pin']));
  });

  it.each(SCHEMES)('%s: sign, verify, explain and diagnose each have a help of their own with an example (sign\'s runs as printed)', (scheme) => {
    const help: Record<string, string> = {};
    for (const cmd of ['sign', 'verify', 'explain', 'diagnose']) {
      const r = hostsig([cmd, scheme, '--help']);
      help[cmd] = r.stdout;
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^hostsig ${cmd} ${scheme}: `));
      expect(r.stdout).toMatch(new RegExp(`^Example:\\n {2}hostsig ${cmd} ${scheme} `, 'm'));
      expect(r.stdout).toMatch(new RegExp(`^Usage:\\n {2}hostsig ${cmd} ${scheme} `, 'm'));
      // One scheme only: no usage line of another scheme.
      for (const other of SCHEMES.filter((s) => s !== scheme)) expect(r.stdout).not.toMatch(new RegExp(`^ {2}hostsig ${cmd} ${other} `, 'm'));
    }
    expect(options(help.sign!)).not.toContain('candidate');
    // sign's example runs as printed (split as a shell would: the examples quote with '...').
    const example = new RegExp(`^Example:\\n {2}hostsig (sign ${scheme} .*)$`, 'm').exec(help.sign!)![1]!;
    const run = hostsig([...example.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2]!));
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });
});

describe('diagnose findings: one list in the catalogue, --help and docs/cli.md', () => {
  const catalogue = diagnoseCatalogue();

  it('diagnose --help lists every finding of the catalogue, row by row', () => {
    const rows = helpFindings(hostsig(['diagnose', '--help']).stdout);
    expect([...rows.keys()]).toEqual(catalogue.map((r) => r.row));
    for (const r of catalogue) expect(rows.get(r.row), r.row).toEqual(r.ids);
  });

  it('diagnose <scheme> --help lists that scheme\'s findings only', () => {
    // In-process (formatHelp, as main prints it): the subprocess path is covered above.
    for (const scheme of SCHEMES) {
      const rows = helpFindings(formatHelp(diagnoseSpec, scheme));
      const want = catalogue.filter((r) => r.schemes.includes(scheme));
      expect(Object.fromEntries(rows), scheme).toEqual(Object.fromEntries(want.map((r) => [r.row, [...r.ids]])));
    }
  });

  it('docs/cli.md\'s diagnose table lists the same ids as the catalogue and --help (token-truncated-or-padded, unknown-session, pin-format included)', () => {
    const docs = docsFindings();
    expect([...docs.keys()]).toEqual(catalogue.map((r) => r.row));
    for (const r of catalogue) expect(docs.get(r.row), r.row).toEqual(r.ids);
    const help = [...helpFindings(hostsig(['diagnose', '--help']).stdout).values()].flat();
    for (const id of ['token-truncated-or-padded', 'unknown-session', 'pin-format']) expect(help).toContain(id);
  });

  it('the whm, hostkey and hostbill Basic lists hold every id their diagnose functions can return', () => {
    for (const [file, row] of [['whm.ts', 'whm'], ['hostkey.ts', 'hostkey'], ['hostbill.ts', 'hostbill Basic']] as const) {
      const src = readFileSync(join(REPO_ROOT, 'src', 'diagnose', file), 'utf8');
      const literal = [...new Set([...src.matchAll(/\bid: '([a-z0-9-]+)'/g)].map((m) => m[1]!))];
      expect(catalogue.find((r) => r.row === row)!.ids, file).toEqual(literal);
    }
  });
});
