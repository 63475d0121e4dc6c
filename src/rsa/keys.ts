/**
 * RSA key import and export: PKCS#1 and PKCS#8 private keys, PKCS#1 and SPKI public keys
 * (PEM or DER), RSA JWKs, OpenSSH `ssh-rsa` lines. Every key is validated once, here:
 * modulus of 2048..16384 bits, odd; exponent odd and >= 3; private keys consistent (CRT).
 */
import { base64ToBytes, base64urlToBytes, bytesToBase64url, bytesToUtf8, isBytes, typeName, utf8ToBytes } from '../core/bytes.js';
import { HostsigError } from '../core/errors.js';
import { sha256 } from '../core/hmac.js';
import { jsonDeeperThan } from '../core/json-depth.js';
import { bigintToMinBytes, bitLength, bytesToBigint, gcd } from './bigint.js';
import { DER_NULL, DER_OID_RSA_ENCRYPTION, DerReader, derBitString, derInteger, derSequence, OID_RSA_ENCRYPTION, TAG_INTEGER, TAG_NULL, TAG_SEQUENCE } from './der.js';
import { decodePem, encodePem, isPem } from './pem.js';

/** Smallest modulus accepted, in bits (NIST SP 800-131A; jose refuses smaller keys too). */
export const MIN_MODULUS_BITS = 2048;
/** Largest modulus accepted, in bits: bigger keys only make verification a denial of service. */
export const MAX_MODULUS_BITS = 16384;
/** Largest public exponent accepted, in bits (OpenSSL caps e at 64 bits for big moduli too). */
const MAX_EXPONENT_BITS = 64;

/** A validated RSA public key. Create it with {@link importPublicKey}. */
export interface RsaPublicKey {
  /** Always `'public'`: tells it from an {@link RsaPrivateKey}. */
  readonly type: 'public';
  /** Modulus. */
  readonly n: bigint;
  /** Public exponent. */
  readonly e: bigint;
  /** Modulus length in bits. */
  readonly bits: number;
  /** Modulus length in bytes (`k` in RFC 8017): every signature has exactly this length. */
  readonly size: number;
}

/**
 * A validated two-prime RSA private key with its CRT parameters. Create it with
 * {@link importPrivateKey}. The secret fields are not enumerable, so a stray `console.log`
 * or spread does not print them, and `JSON.stringify` gives the public JWK.
 */
export interface RsaPrivateKey {
  /** Always `'private'`: tells it from an {@link RsaPublicKey}. */
  readonly type: 'private';
  /** Modulus, `p * q`. */
  readonly n: bigint;
  /** Public exponent (odd, at least 3, at most 64 bits). */
  readonly e: bigint;
  /** Private exponent. Secret: not enumerable. */
  readonly d: bigint;
  /** First prime factor of `n`. Secret: not enumerable. */
  readonly p: bigint;
  /** Second prime factor of `n`. Secret: not enumerable. */
  readonly q: bigint;
  /** d mod (p-1) */
  readonly dp: bigint;
  /** d mod (q-1) */
  readonly dq: bigint;
  /** q^-1 mod p */
  readonly qi: bigint;
  /** Modulus length in bits, 2048..16384. */
  readonly bits: number;
  /** Modulus length in bytes (`k` in RFC 8017): every signature made with it has this length. */
  readonly size: number;
  /** The matching public key. */
  readonly publicKey: RsaPublicKey;
}

/** An RSA JSON Web Key (RFC 7517/7518 section 6.3), public or private. */
export interface RsaJwk {
  /** Key type; only `"RSA"` is accepted. */
  kty: 'RSA';
  /** Modulus: unpadded base64url of its big-endian bytes, no leading zero octet. */
  n: string;
  /** Public exponent, same encoding as `n` (`"AQAB"` is 65537). */
  e: string;
  /** Private exponent, same encoding; present only in a private JWK. */
  d?: string;
  /** First prime factor, same encoding; required in a private JWK. */
  p?: string;
  /** Second prime factor, same encoding; required in a private JWK. */
  q?: string;
  /** `d mod (p-1)`, same encoding; required in a private JWK. */
  dp?: string;
  /** `d mod (q-1)`, same encoding; required in a private JWK. */
  dq?: string;
  /** `q^-1 mod p`, same encoding; required in a private JWK. */
  qi?: string;
  /** Key id, matched against a JWT header's `kid`; not checked on import. */
  kid?: string;
  /** Intended algorithm; when present on import it must be `"RS256"` (else `ALG_NOT_ALLOWED`). */
  alg?: string;
  /** Intended use; when present on import it must be `"sig"`. */
  use?: string;
  /** Allowed operations; when present on import it must list `"verify"` (public) or `"sign"` (private). */
  key_ops?: string[];
  [other: string]: unknown;
}

/** What the importers accept: PEM text, an `ssh-rsa` line, JWK JSON text, DER bytes, or a JWK object. */
export type KeyInput = string | Uint8Array | Readonly<Record<string, unknown>>;

// Only objects made here are keys: a look-alike `{ type: 'public', n, e }` is refused.
const publicKeys = /* @__PURE__ */ new WeakSet<object>();
const privateKeys = /* @__PURE__ */ new WeakSet<object>();

/**
 * True for a public key made by this module (a look-alike object is not one).
 * @param k anything
 * @throws never
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { importPrivateKey, importPublicKey, isRsaPublicKey } from 'hostsig/rsa';
 *
 * // The test keys ship in the package's vectors/keys folder.
 * const pub = importPublicKey(readFileSync('vectors/keys/rsa2048.spki.pem', 'utf8'));
 * isRsaPublicKey(pub) // => true
 * isRsaPublicKey(importPrivateKey(readFileSync('vectors/keys/rsa2048.pkcs1.pem', 'utf8'))) // => false
 * isRsaPublicKey({ type: 'public', n: pub.n, e: pub.e }) // => false
 * ```
 */
export function isRsaPublicKey(k: unknown): k is RsaPublicKey {
  return typeof k === 'object' && k !== null && publicKeys.has(k);
}

/**
 * True for a private key made by this module.
 * @param k anything
 * @throws never
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { importPrivateKey, isRsaPrivateKey } from 'hostsig/rsa';
 *
 * isRsaPrivateKey(importPrivateKey(readFileSync('vectors/keys/rsa2048.pkcs1.pem', 'utf8'))) // => true
 * isRsaPrivateKey({ type: 'private' }) // => false
 * ```
 */
export function isRsaPrivateKey(k: unknown): k is RsaPrivateKey {
  return typeof k === 'object' && k !== null && privateKeys.has(k);
}

function invalid(message: string): HostsigError {
  return new HostsigError('KEY_INVALID', message);
}
function unsupported(message: string): HostsigError {
  return new HostsigError('KEY_FORMAT_UNSUPPORTED', message);
}

/**
 * How a key prints in logs: `JSON.stringify` gives its public JWK `{ kty, n, e }` (a BigInt
 * would make it throw), `String` a short label. Neither ever shows d, p, q, dp, dq or qi.
 * Non-enumerable, so spreads and `Object.keys` see only the key's fields.
 */
function printable(key: object, label: string, n: bigint, e: bigint, bits: number): void {
  Object.defineProperties(key, {
    toJSON: { value: (): RsaJwk => ({ kty: 'RSA', n: bytesToBase64url(bigintToMinBytes(n)), e: bytesToBase64url(bigintToMinBytes(e)) }) },
    toString: { value: (): string => `[${label} ${bits} bits]` },
  });
}

/**
 * Builds a public key from its numbers after the size and exponent checks.
 * @param n modulus (2048 to 16384 bits, odd)
 * @param e public exponent (odd, >= 3, at most 64 bits)
 * @throws HostsigError `KEY_TOO_SMALL`, `KEY_INVALID`, `KEY_FORMAT_UNSUPPORTED` (too large), `INVALID_ARGUMENT`
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { importPublicKey, rsaPublicKey } from 'hostsig/rsa';
 *
 * const { n, e } = importPublicKey(readFileSync('vectors/keys/rsa2048.spki.pem', 'utf8'));
 * rsaPublicKey(n, e).bits // => 2048
 * rsaPublicKey(n >> 1100n | 1n, e) // => throws KEY_TOO_SMALL
 * ```
 */
export function rsaPublicKey(n: bigint, e: bigint): RsaPublicKey {
  if (typeof n !== 'bigint' || typeof e !== 'bigint') throw new HostsigError('INVALID_ARGUMENT', '"n" and "e" expected bigint');
  const bits = bitLength(n);
  if (bits < MIN_MODULUS_BITS) throw new HostsigError('KEY_TOO_SMALL', `RSA modulus is ${bits} bits; at least ${MIN_MODULUS_BITS} are required`, { bits, minBits: MIN_MODULUS_BITS });
  if (bits > MAX_MODULUS_BITS) throw unsupported(`RSA modulus is ${bits} bits; at most ${MAX_MODULUS_BITS} are supported`);
  if ((n & 1n) === 0n) throw invalid('RSA modulus is even');
  if (e < 3n || (e & 1n) === 0n) throw invalid(`RSA public exponent must be odd and >= 3, got ${e}`);
  if (bitLength(e) > MAX_EXPONENT_BITS || e >= n) throw invalid('RSA public exponent is too large');
  const key = { type: 'public', n, e, bits, size: (bits + 7) >> 3 } as const;
  printable(key, 'RsaPublicKey', n, e, bits);
  Object.freeze(key);
  publicKeys.add(key);
  return key;
}

/**
 * Builds a private key from its PKCS#1 fields after checking they belong together
 * (n = p*q, dp = d mod (p-1), dq = d mod (q-1), e*dp = 1 mod (p-1), q*qi = 1 mod p).
 * @param f the eight RSAPrivateKey numbers
 * @throws HostsigError `KEY_INVALID`, `KEY_TOO_SMALL`, `INVALID_ARGUMENT`
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { importPrivateKey, rsaPrivateKey } from 'hostsig/rsa';
 *
 * const { n, e, d, p, q, dp, dq, qi } = importPrivateKey(readFileSync('vectors/keys/rsa2048.pkcs1.pem', 'utf8'));
 * rsaPrivateKey({ n, e, d, p, q, dp, dq, qi }).publicKey.bits // => 2048
 * rsaPrivateKey({ n, e, d, p: q, q: p, dp, dq, qi }) // => throws KEY_INVALID
 * ```
 */
export function rsaPrivateKey(f: { n: bigint; e: bigint; d: bigint; p: bigint; q: bigint; dp: bigint; dq: bigint; qi: bigint }): RsaPrivateKey {
  const pub = rsaPublicKey(f.n, f.e);
  const { n, e, d, p, q, dp, dq, qi } = f;
  for (const [name, v] of Object.entries({ d, p, q, dp, dq, qi })) {
    if (typeof v !== 'bigint' || v <= 0n) throw invalid(`RSA private key field "${name}" is missing or not positive`);
  }
  // Cheap consistency checks: they make CRT signing correct, and catch swapped or corrupted
  // fields before a faulty signature could leak a factor.
  const p1 = p - 1n;
  const q1 = q - 1n;
  if (p < 3n || q < 3n || p === q || p * q !== n) throw invalid('RSA private key: n != p*q');
  if (d >= n || d % p1 !== dp || d % q1 !== dq) throw invalid('RSA private key: dp/dq do not match d');
  if ((e * dp) % p1 !== 1n || (e * dq) % q1 !== 1n) throw invalid('RSA private key: d is not the inverse of e');
  if ((q * qi) % p !== 1n) throw invalid('RSA private key: qi is not q^-1 mod p');
  if (gcd(e, p1) !== 1n || gcd(e, q1) !== 1n) throw invalid('RSA private key: e shares a factor with p-1 or q-1');
  const key = Object.create(null) as Record<string, unknown>;
  Object.defineProperties(key, {
    type: { value: 'private', enumerable: true },
    n: { value: n, enumerable: true },
    e: { value: e, enumerable: true },
    bits: { value: pub.bits, enumerable: true },
    size: { value: pub.size, enumerable: true },
    publicKey: { value: pub, enumerable: true },
    d: { value: d },
    p: { value: p },
    q: { value: q },
    dp: { value: dp },
    dq: { value: dq },
    qi: { value: qi },
  });
  printable(key, 'RsaPrivateKey', n, e, pub.bits);
  Object.freeze(key);
  privateKeys.add(key);
  return key as unknown as RsaPrivateKey;
}

// ---- DER structures ----

/** RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER } (RFC 8017 A.1.1). */
function parsePkcs1Public(der: Uint8Array): RsaPublicKey {
  const top = new DerReader(der);
  const seq = top.sequence('RSAPublicKey');
  top.end('RSAPublicKey');
  const n = seq.integer('modulus');
  const e = seq.integer('publicExponent');
  seq.end('RSAPublicKey');
  return rsaPublicKey(n, e);
}

/** AlgorithmIdentifier: must be rsaEncryption with NULL parameters. */
function readRsaAlgorithm(r: DerReader): void {
  const alg = r.sequence('AlgorithmIdentifier');
  const oid = alg.oid('algorithm');
  if (oid !== OID_RSA_ENCRYPTION) throw unsupported(`not an RSA key (algorithm ${describeOid(oid)}); only rsaEncryption (${OID_RSA_ENCRYPTION}) keys are supported`);
  if (alg.peekTag() !== TAG_NULL) throw invalid('rsaEncryption parameters must be NULL');
  alg.null('parameters');
  alg.end('AlgorithmIdentifier');
}

const OID_NAMES: Record<string, string> = {
  '1.2.840.10045.2.1': 'id-ecPublicKey',
  '1.3.101.112': 'Ed25519',
  '1.3.101.113': 'Ed448',
  '1.3.101.110': 'X25519',
  '1.2.840.113549.1.1.10': 'RSASSA-PSS',
  '1.2.840.10040.4.1': 'DSA',
};
function describeOid(oid: string): string {
  const name = OID_NAMES[oid];
  return name ? `${name}, ${oid}` : oid;
}

/** SubjectPublicKeyInfo (RFC 5280 4.1) with an RSA key. */
function parseSpki(der: Uint8Array): RsaPublicKey {
  const top = new DerReader(der);
  const spki = top.sequence('SubjectPublicKeyInfo');
  top.end('SubjectPublicKeyInfo');
  readRsaAlgorithm(spki);
  const bits = spki.bitString('subjectPublicKey');
  spki.end('SubjectPublicKeyInfo');
  return parsePkcs1Public(bits);
}

/** RSAPrivateKey (RFC 8017 A.1.2), two-prime only. */
function parsePkcs1Private(der: Uint8Array): RsaPrivateKey {
  const top = new DerReader(der);
  const seq = top.sequence('RSAPrivateKey');
  top.end('RSAPrivateKey');
  const version = seq.smallInteger('version');
  if (version === 1) throw unsupported('multi-prime RSA keys are not supported');
  if (version !== 0) throw invalid(`RSAPrivateKey version ${version}`);
  const f = {
    n: seq.integer('modulus'),
    e: seq.integer('publicExponent'),
    d: seq.integer('privateExponent'),
    p: seq.integer('prime1'),
    q: seq.integer('prime2'),
    dp: seq.integer('exponent1'),
    dq: seq.integer('exponent2'),
    qi: seq.integer('coefficient'),
  };
  seq.end('RSAPrivateKey');
  return rsaPrivateKey(f);
}

/** PrivateKeyInfo (PKCS#8, RFC 5208) with an RSA key. */
function parsePkcs8(der: Uint8Array): RsaPrivateKey {
  const top = new DerReader(der);
  const info = top.sequence('PrivateKeyInfo');
  top.end('PrivateKeyInfo');
  const version = info.smallInteger('version');
  if (version !== 0 && version !== 1) throw invalid(`PrivateKeyInfo version ${version}`);
  readRsaAlgorithm(info);
  const inner = info.octetString('privateKey');
  // Optional [0] attributes and (v2) [1] publicKey carry nothing we need.
  if (info.peekTag() === 0xa0) info.skip('attributes');
  if (version === 1 && info.peekTag() === 0x81) info.skip('publicKey');
  info.end('PrivateKeyInfo');
  return parsePkcs1Private(inner);
}

// ---- OpenSSH ----

/** Reads the `ssh-rsa` wire blob (RFC 4253 6.6): string "ssh-rsa", mpint e, mpint n. */
function parseSshRsaBlob(blob: Uint8Array): RsaPublicKey {
  let pos = 0;
  const take = (what: string): Uint8Array => {
    if (pos + 4 > blob.length) throw invalid(`ssh-rsa key: truncated ${what}`);
    const len = ((blob[pos]! << 24) | (blob[pos + 1]! << 16) | (blob[pos + 2]! << 8) | blob[pos + 3]!) >>> 0;
    pos += 4;
    if (len > blob.length - pos) throw invalid(`ssh-rsa key: ${what} runs past the end`);
    const out = blob.subarray(pos, pos + len);
    pos += len;
    return out;
  };
  const mpint = (what: string): bigint => {
    const b = take(what);
    if (b.length === 0) return 0n;
    if (b[0]! & 0x80) throw invalid(`ssh-rsa key: ${what} is negative`);
    // RFC 4251 5: no unnecessary leading zero bytes.
    if (b[0] === 0 && (b.length === 1 || !(b[1]! & 0x80))) throw invalid(`ssh-rsa key: ${what} is not minimally encoded`);
    return bytesToBigint(b);
  };
  const type = take('key type');
  const typeStr = String.fromCharCode(...type.subarray(0, 64));
  if (typeStr !== 'ssh-rsa') throw unsupported(`OpenSSH key type "${typeStr}" is not supported; only ssh-rsa`);
  const e = mpint('exponent');
  const n = mpint('modulus');
  if (pos !== blob.length) throw invalid('ssh-rsa key: trailing data');
  return rsaPublicKey(n, e);
}

function parseSshLine(line: string): RsaPublicKey {
  const parts = line.trim().split(/[ \t]+/);
  const [type, b64] = parts;
  if (type !== 'ssh-rsa') throw unsupported(`OpenSSH key type "${type!.slice(0, 40)}" is not supported; only ssh-rsa`);
  if (!b64) throw invalid('ssh-rsa line has no key data');
  let blob: Uint8Array;
  try {
    blob = base64ToBytes(b64);
  } catch {
    throw invalid('ssh-rsa key data is not canonical base64');
  }
  return parseSshRsaBlob(blob);
}

// ---- JWK ----

function jwkBigint(jwk: Record<string, unknown>, name: string): bigint {
  const v = jwk[name];
  if (typeof v !== 'string') throw invalid(`JWK "${name}" expected base64url string, got ${typeName(v)}`);
  let b: Uint8Array;
  try {
    b = base64urlToBytes(v);
  } catch {
    throw invalid(`JWK "${name}" is not canonical base64url (no padding, no + or /)`);
  }
  if (b.length === 0) throw invalid(`JWK "${name}" is empty`);
  // RFC 7518 6.3.1: "the minimum number of octets needed to represent the value".
  if (b[0] === 0 && b.length > 1) throw invalid(`JWK "${name}" has a leading zero octet`);
  return bytesToBigint(b);
}

function checkJwkMeta(jwk: Record<string, unknown>, op: 'sign' | 'verify'): void {
  if (jwk.kty !== 'RSA') throw unsupported(`JWK kty ${JSON.stringify(String(jwk.kty)).slice(0, 40)} is not supported; only "RSA"`);
  if (jwk.alg !== undefined && jwk.alg !== 'RS256') throw new HostsigError('ALG_NOT_ALLOWED', `JWK is for alg ${JSON.stringify(String(jwk.alg)).slice(0, 40)}; only RS256 is supported`);
  if (jwk.use !== undefined && jwk.use !== 'sig') throw invalid('JWK "use" is not "sig"');
  if (jwk.key_ops !== undefined) {
    if (!Array.isArray(jwk.key_ops) || !jwk.key_ops.every((o) => typeof o === 'string')) throw invalid('JWK "key_ops" expected array of strings');
    if (!jwk.key_ops.includes(op)) throw invalid(`JWK "key_ops" does not allow "${op}"`);
  }
  if (jwk.oth !== undefined) throw unsupported('multi-prime RSA JWKs ("oth") are not supported');
}

function parseJwkPublic(jwk: Record<string, unknown>): RsaPublicKey {
  checkJwkMeta(jwk, 'verify');
  return rsaPublicKey(jwkBigint(jwk, 'n'), jwkBigint(jwk, 'e'));
}

function parseJwkPrivate(jwk: Record<string, unknown>): RsaPrivateKey {
  checkJwkMeta(jwk, 'sign');
  if (jwk.d === undefined) throw invalid('JWK has no "d": it is a public key');
  for (const k of ['p', 'q', 'dp', 'dq', 'qi']) {
    if (jwk[k] === undefined) throw unsupported(`private JWK without "${k}": keys without CRT parameters are not supported`);
  }
  return rsaPrivateKey({
    n: jwkBigint(jwk, 'n'),
    e: jwkBigint(jwk, 'e'),
    d: jwkBigint(jwk, 'd'),
    p: jwkBigint(jwk, 'p'),
    q: jwkBigint(jwk, 'q'),
    dp: jwkBigint(jwk, 'dp'),
    dq: jwkBigint(jwk, 'dq'),
    qi: jwkBigint(jwk, 'qi'),
  });
}

function parseJsonObject(text: string): Record<string, unknown> {
  let v: unknown;
  // A JWK is two levels deep at most (key_ops); refuse deeper text before JSON.parse builds it.
  if (jsonDeeperThan(text, 8)) throw invalid('JWK text is nested too deep');
  try {
    v = JSON.parse(text);
  } catch {
    throw invalid('JWK text is not valid JSON');
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw invalid('JWK expected a JSON object');
  return v as Record<string, unknown>;
}

// ---- dispatch ----

type Parsed = { kind: 'public'; key: RsaPublicKey } | { kind: 'private'; key: RsaPrivateKey };

function parsePemText(text: string): Parsed {
  const { label, der } = decodePem(text);
  switch (label) {
    case 'RSA PRIVATE KEY':
      return { kind: 'private', key: parsePkcs1Private(der) };
    case 'PRIVATE KEY':
      return { kind: 'private', key: parsePkcs8(der) };
    case 'RSA PUBLIC KEY':
      return { kind: 'public', key: parsePkcs1Public(der) };
    case 'PUBLIC KEY':
      return { kind: 'public', key: parseSpki(der) };
    case 'ENCRYPTED PRIVATE KEY':
      throw unsupported('encrypted PKCS#8 keys are not supported: decrypt the key first (openssl pkey -in key.pem -out plain.pem)');
    case 'OPENSSH PRIVATE KEY':
      throw unsupported('OpenSSH-format private keys are not supported: convert with ssh-keygen -p -m PEM -f key (or make the key with -m PEM)');
    default:
      throw unsupported(`PEM "${label}" is not an RSA key format hostsig reads`);
  }
}

/** DER: tell PKCS#1 from SPKI/PKCS#8 by the shape of the outer SEQUENCE. */
function parseDer(der: Uint8Array): Parsed {
  const top = new DerReader(der);
  const seq = top.sequence('key');
  const first = seq.peekTag();
  if (first === TAG_SEQUENCE) return { kind: 'public', key: parseSpki(der) };
  if (first !== TAG_INTEGER) throw invalid('DER is neither an RSA public nor private key');
  seq.integer('first INTEGER');
  const second = seq.peekTag();
  if (second === TAG_SEQUENCE) return { kind: 'private', key: parsePkcs8(der) };
  // RSAPublicKey has exactly two INTEGERs; RSAPrivateKey has nine.
  seq.integer('second INTEGER');
  if (seq.done) return { kind: 'public', key: parsePkcs1Public(der) };
  return { kind: 'private', key: parsePkcs1Private(der) };
}

function parseAny(input: unknown, want: 'public' | 'private'): Parsed {
  if (isBytes(input)) {
    // DER always starts with SEQUENCE (0x30); anything else may be a key file read as bytes
    // (readFileSync('key.pem') without an encoding), so it is tried as UTF-8 text.
    if (input[0] === 0x30 || input.length === 0) return parseDer(input);
    let text: string;
    try {
      text = bytesToUtf8(input);
    } catch {
      throw invalid('key bytes are neither DER nor UTF-8 text');
    }
    return parseAny(text, want);
  }
  if (typeof input === 'string') {
    if (isPem(input)) return parsePemText(input);
    const t = input.trim();
    if (t.startsWith('{')) {
      const jwk = parseJsonObject(t);
      return want === 'private' || jwk.d !== undefined ? { kind: 'private', key: parseJwkPrivate(jwk) } : { kind: 'public', key: parseJwkPublic(jwk) };
    }
    if (/^(ssh-|ecdsa-sha2-|sk-)/.test(t)) return { kind: 'public', key: parseSshLine(t) };
    if (t.startsWith('---- BEGIN SSH2')) throw unsupported('RFC 4716 SSH2 public keys are not supported; use the one-line ssh-rsa form');
    throw unsupported('unrecognised key text: expected PEM, a JWK, or an ssh-rsa line');
  }
  if (typeof input === 'object' && input !== null && !Array.isArray(input)) {
    const jwk = input as Record<string, unknown>;
    return want === 'private' || jwk.d !== undefined ? { kind: 'private', key: parseJwkPrivate(jwk) } : { kind: 'public', key: parseJwkPublic(jwk) };
  }
  throw new HostsigError('INVALID_ARGUMENT', `"key" expected string, Uint8Array or JWK object, got ${typeName(input)}`);
}

/**
 * Imports an RSA public key. Accepts SPKI (`PUBLIC KEY`) or PKCS#1 (`RSA PUBLIC KEY`) PEM,
 * the same as DER bytes, an RSA JWK (object or JSON text), or an OpenSSH `ssh-rsa` line.
 * Bytes that are not DER are read as UTF-8 text, so a key file read without an encoding works.
 * Given a private key (any format above), returns its public half.
 * @param input the key
 * @returns a validated public key
 * @throws HostsigError `KEY_FORMAT_UNSUPPORTED` (encrypted, non-RSA, unknown format),
 *   `KEY_TOO_SMALL` (< 2048 bits), `KEY_INVALID` (malformed or inconsistent),
 *   `ALG_NOT_ALLOWED` (a JWK for another alg), `INVALID_ARGUMENT` (wrong type)
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { importPublicKey } from 'hostsig/rsa';
 *
 * // SPKI or PKCS#1 PEM, DER bytes, an RSA JWK or an OpenSSH `ssh-rsa` line: the same key.
 * const pem = importPublicKey(readFileSync('vectors/keys/rsa2048.spki.pem', 'utf8'));
 * const der = importPublicKey(new Uint8Array(readFileSync('vectors/keys/rsa2048.pkcs1pub.der')));
 * const ssh = importPublicKey(readFileSync('vectors/keys/rsa2048.ssh.pub', 'utf8'));
 * pem.n === der.n && der.n === ssh.n // => true
 * importPublicKey(readFileSync('vectors/keys/bad-rsa1024.pem', 'utf8')) // => throws KEY_TOO_SMALL
 * ```
 */
export function importPublicKey(input: KeyInput): RsaPublicKey {
  const r = parseAny(input, 'public');
  return r.kind === 'public' ? r.key : r.key.publicKey;
}

/**
 * Imports an RSA private key: PKCS#1 (`RSA PRIVATE KEY`, what `ssh-keygen -m PEM` and HostBill
 * use) or PKCS#8 (`PRIVATE KEY`) PEM, the same as DER bytes, or a private RSA JWK with CRT
 * parameters. The key is checked for consistency (n = p*q, d, dp, dq, qi).
 * @param input the key
 * @returns a validated private key (its `publicKey` is ready for verification)
 * @throws HostsigError `KEY_FORMAT_UNSUPPORTED` (encrypted PEM, OpenSSH format, multi-prime,
 *   non-RSA), `KEY_TOO_SMALL`, `KEY_INVALID` (malformed, inconsistent, or a public key),
 *   `ALG_NOT_ALLOWED`, `INVALID_ARGUMENT`
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { exportPublicJwk, importPrivateKey } from 'hostsig/rsa';
 *
 * // HostBill's key: `ssh-keygen -t rsa -b 4096 -m PEM`, a PKCS#1 `BEGIN RSA PRIVATE KEY`.
 * const key = importPrivateKey(readFileSync('vectors/keys/hostbill4096.key', 'utf8'));
 * key.publicKey.bits // => 4096
 * // A logged key shows its public half only: d, p and q are not enumerable, and JSON is the public JWK.
 * JSON.stringify(key) === JSON.stringify(exportPublicJwk(key)) // => true
 * String(key) // => '[RsaPrivateKey 4096 bits]'
 * importPrivateKey(readFileSync('vectors/keys/bad-encrypted-pkcs1.pem', 'utf8')) // => throws KEY_FORMAT_UNSUPPORTED
 * ```
 */
export function importPrivateKey(input: KeyInput): RsaPrivateKey {
  const r = parseAny(input, 'private');
  if (r.kind !== 'private') throw invalid('expected a private key, got a public key');
  return r.key;
}

/** @internal The public key of a public or private key; anything else is `INVALID_ARGUMENT`. */
export function publicOf(key: unknown): RsaPublicKey {
  if (isRsaPublicKey(key)) return key;
  if (isRsaPrivateKey(key)) return key.publicKey;
  throw new HostsigError('INVALID_ARGUMENT', '"key" expected an RsaPublicKey or RsaPrivateKey from importPublicKey/importPrivateKey');
}

/** @internal The private JWK (RFC 7518 6.3) of a validated key, for platform imports. */
export function privateJwkOf(key: RsaPrivateKey): JsonWebKey {
  const b = (x: bigint): string => bytesToBase64url(bigintToMinBytes(x));
  return { kty: 'RSA', n: b(key.n), e: b(key.e), d: b(key.d), p: b(key.p), q: b(key.q), dp: b(key.dp), dq: b(key.dq), qi: b(key.qi) };
}

/**
 * SubjectPublicKeyInfo DER of a public key (or of a private key's public half).
 * @param key the key
 * @throws HostsigError `INVALID_ARGUMENT` for anything but a hostsig RSA key
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { exportSpkiDer, importPrivateKey } from 'hostsig/rsa';
 *
 * const key = importPrivateKey(readFileSync('vectors/keys/rsa2048.pkcs1.pem', 'utf8'));
 * exportSpkiDer(key) // => new Uint8Array(readFileSync('vectors/keys/rsa2048.spki.der'))
 * ```
 */
export function exportSpkiDer(key: RsaPublicKey | RsaPrivateKey): Uint8Array {
  const k = publicOf(key);
  return derSequence(derSequence(DER_OID_RSA_ENCRYPTION, DER_NULL), derBitString(derSequence(derInteger(k.n), derInteger(k.e))));
}

/**
 * `-----BEGIN PUBLIC KEY-----` PEM (SPKI) of a public key, with 64-column lines.
 * @param key the key (a private key exports its public half)
 * @throws HostsigError `INVALID_ARGUMENT`
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { exportSpkiPem, importPrivateKey } from 'hostsig/rsa';
 *
 * const key = importPrivateKey(readFileSync('vectors/keys/rsa2048.pkcs1.pem', 'utf8'));
 * exportSpkiPem(key).startsWith('-----BEGIN PUBLIC KEY-----\n') // => true
 * ```
 */
export function exportSpkiPem(key: RsaPublicKey | RsaPrivateKey): string {
  return encodePem('PUBLIC KEY', exportSpkiDer(key));
}

/**
 * The public JWK `{ kty, n, e }` (plus `kid`, `alg: "RS256"`, `use: "sig"` when asked).
 * @param key the key (a private key exports its public half; `d` is never exported)
 * @param extra optional `kid` to include; `alg` and `use` are added when `withAlg` is true
 * @throws HostsigError `INVALID_ARGUMENT`
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { exportPublicJwk, importPrivateKey } from 'hostsig/rsa';
 *
 * const key = importPrivateKey(readFileSync('vectors/keys/rsa2048.pkcs1.pem', 'utf8'));
 * const jwk = exportPublicJwk(key, { kid: 'k1', withAlg: true });
 * jwk // => { kty: 'RSA', e: 'AQAB', kid: 'k1', alg: 'RS256', use: 'sig' }
 * 'd' in jwk // => false
 * ```
 */
export function exportPublicJwk(key: RsaPublicKey | RsaPrivateKey, extra: { kid?: string; withAlg?: boolean } = {}): RsaJwk {
  const k = publicOf(key);
  const jwk: RsaJwk = { kty: 'RSA', n: bytesToBase64url(bigintToMinBytes(k.n)), e: bytesToBase64url(bigintToMinBytes(k.e)) };
  if (extra.kid !== undefined) jwk.kid = String(extra.kid);
  if (extra.withAlg) {
    jwk.alg = 'RS256';
    jwk.use = 'sig';
  }
  return jwk;
}

/**
 * RFC 7638 JWK thumbprint (SHA-256, base64url): a stable `kid` for a key.
 * @param key the key
 * @throws HostsigError `INVALID_ARGUMENT`
 * @example
 * ```ts
 * import { importPublicKey, jwkThumbprint } from 'hostsig/rsa';
 *
 * // RFC 7638 section 3.1's example key and thumbprint.
 * const n =
 *   '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw';
 * jwkThumbprint(importPublicKey({ kty: 'RSA', n, e: 'AQAB' })) // => 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs'
 * ```
 */
export function jwkThumbprint(key: RsaPublicKey | RsaPrivateKey): string {
  const { n, e } = exportPublicJwk(key);
  return bytesToBase64url(sha256(utf8ToBytes(`{"e":"${e}","kty":"RSA","n":"${n}"}`)));
}
