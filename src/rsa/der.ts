/**
 * A strict DER reader and the few DER writers hostsig needs (X.690). Internal to `hostsig/rsa`.
 * Reading refuses everything BER allows and DER does not: indefinite lengths, non-minimal
 * length encodings, high tag numbers, trailing bytes, non-minimal or negative INTEGERs.
 * Every failure is a `HostsigError` with code `KEY_INVALID`.
 */
import { HostsigError } from '../core/errors.js';
import { bytesToBigint } from './bigint.js';

export const TAG_INTEGER = 0x02;
export const TAG_BIT_STRING = 0x03;
export const TAG_OCTET_STRING = 0x04;
export const TAG_NULL = 0x05;
export const TAG_OID = 0x06;
export const TAG_SEQUENCE = 0x30;

function bad(message: string): HostsigError {
  return new HostsigError('KEY_INVALID', `DER: ${message}`);
}

/** One element: its tag and the bounds of its contents inside the reader's buffer. */
interface Tlv {
  tag: number;
  start: number;
  end: number;
}

/** Reads DER elements in order from `buf[pos..end)`. */
export class DerReader {
  readonly #buf: Uint8Array;
  #pos: number;
  readonly #end: number;

  constructor(buf: Uint8Array, start = 0, end = buf.length) {
    this.#buf = buf;
    this.#pos = start;
    this.#end = end;
  }

  /** True when every byte has been read. */
  get done(): boolean {
    return this.#pos >= this.#end;
  }

  /** The tag of the next element, or -1 at the end. */
  peekTag(): number {
    return this.done ? -1 : this.#buf[this.#pos]!;
  }

  #next(expected: number, what: string): Tlv {
    const buf = this.#buf;
    if (this.#pos >= this.#end) throw bad(`expected ${what}, got end of data`);
    const tag = buf[this.#pos]!;
    if ((tag & 0x1f) === 0x1f) throw bad('high tag numbers are not used in RSA keys');
    if (tag !== expected) throw bad(`expected ${what} (tag 0x${expected.toString(16)}), got tag 0x${tag.toString(16)}`);
    let p = this.#pos + 1;
    if (p >= this.#end) throw bad(`${what} has no length`);
    let len = buf[p++]!;
    if (len === 0x80) throw bad('indefinite length');
    if (len > 0x80) {
      const n = len & 0x7f;
      // 4 length bytes (up to 4 GiB) is far beyond any key; more is hostile.
      if (n > 4) throw bad('length too long');
      if (p + n > this.#end) throw bad('truncated length');
      if (buf[p] === 0) throw bad('non-minimal length (leading zero)');
      len = 0;
      for (let i = 0; i < n; i++) len = len * 256 + buf[p++]!;
      if (len < 0x80) throw bad('non-minimal length (long form for a short length)');
    }
    if (len > this.#end - p) throw bad(`${what} length ${len} runs past the end of its container`);
    this.#pos = p + len;
    return { tag, start: p, end: p + len };
  }

  /** A SEQUENCE: a reader over its contents. */
  sequence(what = 'SEQUENCE'): DerReader {
    const t = this.#next(TAG_SEQUENCE, what);
    return new DerReader(this.#buf, t.start, t.end);
  }

  /** A non-negative, minimally encoded INTEGER. */
  integer(what = 'INTEGER'): bigint {
    const { start, end } = this.#next(TAG_INTEGER, what);
    const b = this.#buf;
    if (end === start) throw bad(`${what} is empty`);
    if (b[start]! & 0x80) throw bad(`${what} is negative`);
    if (b[start] === 0 && end - start > 1 && !(b[start + 1]! & 0x80)) throw bad(`${what} is not minimally encoded`);
    return bytesToBigint(b.subarray(start, end));
  }

  /** A small INTEGER (a version field) as a number. */
  smallInteger(what = 'version'): number {
    const v = this.integer(what);
    if (v > 255n) throw bad(`${what} out of range`);
    return Number(v);
  }

  /** An OBJECT IDENTIFIER in dotted form. */
  oid(what = 'OBJECT IDENTIFIER'): string {
    const { start, end } = this.#next(TAG_OID, what);
    const b = this.#buf;
    if (end === start) throw bad(`${what} is empty`);
    const arcs: number[] = [];
    let v = 0;
    let fresh = true;
    for (let i = start; i < end; i++) {
      const c = b[i]!;
      if (fresh && c === 0x80) throw bad(`${what} arc is not minimally encoded`);
      if (v > 2 ** 45) throw bad(`${what} arc too large`);
      v = v * 128 + (c & 0x7f);
      fresh = !(c & 0x80);
      if (fresh) {
        arcs.push(v);
        v = 0;
      }
    }
    if (!fresh) throw bad(`${what} is truncated`);
    const first = arcs.shift()!;
    const head = first < 40 ? [0, first] : first < 80 ? [1, first - 40] : [2, first - 80];
    return [...head, ...arcs].join('.');
  }

  /** A NULL. */
  null(what = 'NULL'): void {
    const { start, end } = this.#next(TAG_NULL, what);
    if (end !== start) throw bad(`${what} has contents`);
  }

  /** A BIT STRING with no unused bits: its bytes. */
  bitString(what = 'BIT STRING'): Uint8Array {
    const { start, end } = this.#next(TAG_BIT_STRING, what);
    if (end === start) throw bad(`${what} is empty`);
    if (this.#buf[start] !== 0) throw bad(`${what} has unused bits`);
    return this.#buf.subarray(start + 1, end);
  }

  /** An OCTET STRING: its bytes. */
  octetString(what = 'OCTET STRING'): Uint8Array {
    const { start, end } = this.#next(TAG_OCTET_STRING, what);
    return this.#buf.subarray(start, end);
  }

  /** Skips one element of any (low-number) tag. */
  skip(what = 'element'): void {
    this.#next(this.peekTag(), what);
  }

  /** Asserts nothing is left. */
  end(what = 'structure'): void {
    if (!this.done) throw bad(`trailing data after ${what}`);
  }
}

// ---- writing ----

function encodeLength(len: number): number[] {
  if (len < 0x80) return [len];
  const out: number[] = [];
  for (let l = len; l > 0; l = Math.floor(l / 256)) out.unshift(l & 0xff);
  return [0x80 | out.length, ...out];
}

/** One DER element from a tag and its contents. */
export function derElement(tag: number, contents: Uint8Array): Uint8Array {
  const head = [tag, ...encodeLength(contents.length)];
  const out = new Uint8Array(head.length + contents.length);
  out.set(head, 0);
  out.set(contents, head.length);
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/** SEQUENCE of already-encoded elements. */
export const derSequence = (...items: Uint8Array[]): Uint8Array => derElement(TAG_SEQUENCE, concat(items));

/** A non-negative INTEGER, minimally encoded. */
export function derInteger(x: bigint): Uint8Array {
  let hex = x.toString(16);
  if (hex.length & 1) hex = '0' + hex;
  // A leading 0x00 keeps a value with the top bit set positive.
  if (parseInt(hex.slice(0, 2), 16) & 0x80) hex = '00' + hex;
  const b = new Uint8Array(hex.length / 2);
  for (let i = 0; i < b.length; i++) b[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return derElement(TAG_INTEGER, b);
}

/** A BIT STRING with no unused bits. */
export const derBitString = (bytes: Uint8Array): Uint8Array => derElement(TAG_BIT_STRING, concat([new Uint8Array([0]), bytes]));

/** NULL. */
export const DER_NULL: Uint8Array = /* @__PURE__ */ new Uint8Array([TAG_NULL, 0]);

/** rsaEncryption, 1.2.840.113549.1.1.1, as an encoded OID element. */
export const DER_OID_RSA_ENCRYPTION: Uint8Array = /* @__PURE__ */ new Uint8Array([0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01]);

export const OID_RSA_ENCRYPTION = '1.2.840.113549.1.1.1';
