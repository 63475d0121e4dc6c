/**
 * The JWT mistakes, one check each, in the order a token fails: the alg, the encoding of the
 * parts, the key, the signed bytes, the clock. A check that names the mistake ends the run
 * (what follows would only restate it), unless it says the token may fail further on.
 */
import { bytesToBase64url, bytesToHex } from '../../core/bytes.js';
import { equalBytes } from '../../core/compare.js';
import { sha256 } from '../../core/hmac.js';
import { verifyJwt, type JwtVerifyOptions } from '../../jwt/index.js';
import { exportSpkiPem, jwkThumbprint, type RsaPublicKey, rsaVerify } from '../../rsa/index.js';
import { type HashName, mac, OTHER_RSA_ALGS, recoverDigest, rsaAlgHolds } from './algs.js';
import { type JwtMistake, type KeyInfo, loadKeyForDiagnosis } from './key.js';
import { b64urlOfText, looseBase64Bytes, looseUtf8Bytes, looseUtf8Text, reserializations } from './text.js';

/** A failed token taken apart, with the key it failed under. */
export interface JwtCtx {
  /** The token, trimmed; `h.p.s` its three parts as sent. */
  token: string;
  h: string;
  p: string;
  s: string;
  /** The header's alg as text (`undefined` when missing). */
  alg: string;
  sig: Uint8Array;
  key: RsaPublicKey;
  keyInfo: KeyInfo;
  /** The key file's text: the secret an alg-confused client HMACs with. */
  keyText: string;
  /** Header and payload re-encoded as base64url. */
  hN: string;
  pN: string;
  /** The signing inputs a client may have signed: as sent, and re-encoded when that differs. */
  signingInputs: [string, string][];
  /** verifyJwt options, `now` set. */
  options: JwtVerifyOptions & { now: number };
  /** The code verifyJwt failed with. */
  verdict: string;
  kid?: string;
  /** sha256(h.p) in hex. */
  expectedDigest: string;
  /** What the signature holds under the key, when it is a PKCS#1 v1.5 block. */
  recovered: { hash: HashName; digest: string } | null;
  candidates: readonly [string, Uint8Array | string][];
  /** Largest clock skew called a skew rather than an old token, in seconds. */
  skewLimit: number;
}

/** A check's answer: the mistake, and whether later checks still run. */
export interface JwtFound {
  mistake: JwtMistake;
  goOn?: boolean;
}

/** One row of the table: the ids it can name, and the check. */
export interface JwtCheck {
  ids: readonly string[];
  find(ctx: JwtCtx): JwtFound | null;
}

const B64URL_RE = /^[A-Za-z0-9_-]*$/;
const B64_ANY_RE = /^[A-Za-z0-9+/=_-]*$/;

const hexSha256 = (s: string): string => bytesToHex(sha256(looseUtf8Bytes(s)));

function algNone(ctx: JwtCtx): JwtFound | null {
  if (!/^none$/i.test(ctx.alg)) return null;
  const detail = `header alg "${ctx.alg}", signature ${ctx.s.length ? `of ${ctx.sig.length} bytes` : 'empty'}`;
  return { mistake: { id: 'alg-none', title: `unsigned token: alg "${ctx.alg}"`, fix: 'Sign the token with RS256 and the RSA private key: a verifier never accepts an unsigned ("none") token.', detail } };
}

/** The texts an alg-confused client may have used as the HMAC secret. */
function publicKeySecrets(ctx: JwtCtx): [string, string][] {
  const spki = exportSpkiPem(ctx.key);
  return [
    ['the key file as given', ctx.keyText],
    ['the SPKI PEM of the key', spki],
    ['the SPKI PEM without its final newline', spki.replace(/\n$/, '')],
    ['the key file without its final newline', ctx.keyText.replace(/\r?\n$/, '')],
  ];
}

function algHmac(ctx: JwtCtx): JwtFound | null {
  const m = /^HS(256|384|512)$/.exec(ctx.alg);
  if (!m) return null;
  const bits = m[1]!;
  for (const [label, secret] of publicKeySecrets(ctx)) {
    for (const [how, si] of ctx.signingInputs) {
      if (!equalBytes(mac(`sha${bits}` as HashName, looseUtf8Bytes(secret), looseUtf8Bytes(si)), ctx.sig)) continue;
      return {
        mistake: {
          id: 'alg-hs256-public-key',
          title: `alg confusion: ${ctx.alg} with the RSA public key's PEM text as the HMAC secret`,
          fix: 'Sign with RS256 and the RSA private key; a verifier must pin alg to RS256 (hostsig does), so an HMAC token made from the public key is always refused.',
          detail: `HMAC-SHA${bits}(secret = ${label}, signing input ${how}) equals the signature`,
        },
      };
    }
  }
  const detail = `header alg "${ctx.alg}"; no HMAC with the key's PEM text reproduces the signature`;
  return { mistake: { id: 'alg-hs256', title: `HMAC token: alg "${ctx.alg}" (HostBill uses RS256)`, fix: `Sign with RS256 and the RSA private key instead of an ${ctx.alg} shared secret.`, detail } };
}

function algOtherHeader(ctx: JwtCtx): JwtFound | null {
  if (ctx.alg === 'RS256') return null;
  const message = looseUtf8Bytes(`${ctx.h}.${ctx.p}`);
  for (const alg of OTHER_RSA_ALGS) {
    if (!rsaAlgHolds(alg, ctx.key, message, ctx.sig)) continue;
    const title = `right key, wrong algorithm: ${alg.name}${alg.name === ctx.alg ? '' : ` under an "${ctx.alg}" header`}`;
    return { mistake: { id: 'alg-other', title, fix: `Sign with RS256 (RSASSA-PKCS1-v1_5 with SHA-256) instead of ${alg.name}: HostBill tokens are RS256 only.`, detail: `the signature verifies as ${alg.name} under this key` } };
  }
  const detail = `header alg "${ctx.alg}"; no RSA variant verifies under this key (another key, or another key type)`;
  return { mistake: { id: 'alg-other', title: `alg "${ctx.alg}" is not RS256`, fix: 'Sign with RS256 and the RSA private key: no other alg is accepted.', detail } };
}

/** Whether the token, re-encoded as base64url, verifies (or fails for another reason than its signature). */
function verifiesReencoded(ctx: JwtCtx): boolean {
  try {
    verifyJwt(`${ctx.hN}.${ctx.pN}.${bytesToBase64url(ctx.sig)}`, ctx.key, { ...ctx.options });
    return true;
  } catch (e) {
    const code = (e as { code?: string }).code;
    return code !== 'SIGNATURE_INVALID' && code !== 'JWT_MALFORMED';
  }
}

function base64Parts(ctx: JwtCtx): JwtFound | null {
  const standard = /[+/]/.test(ctx.token);
  const padded = /=/.test(ctx.token);
  const parts = [ctx.h, ctx.p, ctx.s];
  if (!(standard || padded) || !parts.every((x) => B64_ANY_RE.test(x))) {
    if (parts.every((x) => B64URL_RE.test(x))) return null;
    return { mistake: { id: 'base64-standard', title: 'a part holds characters outside base64url (whitespace, quotes, line breaks)', fix: 'Send the token exactly as issued, on one line, without quotes or whitespace.', detail: 'a part is not [A-Za-z0-9_-]' } };
  }
  const verifies = verifiesReencoded(ctx);
  const signedPadded = !verifies && rsaVerify(ctx.key, looseUtf8Bytes(`${ctx.h}.${ctx.p}`), ctx.sig);
  const what = [padded ? '"=" padding' : '', standard ? '"+" or "/" (standard base64)' : ''].filter(Boolean).join(' and ');
  const detail = verifies ? 'the same token re-encoded as base64url verifies' : signedPadded ? 'the signature covers the base64 (padded) text itself: re-sign over base64url parts' : 're-encoded as base64url, it still does not verify (see the other findings)';
  return {
    mistake: {
      id: padded ? 'base64-padding' : 'base64-standard',
      title: `parts encoded as base64 with ${what}, not base64url`,
      fix: 'Encode each part as base64url without padding (RFC 7515 section 2: "-" and "_" for "+" and "/", no "="), e.g. buf.toString("base64url") in Node.',
      detail,
    },
    goOn: !(verifies || signedPadded),
  };
}

/** The first candidate key the signature is a PKCS#1 v1.5 block under, named with its thumbprint. */
function candidateKey(ctx: JwtCtx): string | undefined {
  for (const [name, content] of ctx.candidates) {
    const c = loadKeyForDiagnosis(content).key;
    if (c && recoverDigest(c, ctx.sig) !== null) return `${name} (thumbprint ${jwkThumbprint(c)})`;
  }
  return undefined;
}

function keyMismatch(ctx: JwtCtx): JwtFound | null {
  if (ctx.recovered !== null) return null;
  const kidNote = ctx.kid !== undefined ? `token kid "${ctx.kid}"` : 'token has no kid';
  const found = candidateKey(ctx);
  const size = ctx.sig.length !== ctx.key.size ? `; the signature is ${ctx.sig.length} bytes, this key's are ${ctx.key.size}` : '';
  return {
    mistake: {
      id: 'key-mismatch',
      title: 'signed with a different key',
      fix: found ? `Verify with the key the issuer signs with, ${found}, or have the issuer sign with the private key of the key you verify with.` : 'Verify with the public key of the private key the issuer signs with (compare the kid and the RFC 7638 thumbprints), or have the issuer sign with the matching private key.',
      detail: `under this key (${ctx.key.bits} bits, thumbprint ${ctx.keyInfo.thumbprint}) the signature is no PKCS#1 v1.5 block; ${kidNote}${found ? `; it verifies under ${found}` : ''}${size}`,
    },
  };
}

function digestInfoAlg(ctx: JwtCtx): JwtFound | null {
  const rec = ctx.recovered;
  if (rec === null || rec.hash === 'sha256') return null;
  const name = rec.hash === 'sha384' ? 'RS384' : 'RS512';
  return { mistake: { id: 'alg-other', title: `right key, wrong algorithm: signed as ${name} under an RS256 header`, fix: `Sign with RS256 (SHA-256) instead of ${name}, so the signature matches the header's alg.`, detail: `the signature holds a ${rec.hash.toUpperCase()} DigestInfo` } };
}

/** Header and payload texts: as sent, then each re-serialization. */
function variants(part: string): [string, string][] {
  const text = looseUtf8Text(looseBase64Bytes(part));
  return [['as sent', text], ...reserializations(text)];
}

function signedBytes(ctx: JwtCtx): JwtFound | null {
  const rec = ctx.recovered;
  if (rec === null || rec.hash !== 'sha256' || rec.digest === ctx.expectedDigest) return null;
  // Right key, other bytes: find the bytes that were signed.
  const payloads = variants(ctx.p);
  for (const [hl, hv] of variants(ctx.h)) {
    for (const [pl, pv] of payloads) {
      if (hl === 'as sent' && pl === 'as sent') continue;
      if (hexSha256(`${b64urlOfText(hv)}.${b64urlOfText(pv)}`) !== rec.digest) continue;
      const which = [hl !== 'as sent' ? 'header' : '', pl !== 'as sent' ? 'payload' : ''].filter(Boolean).join(' and ');
      return {
        mistake: {
          id: 'payload-reserialized',
          title: `the ${which} was re-serialized after signing`,
          fix: 'Forward the token exactly as issued: never decode and re-encode its header or payload (whitespace and key order are part of what is signed).',
          detail: `the signature covers the ${which} as ${pl !== 'as sent' ? pl : hl}: ${pl !== 'as sent' ? pv : hv}`,
        },
      };
    }
  }
  const detail = `the signature holds sha256 ${rec.digest}, the token's signing input hashes to ${ctx.expectedDigest}`;
  return { mistake: { id: 'token-modified', title: 'right key, but the signed bytes differ from the token', fix: 'The header or payload was changed after signing: send the token exactly as the issuer made it, and have the issuer sign the final claims.', detail } };
}

const iso = (t: number): string => new Date(t * 1000).toISOString().replace('.000Z', 'Z');

/** The fix for a token off by `skew` seconds on `claim`: a clock to sync, or a token to renew. */
function skewFix(skew: number, claim: string, limit: number): string {
  if (skew <= limit) return `The clocks differ by about ${skew} s: sync the issuer's and the verifier's clocks with NTP, or allow clockTolerance of ${skew} s.`;
  const what = claim === 'exp' ? 'get a new token (refresh) and check the issuer sets exp from the current time' : 'check the issuer sets nbf/iat from the current time, not a future one';
  return `The token is ${claim === 'exp' ? 'expired' : 'not valid yet'} by ${skew} s, more than a clock skew: ${what}.`;
}

/** The payload's claims when it is a JSON object, else null. */
function claimsOf(ctx: JwtCtx): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(looseUtf8Text(looseBase64Bytes(ctx.p)));
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function clockSkew(ctx: JwtCtx): JwtFound | null {
  if (ctx.recovered?.hash !== 'sha256' || ctx.recovered.digest !== ctx.expectedDigest) return null;
  const claims = claimsOf(ctx);
  if (claims === null) return null;
  const now = ctx.options.now;
  const tol = typeof ctx.options.clockTolerance === 'number' ? ctx.options.clockTolerance : 0;
  if (ctx.verdict === 'JWT_EXPIRED' && typeof claims.exp === 'number') {
    const skew = Math.ceil(now - tol - claims.exp) + 1;
    const detail = `now ${Math.floor(now)} (${iso(Math.floor(now))}), exp ${claims.exp}: valid with a clock ${skew} s earlier (clockTolerance ${skew})`;
    return { mistake: { id: 'expired-clock-skew', title: `expired at ${iso(claims.exp)}, ${skew} s before the verifier's clock`, fix: skewFix(skew, 'exp', ctx.skewLimit), detail } };
  }
  if (ctx.verdict !== 'JWT_NOT_YET_VALID') return null;
  const claim = typeof claims.nbf === 'number' && claims.nbf > now + tol ? 'nbf' : 'iat';
  const t = claims[claim] as number;
  const skew = Math.ceil(t - tol - now);
  const detail = `now ${Math.floor(now)}, ${claim} ${t}: valid with a clock ${skew} s later (clockTolerance ${skew})`;
  return { mistake: { id: claim === 'nbf' ? 'not-yet-valid-clock-skew' : 'iat-in-future', title: `${claim} ${iso(t)} is ${skew} s after the verifier's clock`, fix: skewFix(skew, claim, ctx.skewLimit), detail } };
}

/** The token checks, in order (the key file's PEM label is checked on its own, first). */
export const JWT_CHECKS: readonly JwtCheck[] = [
  { ids: ['alg-none'], find: algNone },
  { ids: ['alg-hs256-public-key', 'alg-hs256'], find: algHmac },
  { ids: ['alg-other'], find: algOtherHeader },
  { ids: ['base64-padding', 'base64-standard'], find: base64Parts },
  { ids: ['key-mismatch'], find: keyMismatch },
  { ids: ['alg-other'], find: digestInfoAlg },
  { ids: ['payload-reserialized', 'token-modified'], find: signedBytes },
  { ids: ['expired-clock-skew', 'not-yet-valid-clock-skew', 'iat-in-future'], find: clockSkew },
];

/** Runs the table: every finding up to the first that ends the run. */
export function runJwtChecks(ctx: JwtCtx, checks: readonly JwtCheck[] = JWT_CHECKS): JwtMistake[] {
  const out: JwtMistake[] = [];
  for (const c of checks) {
    const r = c.find(ctx);
    if (r === null) continue;
    out.push(r.mistake);
    if (!r.goOn) break;
  }
  return out;
}
