/**
 * Verify-side analyses, one per scheme, over the library's public functions and the CLI's
 * `diagnose` mistakes. Each takes what the page's fields hold and returns an {@link Analysis}:
 * the verdict in plain words, the stages side by side, and notes. Never throws.
 */
import { PhpArray, type PhpValue, parseStr, sha256, utf8ToBytes } from '../core/index.js';
import { diagnoseHostDime, hostDimeContext } from '../cli/diagnose/hostdime.js';
import { decodeReceived, diagnoseSixConnect, SIXCONNECT_MISTAKES, sixConnectContext } from '../cli/diagnose/sixconnect.js';
import { diagnoseHostKey, diagnoseWhm, type Finding } from '../cli/diagnose/tokens.js';
import type { DiagnoseReport } from '../cli/diagnose/types.js';
import { decodeJwt, decodeProtectedHeader, verifyJwt } from '../jwt/index.js';
import { bigintToBytes, bytesToBigint, modPow } from '../rsa/bigint.js';
import { emsaPkcs1v15Sha256, importPublicKey, type RsaPublicKey } from '../rsa/index.js';
import { parseBasicAuth } from '../schemes/hostbill/index.js';
import { hostDimeDoubleJson, hostDimeParamsJson, hostDimePathToMethod, typedHostDimeValue, verifyHostDimeSync } from '../schemes/hostdime/index.js';
import {
  digestHostKeyToken,
  HOSTKEY_TOKEN_RE,
  type HostKeyPinRecord,
  type HostKeySessionRecord,
  MemoryHostKeyTokenStore,
  verifyHostKeyPinHash,
  verifyHostKeyRequest,
} from '../schemes/hostkey/index.js';
import { verifySixConnectSync } from '../schemes/sixconnect/index.js';
import { digestWhmToken, parseWhmAuthorization, verifyWhmAuthorization, WHM_TOKEN_RE, type WhmTokenRecord } from '../schemes/whm/index.js';
import { headerValue, parsePasted, pastedAuthorization, pastedBody, pastedQuery } from './input.js';
import { type Analysis, codeOf, messageOf, roughDuration, type Stage, utc, type Verdict } from './model.js';

/** The tolerance the library's verifiers default to, used for the freshness note. */
const TOLERANCE_SEC = 300;

function nowSec(now?: number): number {
  return now ?? Math.floor(Date.now() / 1000);
}

/** PHP's view of a params array as rows: `a[b][0]` -> value. */
export function paramRows(a: PhpArray, prefix = ''): [string, string][] {
  const rows: [string, string][] = [];
  for (const [k, v] of a.entries()) {
    const name = prefix === '' ? k : `${prefix}[${k}]`;
    if (v instanceof PhpArray) {
      if (v.size === 0) rows.push([name, '(empty array)']);
      else rows.push(...paramRows(v, name));
    } else rows.push([name, scalarText(v)]);
  }
  return rows;
}

function scalarText(v: PhpValue): string {
  if (typeof v === 'string') return v;
  if (v === null) return 'null';
  return String(v);
}

function error(scheme: Analysis['scheme'], headline: string, code?: string, stages: Stage[] = []): Analysis {
  const verdict: Verdict = { status: 'error', headline };
  if (code !== undefined) verdict.code = code;
  return { scheme, verdict, stages, notes: [] };
}

function diagnosedVerdict(report: DiagnoseReport | undefined, code: string, fallback: string): Verdict {
  const m = report?.matches[0];
  if (m) return { status: 'invalid', headline: `invalid: ${m.title}`, code, fix: m.fix, mistake: m.id };
  return { status: 'invalid', headline: `invalid: ${fallback}`, code };
}

/** A `hostsig diagnose` finding, when there is one, names the mistake and its fix. */
function withFinding(verdict: Verdict, findings: Finding[]): Verdict {
  const f = findings[0];
  if (!f) return verdict;
  return { ...verdict, headline: `${verdict.headline}: ${f.title}`, fix: f.fix, mistake: f.id };
}

function mistakeStage(report: DiagnoseReport | undefined, expectedSigned: string, title: string): Stage[] {
  const m = report?.matches[0];
  if (!m || m.signed === expectedSigned) return [];
  return [{ kind: 'compare', title, expectedLabel: 'the server signs', expected: expectedSigned, receivedLabel: `your client signed (${m.label})`, received: m.signed, wide: true }];
}

// ---------------------------------------------------------------------------------------------
// HostDime

export interface HostDimeVerifyInput {
  /** Raw HTTP, a body, or a path line followed by the body. */
  request: string;
  /** Dotted method or request path; default the pasted request's path. */
  method?: string;
  privateKey: string;
  /** Seconds; default the clock. Only the freshness note uses it. */
  now?: number;
}

export function analyzeHostDime(input: HostDimeVerifyInput): Analysis {
  const p = parsePasted(input.request);
  const body = pastedBody(p);
  if (body === '') return error('hostdime', 'paste the request: raw HTTP, or the form body (status=...&api_key=...&api_hash=...)');
  if (input.privateKey === '') return error('hostdime', 'enter the private key (the api_key\'s secret half)');
  const given = (input.method ?? '').trim();
  let method: string | undefined;
  let path = p.path;
  if (given !== '') {
    if (given.includes('/')) path = given;
    else method = given;
  }
  if (method === undefined && path !== undefined) method = hostDimePathToMethod(path)?.method;
  if (method === undefined) return error('hostdime', 'enter the method (domain.list) or the path (/v1/domain/list.json): the hash covers it');

  let ctx;
  try {
    ctx = hostDimeContext({ body, method, privateKey: input.privateKey, ...(path !== undefined ? { path } : {}) });
  } catch (e) {
    return error('hostdime', `the body does not parse as PHP would: ${messageOf(e)}`, codeOf(e));
  }
  const stages: Stage[] = [];
  const rows = paramRows(ctx.params);
  stages.push({
    kind: 'table',
    title: '1. params as PHP sees them ($_POST minus api_*)',
    head: ['name', 'value'],
    rows,
    note: `method ${method}; api_timestamp ${ctx.ts || '(missing)'}; api_unique ${ctx.unique || '(missing)'}`,
  });
  stages.push({ kind: 'text', title: '2. json_encode($params, JSON_FORCE_OBJECT)', text: hostDimeParamsJson(ctx.params) });

  // The signature alone: freshness is a note, so a documented old vector still reads "valid".
  const ts = Number(ctx.ts);
  const r = verifyHostDimeSync({ body, ...(path !== undefined ? { path } : {}) }, { privateKey: input.privateKey, method, ...(Number.isFinite(ts) && ctx.ts !== '' ? { now: ts } : {}) });
  const typed = r.ok && r.typed;
  const canonical = typed ? ctx.prefix + hostDimeDoubleJson(ctx.params.mapLeaves(typedHostDimeValue)) : ctx.prefix + hostDimeDoubleJson(ctx.params);
  stages.push({
    kind: 'text',
    title: '3. hash input: timestamp:unique:private_key:method:json_encode(json)',
    text: canonical,
    note: `${utf8ToBytes(canonical).length} bytes of UTF-8 into SHA-256 (it contains the private key)`,
  });
  const expected = typed ? bytesHex(sha256(utf8ToBytes(canonical))) : ctx.expected;
  stages.push({ kind: 'compare', title: '4. api_hash', expectedLabel: 'expected', expected, receivedLabel: 'received', received: ctx.received || '(no api_hash)' });

  const notes: string[] = [];
  let verdict: Verdict;
  if (r.ok) {
    verdict = { status: 'valid', headline: 'valid: api_hash matches (PHP dialect)' };
    if (typed) notes.push('The hash covers numeric-looking values as JSON numbers (a client that hashed 5 but sent n=5). The server accepts it; hashing the strings the body carries is safer.');
  } else if (r.code !== 'SIGNATURE_INVALID' && r.code !== 'HASH_MALFORMED') {
    verdict = { status: 'invalid', headline: `invalid: ${r.message}`, code: r.code };
  } else {
    let report: DiagnoseReport | undefined;
    try {
      report = diagnoseHostDime({ body, method, privateKey: input.privateKey, ...(path !== undefined ? { path } : {}) });
    } catch {
      report = undefined;
    }
    verdict = diagnosedVerdict(report, r.code, r.code === 'SIGNATURE_INVALID' ? 'api_hash does not match, and no known mistake reproduces it (check the private key, the method and that the body is the one that was sent)' : r.message);
    stages.push(...mistakeStage(report, ctx.prefix + hostDimeDoubleJson(ctx.params), '5. hash input: server vs your client'));
  }
  if (Number.isFinite(ts) && ctx.ts !== '') {
    const age = nowSec(input.now) - ts;
    if (Math.abs(age) > TOLERANCE_SEC) {
      notes.push(
        `api_timestamp ${ctx.ts} is ${utc(ts)}, ${roughDuration(age)} ${age > 0 ? 'ago' : 'in the future'}: a server with the default ±${TOLERANCE_SEC} s window answers ${age > 0 ? 'TIMESTAMP_STALE' : 'TIMESTAMP_FUTURE'}. The verdict above is about the hash only.`,
      );
    }
  }
  return { scheme: 'hostdime', verdict, stages, notes };
}

function bytesHex(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return s;
}

// ---------------------------------------------------------------------------------------------
// 6connect

export interface SixConnectVerifyInput {
  /** A URL, a raw GET request, or the query string. */
  request: string;
  secretKey: string;
}

export function analyzeSixConnect(input: SixConnectVerifyInput): Analysis {
  const p = parsePasted(input.request);
  const query = pastedQuery(p);
  if (query === '') return error('sixconnect', 'paste the request URL (or its query string: target=...&apiKey=...&hash=...)');
  if (input.secretKey === '') return error('sixconnect', 'enter the secret key');
  const ctx = sixConnectContext({ query, secretKey: input.secretKey });
  const stages: Stage[] = [];
  let rows: [string, string][] = [];
  try {
    rows = paramRows(parseStr(ctx.signed, { maxVars: Infinity }));
  } catch (e) {
    rows = [['(does not parse)', messageOf(e)]];
  }
  stages.push({ kind: 'table', title: '1. signed params as PHP\'s $_GET sees them', head: ['name', 'value'], rows });
  stages.push({
    kind: 'text',
    title: '2. HMAC input: the raw query up to &hash=',
    text: ctx.signed || '(nothing: there is no "&hash=" after a first param)',
    note: 'HMAC-SHA256, key = the secret as its literal ASCII bytes (not hex-decoded)',
  });
  let report: DiagnoseReport;
  try {
    report = diagnoseSixConnect({ query, secretKey: input.secretKey });
  } catch (e) {
    return error('sixconnect', messageOf(e), codeOf(e), stages);
  }
  const got = decodeReceived(ctx.received);
  const receivedText = got ? base64(got) : ctx.received === '' ? '(no hash)' : ctx.received;
  stages.push({
    kind: 'compare',
    title: '3. hash = base64(HMAC)',
    expectedLabel: 'expected',
    expected: report.expected.hash,
    receivedLabel: got && base64(got) !== ctx.received ? `received (as sent: ${ctx.received})` : 'received',
    received: receivedText,
  });
  const r = verifySixConnectSync({ query }, { secretKey: input.secretKey });
  const notes: string[] = [];
  if (ctx.received.includes(' ')) {
    notes.push('The hash arrived with spaces where base64 has "+" (a raw "+" in a query decodes to a space, as PHP\'s $_GET does). hostsig reads the space as "+", so the same 32 bytes match. Sending the hash percent-encoded (%2B %2F %3D) avoids the ambiguity.');
  } else if (/%[0-9A-Fa-f]{2}/.test(ctx.received)) {
    notes.push('The hash arrived percent-encoded (%2B %2F %3D); decoded it is the same base64, which is fine.');
  }
  notes.push('6connect signs no timestamp: anyone holding this URL can replay it. hostsig offers an opt-in signed "time" param.');
  let verdict: Verdict;
  if (r.ok) verdict = { status: 'valid', headline: `valid: hash matches (apiKey ${r.apiKey})` };
  else if (r.code === 'SIGNATURE_INVALID' || r.code === 'HASH_NOT_LAST' || r.code === 'HASH_MALFORMED') {
    verdict = diagnosedVerdict(report, r.code, r.code === 'SIGNATURE_INVALID' ? 'hash does not match, and no known mistake reproduces it (check the secret)' : r.message);
    stages.push(...mistakeStage(report, ctx.signed, '4. HMAC input: server vs your client'));
    if (!verdict.fix && r.code === 'HASH_NOT_LAST') verdict.fix = SIXCONNECT_MISTAKES.find((m) => m.id === 'hash-not-last')?.fix;
  } else verdict = { status: 'invalid', headline: `invalid: ${r.message}`, code: r.code };
  return { scheme: 'sixconnect', verdict, stages, notes };
}

function base64(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += String.fromCharCode(x);
  return btoa(s);
}

// ---------------------------------------------------------------------------------------------
// cPanel & WHM

export interface WhmVerifyInput {
  /** Raw HTTP, an `Authorization:` line, or the bare `whm user:TOKEN` value. */
  request: string;
  /** The token (32 of [A-Z0-9]), or a token record JSON (one record or an array). */
  record: string;
  clientIp?: string;
  now?: number;
}

const t = (s: string) => s.trim();

function parseRecords(text: string): WhmTokenRecord[] | string {
  const t = text.trim();
  if (t === '') return 'enter the token, or the stored token record (JSON with "digest")';
  if (!t.startsWith('{') && !t.startsWith('[')) return [{ name: '', digest: digestWhmToken(t), expiresAt: null }];
  try {
    const v = JSON.parse(t) as unknown;
    const list = Array.isArray(v) ? v : [v];
    return list as WhmTokenRecord[];
  } catch (e) {
    return `the token record is not JSON: ${messageOf(e)}`;
  }
}

export async function analyzeWhm(input: WhmVerifyInput): Promise<Analysis> {
  const p = parsePasted(input.request);
  const header = pastedAuthorization(p);
  if (header === undefined || header === '') return error('whm', 'paste the request, its Authorization header, or the header value (whm root:TOKEN)');
  const records = parseRecords(input.record);
  if (typeof records === 'string') return error('whm', records);
  const stages: Stage[] = [];
  const notes: string[] = [];
  let parsed;
  try {
    parsed = parseWhmAuthorization(header);
  } catch (e) {
    const scheme = /^\s*(\S+)/.exec(header)?.[1] ?? '';
    const colon = header.indexOf(':');
    const cred = colon === -1 ? '' : header.slice(colon + 1).trim();
    const fix = WHM_TOKEN_RE.test(cred.toUpperCase()) && !WHM_TOKEN_RE.test(cred)
      ? 'The token has lowercase letters: API tokens are 32 characters of [A-Z0-9]; send it exactly as WHM issued it.'
      : /^(bearer|basic|token)$/i.test(scheme)
      ? `cPanel & WHM do not use "${scheme}": send "Authorization: whm USER:TOKEN" (WHM) or "cpanel USER:TOKEN" (cPanel UAPI).`
      : 'Send "Authorization: whm USER:TOKEN": the scheme word, one space, the user, a colon, the 32-character token.';
    const v: Verdict = { status: 'invalid', headline: `invalid: ${messageOf(e)}`, fix, ...(codeOf(e) ? { code: codeOf(e)! } : {}) };
    return { scheme: 'whm', verdict: withFinding(v, diagnoseWhm({ authorization: header, code: codeOf(e) ?? 'AUTH_HEADER_MALFORMED', ...(p.path !== undefined ? { path: p.path } : {}) })), stages, notes };
  }
  stages.push({
    kind: 'table',
    title: '1. the Authorization header',
    head: ['part', 'value'],
    rows: [
      ['scheme', parsed.scheme],
      ['user', parsed.user],
      ['kind', parsed.kind === 'token' ? 'API token' : 'legacy access hash'],
      ['credential', parsed.credential],
    ],
  });
  const path = p.path;
  const presented = digestWhmToken(parsed.credential);
  const stored = records.map((r) => (r && typeof r === 'object' && typeof r.digest === 'string' ? r.digest : '(no digest)'));
  stages.push({
    kind: 'compare',
    title: '2. SHA-256 of the token (records store only this)',
    expectedLabel: stored.length === 1 ? 'stored digest' : `stored digest (1 of ${stored.length})`,
    expected: stored.find((d) => d === presented) ?? stored[0] ?? '',
    receivedLabel: 'digest of the presented token',
    received: presented,
  });
  const pastedToken = input.record.trim();
  let r;
  try {
    r = await verifyWhmAuthorization(header, {
      lookup: () => records,
      ...(parsed.kind === 'accesshash' ? { lookupAccessHash: () => (WHM_TOKEN_RE.test(pastedToken) || pastedToken.startsWith('{') ? null : digestWhmToken(pastedToken.replace(/[\r\n]/g, ''))) } : {}),
      ...(input.clientIp ? { clientIp: input.clientIp.trim() } : {}),
      ...(path !== undefined ? { path } : {}),
      ...(input.now !== undefined ? { now: input.now } : {}),
    });
  } catch (e) {
    return error('whm', messageOf(e), codeOf(e), stages);
  }
  let verdict: Verdict;
  if (r.ok) {
    verdict = { status: 'valid', headline: `valid: ${r.scheme} token${r.tokenName ? ` "${r.tokenName}"` : ''} for ${r.user}${t(input.record).startsWith('{') || t(input.record).startsWith('[') ? '' : ', the pasted token'}` };
    if (r.acls && r.acls.length) notes.push(`ACLs handed to the handler: ${r.acls.join(', ')}`);
    if (r.expiresAt !== null) notes.push(`Expires ${utc(r.expiresAt)}.`);
  } else {
    verdict = { status: 'invalid', headline: `invalid (HTTP ${r.status}): ${r.message}`, code: r.code };
    if (r.code === 'TOKEN_INVALID' && !pastedToken.startsWith('{') && pastedToken !== parsed.credential) {
      if (pastedToken.toUpperCase() === parsed.credential.toUpperCase()) verdict.fix = 'The token differs only in letter case: tokens are 32 characters of [A-Z0-9]; send it exactly as issued.';
      else verdict.fix = 'The header carries another token than the one pasted: check for a truncated copy, quotes or whitespace.';
      stages.push({ kind: 'compare', title: '3. the token itself', expectedLabel: 'pasted token', expected: pastedToken, receivedLabel: 'token in the header', received: parsed.credential });
    }
    if (r.code === 'PATH_NOT_ALLOWED') verdict.fix = 'cPanel tokens reach UAPI (/execute/...), /json-api/cpanel itself and a few cpsrvd paths (docs/whm.md); use a WHM token ("whm USER:TOKEN") for WHM API calls.';
    if (r.code === 'IP_NOT_ALLOWED') verdict.fix = 'Call from an address in the token\'s whitelist_ip, or add this address to it.';
    if (r.code === 'TOKEN_EXPIRED') verdict.fix = 'Create a new token (api_token_create); expired tokens stay listed but never work again.';
    verdict = withFinding(verdict, diagnoseWhm({ authorization: header, code: r.code, ...(path !== undefined ? { path } : {}) }));
  }
  if (parsed.scheme === 'cpanel' && path === undefined) notes.push('cPanel tokens are path-restricted: paste the whole request so the path can be checked.');
  return { scheme: 'whm', verdict, stages, notes };
}

// ---------------------------------------------------------------------------------------------
// HostKey

export interface HostKeyVerifyInput {
  /** Raw HTTP, or the form body carrying `token=`. */
  request: string;
  /** The issued token (32 lowercase hex), or its session record JSON. */
  session: string;
  clientIp?: string;
  now?: number;
}

export async function analyzeHostKey(input: HostKeyVerifyInput): Promise<Analysis> {
  const p = parsePasted(input.request);
  const body = pastedBody(p);
  const s = input.session.trim();
  if (body === '' && !(p.query ?? '').includes('token=')) return error('hostkey', 'paste the request, or its form body (action=...&token=...)');
  if (s === '') return error('hostkey', 'enter the issued token, or the session record (JSON with "digest")');
  const now = nowSec(input.now);
  let record: HostKeySessionRecord;
  if (s.startsWith('{')) {
    try {
      record = JSON.parse(s) as HostKeySessionRecord;
    } catch (e) {
      return error('hostkey', `the session record is not JSON: ${messageOf(e)}`);
    }
  } else {
    record = { digest: digestHostKeyToken(s), subject: '', expiresAt: now + 3600, createdAt: now, ip: null };
  }
  const store = new MemoryHostKeyTokenStore();
  const stages: Stage[] = [];
  const notes: string[] = [];
  let fields: PhpArray;
  try {
    fields = parseStr(body, { maxVars: 256 });
  } catch (e) {
    return error('hostkey', `the form body does not parse: ${messageOf(e)}`, codeOf(e));
  }
  stages.push({ kind: 'table', title: '1. form fields as PHP\'s $_POST sees them', head: ['name', 'value'], rows: paramRows(fields) });
  const sent = fields.get('token');
  const sentText = typeof sent === 'string' ? sent : '';
  try {
    await store.put(record);
  } catch (e) {
    return error('hostkey', `the session record is not usable: ${messageOf(e)}`, codeOf(e), stages);
  }
  stages.push({
    kind: 'compare',
    title: '2. SHA-256 of the token (sessions store only this)',
    expectedLabel: 'stored digest',
    expected: typeof record.digest === 'string' ? record.digest : '(no digest)',
    receivedLabel: 'digest of the token sent',
    received: sentText === '' ? '(no token field)' : digestHostKeyToken(sentText),
  });
  let r;
  try {
    r = await verifyHostKeyRequest(body, { store, now, ...(input.clientIp ? { clientIp: input.clientIp.trim() } : {}) });
  } catch (e) {
    return error('hostkey', messageOf(e), codeOf(e), stages);
  }
  let verdict: Verdict;
  if (r.ok) {
    verdict = { status: 'valid', headline: r.subject === '' ? 'valid: the token sent is the pasted token' : `valid: session of ${r.subject}${r.ipBound ? ', bound to this address' : ''}` };
    if (!s.startsWith('{')) notes.push('Checked against the pasted token; paste the session record (JSON) to check expiry and the fix_ip binding too.');
    else notes.push(`Session expires ${utc(r.expiresAt)} (in ${roughDuration(r.expiresAt - now)}).`);
  } else {
    verdict = { status: 'invalid', headline: `invalid (HTTP ${r.status}): ${r.message}`, code: r.code };
    if (r.code === 'MISSING_FIELD' && /(?:^|&)token=/.test(p.query ?? '')) verdict.fix = 'HostKey reads token from the POST form body, not the URL query: send it as a form field.';
    else if (r.code === 'MISSING_FIELD') verdict.fix = 'Add the form field token=<the token from auth.php> to every call.';
    else if (r.code === 'TOKEN_INVALID' && sentText !== '' && !HOSTKEY_TOKEN_RE.test(sentText) && HOSTKEY_TOKEN_RE.test(sentText.toLowerCase().trim())) verdict.fix = 'Tokens are 32 lowercase hex characters: send the token exactly as auth.php returned it (no case change, no whitespace).';
    else if (r.code === 'TOKEN_INVALID') verdict.fix = 'The token is not the issued one, or the session ended (logout): log in again with auth.php.';
    else if (r.code === 'TOKEN_EXPIRED') verdict.fix = 'Log in again (auth.php); keep the token only until token_expire minus a margin.';
    else if (r.code === 'IP_NOT_ALLOWED') verdict.fix = 'The token was issued with fix_ip=1 for another address: call from that address, or log in without fix_ip.';
    verdict = withFinding(verdict, diagnoseHostKey({ code: r.code, body, ...(p.query !== undefined ? { query: p.query } : {}), ...(p.method !== undefined ? { method: p.method } : {}) }));
  }
  return { scheme: 'hostkey', verdict, stages, notes };
}

export interface HostKeyPinInput {
  pin: string;
  /** The stored PIN record (JSON: alg, N, r, p, dkLen, salt, hash). */
  record: string;
}

export async function analyzeHostKeyPin(input: HostKeyPinInput): Promise<Analysis> {
  let record: HostKeyPinRecord;
  try {
    record = JSON.parse(input.record) as HostKeyPinRecord;
  } catch (e) {
    return error('hostkey', `the PIN record is not JSON: ${messageOf(e)}`);
  }
  const stages: Stage[] = [
    {
      kind: 'table',
      title: '1. the stored PIN record',
      head: ['field', 'value'],
      rows: Object.entries(record ?? {}).map(([k, v]) => [k, String(v)]),
      note: 'scrypt(PIN, salt, N, r, p, dkLen), compared in constant time',
    },
  ];
  let ok: boolean;
  try {
    ok = await verifyHostKeyPinHash(input.pin, record);
  } catch (e) {
    return error('hostkey', `the PIN record is malformed: ${messageOf(e)}`, codeOf(e), stages);
  }
  const verdict: Verdict = ok
    ? { status: 'valid', headline: 'valid: the PIN matches the record' }
    : { status: 'invalid', headline: 'invalid: the PIN does not match the record', code: 'PIN_INVALID', fix: /^[0-9]{4,16}$/.test(input.pin) ? 'Wrong PIN. A server locks after 3 wrong entries, so check before retrying.' : 'PINs are 4 to 16 ASCII digits, nothing else (no spaces).' };
  return { scheme: 'hostkey', verdict, stages, notes: [] };
}

// ---------------------------------------------------------------------------------------------
// HostBill

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

function tokenOf(text: string): { kind: 'bearer' | 'basic' | 'none'; value: string } {
  const p = parsePasted(text);
  const auth = headerValue(p.headers, 'authorization') ?? (p.kind === 'text' ? p.body : undefined);
  if (auth === undefined) return { kind: 'none', value: '' };
  const a = auth.trim();
  if (/^bearer\s/i.test(a)) return { kind: 'bearer', value: a.replace(/^bearer\s+/i, '') };
  if (/^basic\s/i.test(a)) return { kind: 'basic', value: a };
  if (/^[A-Za-z0-9_=-]+\.[A-Za-z0-9_=-]*\.[A-Za-z0-9_=+/-]*$/.test(a)) return { kind: 'bearer', value: a };
  return { kind: 'none', value: a };
}

function pretty(json: unknown): string {
  return JSON.stringify(json, null, 2);
}

export function analyzeHostBill(input: HostBillVerifyInput): Analysis {
  const t = tokenOf(input.request);
  if (t.kind === 'basic') return analyzeBasic(t.value, input);
  if (t.kind === 'none') return error('hostbill', 'paste a JWT, an "Authorization: Bearer <jwt>" or "Authorization: Basic ..." header, or the request');
  const token = t.value;
  const stages: Stage[] = [];
  const notes: string[] = [];
  let header;
  try {
    header = decodeProtectedHeader(token);
  } catch (e) {
    return error('hostbill', `not a readable JWT: ${messageOf(e)}`, codeOf(e));
  }
  stages.push({ kind: 'text', title: '1. header', text: pretty(header) });
  const algBad = header.alg !== 'RS256';
  let payload: Record<string, unknown> | undefined;
  try {
    payload = decodeJwt(token) as Record<string, unknown>;
    stages.push({ kind: 'text', title: '2. payload (claims)', text: pretty(payload) });
  } catch (e) {
    stages.push({ kind: 'text', title: '2. payload (claims)', text: `does not decode: ${messageOf(e)}` });
  }
  const [h = '', pl = '', sig = ''] = token.split('.');
  const signingInput = `${h}.${pl}`;
  stages.push({ kind: 'text', title: '3. signing input: base64url(header) "." base64url(payload)', text: signingInput, note: `SHA-256: ${bytesHex(sha256(utf8ToBytes(signingInput)))}` });
  const now = nowSec(input.now);
  if (payload) {
    for (const claim of ['iat', 'nbf', 'exp'] as const) {
      const v = payload[claim];
      if (typeof v === 'number') {
        const d = v - now;
        notes.push(`${claim} ${v} = ${utc(v)}, ${d === 0 ? 'now' : d > 0 ? `in ${roughDuration(d)}` : `${roughDuration(d)} ago`}${claim === 'exp' && d <= 0 ? ': expired' : claim === 'nbf' && d > 0 ? ': not valid yet' : ''}.`);
      }
    }
  }
  const pem = (input.publicKey ?? '').trim();
  if (algBad) {
    return {
      scheme: 'hostbill',
      verdict: { status: 'invalid', headline: `invalid: alg ${JSON.stringify(header.alg).slice(0, 40)} is not allowed; only RS256`, code: 'ALG_NOT_ALLOWED', fix: 'HostBill signs with RS256 (an RSA key from ssh-keygen -t rsa -m PEM): issue tokens with alg RS256 only; a verifier must never accept "none" or HS256.' },
      stages,
      notes,
    };
  }
  if (pem === '') {
    return { scheme: 'hostbill', verdict: { status: 'error', headline: 'decoded only: paste the public key (PEM, JWK or ssh-rsa) to check the signature' }, stages, notes };
  }
  let key: RsaPublicKey;
  try {
    key = importPublicKey(pem.startsWith('{') ? (JSON.parse(pem) as Record<string, unknown>) : pem);
  } catch (e) {
    return error('hostbill', `the key does not import: ${messageOf(e)}`, codeOf(e), stages);
  }
  // Expected vs recovered EMSA-PKCS1-v1_5 block: where an RS256 signature goes wrong, byte by byte.
  try {
    const sigBytes = b64urlBytes(sig);
    const em = emsaPkcs1v15Sha256(sha256(utf8ToBytes(signingInput)), key.size);
    const s = bytesToBigint(sigBytes);
    const rec = s < key.n ? bigintToBytes(modPow(s, key.e, key.n), key.size) : null;
    stages.push({
      kind: 'compare',
      title: `4. signature^e mod n vs EMSA-PKCS1-v1_5(SHA-256(signing input)), ${key.size} bytes`,
      expectedLabel: 'expected block',
      expected: bytesHex(em),
      receivedLabel: `recovered from the signature (${sigBytes.length} bytes)`,
      received: rec ? bytesHex(rec) : '(signature is not smaller than the modulus)',
      wide: true,
    });
  } catch (e) {
    stages.push({ kind: 'text', title: '4. signature', text: `does not decode: ${messageOf(e)}` });
  }
  let verdict: Verdict;
  try {
    verifyJwt(token, key, { now, clockTolerance: input.clockToleranceSec ?? 0 });
    verdict = { status: 'valid', headline: 'valid: RS256 signature verifies and exp/nbf hold now' };
  } catch (e) {
    const code = codeOf(e) ?? 'ERROR';
    verdict = { status: 'invalid', headline: `invalid: ${messageOf(e)}`, code };
    if (code === 'ALG_NOT_ALLOWED') verdict.fix = 'HostBill signs with RS256 (an RSA key from ssh-keygen -t rsa -m PEM): issue tokens with alg RS256 only.';
    else if (code === 'SIGNATURE_INVALID') {
      verdict.fix = 'The token was not signed by this key\'s private half, or it was changed after signing: check the key pair (kid) and that the token was copied whole.';
    } else if (code === 'JWT_EXPIRED') verdict.fix = 'Get a new token (POST /api/token with the refresh token) before exp; allow a little clock skew with clockTolerance.';
    else if (code === 'JWT_NOT_YET_VALID') verdict.fix = 'The issuer\'s clock runs ahead of this one, or nbf is set in the future: sync clocks or allow a clockTolerance.';
    if (code === 'JWT_EXPIRED' || code === 'JWT_NOT_YET_VALID') {
      try {
        verifySignatureOnly(token, key);
        verdict.headline += ' (the signature itself verifies)';
      } catch {
        /* signature also bad: the first error stands */
      }
    }
  }
  return { scheme: 'hostbill', verdict, stages, notes };
}

function verifySignatureOnly(token: string, key: RsaPublicKey): boolean {
  // Far past any exp/nbf: only the signature and header checks remain meaningful.
  const payload = decodeJwt(token);
  const at = typeof payload.exp === 'number' ? payload.exp - 1 : typeof payload.nbf === 'number' ? payload.nbf : Math.floor(Date.now() / 1000);
  verifyJwt(token, key, { now: at });
  return true;
}

function b64urlBytes(s: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(s)) throw new Error('signature is not base64url');
  const std = s.replace(/-/g, '+').replace(/_/g, '/');
  const bin = atob(std + '='.repeat((4 - (std.length % 4)) % 4));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function analyzeBasic(header: string, input: HostBillVerifyInput): Analysis {
  let creds;
  try {
    creds = parseBasicAuth(header);
  } catch (e) {
    return { scheme: 'hostbill', verdict: { status: 'invalid', headline: `invalid: ${messageOf(e)}`, ...(codeOf(e) ? { code: codeOf(e)! } : {}), fix: 'Send "Authorization: Basic " + base64(UTF-8 of email ":" password).' }, stages: [], notes: [] };
  }
  const stages: Stage[] = [{ kind: 'table', title: '1. Basic credentials (RFC 7617)', head: ['part', 'value'], rows: [['email', creds.username], ['password', creds.password]] }];
  if (!input.email && !input.password) return { scheme: 'hostbill', verdict: { status: 'error', headline: 'decoded only: enter the expected e-mail and password to compare' }, stages, notes: [] };
  stages.push({ kind: 'compare', title: '2. e-mail', expectedLabel: 'expected', expected: input.email ?? '', receivedLabel: 'in the header', received: creds.username });
  const ok = creds.username === (input.email ?? '') && creds.password === (input.password ?? '');
  const verdict: Verdict = ok
    ? { status: 'valid', headline: 'valid: e-mail and password match' }
    : {
        status: 'invalid',
        headline: creds.username !== (input.email ?? '') ? 'invalid: another e-mail' : 'invalid: another password',
        code: 'CREDENTIALS_INVALID',
        fix: creds.username.trim() === (input.email ?? '').trim() && creds.username !== input.email ? 'The e-mail has extra whitespace: trim it before encoding.' : 'Encode exactly email ":" password in UTF-8, then base64 (the password may contain ":", the e-mail may not).',
      };
  return { scheme: 'hostbill', verdict, stages, notes: [] };
}
