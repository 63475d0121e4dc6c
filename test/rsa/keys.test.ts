import { createPrivateKey, createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { base64ToBytes, bytesToBase64, utf8ToBytes } from '../../src/core/bytes.js';
import { isHostsigError } from '../../src/core/errors.js';
import {
  exportPublicJwk,
  exportSpkiDer,
  exportSpkiPem,
  importPrivateKey,
  importPublicKey,
  isRsaPublicKey,
  jwkThumbprint,
  rsaPrivateKey,
  rsaSign,
  rsaVerify,
} from '../../src/rsa/index.js';
import { REPO_ROOT } from '../helpers/wycheproof.js';
import { codeOf } from '../helpers/codes.js';

const keyFile = (name: string): string => readFileSync(join(REPO_ROOT, 'vectors', 'keys', name), 'utf8');
const keyBytes = (name: string): Uint8Array => new Uint8Array(readFileSync(join(REPO_ROOT, 'vectors', 'keys', name)));

/** The oracle: node's view of the 2048-bit test key, as a JWK. */
const nodeJwk = createPrivateKey(keyFile('rsa2048.pkcs8.pem')).export({ format: 'jwk' }) as Record<string, string>;
const b64uToBig = (s: string): bigint => BigInt('0x' + Buffer.from(s, 'base64url').toString('hex'));

describe('key import: every format gives the same numbers as node:crypto', () => {
  const n = b64uToBig(nodeJwk.n!);
  const e = b64uToBig(nodeJwk.e!);

  it.each([
    ['PKCS#1 private PEM', () => importPrivateKey(keyFile('rsa2048.pkcs1.pem'))],
    ['PKCS#8 private PEM', () => importPrivateKey(keyFile('rsa2048.pkcs8.pem'))],
    ['PKCS#1 private DER', () => importPrivateKey(keyBytes('rsa2048.pkcs1.der'))],
    ['PKCS#8 private DER', () => importPrivateKey(keyBytes('rsa2048.pkcs8.der'))],
    ['private JWK object', () => importPrivateKey(nodeJwk)],
    ['private JWK text', () => importPrivateKey(JSON.stringify(nodeJwk))],
    ['PKCS#1 PEM file read as bytes', () => importPrivateKey(keyBytes('rsa2048.pkcs1.pem'))],
  ])('%s', (_, load) => {
    const k = load();
    expect(k.n).toBe(n);
    expect(k.e).toBe(e);
    expect(k.d).toBe(b64uToBig(nodeJwk.d!));
    expect(k.p).toBe(b64uToBig(nodeJwk.p!));
    expect(k.qi).toBe(b64uToBig(nodeJwk.qi!));
    expect(k.bits).toBe(2048);
    expect(k.size).toBe(256);
  });

  it.each([
    ['SPKI PEM', () => importPublicKey(keyFile('rsa2048.spki.pem'))],
    ['SPKI DER', () => importPublicKey(keyBytes('rsa2048.spki.der'))],
    ['PKCS#1 public PEM', () => importPublicKey(keyFile('rsa2048.pkcs1pub.pem'))],
    ['PKCS#1 public DER', () => importPublicKey(keyBytes('rsa2048.pkcs1pub.der'))],
    ['public JWK', () => importPublicKey({ kty: 'RSA', n: nodeJwk.n, e: nodeJwk.e })],
    ['ssh-rsa line', () => importPublicKey(keyFile('rsa2048.ssh.pub'))],
    ['ssh-rsa line read as bytes', () => importPublicKey(keyBytes('rsa2048.ssh.pub'))],
    ['private PEM given to importPublicKey', () => importPublicKey(keyFile('rsa2048.pkcs1.pem'))],
  ])('%s', (_, load) => {
    const k = load();
    expect(isRsaPublicKey(k)).toBe(true);
    expect(k.n).toBe(n);
    expect(k.e).toBe(e);
  });

  it('reads the ssh-keygen -m PEM 4096-bit key HostBill uses, and its .pub line', () => {
    const priv = importPrivateKey(keyFile('hostbill4096.key'));
    const pub = importPublicKey(keyFile('hostbill4096.key.pub'));
    expect(priv.bits).toBe(4096);
    expect(pub.n).toBe(priv.n);
    expect(importPublicKey(keyFile('hostbill4096.spki.pem')).n).toBe(priv.n);
  });

  it('accepts e = 3 (odd, >= 3)', () => {
    const k = importPrivateKey(keyFile('rsa3072e3.pkcs8.pem'));
    expect(k.e).toBe(3n);
    expect(rsaVerify(k.publicKey, utf8ToBytes('x'), rsaSign(k, utf8ToBytes('x')))).toBe(true);
  });
});

describe('key export', () => {
  it('SPKI PEM and DER are byte-equal to OpenSSL output', () => {
    const k = importPrivateKey(keyFile('rsa2048.pkcs1.pem'));
    expect(exportSpkiPem(k)).toBe(keyFile('rsa2048.spki.pem'));
    expect(exportSpkiDer(k.publicKey)).toEqual(keyBytes('rsa2048.spki.der'));
  });
  it('JWK matches node:crypto, never carries d', () => {
    const k = importPrivateKey(keyFile('rsa2048.pkcs1.pem'));
    expect(exportPublicJwk(k)).toEqual({ kty: 'RSA', n: nodeJwk.n, e: nodeJwk.e });
    expect(exportPublicJwk(k, { kid: 'k1', withAlg: true })).toEqual({ kty: 'RSA', n: nodeJwk.n, e: nodeJwk.e, kid: 'k1', alg: 'RS256', use: 'sig' });
    expect(JSON.stringify(Object.keys(k))).not.toContain('"d"');
  });
  it('RFC 7638 thumbprint of the RFC 7638 section 3.1 key', () => {
    const n =
      '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw';
    const key = importPublicKey({ kty: 'RSA', n, e: 'AQAB', alg: 'RS256', kid: '2011-04-29' });
    expect(jwkThumbprint(key)).toBe('NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs');
  });
});

describe('key import refuses what it must, with a named code', () => {
  it.each([
    ['1024-bit key', () => importPrivateKey(keyFile('bad-rsa1024.pem')), 'KEY_TOO_SMALL'],
    ['1024-bit public key', () => importPublicKey(createPublicKey(keyFile('bad-rsa1024.pem')).export({ type: 'spki', format: 'pem' }) as string), 'KEY_TOO_SMALL'],
    ['encrypted PKCS#1 (Proc-Type)', () => importPrivateKey(keyFile('bad-encrypted-pkcs1.pem')), 'KEY_FORMAT_UNSUPPORTED'],
    ['ENCRYPTED PRIVATE KEY', () => importPrivateKey(keyFile('bad-encrypted-pkcs8.pem')), 'KEY_FORMAT_UNSUPPORTED'],
    ['EC private key', () => importPrivateKey(keyFile('bad-ec.pem')), 'KEY_FORMAT_UNSUPPORTED'],
    ['EC SPKI', () => importPublicKey(keyFile('bad-ec.spki.pem')), 'KEY_FORMAT_UNSUPPORTED'],
    ['Ed25519 PKCS#8', () => importPrivateKey(keyFile('bad-ed25519.pem')), 'KEY_FORMAT_UNSUPPORTED'],
    ['RSA-PSS PKCS#8', () => importPrivateKey(keyFile('bad-rsapss.pem')), 'KEY_FORMAT_UNSUPPORTED'],
    ['OpenSSH private format', () => importPrivateKey(keyFile('bad-openssh')), 'KEY_FORMAT_UNSUPPORTED'],
    ['ssh-ed25519 line', () => importPublicKey(keyFile('bad-ed25519-ssh.pub')), 'KEY_FORMAT_UNSUPPORTED'],
    ['EC JWK', () => importPublicKey({ kty: 'EC', crv: 'P-256', x: 'AA', y: 'AA' }), 'KEY_FORMAT_UNSUPPORTED'],
    ['oct JWK', () => importPublicKey({ kty: 'oct', k: 'AAAA' }), 'KEY_FORMAT_UNSUPPORTED'],
    ['public key to importPrivateKey', () => importPrivateKey(keyFile('rsa2048.spki.pem')), 'KEY_INVALID'],
    ['JWK with alg PS256', () => importPublicKey({ kty: 'RSA', n: nodeJwk.n, e: nodeJwk.e, alg: 'PS256' }), 'ALG_NOT_ALLOWED'],
    ['JWK with use enc', () => importPublicKey({ kty: 'RSA', n: nodeJwk.n, e: nodeJwk.e, use: 'enc' }), 'KEY_INVALID'],
    ['JWK key_ops without verify', () => importPublicKey({ kty: 'RSA', n: nodeJwk.n, e: nodeJwk.e, key_ops: ['encrypt'] }), 'KEY_INVALID'],
    ['JWK n padded', () => importPublicKey({ kty: 'RSA', n: nodeJwk.n + '=', e: nodeJwk.e }), 'KEY_INVALID'],
    ['JWK n with leading zero', () => importPublicKey({ kty: 'RSA', n: Buffer.concat([Buffer.from([0]), Buffer.from(nodeJwk.n!, 'base64url')]).toString('base64url'), e: nodeJwk.e }), 'KEY_INVALID'],
    ['JWK e = 1', () => importPublicKey({ kty: 'RSA', n: nodeJwk.n, e: 'AQ' }), 'KEY_INVALID'],
    ['JWK e even', () => importPublicKey({ kty: 'RSA', n: nodeJwk.n, e: 'AQAA' }), 'KEY_INVALID'],
    ['private JWK without CRT', () => importPrivateKey({ kty: 'RSA', n: nodeJwk.n, e: nodeJwk.e, d: nodeJwk.d }), 'KEY_FORMAT_UNSUPPORTED'],
    ['private JWK with a wrong dp', () => importPrivateKey({ ...nodeJwk, dp: nodeJwk.dq }), 'KEY_INVALID'],
    ['private JWK with p and q swapped (qi no longer matches)', () => importPrivateKey({ ...nodeJwk, p: nodeJwk.q, q: nodeJwk.p }), 'KEY_INVALID'],
    ['random text', () => importPublicKey('hello'), 'KEY_FORMAT_UNSUPPORTED'],
    ['number', () => importPublicKey(42 as never), 'INVALID_ARGUMENT'],
    ['bytes that are neither DER nor UTF-8', () => importPublicKey(new Uint8Array([0xff, 0xfe])), 'KEY_INVALID'],
  ])('%s -> %s', (_, f, code) => {
    expect(codeOf(f)).toBe(code);
  });

  it('rsaPrivateKey rejects an inconsistent d', () => {
    const k = importPrivateKey(keyFile('rsa2048.pkcs1.pem'));
    expect(codeOf(() => rsaPrivateKey({ n: k.n, e: k.e, d: k.d + 2n, p: k.p, q: k.q, dp: k.dp, dq: k.dq, qi: k.qi }))).toBe('KEY_INVALID');
  });
});

describe('strict DER and PEM', () => {
  const spki = keyBytes('rsa2048.spki.der');
  const pkcs1 = keyBytes('rsa2048.pkcs1.der');

  it('rejects trailing data after the key', () => {
    expect(codeOf(() => importPublicKey(new Uint8Array([...spki, 0])))).toBe('KEY_INVALID');
    expect(codeOf(() => importPrivateKey(new Uint8Array([...pkcs1, 0, 0])))).toBe('KEY_INVALID');
  });
  it('rejects a truncated key and a wrong outer length', () => {
    expect(codeOf(() => importPublicKey(spki.subarray(0, spki.length - 1)))).toBe('KEY_INVALID');
    const wrongLen = spki.slice();
    wrongLen[3] = wrongLen[3]! + 1; // 30 82 01 22 -> 30 82 01 23
    expect(codeOf(() => importPublicKey(wrongLen))).toBe('KEY_INVALID');
  });
  it('rejects a non-minimal length encoding', () => {
    // SPKI starts 30 82 01 22; re-encode as 30 83 00 01 22.
    const bad = new Uint8Array([0x30, 0x83, 0x00, 0x01, 0x22, ...spki.subarray(4)]);
    expect(codeOf(() => importPublicKey(bad))).toBe('KEY_INVALID');
  });
  it('rejects an INTEGER with an extra leading zero and a negative INTEGER', () => {
    // PKCS#1 public: 30 82 01 0a 02 82 01 01 00 <n...> 02 03 01 00 01
    const pub = keyBytes('rsa2048.pkcs1pub.der');
    expect([...pub.subarray(0, 9)]).toEqual([0x30, 0x82, 0x01, 0x0a, 0x02, 0x82, 0x01, 0x01, 0x00]);
    const padded = new Uint8Array([0x30, 0x82, 0x01, 0x0b, 0x02, 0x82, 0x01, 0x02, 0x00, ...pub.subarray(8)]);
    expect(codeOf(() => importPublicKey(padded))).toBe('KEY_INVALID');
    const negative = new Uint8Array([0x30, 0x82, 0x01, 0x09, 0x02, 0x82, 0x01, 0x00, ...pub.subarray(9)]);
    expect(codeOf(() => importPublicKey(negative))).toBe('KEY_INVALID');
    // e with a leading zero: 02 04 00 01 00 01
    const eBad = new Uint8Array([0x30, 0x82, 0x01, 0x0b, ...pub.subarray(4, pub.length - 5), 0x02, 0x04, 0x00, 0x01, 0x00, 0x01]);
    expect(codeOf(() => importPublicKey(eBad))).toBe('KEY_INVALID');
  });
  it('rejects rsaEncryption without NULL parameters', () => {
    // 30 82 01 20 30 0b 06 09 <oid> 03 82 01 0f ... (drop the 05 00)
    const noNull = new Uint8Array([0x30, 0x82, 0x01, 0x20, 0x30, 0x0b, ...spki.subarray(6, 17), ...spki.subarray(19)]);
    expect(codeOf(() => importPublicKey(noNull))).toBe('KEY_INVALID');
  });
  it('rejects PEM with a wrong END label or junk in the body', () => {
    const pem = keyFile('rsa2048.spki.pem');
    expect(codeOf(() => importPublicKey(pem.replace('END PUBLIC', 'END PRIVATE')))).toBe('KEY_INVALID');
    expect(codeOf(() => importPublicKey(pem.replace('\n', '\n!')))).toBe('KEY_INVALID');
    // CRLF line endings are fine.
    expect(importPublicKey(pem.replace(/\n/g, '\r\n')).bits).toBe(2048);
  });
  it('rejects an ssh-rsa blob with trailing bytes or a non-minimal mpint', () => {
    const [type, b64] = keyFile('rsa2048.ssh.pub').trim().split(' ');
    const blob = base64ToBytes(b64!);
    expect(codeOf(() => importPublicKey(`${type} ${bytesToBase64(new Uint8Array([...blob, 0]))}`))).toBe('KEY_INVALID');
    // e is 00 00 00 03 01 00 01 right after the 11-byte type string; make it 00 00 00 04 00 01 00 01.
    expect([...blob.subarray(11, 18)]).toEqual([0, 0, 0, 3, 1, 0, 1]);
    const nonMin = new Uint8Array([...blob.subarray(0, 11), 0, 0, 0, 4, 0, 1, 0, 1, ...blob.subarray(18)]);
    expect(codeOf(() => importPublicKey(`ssh-rsa ${bytesToBase64(nonMin)}`))).toBe('KEY_INVALID');
  });
});

describe('hostile input to the importers only ever throws HostsigError', () => {
  const onlyTyped = (f: () => unknown): void => {
    try {
      f();
    } catch (e) {
      if (!isHostsigError(e)) throw e;
    }
  };
  const pem = keyFile('rsa2048.pkcs1.pem');
  const der = keyBytes('rsa2048.pkcs8.der');
  it('arbitrary strings, bytes and objects', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.uint8Array({ maxLength: 600 }), fc.object(), fc.jsonValue(), fc.constant(null)), (x) => {
        onlyTyped(() => importPublicKey(x as never));
        onlyTyped(() => importPrivateKey(x as never));
      }),
      { numRuns: 500 },
    );
  });
  it('mutated DER and PEM of a real key', () => {
    fc.assert(
      fc.property(fc.nat(der.length - 1), fc.integer({ min: 0, max: 255 }), fc.nat(der.length), (i, v, cut) => {
        const m = der.slice(0, Math.max(cut, i + 1));
        m[i] = v;
        onlyTyped(() => importPrivateKey(m));
        onlyTyped(() => importPublicKey(m));
      }),
      { numRuns: 200 },
    );
    fc.assert(
      fc.property(fc.nat(pem.length - 1), fc.string({ minLength: 1, maxLength: 1 }), (i, c) => {
        onlyTyped(() => importPrivateKey(pem.slice(0, i) + c + pem.slice(i + 1)));
      }),
      { numRuns: 100 },
    );
  });
  it('JWK fields of every type', () => {
    fc.assert(
      fc.property(fc.record({ kty: fc.constantFrom('RSA', 'EC', 1), n: fc.oneof(fc.string(), fc.constant(nodeJwk.n), fc.integer()), e: fc.oneof(fc.string(), fc.constant('AQAB')), d: fc.option(fc.oneof(fc.string(), fc.constant(nodeJwk.d))), p: fc.option(fc.string()) }, { requiredKeys: [] }), (jwk) => {
        onlyTyped(() => importPublicKey(jwk as never));
        onlyTyped(() => importPrivateKey(jwk as never));
      }),
      { numRuns: 300 },
    );
  });
});
