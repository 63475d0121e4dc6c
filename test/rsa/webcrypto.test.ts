import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { bytesToHex, utf8ToBytes } from '../../src/core/bytes.js';
import { signCompactJws, signCompactJwsAsync, signJwt, signJwtAsync, verifyJwt } from '../../src/jwt/index.js';
import { importPrivateKey, type RsaPrivateKey, rsaSign, rsaSignAsync, rsaVerify } from '../../src/rsa/index.js';
import { nodeRsaKeyPair } from '../helpers/node-keys.js';
import { REPO_ROOT } from '../helpers/wycheproof.js';

// The Web Crypto path must give exactly the pure path's bytes, and fall back to it whenever
// the platform has no crypto.subtle, or refuses the key or the operation.

const keys: RsaPrivateKey[] = [];
beforeAll(async () => {
  keys.push(importPrivateKey(readFileSync(join(REPO_ROOT, 'vectors', 'keys', 'rsa2048.pkcs1.pem'), 'utf8')));
  keys.push(importPrivateKey((await nodeRsaKeyPair(4096)).pkcs1Pem));
}, 120_000);

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('rsaSignAsync', () => {
  it('equals rsaSign byte for byte (2048 and 4096 bits, arbitrary messages)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(0, 1), fc.uint8Array({ maxLength: 400 }), async (i, msg) => {
        const key = keys[i]!;
        const ours = await rsaSignAsync(key, msg);
        expect(bytesToHex(ours)).toBe(bytesToHex(rsaSign(key, msg)));
        expect(rsaVerify(key.publicKey, msg, ours)).toBe(true);
      }),
      { numRuns: 12 },
    );
  });

  it('really goes through crypto.subtle when it is there (one import per key)', async () => {
    const sign = vi.spyOn(globalThis.crypto.subtle, 'sign');
    const key = importPrivateKey(readFileSync(join(REPO_ROOT, 'vectors', 'keys', 'rsa2048.pkcs8.pem'), 'utf8'));
    const importKey = vi.spyOn(globalThis.crypto.subtle, 'importKey');
    await rsaSignAsync(key, utf8ToBytes('a'));
    await rsaSignAsync(key, utf8ToBytes('b'));
    expect(sign).toHaveBeenCalledTimes(2);
    expect(importKey).toHaveBeenCalledTimes(1);
  });

  it('falls back to the pure path without crypto.subtle, with the same bytes', async () => {
    const key = keys[0]!;
    const msg = utf8ToBytes('no subtle here');
    vi.stubGlobal('crypto', { getRandomValues: globalThis.crypto.getRandomValues.bind(globalThis.crypto) });
    expect(bytesToHex(await rsaSignAsync(key, msg))).toBe(bytesToHex(rsaSign(key, msg)));
  });

  it('falls back when the platform refuses the key or the signature, or returns garbage', async () => {
    const msg = utf8ToBytes('refused');
    const want = bytesToHex(rsaSign(keys[0]!, msg));
    const fresh = () => importPrivateKey(readFileSync(join(REPO_ROOT, 'vectors', 'keys', 'rsa2048.pkcs1.pem'), 'utf8'));
    vi.spyOn(globalThis.crypto.subtle, 'importKey').mockRejectedValueOnce(new Error('NotSupportedError'));
    expect(bytesToHex(await rsaSignAsync(fresh(), msg))).toBe(want);
    vi.spyOn(globalThis.crypto.subtle, 'sign').mockRejectedValueOnce(new Error('OperationError'));
    expect(bytesToHex(await rsaSignAsync(fresh(), msg))).toBe(want);
    vi.spyOn(globalThis.crypto.subtle, 'sign').mockResolvedValueOnce(new ArrayBuffer(3));
    expect(bytesToHex(await rsaSignAsync(fresh(), msg))).toBe(want);
  });

  it('rejects wrong argument types like rsaSign throws them', async () => {
    await expect(rsaSignAsync(keys[0]!.publicKey as never, new Uint8Array(1))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(rsaSignAsync(keys[0]!, 'text' as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});

describe('signJwtAsync / signCompactJwsAsync', () => {
  it('give the sync functions\' tokens byte for byte', async () => {
    const key = keys[0]!;
    const opts = { now: 1_700_000_000, expiresIn: '15m', kid: 'k1', issuer: 'https://billing.example' } as const;
    const token = await signJwtAsync({ scope: 'api', 'é': '😀' }, key, opts);
    expect(token).toBe(signJwt({ scope: 'api', 'é': '😀' }, key, opts));
    expect(verifyJwt(token, key.publicKey, { currentDate: new Date(1_700_000_100_000) }).payload.scope).toBe('api');
    const header = '{"alg":"RS256",\r\n "x":1}';
    expect(await signCompactJwsAsync(header, 'payload', key)).toBe(signCompactJws(header, 'payload', key));
  });

  it('reject bad arguments with the sync codes', async () => {
    await expect(signJwtAsync([] as never, keys[0]!)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(signCompactJwsAsync('{"alg":"HS256"}', 'x', keys[0]!)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
