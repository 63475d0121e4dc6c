/**
 * sign / verify / explain / diagnose for the token schemes: `jwt` (HostBill's RS256 tokens on
 * their own), `hostbill` (Basic and Bearer headers), `whm` (cPanel & WHM API tokens) and
 * `hostkey` (invapi session tokens and PINs). Every command shows its intermediate strings and
 * takes `--json`.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { bytesToHex } from '../../core/bytes.js';
import { signCompactJws, signJwt } from '../../jwt/index.js';
import { importPrivateKey } from '../../rsa/index.js';
import { splitAuthorization as splitAuthorizationHeader } from '../../schemes/hostbill/basic.js';
import { formatBasicAuth, parseBasicAuth } from '../../schemes/hostbill/index.js';
import {
  digestHostKeyToken,
  hostKeyApiKeyLogin,
  hostKeyCallbackCheck,
  hostKeyCheckPin,
  hostKeyInfo,
  hostKeyLogout,
  type HostKeyPinRecord,
  type HostKeyRequest,
  hostKeySetPin,
  hostKeyWhmcsLogin,
  MemoryHostKeyTokenStore,
  verifyHostKeyPinHash,
  verifyHostKeyRequest,
} from '../../schemes/hostkey/index.js';
import { digestWhmToken, formatWhmAuthorization, parseWhmAuthorization, verifyWhmAuthorization, type WhmScheme } from '../../schemes/whm/index.js';
import { type FlagSpec, type FlagValues, InputError, int, list, NOW_FLAG, str, UsageError } from '../args.js';
import { checkConfig, hostKeyRecords, type HostKeySessionConfig, type KeysConfig, loadConfig, whmRecords, type WhmTokenConfig } from '../config.js';
import { diagnoseHostBillBasic, diagnoseHostKey, diagnoseJwt, diagnoseWhm, type JwtDiagnoseReport, type JwtMistake } from '../../diagnose/index.js';
import { formatHttpRequest, header as httpHeader, parseHttpRequest } from '../http.js';
import { type CliCommand, type CliJson, cliJson, stagesObject } from '../json.js';
import type { Io } from '../io.js';
import { readText } from '../io.js';
import { block, diffMarks, jsonOut, verdictWord } from '../output.js';

const JWT = ['jwt', 'hostbill'] as const;
const HK = ['hostkey'] as const;

/** The flags that sign for the token schemes (sign, and explain's sign view). */
export const TOKEN_SIGN_FLAGS: Record<string, FlagSpec> = {
  now: { ...NOW_FLAG, desc: 'the clock for iat (and exp), in Unix seconds (default: now)', schemes: JWT },
  key: { type: 'string', value: 'FILE', desc: 'the RSA private key file (PEM PKCS#1/PKCS#8, DER, JWK)', schemes: JWT, per: { hostbill: 'Bearer: the RSA private key file (PEM PKCS#1/PKCS#8, DER, JWK)' } },
  claims: { type: 'string', value: 'JSON|@FILE', desc: 'the claims to sign, as JSON text or @file', schemes: JWT },
  header: { type: 'string', value: 'JSON', desc: 'the exact protected header text to sign (default {"alg":"RS256","kid"?,"typ":"JWT"})', schemes: JWT },
  kid: { type: 'string', value: 'KID', desc: 'header kid', schemes: JWT },
  'expires-in': { type: 'string', value: 'DURATION', desc: 'exp = iat + this (e.g. 15m)', schemes: JWT },
  issuer: { type: 'string', value: 'ISS', desc: 'iss to set', schemes: JWT },
  audience: { type: 'string', value: 'AUD', desc: 'aud to set', schemes: JWT },
  subject: { type: 'string', value: 'SUB', desc: 'sub to set', schemes: JWT },
  user: { type: 'string', value: 'USER', desc: 'the user', schemes: ['hostbill', 'whm', 'hostkey'], per: { hostbill: 'Basic: the user (e-mail)', whm: 'the WHM or cPanel user', hostkey: 'the billing login (--action whmcslogin)' } },
  password: { type: 'string', value: 'PASSWORD', desc: 'the password', schemes: ['hostbill', 'hostkey'], per: { hostbill: 'Basic: the password', hostkey: 'the billing password (--action whmcslogin)' } },
  token: { type: 'string', value: 'TOKEN', desc: 'the token', schemes: ['whm', 'hostkey'], per: { whm: 'the API token (32 of A-Z0-9)', hostkey: 'the session token' } },
  cpanel: { type: 'boolean', desc: 'a cPanel (UAPI) header: cpanel USER:TOKEN', schemes: ['whm'] },
  pin: { type: 'string', value: 'DIGITS', desc: 'the PIN (check_pin)', schemes: HK },
  'new-pin': { type: 'string', value: 'DIGITS', desc: 'the new PIN (set_pin)', schemes: HK },
  'old-pin': { type: 'string', value: 'DIGITS', desc: 'the old PIN (set_pin)', schemes: HK },
  callback: { type: 'string', value: 'KEY', desc: 'the callback key (callback_check)', schemes: HK },
  ttl: { type: 'string', value: 'SEC', desc: 'token lifetime (login)', schemes: HK },
  'fix-ip': { type: 'boolean', desc: 'bind the token to the caller\'s IP (login)', schemes: HK },
};

/** The flags that verify for the token schemes (verify, diagnose, and explain's verify view). */
export const TOKEN_VERIFY_FLAGS: Record<string, FlagSpec> = {
  key: { type: 'string', value: 'FILE', desc: 'the issuer\'s RSA public key file (PEM PKCS#1/SPKI, DER, JWK, ssh-rsa; a private key works too)', schemes: JWT, per: { hostbill: 'Bearer: the issuer\'s RSA public key file (PEM PKCS#1/SPKI, DER, JWK, ssh-rsa)' } },
  token: { type: 'string', value: 'TOKEN', desc: 'the token', schemes: ['jwt', 'hostkey'], per: { jwt: 'the compact JWT (- for stdin)', hostkey: 'the session token (as the body "token=...")' } },
  authorization: { type: 'string', value: 'HEADER', desc: 'the Authorization header value', schemes: ['jwt', 'hostbill', 'whm'], per: { jwt: 'the Authorization header value: "Bearer <jwt>"', hostbill: 'the Authorization header value: "Basic ..." or "Bearer ..."', whm: 'the Authorization header value: "whm USER:TOKEN" or "cpanel USER:TOKEN"' } },
  issuer: { type: 'string', value: 'ISS', desc: 'the iss to require', schemes: JWT },
  audience: { type: 'string', value: 'AUD', desc: 'the aud to require', schemes: JWT },
  subject: { type: 'string', value: 'SUB', desc: 'the sub to require', schemes: JWT },
  'clock-tolerance': { type: 'string', value: 'SEC', desc: 'leeway for exp/nbf/iat (default 0)', schemes: JWT },
  candidate: { type: 'string', multiple: true, value: 'FILE', desc: 'another key file the token may have been signed with (named when it verifies)', schemes: JWT },
  password: { type: 'string', value: 'PASSWORD', desc: 'Basic: the expected password', schemes: ['hostbill'] },
  tokens: { type: 'string', value: 'FILE.json', desc: 'token records {"USER": [{name, token|digest, expiresAt?, whitelistIps?, acls?}]} (or a keys.json)', schemes: ['whm'] },
  'client-ip': { type: 'string', value: 'IP', desc: 'the client address', schemes: ['whm', 'hostkey'], per: { whm: 'the client address (needed when the token has a whitelist_ip)', hostkey: 'the client address (needed when the session is bound by fix_ip)' } },
  sessions: { type: 'string', value: 'FILE.json', desc: 'session store [{token|digest, subject, expiresAt, ip?}] (or a keys.json)', schemes: HK },
  pin: { type: 'string', value: 'DIGITS', desc: 'the PIN to check against --pin-record', schemes: HK },
  'pin-record': { type: 'string', value: 'FILE.json', desc: 'a stored PIN record {alg:"scrypt", N, r, p, dkLen, salt, hash}', schemes: HK },
};

type Stages = [string, string][];

/** `map[key]` for a key from the request (a user name, an e-mail): own entries only, never `constructor` or `__proto__`. */
function own<T>(map: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return map !== undefined && Object.hasOwn(map, key) ? map[key] : undefined;
}

export interface TokenResult {
  scheme: string;
  /** sign: always true; verify: the verdict. */
  ok: boolean;
  code?: string;
  message?: string;
  /** The failure's details (a token's expiry, the header's flaw), for the plain headline. */
  details?: Readonly<Record<string, unknown>>;
  stages: Stages;
  /** sign: the request or header produced. */
  output?: Record<string, unknown>;
  diagnosis?: { id: string; title: string; fix: string; detail?: string }[];
  /** jwt: the full diagnosis report. */
  jwt?: JwtDiagnoseReport;
}

function need(v: string | undefined, flag: string, command: string): string {
  if (v === undefined || v === '') throw new UsageError(`missing --${flag}`, command);
  return v;
}

function readBytes(path: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path === '-' ? 0 : path));
  } catch (e) {
    throw new InputError(`cannot read "${path}": ${(e as Error).message}`);
  }
}

function keyInput(path: string): string | Uint8Array {
  const b = readBytes(path);
  const t = Buffer.from(b).toString('utf8');
  return /-----BEGIN |^\s*\{|^\s*ssh-rsa /.test(t) ? t : b;
}

function jsonArg(v: string, what: string): unknown {
  const text = v.startsWith('@') ? readText(v.slice(1)) : v;
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InputError(`${what} is not JSON: ${(e as Error).message}`);
  }
}

function tokenArg(f: FlagValues): string | undefined {
  const t = str(f, 'token');
  if (t === '-') return readText('-').trim();
  return t;
}

/** The Authorization header from --authorization or a --request file. */
function authorizationArg(f: FlagValues): string | undefined {
  const a = str(f, 'authorization');
  if (a !== undefined) return a;
  const r = str(f, 'request');
  if (r !== undefined) return httpHeader(parseHttpRequest(readText(r)), 'authorization');
  return undefined;
}

function b64urlText(s: string): string {
  try {
    return Buffer.from(s, 'base64url').toString('utf8');
  } catch {
    return '';
  }
}

function jwtStages(token: string): Stages {
  const [h = '', p = '', s = ''] = token.split('.');
  return [
    ['header', b64urlText(h)],
    ['payload', b64urlText(p)],
    ['header b64url', h],
    ['payload b64url', p],
    ['signing input', `${h}.${p}`],
    ['signature b64url', s],
  ];
}

function verifyOptions(f: FlagValues, command: string): { now?: number; issuer?: string; audience?: string; subject?: string; clockTolerance?: number } {
  const o: { now?: number; issuer?: string; audience?: string; subject?: string; clockTolerance?: number } = {};
  const now = int(f, 'now', command);
  if (now !== undefined) o.now = now;
  const tol = int(f, 'clock-tolerance', command);
  if (tol !== undefined) o.clockTolerance = tol;
  for (const k of ['issuer', 'audience', 'subject'] as const) {
    const v = str(f, k);
    if (v !== undefined) o[k] = v;
  }
  return o;
}

// ---- jwt ---------------------------------------------------------------------------------

function signJwtFromFlags(f: FlagValues, command: string): { token: string; stages: Stages } {
  const key = importPrivateKey(keyInput(need(str(f, 'key'), 'key', command)));
  const claimsArg = str(f, 'claims') ?? '{}';
  const headerText = str(f, 'header');
  let token: string;
  if (headerText !== undefined) {
    // Exact texts: header and payload bytes as given.
    const payloadText = claimsArg.startsWith('@') ? readText(claimsArg.slice(1)) : claimsArg;
    token = signCompactJws(headerText, payloadText, key);
  } else {
    const claims = jsonArg(claimsArg, '--claims');
    if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) throw new InputError('--claims must be a JSON object');
    const now = int(f, 'now', command);
    token = signJwt(claims as Record<string, unknown>, key, {
      ...(str(f, 'kid') !== undefined ? { kid: str(f, 'kid') } : {}),
      ...(str(f, 'expires-in') !== undefined ? { expiresIn: /^[0-9]+$/.test(str(f, 'expires-in')!) ? Number(str(f, 'expires-in')) : str(f, 'expires-in')! } : {}),
      ...(str(f, 'issuer') !== undefined ? { issuer: str(f, 'issuer') } : {}),
      ...(str(f, 'audience') !== undefined ? { audience: str(f, 'audience') } : {}),
      ...(str(f, 'subject') !== undefined ? { subject: str(f, 'subject') } : {}),
      ...(now !== undefined ? { now } : {}),
    });
  }
  return { token, stages: [...jwtStages(token), ['token', token]] };
}

function jwtMistakes(rep: JwtDiagnoseReport): TokenResult['diagnosis'] {
  return rep.matches.map((m: JwtMistake) => ({ id: m.id, title: m.title, fix: m.fix, detail: m.detail }));
}

/** Verifies a JWT with the key file and returns the staged view plus the diagnosis on failure. */
export function verifyJwtCli(token: string, keyFile: Uint8Array, opts: ReturnType<typeof verifyOptions>, candidates: [string, Uint8Array][] = [], scheme = 'jwt'): TokenResult {
  const rep = diagnoseJwt({ token, keyFile, candidates, options: opts });
  const st = rep.stages;
  const stages: Stages = [
    ['key', `${rep.key.format}${rep.key.bits ? `, ${rep.key.bits} bits` : ''}${rep.key.thumbprint ? `, thumbprint ${rep.key.thumbprint}` : ''}${rep.key.error ? ` (${rep.key.error})` : ''}`],
    ...(rep.kid !== undefined ? ([['kid', rep.kid]] as Stages) : []),
    ['header', st.header ?? ''],
    ['payload', st.payload ?? ''],
    ['signing input', st.signingInput ?? ''],
    ['signature b64url', st.signatureB64 ?? ''],
    ['expected', st.expectedDigest ? `sha256(signing input) = ${st.expectedDigest}` : ''],
  ];
  if (st.signedDigest !== undefined) stages.push(['received', `the signature holds ${st.signedDigest}`]);
  const out: TokenResult = { scheme, ok: rep.correct, stages: stages.filter(([, v]) => v !== ''), jwt: rep };
  if (!rep.correct) {
    out.code = rep.verdict;
    if (rep.message) out.message = rep.message;
    out.diagnosis = jwtMistakes(rep);
  }
  return out;
}

// ---- hostbill ----------------------------------------------------------------------------

function hostBillVerify(f: FlagValues, command: string, cfg: KeysConfig | undefined): TokenResult {
  const auth = authorizationArg(f);
  if (auth === undefined) throw new UsageError('HostBill needs --authorization "Basic ..."|"Bearer ..." (or --request FILE)', command);
  const { scheme: word, credentials } = splitAuthorizationHeader(auth);
  if (/^bearer$/i.test(word)) {
    const keyPath = str(f, 'key');
    const keyFile = keyPath !== undefined ? readBytes(keyPath) : cfg?.hostbill?.publicKey !== undefined ? new Uint8Array(Buffer.from(cfg.hostbill.publicKey)) : undefined;
    if (keyFile === undefined) throw new UsageError('a Bearer token needs the issuer\'s public key: --key FILE (or --config keys.json with hostbill.publicKey)', command);
    const o = verifyOptions(f, command);
    const r = verifyJwtCli(credentials, keyFile, { ...(cfg?.hostbill?.issuer !== undefined && o.issuer === undefined ? { issuer: cfg.hostbill.issuer as string } : {}), ...o }, list(f, 'candidate').map((c) => [c, readBytes(c)]), 'hostbill');
    r.stages.unshift(['Authorization', `Bearer ${credentials.slice(0, 24)}...`]);
    return r;
  }
  const stages: Stages = [['Authorization', auth]];
  let creds: { username: string; password: string };
  try {
    creds = parseBasicAuth(auth);
  } catch (e) {
    const code = (e as { code?: string }).code ?? 'AUTH_HEADER_MALFORMED';
    const decoded = Buffer.from(credentials, 'base64').toString('latin1');
    stages.push(['credentials', credentials], ['base64 decoded', JSON.stringify(decoded)]);
    const hints = diagnoseHostBillBasic({ authorization: auth, code });
    const details = (e as { details?: Readonly<Record<string, unknown>> }).details;
    return { scheme: 'hostbill', ok: false, code, message: (e as Error).message, ...(details !== undefined ? { details } : {}), stages, ...(hints.length ? { diagnosis: hints } : {}) };
  }
  stages.push(['credentials', credentials], ['user:pass', `${creds.username}:${'*'.repeat(creds.password.length)}`], ['user', creds.username]);
  const expected = str(f, 'password') ?? own(cfg?.hostbill?.basic, creds.username);
  if (expected === undefined) throw new UsageError(`give the expected password: --password P (or --config keys.json with hostbill.basic["${creds.username}"])`, command);
  const want = formatBasicAuth(creds.username, expected);
  stages.push(['expected', want], ['received', auth.trim()]);
  if (creds.password === expected) return { scheme: 'hostbill', ok: true, stages };
  return { scheme: 'hostbill', ok: false, code: 'TOKEN_INVALID', message: 'invalid user or password', stages };
}

// ---- whm ---------------------------------------------------------------------------------

function readRecordsFile(path: string, command: string): unknown {
  const v = jsonArg(`@${path}`, path);
  void command;
  return v;
}

async function whmVerify(f: FlagValues, command: string, cfg: KeysConfig | undefined): Promise<TokenResult> {
  const auth = authorizationArg(f);
  if (auth === undefined) throw new UsageError('WHM needs --authorization "whm USER:TOKEN" (or --request FILE)', command);
  let whm = cfg?.whm;
  const tokensPath = str(f, 'tokens');
  if (tokensPath !== undefined) {
    const doc = readRecordsFile(tokensPath, command) as Record<string, unknown>;
    whm = doc && typeof doc === 'object' && 'whm' in doc ? checkConfig(doc, dirname(resolve(tokensPath)), tokensPath).whm : (checkConfig({ whm: { tokens: doc } }, '.', tokensPath).whm as KeysConfig['whm']);
  }
  if (!whm) throw new UsageError('give the token records: --tokens FILE.json (or --config keys.json with a whm section)', command);
  const path = str(f, 'path') ?? (str(f, 'request') !== undefined ? parseHttpRequest(readText(str(f, 'request')!)).path : undefined);
  const clientIp = str(f, 'client-ip');
  const stages: Stages = [['Authorization', redactCredential(auth)]];
  try {
    const a = parseWhmAuthorization(auth);
    stages.push(['scheme', a.scheme], ['user', a.user], ['kind', a.kind], ['presented digest', digestWhmToken(a.credential)]);
    const recs = whmRecords(own(a.scheme === 'cpanel' ? whm.cpanelTokens : whm.tokens, a.user));
    stages.push(['stored digests', recs.length ? recs.map((r) => `${r.name}=${r.digest}`).join('\n') : '(none for this user)']);
  } catch {
    /* the verdict explains */
  }
  const now = int(f, 'now', command);
  const r = await verifyWhmAuthorization(auth, {
    lookup: (user: string, scheme: WhmScheme) => whmRecords(own(scheme === 'cpanel' ? whm!.cpanelTokens : whm!.tokens, user)),
    ...(clientIp !== undefined ? { clientIp } : {}),
    ...(path !== undefined ? { path } : {}),
    ...(now !== undefined ? { now } : {}),
  });
  if (path !== undefined) stages.push(['path', path]);
  if (clientIp !== undefined) stages.push(['client ip', clientIp]);
  if (r.ok) {
    stages.push(['token name', r.tokenName ?? '(access hash)'], ['acls', (r.acls ?? ['(all of the user\'s)']).join(',')], ['expires', r.expiresAt === null ? 'never' : String(r.expiresAt)]);
    return { scheme: 'whm', ok: true, stages };
  }
  if (r.code === 'IP_NOT_ALLOWED' && clientIp === undefined) {
    // Not a mistake in the request: the verifier was not told where it came from.
    const name = typeof r.details?.tokenName === 'string' ? r.details.tokenName : undefined;
    const list = whitelistOf(whm, auth, name);
    stages.push(['client ip', '(not given: --client-ip IP)']);
    return { scheme: 'whm', ok: false, code: r.code, message: `the client address was not given (--client-ip IP), and token${name !== undefined ? ` "${name}"` : ''} is restricted to whitelist_ip ${list ?? '(a whitelist)'}`, stages };
  }
  return { scheme: 'whm', ok: false, code: r.code, message: r.message, ...(r.details !== undefined ? { details: r.details } : {}), stages, diagnosis: diagnoseWhm({ authorization: auth, code: r.code, path, whm }) };
}

/** The whitelist_ip of the record named `name` of the header's user, for the message. */
function whitelistOf(whm: NonNullable<KeysConfig['whm']>, auth: string, name: string | undefined): string | undefined {
  try {
    const a = parseWhmAuthorization(auth);
    const rec = whmRecords(own(a.scheme === 'cpanel' ? whm.cpanelTokens : whm.tokens, a.user)).find((x) => x.name === name);
    return rec?.whitelistIps?.join(', ');
  } catch {
    return undefined;
  }
}

// ---- hostkey -----------------------------------------------------------------------------

function hostKeyBuild(f: FlagValues, command: string): HostKeyRequest {
  const action = str(f, 'action') ?? 'info';
  const base = str(f, 'base-url');
  switch (action) {
    case 'whmcslogin': {
      const ttl = int(f, 'ttl', command);
      return hostKeyWhmcsLogin({ user: need(str(f, 'user'), 'user', command), password: need(str(f, 'password'), 'password', command), ...(ttl !== undefined ? { ttl } : {}), ...(f['fix-ip'] === true ? { fixIp: true } : {}) }, base);
    }
    case 'login': {
      const ttl = int(f, 'ttl', command);
      return hostKeyApiKeyLogin(need(str(f, 'api-key'), 'api-key', command), base, { ...(ttl !== undefined ? { ttl } : {}), ...(f['fix-ip'] === true ? { fixIp: true } : {}) });
    }
    case 'logout':
      return hostKeyLogout(need(str(f, 'token'), 'token', command), base);
    case 'info':
      return hostKeyInfo(need(str(f, 'token'), 'token', command), base);
    case 'set_pin': {
      const old = str(f, 'old-pin');
      return hostKeySetPin({ token: need(str(f, 'token'), 'token', command), newPin: need(str(f, 'new-pin'), 'new-pin', command), ...(old !== undefined ? { oldPin: old } : {}) }, base);
    }
    case 'check_pin':
      return hostKeyCheckPin({ token: need(str(f, 'token'), 'token', command), pin: need(str(f, 'pin'), 'pin', command) }, base);
    case 'callback_check':
      return hostKeyCallbackCheck({ token: need(str(f, 'token'), 'token', command), key: need(str(f, 'callback'), 'callback', command) }, base);
    default:
      throw new UsageError(`hostkey --action must be whmcslogin, login, logout, info, set_pin, check_pin or callback_check, got "${action}"`, command);
  }
}

function redactBody(body: string): string {
  return body.replace(/(^|&)(password|key|new_pin|old_pin|pin)=([^&]*)/g, (_, a: string, k: string, v: string) => `${a}${k}=${'*'.repeat(Math.min(v.length, 8))}`);
}

async function hostKeyVerify(f: FlagValues, command: string, cfg: KeysConfig | undefined): Promise<TokenResult> {
  const pinRecordPath = str(f, 'pin-record');
  if (pinRecordPath !== undefined) {
    const rec = jsonArg(`@${pinRecordPath}`, pinRecordPath) as HostKeyPinRecord;
    const pin = need(str(f, 'pin'), 'pin', command);
    const ok = await verifyHostKeyPinHash(pin, rec);
    const stages: Stages = [['record', `scrypt N=${rec.N} r=${rec.r} p=${rec.p} dkLen=${rec.dkLen} salt=${rec.salt}`], ['expected', rec.hash], ['pin', '*'.repeat(pin.length)]];
    return ok ? { scheme: 'hostkey', ok, stages } : { scheme: 'hostkey', ok, code: 'PIN_INVALID', message: 'the PIN does not match the record', stages, diagnosis: diagnoseHostKey({ code: 'PIN_INVALID', pin }) };
  }
  let body = str(f, 'body');
  let query = '';
  let method = 'POST';
  const reqPath = str(f, 'request');
  if (body === undefined && reqPath !== undefined) {
    const raw = parseHttpRequest(readText(reqPath));
    body = raw.body;
    query = raw.query;
    method = raw.method;
  }
  if (body === undefined && str(f, 'token') !== undefined) body = `token=${str(f, 'token')}`;
  if (body === undefined) throw new UsageError('HostKey needs the request: --body "action=info&token=..." (or --request FILE, or --token T), or --pin with --pin-record', command);
  let sessions: HostKeySessionConfig[] | undefined = cfg?.hostkey?.sessions;
  const sp = str(f, 'sessions');
  if (sp !== undefined) {
    const doc = jsonArg(`@${sp}`, sp);
    sessions = Array.isArray(doc) ? (checkConfig({ hostkey: { sessions: doc } }, '.', sp).hostkey!.sessions) : checkConfig(doc, dirname(resolve(sp)), sp).hostkey?.sessions;
  }
  if (sessions === undefined) throw new UsageError('give the session store: --sessions FILE.json (or --config keys.json with hostkey.sessions)', command);
  const store = new MemoryHostKeyTokenStore();
  for (const r of hostKeyRecords(sessions)) await store.put(r);
  const clientIp = str(f, 'client-ip');
  const now = int(f, 'now', command);
  const token = new URLSearchParams(body).get('token');
  const stages: Stages = [['body', redactBody(body)], ['token', token ?? '(none)']];
  if (token) stages.push(['presented digest', digestHostKeyToken(token)]);
  stages.push(['stored digests', hostKeyRecords(sessions).map((r) => `${r.subject}=${r.digest}${r.ip ? ` ip=${r.ip}` : ''} expires ${r.expiresAt}`).join('\n') || '(none)']);
  const r = await verifyHostKeyRequest(body, { store, ...(clientIp !== undefined ? { clientIp } : {}), ...(now !== undefined ? { now } : {}) });
  if (r.ok) {
    stages.push(['subject', r.subject], ['expires', String(r.expiresAt)], ['ip bound', String(r.ipBound)]);
    return { scheme: 'hostkey', ok: true, stages };
  }
  if (r.code === 'IP_NOT_ALLOWED' && clientIp === undefined) {
    // Not a mistake in the request: the verifier was not told where it came from.
    const bound = token ? hostKeyRecords(sessions).find((x) => x.digest === digestHostKeyToken(token))?.ip : undefined;
    stages.push(['client ip', '(not given: --client-ip IP)']);
    return { scheme: 'hostkey', ok: false, code: r.code, message: `the client address was not given (--client-ip IP), and the session is bound to ${bound ?? 'an address'} (fix_ip)`, stages };
  }
  const expiresAt = r.code === 'TOKEN_EXPIRED' && token ? hostKeyRecords(sessions).find((x) => x.digest === digestHostKeyToken(token))?.expiresAt : undefined;
  const details = { ...r.details, ...(expiresAt !== undefined ? { expiresAt } : {}) };
  return { scheme: 'hostkey', ok: false, code: r.code, message: r.message, ...(Object.keys(details).length ? { details } : {}), stages, diagnosis: diagnoseHostKey({ code: r.code, body, query, method }) };
}

// ---- entry points ------------------------------------------------------------------------

function configOf(f: FlagValues): KeysConfig | undefined {
  const c = str(f, 'config');
  return c !== undefined ? loadConfig(c) : undefined;
}

export function signToken(scheme: string, f: FlagValues, command: string): TokenResult {
  if (scheme === 'jwt') {
    const { token, stages } = signJwtFromFlags(f, command);
    return { scheme, ok: true, stages, output: { token } };
  }
  if (scheme === 'hostbill') {
    if (str(f, 'key') !== undefined) {
      const { token, stages } = signJwtFromFlags(f, command);
      const header = `Bearer ${token}`;
      return { scheme, ok: true, stages: [...stages, ['Authorization', header]], output: { authorization: header, token } };
    }
    const user = need(str(f, 'user'), 'user', command);
    const password = need(str(f, 'password'), 'password', command);
    const header = formatBasicAuth(user, password);
    return { scheme, ok: true, stages: [['user:pass', `${user}:${password}`], ['UTF-8 hex', bytesToHex(new Uint8Array(Buffer.from(`${user}:${password}`, 'utf8')))], ['base64', header.slice(6)], ['Authorization', header]], output: { authorization: header } };
  }
  if (scheme === 'whm') {
    const user = need(str(f, 'user'), 'user', command);
    const token = need(str(f, 'token'), 'token', command);
    const header = formatWhmAuthorization({ scheme: f.cpanel === true ? 'cpanel' : 'whm', user, token });
    return { scheme, ok: true, stages: [['scheme', f.cpanel === true ? 'cpanel' : 'whm'], ['user', user], ['token', token], ['stored digest', digestWhmToken(token)], ['Authorization', header]], output: { authorization: header, digest: digestWhmToken(token) } };
  }
  const r = hostKeyBuild(f, command);
  const url = new URL(r.url);
  const http = formatHttpRequest({ method: r.method, target: `${url.pathname}${url.search}`, headers: [['Host', url.host], ['Content-Type', r.headers['content-type']]], body: r.body });
  return { scheme, ok: true, stages: [['action', str(f, 'action') ?? 'info'], ['url', r.url], ['content-type', r.headers['content-type']], ['body', r.body]], output: { method: r.method, url: r.url, headers: r.headers, body: r.body, http } };
}

export async function verifyToken(scheme: string, f: FlagValues, command: string): Promise<TokenResult> {
  const cfg = configOf(f);
  if (scheme === 'jwt') {
    const token = tokenArg(f) ?? (() => {
      const a = authorizationArg(f);
      return a !== undefined ? splitAuthorizationHeader(a).credentials : undefined;
    })();
    if (token === undefined) throw new UsageError('jwt needs --token TOKEN (or - for stdin), --authorization "Bearer ...", or --request FILE', command);
    const keyPath = str(f, 'key');
    const keyFile = keyPath !== undefined ? readBytes(keyPath) : cfg?.hostbill?.publicKey !== undefined ? new Uint8Array(Buffer.from(cfg.hostbill.publicKey)) : undefined;
    if (keyFile === undefined) throw new UsageError('jwt needs the key: --key FILE', command);
    return verifyJwtCli(token, keyFile, verifyOptions(f, command), list(f, 'candidate').map((c) => [c, readBytes(c)]));
  }
  if (scheme === 'hostbill') return hostBillVerify(f, command, cfg);
  if (scheme === 'whm') return whmVerify(f, command, cfg);
  return hostKeyVerify(f, command, cfg);
}

/** The shared `--json` document (src/cli/json.ts) of a token-scheme result: `sign` when it signed, else the verdict. */
export function tokenJson(r: TokenResult, command: CliCommand, kind: 'sign' | 'verify'): CliJson {
  return cliJson({
    command,
    scheme: r.scheme,
    result: kind === 'sign' ? 'signed' : r.ok ? 'valid' : 'invalid',
    error: r.code,
    message: r.code !== undefined ? r.message : undefined,
    stages: stagesObject(r.stages),
    output: r.jwt ? { key: r.jwt.key, ...(r.jwt.kid !== undefined ? { kid: r.jwt.kid } : {}) } : r.output,
    diagnosis: kind === 'verify' && !r.ok ? r.diagnosis : undefined,
  });
}

export function formatDiagnosisList(d: NonNullable<TokenResult['diagnosis']>, io: Io): string {
  const st = io.style;
  if (!d.length) return `${st.yellow('no known mistake reproduces this failure')}`;
  const lines = [`${st.bold('diagnosis')}: ${d.length === 1 ? 'one known mistake reproduces it' : `${d.length} findings`}`];
  for (const m of d) {
    lines.push(`  ${st.yellow(m.id)}: ${m.title}`);
    if (m.detail) lines.push(`    reproduced by: ${m.detail}`);
    lines.push(`    fix: ${m.fix}`);
  }
  return lines.join('\n');
}

export function formatToken(r: TokenResult, io: Io, kind: 'sign' | 'verify' | 'explain' | 'diagnose'): string {
  const st = io.style;
  const head = kind === 'sign' ? st.bold(`sign ${r.scheme}`) : `${st.bold(`${kind} ${r.scheme}`)}: ${verdictWord(r.ok, st)}${r.code ? ` ${st.red(r.code)} (${r.message})` : ''}`;
  const pairs = r.stages.map(([k, v]): [string, string] => [k, v]);
  const exp = r.stages.find(([k]) => k === 'expected')?.[1];
  const got = r.stages.find(([k]) => k === 'received')?.[1];
  const lines = [head, block(pairs, st)];
  if (exp !== undefined && got !== undefined && exp !== got && kind !== 'sign') {
    const a = exp.replace(/^sha256\(signing input\) = /, '');
    const b = got.replace(/^the signature holds /, '');
    if (a.length === b.length && a !== b) lines.push(`${' '.repeat(Math.max(...pairs.map(([k]) => k.length)) + 2)}${' '.repeat(exp.length - a.length)}${st.yellow(diffMarks(a, b))}`);
  }
  if (r.diagnosis) lines.push('', formatDiagnosisList(r.diagnosis, io));
  return `${lines.join('\n')}\n`;
}

export type { WhmTokenConfig };

/** `whm root:ABCDEFGH...` -> `whm root:ABCD...`: the first 4 characters after the colon of the last word. */
function redactCredential(auth: string): string {
  let lastBlank = -1;
  for (let i = 0; i < auth.length; i++) if (/\s/.test(auth[i]!)) lastBlank = i;
  const c = auth.indexOf(':', lastBlank + 1);
  return c === -1 || auth.length - c - 1 < 4 ? auth : `${auth.slice(0, c + 5)}...`;
}
