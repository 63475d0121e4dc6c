/**
 * HostBill on the page: a Bearer JWT (header, claims, signing input, the RSA block the
 * signature holds beside the expected one, and the catalogue's JWT diagnosis, the same as
 * `hostsig diagnose jwt`), or Basic credentials.
 */
import { base64urlToBytes, bytesToHex, sha256 } from '../../core/index.js';
import { diagnoseHostBillBasic, diagnoseJwt, type Finding, type JwtDiagnoseReport, jwtHeadline, loadKeyForDiagnosis, plainHeadline } from '../../diagnose/index.js';
import { decodeJwt, decodeProtectedHeader, type JwtHeader } from '../../jwt/index.js';
import { emsaPkcs1v15Sha256, rsaRecoverBlock, type RsaPublicKey } from '../../rsa/index.js';
import { parseBasicAuth } from '../../schemes/hostbill/index.js';
import { headerValue } from '../input.js';
import { type Analysis, codeOf, messageOf, roughDuration, type Stage, utc, type Verdict } from '../model.js';
import { error, failureVerdict, nowSec, readPaste, withFinding } from './common.js';

export interface HostBillVerifyInput {
  /** A JWT, an `Authorization: Bearer` / `Basic` header, or a raw request. */
  request: string;
  /** For Bearer: the public key (PEM, JWK JSON, or an ssh-rsa line). */
  publicKey?: string;
  /** For Basic: the expected e-mail and password. */
  email?: string;
  password?: string;
  now?: number;
  clockToleranceSec?: number;
}

type HostBillPaste = { kind: 'bearer' | 'basic' | 'other' | 'none'; value: string } | { kind: 'refused'; analysis: Analysis };

/** What the paste carries: a Bearer token, a Basic header, another `scheme credentials` header, or nothing usable. */
function tokenOf(text: string): HostBillPaste {
  const p = readPaste('hostbill', text);
  if ('verdict' in p) return { kind: 'refused', analysis: p };
  const auth = headerValue(p.headers, 'authorization') ?? (p.kind === 'text' ? p.body : undefined);
  if (auth === undefined) return { kind: 'none', value: '' };
  const a = auth.trim();
  if (/^bearer\s/i.test(a)) return { kind: 'bearer', value: a.replace(/^bearer\s+/i, '') };
  if (/^basic\s/i.test(a)) return { kind: 'basic', value: a };
  if (/^[A-Za-z0-9_=-]+\.[A-Za-z0-9_=-]*\.[A-Za-z0-9_=+/-]*$/.test(a)) return { kind: 'bearer', value: a };
  // "Token abc": a header with another scheme word, which the catalogue names.
  if (/^[A-Za-z][A-Za-z0-9_-]*[ \t][^ \t]/.test(a)) return { kind: 'other', value: a };
  return { kind: 'none', value: a };
}

const pretty = (json: unknown): string => JSON.stringify(json, null, 2);

/** Stages 1 to 3 (header, claims, signing input) and the notes on iat/nbf/exp against the clock. */
function decodedStages(token: string, now: number): { header?: JwtHeader; headerError?: unknown; stages: Stage[]; notes: string[] } {
  const out: { header?: JwtHeader; headerError?: unknown; stages: Stage[]; notes: string[] } = { stages: [], notes: [] };
  try {
    out.header = decodeProtectedHeader(token);
    out.stages.push({ kind: 'text', title: '1. header', text: pretty(out.header) });
  } catch (e) {
    out.headerError = e;
    out.stages.push({ kind: 'text', title: '1. header', text: `does not decode: ${messageOf(e)}` });
  }
  let payload: Record<string, unknown> | undefined;
  try {
    payload = decodeJwt(token) as Record<string, unknown>;
    out.stages.push({ kind: 'text', title: '2. payload (claims)', text: pretty(payload) });
  } catch (e) {
    out.stages.push({ kind: 'text', title: '2. payload (claims)', text: `does not decode: ${messageOf(e)}` });
  }
  const [h = '', pl = ''] = token.split('.');
  const signingInput = `${h}.${pl}`;
  out.stages.push({ kind: 'text', title: '3. signing input: base64url(header) "." base64url(payload)', text: signingInput, note: `SHA-256: ${bytesToHex(sha256(new TextEncoder().encode(signingInput)))}` });
  for (const claim of ['iat', 'nbf', 'exp'] as const) {
    const v = payload?.[claim];
    if (typeof v !== 'number') continue;
    const d = v - now;
    out.notes.push(`${claim} ${v} = ${utc(v)}, ${d === 0 ? 'now' : d > 0 ? `in ${roughDuration(d)}` : `${roughDuration(d)} ago`}${claim === 'exp' && d <= 0 ? ': expired' : claim === 'nbf' && d > 0 ? ': not valid yet' : ''}.`);
  }
  return out;
}

/**
 * Stage 4: the RSA block the signature holds (`signature^e mod n`) beside the one an RS256
 * signature over this signing input must hold (EMSA-PKCS1-v1_5 of its SHA-256), both hex. A
 * wrong key gives noise; a changed token, the same padding with another digest at the end.
 */
function blockStage(token: string, key: RsaPublicKey): Stage {
  const [h = '', pl = '', sig = ''] = token.split('.');
  try {
    const sigBytes = base64urlToBytes(sig);
    const em = emsaPkcs1v15Sha256(sha256(new TextEncoder().encode(`${h}.${pl}`)), key.size);
    const rec = rsaRecoverBlock(key, sigBytes);
    return {
      kind: 'compare',
      title: `4. RSA block (${key.size} bytes, hex): what this key recovers from the signature vs what RS256 over the signing input must give`,
      expectedLabel: 'expected: EMSA-PKCS1-v1_5(SHA-256(signing input))',
      expected: bytesToHex(em),
      receivedLabel: `recovered: signature^e mod n (signature ${sigBytes.length} bytes)`,
      received: rec ? bytesToHex(rec) : '(none: the signature is not smaller than the modulus)',
      wide: true,
      ...(rec ? {} : { receivedMissing: true }),
    };
  } catch (e) {
    return { kind: 'text', title: '4. signature', text: `does not decode: ${messageOf(e)}` };
  }
}

/** What the page says when the catalogue names no mistake for a code. */
const FALLBACK_FIX: Readonly<Record<string, string>> = {
  ALG_NOT_ALLOWED: 'HostBill signs with RS256 (an RSA key from ssh-keygen -t rsa -m PEM): issue tokens with alg RS256 only.',
  SIGNATURE_INVALID: 'The token was not signed by this key\'s private half, or it was changed after signing: check the key pair (kid) and that the token was copied whole.',
  JWT_EXPIRED: 'Get a new token (POST /api/token with the refresh token) before exp; allow a little clock skew with clockTolerance.',
  JWT_NOT_YET_VALID: 'The issuer\'s clock runs ahead of this one, or nbf is set in the future: sync clocks or allow a clockTolerance.',
};

/** The verdict on a diagnosed token: its code, the catalogue's first finding, and whether the signature itself holds. */
function jwtVerdict(rep: JwtDiagnoseReport): { verdict: Verdict; findings: Finding[] } {
  if (rep.correct) return { verdict: { status: 'valid', headline: 'valid: RS256 signature verifies and exp/nbf hold now' }, findings: [] };
  const verdict: Verdict = { status: 'invalid', headline: `invalid: ${jwtHeadline(rep, 'hostbill')}`, code: rep.verdict };
  if (Object.hasOwn(FALLBACK_FIX, rep.verdict)) verdict.fix = FALLBACK_FIX[rep.verdict];
  const clock = rep.verdict === 'JWT_EXPIRED' || rep.verdict === 'JWT_NOT_YET_VALID';
  if (clock && rep.stages.signedDigest !== undefined && rep.stages.signedDigest === rep.stages.expectedDigest) verdict.headline += ' (the signature itself verifies)';
  // The headline already says how far the clock is off; the clock-skew finding brings its fix.
  const f = rep.matches[0];
  if (clock && f && /clock-skew$|^iat-in-future$/.test(f.id)) return { verdict: { ...verdict, fix: f.fix, mistake: f.id }, findings: rep.matches };
  return { verdict: withFinding(verdict, rep.matches), findings: rep.matches };
}

/** The verdict without a key: the alg alone can already be refused. */
function withoutKey(header: JwtHeader, stages: Stage[], notes: string[]): Analysis {
  if (header.alg !== 'RS256') {
    const verdict: Verdict = { ...failureVerdict('ALG_NOT_ALLOWED', { scheme: 'hostbill', details: { alg: String(header.alg) } }), fix: 'HostBill signs with RS256 (an RSA key from ssh-keygen -t rsa -m PEM): issue tokens with alg RS256 only; a verifier must never accept "none" or HS256.' };
    return { scheme: 'hostbill', verdict, stages, findings: [], notes };
  }
  return { scheme: 'hostbill', verdict: { status: 'error', headline: 'decoded only: paste the public key (PEM, JWK or ssh-rsa) to check the signature' }, stages, findings: [], notes };
}

function analyzeBearer(token: string, input: HostBillVerifyInput): Analysis {
  const now = nowSec(input.now);
  const { header, headerError, stages, notes } = decodedStages(token, now);
  // The key text as pasted: an alg-confused client HMACs with exactly these bytes.
  const keyText = input.publicKey ?? '';
  if (keyText.trim() === '') return header === undefined ? { ...error('hostbill', plainHeadline(codeOf(headerError) ?? 'JWT_MALFORMED', { scheme: 'hostbill', message: messageOf(headerError) }), codeOf(headerError), stages), notes } : withoutKey(header, stages, notes);
  const rep = diagnoseJwt({ token, keyFile: keyText, options: { now, clockTolerance: input.clockToleranceSec ?? 0 } });
  const { key } = loadKeyForDiagnosis(keyText);
  if (key === undefined) {
    const verdict = withFinding({ status: 'error', headline: jwtHeadline(rep, 'hostbill'), code: rep.verdict }, rep.matches);
    return { scheme: 'hostbill', verdict, stages, findings: rep.matches, notes };
  }
  if (header?.alg === 'RS256') stages.push(blockStage(token, key));
  return { scheme: 'hostbill', ...jwtVerdict(rep), stages, notes };
}

/** Stage 1 of a header the Basic parser refused: its scheme word and credentials as sent. */
function rawHeaderStages(header: string): Stage[] {
  const a = header.trim();
  let i = 0;
  while (i < a.length && a[i] !== ' ' && a[i] !== '\t') i++;
  if (i === 0) return [];
  return [{ kind: 'table', title: '1. the Authorization header', head: ['part', 'value'], rows: [['scheme', a.slice(0, i)], ['credentials', a.slice(i).trim() || '(none)']] }];
}

/** Basic: the decoded credentials beside the expected ones. */
function analyzeBasic(header: string, input: HostBillVerifyInput): Analysis {
  let creds;
  try {
    creds = parseBasicAuth(header);
  } catch (e) {
    const code = codeOf(e);
    const findings = diagnoseHostBillBasic({ authorization: header, code: code ?? 'AUTH_HEADER_MALFORMED' });
    const details = (e as { details?: Readonly<Record<string, unknown>> } | null)?.details;
    const verdict: Verdict = { ...failureVerdict(code ?? 'AUTH_HEADER_MALFORMED', { scheme: 'hostbill', message: messageOf(e), details }), fix: 'Send "Authorization: Basic " + base64(UTF-8 of email ":" password).' };
    return { scheme: 'hostbill', verdict: withFinding(verdict, findings), stages: rawHeaderStages(header), findings, notes: [] };
  }
  const stages: Stage[] = [{ kind: 'table', title: '1. Basic credentials (RFC 7617)', head: ['part', 'value'], rows: [['email', creds.username], ['password', creds.password]] }];
  if (!input.email && !input.password) return { scheme: 'hostbill', verdict: { status: 'error', headline: 'decoded only: enter the expected e-mail and password to compare' }, stages, findings: [], notes: [] };
  const email = input.email ?? '';
  stages.push({ kind: 'compare', title: '2. e-mail', expectedLabel: 'expected (entered here)', expected: email === '' ? '(none entered)' : email, receivedLabel: 'in the header', received: creds.username, ...(email === '' ? { expectedMissing: true } : {}) });
  if (creds.username === email && creds.password === (input.password ?? '')) return { scheme: 'hostbill', verdict: { status: 'valid', headline: 'valid: e-mail and password match' }, stages, findings: [], notes: [] };
  // TOKEN_INVALID, as the server's HostBill plug-in answers a wrong user or password.
  const findings = diagnoseHostBillBasic({ authorization: header, code: 'TOKEN_INVALID', username: creds.username, expectedUser: email });
  const v = failureVerdict('TOKEN_INVALID', { scheme: 'hostbill' });
  const verdict: Verdict = {
    ...v,
    headline: `${v.headline}: the ${creds.username !== email ? 'e-mail' : 'password'} is not the expected one`,
    fix: 'Encode exactly email ":" password in UTF-8, then base64 (the password may contain ":", the e-mail may not).',
  };
  return { scheme: 'hostbill', verdict: withFinding(verdict, findings), stages, findings, notes: [] };
}

export function analyzeHostBill(input: HostBillVerifyInput): Analysis {
  const t = tokenOf(input.request);
  if (t.kind === 'refused') return t.analysis;
  if (t.kind === 'basic' || t.kind === 'other') return analyzeBasic(t.value, input);
  if (t.kind === 'none') return error('hostbill', 'paste a JWT, an "Authorization: Bearer <jwt>" or "Authorization: Basic ..." header, or the request');
  return analyzeBearer(t.value, input);
}
