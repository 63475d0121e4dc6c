import { describe, expect, it } from 'vitest';
import { base64urlToBytes, bytesToUtf8 } from '../../src/core/bytes.js';
import { isHostsigError } from '../../src/core/errors.js';
import { verifyCompactJws } from '../../src/jwt/index.js';
import { importPublicKey, type RsaPublicKey } from '../../src/rsa/index.js';
import { loadWycheproof } from '../helpers/wycheproof.js';

interface Test {
  tcId: number;
  comment: string;
  flags: string[];
  jws: unknown;
  result: 'valid' | 'invalid';
}
interface Group {
  comment: string;
  private?: Record<string, unknown>;
  public?: Record<string, unknown>;
  tests: Test[];
}

const data = loadWycheproof<{ testGroups: Group[] }>('json_web_signature_test.json');

function headerAlg(jws: unknown): string | undefined {
  if (typeof jws !== 'string') return undefined;
  try {
    const h = JSON.parse(bytesToUtf8(base64urlToBytes(jws.split('.')[0]!))) as { alg?: unknown };
    return typeof h.alg === 'string' ? h.alg : undefined;
  } catch {
    return undefined;
  }
}

function tryImport(jwk: Record<string, unknown> | undefined): RsaPublicKey | string {
  if (!jwk) return 'no public key';
  try {
    return importPublicKey(jwk);
  } catch (e) {
    if (!isHostsigError(e)) throw e;
    return e.code;
  }
}

function verifyCode(jws: unknown, key: RsaPublicKey): string {
  try {
    verifyCompactJws(jws as string, key);
    return 'ok';
  } catch (e) {
    if (!isHostsigError(e)) throw e;
    return e.code;
  }
}

describe.skipIf(!data)('Wycheproof json_web_signature_test.json', () => {
  it('every RS256 case gives the Wycheproof result; every other alg (none, HS*, ES*, PS*, RS384/512) is rejected', () => {
    const stats = { rs256Valid: 0, rs256Invalid: 0, otherRejected: 0, keyRefused: 0 };
    const failures: string[] = [];
    for (const g of data!.testGroups) {
      const key = tryImport(g.public);
      for (const t of g.tests) {
        const alg = headerAlg(t.jws);
        const rs256Group = g.public?.kty === 'RSA' && (g.public.alg === 'RS256' || g.public.alg === undefined);
        if (typeof key === 'string') {
          // Non-RSA keys (EC, oct), keys for PS*/RS384 and keys marked for encryption cannot
          // be imported, so nothing signed for them can be accepted.
          stats.keyRefused++;
          if (rs256Group && t.result === 'valid') failures.push(`tcId ${t.tcId}: RS256 key refused (${key}) but the case is valid`);
          continue;
        }
        const code = verifyCode(t.jws, key);
        if (alg === 'RS256' && rs256Group) {
          if (t.result === 'valid') stats.rs256Valid++;
          else stats.rs256Invalid++;
          if ((code === 'ok') !== (t.result === 'valid')) failures.push(`tcId ${t.tcId} (${t.comment}): expected ${t.result}, got ${code}`);
        } else {
          stats.otherRejected++;
          if (code === 'ok') failures.push(`tcId ${t.tcId} (${t.comment}, alg ${alg}): accepted a non-RS256 token`);
          if (alg !== undefined && alg !== 'RS256' && code !== 'ALG_NOT_ALLOWED') failures.push(`tcId ${t.tcId}: alg ${alg} rejected with ${code}, not ALG_NOT_ALLOWED`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(stats.rs256Valid).toBeGreaterThan(0);
    expect(stats.rs256Invalid).toBeGreaterThan(0);
    console.log('json_web_signature_test.json:', JSON.stringify(stats));
  });

  it('the alg:none tokens of the HS256 group and the PS512 group are rejected as ALG_NOT_ALLOWED under an RSA key', () => {
    const rsa = data!.testGroups.find((g) => g.public?.kty === 'RSA' && g.public.alg === 'RS256')!;
    const key = importPublicKey(rsa.public!);
    let nones = 0;
    for (const g of data!.testGroups) {
      for (const t of g.tests) {
        const alg = headerAlg(t.jws);
        if (alg === undefined || alg.toLowerCase() !== 'none') continue;
        nones++;
        expect(verifyCode(t.jws, key)).toBe('ALG_NOT_ALLOWED');
      }
    }
    expect(nones).toBeGreaterThan(0);
  });

  it('HS256 tokens (the key-confusion family) are rejected under every RSA key, whatever they were MACed with', () => {
    const rsaKeys = data!.testGroups.map((g) => tryImport(g.public)).filter((k): k is RsaPublicKey => typeof k !== 'string');
    const codes: Record<string, number> = {};
    for (const g of data!.testGroups) {
      for (const t of g.tests) {
        if (headerAlg(t.jws) !== 'HS256') continue;
        for (const k of rsaKeys) {
          const code = verifyCode(t.jws, k);
          codes[code] = (codes[code] ?? 0) + 1;
        }
      }
    }
    // The "base64" group's HS256 tokens have broken payload/signature encodings: JWT_MALFORMED.
    expect(Object.keys(codes).sort()).toEqual(['ALG_NOT_ALLOWED', 'JWT_MALFORMED']);
    expect(codes.ALG_NOT_ALLOWED).toBeGreaterThan(codes.JWT_MALFORMED!);
  });
});
