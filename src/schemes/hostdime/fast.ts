/**
 * A fused single pass from a HostDime form body to the JSON part of the hashed string, for the
 * common case only. Internal to `hostsig/hostdime`.
 *
 * The general path is parse_str into a PhpArray (urldecode, name mangling, nesting,
 * duplicates), then json_encode, then json_encode again, then UTF-8, then SHA-256: five
 * passes and a string per field. Here one loop reads the body once and writes the bytes of
 * `json_encode(json_encode($params, JSON_FORCE_OBJECT))` (php dialect, string values) straight
 * into a byte buffer: both encodings are pure ASCII, so each decoded character maps to a fixed
 * byte sequence (`/` -> `\\\/`, `é` -> `\\u00e9`, ...).
 *
 * It handles bodies whose names are plain `[A-Za-z0-9_-]` (nothing to decode, mangle or nest),
 * with no repeated name and well-formed escapes and UTF-8. Anything else returns null and the
 * caller uses the general path, which also names every error: this pass never decides that a
 * request is bad, it only finds the bytes faster when the request is plain. test/hostdime/fast
 * checks it against the general path on arbitrary bodies.
 */

import { hexDigit } from '../../core/uri.js';
import { wordChar } from './method.js';

/** What the scan found: the four `api_*` fields the verifier reads, and where the JSON is. */
export interface FastForm {
  /** Decoded values of `api_key`, `api_timestamp`, `api_unique`, `api_hash`; undefined when absent. */
  key: string | undefined;
  timestamp: string | undefined;
  unique: string | undefined;
  hash: string | undefined;
  /** Where `hash` stands in the body when it came unescaped (read there: the slice is not a flat string); else -1. */
  hashAt: number;
  /**
   * `json_encode(json_encode($params, JSON_FORCE_OBJECT))` of the non-`api_*` fields, ASCII
   * bytes. A view of a shared scratch buffer, valid until the next call: copy it to keep it.
   */
  json: Uint8Array;
}

/** Above this many fields the general path is used (the duplicate check here is quadratic). */
const MAX_FAST_FIELDS = 128;

// What each ASCII byte becomes once JSON-encoded twice (inner json_encode, then the outer one
// escaping the inner '"', '\' and '/'): 1 byte for plain printable characters, otherwise the
// escape sequence. Built once.
const ASCII_OUT: Uint8Array[] = /* @__PURE__ */ (() => {
  const t: Uint8Array[] = [];
  const bytes = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
  const short: Record<number, string> = { 0x08: 'b', 0x0c: 'f', 0x0a: 'n', 0x0d: 'r', 0x09: 't' };
  for (let c = 0; c < 0x80; c++) {
    if (c === 0x22) t.push(bytes('\\\\\\"'));
    else if (c === 0x5c) t.push(bytes('\\\\\\\\'));
    else if (c === 0x2f) t.push(bytes('\\\\\\/'));
    else if (c >= 0x20) t.push(Uint8Array.of(c));
    else if (short[c]) t.push(bytes(`\\\\${short[c]}`));
    else t.push(bytes(`\\\\u00${c.toString(16).padStart(2, '0')}`));
  }
  return t;
})();
// Single-byte outputs, for the hot loop: 0 where the output is longer, and for '+' and '%',
// which the wire format gives a meaning, so one table lookup sorts out the common character.
const ASCII_PLAIN: Uint8Array = /* @__PURE__ */ Uint8Array.from(ASCII_OUT, (o, c) => (o.length === 1 && c !== 0x2b && c !== 0x25 ? o[0]! : 0));
// The same for the value loop, which also stops at '&' (the end of the value).
const VALUE_PLAIN: Uint8Array = /* @__PURE__ */ (() => {
  const t = ASCII_PLAIN.slice();
  t[0x26] = 0;
  return t;
})();
const HEX_LOWER = /* @__PURE__ */ Uint8Array.from('0123456789abcdef', (c) => c.charCodeAt(0));

// A scratch buffer reused across calls, so a typical call allocates no buffer; and the name
// hashes of the duplicate check. Both are only read before the next call. The scratch never
// grows past SCRATCH_MAX: a larger body gets a buffer of its own for that call, so one huge
// request leaves nothing behind in proportion to it.
const SCRATCH_MAX = 64 * 1024;
const scratch = new Uint8Array(SCRATCH_MAX);
const hashes = new Int32Array(MAX_FAST_FIELDS);

// Over 80 lines: one pass over the body as a state machine on local variables; split into
// functions, every byte would pay a call and the state would move to an object (bench/run.js).
/**
 * Scans `body` (already well-formed text) and returns the api fields and the JSON bytes, or
 * null when the general path must handle it.
 * @param maxVars PHP's max_input_vars: more fields than this is left to the general path (which refuses it)
 */
export function fastHostDimeForm(body: string, maxVars: number): FastForm | null {
  const len = body.length;
  // Worst case 7 output bytes per input character (a raw control or non-ASCII unit) plus 10
  // per field for the quotes, ':' and ','; the field count is at most len/2 + 1.
  const need = 7 * len + 10 * (len >> 1) + 32;
  const out = need <= SCRATCH_MAX ? scratch : new Uint8Array(need);
  let o = 0;
  out[o++] = 0x22; // outer "
  out[o++] = 0x7b; // {
  const form: FastForm = { key: undefined, timestamp: undefined, unique: undefined, hash: undefined, hashAt: -1, json: out };
  let count = 0;
  let first = true;
  let start = 0;
  // One pass, no indexOf: the name loop stops at its '=' (or '&'), the value loop at its '&'.
  while (start < len) {
    if (body.charCodeAt(start) === 0x26) {
      start++; // an empty field ("&&"): PHP skips it
      continue;
    }
    if (++count > maxVars || count > MAX_FAST_FIELDS) return null;
    // The name: plain characters only, copied (for a param) and hashed (32-bit FNV-1a, for
    // the duplicate check) in one loop, after the ',' and '\"' it follows.
    const fieldStart = o;
    if (!first) out[o++] = 0x2c; // ,
    out[o++] = 0x5c; // \"
    out[o++] = 0x22;
    let h = 0x811c9dc5;
    let eq = start;
    let c = 0;
    for (; eq < len; eq++) {
      c = body.charCodeAt(eq);
      if (!wordChar(c)) break;
      out[o++] = c;
      h = Math.imul(h ^ c, 0x01000193);
    }
    // An empty name (PHP drops the field), or one with other characters: the general path.
    if (eq === start || (eq < len && c !== 0x3d && c !== 0x26)) return null;
    // Where the value starts (after its '='; at the '&' or the end when there is none).
    const from = c === 0x3d ? eq + 1 : eq;
    // Any equal hash (a repeated name, or a rare collision) goes to the general path.
    h |= 0;
    for (let j = 0; j < count - 1; j++) if (hashes[j] === h) return null;
    hashes[count - 1] = h;
    const isApi = eq - start >= 4 && body.startsWith('api_', start);
    if (isApi) {
      // Not a param: nothing to write. A value of plain ASCII without '%' or '+' is taken as
      // it is; anything else is checked by the full loop below (then thrown away).
      o = fieldStart;
      let end = from;
      for (; end < len; end++) {
        const v = body.charCodeAt(end);
        if (v === 0x26) break;
        if (v >= 0x80 || v === 0x25 || v === 0x2b) {
          end = -1;
          break;
        }
      }
      if (end >= 0) {
        setApi(form, body, start, eq, body.slice(from, end), from);
        start = end + 1;
        continue;
      }
    }
    // \":\"
    out[o++] = 0x5c;
    out[o++] = 0x22;
    out[o++] = 0x3a;
    out[o++] = 0x5c;
    out[o++] = 0x22;
    // The value, urldecoded and encoded twice in the same loop, up to its '&'.
    let escaped = false;
    let i = from;
    while (i < len) {
      c = body.charCodeAt(i);
      if (c < 0x80) {
        // The common case first: a character that is written as it is ('&' is not one).
        const p = VALUE_PLAIN[c]!;
        if (p !== 0) {
          out[o++] = p;
          i++;
          continue;
        }
        if (c === 0x26) break;
      }
      if (c === 0x2b) {
        // '+' is a space
        out[o++] = 0x20;
        escaped = true;
        i++;
        continue;
      }
      if (c === 0x25) {
        // %XX: one byte; a byte >= 0x80 starts a UTF-8 sequence whose every byte must be %XX too.
        escaped = true;
        const b0 = pct(body, i, len);
        if (b0 < 0) return null; // a stray '%' (PHP keeps it): general path
        i += 3;
        if (b0 < 0x80) {
          c = b0;
        } else {
          let cp: number;
          let more: number;
          let lo = 0x80;
          let hi = 0xbf;
          if (b0 >= 0xc2 && b0 <= 0xdf) {
            cp = b0 & 0x1f;
            more = 1;
          } else if (b0 >= 0xe0 && b0 <= 0xef) {
            cp = b0 & 0x0f;
            more = 2;
            if (b0 === 0xe0) lo = 0xa0; // no overlong forms
            if (b0 === 0xed) hi = 0x9f; // no UTF-16 surrogates
          } else if (b0 >= 0xf0 && b0 <= 0xf4) {
            cp = b0 & 0x07;
            more = 3;
            if (b0 === 0xf0) lo = 0x90;
            if (b0 === 0xf4) hi = 0x8f; // nothing above U+10FFFF
          } else {
            return null;
          }
          for (let k = 0; k < more; k++) {
            const b = body.charCodeAt(i) === 0x25 ? pct(body, i, len) : -1;
            if (b < lo || b > hi) return null;
            lo = 0x80;
            hi = 0xbf;
            cp = (cp << 6) | (b & 0x3f);
            i += 3;
          }
          if (cp >= 0x10000) {
            o = unit(out, o, 0xd800 + ((cp - 0x10000) >> 10));
            o = unit(out, o, 0xdc00 + ((cp - 0x10000) & 0x3ff));
          } else {
            o = unit(out, o, cp);
          }
          continue;
        }
      } else {
        i++;
        if (c >= 0x80) {
          // A raw (not percent-encoded) non-ASCII character: its UTF-16 units, pairs checked.
          if (c >= 0xd800 && c <= 0xdfff) {
            const d = body.charCodeAt(i);
            if (c > 0xdbff || !(d >= 0xdc00 && d <= 0xdfff) || i >= len) return null;
            o = unit(out, o, c);
            c = d;
            i++;
          }
          o = unit(out, o, c);
          continue;
        }
      }
      const plain = ASCII_PLAIN[c]!;
      if (plain !== 0) out[o++] = plain;
      else {
        const seq = ASCII_OUT[c]!;
        for (let k = 0; k < seq.length; k++) out[o++] = seq[k]!;
      }
    }
    if (isApi) {
      // Not a param: keep its decoded value (the scan above checked its escapes) and drop
      // what was written for it.
      const raw = body.slice(from, i);
      setApi(form, body, start, eq, escaped ? decodeURIComponent(raw.replace(/\+/g, ' ')) : raw, escaped ? -1 : from);
      o = fieldStart;
    } else {
      out[o++] = 0x5c;
      out[o++] = 0x22;
      first = false;
    }
    start = i + 1;
  }
  out[o++] = 0x7d; // }
  out[o++] = 0x22; // outer "
  form.json = out.subarray(0, o);
  return form;
}

/** Records one of the four api fields the verifier reads; other `api_*` names are ignored. */
function setApi(form: FastForm, body: string, start: number, eq: number, value: string, at: number): void {
  switch (eq - start) {
    case 7:
      if (body.startsWith('api_key', start)) form.key = value;
      break;
    case 8:
      if (body.startsWith('api_hash', start)) {
        form.hash = value;
        form.hashAt = at;
      }
      break;
    case 10:
      if (body.startsWith('api_unique', start)) form.unique = value;
      break;
    case 13:
      if (body.startsWith('api_timestamp', start)) form.timestamp = value;
      break;
  }
}

/** The byte of a `%XX` at `i` (before `end`), or -1. */
function pct(s: string, i: number, end: number): number {
  if (i + 2 >= end) return -1;
  const h = hexDigit(s.charCodeAt(i + 1));
  const l = hexDigit(s.charCodeAt(i + 2));
  return h < 0 || l < 0 ? -1 : (h << 4) | l;
}

/** Writes `\\uXXXX` (the inner `\uXXXX` escaped again) for one UTF-16 unit. */
function unit(out: Uint8Array, o: number, u: number): number {
  out[o++] = 0x5c;
  out[o++] = 0x5c;
  out[o++] = 0x75;
  out[o++] = HEX_LOWER[(u >> 12) & 15]!;
  out[o++] = HEX_LOWER[(u >> 8) & 15]!;
  out[o++] = HEX_LOWER[(u >> 4) & 15]!;
  out[o++] = HEX_LOWER[u & 15]!;
  return o;
}
