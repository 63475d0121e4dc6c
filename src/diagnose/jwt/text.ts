/**
 * Reading a token the way a forgiving decoder does (a diagnosis must see what a broken token
 * holds, where a verifier refuses it), and re-writing JSON the ways proxies and clients do.
 */
import { bytesToBase64url } from '../../core/bytes.js';

const utf8 = /* @__PURE__ */ new TextEncoder();
// ignoreBOM keeps a leading U+FEFF in the text, as it is in the bytes.
const lenientUtf8 = /* @__PURE__ */ new TextDecoder('utf-8', { ignoreBOM: true });

/** UTF-8 of any string: a lone surrogate becomes U+FFFD (what a client library sends). */
export function looseUtf8Bytes(s: string): Uint8Array {
  return utf8.encode(s);
}

/** Text of any bytes: an invalid sequence becomes U+FFFD instead of an error. */
export function looseUtf8Text(b: Uint8Array): string {
  return lenientUtf8.decode(b);
}

/** The 6-bit value of a base64 or base64url character, or -1. */
function sextet(c: number): number {
  if (c >= 0x41 && c <= 0x5a) return c - 0x41;
  if (c >= 0x61 && c <= 0x7a) return c - 0x61 + 26;
  if (c >= 0x30 && c <= 0x39) return c - 0x30 + 52;
  if (c === 0x2b || c === 0x2d) return 62;
  if (c === 0x2f || c === 0x5f) return 63;
  return -1;
}

/**
 * Forgiving base64 of either alphabet: other characters are skipped, the first `=` ends the
 * data, leftover bits are dropped (node's Buffer.from(s, 'base64')). One pass, no regex.
 */
export function looseBase64Bytes(s: string): Uint8Array {
  const out = new Uint8Array(Math.floor((s.length * 3) / 4) + 1);
  let n = 0;
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x3d) break;
    const v = sextet(c);
    if (v === -1) continue;
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[n++] = (acc >> bits) & 0xff;
    }
  }
  return out.slice(0, n);
}

/** base64url of a string's UTF-8. */
export function b64urlOfText(s: string): string {
  return bytesToBase64url(looseUtf8Bytes(s));
}

/** Python's `json.dumps` separators (`", "`, `": "`) over compact JSON, outside strings; one pass. */
export function pythonSeparators(json: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const c = json[i]!;
    out += c;
    if (inString) {
      if (c === '\\') out += json[++i] ?? '';
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === ',' || c === ':') out += ' ';
  }
  return out;
}

/** A JSON value with every object's keys sorted. */
function sortKeys(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(sortKeys);
  if (!x || typeof x !== 'object') return x;
  return Object.fromEntries(Object.keys(x).sort().map((k) => [k, sortKeys((x as Record<string, unknown>)[k])]));
}

/** Re-serializations a proxy, a framework or a "helpful" client applies to JSON, each with its label. */
export function reserializations(text: string): [string, string][] {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return [];
  }
  const compact = JSON.stringify(v);
  const sorted = JSON.stringify(sortKeys(v));
  const ascii = (s: string) => s.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return [
    ['compact JSON (JSON.stringify)', compact],
    ['keys sorted', sorted],
    ['Python json.dumps separators ", " ": "', pythonSeparators(compact)],
    ['keys sorted, Python separators', pythonSeparators(sorted)],
    ['indented by 2', JSON.stringify(v, null, 2)],
    ['indented by 4', JSON.stringify(v, null, 4)],
    ['non-ASCII escaped as \\uXXXX', ascii(compact)],
    ['keys sorted, non-ASCII escaped', ascii(sorted)],
    ['trailing newline', `${text}\n`],
    ['CRLF to LF', text.replace(/\r\n/g, '\n')],
  ];
}
