// fast-check on fresh keys (2048 and 4096 bits, made and signed by node:crypto): rsaVerifyAsync
// and verifyJwtAsync give the pure verdict and the pure reason code on valid signatures and on
// every mutation of them, and crypto.subtle.verify runs exactly for the in-range ones.
import { afterAll, beforeAll, describe, it, vi } from 'vitest';
import { verifyJwtAsync } from '../../src/jwt/index.js';
import { rsaVerifyAsync } from '../../src/rsa/index.js';
import { outcomeAsync } from '../helpers/differential.js';
import { nodePropertyKeys } from '../helpers/node-keys.js';
import { checkJwtProperty, checkRsaProperty, type PathUnderTest, type PropertyKey } from '../helpers/signature-mutations.js';

let keys: PropertyKey[] = [];
let verifySpy: ReturnType<typeof vi.spyOn>;
beforeAll(async () => {
  keys = await nodePropertyKeys([2048, 4096]);
  verifySpy = vi.spyOn(globalThis.crypto.subtle, 'verify');
}, 120_000);
afterAll(() => verifySpy.mockRestore());

const webCrypto: PathUnderTest = {
  rsa: rsaVerifyAsync,
  jwt: (token, key) => outcomeAsync(() => verifyJwtAsync(token, key)),
  platformCalls: () => verifySpy.mock.calls.length,
};

describe('Web Crypto vs pure on fresh keys, valid and mutated signatures', () => {
  it('rsaVerifyAsync gives rsaVerify\'s verdict (s = n, > n, n-1, 0, 1, 0xff.., short, long, leading zeros, bit flips, random)', async () => {
    await checkRsaProperty(keys, webCrypto, 300);
  });

  it('verifyJwtAsync gives verifyJwt\'s outcome on the same signatures in a JWT', async () => {
    await checkJwtProperty(keys, webCrypto, 200);
  });
});
