/**
 * The bigint arithmetic RSA needs: byte conversions, modular exponentiation, inverse, gcd.
 * Internal to `hostsig/rsa`. JavaScript bigints are not constant time; see pkcs1v15.ts for
 * what signing does about that (blinding).
 */

/** Big-endian unsigned bytes -> bigint (OS2IP, RFC 8017 4.2). */
export function bytesToBigint(b: Uint8Array): bigint {
  if (b.length === 0) return 0n;
  // Hex text is the fastest portable route into a bigint in V8.
  let hex = '';
  for (let i = 0; i < b.length; i++) hex += HEX[b[i]!]!;
  return BigInt('0x' + hex);
}

const HEX: string[] = /* @__PURE__ */ Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** bigint -> big-endian bytes of exactly `len` bytes (I2OSP, RFC 8017 4.1); null when it does not fit. */
export function bigintToBytes(x: bigint, len: number): Uint8Array | null {
  if (x < 0n) return null;
  const hex = x.toString(16);
  const digits = hex.length + (hex.length & 1);
  if (digits / 2 > len) return null;
  const padded = hex.padStart(len * 2, '0');
  const out = new Uint8Array(len);
  for (let i = 0; i < len; i++) out[i] = parseInt(padded.slice(i * 2, i * 2 + 2), 16);
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
 * `base^exp mod m` for m > 1 and exp >= 0.
 * - exp = 65537 (almost every RSA public key): 16 squarings and one multiply.
 * - otherwise a left-to-right sliding window over odd powers: about bits/(w+1) multiplies
 *   instead of bits/2, with a window width picked from the exponent size.
 */
export function modPow(base: bigint, exp: bigint, m: bigint): bigint {
  let b = base % m;
  if (b < 0n) b += m;
  if (exp === F4) {
    let r = b;
    for (let i = 0; i < 16; i++) r = (r * r) % m;
    return (r * b) % m;
  }
  if (exp === 0n) return 1n % m;
  const bits = exp.toString(2);
  const n = bits.length;
  const w = n > 768 ? 6 : n > 256 ? 5 : n > 64 ? 4 : n > 16 ? 3 : 1;
  // table[i] = b^(2i+1): the odd powers a window can end on.
  const table: bigint[] = [b];
  if (w > 1) {
    const b2 = (b * b) % m;
    for (let i = 1; i < 1 << (w - 1); i++) table.push((table[i - 1]! * b2) % m);
  }
  let r = 1n;
  let started = false;
  let i = 0;
  while (i < n) {
    if (bits.charCodeAt(i) === 48 /* '0' */) {
      if (started) r = (r * r) % m;
      i++;
      continue;
    }
    // Longest window of at most w bits that starts here and ends on a 1.
    let j = Math.min(i + w, n);
    while (bits.charCodeAt(j - 1) === 48) j--;
    const val = parseInt(bits.slice(i, j), 2);
    if (started) {
      for (let t = i; t < j; t++) r = (r * r) % m;
      r = (r * table[(val - 1) >> 1]!) % m;
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
