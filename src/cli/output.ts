/**
 * Terminal output: colour only when the stream is a TTY (or FORCE_COLOR is set), never with
 * NO_COLOR (https://no-color.org) or --no-color; aligned tables; labelled blocks; --json.
 */

export interface Style {
  readonly enabled: boolean;
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
}

/** Decides colour for a stream: NO_COLOR or --no-color win, then FORCE_COLOR, then isTTY. */
export function colorEnabled(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv, noColorFlag = false): boolean {
  if (noColorFlag) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '' && env.FORCE_COLOR !== '0') return true;
  if (env.TERM === 'dumb') return false;
  return stream.isTTY === true;
}

export function makeStyle(enabled: boolean): Style {
  const wrap = (open: number, close: number) => (s: string) => (enabled ? `\x1b[${open}m${s}\x1b[${close}m` : s);
  return {
    enabled,
    bold: wrap(1, 22),
    dim: wrap(2, 22),
    red: wrap(31, 39),
    green: wrap(32, 39),
    yellow: wrap(33, 39),
    cyan: wrap(36, 39),
  };
}

const ANSI_RE = /\x1b\[[0-9;]*m/g;

/** Visible width (ANSI codes do not count). */
export function visibleLength(s: string): number {
  return [...s.replace(ANSI_RE, '')].length;
}

function pad(s: string, w: number): string {
  return s + ' '.repeat(Math.max(0, w - visibleLength(s)));
}

/** An aligned table with a header rule. */
export function table(header: string[], rows: string[][], style: Style): string {
  const widths = header.map((h, i) => Math.max(visibleLength(h), ...rows.map((r) => visibleLength(r[i] ?? ''))));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : pad(c, widths[i]!))).join('  ').trimEnd();
  return [style.bold(line(header)), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** `label  value` lines, labels aligned; multi-line values are indented under the value column. */
export function block(pairs: [string, string][], style: Style): string {
  const w = Math.max(...pairs.map(([k]) => k.length));
  return pairs
    .map(([k, v]) => {
      const lines = v.split('\n');
      return [`${style.dim(k.padEnd(w))}  ${lines[0]}`, ...lines.slice(1).map((l) => `${' '.repeat(w)}  ${l}`)].join('\n');
    })
    .join('\n');
}

/** The verdict word in colour. */
export function verdictWord(ok: boolean, style: Style, text = ok ? 'valid' : 'invalid'): string {
  return ok ? style.green(text) : style.red(text);
}

/**
 * Marks where two strings first differ: returns the caret line for `b` under `a`'s layout.
 * `^` under every differing position (up to the longer length).
 */
export function diffMarks(a: string, b: string): string {
  const n = Math.max(a.length, b.length);
  let out = '';
  for (let i = 0; i < n; i++) out += a[i] === b[i] ? ' ' : '^';
  return out.trimEnd();
}

/** Index of the first differing UTF-16 unit, or -1 when equal. */
export function firstDiff(a: string, b: string): number {
  if (a === b) return -1;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

/** JSON for --json output: stable, one document, newline-terminated. */
export function jsonOut(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

export { LOG_FIELD_MAX, logSafe } from '../diagnose/safe-text.js';
