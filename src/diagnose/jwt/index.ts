/**
 * `hostsig diagnose jwt` and the page's HostBill Bearer check: given a token that does not
 * verify and the key it should verify with, name the mistake that reproduces it, each with a
 * one-sentence fix. Pure: the other algorithms are recognised in TypeScript (see algs.ts); the
 * library itself stays RS256-only.
 *
 * How each mistake is recognised (the table is in mistakes.ts):
 * - wrong `alg`: `none`; HS256 whose HMAC reproduces with the public key's PEM text as the
 *   secret (the alg confusion); PS256/RS384/RS512/PS384/PS512 whose signature verifies under the
 *   same key with that algorithm;
 * - base64 instead of base64url: `=` padding or `+ /` in a part; the token verifies once the
 *   parts are re-encoded (or the signer signed the padded text);
 * - key mismatch: the RSA public operation on the signature gives no PKCS#1 v1.5 block under
 *   this key, so another key made it; the kid and the key's RFC 7638 thumbprint are shown, and
 *   `candidates` (other keys) are tried;
 * - payload re-serialized: the block is well formed under this key (right key) but holds the
 *   digest of other bytes; re-serializations of the header/payload (compact, spaced, sorted,
 *   indented) are hashed until one gives that digest;
 * - RS512/RS384 signed under an RS256 header: the block holds a SHA-512/384 DigestInfo;
 * - expired / not yet valid: with the signature good, the clock skew that would make it valid;
 * - a key file whose PEM label does not match its contents (PKCS#8 body under
 *   `RSA PRIVATE KEY`, PKCS#1 under `PRIVATE KEY`, and the public-key pairs).
 */
import { bytesToBase64url, bytesToHex } from '../../core/bytes.js';
import { sha256 } from '../../core/hmac.js';
import { type JwtVerifyOptions, verifyJwt } from '../../jwt/index.js';
import { recoverDigest } from './algs.js';
import { type JwtMistake, type KeyInfo, type LoadedKey, loadKeyForDiagnosis } from './key.js';
import { JWT_CHECKS, type JwtCtx, runJwtChecks } from './mistakes.js';
import { looseBase64Bytes, looseUtf8Bytes, looseUtf8Text } from './text.js';

export { type JwtMistake, type KeyInfo, type LoadedKey, derKind, loadKeyForDiagnosis, pemLabelMistake } from './key.js';
export { JWT_CHECKS, type JwtCheck, type JwtCtx, type JwtFound, runJwtChecks } from './mistakes.js';
export { recoverDigest } from './algs.js';

export interface JwtDiagnoseReport {
  scheme: 'jwt';
  /** `valid`, or the code hostsig's verifyJwt fails with. */
  verdict: string;
  message?: string;
  /** The failure's details (the claim an exp/nbf/iat check read, the refused alg), when it failed. */
  details?: Readonly<Record<string, unknown>>;
  /** The clock the token was checked against, Unix seconds. */
  now: number;
  correct: boolean;
  stages: {
    header?: string;
    payload?: string;
    headerB64?: string;
    payloadB64?: string;
    signingInput?: string;
    signatureB64?: string;
    /** sha256(signingInput) in hex: the digest an RS256 signature over this token must hold. */
    expectedDigest?: string;
    /** The digest the signature holds under this key (RSA public operation), when it is a PKCS#1 v1.5 block. */
    signedDigest?: string;
  };
  key: KeyInfo;
  kid?: string;
  matches: JwtMistake[];
  /** Mistake ids that were checked. */
  mistakes: string[];
}

const PEM_LABEL_MISTAKES = ['pem-label-pkcs8-as-pkcs1', 'pem-label-pkcs1-as-pkcs8', 'pem-label-spki-as-pkcs1', 'pem-label-pkcs1-as-spki'] as const;

/** Every JWT mistake id, in the order they are checked (the PEM label ones are about the key file). */
export const JWT_MISTAKES: readonly string[] = [...new Set([...JWT_CHECKS.flatMap((c) => c.ids), ...PEM_LABEL_MISTAKES])];

export interface DiagnoseJwtInput {
  token: string;
  /** The key: a key file's bytes (PEM, DER, JWK, OpenSSH), or its text. */
  keyFile: Uint8Array | string;
  /** Other keys to try when the key does not match (name -> bytes or text). */
  candidates?: [string, Uint8Array | string][];
  /** verifyJwt options; `now` in seconds. */
  options?: JwtVerifyOptions;
  /** Largest clock skew called a skew rather than an old token, in seconds. Default 300. */
  skewLimit?: number;
}

/** The token's parts and digests, as far as they can be read. */
function tokenStages(parts: string[], loaded: LoadedKey): JwtDiagnoseReport['stages'] {
  if (parts.length !== 3) return {};
  const [h, p, s] = parts as [string, string, string];
  const stages: JwtDiagnoseReport['stages'] = { headerB64: h, payloadB64: p, signingInput: `${h}.${p}`, signatureB64: s };
  stages.header = looseUtf8Text(looseBase64Bytes(h));
  stages.payload = looseUtf8Text(looseBase64Bytes(p));
  stages.expectedDigest = bytesToHex(sha256(looseUtf8Bytes(`${h}.${p}`)));
  const r0 = loaded.key === undefined ? null : recoverDigest(loaded.key, looseBase64Bytes(s));
  if (r0 !== null) stages.signedDigest = r0.hash === 'sha256' ? r0.digest : `${r0.hash} ${r0.digest}`;
  return stages;
}

/** The protected header when it is a JSON object, else {} (the verdict already says why). */
function headerOf(text: string | undefined): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(text ?? '');
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The context the checks read, for a three-part token that failed under an imported key. */
function jwtContext(token: string, input: DiagnoseJwtInput, loaded: LoadedKey & { key: NonNullable<LoadedKey['key']> }, rep: JwtDiagnoseReport, options: JwtCtx['options']): JwtCtx {
  const [h, p, s] = token.split('.') as [string, string, string];
  const header = headerOf(rep.stages.header);
  const sig = looseBase64Bytes(s);
  const hN = bytesToBase64url(looseBase64Bytes(h));
  const pN = bytesToBase64url(looseBase64Bytes(p));
  const signingInputs: [string, string][] = [['as sent', `${h}.${p}`]];
  if (hN !== h || pN !== p) signingInputs.push(['re-encoded as base64url', `${hN}.${pN}`]);
  const ctx: JwtCtx = {
    token, h, p, s, sig, hN, pN, signingInputs, options,
    alg: typeof header.alg === 'string' ? header.alg : String(header.alg),
    key: loaded.key,
    keyInfo: loaded.info,
    keyText: typeof input.keyFile === 'string' ? input.keyFile : looseUtf8Text(input.keyFile),
    verdict: rep.verdict,
    expectedDigest: rep.stages.expectedDigest!,
    recovered: recoverDigest(loaded.key, sig),
    candidates: input.candidates ?? [],
    skewLimit: input.skewLimit ?? 300,
  };
  if (typeof header.kid === 'string') ctx.kid = header.kid;
  return ctx;
}

/**
 * Names the mistake behind a JWT that does not verify under `keyFile`, with its fix; `correct`
 * when it verifies. Never throws on a hostile token or key: what cannot be read is the verdict.
 */
export function diagnoseJwt(input: DiagnoseJwtInput): JwtDiagnoseReport {
  const token = input.token.trim();
  const loaded = loadKeyForDiagnosis(input.keyFile);
  const options = { ...(input.options ?? {}), now: typeof input.options?.now === 'number' ? input.options.now : Date.now() / 1000 };
  const parts = token.split('.');
  const rep: JwtDiagnoseReport = { scheme: 'jwt', verdict: 'unknown', now: options.now, correct: false, stages: tokenStages(parts, loaded), key: loaded.info, matches: [], mistakes: [...JWT_MISTAKES] };
  if (loaded.labelMistake) rep.matches.push(loaded.labelMistake);
  if (loaded.key === undefined) {
    rep.verdict = 'KEY_INVALID';
    rep.message = `the key did not import: ${loaded.info.error ?? 'unknown format'}`;
    return rep;
  }
  try {
    verifyJwt(token, loaded.key, options);
    rep.verdict = 'valid';
    rep.correct = true;
    return rep;
  } catch (e) {
    rep.verdict = (e as Error & { code?: string }).code ?? 'INVALID';
    rep.message = (e as Error).message;
    const details = (e as { details?: unknown }).details;
    if (details !== null && typeof details === 'object' && Object.keys(details).length > 0) rep.details = details as Readonly<Record<string, unknown>>;
  }
  if (parts.length !== 3) return rep;
  const ctx = jwtContext(token, input, { ...loaded, key: loaded.key }, rep, options);
  if (ctx.kid !== undefined) rep.kid = ctx.kid;
  rep.matches.push(...runJwtChecks(ctx));
  return rep;
}
