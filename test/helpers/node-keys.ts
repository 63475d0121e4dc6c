import { generateKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';

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
