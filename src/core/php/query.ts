import { binaryString } from '../binary.js';
import { hexDigit } from '../uri.js';
import { bytesToUtf8, isBytes, isWellFormed, utf8OrNull, utf8ToBytes } from '../bytes.js';
import { HostsigError } from '../errors.js';
import { type ParamsInput, PhpArray, type PhpValue } from './array.js';
import { phpFormatDouble } from './float.js';

const HEXU = '0123456789ABCDEF';

function isUnreserved1738(b: number): boolean {
  return (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b === 0x2d || b === 0x2e || b === 0x5f;
}

function percentEncode(s: string, rfc3986: boolean): string {
  let out = '';
  for (const b of utf8ToBytes(s)) {
    if (isUnreserved1738(b) || (rfc3986 && b === 0x7e)) out += String.fromCharCode(b);
    else if (b === 0x20 && !rfc3986) out += '+';
    else out += `%${HEXU[b >> 4]}${HEXU[b & 15]}`;
  }
  return out;
}

/**
 * PHP `urlencode` (RFC 1738 flavour): letters, digits and `-_.` stay, space becomes `+`,
 * everything else (`~` included) is `%XX` with uppercase hex over the UTF-8 bytes.
 * @param s text (encoded as UTF-8)
 * @example
 * ```ts
 * import { phpUrlencode } from 'hostsig/core';
 *
 * phpUrlencode('a b~') // => 'a+b%7E'
 * ```
 */
export function phpUrlencode(s: string): string {
  return percentEncode(s, false);
}

/**
 * PHP `rawurlencode` (RFC 3986): like {@link phpUrlencode} but `~` stays and space is `%20`.
 * @param s text (encoded as UTF-8)
 * @example
 * ```ts
 * import { phpRawurlencode } from 'hostsig/core';
 *
 * phpRawurlencode('a b~') // => 'a%20b~'
 * ```
 */
export function phpRawurlencode(s: string): string {
  return percentEncode(s, true);
}

/**
 * PHP `urldecode` over bytes: `+` is space, `%XX` (either case) is a byte, a `%` not
 * followed by two hex digits stays as it is.
 * @param b encoded bytes
 * @param start first byte to decode
 * @param end end of the range (exclusive)
 * @example
 * ```ts
 * import { phpUrldecodeBytes } from 'hostsig/core';
 *
 * phpUrldecodeBytes(new TextEncoder().encode('a+%C3%A9%zz')) // => new TextEncoder().encode('a é%zz')
 * ```
 */
export function phpUrldecodeBytes(b: Uint8Array, start = 0, end = b.length): Uint8Array {
  // Most names and values have nothing to decode: hand back a view, no copy.
  let plain = true;
  for (let i = start; i < end; i++) {
    const c = b[i];
    if (c === 0x25 || c === 0x2b) {
      plain = false;
      break;
    }
  }
  if (plain) return b.subarray(start, end);
  const out = new Uint8Array(end - start);
  let n = 0;
  for (let i = start; i < end; i++) {
    const c = b[i]!;
    if (c === 0x2b) {
      out[n++] = 0x20;
    } else if (c === 0x25 && i + 2 < end && hexDigit(b[i + 1]!) >= 0 && hexDigit(b[i + 2]!) >= 0) {
      out[n++] = (hexDigit(b[i + 1]!) << 4) | hexDigit(b[i + 2]!);
      i += 2;
    } else {
      out[n++] = c;
    }
  }
  return out.subarray(0, n);
}

/**
 * `urldecode` of a string, strict about the UTF-8 of the result.
 * @param s encoded text
 * @throws HostsigError `INVALID_UTF8` when the decoded bytes are not UTF-8
 * @example
 * ```ts
 * import { phpUrldecode } from 'hostsig/core';
 *
 * phpUrldecode('a+b%20c%7E') // => 'a b c~'
 * ```
 */
export function phpUrldecode(s: string): string {
  const b = utf8ToBytes(s);
  return bytesToUtf8(phpUrldecodeBytes(b));
}

/** Options of {@link httpBuildQuery}. */
export interface HttpBuildQueryOptions {
  /** `RFC1738` (default, space -> `+`) or `RFC3986` (space -> `%20`, `~` kept). */
  encType?: 'RFC1738' | 'RFC3986';
}

/**
 * PHP `http_build_query($params, '', '&', $encType)`: nested maps as `a%5Bb%5D=c`, lists as
 * `a%5B0%5D=x`, `true` -> `1`, `false` -> `0`, `null` and empty arrays dropped, floats in
 * PHP's `precision=14` string form.
 * @param params ordered params
 * @param options encoding options
 * @throws HostsigError `INVALID_UTF8` for a lone surrogate; `INVALID_ARGUMENT` for an unsupported value
 * @example
 * ```ts
 * import { httpBuildQuery } from 'hostsig/core';
 *
 * httpBuildQuery([['a', ['x', 'y']], ['b', 'c d']]) // => 'a%5B0%5D=x&a%5B1%5D=y&b=c+d'
 * httpBuildQuery({ on: true, off: false, gone: null }) // => 'on=1&off=0'
 * ```
 */
export function httpBuildQuery(params: ParamsInput, options: HttpBuildQueryOptions = {}): string {
  const enc = options.encType === 'RFC3986' ? phpRawurlencode : phpUrlencode;
  const parts: string[] = [];
  const walk = (arr: PhpArray, prefix: string | null): void => {
    for (const [k, v] of arr.entries()) {
      const name = prefix === null ? enc(k) : `${prefix}%5B${enc(k)}%5D`;
      if (v instanceof PhpArray) walk(v, name);
      else if (v !== null) parts.push(`${name}=${enc(phpScalarToString(v, 'query'))}`);
    }
  };
  walk(PhpArray.from(params), null);
  return parts.join('&');
}

/**
 * A scalar as PHP turns it into a string. `query` is http_build_query's view (`false` -> `0`),
 * `cast` is `(string)` (`false` -> ``); floats use PHP's `precision=14`.
 * @param v a scalar
 * @param mode `query` (http_build_query: true -> `1`, false -> `0`) or `cast` (PHP's `(string)`: false -> `''`)
 * @example
 * ```ts
 * import { phpScalarToString } from 'hostsig/core';
 *
 * phpScalarToString(true, 'query') // => '1'
 * phpScalarToString(false, 'query') // => '0'
 * phpScalarToString(false, 'cast') // => ''
 * ```
 */
export function phpScalarToString(v: Exclude<PhpValue, PhpArray>, mode: 'query' | 'cast'): string {
  switch (typeof v) {
    case 'string':
      return v;
    case 'boolean':
      return v ? '1' : mode === 'query' ? '0' : '';
    case 'bigint':
      return v.toString();
    case 'number':
      if (Number.isInteger(v) && Math.abs(v) < 9223372036854775808) return BigInt(v).toString();
      if (Number.isNaN(v)) return 'NAN';
      if (!Number.isFinite(v)) return v > 0 ? 'INF' : '-INF';
      return phpFormatDouble(v, 14, 'E');
    default:
      return '';
  }
}

/** Limits of {@link parseStr}: PHP's `max_input_vars` and `max_input_nesting_level`. */
export interface ParseStrOptions {
  /** PHP `max_input_vars`: more pairs than this is `BODY_MALFORMED` (PHP would drop the rest). Default 1000. */
  maxVars?: number;
  /** PHP `max_input_nesting_level`: deeper `a[b][c]...` is `BODY_MALFORMED` (PHP would drop it). Default 64. */
  maxDepth?: number;
  /**
   * `last` (default): PHP's rule, a repeated name keeps the last value. `refuse`: a key set
   * again with another value (or a scalar turned into an array, or back) is `FIELD_DUPLICATE`,
   * since PHP reads the last and `URLSearchParams`, Express and qs read the first or an array.
   * `a[]=` appends and is never a duplicate.
   */
  duplicates?: 'last' | 'refuse';
  /** With `refuse`: top-level names that may appear only once, even with the same value (credentials). */
  once?: readonly string[];
}

/**
 * Parses a form body or query string the way PHP fills `$_POST`/`$_GET`: pairs split on `&`,
 * `+` and `%XX` decoded, names mangled (leading spaces dropped, top-level ` ` and `.` -> `_`,
 * an unmatched `[` -> `_`), `a[b][]` nesting, last duplicate wins at the first one's
 * position, numeric keys normalized. Keys are kept in a {@link PhpArray}, never on a plain
 * object, so `__proto__` and `constructor` are ordinary keys.
 *
 * Where PHP would silently drop data (over `max_input_vars`, over the nesting limit) this
 * refuses instead, so a verifier never hashes less than the client sent.
 *
 * @param input a query string or form body, as text or raw bytes
 * @param options `maxVars` and `maxDepth` limits
 * @throws HostsigError `INVALID_UTF8` when a name or value is not UTF-8 (PHP's json_encode
 *   would fail on it), `BODY_MALFORMED` for the limits above.
 * @example
 * ```ts
 * import { parseStr } from 'hostsig/core';
 *
 * parseStr('a.b=1&c[]=x&c[]=y&c[]=z&a.b=2').toJS() // => { a_b: '2', c: ['x', 'y', 'z'] }
 * ```
 */
export function parseStr(input: string | Uint8Array, options: ParseStrOptions = {}): PhpArray {
  const limits = toLimits(options);
  if (typeof input === 'string') {
    if (!isWellFormed(input)) throw new HostsigError('INVALID_UTF8', 'input has a lone surrogate');
    return parseText(input, limits);
  }
  if (!isBytes(input)) badInput();
  // Most bodies are UTF-8 throughout: parse them as text (native decoders, no copies). A body
  // with raw non-UTF-8 bytes goes byte by byte, since PHP cuts a name at its first NUL: bytes
  // after that NUL are dropped, not checked.
  const text = utf8OrNull(input);
  return text === null ? parseBytes(input, limits, bytesToUtf8) : parseText(text, limits);
}

/**
 * The duplicate rule of {@link parseStr} (`duplicates: 'refuse'`) over bytes that need not be
 * UTF-8: names and values are compared as bytes (one char per byte), so a query whose values
 * are not text (6connect signs any bytes) still gets one identity. Internal.
 * @throws HostsigError `FIELD_DUPLICATE`, `BODY_MALFORMED` (nesting)
 */
export function refusePhpDuplicates(input: Uint8Array, once: readonly string[] = []): void {
  parseBytes(input, toLimits({ maxVars: Infinity, duplicates: 'refuse', once }), binaryString);
}

interface Limits {
  maxVars: number;
  maxDepth: number;
  refuse: boolean;
  once: readonly string[];
}

function toLimits(options: ParseStrOptions): Limits {
  return { maxVars: options.maxVars ?? 1000, maxDepth: options.maxDepth ?? 64, refuse: options.duplicates === 'refuse', once: options.once ?? [] };
}

/** The index of `=` in `s` between `start` and `end`, or `end`: bounded, so `a&a&a...` stays linear. */
function equalsIn(s: string, start: number, end: number): number {
  for (let i = start; i < end; i++) if (s.charCodeAt(i) === 0x3d) return i;
  return end;
}

function parseText(input: string, limits: Limits): PhpArray {
  const { maxVars } = limits;
  const out = new PhpArray();
  let count = 0;
  let start = 0;
  const len = input.length;
  while (start < len) {
    let amp = input.indexOf('&', start);
    if (amp === -1) amp = len;
    if (amp > start) {
      if (++count > maxVars) throw new HostsigError('BODY_MALFORMED', `more than ${maxVars} input variables`, { maxVars });
      const eq = equalsIn(input, start, amp);
      let name = urldecodeText(input.slice(start, eq));
      // PHP registers names as C strings: a NUL ends the name.
      const nul = name.indexOf('\0');
      if (nul !== -1) name = name.slice(0, nul);
      const value = eq < amp ? urldecodeText(input.slice(eq + 1, amp)) : '';
      registerVariable(out, name, value, limits);
    }
    start = amp + 1;
  }
  return out;
}

function parseBytes(bytes: Uint8Array, limits: Limits, text: (b: Uint8Array) => string): PhpArray {
  const { maxVars } = limits;
  const out = new PhpArray();
  let count = 0;
  let start = 0;
  const len = bytes.length;
  while (start < len) {
    let amp = bytes.indexOf(0x26, start);
    if (amp === -1) amp = len;
    if (amp > start) {
      if (++count > maxVars) throw new HostsigError('BODY_MALFORMED', `more than ${maxVars} input variables`, { maxVars });
      let eq = start;
      while (eq < amp && bytes[eq] !== 0x3d) eq++;
      const rawName = phpUrldecodeBytes(bytes, start, eq);
      const nul = rawName.indexOf(0);
      const name = text(nul === -1 ? rawName : rawName.subarray(0, nul));
      const value = eq < amp ? text(phpUrldecodeBytes(bytes, eq + 1, amp)) : '';
      registerVariable(out, name, value, limits);
    }
    start = amp + 1;
  }
  return out;
}


/** PHP urldecode of well-formed text, strict about the UTF-8 the escapes spell. */
function urldecodeText(s: string): string {
  const pct = s.indexOf('%');
  const plus = s.indexOf('+');
  if (pct === -1) return plus === -1 ? s : s.replace(/\+/g, ' ');
  const spaced = plus === -1 ? s : s.replace(/\+/g, ' ');
  try {
    // Native and strict: throws on invalid UTF-8 and on a '%' without two hex digits.
    return decodeURIComponent(spaced);
  } catch {
    // PHP keeps a stray '%' as it is; decode byte by byte and check the UTF-8 after.
    return bytesToUtf8(phpUrldecodeBytes(utf8ToBytes(s)));
  }
}

function badInput(): never {
  throw new HostsigError('INVALID_ARGUMENT', '"input" expected string or Uint8Array');
}

function isSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

/** php_register_variable_ex: where one decoded `name=value` pair lands. */
function registerVariable(root: PhpArray, rawName: string, value: string, limits: Limits): void {
  const { maxDepth, refuse } = limits;
  let s = rawName;
  let lead = 0;
  while (s.charCodeAt(lead) === 0x20) lead++;
  if (lead) s = s.slice(lead);

  // Top-level name: ' ' and '.' become '_' up to the first '[' (one native pass, not a string
  // built a character at a time: a megabyte name cost GC time beyond linear).
  const bracket = s.indexOf('[');
  const base = (bracket === -1 ? s : s.slice(0, bracket)).replace(/[ .]/g, '_');
  if (base.length === 0) return;
  if (refuse && limits.once.includes(base) && root.get(base) !== undefined) duplicate(base);
  if (bracket === -1) {
    setOnce(root, base, value, refuse, base);
    return;
  }

  // path[0] is the top-level name, the rest are indexes; null means "append" (`[]`).
  const path: (string | null)[] = [base];
  let pos = bracket;
  for (let level = 1; ; level++) {
    if (level > maxDepth) throw new HostsigError('BODY_MALFORMED', `input nested deeper than ${maxDepth}`, { maxDepth });
    const idxStart = pos + 1;
    let close: number;
    // `[]` appends; so does `[ ]` (any one ASCII space char): PHP skips one before looking for ']'.
    if (s[idxStart] === ']' || (isSpace(s.charCodeAt(idxStart)) && s[idxStart + 1] === ']')) {
      close = s[idxStart] === ']' ? idxStart : idxStart + 1;
      path.push(null);
    } else {
      close = s.indexOf(']', idxStart);
      if (close === -1) {
        // No closing bracket: at the first level PHP un-terminates the name, mangling the
        // rest; deeper, the junk is dropped and the previous index becomes the final key.
        if (level === 1) path[0] = `${base}_${s.slice(idxStart).replace(/[ .[]/g, '_')}`;
        break;
      }
      path.push(s.slice(idxStart, close));
    }
    pos = close + 1;
    if (s[pos] !== '[') break; // anything after the last ']' is ignored
  }

  let table = root;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i]!;
    if (key === null) {
      const fresh = new PhpArray();
      if (!table.append(fresh)) return;
      table = fresh;
    } else {
      const existing = table.get(key);
      if (existing instanceof PhpArray) table = existing;
      else {
        // PHP turns a scalar into an array here; a reader of the first pair keeps the scalar.
        if (refuse && existing !== undefined) duplicate(base);
        const fresh = new PhpArray();
        table.set(key, fresh);
        table = fresh;
      }
    }
  }
  const last = path[path.length - 1]!;
  if (last === null) table.append(value);
  else setOnce(table, last, value, refuse, base);
}

/** `table[key] = value`; with `refuse`, only when the key is new or already holds that same string. */
function setOnce(table: PhpArray, key: string, value: string, refuse: boolean, base: string): void {
  if (refuse) {
    const existing = table.get(key);
    if (existing !== undefined && existing !== value) duplicate(base);
  }
  table.set(key, value);
}

function duplicate(base: string): never {
  throw new HostsigError('FIELD_DUPLICATE', 'a field is sent more than once with different values', { field: base.slice(0, 64) });
}
