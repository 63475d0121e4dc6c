// Web Crypto vs the pure path, on every RSA and JWT input the documents give: rsaVerifyAsync,
// verifyJwtAsync, verifyHostBillBearerAsync and HostBillTokenIssuer#verifyBearerAsync must answer
// exactly what rsaVerify, verifyJwt and verifyHostBillBearer answer, and crypto.subtle.verify must
// really run for every case that gets past the shared checks (and never for one that does not).
// Runs in Node (OpenSSL) and in the browser project (Chromium: BoringSSL).
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { signCompactJws, signCompactJwsAsync, verifyJwt, verifyJwtAsync } from '../../src/jwt/index.js';
import { type RsaPublicKey, rsaVerify, rsaVerifyAsync } from '../../src/rsa/index.js';
import { HostBillTokenIssuer, MemoryRefreshTokenStore, verifyHostBillBearer, verifyHostBillBearerAsync } from '../../src/schemes/hostbill/index.js';
import { b64u, bearerCorpus, codeOf, expectedCounts, inRange, jwtCorpus, modulusBytes, outcome, outcomeAsync, pureWithReach, rsaCorpus, toBytes, underPure, vectorPrivateKey } from '../helpers/differential.js';
import { checkJwtProperty, checkRsaProperty, findLeadingZero, type PathUnderTest, type PropertyKey } from '../helpers/signature-mutations.js';
import { loadVectors } from '../helpers/wycheproof.js';

const ALG = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;
const subtle = globalThis.crypto.subtle;
let verifySpy: ReturnType<typeof vi.spyOn>;
const verifyCalls = (): number => verifySpy.mock.calls.length;

beforeAll(() => {
  // A pass-through spy: the real platform answers, the count says it was asked.
  verifySpy = vi.spyOn(subtle, 'verify');
});
afterAll(() => {
  verifySpy.mockRestore();
});

// Whether this platform takes a key at all, asked directly (not through hostsig's cache): a key
// it refuses is the pure path's from the start, so Web Crypto cannot run for it.
const importable = new Map<RsaPublicKey, boolean>();
async function platformTakes(key: RsaPublicKey): Promise<boolean> {
  let ok = importable.get(key);
  if (ok === undefined) {
    const jwk = { kty: 'RSA', n: b64u(toBytes(key.n, modulusBytes(key.n))), e: b64u(toBytes(key.e, modulusBytes(key.e))) };
    ok = await subtle.importKey('jwk', jwk, ALG, true, ['verify']).then(
      () => true,
      () => false,
    );
    importable.set(key, ok);
  }
  return ok;
}

describe('rsaVerifyAsync = rsaVerify', () => {
  it('on every Wycheproof rsa_signature_{2048,3072,4096}_sha256 case and every token signature of the vectors', async () => {
    const cases = rsaCorpus();
    const failures: string[] = [];
    let platformRuns = 0;
    let wycheproof = 0;
    for (const c of cases) {
      const want = underPure(() => rsaVerify(c.key, c.msg, c.sig));
      if (c.expected !== undefined) {
        wycheproof++;
        if (want !== c.expected) failures.push(`${c.label}: pure says ${want}, the document ${c.expected}`);
      }
      const reaches = inRange(c.key.n, c.sig) && (await platformTakes(c.key));
      const before = verifyCalls();
      const got = await rsaVerifyAsync(c.key, c.msg, c.sig);
      const ran = verifyCalls() - before;
      platformRuns += ran;
      if (got !== want) failures.push(`${c.label}: Web Crypto ${got}, pure ${want}`);
      if (ran !== (reaches ? 1 : 0)) failures.push(`${c.label}: crypto.subtle.verify ran ${ran} times, expected ${reaches ? 1 : 0}`);
    }
    expect(failures).toEqual([]);
    expect(wycheproof).toBe(expectedCounts().wycheproofRsa);
    expect(wycheproof).toBeGreaterThan(700);
    // Nearly every case is in range (all but the short and empty signatures): Web Crypto really answered.
    expect(platformRuns).toBeGreaterThan(cases.length * 0.9);
    const refused = [...importable.values()].filter((ok) => !ok).length;
    console.log(`rsaVerifyAsync: ${cases.length} cases (${wycheproof} Wycheproof), ${platformRuns} answered by crypto.subtle.verify, ${refused} of ${importable.size} keys refused by the platform`);
  });
});

describe('verifyJwtAsync = verifyJwt', () => {
  it('on every jwt-rs256.json, hostbill.json bearer and Wycheproof json_web_signature case: same payload and header, or the same code', async () => {
    const cases = jwtCorpus();
    const failures: string[] = [];
    let platformRuns = 0;
    for (const c of cases) {
      const { value: want, reached } = pureWithReach(() => outcome(() => verifyJwt(c.token as string, c.key, c.options)));
      if (c.expected !== undefined && codeOf(want) !== c.expected) failures.push(`${c.label}: pure ${codeOf(want)}, the document ${c.expected}`);
      const reaches = reached === 1 && (await platformTakes(c.key));
      const before = verifyCalls();
      const got = await outcomeAsync(() => verifyJwtAsync(c.token as string, c.key, c.options));
      const ran = verifyCalls() - before;
      platformRuns += ran;
      // The key-lookup form answers alike.
      const viaLookup = await outcomeAsync(() => verifyJwtAsync(c.token as string, async () => c.key, c.options));
      if (JSON.stringify(got) !== JSON.stringify(want)) failures.push(`${c.label}: Web Crypto ${JSON.stringify(got).slice(0, 120)}, pure ${JSON.stringify(want).slice(0, 120)}`);
      else expect(got).toEqual(want);
      if (JSON.stringify(viaLookup) !== JSON.stringify(want)) failures.push(`${c.label} (lookup): ${codeOf(viaLookup)}, pure ${codeOf(want)}`);
      if (ran !== (reaches ? 1 : 0)) failures.push(`${c.label}: crypto.subtle.verify ran ${ran} times, expected ${reaches ? 1 : 0}`);
    }
    expect(failures).toEqual([]);
    const wycheproofJws = cases.filter((c) => c.label.startsWith('Wycheproof JWS')).length;
    expect(wycheproofJws).toBe(expectedCounts().wycheproofJws);
    expect(platformRuns).toBeGreaterThan(200);
    console.log(`verifyJwtAsync: ${cases.length} cases (${wycheproofJws} Wycheproof JWS), ${platformRuns} answered by crypto.subtle.verify`);
  });

  it('signCompactJwsAsync gives every jwt-rs256.json sign case\'s token, through crypto.subtle.sign', async () => {
    const sign = vi.spyOn(subtle, 'sign');
    try {
      const cases = loadVectors<{ testGroups: { type: string; tests: any[] }[] }>('jwt-rs256.json').testGroups.filter((g) => g.type === 'JwtRs256Sign').flatMap((g) => g.tests);
      expect(cases.length).toBeGreaterThan(0);
      for (const t of cases) {
        const key = vectorPrivateKey(t.input.key);
        expect(await signCompactJwsAsync(t.input.header, t.input.payload, key), `#${t.tcId}`).toBe(t.output.token);
      }
      expect(sign).toHaveBeenCalledTimes(cases.length);
      // (and the sync path with the same bytes: the reference)
      const first = cases[0]!;
      expect(underPure(() => signCompactJws(first.input.header, first.input.payload, vectorPrivateKey(first.input.key)))).toBe(first.output.token);
    } finally {
      sign.mockRestore();
    }
  });
});

describe('verifyHostBillBearerAsync = verifyHostBillBearer', () => {
  it('on every hostbill.json bearer case, and through HostBillTokenIssuer#verifyBearerAsync', async () => {
    const cases = bearerCorpus();
    expect(cases.length).toBeGreaterThanOrEqual(10);
    let reaching = 0;
    const before = verifyCalls();
    for (const c of cases) {
      const { value: want, reached } = pureWithReach(() => verifyHostBillBearer(c.authorization, c.key, c.options));
      reaching += reached;
      expect(want.ok ? 'ok' : want.code, c.label).toBe(c.expected);
      expect(await verifyHostBillBearerAsync(c.authorization, c.key, c.options), c.label).toEqual(want);
      const issuer = new HostBillTokenIssuer({ privateKey: c.privateKey, store: new MemoryRefreshTokenStore(), ...(c.options.issuer ? { issuer: c.options.issuer as string } : {}), now: c.options.now });
      const wantIssuer = underPure(() => issuer.verifyBearer(c.authorization));
      expect(wantIssuer, c.label).toEqual(want);
      expect(await issuer.verifyBearerAsync(c.authorization), c.label).toEqual(want);
    }
    // Every token that gets past the header checks reaches the platform, twice (function and issuer).
    expect(reaching).toBeGreaterThanOrEqual(4);
    expect(verifyCalls() - before).toBe(2 * reaching);
  });
});

describe('fast-check on the vector keys: Web Crypto gives the pure verdict on valid and mutated signatures', () => {
  // Signed by crypto.subtle directly (not through hostsig), from the keys' JWK form.
  const keys: PropertyKey[] = [];
  beforeAll(async () => {
    for (const [label, path] of [['rsa2048', 'keys/rsa2048.pkcs1.pem'], ['hostbill4096', 'keys/hostbill4096.key']] as const) {
      const priv = vectorPrivateKey(path);
      const big = (x: bigint) => b64u(toBytes(x, modulusBytes(x)));
      const jwk = { kty: 'RSA', n: big(priv.n), e: big(priv.e), d: big(priv.d), p: big(priv.p), q: big(priv.q), dp: big(priv.dp), dq: big(priv.dq), qi: big(priv.qi) };
      const ck = await subtle.importKey('jwk', jwk, ALG, false, ['sign']);
      const sign = async (m: Uint8Array) => new Uint8Array(await subtle.sign(ALG, ck, m as Uint8Array<ArrayBuffer>));
      keys.push({ label, pub: priv.publicKey, sign, leadingZero: await findLeadingZero(sign, label) });
    }
  }, 60_000);

  const path: PathUnderTest = {
    rsa: rsaVerifyAsync,
    jwt: (token, key) => outcomeAsync(() => verifyJwtAsync(token, key)),
    platformCalls: verifyCalls,
  };

  it('rsaVerifyAsync', async () => {
    await checkRsaProperty(keys, path, 150);
  });

  it('verifyJwtAsync', async () => {
    await checkJwtProperty(keys, path, 100);
  });
});
