/**
 * A small flag parser for the hostsig CLI: `--flag value`, `--flag=value`, booleans
 * (`--json`, `--no-color`), repeated flags, `--` to end flags, `-` as a positional (stdin),
 * and typo suggestions by edit distance. No CLI framework dependency.
 */

export interface FlagSpec {
  type: 'string' | 'boolean';
  /** May be given more than once; the values are collected in order. */
  multiple?: boolean;
  /** One-letter alias, e.g. `h` for `-h`. */
  short?: string;
  /** Placeholder shown in help, e.g. `FILE`. */
  value?: string;
  desc: string;
  /** The schemes the flag is for in this command (default: every scheme); `<command> <scheme> --help` shows only these. */
  schemes?: readonly string[];
  /** What the flag means for one scheme, where that is more precise than `desc`. */
  per?: Readonly<Record<string, string>>;
}

/** One scheme's part of a command's help: its usage lines, one example, its notes. */
export interface SchemeHelp {
  usage: string[];
  example: string;
  notes?: string;
}

export interface CommandSpec {
  name: string;
  summary: string;
  /** Usage lines after `hostsig `. */
  usage: string[];
  flags: Record<string, FlagSpec>;
  /** Extra help text (inputs, examples). */
  notes?: string;
  /** Per scheme (the first positional): `hostsig <command> <scheme> --help` shows only that scheme's part. */
  schemes?: Readonly<Record<string, SchemeHelp>>;
}

export type FlagValues = Record<string, string | boolean | string[] | undefined>;

export interface ParsedArgs {
  flags: FlagValues;
  positionals: string[];
}

/** A usage mistake: exit code 2, printed with the command's help hint. */
export class UsageError extends Error {
  readonly command: string | undefined;
  constructor(message: string, command?: string) {
    super(message);
    this.name = 'UsageError';
    this.command = command;
  }
}

/** Input that could not be read or parsed: exit code 3. */
export class InputError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InputError';
  }
}

/** `--now UNIX`: the verifier's clock; the request and the token commands both take it. */
export const NOW_FLAG: FlagSpec = { type: 'string', value: 'UNIX', desc: 'the clock, in Unix seconds (default: now)' };

/** Flags every command takes. */
export const COMMON_FLAGS: Record<string, FlagSpec> = {
  help: { type: 'boolean', short: 'h', desc: 'show this help' },
  json: { type: 'boolean', desc: 'machine-readable JSON on stdout' },
  'no-color': { type: 'boolean', desc: 'no ANSI colour (also: NO_COLOR set in the environment)' },
};

/** Levenshtein distance (small strings only). */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}

/** The closest candidate within a typo's reach, or undefined. */
export function suggest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  const reach = Math.max(2, Math.floor(word.length / 3));
  if (best !== undefined && bestD <= reach) return best;
  // A prefix is a good hint too (`--priv` -> `--private-key`).
  return candidates.find((c) => word.length >= 3 && c.startsWith(word));
}

/** Parses argv (after the command name) against the command's flags plus the common ones. */
export function parseArgs(argv: readonly string[], spec: CommandSpec): ParsedArgs {
  const all: Record<string, FlagSpec> = { ...COMMON_FLAGS, ...spec.flags };
  const shorts = new Map(Object.entries(all).flatMap(([n, f]) => (f.short ? [[f.short, n] as const] : [])));
  const flags: FlagValues = {};
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    let name: string;
    let inline: string | undefined;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
      inline = eq === -1 ? undefined : arg.slice(eq + 1);
    } else if (arg.length === 2 && arg[0] === '-' && arg !== '-') {
      const long = shorts.get(arg[1]!);
      if (!long) throw new UsageError(`unknown option "${arg}"`, spec.name);
      name = long;
    } else {
      positionals.push(arg);
      continue;
    }
    const f = all[name];
    if (!f) {
      const hint = suggest(name, Object.keys(all));
      throw new UsageError(`unknown option "--${name}"${hint ? `; did you mean "--${hint}"?` : ''}`, spec.name);
    }
    let value: string | boolean;
    if (f.type === 'boolean') {
      if (inline !== undefined && !/^(true|false|1|0)$/.test(inline)) throw new UsageError(`option "--${name}" takes no value (got "${inline}")`, spec.name);
      value = inline === undefined ? true : inline === 'true' || inline === '1';
    } else if (inline !== undefined) {
      value = inline;
    } else {
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith('--') && next.length > 2)) throw new UsageError(`option "--${name}" needs a value${f.value ? ` (${f.value})` : ''}`, spec.name);
      value = next;
      i++;
    }
    if (f.multiple) {
      const prev = flags[name];
      flags[name] = [...(Array.isArray(prev) ? prev : []), String(value)];
    } else {
      if (flags[name] !== undefined && f.type === 'string') throw new UsageError(`option "--${name}" given twice`, spec.name);
      flags[name] = value;
    }
  }
  return { flags, positionals };
}

/** Typed getters over parsed flags. */
export function str(flags: FlagValues, name: string): string | undefined {
  const v = flags[name];
  return typeof v === 'string' ? v : undefined;
}

export function list(flags: FlagValues, name: string): string[] {
  const v = flags[name];
  return Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
}

export function bool(flags: FlagValues, name: string): boolean {
  return flags[name] === true;
}

export function int(flags: FlagValues, name: string, command: string): number | undefined {
  const v = str(flags, name);
  if (v === undefined) return undefined;
  if (!/^-?[0-9]{1,15}$/.test(v)) throw new UsageError(`option "--${name}" expects an integer, got "${v}"`, command);
  return Number(v);
}

/**
 * Flag sets of several parts of a command (sign and verify flags in explain) as one: a name in
 * several sets applies to the union of their schemes, with each set's description for its own.
 */
export function mergeFlags(...sets: Record<string, FlagSpec>[]): Record<string, FlagSpec> {
  const out: Record<string, FlagSpec> = {};
  for (const set of sets) {
    for (const [name, f] of Object.entries(set)) {
      const prev = out[name];
      if (!prev) {
        out[name] = f;
        continue;
      }
      const schemes = prev.schemes && f.schemes ? [...new Set([...prev.schemes, ...f.schemes])] : undefined;
      // Each set's own description for its own schemes, unless it already had a more precise one.
      const per: Record<string, string> = {};
      for (const [src, list] of [[prev, prev.schemes], [f, f.schemes]] as const) {
        for (const sc of list ?? []) per[sc] ??= src.per?.[sc] ?? src.desc;
      }
      out[name] = { ...prev, schemes, per };
    }
  }
  return out;
}

function flagRows(flags: Record<string, FlagSpec>, scheme: string | undefined): [string, string][] {
  return Object.entries(flags)
    .filter(([, f]) => scheme === undefined || f.schemes === undefined || f.schemes.includes(scheme))
    .map(([n, f]) => {
      const left = `${f.short ? `-${f.short}, ` : '    '}--${n}${f.type === 'string' ? ` ${f.value ?? 'VALUE'}` : ''}`;
      const desc = scheme !== undefined ? (f.per?.[scheme] ?? f.desc) : `${f.desc}${f.schemes ? ` [${f.schemes.join(', ')}]` : ''}`;
      return [left, `${desc}${f.multiple ? ' (repeatable)' : ''}`];
    });
}

/**
 * The help text of a command, or of one scheme of it (`hostsig sign hostdime --help`): that
 * scheme's usage, only the flags it takes, and one example.
 */
export function formatHelp(spec: CommandSpec, scheme?: string): string {
  const part = scheme !== undefined ? spec.schemes?.[scheme] : undefined;
  const only = part ? scheme : undefined;
  const rows = [...flagRows(spec.flags, only), ...flagRows(COMMON_FLAGS, undefined)];
  const w = Math.max(...rows.map((r) => r[0].length));
  const perScheme = spec.schemes ? Object.keys(spec.schemes) : [];
  return [
    `hostsig ${spec.name}${only ? ` ${only}` : ''}: ${spec.summary}`,
    '',
    'Usage:',
    ...(part ? part.usage : spec.usage).map((u) => `  hostsig ${u}`),
    '',
    'Options:',
    ...rows.map(([l, r]) => `  ${l.padEnd(w)}  ${r}`),
    ...(part ? ['', 'Example:', `  ${part.example}`] : []),
    ...(part?.notes ? ['', part.notes.trimEnd()] : !part && spec.notes ? ['', spec.notes.trimEnd()] : []),
    ...(!part && perScheme.length ? ['', `One scheme's flags and an example: hostsig ${spec.name} <${perScheme.join('|')}> --help`] : []),
    '',
    EXIT_CODES_HELP,
    '',
  ].join('\n');
}

export const EXIT_CODES_HELP = `Exit codes: 0 ok/valid, 1 verification failed (or vectors failed), 2 usage error,
            3 input unreadable or unparsable (or an --exec adapter that cannot run), 70 internal error.`;
