// Internal (not re-exported by hostsig/core): bytes <-> one-char-per-byte strings.

/**
 * The bytes as a binary string, one char (U+0000-U+00FF) per byte. Chunked, since
 * `fromCharCode.apply` takes its arguments on the stack.
 */
export function binaryString(b: Uint8Array): string {
  if (b.length <= 8192) return String.fromCharCode.apply(null, b as unknown as number[]);
  let s = '';
  for (let i = 0; i < b.length; i += 8192) s += String.fromCharCode.apply(null, b.subarray(i, i + 8192) as unknown as number[]);
  return s;
}

const utf8 = /* @__PURE__ */ new TextDecoder();

/** ASCII codes as a string: natively above a few dozen chars, where the decoder's setup pays off. */
export function asciiString(codes: Uint8Array): string {
  return codes.length > 32 ? utf8.decode(codes) : binaryString(codes);
}

/**
 * A short ASCII string's bytes, or undefined when it is long or not ASCII. Under ~128 chars a JS
 * copy loop is several times faster than TextEncoder's native call (measured on Node 20).
 */
export function shortAsciiBytes(s: string): Uint8Array | undefined {
  const n = s.length;
  if (n > 128) return undefined;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x7f) return undefined;
    out[i] = c;
  }
  return out;
}
