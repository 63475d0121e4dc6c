/**
 * The RSA public operation on a signature, for showing what it holds: debuggers and diagnosis,
 * not verification (rsaVerify never parses a recovered block; it rebuilds the expected one).
 */
import { abytes } from '../core/bytes.js';
import { bigintToBytes, bytesToBigint, modPow } from './bigint.js';
import { publicOf, type RsaPrivateKey, type RsaPublicKey } from './keys.js';

/**
 * The encoded message a signature carries under a key: `s^e mod n` as `key.size` big-endian
 * bytes (RSAVP1 then I2OSP, RFC 8017 sections 5.2.2 and 4.1). Under the key that made an
 * RS256 signature this is the EMSA-PKCS1-v1_5 block `00 01 FF..FF 00 || DigestInfo || hash`;
 * under another key it is noise. The signature's length is not checked (a verifier refuses one
 * that is not `key.size` bytes; this still shows what it holds), only that it is below n.
 * @param key public key (or a private key: its public half is used)
 * @param signature the signature bytes
 * @returns `key.size` bytes, or null when the signature, read as a number, is not below n
 * @throws HostsigError `INVALID_ARGUMENT` for a key or signature of the wrong type
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { sha256, utf8ToBytes } from 'hostsig/core';
 * import { emsaPkcs1v15Sha256, importPrivateKey, rsaRecoverBlock, rsaSign } from 'hostsig/rsa';
 *
 * const key = importPrivateKey(readFileSync('vectors/keys/rsa2048.pkcs1.pem', 'utf8'));
 * const sig = rsaSign(key, utf8ToBytes('hello'));
 * const block = rsaRecoverBlock(key, sig)!;
 * block.length // => 256
 * block // => emsaPkcs1v15Sha256(sha256(utf8ToBytes('hello')), 256)
 * rsaRecoverBlock(key, new Uint8Array(256).fill(0xff)) // => null
 * ```
 */
export function rsaRecoverBlock(key: RsaPublicKey | RsaPrivateKey, signature: Uint8Array): Uint8Array | null {
  const pub = publicOf(key);
  abytes(signature, 'signature');
  // Past its leading zeros, a signature longer than the modulus is above n: no bigint for it.
  let start = 0;
  while (start < signature.length && signature[start] === 0) start++;
  if (signature.length - start > pub.size) return null;
  const s = bytesToBigint(signature.subarray(start));
  if (s >= pub.n) return null;
  return bigintToBytes(modPow(s, pub.e, pub.n), pub.size);
}
