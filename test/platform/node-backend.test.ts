// The node:crypto backend (useNodeCrypto from hostsig/node) vs the pure path: with it registered,
// rsaVerify, rsaSign, verifyJwt, signJwt, sha256, hmacSha256 and every scheme on them must give the
// pure results on the same inputs (the vectors, Wycheproof, RFC 4231, fast-check mutations).
// The registered backends are wrapped in transparent counters, so every case also checks that
// OpenSSL really answered (a backend that declines would let the pure path pass for it).
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activeHashBackend, hashBackend, registerHashBackend } from '../../src/core/backend.js';
import { bytesToHex, hexToBytes, utf8ToBytes } from '../../src/core/bytes.js';
import { hmacSha256, sha256, verifyHmacSha256 } from '../../src/core/hmac.js';
import { signCompactJws, signJwt, verifyJwt, verifyJwtAsync } from '../../src/jwt/index.js';
import { useNodeCrypto, usePureCrypto } from '../../src/node/index.js';
import { activeRsaBackend, registerRsaBackend } from '../../src/rsa/backend.js';
import { rsaBackend, rsaSign, rsaVerify, rsaVerifyAsync } from '../../src/rsa/index.js';
import { verifyHostBillBearer } from '../../src/schemes/hostbill/index.js';
import { bearerCorpus, expectedCounts, inRange, jwtCorpus, outcome, outcomeAsync, pureWithReach, rsaCorpus, underPure, vectorPrivateKey } from '../helpers/differential.js';
import { nodePropertyKeys } from '../helpers/node-keys.js';
import { describeHostDimeVectors, describeSixConnectVectors, hostkeyRunners, whmRunners } from '../helpers/scheme-vectors.js';
import { checkJwtProperty, checkRsaProperty, type PathUnderTest, type PropertyKey, view } from '../helpers/signature-mutations.js';
import { describeVectorFile } from '../helpers/vector-file.js';
import { loadVectors, loadWycheproof } from '../helpers/wycheproof.js';

const counts = { verify: 0, verifyDeclined: 0, sign: 0, signDeclined: 0, sha256: 0, hmac: 0 };
let keys: PropertyKey[] = [];

beforeAll(async () => {
  expect(useNodeCrypto()).toEqual({ hash: 'node:crypto', rsa: 'node:crypto' });
  expect(rsaBackend()).toBe('node:crypto');
  expect(hashBackend()).toBe('node:crypto');
  // Count what the registered backends answer; the answers themselves are passed through.
  const rsa = activeRsaBackend()!;
  const hash = activeHashBackend()!;
  registerRsaBackend({
    name: rsa.name,
    verify(key, message, signature) {
      const r = rsa.verify(key, message, signature);
      if (r === undefined) counts.verifyDeclined++;
      else counts.verify++;
      return r;
    },
    sign(key, message) {
      const r = rsa.sign(key, message);
      if (r === undefined) counts.signDeclined++;
      else counts.sign++;
      return r;
    },
  });
  registerHashBackend({ name: hash.name, sha256: (m) => (counts.sha256++, hash.sha256(m)), hmacSha256: (k, m) => (counts.hmac++, hash.hmacSha256(k, m)) });
  keys = await nodePropertyKeys([2048, 4096]);
}, 120_000);

afterAll(() => {
  expect(usePureCrypto()).toEqual({ hash: 'noble', rsa: 'pure' });
});

describe('RSA and JWT on node:crypto = pure', () => {
  it('both backends say node:crypto while registered', () => {
    expect({ rsa: rsaBackend(), hash: hashBackend() }).toEqual({ rsa: 'node:crypto', hash: 'node:crypto' });
    expect(underPure(() => ({ rsa: rsaBackend(), hash: hashBackend() }))).toEqual({ rsa: 'pure', hash: 'noble' });
  });

  it('rsaVerify on every Wycheproof rsa_signature_{2048,3072,4096}_sha256 case and every token signature; OpenSSL answers every in-range one', async () => {
    const cases = rsaCorpus();
    const failures: string[] = [];
    let wycheproof = 0;
    for (const c of cases) {
      const want = underPure(() => rsaVerify(c.key, c.msg, c.sig));
      if (c.expected !== undefined) {
        wycheproof++;
        if (want !== c.expected) failures.push(`${c.label}: pure says ${want}, the document ${c.expected}`);
      }
      const before = { ...counts };
      const got = rsaVerify(c.key, c.msg, c.sig);
      if (got !== want) failures.push(`${c.label}: node:crypto ${got}, pure ${want}`);
      const asked = counts.verify - before.verify;
      if (asked !== (inRange(c.key.n, c.sig) ? 1 : 0)) failures.push(`${c.label}: OpenSSL answered ${asked} times`);
      if (counts.verifyDeclined !== before.verifyDeclined) failures.push(`${c.label}: node:crypto declined`);
      // rsaVerifyAsync keeps preferring Web Crypto, with the same answer.
      if ((await rsaVerifyAsync(c.key, c.msg, c.sig)) !== want) failures.push(`${c.label}: rsaVerifyAsync differs`);
    }
    expect(failures).toEqual([]);
    expect(wycheproof).toBe(expectedCounts().wycheproofRsa);
    expect(counts.verify).toBeGreaterThan(cases.length * 0.9);
  });

  it('verifyJwt on every jwt-rs256.json, hostbill.json bearer and Wycheproof json_web_signature case', async () => {
    const failures: string[] = [];
    for (const c of jwtCorpus()) {
      const { value: want, reached } = pureWithReach(() => outcome(() => verifyJwt(c.token as string, c.key, c.options)));
      const before = counts.verify;
      const got = outcome(() => verifyJwt(c.token as string, c.key, c.options));
      if (JSON.stringify(got) !== JSON.stringify(want)) failures.push(`${c.label}: node:crypto ${JSON.stringify(got).slice(0, 100)}, pure ${JSON.stringify(want).slice(0, 100)}`);
      else expect(got).toEqual(want);
      if (counts.verify - before !== reached) failures.push(`${c.label}: OpenSSL answered ${counts.verify - before} times, expected ${reached}`);
      const viaAsync = await outcomeAsync(() => verifyJwtAsync(c.token as string, c.key, c.options));
      if (JSON.stringify(viaAsync) !== JSON.stringify(want)) failures.push(`${c.label}: verifyJwtAsync differs`);
    }
    expect(failures).toEqual([]);
  });

  it('verifyHostBillBearer on every hostbill.json bearer case', () => {
    for (const c of bearerCorpus()) {
      const want = underPure(() => verifyHostBillBearer(c.authorization, c.key, c.options));
      expect(want.ok ? 'ok' : want.code, c.label).toBe(c.expected);
      expect(verifyHostBillBearer(c.authorization, c.key, c.options), c.label).toEqual(want);
    }
  });

  describe('fast-check on fresh 2048/4096-bit keys, valid and mutated signatures', () => {
    const nodePath: PathUnderTest = {
      rsa: rsaVerify,
      jwt: async (token, key) => outcome(() => verifyJwt(token, key)),
      platformCalls: () => counts.verify,
    };
    it('rsaVerify gives the pure verdict', async () => {
      await checkRsaProperty(keys, nodePath, 300);
    });
    it('verifyJwt gives the pure outcome', async () => {
      await checkJwtProperty(keys, nodePath, 200);
    });
  });

  it('rsaSign is the pure signature byte for byte (2048, 3072 with e = 3, 4096 bits), answered by OpenSSL', () => {
    const priv = ['keys/rsa2048.pkcs1.pem', 'keys/rsa3072e3.pkcs8.pem', 'keys/hostbill4096.key'].map(vectorPrivateKey);
    const before = counts.sign;
    let runs = 0;
    fc.assert(
      fc.property(fc.nat({ max: priv.length - 1 }), fc.uint8Array({ maxLength: 300 }), (i, msg) => {
        const key = priv[i]!;
        const want = underPure(() => rsaSign(key, msg));
        expect(bytesToHex(rsaSign(key, msg))).toBe(bytesToHex(want));
        runs++;
      }),
      { numRuns: 30 },
    );
    expect(counts.sign - before).toBe(runs);
    expect(counts.signDeclined).toBe(0);
  });

  it('signCompactJws gives every jwt-rs256.json sign case\'s token; signJwt the pure token', () => {
    const cases = loadVectors<{ testGroups: { type: string; tests: any[] }[] }>('jwt-rs256.json').testGroups.filter((g) => g.type === 'JwtRs256Sign').flatMap((g) => g.tests);
    const before = counts.sign;
    for (const t of cases) expect(signCompactJws(t.input.header, t.input.payload, vectorPrivateKey(t.input.key)), `#${t.tcId}`).toBe(t.output.token);
    expect(counts.sign - before).toBe(cases.length);
    const key = vectorPrivateKey('keys/rsa2048.pkcs1.pem');
    const opts = { now: 1_700_000_000, expiresIn: '15m', kid: 'k1', issuer: 'https://billing.example' } as const;
    expect(signJwt({ sub: 'a', 'é': '😀' }, key, opts)).toBe(underPure(() => signJwt({ sub: 'a', 'é': '😀' }, key, opts)));
  });
});

describe('SHA-256 and HMAC-SHA256 on node:crypto', () => {
  const wp = loadWycheproof('hmac_sha256_test.json');

  it.skipIf(!wp)('Wycheproof hmac_sha256_test.json: every tag verdict, and every MAC equal to the pure one', () => {
    const before = counts.hmac;
    let n = 0;
    for (const g of wp.testGroups) {
      for (const t of g.tests) {
        const [key, msg, tag] = [hexToBytes(t.key), hexToBytes(t.msg), hexToBytes(t.tag)];
        expect(verifyHmacSha256(key, msg, tag, g.tagSize / 8), `tcId ${t.tcId}`).toBe(t.result === 'valid');
        expect(bytesToHex(hmacSha256(key, msg)), `tcId ${t.tcId}`).toBe(bytesToHex(underPure(() => hmacSha256(key, msg))));
        n++;
      }
    }
    expect(n).toBe(wp.numberOfTests);
    expect(counts.hmac - before).toBe(2 * n);
  });

  it('RFC 4231 section 4 test cases 1 to 7 through hmacSha256', () => {
    const aa = 'aa'.repeat(131);
    const hex = (s: string) => bytesToHex(utf8ToBytes(s));
    // [key, data, HMAC-SHA-256] in hex, from RFC 4231 (case 5 is truncated to 128 bits there).
    const cases: [string, string, string][] = [
      ['0b'.repeat(20), hex('Hi There'), 'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7'],
      [hex('Jefe'), hex('what do ya want for nothing?'), '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843'],
      ['aa'.repeat(20), 'dd'.repeat(50), '773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe'],
      ['0102030405060708090a0b0c0d0e0f10111213141516171819', 'cd'.repeat(50), '82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b'],
      ['0c'.repeat(20), hex('Test With Truncation'), 'a3b6167473100ee06e0c796c2955552b'],
      [aa, hex('Test Using Larger Than Block-Size Key - Hash Key First'), '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54'],
      [
        aa,
        hex('This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.'),
        '9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2',
      ],
    ];
    const before = counts.hmac;
    for (const [i, [k, d, mac]] of cases.entries()) {
      expect(bytesToHex(hmacSha256(hexToBytes(k), hexToBytes(d))).slice(0, mac.length), `test case ${i + 1}`).toBe(mac);
    }
    expect(counts.hmac - before).toBe(cases.length);
  });

  it('sha256 and hmacSha256 equal the pure ones on arbitrary bytes (empty, one block, several)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.uint8Array({ maxLength: 200 }), fc.nat({ max: 7 }), (m, k, offset) => {
        // (the inputs also as views into larger buffers)
        const [vm, vk] = [view(m, offset), view(k, offset)];
        expect(bytesToHex(sha256(vm))).toBe(bytesToHex(underPure(() => sha256(m))));
        expect(bytesToHex(hmacSha256(vk, vm))).toBe(bytesToHex(underPure(() => hmacSha256(k, m))));
        expect(bytesToHex(hmacSha256(vk, vm))).toBe(createHmac('sha256', k).update(m).digest('hex'));
      }),
    );
  });
});

// The scheme vector files, run by their own runners with the hash backend registered; each
// file's cases must have hashed through it.
function throughNodeHashes(name: string, run: () => void): void {
  describe(`${name} with the node:crypto hash backend`, () => {
    let before = 0;
    beforeAll(() => {
      before = counts.sha256 + counts.hmac;
    });
    run();
    it('hashed through node:crypto', () => {
      expect(hashBackend()).toBe('node:crypto');
      expect(counts.sha256 + counts.hmac - before).toBeGreaterThan(0);
    });
  });
}
throughNodeHashes('vectors/hostdime.json', describeHostDimeVectors);
throughNodeHashes('vectors/sixconnect.json', describeSixConnectVectors);
throughNodeHashes('vectors/whm.json', () => describeVectorFile('whm.json', 'whm', whmRunners));
throughNodeHashes('vectors/hostkey.json', () => describeVectorFile('hostkey.json', 'hostkey', hostkeyRunners));
