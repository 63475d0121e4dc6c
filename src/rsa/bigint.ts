/**
 * The bigint arithmetic RSA needs: byte conversions, modular exponentiation, inverse, gcd.
 * Internal to `hostsig/rsa`. JavaScript bigints are not constant time; see pkcs1v15.ts for
 * what signing does about that (blinding).
 */

/** Big-endian unsigned bytes -> bigint (OS2IP, RFC 8017 4.2). */
export function bytesToBigint(b: Uint8Array): bigint {
  if (b.length === 0) return 0n;
  // Hex text is the fastest portable route into a bigint in V8. The ASCII digits are written
  // into one byte array and decoded in a single call, instead of 256 string concatenations
  // (about 2x faster for a 2048-bit value).
  // The digits go into one module-level scratch buffer, grown on demand, instead of a fresh
  // array per call: a typed array of a few hundred bytes gets an off-heap backing store, and
  // allocating it cost about as much as the digit loop itself. Safe to share: this function is
  // synchronous and calls nothing that could re-enter it, and the decoded string is a copy.
  const len = b.length * 2;
  if (hexScratch.length < len) hexScratch = new Uint8Array(Math.max(len, 2 * hexScratch.length));
  const units = hexScratch;
  for (let i = 0; i < b.length; i++) {
    const v = b[i]!;
    units[2 * i] = HEX_UNITS[v >> 4]!;
    units[2 * i + 1] = HEX_UNITS[v & 15]!;
  }
  return BigInt('0x' + asciiDecoder.decode(units.subarray(0, len)));
}

let hexScratch = new Uint8Array(1024);

const HEX_UNITS = /* @__PURE__ */ Uint8Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
const asciiDecoder = /* @__PURE__ */ new TextDecoder();

/** bigint -> big-endian bytes of exactly `len` bytes (I2OSP, RFC 8017 4.1); null when it does not fit. */
export function bigintToBytes(x: bigint, len: number): Uint8Array | null {
  if (x < 0n) return null;
  const hex = x.toString(16);
  if (hex.length > len * 2) return null;
  // Reads the hex digits from the end, two per byte, with arithmetic instead of parseInt on
  // slices (which allocated a string per byte and cost 5x more). toString(16) is lowercase:
  // '0'-'9' is 0x30-0x39, 'a'-'f' is 0x61-0x66, so (c & 15) + 9 * (c >> 6) is the digit value.
  const out = new Uint8Array(len);
  let j = hex.length - 1;
  for (let i = len - 1; j >= 0; i--) {
    let c = hex.charCodeAt(j--);
    let v = (c & 15) + 9 * (c >> 6);
    if (j >= 0) {
      c = hex.charCodeAt(j--);
      v |= ((c & 15) + 9 * (c >> 6)) << 4;
    }
    out[i] = v;
  }
  return out;
}

/** Minimal big-endian bytes of a non-negative bigint (at least one byte). */
export function bigintToMinBytes(x: bigint): Uint8Array {
  const hexLen = x.toString(16).length;
  return bigintToBytes(x, Math.max(1, (hexLen + 1) >> 1))!;
}

/** Number of significant bits. */
export function bitLength(x: bigint): number {
  return x === 0n ? 0 : x.toString(2).length;
}

const F4 = 65537n;

/**
 * Constants for a cheaper `x mod m` with a fixed modulus m of k >= 2048 bits ("folding"):
 * with s = 1.5k rounded up to whole 64-bit digits and c = 2^s mod m, a product x < m^2 is
 * first folded to `(x >> s) * c + (x mod 2^s)` (same residue, about 1.5k bits: a k/2 x k
 * multiply), and only that goes through `%`. V8's `%` costs about twice a multiply of the
 * same size, so this trims 5-25% off each modular multiplication at 2048-4096 bits (see
 * bench/reduction.js). Montgomery and Barrett reduction were measured too: on bigint they
 * need two full-size multiplies plus several allocations, and lose to plain `%`. Below
 * 2048 bits the extra bigint operations cost more than they save, so no fold is used.
 */
export interface Fold {
  readonly s: number;
  readonly sb: bigint;
  readonly c: bigint;
}

const FOLD_MIN_BITS = 2048;

/** The {@link Fold} constants for m, or null when folding does not pay (m under 2048 bits). */
export function foldFor(m: bigint): Fold | null {
  const k = bitLength(m);
  if (k < FOLD_MIN_BITS) return null;
  const s = Math.ceil((k * 1.5) / 64) * 64;
  const sb = BigInt(s);
  return { s, sb, c: (1n << sb) % m };
}

/**
 * `base^exp mod m` for m > 1 and exp >= 0.
 * - exp = 65537 (almost every RSA public key): 16 squarings and one multiply.
 * - otherwise a left-to-right sliding window over odd powers: about bits/(w+1) multiplies
 *   instead of bits/2, with a window width picked from the exponent size.
 * `fold` (from {@link foldFor}) may be passed by callers that cache it per key; without it,
 * it is computed here when the exponent is long enough for it to pay back.
 */
export function modPow(base: bigint, exp: bigint, m: bigint, fold?: Fold | null): bigint {
  let b = base % m;
  if (b < 0n) b += m;
  if (fold === undefined) fold = exp > 0xffffffffn ? foldFor(m) : null;
  // x*y mod m, folded first when that is cheaper (see Fold). Both forms give the same residue.
  const mulmod =
    fold === null
      ? (x: bigint, y: bigint): bigint => (x * y) % m
      : (x: bigint, y: bigint): bigint => {
          const t = x * y;
          return ((t >> fold.sb) * fold.c + BigInt.asUintN(fold.s, t)) % m;
        };
  if (exp === F4) {
    let r = b;
    for (let i = 0; i < 16; i++) r = mulmod(r, r);
    return mulmod(r, b);
  }
  if (exp === 0n) return 1n % m;
  const bits = exp.toString(2);
  const n = bits.length;
  const w = n > 768 ? 6 : n > 256 ? 5 : n > 64 ? 4 : n > 16 ? 3 : 1;
  // table[i] = b^(2i+1): the odd powers a window can end on.
  const table: bigint[] = [b];
  if (w > 1) {
    const b2 = mulmod(b, b);
    for (let i = 1; i < 1 << (w - 1); i++) table.push(mulmod(table[i - 1]!, b2));
  }
  let r = 1n;
  let started = false;
  let i = 0;
  while (i < n) {
    if (bits.charCodeAt(i) === 48 /* '0' */) {
      if (started) r = mulmod(r, r);
      i++;
      continue;
    }
    // Longest window of at most w bits that starts here and ends on a 1.
    let j = Math.min(i + w, n);
    while (bits.charCodeAt(j - 1) === 48) j--;
    const val = parseInt(bits.slice(i, j), 2);
    if (started) {
      for (let t = i; t < j; t++) r = mulmod(r, r);
      r = mulmod(r, table[(val - 1) >> 1]!);
    } else {
      // Skip squaring the initial 1.
      r = table[(val - 1) >> 1]!;
      started = true;
    }
    i = j;
  }
  return r;
}

/** Greatest common divisor (binary-free Euclid: bigint `%` is native and fast). */
export function gcd(a: bigint, b: bigint): bigint {
  a = a < 0n ? -a : a;
  b = b < 0n ? -b : b;
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

/** `a^-1 mod m`, or null when gcd(a, m) != 1. Extended Euclid. */
export function modInverse(a: bigint, m: bigint): bigint | null {
  let r0 = ((a % m) + m) % m;
  let r1 = m;
  let s0 = 1n;
  let s1 = 0n;
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  if (r0 !== 1n) return null;
  return ((s0 % m) + m) % m;
}

/** Positive modulo. */
export function mod(a: bigint, m: bigint): bigint {
  const r = a % m;
  return r < 0n ? r + m : r;
}
