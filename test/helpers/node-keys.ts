import { generateKeyPair, type KeyObject, sign } from 'node:crypto';
import { promisify } from 'node:util';
import { importPublicKey } from '../../src/rsa/index.js';
import { findLeadingZero, type PropertyKey } from './signature-mutations.js';

const gen = promisify(generateKeyPair);

/** A fresh node:crypto RSA key pair (the dev-only oracle), e = 65537. */
export async function nodeRsaKeyPair(bits: number): Promise<{ privateKey: KeyObject; publicKey: KeyObject; pkcs1Pem: string; spkiPem: string }> {
  const { privateKey, publicKey } = await gen('rsa', { modulusLength: bits, publicExponent: 65537 });
  return {
    privateKey,
    publicKey,
    pkcs1Pem: privateKey.export({ type: 'pkcs1', format: 'pem' }) as string,
    spkiPem: publicKey.export({ type: 'spki', format: 'pem' }) as string,
  };
}

/**
 * Fresh keys for the differential properties (test/platform), one per size, signed by
 * node:crypto, each with a valid signature that starts with a zero byte.
 */
export async function nodePropertyKeys(sizes: readonly number[] = [2048, 4096]): Promise<PropertyKey[]> {
  const pairs = await Promise.all(sizes.map((bits) => nodeRsaKeyPair(bits)));
  return Promise.all(
    pairs.map(async (pair, i) => {
      const signer = async (m: Uint8Array) => new Uint8Array(sign('sha256', m, pair.privateKey));
      const label = `fresh ${sizes[i]}-bit key`;
      return { label, pub: importPublicKey(pair.spkiPem), sign: signer, leadingZero: await findLeadingZero(signer, label) };
    }),
  );
}
