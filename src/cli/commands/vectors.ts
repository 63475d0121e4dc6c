import { bool, type CommandSpec, InputError, int, list, type ParsedArgs, str } from '../args.js';
import type { Io } from '../io.js';
import { jsonOut, table } from '../output.js';
import { ADAPTERS_ENV, adaptersDir, listAdapters, shellWord } from '../vectors/adapters.js';
import { execSubject } from '../vectors/protocol.js';
import { defaultVectorsDir, loadVectorFiles, type RunReport, runVectors } from '../vectors/runner.js';

export const vectorsSpec: CommandSpec = {
  name: 'vectors',
  summary: 'run the vector suite against hostsig, or another implementation over JSON lines',
  usage: ['vectors [--scheme hostdime]... [--json]', `vectors --exec 'php "$${ADAPTERS_ENV}/php/hostsig-adapter.php"'`, 'vectors --exec "./my-adapter" [--scheme sixconnect]...', 'vectors --list-adapters'],
  flags: {
    scheme: { type: 'string', multiple: true, value: 'NAME', desc: 'only this scheme' },
    exec: { type: 'string', value: 'CMD', desc: `run CMD (through the shell, with $${ADAPTERS_ENV} set to the shipped adapters' folder) and speak docs/vector-protocol.md with it` },
    'list-adapters': { type: 'boolean', desc: 'print the reference adapters hostsig ships, their paths and the --exec line for each' },
    dir: { type: 'string', value: 'DIR', desc: 'vector folder (default: the vectors/ shipped with hostsig)' },
    timeout: { type: 'string', value: 'SEC', desc: 'with --exec: give up after SEC seconds (default 120)' },
    failures: { type: 'string', value: 'N', desc: 'list at most N failing cases (default 20)' },
  },
  notes: [
    'A case passes when result and error match and every stage the vector has is byte-equal; the first',
    'differing stage of each failing case is shown. Exits 1 when a case fails or none passed, 3 when the',
    '--exec adapter does not run the protocol (not found, exits or stops reading early, a line that is not',
    'a response, no answer within --timeout): reported once, with its exit status and first stderr lines.',
  ].join('\n'),
};

export function formatReport(rep: RunReport, io: Io, maxFailures: number): string {
  const st = io.style;
  const rows = rep.rows.map((r) => [r.scheme, r.type, String(r.cases), st.green(String(r.pass)), r.fail ? st.red(String(r.fail)) : '0', String(r.skip), r.fail ? st.red('FAIL') : r.pass ? st.green('ok') : st.yellow('skipped'), r.note ?? '']);
  const t = rep.totals;
  const lines = [`${st.bold('vectors')} against ${rep.subject}`, table(['scheme', 'type', 'cases', 'pass', 'fail', 'skip', '', ''], rows, st)];
  for (const f of rep.failures.slice(0, maxFailures)) {
    lines.push(`${st.red('FAIL')} ${f.scheme} ${f.type} #${f.tcId} ${f.comment}`, `     first difference: ${f.what}`);
    if (f.expected !== undefined) lines.push(`     expected: ${f.expected}`);
    if (f.got !== undefined) lines.push(`     got:      ${f.got}`);
  }
  if (rep.failures.length > maxFailures) lines.push(`... and ${rep.failures.length - maxFailures} more failing cases (--failures N to see them)`);
  lines.push(`${t.cases} cases: ${st.green(`${t.pass} passed`)}, ${t.fail ? st.red(`${t.fail} failed`) : '0 failed'}, ${t.skip} skipped`);
  return `${lines.join('\n')}\n`;
}

/** `--list-adapters`: each shipped adapter, its path and the --exec line that runs it. */
function printAdapters(io: Io, asJson: boolean): number {
  const dir = adaptersDir();
  const list = listAdapters(dir);
  if (asJson) {
    io.out(jsonOut({ command: 'vectors', adaptersDir: dir, adapters: list }));
    return list.length ? 0 : 3;
  }
  if (!list.length) {
    io.err(`hostsig vectors: no reference adapters in ${dir}\n`);
    return 3;
  }
  const st = io.style;
  const w = Math.max(...list.map((a) => a.name.length));
  const lines = [`${st.bold('reference adapters')} shipped with hostsig, in ${dir} ($${ADAPTERS_ENV} in an --exec command):`];
  for (const a of list) lines.push(`${a.name.padEnd(w)}  ${a.path}`, `${' '.repeat(w)}  hostsig vectors --exec ${shellWord(a.exec)}`);
  io.out(`${lines.join('\n')}\n`);
  return 0;
}

export async function runVectorsCommand(args: ParsedArgs, io: Io): Promise<number> {
  const f = args.flags;
  if (bool(f, 'list-adapters')) return printAdapters(io, bool(f, 'json'));
  const dir = str(f, 'dir') ?? defaultVectorsDir();
  let files;
  try {
    files = loadVectorFiles(dir);
  } catch (e) {
    throw new InputError(`cannot read vectors from "${dir}": ${(e as Error).message}`);
  }
  const schemes = list(f, 'scheme');
  const known = new Set(files.map((x) => x.data.scheme));
  for (const s of schemes) if (!known.has(s)) throw new InputError(`no vectors for scheme "${s}" in ${dir} (have: ${[...known].join(', ')})`);
  const exec = str(f, 'exec');
  const subject =
    exec !== undefined
      ? execSubject(exec, {
          timeoutMs: (int(f, 'timeout', 'vectors') ?? 120) * 1000,
          env: { ...io.env, [ADAPTERS_ENV]: adaptersDir() },
          onStderr: (text) => io.err(text.endsWith('\n') ? text : `${text}\n`),
          hints: ['the reference adapters and their --exec lines: hostsig vectors --list-adapters'],
        })
      : (await import('../vectors/runner.js')).hostsigSubject;
  const rep = await runVectors(subject, files, schemes);
  io.out(bool(f, 'json') ? jsonOut({ command: 'vectors', ...rep }) : formatReport(rep, io, int(f, 'failures', 'vectors') ?? 20));
  return rep.ok ? 0 : 1;
}
