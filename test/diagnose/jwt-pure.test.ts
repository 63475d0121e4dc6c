// The JWT diagnosis is pure: it names the mistakes in Chromium as in Node. Tokens and keys are
// made by jose (Web Crypto), thumbprints checked against jose's RFC 7638 implementation.
import { calculateJwkThumbprint, exportJWK, exportSPKI, generateKeyPair, importJWK, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { diagnoseJwt } from '../../src/diagnose/index.js';

const NOW = 1767225600;
let pem = '';
let signer: CryptoKey;
let signerPss: CryptoKey;
let other: CryptoKey;
let otherPem = '';
let otherThumb = '';

beforeAll(async () => {
  const a = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  const b = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  pem = await exportSPKI(a.publicKey);
  signer = a.privateKey;
  // Web Crypto keys are bound to one algorithm: the same RSA key again, for RSA-PSS.
  signerPss = (await importJWK(await exportJWK(a.privateKey), 'PS256')) as CryptoKey;
  other = b.privateKey;
  otherPem = await exportSPKI(b.publicKey);
  otherThumb = await calculateJwkThumbprint(await exportJWK(b.publicKey));
}, 60_000);

const token = (alg: 'RS256' | 'PS256', key: CryptoKey, kid?: string) => new SignJWT({ sub: 'client-42' }).setProtectedHeader({ alg, ...(kid ? { kid } : {}) }).setIssuedAt(NOW).setExpirationTime(NOW + 900).sign(key);
const ids = (t: string, candidates: [string, string][] = []) => diagnoseJwt({ token: t, keyFile: pem, candidates, options: { now: NOW + 1 } });

describe('diagnoseJwt without node:crypto', () => {
  it('a good token is correct; a changed payload is token-modified', async () => {
    const t = await token('RS256', signer);
    expect(ids(t).correct).toBe(true);
    const [h, p, s] = t.split('.') as [string, string, string];
    const changed = JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(p.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0)))) as Record<string, unknown>;
    changed.sub = 'client-43';
    const p2 = btoa(JSON.stringify(changed)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    expect(ids(`${h}.${p2}.${s}`).matches.map((m) => m.id)).toEqual(['token-modified']);
  });

  it('HS256 keyed with the public key PEM (jose, the PEM text as the secret) is the alg confusion', async () => {
    const t = await new SignJWT({ sub: 'x' }).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(pem));
    const rep = ids(t);
    expect(rep.verdict).toBe('ALG_NOT_ALLOWED');
    expect(rep.matches.map((m) => m.id)).toEqual(['alg-hs256-public-key']);
  });

  it('PS256 under the same key is named as PS256', async () => {
    expect(ids(await token('PS256', signerPss)).matches[0]).toMatchObject({ id: 'alg-other', title: 'right key, wrong algorithm: PS256' });
  });

  it('another key: key-mismatch, and the candidate that signed it, by its RFC 7638 thumbprint', async () => {
    const t = await token('RS256', other, 'k2');
    const rep = ids(t);
    expect(rep.matches.map((m) => m.id)).toEqual(['key-mismatch']);
    expect(rep.matches[0]!.detail).toContain('token kid "k2"');
    const withCandidate = ids(t, [['other.pem', otherPem]]);
    expect(withCandidate.matches[0]!.fix).toContain(`other.pem (thumbprint ${otherThumb})`);
  });
});
