// rsaRecoverBlock (src/rsa/recover.ts), the one `s^e mod n` the page and the diagnosis show,
// against node:crypto's raw RSA public operation (publicDecrypt with RSA_NO_PADDING).
import { constants, createPrivateKey, createPublicKey, publicDecrypt, randomBytes, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importPublicKey, rsaRecoverBlock } from '../../src/rsa/index.js';
import { REPO_ROOT } from '../helpers/wycheproof.js';

const KEYS = join(REPO_ROOT, 'vectors', 'keys');
const pem = readFileSync(join(KEYS, 'rsa2048.pkcs1.pem'));
const pub = importPublicKey(readFileSync(join(KEYS, 'rsa2048.spki.pem'), 'utf8'));
const nodePub = createPublicKey(createPrivateKey(pem));
const raw = (sig: Uint8Array) => new Uint8Array(publicDecrypt({ key: nodePub, padding: constants.RSA_NO_PADDING }, sig));

describe('rsaRecoverBlock', () => {
  it('is the block node:crypto recovers, for signatures and for random values below n', () => {
    const sig = new Uint8Array(sign('sha256', Buffer.from('hello'), createPrivateKey(pem)));
    const block = rsaRecoverBlock(pub, sig)!;
    expect(block).toEqual(raw(sig));
    expect(Array.from(block.subarray(0, 2))).toEqual([0, 1]);
    for (let i = 0; i < 20; i++) {
      const s = new Uint8Array(randomBytes(256));
      s[0] = s[0]! & 0x7f; // below n, whose top byte is 0x80 or more
      expect(rsaRecoverBlock(pub, s)).toEqual(raw(s));
    }
  });

  it('reads a short or zero-led signature as the number it is, and answers null at or above n', () => {
    const s = new Uint8Array(randomBytes(255));
    const padded = new Uint8Array(256);
    padded.set(s, 1);
    expect(rsaRecoverBlock(pub, s)).toEqual(raw(padded));
    const long = new Uint8Array(300);
    long.set(padded, 44);
    expect(rsaRecoverBlock(pub, long)).toEqual(raw(padded));
    const n = Buffer.from(pub.n.toString(16).padStart(512, '0'), 'hex');
    expect(rsaRecoverBlock(pub, n)).toBeNull();
    expect(rsaRecoverBlock(pub, new Uint8Array(256).fill(0xff))).toBeNull();
    expect(rsaRecoverBlock(pub, new Uint8Array(257).fill(1))).toBeNull();
  });
});
