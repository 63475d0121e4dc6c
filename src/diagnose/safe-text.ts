/**
 * Untrusted text made safe to print on one line: a log line (`hostsig serve`), a terminal, an
 * error message that quotes a pasted request.
 */

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
