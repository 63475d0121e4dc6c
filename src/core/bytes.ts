import { asciiString, shortAsciiBytes } from './binary.js';
import { HostsigError } from './errors.js';

/**
 * True for a real `Uint8Array`, including one from another realm (a `vm` context, an iframe).
 * A plain object that only claims the name (`{ constructor: { name: 'Uint8Array' } }`) is not one.
 * @param a any value
 * @example
 * ```ts
 * import { isBytes } from 'hostsig/core';
 *
 * isBytes(new Uint8Array(2)) // => true
 * isBytes({ constructor: { name: 'Uint8Array' } }) // => false
 * isBytes(new Uint16Array(2)) // => false
 * ```
 */
export function isBytes(a: unknown): a is Uint8Array {
  // The %TypedArray% toStringTag getter reads an internal slot: it works across realms and
  // says undefined for anything that only borrowed Uint8Array.prototype.
  return typeof a === 'object' && a !== null && ArrayBuffer.isView(a) && typedArrayTag.call(a) === 'Uint8Array';
}

const typedArrayTag = /* @__PURE__ */ (Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Uint8Array.prototype), Symbol.toStringTag)!.get as (this: unknown) => string | undefined);

/**
 * Asserts `a` is a Uint8Array, naming the argument in the error.
 * @param a the value to check
 * @param name the argument's name, for the message
 * @returns `a`
 * @throws HostsigError `INVALID_ARGUMENT` when `a` is not a Uint8Array
 * @example
 * ```ts
 * import { abytes } from 'hostsig/core';
 *
 * abytes(new Uint8Array([1])) // => new Uint8Array([1])
 * abytes('abc', 'key') // => throws INVALID_ARGUMENT
 * ```
 */
export function abytes(a: unknown, name = 'value'): Uint8Array {
  if (!isBytes(a)) throw new HostsigError('INVALID_ARGUMENT', `"${name}" expected Uint8Array, got ${typeName(a)}`, { argument: name });
  return a;
}

/**
 * Asserts `s` is a string, naming the argument in the error.
 * @param s the value to check
 * @param name the argument's name, for the message
 * @returns `s`
 * @throws HostsigError `INVALID_ARGUMENT` when `s` is not a string
 * @example
 * ```ts
 * import { astring } from 'hostsig/core';
 *
 * astring('x', 'name') // => 'x'
 * astring(42, 'name') // => throws INVALID_ARGUMENT
 * ```
 */
export function astring(s: unknown, name = 'value'): string {
  if (typeof s !== 'string') throw new HostsigError('INVALID_ARGUMENT', `"${name}" expected string, got ${typeName(s)}`, { argument: name });
  return s;
}

/**
 * The type word used in error messages: `typeof`, except `null` and `array`.
 * @param v any value
 * @example
 * ```ts
 * import { typeName } from 'hostsig/core';
 *
 * typeName(null) // => 'null'
 * typeName([1]) // => 'array'
 * typeName(new Uint8Array()) // => 'object'
 * ```
 */
export function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

const encoder = /* @__PURE__ */ new TextEncoder();
const strictDecoder = /* @__PURE__ */ new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Strict UTF-8 text of the bytes, or null when they are not UTF-8 (never U+FFFD): the
 * non-throwing form of {@link bytesToUtf8}, for readers that fall back instead of failing.
 * @param b the bytes
 * @example
 * ```ts
 * import { utf8OrNull } from 'hostsig/core';
 *
 * utf8OrNull(new Uint8Array([0xc3, 0xa9])) // => 'é'
 * utf8OrNull(new Uint8Array([0xc3])) // => null
 * ```
 */
export function utf8OrNull(b: Uint8Array): string | null {
  try {
    return strictDecoder.decode(b);
  } catch {
    return null;
  }
}

/**
 * UTF-8 bytes of a string. Lone surrogates are an error, not U+FFFD.
 * @param s text
 * @throws HostsigError `INVALID_UTF8` for a lone surrogate
 * @example
 * ```ts
 * import { utf8ToBytes } from 'hostsig/core';
 *
 * utf8ToBytes('é') // => new Uint8Array([0xc3, 0xa9])
 * utf8ToBytes('\ud800') // => throws INVALID_UTF8
 * ```
 */
export function utf8ToBytes(s: string): Uint8Array {
  if (typeof s === 'string') {
    const ascii = shortAsciiBytes(s);
    if (ascii) return ascii;
  }
  if (!isWellFormed(s)) throw new HostsigError('INVALID_UTF8', 'string has a lone surrogate');
  return encoder.encode(s);
}

/**
 * Strict UTF-8 decode: invalid sequences are an `INVALID_UTF8` error, never U+FFFD. A BOM is kept.
 * @param b UTF-8 bytes
 * @throws HostsigError `INVALID_UTF8` for an invalid sequence (or a value that is not bytes)
 * @example
 * ```ts
 * import { bytesToUtf8 } from 'hostsig/core';
 *
 * bytesToUtf8(new Uint8Array([0xc3, 0xa9])) // => 'é'
 * bytesToUtf8(new Uint8Array([0xc3])) // => throws INVALID_UTF8
 * ```
 */
export function bytesToUtf8(b: Uint8Array): string {
  try {
    return strictDecoder.decode(b);
  } catch {
    throw new HostsigError('INVALID_UTF8', 'bytes are not valid UTF-8');
  }
}

/**
 * True when a string has no lone surrogates (so it has a UTF-8 form).
 * @param s text
 * @example
 * ```ts
 * import { isWellFormed } from 'hostsig/core';
 *
 * isWellFormed('😀') // => true
 * isWellFormed('\ud83d') // => false
 * ```
 */
export function isWellFormed(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdfff) continue;
    if (c > 0xdbff) return false;
    const d = s.charCodeAt(i + 1);
    if (!(d >= 0xdc00 && d <= 0xdfff)) return false;
    i++;
  }
  return true;
}

/**
 * Lowercase hex.
 * @param b bytes
 * @throws HostsigError `INVALID_ARGUMENT` when `b` is not a Uint8Array
 * @example
 * ```ts
 * import { bytesToHex } from 'hostsig/core';
 *
 * bytesToHex(new Uint8Array([0, 171, 255])) // => '00abff'
 * ```
 */
export function bytesToHex(b: Uint8Array): string {
  abytes(b);
  const out = new Uint8Array(2 * b.length);
  for (let i = 0; i < b.length; i++) {
    out[2 * i] = HEX.charCodeAt(b[i]! >> 4);
    out[2 * i + 1] = HEX.charCodeAt(b[i]! & 15);
  }
  return asciiString(out);
}

const HEX = '0123456789abcdef';

/**
 * Hex to bytes; case-insensitive, even length, nothing else.
 * @param s hex text, even length
 * @throws HostsigError `INVALID_ENCODING`; `INVALID_ARGUMENT` when `s` is not a string
 * @example
 * ```ts
 * import { hexToBytes } from 'hostsig/core';
 *
 * hexToBytes('00ABff') // => new Uint8Array([0, 171, 255])
 * hexToBytes('abc') // => throws INVALID_ENCODING
 * ```
 */
export function hexToBytes(s: string): Uint8Array {
  astring(s);
  if (s.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(s)) throw new HostsigError('INVALID_ENCODING', 'not a hex string');
  const out = new Uint8Array(s.length >> 1);
  // Checked above: only 0-9 A-F a-f, and (c & 15) + 9 * (c >> 6) is the value of each.
  const v = (c: number): number => (c & 15) + 9 * (c >> 6);
  for (let i = 0; i < out.length; i++) out[i] = (v(s.charCodeAt(2 * i)) << 4) | v(s.charCodeAt(2 * i + 1));
  return out;
}

// RFC 4648 base64, both alphabets: A-Z a-z 0-9, then '+/' (standard) or '-_' (url).
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function encode64(b: Uint8Array, url: boolean): string {
  abytes(b);
  const a = B64 + (url ? '-_' : '+/');
  const n = b.length;
  const rest = n % 3;
  const out = new Uint8Array(4 * Math.ceil(n / 3));
  let o = 0;
  let i = 0;
  for (; i < n - rest; i += 3) {
    const x = (b[i]! << 16) | (b[i + 1]! << 8) | b[i + 2]!;
    out[o++] = a.charCodeAt(x >> 18);
    out[o++] = a.charCodeAt((x >> 12) & 63);
    out[o++] = a.charCodeAt((x >> 6) & 63);
    out[o++] = a.charCodeAt(x & 63);
  }
  if (rest) {
    const x = (b[i]! << 16) | (rest === 2 ? b[i + 1]! << 8 : 0);
    out[o++] = a.charCodeAt(x >> 18);
    out[o++] = a.charCodeAt((x >> 12) & 63);
    out[o++] = rest === 2 ? a.charCodeAt((x >> 6) & 63) : 61; // '='
    out[o++] = 61;
  }
  // base64url is unpadded: drop the '='s.
  return asciiString(url && rest ? out.subarray(0, o - 3 + rest) : out);
}

/** The 6-bit value of a base64 character of the given alphabet, or -1. */
function digit64(c: number, url: boolean): number {
  if (c >= 65 && c <= 90) return c - 65; // A-Z
  if (c >= 97 && c <= 122) return c - 71; // a-z
  if (c >= 48 && c <= 57) return c + 4; // 0-9
  if (c === (url ? 45 : 43)) return 62; // - or +
  return c === (url ? 95 : 47) ? 63 : -1; // _ or /
}

/**
 * The one canonical decoding: every character in the alphabet (no whitespace), padded input a
 * multiple of 4 with at most two '=' at the end, unpadded input no '=' at all, never a lone
 * final character, and the bits the last character carries past the last byte all zero (so
 * each byte string has exactly one accepted text).
 */
function decode64(s: string, url: boolean, padded: boolean): Uint8Array {
  astring(s);
  let end = s.length;
  if (padded) {
    if (end % 4) bad64(url);
    if (s.endsWith('==')) end -= 2;
    else if (s.endsWith('=')) end--;
  }
  if (end % 4 === 1) bad64(url);
  const out = new Uint8Array((end * 3) >> 2);
  let acc = 0;
  let bits = 0;
  let j = 0;
  for (let i = 0; i < end; i++) {
    const d = digit64(s.charCodeAt(i), url);
    if (d < 0) bad64(url);
    // Only the low 12 bits matter: at most 6 pending plus 6 new.
    acc = ((acc << 6) | d) & 0xfff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[j++] = acc >> bits;
    }
  }
  if (acc & ((1 << bits) - 1)) bad64(url);
  return out;
}

function bad64(url: boolean): never {
  throw new HostsigError('INVALID_ENCODING', `not canonical ${url ? 'base64url' : 'base64'}`);
}

/**
 * Standard base64 with padding.
 * @param b bytes
 * @throws HostsigError `INVALID_ARGUMENT` when `b` is not a Uint8Array
 * @example
 * ```ts
 * import { bytesToBase64 } from 'hostsig/core';
 *
 * bytesToBase64(new Uint8Array([0xfb, 0xff])) // => '+/8='
 * ```
 */
export const bytesToBase64 = (b: Uint8Array): string => encode64(b, false);
/**
 * Strict base64 with padding: no whitespace, no missing padding, no non-zero trailing bits.
 * @param s padded standard base64
 * @throws HostsigError `INVALID_ENCODING`; `INVALID_ARGUMENT` when `s` is not a string
 * @example
 * ```ts
 * import { base64ToBytes } from 'hostsig/core';
 *
 * base64ToBytes('+/8=') // => new Uint8Array([0xfb, 0xff])
 * base64ToBytes('+/8') // => throws INVALID_ENCODING
 * ```
 */
export const base64ToBytes = (s: string): Uint8Array => decode64(s, false, true);
/**
 * base64url without padding (JWS).
 * @param b bytes
 * @throws HostsigError `INVALID_ARGUMENT` when `b` is not a Uint8Array
 * @example
 * ```ts
 * import { bytesToBase64url } from 'hostsig/core';
 *
 * bytesToBase64url(new Uint8Array([0xfb, 0xff])) // => '-_8'
 * ```
 */
export const bytesToBase64url = (b: Uint8Array): string => encode64(b, true);
/**
 * Strict base64url without padding.
 * @param s unpadded base64url
 * @throws HostsigError `INVALID_ENCODING`; `INVALID_ARGUMENT` when `s` is not a string
 * @example
 * ```ts
 * import { base64urlToBytes } from 'hostsig/core';
 *
 * base64urlToBytes('-_8') // => new Uint8Array([0xfb, 0xff])
 * base64urlToBytes('-_8=') // => throws INVALID_ENCODING
 * ```
 */
export const base64urlToBytes = (s: string): Uint8Array => decode64(s, true, false);
/**
 * base64url with padding, for the rare places that use it.
 * @param s padded base64url
 * @throws HostsigError `INVALID_ENCODING`; `INVALID_ARGUMENT` when `s` is not a string
 * @example
 * ```ts
 * import { base64urlPaddedToBytes } from 'hostsig/core';
 *
 * base64urlPaddedToBytes('-_8=') // => new Uint8Array([0xfb, 0xff])
 * ```
 */
export const base64urlPaddedToBytes = (s: string): Uint8Array => decode64(s, true, true);

/**
 * Concatenates byte arrays.
 * @param parts byte arrays, in order
 * @throws HostsigError `INVALID_ARGUMENT` when a part is not a Uint8Array
 * @example
 * ```ts
 * import { concatBytes } from 'hostsig/core';
 *
 * concatBytes(new Uint8Array([1]), new Uint8Array([2, 3])) // => new Uint8Array([1, 2, 3])
 * ```
 */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let len = 0;
  for (const p of parts) len += abytes(p).length;
  const out = new Uint8Array(len);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}
