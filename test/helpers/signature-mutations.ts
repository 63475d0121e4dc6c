// fast-check properties of the differential suite: random messages and claims, valid signatures
// from an independent signer (node:crypto, or crypto.subtle called directly), and the mutations
// a platform might judge differently (s = n, s > n, s = n-1, 0, 1, all 0xff, one byte short or
// long, leading zero bytes, bit flips, random bytes). Every path under test must give the pure
// verdict, and through the JWT functions the same outcome. Browser-safe (no node: import).
import fc from 'fast-check';
import { expect } from 'vitest';
import { verifyJwt } from '../../src/jwt/index.js';
import { rsaVerify, type RsaPublicKey } from '../../src/rsa/index.js';
import { b64u, codeOf, inRange, modulusBytes, type Outcome, outcome, toBytes, underPure } from './differential.js';

/** A key the properties run on, with an independent signer. */
export interface PropertyKey {
  readonly label: string;
  readonly pub: RsaPublicKey;
  /** RSASSA-PKCS1-v1_5 SHA-256 by an implementation that is not hostsig's. */
  readonly sign: (message: Uint8Array) => Promise<Uint8Array>;
  /** A JWT signing input whose valid signature starts with a zero byte (see findLeadingZero). */
  readonly leadingZero: { readonly input: string; readonly sig: Uint8Array };
}

/** The path under test: its verify functions and how many times its platform code ran so far. */
export interface PathUnderTest {
  readonly rsa: (key: RsaPublicKey, message: Uint8Array, signature: Uint8Array) => boolean | Promise<boolean>;
  readonly jwt: (token: string, key: RsaPublicKey) => Promise<Outcome>;
  /** E.g. a spy's call count on crypto.subtle.verify: it must run once per in-range signature, never else. */
  readonly platformCalls: () => number;
}

const HEADER = b64u('{"alg":"RS256","typ":"JWT"}');
const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

/**
 * A valid signature starting with a zero byte exists for about 1 message in 256: search JWT
 * signing inputs until the signer gives one (the first byte of s is 0 iff s < 256^(k-1)).
 */
export async function findLeadingZero(sign: (m: Uint8Array) => Promise<Uint8Array>, tag: string): Promise<{ input: string; sig: Uint8Array }> {
  for (let i = 0; i < 8192; i++) {
    const input = `${HEADER}.${b64u(JSON.stringify({ sub: tag, i }))}`;
    const sig = await sign(ascii(input));
    if (sig[0] === 0) return { input, sig };
  }
  throw new Error('no signature with a leading zero byte in 8192 tries (probability about 1e-14)');
}

export type Mutation =
  | { kind: 'valid' | 'leadingZero' | 'leadingZeroStripped' | 'leadingZeroPadded' | 'n' | 'nMinus1' | 'zero' | 'one' | 'ff' }
  | { kind: 'nPlus'; add: bigint }
  | { kind: 'short' | 'long'; atEnd: boolean; byte: number }
  | { kind: 'flip'; bit: number }
  | { kind: 'smallLeading'; zeros: number; fill: Uint8Array }
  | { kind: 'random' | 'randomLength'; fill: Uint8Array };

const fill = fc.uint8Array({ minLength: 513, maxLength: 513 });
export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 4, arbitrary: fc.constant({ kind: 'valid' } as const) },
  { weight: 2, arbitrary: fc.constantFrom<Mutation>(...(['leadingZero', 'leadingZeroStripped', 'leadingZeroPadded', 'n', 'nMinus1', 'zero', 'one', 'ff'] as const).map((kind) => ({ kind }))) },
  { weight: 1, arbitrary: fc.bigInt({ min: 1n, max: 1n << 80n }).map((add) => ({ kind: 'nPlus', add }) as const) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constantFrom('short' as const, 'long' as const), atEnd: fc.boolean(), byte: fc.constantFrom(0, 1, 0xff) }) },
  { weight: 3, arbitrary: fc.nat().map((bit) => ({ kind: 'flip', bit }) as const) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('smallLeading' as const), zeros: fc.integer({ min: 1, max: 600 }), fill }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('random' as const), fill }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('randomLength' as const), fill: fc.uint8Array({ minLength: 1, maxLength: 600 }) }) },
);

/** `b` as a view at `offset` into a larger buffer with other bytes around it (offset 0: `b` itself). */
export function view(b: Uint8Array, offset: number): Uint8Array {
  if (offset === 0) return b;
  const big = new Uint8Array(b.length + 2 * offset).fill(0xa5);
  big.set(b, offset);
  return big.subarray(offset, offset + b.length);
}

const cat = (...parts: (Uint8Array | number[])[]): Uint8Array => Uint8Array.from(parts.flatMap((p) => Array.from(p)));

/** The mutated signature and the signing input it goes with; `valid` is the independent truth. */
export function applyMutation(m: Mutation, key: PropertyKey, input: Uint8Array, sig: Uint8Array): { input: Uint8Array; sig: Uint8Array; valid: boolean } {
  const n = key.pub.n;
  const k = modulusBytes(n);
  const lz = { input: ascii(key.leadingZero.input), sig: key.leadingZero.sig };
  const bad = (s: Uint8Array) => ({ input, sig: s, valid: false });
  switch (m.kind) {
    case 'valid':
      return { input, sig, valid: true };
    case 'leadingZero':
      return { input: lz.input, sig: lz.sig, valid: true };
    case 'leadingZeroStripped':
      return { input: lz.input, sig: lz.sig.subarray(1), valid: false };
    case 'leadingZeroPadded':
      return { input: lz.input, sig: cat([0], lz.sig), valid: false };
    case 'n':
      return bad(toBytes(n, k));
    case 'nMinus1':
      // (n-1)^e = (-1)^e = n-1 mod n for odd e: never an encoded block.
      return bad(toBytes(n - 1n, k));
    case 'nPlus': {
      const top = (1n << BigInt(8 * k)) - 1n;
      return bad(toBytes(n + m.add > top ? top : n + m.add, k));
    }
    case 'zero':
      return bad(new Uint8Array(k));
    case 'one':
      return bad(toBytes(1n, k));
    case 'ff':
      return bad(new Uint8Array(k).fill(0xff));
    case 'short':
      return bad(m.atEnd ? sig.subarray(0, k - 1) : sig.subarray(1));
    case 'long':
      return bad(m.atEnd ? cat(sig, [m.byte]) : cat([m.byte], sig));
    case 'flip': {
      // s -> s' is a bijection on integers, so a changed s never verifies.
      const s = sig.slice();
      const bit = m.bit % (8 * k);
      s[bit >> 3]! ^= 1 << (bit & 7);
      return bad(s);
    }
    case 'smallLeading': {
      const zeros = 1 + (m.zeros % (k - 1));
      return bad(cat(new Uint8Array(zeros), m.fill.subarray(0, k - zeros)));
    }
    case 'random':
      return bad(m.fill.subarray(0, k));
    case 'randomLength':
      return bad(m.fill);
  }
}

/**
 * Random messages x keys x mutations: `path.rsa` gives the pure `rsaVerify` verdict (which is
 * the independent truth), and the platform ran exactly when the signature was in range.
 */
export async function checkRsaProperty(keys: readonly PropertyKey[], path: PathUnderTest, numRuns: number): Promise<void> {
  await fc.assert(
    fc.asyncProperty(fc.nat({ max: keys.length - 1 }), fc.uint8Array({ maxLength: 300 }), mutationArb, fc.nat({ max: 7 }), async (i, message, m, offset) => {
      const key = keys[i]!;
      const c = applyMutation(m, key, message, await key.sign(message));
      const want = underPure(() => rsaVerify(key.pub, c.input, c.sig));
      expect(want, `pure verdict, ${m.kind}`).toBe(c.valid);
      const before = path.platformCalls();
      // (Also as views into larger buffers: a platform call must hash the view, not its whole buffer.)
      expect(await path.rsa(key.pub, view(c.input, offset), view(c.sig, offset)), `${key.label}, ${m.kind}, offset ${offset}`).toBe(want);
      expect(path.platformCalls() - before, `platform runs, ${key.label}, ${m.kind}`).toBe(inRange(key.pub.n, c.sig) ? 1 : 0);
    }),
    { numRuns },
  );
}

/** Claims a JWT may carry (hostile names included), for {@link checkJwtProperty}. */
const claimsArb = fc.record({
  sub: fc.string({ maxLength: 20 }),
  n: fc.integer(),
  extra: fc.dictionary(fc.constantFrom('__proto__', 'constructor', 'prototype', 'aud', 'x', 'é'), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
});

/**
 * Random claims x keys x mutations, as a JWT: `path.jwt` gives `verifyJwt`'s pure outcome (the
 * same payload and header, or the same code and message).
 */
export async function checkJwtProperty(keys: readonly PropertyKey[], path: PathUnderTest, numRuns: number): Promise<void> {
  await fc.assert(
    fc.asyncProperty(fc.nat({ max: keys.length - 1 }), claimsArb, mutationArb, async (i, claims, m) => {
      const key = keys[i]!;
      const { extra, ...rest } = claims;
      const payload = JSON.stringify(rest).slice(0, -1) + Object.entries(extra).map(([k, v]) => `,${JSON.stringify(k)}:${JSON.stringify(v)}`).join('') + '}';
      const input = `${HEADER}.${b64u(payload)}`;
      const c = applyMutation(m, key, ascii(input), await key.sign(ascii(input)));
      const token = `${String.fromCharCode(...c.input)}.${b64u(c.sig)}`;
      const want = underPure(() => outcome(() => verifyJwt(token, key.pub)));
      expect(codeOf(want), `pure outcome, ${m.kind}`).toBe(c.valid ? 'ok' : 'SIGNATURE_INVALID');
      const before = path.platformCalls();
      expect(await path.jwt(token, key.pub), `${key.label}, ${m.kind}`).toEqual(want);
      expect(path.platformCalls() - before, `platform runs, ${key.label}, ${m.kind}`).toBe(inRange(key.pub.n, c.sig) ? 1 : 0);
    }),
    { numRuns },
  );
}
