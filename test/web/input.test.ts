/**
 * The page's JWT finder and splitter (src/web/input.ts) behind the token-in-colour view:
 * one pass over any paste, parts exactly as written, decoding that never throws.
 */
import { generateKeyPairSync } from 'node:crypto';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { findJwt, jwtView } from '../../src/web/input.js';

describe('findJwt / jwtView', () => {
  it('finds a jose-signed token in a header, a request, or alone, and splits it as written', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwt = await new SignJWT({ sub: 'c1', n: 1 }).setProtectedHeader({ alg: 'RS256', kid: 'k' }).sign(privateKey);
    for (const text of [jwt, `Authorization: Bearer ${jwt}`, `GET /x HTTP/1.1\nHost: h\nAuthorization: Bearer ${jwt}\n\n`, `  ${jwt}\n`]) expect(findJwt(text)).toBe(jwt);
    const v = jwtView(jwt)!;
    expect([v.header, v.payload, v.signature].join('.')).toBe(jwt);
    expect(JSON.parse(v.headerJson)).toEqual({ alg: 'RS256', kid: 'k' });
    expect(JSON.parse(v.payloadJson)).toEqual({ sub: 'c1', n: 1 });
  });

  it('nothing JWT-shaped: undefined; bad parts decode to a note, never a throw', () => {
    for (const text of ['', 'whm root:TOKEN', 'eyJ.only-one-dot', 'a.b.c', 'eyJa.b.c.d', 'Basic dXNlcjpwYXNz']) expect(findJwt(text)).toBeUndefined();
    expect(jwtView('a.b')).toBeUndefined();
    const v = jwtView('eyJ!!.%%%.x')!;
    expect(v.headerJson).toMatch(/does not decode/);
    expect(v.payloadJson).toMatch(/does not decode/);
    const p = jwtView(`eyJhbGciOiJub25lIn0.${Buffer.from('{"__proto__":{"polluted":1}}').toString('base64url')}.`)!;
    expect(JSON.parse(p.payloadJson)).toEqual(JSON.parse('{"__proto__":{"polluted":1}}'));
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it('one pass: 10x the hostile input takes < 40x the time (best of 3)', () => {
    for (const make of [(n: number) => 'eyJ.'.repeat(n), (n: number) => 'eyJa.b'.repeat(n), (n: number) => 'a'.repeat(n * 4)]) {
      const time = (n: number) => {
        const text = make(n);
        let best = Infinity;
        for (let i = 0; i < 3; i++) {
          const t = performance.now();
          findJwt(text);
          best = Math.min(best, performance.now() - t);
        }
        return Math.max(best, 0.05);
      };
      expect(time(50_000) / time(5_000)).toBeLessThan(40);
    }
  });
});
