/**
 * The algorithms a JWT is mistakenly signed with, recognised without node:crypto: what an
 * RSA signature holds under a key (rsa's rsaRecoverBlock), PKCS#1 v1.5 DigestInfo for
 * SHA-256/384/512, EMSA-PSS with any salt length, and HMAC. hostsig itself stays RS256-only:
 * these only name what a client did instead.
 *
 * SHA-384 and SHA-512 come from @noble/hashes directly: core offers SHA-256 only (the one the
 * schemes use, behind its registerable backend), and a diagnosis needs no faster path.
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha384, sha512 } from '@noble/hashes/sha2.js';
import { bytesToHex, concatBytes } from '../../core/bytes.js';
import { equalBytes } from '../../core/compare.js';
import { hmacSha256, sha256 } from '../../core/hmac.js';
import { rsaRecoverBlock, type RsaPublicKey } from '../../rsa/index.js';

export type HashName = 'sha256' | 'sha384' | 'sha512';

interface HashAlg {
  digest(m: Uint8Array): Uint8Array;
  mac(key: Uint8Array, m: Uint8Array): Uint8Array;
  /** DER of DigestInfo { AlgorithmIdentifier, OCTET STRING } without the digest (RFC 8017 9.2 note 1), hex. */
  digestInfo: string;
  size: number;
}

const HASHES: Readonly<Record<HashName, HashAlg>> = {
  sha256: { digest: sha256, mac: hmacSha256, digestInfo: '3031300d060960864801650304020105000420', size: 32 },
  sha384: { digest: sha384, mac: (k, m) => hmac(sha384, k, m), digestInfo: '3041300d060960864801650304020205000430', size: 48 },
  sha512: { digest: sha512, mac: (k, m) => hmac(sha512, k, m), digestInfo: '3051300d060960864801650304020305000440', size: 64 },
};

/** The digest of `m`. */
export function digest(hash: HashName, m: Uint8Array): Uint8Array {
  return HASHES[hash].digest(m);
}

/** HMAC of `m` under `key`. */
export function mac(hash: HashName, key: Uint8Array, m: Uint8Array): Uint8Array {
  return HASHES[hash].mac(key, m);
}

/** The hash and digest an EMSA-PKCS1-v1_5 block holds, or null when it is no such block. */
export function parsePkcs1Block(em: Uint8Array): { hash: HashName; digest: string } | null {
  if (em[0] !== 0 || em[1] !== 1) return null;
  let i = 2;
  while (i < em.length && em[i] === 0xff) i++;
  if (i < 10 || em[i] !== 0) return null;
  const t = bytesToHex(em.subarray(i + 1));
  for (const hash of Object.keys(HASHES) as HashName[]) {
    const { digestInfo, size } = HASHES[hash];
    if (t.startsWith(digestInfo) && t.length === digestInfo.length + 2 * size) return { hash, digest: t.slice(digestInfo.length) };
  }
  return null;
}

/** What a signature of exactly the key's size holds under the key: a PKCS#1 v1.5 hash and digest, or null. */
export function recoverDigest(key: RsaPublicKey, signature: Uint8Array): { hash: HashName; digest: string } | null {
  if (signature.length !== key.size) return null;
  const em = rsaRecoverBlock(key, signature);
  return em === null ? null : parsePkcs1Block(em);
}

/** MGF1 (RFC 8017 B.2.1) of `seed`, `len` bytes. */
function mgf1(hash: HashName, seed: Uint8Array, len: number): Uint8Array {
  const out = new Uint8Array(len);
  const input = new Uint8Array(seed.length + 4);
  input.set(seed);
  for (let counter = 0, at = 0; at < len; counter++) {
    new DataView(input.buffer).setUint32(seed.length, counter);
    const h = digest(hash, input);
    out.set(h.subarray(0, Math.min(h.length, len - at)), at);
    at += h.length;
  }
  return out;
}

/** EMSA-PSS-VERIFY (RFC 8017 9.1.2) of the block `s^e mod n`, MGF1 with the same hash, any salt length. */
function pssHolds(block: Uint8Array, modBits: number, hash: HashName, message: Uint8Array): boolean {
  const emBits = modBits - 1;
  const emLen = Math.ceil(emBits / 8);
  if (block.length > emLen && block[0] !== 0) return false;
  const em = block.subarray(block.length - emLen);
  const hLen = HASHES[hash].size;
  if (emLen < hLen + 2 || em[emLen - 1] !== 0xbc) return false;
  const dbLen = emLen - hLen - 1;
  const h = em.subarray(dbLen, dbLen + hLen);
  const zeroBits = 8 * emLen - emBits;
  if (em[0]! >> (8 - zeroBits) !== 0) return false;
  const db = mgf1(hash, h, dbLen);
  for (let i = 0; i < dbLen; i++) db[i]! ^= em[i]!;
  db[0]! &= 0xff >> zeroBits;
  let i = 0;
  while (i < dbLen && db[i] === 0) i++;
  if (i === dbLen || db[i] !== 1) return false;
  return equalBytes(digest(hash, concatBytes(new Uint8Array(8), digest(hash, message), db.subarray(i + 1))), h);
}

/** The RSA JWS algorithms other than RS256, as tried on a token that is not RS256. */
export const OTHER_RSA_ALGS: readonly { name: string; hash: HashName; pss: boolean }[] = [
  { name: 'RS384', hash: 'sha384', pss: false },
  { name: 'RS512', hash: 'sha512', pss: false },
  { name: 'PS256', hash: 'sha256', pss: true },
  { name: 'PS384', hash: 'sha384', pss: true },
  { name: 'PS512', hash: 'sha512', pss: true },
];

/** True when `signature` is a valid RSASSA signature of `message` under `key` with this algorithm. */
export function rsaAlgHolds(alg: (typeof OTHER_RSA_ALGS)[number], key: RsaPublicKey, message: Uint8Array, signature: Uint8Array): boolean {
  if (signature.length !== key.size) return false;
  const block = rsaRecoverBlock(key, signature);
  if (block === null) return false;
  if (alg.pss) return pssHolds(block, key.bits, alg.hash, message);
  const held = parsePkcs1Block(block);
  return held !== null && held.hash === alg.hash && held.digest === bytesToHex(digest(alg.hash, message));
}
