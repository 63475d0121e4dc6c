import { isWellFormed, typeName } from '../bytes.js';
import { HostsigError } from '../errors.js';
import { type ParamValue, PhpArray, type PhpValue } from './array.js';
import { phpFormatDouble } from './float.js';

/** Flags of {@link phpJsonEncode}, named after PHP's `JSON_*` constants. */
export interface PhpJsonEncodeOptions {
  /** PHP's `JSON_FORCE_OBJECT`: every array, lists included, becomes a JSON object. */
  forceObject?: boolean;
}

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;
// PHP json_encode's default depth.
const MAX_DEPTH = 512;
const HEX = '0123456789abcdef';

/**
 * Byte-exact PHP 8 `json_encode` with default flags (plus `JSON_FORCE_OBJECT` on request):
 * `/` escaped as `\/`, every non-ASCII UTF-16 unit as lowercase `\uXXXX` (astral characters
 * as a surrogate pair), `\b \f \n \r \t`, other controls as `\u00XX`, floats in PHP's
 * shortest round-trip form. JS integers are PHP ints; other numbers are floats.
 * The output is pure ASCII.
 *
 * @param value a PhpArray, params input or scalar
 * @param options PHP flags (`forceObject`, ...)
 * @throws HostsigError `INVALID_UTF8` for a lone surrogate, `JSON_ENCODE_FAILED` for
 *   NaN/Infinity, ints outside int64, or nesting deeper than 512.
 * @example
 * ```ts
 * import { parseStr, phpJsonEncode } from 'hostsig/core';
 *
 * phpJsonEncode({ url: 'http://a/é' }) // => '{"url":"http:\\/\\/a\\/\\u00e9"}'
 * phpJsonEncode(parseStr('foo[]=1&foo[]=2'), { forceObject: true }) // => '{"foo":{"0":"1","1":"2"}}'
 * phpJsonEncode('\ud800') // => throws INVALID_UTF8
 * ```
 */
export function phpJsonEncode(value: PhpValue | ParamValue, options: PhpJsonEncodeOptions = {}): string {
  const v = value !== null && typeof value === 'object' && !(value instanceof PhpArray) ? PhpArray.from(value as never) : (value as PhpValue);
  return encode(v, options.forceObject === true, 0);
}

function encode(v: PhpValue, force: boolean, depth: number): string {
  switch (typeof v) {
    case 'string':
      return phpJsonString(v);
    case 'number':
      return encodeNumber(v);
    case 'bigint':
      if (v > INT64_MAX || v < INT64_MIN) throw new HostsigError('JSON_ENCODE_FAILED', 'integer outside the int64 range');
      return v.toString();
    case 'boolean':
      return v ? 'true' : 'false';
    case 'object': {
      if (v === null) return 'null';
      if (!(v instanceof PhpArray)) throw new HostsigError('JSON_ENCODE_FAILED', `cannot encode ${typeName(v)}`);
      if (depth >= MAX_DEPTH) throw new HostsigError('JSON_ENCODE_FAILED', 'maximum depth exceeded');
      const parts: string[] = [];
      if (!force && v.isList()) {
        for (const item of v.values()) parts.push(encode(item, force, depth + 1));
        return `[${parts.join(',')}]`;
      }
      for (const [k, item] of v.entries()) parts.push(`${phpJsonString(k)}:${encode(item, force, depth + 1)}`);
      return `{${parts.join(',')}}`;
    }
    default:
      throw new HostsigError('JSON_ENCODE_FAILED', `cannot encode ${typeName(v)}`);
  }
}

function encodeNumber(n: number): string {
  if (!Number.isFinite(n)) throw new HostsigError('JSON_ENCODE_FAILED', 'Inf and NaN cannot be JSON encoded');
  // An integral JS number within int64 is a PHP int: print it exactly.
  if (Number.isInteger(n) && n < 9223372036854775808 && n >= -9223372036854775808) return BigInt(n).toString();
  return phpFormatDouble(n, 0, 'e');
}

/** A JSON string literal exactly as PHP writes it (ASCII only). */
// Anything outside printable ASCII, and '"', '\\' and '/', needs an escape.
const NEEDS_ESCAPE = /[^\x20\x21\x23-\x2e\x30-\x5b\x5d-\x7f]/;

/**
 * A JSON string literal as PHP's `json_encode` writes it with default flags.
 * @param s text
 * @throws HostsigError `INVALID_UTF8` for a lone surrogate
 * @example
 * ```ts
 * import { phpJsonString } from 'hostsig/core';
 *
 * phpJsonString('a/é😀') // => '"a\\/\\u00e9\\ud83d\\ude00"'
 * ```
 */
export function phpJsonString(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return `"${s}"`;
  let out = '"';
  let run = 0; // start of the pending run of characters that need no escape
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c < 0x7f + 1 && c !== 0x22 && c !== 0x5c && c !== 0x2f) continue;
    out += s.slice(run, i);
    run = i + 1;
    switch (c) {
      case 0x22: out += '\\"'; break;
      case 0x5c: out += '\\\\'; break;
      case 0x2f: out += '\\/'; break;
      case 0x08: out += '\\b'; break;
      case 0x0c: out += '\\f'; break;
      case 0x0a: out += '\\n'; break;
      case 0x0d: out += '\\r'; break;
      case 0x09: out += '\\t'; break;
      default:
        if (c >= 0xd800 && c <= 0xdfff) {
          const d = s.charCodeAt(i + 1);
          if (c > 0xdbff || !(d >= 0xdc00 && d <= 0xdfff)) throw new HostsigError('INVALID_UTF8', 'malformed UTF-8: lone surrogate');
          out += u4(c) + u4(d);
          i++;
          run = i + 1;
        } else {
          out += u4(c);
        }
    }
  }
  return `${out}${s.slice(run)}"`;
}

function u4(c: number): string {
  return `\\u${HEX[(c >> 12) & 15]}${HEX[(c >> 8) & 15]}${HEX[(c >> 4) & 15]}${HEX[c & 15]}`;
}

/**
 * `JSON.stringify` of the JS value the official Node client would hold for this PHP value:
 * lists become arrays, maps objects, whose integer-like keys JavaScript moves to the front
 * in ascending order. Keys are written, never assigned, so `__proto__` is an ordinary key.
 * @param value a PhpArray, params input or scalar
 * @param options `topLevelObject`: write an empty or list-shaped top level as an object, as the Node client does
 * @example
 * ```ts
 * import { jsJsonStringify } from 'hostsig/core';
 *
 * jsJsonStringify([['url', 'http://a/é']]) // => '{"url":"http://a/é"}'
 * ```
 */
export function jsJsonStringify(value: PhpValue | ParamValue, options: { topLevelObject?: boolean } = {}): string {
  return generate(value, JS, options.topLevelObject === true);
}

/**
 * Ruby's `to_json` (the json gem's generator, as the official Ruby client `hdcore-rb` calls it)
 * of the Ruby value that client would hold: lists become Arrays, maps Hashes, which keep
 * insertion order (integer-like keys stay where they are, unlike JavaScript's). Strings are
 * escaped as `JSON.stringify` escapes them (`"`, `\\`, controls; `/` and non-ASCII stay as
 * they are); integers are exact, floats are Ruby's `Float#to_s` (`1.0`, `1.0e+15`, `1.0e-05`).
 * @param value a PhpArray, params input or scalar
 * @param options `topLevelObject`: write an empty or list-shaped top level as an object (the
 *   client's params are always a Hash)
 * @throws HostsigError `INVALID_UTF8` for a lone surrogate, `JSON_ENCODE_FAILED` for
 *   NaN/Infinity or nesting deeper than 512 (Ruby raises on each)
 * @example
 * ```ts
 * import { rubyToJson } from 'hostsig/core';
 *
 * rubyToJson(new Map([['a', 'x'], ['5', 'five']])) // => '{"a":"x","5":"five"}'
 * rubyToJson([['f', 1.5e-7], ['g', 1e15], ['u', 'http://a/é']]) // => '{"f":1.5e-07,"g":1000000000000000,"u":"http://a/é"}'
 * ```
 */
export function rubyToJson(value: PhpValue | ParamValue, options: { topLevelObject?: boolean } = {}): string {
  return generate(value, RUBY, options.topLevelObject === true);
}

/** What differs between the generators: strings, numbers, and the order of object keys. */
interface Dialect {
  readonly string: (s: string) => string;
  readonly number: (n: number) => string;
  readonly bigint: (n: bigint) => string;
  /** True when integer-like keys go first, ascending (JavaScript objects). */
  readonly indexKeysFirst: boolean;
}

const JS: Dialect = {
  string: (s) => JSON.stringify(s),
  number: (n) => (Number.isFinite(n) ? String(n) : 'null'),
  bigint: () => {
    throw new HostsigError('JSON_ENCODE_FAILED', 'JSON.stringify cannot encode a bigint');
  },
  indexKeysFirst: true,
};

const RUBY: Dialect = {
  string: (s) => {
    if (!isWellFormed(s)) throw new HostsigError('INVALID_UTF8', 'malformed UTF-8: lone surrogate');
    return JSON.stringify(s);
  },
  number: rubyNumber,
  bigint: (n) => n.toString(),
  indexKeysFirst: false,
};

function generate(value: PhpValue | ParamValue, dialect: Dialect, topLevelObject: boolean): string {
  const v = value !== null && typeof value === 'object' && !(value instanceof PhpArray) ? PhpArray.from(value as never) : (value as PhpValue);
  return stringify(v, dialect, 0, topLevelObject);
}

function stringify(v: PhpValue, dialect: Dialect, depth: number, asObject = false): string {
  switch (typeof v) {
    case 'string':
      return dialect.string(v);
    case 'number':
      return dialect.number(v);
    case 'bigint':
      return dialect.bigint(v);
    case 'boolean':
      return v ? 'true' : 'false';
    default: {
      if (v === null) return 'null';
      if (depth >= MAX_DEPTH) throw new HostsigError('JSON_ENCODE_FAILED', 'maximum depth exceeded');
      const parts: string[] = [];
      if (!asObject && v.isList()) {
        for (const item of v.values()) parts.push(stringify(item, dialect, depth + 1));
        return `[${parts.join(',')}]`;
      }
      // A JS object lists integer-like keys first, ascending, then the rest in insertion order.
      const ints: [number, string][] = [];
      for (const [k, item] of v.entries()) {
        const member = `${dialect.string(k)}:${stringify(item, dialect, depth + 1)}`;
        if (dialect.indexKeysFirst && isArrayIndex(k)) ints.push([Number(k), member]);
        else parts.push(member);
      }
      ints.sort((a, b) => a[0] - b[0]);
      return `{${[...ints.map((e) => e[1]), ...parts].join(',')}}`;
    }
  }
}

/**
 * Ruby's Integer#to_s for integers, Float#to_s for the rest: the shortest round-trip digits,
 * in fixed notation unless the value is below 1e-4 (`d.ddde-XX`, two exponent digits at least).
 * Ruby also writes floats of 16+ integer digits with an exponent (`1.0e+15`), but a float that
 * large is integral, and integral JS numbers are Integers here (as they are PHP ints).
 */
function rubyNumber(n: number): string {
  if (!Number.isFinite(n)) throw new HostsigError('JSON_ENCODE_FAILED', `${n} is not allowed in JSON`);
  if (Number.isInteger(n)) return BigInt(n).toString();
  const [mantissa, exp] = n.toExponential().split('e') as [string, string];
  const e = Number(exp);
  const neg = mantissa.startsWith('-');
  const digits = mantissa.replace('-', '').replace('.', '');
  const sign = neg ? '-' : '';
  if (e >= -4) {
    if (e < 0) return `${sign}0.${'0'.repeat(-e - 1)}${digits}`;
    const int = digits.slice(0, e + 1).padEnd(e + 1, '0');
    return `${sign}${int}.${digits.slice(e + 1) || '0'}`;
  }
  const frac = digits.slice(1) || '0';
  return `${sign}${digits[0]}.${frac}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
}

function isArrayIndex(k: string): boolean {
  return /^(?:0|[1-9][0-9]{0,9})$/.test(k) && Number(k) < 4294967295;
}
