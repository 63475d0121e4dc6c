import { typeName } from '../bytes.js';
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
  const v = value !== null && typeof value === 'object' && !(value instanceof PhpArray) ? PhpArray.from(value as never) : (value as PhpValue);
  return stringify(v, 0, options.topLevelObject === true);
}

function stringify(v: PhpValue, depth: number, asObject = false): string {
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v);
    case 'number':
      return Number.isFinite(v) ? String(v) : 'null';
    case 'bigint':
      throw new HostsigError('JSON_ENCODE_FAILED', 'JSON.stringify cannot encode a bigint');
    case 'boolean':
      return v ? 'true' : 'false';
    default: {
      if (v === null) return 'null';
      if (depth >= MAX_DEPTH) throw new HostsigError('JSON_ENCODE_FAILED', 'maximum depth exceeded');
      const parts: string[] = [];
      if (!asObject && v.isList()) {
        for (const item of v.values()) parts.push(stringify(item, depth + 1));
        return `[${parts.join(',')}]`;
      }
      // A JS object lists integer-like keys first, ascending, then the rest in insertion order.
      const ints: [number, string][] = [];
      for (const [k, item] of v.entries()) {
        if (isArrayIndex(k)) ints.push([Number(k), `${JSON.stringify(k)}:${stringify(item, depth + 1)}`]);
        else parts.push(`${JSON.stringify(k)}:${stringify(item, depth + 1)}`);
      }
      ints.sort((a, b) => a[0] - b[0]);
      return `{${[...ints.map((e) => e[1]), ...parts].join(',')}}`;
    }
  }
}

function isArrayIndex(k: string): boolean {
  return /^(?:0|[1-9][0-9]{0,9})$/.test(k) && Number(k) < 4294967295;
}
