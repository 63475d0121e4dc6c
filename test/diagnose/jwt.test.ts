// The pure JWT diagnosis (src/diagnose/jwt/): what node:crypto recognised for the CLI before,
// TypeScript recognises now, in Node and on the page. Oracles: node:crypto signs the PSS and
// PKCS#1 v1.5 tokens (every salt length, key sizes whose bit length is 1 mod 8), and Buffer's
// forgiving base64 decoder is the reference for the forgiving decoder.
import { constants, createPrivateKey, generateKeyPairSync, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diagnoseJwt } from '../../src/diagnose/index.js';
import { OTHER_RSA_ALGS, rsaAlgHolds } from '../../src/diagnose/jwt/algs.js';
import { looseBase64Bytes } from '../../src/diagnose/jwt/text.js';
import { importPublicKey } from '../../src/rsa/index.js';
import { analyzeHostBill } from '../../src/web/analyze/index.js';
import { REPO_ROOT } from '../helpers/wycheproof.js';

const PUB = readFileSync(join(REPO_ROOT, 'vectors', 'keys', 'rsa2048.spki.pem'), 'utf8');
const b64u = (s: string | Buffer) => Buffer.from(s).toString('base64url');

describe('a token whose header is JSON but no object', () => {
  it.each(['null', '[]', '1', '"RS256"', 'true'])('header %s: a verdict, never a TypeError', (header) => {
    const token = `${b64u(header)}.${b64u('{"sub":"x"}')}.${b64u('sig')}`;
    const rep = diagnoseJwt({ token, keyFile: PUB, options: { now: 1 } });
    expect(rep.correct).toBe(false);
    expect(rep.verdict).toBe('JWT_MALFORMED');
    expect(analyzeHostBill({ request: token, publicKey: PUB, now: 1 }).verdict.status).toBe('invalid');
  });
});

describe('the page and the catalogue agree on any pasted token', () => {
  it('token-like text with the key: the page answers with the code and findings diagnoseJwt gives, never a throw', () => {
    const part = fc.oneof(fc.constantFrom('eyJhbGciOiJSUzI1NiJ9', 'eyJhbGciOiJub25lIn0', 'eyJhbGciOiJIUzI1NiJ9', 'bnVsbA', 'e30', 'eyJleHAiOjB9', '', '\ud800', '=', '+/'), fc.string({ maxLength: 12 }));
    fc.assert(
      fc.property(fc.array(part, { minLength: 1, maxLength: 4 }), (parts) => {
        const token = parts.join('.');
        fc.pre(token.trim() !== '' && !/[\r\n]/.test(token));
        const a = analyzeHostBill({ request: `Authorization: Bearer ${token}`, publicKey: PUB, now: 1 });
        const rep = diagnoseJwt({ token, keyFile: PUB, options: { now: 1, clockTolerance: 0 } });
        expect(a.verdict.code).toBe(rep.verdict);
        expect(a.findings).toEqual(rep.matches);
      }),
      { numRuns: 300 },
    );
  });
});

describe('the forgiving base64 reads what Buffer.from(s, "base64") reads', () => {
  it('any mix of both alphabets, padding and junk', () => {
    const ch = fc.constantFrom(...'ABCXYZabcxyz0189+/-_=', ' ', '\n', '.', '"', 'é', '\ud800');
    fc.assert(
      fc.property(fc.array(ch, { maxLength: 40 }), (cs) => {
        const s = cs.join('');
        expect(Array.from(looseBase64Bytes(s))).toEqual(Array.from(Buffer.from(s, 'base64')));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('RSA algorithms told apart without node:crypto', () => {
  // 2049 and 2050 bits: the PSS encoded message is one byte shorter than the modulus for 2049.
  const keys = [2048, 2049, 2050].map((bits) => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: bits });
    return { bits, privateKey, pub: importPublicKey(publicKey.export({ type: 'spki', format: 'pem' }).toString()) };
  });
  const message = Buffer.from('eyJhbGciOiJQUzI1NiJ9.eyJzdWIiOiJ4In0');

  it.each(keys.map((k) => [k.bits, k] as const))('%i-bit key: each alg holds for its own signature only, PSS at any salt length', (_bits, k) => {
    for (const alg of OTHER_RSA_ALGS) {
      const hLen = alg.hash === 'sha256' ? 32 : alg.hash === 'sha384' ? 48 : 64;
      const salts = alg.pss ? [0, hLen, Math.ceil((k.bits - 1) / 8) - hLen - 2] : [undefined];
      for (const saltLength of salts) {
        const key = saltLength === undefined ? k.privateKey : { key: k.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength };
        const sig = new Uint8Array(sign(alg.hash, message, key));
        for (const other of OTHER_RSA_ALGS) expect(rsaAlgHolds(other, k.pub, message, sig), `${alg.name} salt ${saltLength} as ${other.name}`).toBe(other === alg);
        expect(rsaAlgHolds(alg, k.pub, Buffer.from('other'), sig)).toBe(false);
      }
    }
  });

  it('an RS256 signature is none of them, and a PS256 token is named as PS256', () => {
    const pem = readFileSync(join(REPO_ROOT, 'vectors', 'keys', 'rsa2048.pkcs1.pem'));
    const rs = new Uint8Array(sign('sha256', message, createPrivateKey(pem)));
    const pub = importPublicKey(PUB);
    for (const alg of OTHER_RSA_ALGS) expect(rsaAlgHolds(alg, pub, message, rs)).toBe(false);
    const si = `${b64u('{"alg":"PS256"}')}.${b64u('{"sub":"x"}')}`;
    const ps = sign('sha256', Buffer.from(si), { key: createPrivateKey(pem), padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 17 });
    const rep = diagnoseJwt({ token: `${si}.${ps.toString('base64url')}`, keyFile: PUB, options: { now: 1 } });
    expect(rep.matches).toEqual([expect.objectContaining({ id: 'alg-other', title: 'right key, wrong algorithm: PS256', detail: 'the signature verifies as PS256 under this key' })]);
  });
});
