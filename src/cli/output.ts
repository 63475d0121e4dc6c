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

/** Longest piece of request data a log line prints, in UTF-16 units before escaping. */
export const LOG_FIELD_MAX = 200;

/** True for a unit that must not reach a terminal or a log file raw. */
function unsafeUnit(c: number): boolean {
  return (
    c < 0x20 || // C0: \n \r forge lines, ESC starts ANSI sequences
    c === 0x5c || // the backslash itself, so an escape in the output is never ambiguous
    (c >= 0x7f && c <= 0x9f) || // DEL, C1 (0x9b is a one-byte CSI)
    c === 0x2028 ||
    c === 0x2029 || // line and paragraph separators: new lines to some viewers
    c === 0x200e ||
    c === 0x200f ||
    (c >= 0x202a && c <= 0x202e) ||
    (c >= 0x2066 && c <= 0x2069) // bidi controls reorder what the reader sees
  );
}

function escapeUnit(c: number): string {
  if (c === 0x0a) return '\\n';
  if (c === 0x0d) return '\\r';
  if (c === 0x09) return '\\t';
  if (c === 0x5c) return '\\\\';
  if (c < 0x100) return `\\x${c.toString(16).padStart(2, '0')}`;
  return `\\u${c.toString(16).padStart(4, '0')}`;
}

/**
 * Request data made fit for a one-line log: C0, DEL, C1, U+2028/2029, bidi controls, lone
 * surrogates and the backslash escaped (`\n`, `\x1b`, `\u2028`, `\\`), so the text can neither
 * end the line, forge another one, nor drive the terminal; cut to `max` units first (linear
 * time, bounded output), with the number of units left out.
 * @param value untrusted text (a path, a key, a diagnosis)
 * @param max units kept before escaping
 * @example
 * ```ts
 * logSafe('zz\n09:41:07 hostdime POST /x -> valid') // => 'zz\\n09:41:07 hostdime POST /x -> valid'
 * logSafe('\x1b[2J') // => '\\x1b[2J'
 * logSafe('abcdef', 3) // => 'abc...(+3 chars)'
 * ```
 */
export function logSafe(value: string, max = LOG_FIELD_MAX): string {
  const cut = value.length > max;
  const s = cut ? value.slice(0, max) : value;
  let out = '';
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        i++; // a well-formed pair: printable
        continue;
      }
    }
    if (!unsafeUnit(c) && !(c >= 0xd800 && c <= 0xdfff)) continue;
    out += s.slice(from, i) + escapeUnit(c);
    from = i + 1;
  }
  out += s.slice(from);
  return cut ? `${out}...(+${value.length - max} chars)` : out;
}
