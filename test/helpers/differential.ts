// The differential suite's shared parts (test/platform): the inputs every faster path (Web
// Crypto, the node:crypto backend) must answer exactly as the pure path does, the pure reference
// run, and outcome comparison. Browser-safe: no node: import (the wycheproof.js import is
// spelled with helpers/ so the browser project's alias matches it).
import { base64urlnopad } from '@scure/base';
import { activeHashBackend, type HashBackend, registerHashBackend } from '../../src/core/backend.js';
import { isHostsigError } from '../../src/core/errors.js';
import type { JwtVerifyOptions } from '../../src/jwt/index.js';
import { activeRsaBackend, type RsaBackend, registerRsaBackend } from '../../src/rsa/backend.js';
import { importPrivateKey, importPublicKey, type RsaPrivateKey, type RsaPublicKey } from '../../src/rsa/index.js';
import { loadVectors, loadVectorText, loadWycheproof } from '../helpers/wycheproof.js';

// ---- the pure reference ----

/** Runs `f` (synchronous) with the given backends registered, then puts back what was there. */
export function withBackends<T>(rsa: RsaBackend | null, hash: HashBackend | null, f: () => T): T {
  const before = { rsa: activeRsaBackend(), hash: activeHashBackend() };
  registerRsaBackend(rsa);
  registerHashBackend(hash);
  try {
    return f();
  } finally {
    registerRsaBackend(before.rsa);
    registerHashBackend(before.hash);
  }
}

/** `f` on the pure paths (bigint RSA, @noble/hashes): the reference. */
export function underPure<T>(f: () => T): T {
  return withBackends(null, null, f);
}

/**
 * `f` on the pure paths, plus whether it got as far as asking an RSA backend: a probe backend
 * that only counts and declines, so the pure path still answers. A backend is asked exactly
 * when the header checks passed and the signature is k bytes below n, i.e. when a platform path
 * has to run.
 */
export function pureWithReach<T>(f: () => T): { value: T; reached: number } {
  let reached = 0;
  const probe: RsaBackend = { name: 'probe', verify: () => void reached++, sign: () => undefined };
  const value = withBackends(probe, null, f);
  return { value, reached };
}

// ---- outcomes: what a call returned or which HostsigError it threw ----

export type Outcome = { ok: true; value: unknown } | { ok: false; code: string; message: string };

function failed(e: unknown): Outcome {
  // Anything but a HostsigError (a TypeError from deep inside) fails the test as it is.
  if (!isHostsigError(e)) throw e;
  return { ok: false, code: e.code, message: e.message };
}

/** The value `f` returns, or the code and message of the HostsigError it throws. */
export function outcome(f: () => unknown): Outcome {
  try {
    return { ok: true, value: f() };
  } catch (e) {
    return failed(e);
  }
}

/** {@link outcome} for a Promise. */
export async function outcomeAsync(f: () => Promise<unknown>): Promise<Outcome> {
  try {
    return { ok: true, value: await f() };
  } catch (e) {
    return failed(e);
  }
}

/** A short form for failure lists: `ok` or the code. */
export const codeOf = (o: Outcome): string => (o.ok ? 'ok' : o.code);

// ---- independent arithmetic (not hostsig's) ----

const big = (b: Uint8Array): bigint => (b.length === 0 ? 0n : BigInt('0x' + Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')));

/** Bytes of the modulus, from n itself. */
export const modulusBytes = (n: bigint): number => (n.toString(2).length + 7) >> 3;

/** `n` as exactly `size` big-endian bytes. */
export function toBytes(x: bigint, size: number): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = size - 1; i >= 0; i--, x >>= 8n) out[i] = Number(x & 0xffn);
  return out;
}

/** RFC 8017 8.2.2 step 1 and 2.1: a signature a platform may see at all (k bytes, s < n). */
export function inRange(n: bigint, sig: Uint8Array): boolean {
  return sig.length === modulusBytes(n) && big(sig) < n;
}

// ---- the corpus ----

export interface RsaCase {
  readonly label: string;
  readonly key: RsaPublicKey;
  readonly msg: Uint8Array;
  readonly sig: Uint8Array;
  /** The document's verdict, where it gives one (Wycheproof: valid = true, else false). */
  readonly expected?: boolean;
}

export interface JwtCase {
  readonly label: string;
  readonly token: unknown;
  readonly key: RsaPublicKey;
  readonly options: JwtVerifyOptions;
  /** The document's answer: 'ok' or the error code, where it gives one. */
  readonly expected?: string;
}

export interface BearerCase {
  readonly label: string;
  readonly authorization: string | undefined;
  readonly key: RsaPublicKey;
  readonly privateKey: RsaPrivateKey;
  readonly options: JwtVerifyOptions;
  readonly expected: string;
}

type VectorFile = { testGroups: { type: string; tests: any[] }[] };
type WycheproofRsa = { testGroups: { publicKeyPem: string; tests: { tcId: number; comment: string; msg: string; sig: string; result: string }[] }[] };
type WycheproofJws = { testGroups: { comment: string; public?: Record<string, unknown>; tests: { tcId: number; comment: string; jws: unknown; result: string }[] }[] };

export const RSA_WYCHEPROOF = ['rsa_signature_2048_sha256_test.json', 'rsa_signature_3072_sha256_test.json', 'rsa_signature_4096_sha256_test.json'];
/** A fixed time for the Wycheproof JWS cases, so both paths judge the claims at the same instant. */
const WYCHEPROOF_NOW = 1_767_225_600;

const hexBytes = (h: string): Uint8Array => Uint8Array.from(h.match(/../g) ?? [], (x) => parseInt(x, 16));
const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

const keyCache = new Map<string, RsaPublicKey>();
const privateCache = new Map<string, RsaPrivateKey>();
/** A private key file of vectors/, imported once. */
export function vectorPrivateKey(path: string): RsaPrivateKey {
  let k = privateCache.get(path);
  if (k === undefined) privateCache.set(path, (k = importPrivateKey(loadVectorText(path))));
  return k;
}

/** A key file of vectors/ (or its public half), imported once. */
export function vectorPublicKey(path: string): RsaPublicKey {
  let k = keyCache.get(path);
  if (k === undefined) {
    const text = loadVectorText(path);
    k = /PRIVATE KEY/.test(text) ? vectorPrivateKey(path).publicKey : importPublicKey(text);
    keyCache.set(path, k);
  }
  return k;
}

function tryImportJwk(jwk: Record<string, unknown> | undefined): RsaPublicKey | null {
  if (jwk?.kty !== 'RSA') return null;
  try {
    return importPublicKey(jwk);
  } catch (e) {
    if (!isHostsigError(e)) throw e;
    return null;
  }
}

/** The JWT cases: jwt-rs256.json (verify cases, and the sign cases' tokens), hostbill.json's
 * bearer tokens, and every Wycheproof json_web_signature case (under its own key where hostsig
 * imports it, else under an RS256 key of the file: alg none, HS256, ES256, PS256 and the
 * broken encodings must fail alike). */
export function jwtCorpus(): JwtCase[] {
  const out: JwtCase[] = [];
  for (const g of loadVectors<VectorFile>('jwt-rs256.json').testGroups) {
    for (const t of g.tests) {
      if (g.type === 'JwtRs256Verify') {
        out.push({ label: `jwt-rs256 #${t.tcId}`, token: t.input.token, key: vectorPublicKey(t.input.key), options: t.input.options ?? {}, expected: t.result === 'valid' ? 'ok' : t.error });
      } else {
        // The sign cases' tokens verify under their key's public half (or fail alike: a JWS whose payload is no JSON).
        out.push({ label: `jwt-rs256 #${t.tcId} (signed token)`, token: t.output.token, key: vectorPublicKey(t.input.key), options: { now: WYCHEPROOF_NOW } });
      }
    }
  }
  for (const c of bearerCorpus()) {
    const m = /^bearer (.+)$/i.exec(c.authorization ?? '');
    if (m) out.push({ label: `${c.label} (token)`, token: m[1], key: c.key, options: c.options });
  }
  const jws = loadWycheproof<WycheproofJws>('json_web_signature_test.json');
  if (jws) {
    const rs256 = jws.testGroups.map((g) => (g.public?.alg === 'RS256' ? tryImportJwk(g.public) : null)).find((k) => k !== null)!;
    for (const g of jws.testGroups) {
      const own = tryImportJwk(g.public);
      for (const t of g.tests) {
        out.push({ label: `Wycheproof JWS #${t.tcId} (${g.comment}: ${t.comment})`, token: t.jws, key: own ?? rs256, options: { now: WYCHEPROOF_NOW } });
      }
    }
  }
  return out;
}

/** hostbill.json's HostBillBearerVerify cases. */
export function bearerCorpus(): BearerCase[] {
  const out: BearerCase[] = [];
  for (const g of loadVectors<VectorFile>('hostbill.json').testGroups) {
    if (g.type !== 'HostBillBearerVerify') continue;
    for (const t of g.tests) {
      // The one key of these cases, whose private half also makes a HostBillTokenIssuer.
      const privateKey = vectorPrivateKey(t.input.key.replace(/\.spki\.pem$/, '.key'));
      const key = vectorPublicKey(t.input.key);
      if (privateKey.n !== key.n) throw new Error(`hostbill #${t.tcId}: the private key is not the vector's key`);
      out.push({ label: `hostbill #${t.tcId} (${t.comment})`, authorization: t.input.authorization ?? undefined, key, privateKey, options: t.input.options ?? {}, expected: t.result === 'valid' ? 'ok' : t.error });
    }
  }
  return out;
}

/** The RSA cases: every Wycheproof rsa_signature_{2048,3072,4096}_sha256 case, plus the
 * signing input and signature of every token of {@link jwtCorpus} that has them. */
export function rsaCorpus(): RsaCase[] {
  const out: RsaCase[] = [];
  for (const file of RSA_WYCHEPROOF) {
    const data = loadWycheproof<WycheproofRsa>(file);
    if (!data) continue;
    for (const g of data.testGroups) {
      const key = importPublicKey(g.publicKeyPem);
      for (const t of g.tests) out.push({ label: `${file} #${t.tcId} (${t.comment})`, key, msg: hexBytes(t.msg), sig: hexBytes(t.sig), expected: t.result === 'valid' });
    }
  }
  for (const c of jwtCorpus()) {
    if (typeof c.token !== 'string') continue;
    const parts = c.token.split('.');
    if (parts.length !== 3 || !/^[A-Za-z0-9_-]*$/.test(parts[2]!)) continue;
    let sig: Uint8Array;
    try {
      sig = base64urlnopad.decode(parts[2]!);
    } catch {
      continue; // (non-zero trailing bits)
    }
    out.push({ label: `${c.label}: signature`, key: c.key, msg: ascii(`${parts[0]}.${parts[1]}`), sig });
  }
  return out;
}

/** The corpus counts, so a test can say it ran everything (and fail if a file went missing). */
export function expectedCounts(): { wycheproofRsa: number; wycheproofJws: number } {
  let wycheproofRsa = 0;
  for (const f of RSA_WYCHEPROOF) wycheproofRsa += loadWycheproof<{ numberOfTests: number }>(f)?.numberOfTests ?? 0;
  return { wycheproofRsa, wycheproofJws: loadWycheproof<{ numberOfTests: number }>('json_web_signature_test.json')?.numberOfTests ?? 0 };
}

/** Base64url without padding, for building tokens in tests. */
export const b64u = (b: Uint8Array | string): string => base64urlnopad.encode(typeof b === 'string' ? new TextEncoder().encode(b) : b);
