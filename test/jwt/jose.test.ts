import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { importPKCS8, importSPKI, jwtVerify, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { signJwt, verifyJwt } from '../../src/jwt/index.js';
import { importPrivateKey, importPublicKey } from '../../src/rsa/index.js';
import { REPO_ROOT } from '../helpers/wycheproof.js';

const pem = (name: string): string => readFileSync(join(REPO_ROOT, 'vectors', 'keys', name), 'utf8');
const T0 = 1_700_000_000;

// jose (dev-only) as a second oracle: same claims rules, other implementation.
describe('cross-check with jose', () => {
  it('jose-signed -> hostsig verifies; hostsig-signed -> jose verifies; both agree on claims', async () => {
    const josePriv = await importPKCS8(pem('rsa2048.pkcs8.pem'), 'RS256');
    const josePub = await importSPKI(pem('rsa2048.spki.pem'), 'RS256');
    const priv = importPrivateKey(pem('rsa2048.pkcs8.pem'));
    const pub = importPublicKey(pem('rsa2048.spki.pem'));

    const theirs = await new SignJWT({ scope: 'api' }).setProtectedHeader({ alg: 'RS256', kid: 'k1', typ: 'JWT' }).setIssuedAt(T0).setExpirationTime(T0 + 600).setIssuer('iss').setAudience('aud').setSubject('s').sign(josePriv);
    const mine = signJwt({ scope: 'api' }, priv, { kid: 'k1', now: T0, expiresIn: 600, issuer: 'iss', audience: 'aud', subject: 's' });

    const opts = { issuer: 'iss', audience: 'aud', subject: 's', typ: 'JWT', maxTokenAge: 60 };
    const a = verifyJwt(theirs, pub, { ...opts, now: T0 + 30 });
    const b = await jwtVerify(mine, josePub, { ...opts, currentDate: new Date((T0 + 30) * 1000) });
    expect(a.payload).toEqual(b.payload);
    expect(a.protectedHeader).toEqual(b.protectedHeader);
    // Deterministic signatures: same header and claims text => same token.
    const sameOrder = await new SignJWT({ scope: 'api', iat: T0, exp: T0 + 600, sub: 's', iss: 'iss', aud: 'aud' }).setProtectedHeader({ alg: 'RS256', typ: 'JWT' }).sign(josePriv);
    expect(signJwt({ scope: 'api', iat: T0, exp: T0 + 600, sub: 's', iss: 'iss', aud: 'aud' }, priv)).toBe(sameOrder);
  });

  it('both reject an expired token and a wrong audience', async () => {
    const josePub = await importSPKI(pem('rsa2048.spki.pem'), 'RS256');
    const pub = importPublicKey(pem('rsa2048.spki.pem'));
    const t = signJwt({ aud: 'x' }, importPrivateKey(pem('rsa2048.pkcs1.pem')), { now: T0, expiresIn: 10 });
    const at = new Date((T0 + 10) * 1000);
    await expect(jwtVerify(t, josePub, { currentDate: at })).rejects.toMatchObject({ code: 'ERR_JWT_EXPIRED' });
    expect(() => verifyJwt(t, pub, { currentDate: at })).toThrow(expect.objectContaining({ code: 'JWT_EXPIRED' }));
    await expect(jwtVerify(t, josePub, { audience: 'y', currentDate: new Date(T0 * 1000) })).rejects.toMatchObject({ code: 'ERR_JWT_CLAIM_VALIDATION_FAILED', claim: 'aud' });
    expect(() => verifyJwt(t, pub, { audience: 'y', now: T0 })).toThrow(expect.objectContaining({ code: 'CLAIM_INVALID', details: { claim: 'aud', reason: 'check_failed' } }));
  });
});
