import { createHmac, createPrivateKey, createPublicKey, sign as nodeSign, verify as nodeVerify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { isHostsigError } from '../../src/core/errors.js';
import { decodeJwt, decodeProtectedHeader, type JwtVerifyOptions, signJwt, verifyCompactJws, verifyJwt, verifyJwtAsync } from '../../src/jwt/index.js';
import { exportSpkiPem, importPrivateKey, importPublicKey } from '../../src/rsa/index.js';
import { REPO_ROOT } from '../helpers/wycheproof.js';
import { codeOf } from '../helpers/codes.js';

const pem = (name: string): string => readFileSync(join(REPO_ROOT, 'vectors', 'keys', name), 'utf8');
const priv = importPrivateKey(pem('rsa2048.pkcs1.pem'));
const pub = importPublicKey(pem('rsa2048.spki.pem'));
const otherPriv = importPrivateKey(pem('hostbill4096.key'));
const nodePriv = createPrivateKey(pem('rsa2048.pkcs1.pem'));
const nodePub = createPublicKey(pem('rsa2048.spki.pem'));

const b64u = (s: string | Buffer): string => Buffer.from(s).toString('base64url');
/** A token signed by node:crypto (the oracle) over exactly these header and payload texts. */
function nodeToken(header: string | object, payload: string | object, key = nodePriv): string {
  const input = `${b64u(typeof header === 'string' ? header : JSON.stringify(header))}.${b64u(typeof payload === 'string' ? payload : JSON.stringify(payload))}`;
  return `${input}.${nodeSign('sha256', Buffer.from(input), key).toString('base64url')}`;
}
const T0 = 1_700_000_000;

function detailsOf(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    if (!isHostsigError(e)) throw e;
    return { code: e.code, ...e.details };
  }
  return 'ok';
}

describe('interop with node:crypto', () => {
  it('a node-signed JWT verifies; a hostsig-signed JWT verifies in node with the same claims', () => {
    const t = nodeToken({ alg: 'RS256', typ: 'JWT' }, { sub: 'u1', exp: T0 + 60 });
    expect(verifyJwt(t, pub, { now: T0 }).payload).toEqual({ sub: 'u1', exp: T0 + 60 });
    const ours = signJwt({ scope: 'api' }, priv, { now: T0, expiresIn: '15m', subject: 'u1', kid: 'k1' });
    const [h, p, s] = ours.split('.') as [string, string, string];
    expect(nodeVerify('sha256', Buffer.from(`${h}.${p}`), nodePub, Buffer.from(s, 'base64url'))).toBe(true);
    expect(Buffer.from(h, 'base64url').toString()).toBe('{"alg":"RS256","kid":"k1","typ":"JWT"}');
    expect(JSON.parse(Buffer.from(p, 'base64url').toString())).toEqual({ scope: 'api', iat: T0, exp: T0 + 900, sub: 'u1' });
  });

  it('property: random claims round-trip hostsig -> hostsig and hostsig -> node', () => {
    const reserved = new Set(['iat', 'exp', 'nbf', 'iss', 'sub', 'aud', 'jti']);
    fc.assert(
      fc.property(fc.dictionary(fc.string().filter((k) => !reserved.has(k)), fc.jsonValue(), { maxKeys: 6 }), (claims) => {
        const t = signJwt(claims, priv, { now: T0 });
        const { payload } = verifyJwt(t, pub, { now: T0 });
        // JSON round trip (-0 becomes 0) is what the token can carry.
        expect(payload).toEqual({ ...JSON.parse(JSON.stringify(claims)), iat: T0 });
        const [h, p, s] = t.split('.') as [string, string, string];
        expect(nodeVerify('sha256', Buffer.from(`${h}.${p}`), nodePub, Buffer.from(s, 'base64url'))).toBe(true);
      }),
      { numRuns: 30 },
    );
  });
});

describe('alg allow-list: RS256 and nothing else', () => {
  const claims = { sub: 'x' };
  it.each(['none', 'None', 'NONE', 'nOnE', 'HS256', 'HS384', 'HS512', 'ES256', 'PS256', 'RS384', 'RS512', 'rs256', 'RS256 ', ''])('alg %j -> ALG_NOT_ALLOWED', (alg) => {
    const signed = nodeToken({ alg }, claims);
    expect(codeOf(() => verifyJwt(signed, pub))).toBe('ALG_NOT_ALLOWED');
    const unsigned = `${b64u(JSON.stringify({ alg }))}.${b64u(JSON.stringify(claims))}.`;
    expect(codeOf(() => verifyJwt(unsigned, pub))).toBe('ALG_NOT_ALLOWED');
  });

  it('HS256 MACed with the public key (PEM, DER or JWK text as the secret) -> ALG_NOT_ALLOWED', () => {
    const input = `${b64u('{"alg":"HS256","typ":"JWT"}')}.${b64u('{"sub":"admin"}')}`;
    for (const secret of [exportSpkiPem(pub), pem('rsa2048.spki.pem'), readFileSync(join(REPO_ROOT, 'vectors', 'keys', 'rsa2048.spki.der'))]) {
      const token = `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
      expect(codeOf(() => verifyJwt(token, pub))).toBe('ALG_NOT_ALLOWED');
    }
    // The same MAC under a header that claims RS256 is just a bad signature.
    const rsInput = `${b64u('{"alg":"RS256"}')}.${b64u('{"sub":"admin"}')}`;
    const token = `${rsInput}.${createHmac('sha256', exportSpkiPem(pub)).update(rsInput).digest('base64url')}`;
    expect(codeOf(() => verifyJwt(token, pub))).toBe('SIGNATURE_INVALID');
  });

  it('a missing or non-string alg is JWT_MALFORMED; "algorithms" can only be ["RS256"]', () => {
    expect(codeOf(() => verifyJwt(nodeToken({ typ: 'JWT' }, claims), pub))).toBe('JWT_MALFORMED');
    expect(codeOf(() => verifyJwt(nodeToken({ alg: ['RS256'] }, claims), pub))).toBe('JWT_MALFORMED');
    const good = nodeToken({ alg: 'RS256' }, claims);
    expect(codeOf(() => verifyJwt(good, pub, { algorithms: ['RS256'] }))).toBe('ok');
    expect(codeOf(() => verifyJwt(good, pub, { algorithms: ['HS256'] }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => verifyJwt(good, pub, { algorithms: ['RS256', 'none'] }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => verifyJwt(good, pub, { algorithms: [] }))).toBe('INVALID_ARGUMENT');
  });

  it('an embedded "jwk" header is ignored: the caller\'s key decides', () => {
    const t = nodeToken({ alg: 'RS256', jwk: { kty: 'RSA', n: 'AQAB', e: 'AQAB' } }, claims);
    expect(codeOf(() => verifyJwt(t, pub))).toBe('ok');
    expect(codeOf(() => verifyJwt(t, otherPriv))).toBe('SIGNATURE_INVALID');
  });
});

describe('crit', () => {
  const ext = 'http://example.invalid/UNDEFINED';
  it('unknown critical parameter -> CRIT_UNSUPPORTED; understood -> ok', () => {
    const t = nodeToken({ alg: 'RS256', crit: [ext], [ext]: true }, { a: 1 });
    expect(codeOf(() => verifyJwt(t, pub))).toBe('CRIT_UNSUPPORTED');
    expect(codeOf(() => verifyJwt(t, pub, { crit: { [ext]: true } }))).toBe('ok');
  });
  it.each([
    ['empty', { alg: 'RS256', crit: [] }],
    ['not an array', { alg: 'RS256', crit: 'x', x: 1 }],
    ['lists a registered parameter', { alg: 'RS256', crit: ['alg'] }],
    ['lists an absent parameter', { alg: 'RS256', crit: ['x'] }],
  ])('%s -> JWT_MALFORMED', (_, header) => {
    expect(codeOf(() => verifyJwt(nodeToken(header, { a: 1 }), pub, { crit: { x: true } }))).toBe('JWT_MALFORMED');
  });
  it('"b64": false (unencoded payload) is refused', () => {
    const t = nodeToken({ alg: 'RS256', b64: false, crit: ['b64'] }, { a: 1 });
    expect(codeOf(() => verifyJwt(t, pub, { crit: { b64: true } }))).toBe('CRIT_UNSUPPORTED');
  });
});

describe('strict compact serialization', () => {
  const good = nodeToken({ alg: 'RS256' }, { sub: 'x' });
  const [h, p, s] = good.split('.') as [string, string, string];
  it('accepts the canonical token', () => {
    expect(codeOf(() => verifyJwt(good, pub))).toBe('ok');
  });
  const flipTrailingBits = (part: string): string => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const v = alphabet.indexOf(part.at(-1)!);
    return part.slice(0, -1) + alphabet[v ^ 1];
  };
  it.each([
    ['padding on the header', () => `${h}==.${p}.${s}`],
    ['padding on the signature', () => `${h}.${p}.${s}==`],
    ['"+" instead of "-"', () => `${h}.${p}.${s.includes('-') ? s.replace('-', '+') : s.replace('_', '/')}`],
    ['whitespace inside', () => `${h}.${p.slice(0, 4)} ${p.slice(4)}.${s}`],
    ['newline at the end', () => `${good}\n`],
    ['non-zero trailing bits in the signature (342 chars carry 4 spare bits)', () => `${h}.${p}.${flipTrailingBits(s)}`],
    ['two parts', () => `${h}.${p}`],
    ['four parts', () => `${good}.x`],
    ['five parts (JWE)', () => `${h}.a.b.c.d`],
    ['empty header', () => `.${p}.${s}`],
    ['empty string', () => ''],
    ['header not JSON', () => `${b64u('not json')}.${p}.${s}`],
    ['header is an array', () => `${b64u('["RS256"]')}.${p}.${s}`],
    ['header with a BOM', () => `${b64u('\ufeff{"alg":"RS256"}')}.${p}.${s}`],
    ['header not UTF-8', () => `${Buffer.from([0x7b, 0xff, 0x7d]).toString('base64url')}.${p}.${s}`],
    ['too long', () => `${h}.${'A'.repeat(70000)}.${s}`],
  ])('%s -> JWT_MALFORMED', (_, make) => {
    expect(codeOf(() => verifyJwt(make(), pub))).toBe('JWT_MALFORMED');
    expect(codeOf(() => decodeJwt(make()))).toMatch(/JWT_MALFORMED|ok/);
  });
  it('a signature of the wrong length is SIGNATURE_INVALID', () => {
    expect(codeOf(() => verifyJwt(`${h}.${p}.${Buffer.from(s, 'base64url').subarray(1).toString('base64url')}`, pub))).toBe('SIGNATURE_INVALID');
    expect(codeOf(() => verifyJwt(`${h}.${p}.${Buffer.concat([Buffer.from(s, 'base64url'), Buffer.from([0])]).toString('base64url')}`, pub))).toBe('SIGNATURE_INVALID');
    expect(codeOf(() => verifyJwt(`${h}.${p}.`, pub))).toBe('SIGNATURE_INVALID');
  });
});

describe('JSON: duplicates, shapes, prototype keys', () => {
  it.each([
    ['duplicate in header', '{"alg":"RS256","alg":"none"}', '{"a":1}'],
    ['escaped duplicate in header', '{"alg":"RS256","\\u0061lg":"RS256"}', '{"a":1}'],
    ['duplicate in payload', '{"alg":"RS256"}', '{"sub":"a","sub":"b"}'],
    ['escaped duplicate in payload', '{"alg":"RS256"}', '{"sub":"a","\\u0073ub":"b"}'],
    ['nested duplicate in payload', '{"alg":"RS256"}', '{"x":{"y":1,"y":2}}'],
    ['payload is an array', '{"alg":"RS256"}', '[1,2]'],
    ['payload is a string', '{"alg":"RS256"}', '"sub"'],
    ['payload is null', '{"alg":"RS256"}', 'null'],
    ['payload is a number', '{"alg":"RS256"}', '1'],
    ['payload is empty', '{"alg":"RS256"}', ''],
    ['payload with trailing comma', '{"alg":"RS256"}', '{"a":1,}'],
    ['payload with a raw control character', '{"alg":"RS256"}', '{"a":"\u0001"}'],
    ['payload nested 1000 deep', '{"alg":"RS256"}', '{"a":' + '['.repeat(1000) + ']'.repeat(1000) + '}'],
  ])('%s -> JWT_MALFORMED', (_, header, payload) => {
    expect(codeOf(() => verifyJwt(nodeToken(header, payload), pub))).toBe('JWT_MALFORMED');
  });

  it('verifyCompactJws accepts non-JSON payloads (JWS is not JWT)', () => {
    expect(Buffer.from(verifyCompactJws(nodeToken('{"alg":"RS256"}', 'plain text'), pub).payload).toString()).toBe('plain text');
  });

  it('__proto__, constructor and prototype keys stay own data and never touch Object.prototype', () => {
    const payload = '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"prototype":1,"sub":"x"}';
    const header = '{"alg":"RS256","__proto__":{"polluted":true}}';
    const { payload: got, protectedHeader } = verifyJwt(nodeToken(header, payload), pub);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(got)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(protectedHeader)).toBe(Object.prototype);
    expect(Object.prototype.hasOwnProperty.call(got, '__proto__')).toBe(true);
    expect(Object.keys(got)).toEqual(['__proto__', 'constructor', 'prototype', 'sub']);
    expect((got as { polluted?: unknown }).polluted).toBeUndefined();
    // Duplicated __proto__ is still a duplicate.
    expect(codeOf(() => verifyJwt(nodeToken('{"alg":"RS256"}', '{"__proto__":1,"__proto__":2}'), pub))).toBe('JWT_MALFORMED');
  });
});

describe('claims', () => {
  const tok = (claims: object, header: object = { alg: 'RS256', typ: 'JWT' }): string => nodeToken(header, claims);
  const check = (claims: object, options: JwtVerifyOptions, header?: object): unknown => detailsOf(() => verifyJwt(tok(claims, header), pub, { now: T0, ...options }));

  it.each([
    ['exp', { exp: String(T0 + 10) }],
    ['exp', { exp: null }],
    ['nbf', { nbf: true }],
    ['iat', { iat: [T0] }],
    ['iat', { iat: {} }],
    ['iss', { iss: 1 }],
    ['sub', { sub: false }],
    ['aud', { aud: [1] }],
    ['jti', { jti: 7 }],
  ])('non-conforming %s -> CLAIM_INVALID invalid', (claim, claims) => {
    expect(check(claims, {})).toEqual({ code: 'CLAIM_INVALID', claim, reason: 'invalid' });
  });

  it('exp and nbf with clockTolerance (jose boundaries)', () => {
    expect(check({ exp: T0 }, {})).toEqual({ code: 'JWT_EXPIRED', claim: 'exp', reason: 'check_failed' });
    expect(check({ exp: T0 + 1 }, {})).toBe('ok');
    expect(check({ exp: T0 - 5 }, { clockTolerance: 6 })).toBe('ok');
    expect(check({ exp: T0 - 5 }, { clockTolerance: '5s' })).toEqual({ code: 'JWT_EXPIRED', claim: 'exp', reason: 'check_failed' });
    expect(check({ nbf: T0 + 1 }, {})).toEqual({ code: 'JWT_NOT_YET_VALID', claim: 'nbf', reason: 'check_failed' });
    expect(check({ nbf: T0 }, {})).toBe('ok');
    expect(check({ nbf: T0 + 60 }, { clockTolerance: '1m' })).toBe('ok');
  });

  it('currentDate wins over now, and a clock function works', () => {
    expect(check({ exp: T0 + 10 }, { currentDate: new Date((T0 + 20) * 1000) })).toMatchObject({ code: 'JWT_EXPIRED' });
    expect(check({ exp: T0 + 10 }, { now: () => T0 + 5 })).toBe('ok');
  });

  it('iss, sub, aud', () => {
    expect(check({ iss: 'a' }, { issuer: 'a' })).toBe('ok');
    expect(check({ iss: 'a' }, { issuer: ['b', 'a'] })).toBe('ok');
    expect(check({ iss: 'a' }, { issuer: 'b' })).toEqual({ code: 'CLAIM_INVALID', claim: 'iss', reason: 'check_failed' });
    expect(check({}, { issuer: 'b' })).toEqual({ code: 'CLAIM_INVALID', claim: 'iss', reason: 'missing' });
    expect(check({ sub: 's' }, { subject: 's' })).toBe('ok');
    expect(check({ sub: 's' }, { subject: 't' })).toEqual({ code: 'CLAIM_INVALID', claim: 'sub', reason: 'check_failed' });
    expect(check({ aud: ['x', 'y'] }, { audience: 'y' })).toBe('ok');
    expect(check({ aud: 'y' }, { audience: ['z', 'y'] })).toBe('ok');
    expect(check({ aud: ['x'] }, { audience: 'y' })).toEqual({ code: 'CLAIM_INVALID', claim: 'aud', reason: 'check_failed' });
    expect(check({}, { audience: 'y' })).toEqual({ code: 'CLAIM_INVALID', claim: 'aud', reason: 'missing' });
  });

  it('typ, compared like jose', () => {
    expect(check({}, { typ: 'JWT' })).toBe('ok');
    expect(check({}, { typ: 'application/jwt' })).toBe('ok');
    expect(check({}, { typ: 'at+jwt' })).toEqual({ code: 'CLAIM_INVALID', claim: 'typ', reason: 'check_failed' });
    expect(check({}, { typ: 'JWT' }, { alg: 'RS256' })).toEqual({ code: 'CLAIM_INVALID', claim: 'typ', reason: 'check_failed' });
  });

  it('requiredClaims and maxTokenAge', () => {
    expect(check({ a: 1 }, { requiredClaims: ['a'] })).toBe('ok');
    expect(check({ a: 1 }, { requiredClaims: ['a', 'jti'] })).toEqual({ code: 'CLAIM_INVALID', claim: 'jti', reason: 'missing' });
    expect(check({}, { maxTokenAge: 60 })).toEqual({ code: 'CLAIM_INVALID', claim: 'iat', reason: 'missing' });
    expect(check({ iat: T0 - 60 }, { maxTokenAge: '1m' })).toBe('ok');
    expect(check({ iat: T0 - 61 }, { maxTokenAge: '1m' })).toEqual({ code: 'JWT_EXPIRED', claim: 'iat', reason: 'check_failed' });
    expect(check({ iat: T0 + 30 }, { maxTokenAge: '1m' })).toEqual({ code: 'CLAIM_INVALID', claim: 'iat', reason: 'check_failed' });
    expect(check({ iat: T0 + 30 }, { maxTokenAge: '1m', clockTolerance: 30 })).toBe('ok');
  });

  it('claims are checked only after the signature', () => {
    const t = tok({ exp: T0 - 100 });
    expect(codeOf(() => verifyJwt(t, otherPriv, { now: T0 }))).toBe('SIGNATURE_INVALID');
  });

  it('bad options are INVALID_ARGUMENT', () => {
    expect(check({}, { clockTolerance: -1 })).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(check({}, { maxTokenAge: '5 fortnights' })).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(check({}, { currentDate: new Date(NaN) })).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(codeOf(() => verifyJwt(tok({}), {} as never))).toBe('INVALID_ARGUMENT');
  });
});

describe('verifyJwtAsync with a key lookup', () => {
  const keys = new Map([
    ['k1', pub],
    ['k2', otherPriv.publicKey],
  ]);
  it('picks the key by kid', async () => {
    const t1 = signJwt({ a: 1 }, priv, { kid: 'k1', now: T0 });
    const t2 = signJwt({ a: 2 }, otherPriv, { kid: 'k2', now: T0 });
    await expect(verifyJwtAsync(t1, async ({ kid }) => keys.get(kid!), { now: T0 })).resolves.toMatchObject({ payload: { a: 1 } });
    await expect(verifyJwtAsync(t2, ({ kid }) => keys.get(kid!), { now: T0 })).resolves.toMatchObject({ payload: { a: 2 } });
    const swapped = signJwt({ a: 3 }, otherPriv, { kid: 'k1', now: T0 });
    await expect(verifyJwtAsync(swapped, ({ kid }) => keys.get(kid!))).rejects.toMatchObject({ code: 'SIGNATURE_INVALID' });
    await expect(verifyJwtAsync(t1, pub, { now: T0 })).resolves.toMatchObject({ payload: { a: 1 } });
  });
  it('unknown kid -> UNKNOWN_KEY; a throwing lookup -> LOOKUP_FAILED; alg none never reaches the lookup', async () => {
    const t = signJwt({}, priv, { kid: 'nope' });
    await expect(verifyJwtAsync(t, () => null)).rejects.toMatchObject({ code: 'UNKNOWN_KEY', details: { kid: 'nope' } });
    await expect(verifyJwtAsync(t, () => Promise.reject(new Error('db down')))).rejects.toMatchObject({ code: 'LOOKUP_FAILED' });
    const lookup = vi.fn(() => pub);
    await expect(verifyJwtAsync(`${b64u('{"alg":"none","kid":"k1"}')}.${b64u('{}')}.`, lookup)).rejects.toMatchObject({ code: 'ALG_NOT_ALLOWED' });
    expect(lookup).not.toHaveBeenCalled();
  });
});

describe('decodeJwt / decodeProtectedHeader', () => {
  it('reads claims and header without a key', () => {
    const t = signJwt({ a: 1 }, priv, { now: T0, expiresIn: 60, kid: 'k' });
    expect(decodeJwt(t)).toEqual({ a: 1, iat: T0, exp: T0 + 60 });
    expect(decodeProtectedHeader(t)).toEqual({ alg: 'RS256', kid: 'k', typ: 'JWT' });
  });
  it('non-numeric exp is CLAIM_INVALID, garbage is JWT_MALFORMED', () => {
    expect(detailsOf(() => decodeJwt(nodeToken({ alg: 'RS256' }, { exp: '1' })))).toEqual({ code: 'CLAIM_INVALID', claim: 'exp', reason: 'invalid' });
    expect(codeOf(() => decodeJwt('a.b.c'))).toBe('JWT_MALFORMED');
    expect(codeOf(() => decodeJwt(42 as never))).toBe('JWT_MALFORMED');
  });
});

describe('signJwt', () => {
  it('sets iat, exp, nbf, iss, aud, sub, jti; options override the payload', () => {
    const t = signJwt({ iss: 'payload', x: 1 }, priv, { now: T0 + 0.9, expiresIn: '2h', notBefore: 0, issuer: 'opt', audience: ['a', 'b'], subject: 's', jwtId: 'j', typ: null });
    expect(decodeJwt(t)).toEqual({ iss: 'opt', x: 1, iat: T0, exp: T0 + 7200, nbf: T0, sub: 's', jti: 'j', aud: ['a', 'b'] });
    expect(decodeProtectedHeader(t)).toEqual({ alg: 'RS256' });
  });
  it('refuses non-object payloads, non-numeric time claims and non-keys', () => {
    expect(codeOf(() => signJwt([] as never, priv))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => signJwt(new Date() as never, priv))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => signJwt({ exp: '1' } as never, priv))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => signJwt({ iat: 'x' } as never, priv))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => signJwt({ big: 1n } as never, priv))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => signJwt({}, pub as never))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => signJwt({}, priv, { expiresIn: 'soon' }))).toBe('INVALID_ARGUMENT');
  });
});

describe('hostile input only ever throws HostsigError', () => {
  const onlyTyped = (f: () => unknown): void => {
    try {
      f();
    } catch (e) {
      if (!isHostsigError(e)) throw e;
    }
  };
  it('arbitrary strings and values', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.anything()), (x) => {
        onlyTyped(() => verifyJwt(x as string, pub));
        onlyTyped(() => decodeJwt(x as string));
        onlyTyped(() => decodeProtectedHeader(x as string));
      }),
      { numRuns: 1000 },
    );
  });
  it('three base64url parts of random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), fc.uint8Array({ maxLength: 80 }), fc.uint8Array({ maxLength: 300 }), (h, p, s) => {
        const t = `${Buffer.from(h).toString('base64url')}.${Buffer.from(p).toString('base64url')}.${Buffer.from(s).toString('base64url')}`;
        onlyTyped(() => verifyJwt(t, pub));
        onlyTyped(() => decodeJwt(t));
      }),
      { numRuns: 500 },
    );
  });
  it('validly signed tokens with arbitrary JSON header and claims', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), fc.boolean(), (hExtra, claims, rs) => {
        const header = rs && typeof hExtra === 'object' && hExtra !== null && !Array.isArray(hExtra) ? { ...hExtra, alg: 'RS256' } : hExtra;
        const t = nodeToken(JSON.stringify(header), JSON.stringify(claims));
        onlyTyped(() => verifyJwt(t, pub, { now: T0, issuer: 'i', audience: 'a', maxTokenAge: 60, typ: 'JWT' }));
        onlyTyped(() => verifyJwt(t, pub));
      }),
      { numRuns: 60 },
    );
  });
});
