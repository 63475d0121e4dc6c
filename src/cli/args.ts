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
}

export interface CommandSpec {
  name: string;
  summary: string;
  /** Usage lines after `hostsig `. */
  usage: string[];
  flags: Record<string, FlagSpec>;
  /** Extra help text (inputs, examples). */
  notes?: string;
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

/** The help text of a command. */
export function formatHelp(spec: CommandSpec): string {
  const all: Record<string, FlagSpec> = { ...spec.flags, ...COMMON_FLAGS };
  const rows = Object.entries(all).map(([n, f]) => {
    const left = `${f.short ? `-${f.short}, ` : '    '}--${n}${f.type === 'string' ? ` ${f.value ?? 'VALUE'}` : ''}`;
    return [left, `${f.desc}${f.multiple ? ' (repeatable)' : ''}`] as const;
  });
  const w = Math.max(...rows.map((r) => r[0].length));
  return [
    `hostsig ${spec.name}: ${spec.summary}`,
    '',
    'Usage:',
    ...spec.usage.map((u) => `  hostsig ${u}`),
    '',
    'Options:',
    ...rows.map(([l, r]) => `  ${l.padEnd(w)}  ${r}`),
    ...(spec.notes ? ['', spec.notes.trimEnd()] : []),
    '',
    EXIT_CODES_HELP,
    '',
  ].join('\n');
}

export const EXIT_CODES_HELP = `Exit codes: 0 ok/valid, 1 verification failed (or vectors failed), 2 usage error,
            3 input unreadable or unparsable (or an --exec adapter that cannot run), 70 internal error.`;
