/**
 * The page's signing side: form values -> the signed request, its stages, and `curl`, PHP and
 * JavaScript snippets that send exactly those bytes. Pure over the library's public API.
 */
import { PhpArray, parseStr } from '../core/index.js';
import { importPrivateKey } from '../rsa/index.js';
import { durationSeconds, parseJsonStrict, signCompactJws } from '../jwt/index.js';
import { HostsigError } from '../core/errors.js';
import { formatBasicAuth, formatBearerAuth } from '../schemes/hostbill/index.js';
import { type HostDimeDialect, hostDimeParamsJson, signHostDime } from '../schemes/hostdime/index.js';
import { buildHostKeyRequest, hashHostKeyPin } from '../schemes/hostkey/index.js';
import { signSixConnect } from '../schemes/sixconnect/index.js';
import { formatWhmAuthorization } from '../schemes/whm/index.js';
import type { Staged } from '../diagnose/index.js';
import type { SchemeId, Stage } from './model.js';

export interface HttpRequestOut {
  method: 'GET' | 'POST';
  url: string;
  headers: [string, string][];
  body?: string;
}

export interface Signed extends Staged<SchemeId> {
  request: HttpRequestOut;
  snippets: { curl: string; php: string; js: string };
  /** The JWT, when one was made (HostBill Bearer). */
  token?: string;
  /** Extra output (a PIN record). */
  extra?: { title: string; text: string };
}

/**
 * Params typed one per line as `name=value` (values raw, not encoded; `meta[type]=x` nests),
 * or pasted as one query string (`a=1&b=2`, encoded). Read the way PHP reads a form.
 */
export function paramsFromText(text: string): PhpArray {
  const t = text.trim();
  if (t === '') return new PhpArray();
  const lines = t.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length === 1 && lines[0]!.includes('&')) return parseStr(lines[0]!, { maxVars: Infinity });
  const enc = (s: string) => encodeURIComponent(s).replace(/%5B/gi, '[').replace(/%5D/gi, ']');
  const q = lines
    .map((l) => {
      const eq = l.indexOf('=');
      return eq === -1 ? `${enc(l.trim())}=` : `${enc(l.slice(0, eq).trim())}=${encodeURIComponent(l.slice(eq + 1))}`;
    })
    .join('&');
  return parseStr(q, { maxVars: Infinity });
}

const shq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const phpq = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
const jsq = (s: string) => JSON.stringify(s);

/** `curl`, PHP (ext-curl) and `fetch` snippets sending exactly `r`. */
export function snippets(r: HttpRequestOut): Signed['snippets'] {
  const curl = [`curl${r.method === 'POST' ? ' -X POST' : ''} ${shq(r.url)}`, ...r.headers.map(([k, v]) => `-H ${shq(`${k}: ${v}`)}`), ...(r.body !== undefined ? [`--data-raw ${shq(r.body)}`] : [])].join(' \\\n  ');
  const opts = [
    '    CURLOPT_RETURNTRANSFER => true,',
    ...(r.method === 'POST' ? ['    CURLOPT_POST => true,', `    CURLOPT_POSTFIELDS => ${phpq(r.body ?? '')},`] : []),
    ...(r.headers.length ? [`    CURLOPT_HTTPHEADER => [${r.headers.map(([k, v]) => phpq(`${k}: ${v}`)).join(', ')}],`] : []),
  ];
  const php = [
    '<?php',
    `$ch = curl_init(${phpq(r.url)});`,
    'curl_setopt_array($ch, [',
    ...opts,
    ']);',
    '$response = curl_exec($ch);',
    "echo curl_getinfo($ch, CURLINFO_RESPONSE_CODE), ' ', $response, PHP_EOL;",
  ].join('\n');
  const init = [`  method: ${jsq(r.method)},`];
  if (r.headers.length) init.push(`  headers: { ${r.headers.map(([k, v]) => `${jsq(k)}: ${jsq(v)}`).join(', ')} },`);
  if (r.body !== undefined) init.push(`  body: ${jsq(r.body)},`);
  const js = [`const res = await fetch(${jsq(r.url)}, {`, ...init, '});', 'console.log(res.status, await res.text());'].join('\n');
  return { curl, php, js };
}

function done(scheme: SchemeId, request: HttpRequestOut, stages: Stage[], extra?: Signed['extra']): Signed {
  const out: Signed = { scheme, request, stages: [...stages, { kind: 'text', title: 'signed request', text: httpText(request) }], snippets: snippets(request) };
  if (extra) out.extra = extra;
  return out;
}

/** The request as an .http file / proxy dump. */
export function httpText(r: HttpRequestOut): string {
  const m = /^[a-z]+:\/\/([^/?#]*)(.*)$/i.exec(r.url);
  const host = m?.[1] ?? '';
  const target = m?.[2] || '/';
  const lines = [`${r.method} ${target} HTTP/1.1`, `Host: ${host}`, ...r.headers.map(([k, v]) => `${k}: ${v}`)];
  return `${lines.join('\n')}\n\n${r.body ?? ''}`;
}

export interface HostDimeSignForm {
  publicKey: string;
  privateKey: string;
  method: string;
  params: string;
  dialect?: HostDimeDialect;
  timestamp?: string;
  unique?: string;
  baseUrl?: string;
}

export function signHostDimeForm(f: HostDimeSignForm): Signed {
  const params = paramsFromText(f.params);
  const dialect = f.dialect ?? 'php';
  const r = signHostDime({
    publicKey: f.publicKey,
    privateKey: f.privateKey,
    method: f.method.trim(),
    params,
    dialect,
    debug: true, // the page shows the hash input
    ...(f.timestamp?.trim() ? { timestamp: Number(f.timestamp.trim()) } : {}),
    ...(f.unique?.trim() ? { unique: f.unique.trim() } : {}),
    ...(f.baseUrl?.trim() ? { baseUrl: f.baseUrl.trim().replace(/\/+$/, '') } : {}),
  });
  const request: HttpRequestOut = { method: 'POST', url: r.url, headers: [['Content-Type', 'application/x-www-form-urlencoded']], body: r.body };
  return done('hostdime', request, [
    { kind: 'text', title: `params JSON (${dialect} dialect)`, text: hostDimeParamsJson(params, dialect) },
    { kind: 'text', title: 'hash input', text: r.canonical },
    { kind: 'text', title: 'api_hash = SHA-256, lowercase hex', text: r.hash },
  ]);
}

export interface SixConnectSignForm {
  baseUrl: string;
  target: string;
  action: string;
  params: string;
  apiKey: string;
  secretKey: string;
  encodeHash?: boolean;
}

export function signSixConnectForm(f: SixConnectSignForm): Signed {
  const r = signSixConnect({
    baseUrl: f.baseUrl.trim(),
    target: f.target.trim(),
    action: f.action.trim(),
    params: paramsFromText(f.params),
    apiKey: f.apiKey.trim(),
    secretKey: f.secretKey,
    encodeHash: f.encodeHash === true,
  });
  return done('sixconnect', { method: 'GET', url: r.url, headers: [] }, [
    { kind: 'text', title: 'HMAC input: the query up to apiKey', text: r.signedQuery },
    { kind: 'text', title: 'hash = base64(HMAC-SHA256(secret, input))', text: r.hash },
  ]);
}

export interface WhmSignForm {
  scheme: 'whm' | 'cpanel';
  user: string;
  token: string;
  url: string;
}

export function signWhmForm(f: WhmSignForm): Signed {
  const auth = formatWhmAuthorization({ scheme: f.scheme, user: f.user.trim(), token: f.token.trim() });
  return done('whm', { method: 'GET', url: f.url.trim(), headers: [['Authorization', auth]] }, [{ kind: 'text', title: 'Authorization header', text: auth }]);
}

export interface HostKeySignForm {
  baseUrl?: string;
  module: string;
  action: string;
  token: string;
  fields: string;
}

export function signHostKeyForm(f: HostKeySignForm): Signed {
  const fields: [string, string][] = [];
  for (const [k, v] of paramsFromText(f.fields).entries()) if (typeof v === 'string') fields.push([k, v]);
  if (f.token.trim() !== '') fields.push(['token', f.token.trim()]);
  const r = buildHostKeyRequest(f.module.trim(), f.action.trim(), fields, f.baseUrl?.trim() || undefined);
  return done('hostkey', { method: 'POST', url: r.url, headers: [['Content-Type', 'application/x-www-form-urlencoded']], body: r.body }, [{ kind: 'text', title: 'form body', text: r.body }]);
}

/** A PIN record for the server side (scrypt, fresh salt): what the PIN check compares against. */
export async function hostKeyPinRecord(pin: string): Promise<string> {
  return JSON.stringify(await hashHostKeyPin(pin.trim()));
}

export interface HostBillSignForm {
  url: string;
  mode: 'jwt' | 'basic';
  email?: string;
  password?: string;
  /** PKCS#1/PKCS#8 PEM or a private JWK. */
  privateKey?: string;
  /** Header JSON; empty: `{"alg":"RS256","typ":"JWT"}`. */
  header?: string;
  /** Payload (claims) JSON. */
  claims?: string;
  /** Lifetime: seconds or a duration like `1h`, sets `iat` (now) and `exp`; empty: the payload as typed. */
  expiresIn?: string;
  /** Signing time for `iat`/`exp`, seconds; default: the clock. */
  now?: number;
}

/** Line and column (1-based) of a character offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(Math.max(offset, 0), text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}

/**
 * A JSON object typed in the page, read strictly (no duplicate keys). A mistake throws
 * `INVALID_ARGUMENT` saying where: `payload JSON is invalid at line 2, column 9: ...`.
 */
export function parseJsonField(text: string, what: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = parseJsonStrict(text, what);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const m = offsetMessage(msg);
    if (!m) throw new HostsigError('INVALID_ARGUMENT', `${what} JSON is invalid: ${msg}`);
    const { line, column } = lineColumn(text, m.offset);
    throw new HostsigError('INVALID_ARGUMENT', `${what} JSON is invalid at line ${line}, column ${column}: ${m.reason}`, { line, column });
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new HostsigError('INVALID_ARGUMENT', `${what} JSON must be an object`);
  return v as Record<string, unknown>;
}

const DEFAULT_JWT_HEADER = '{"alg":"RS256","typ":"JWT"}';

/** `<what>: <reason> at offset <n>` (the strict JSON reader's message) split by index, or null. */
function offsetMessage(msg: string): { reason: string; offset: number } | null {
  const head = msg.indexOf(': ');
  const tail = msg.lastIndexOf(' at offset ');
  if (head < 0 || tail < head + 2) return null;
  const digits = msg.slice(tail + 11);
  if (digits.length === 0 || digits.length > 15) return null;
  for (let i = 0; i < digits.length; i++) if (digits.charCodeAt(i) < 48 || digits.charCodeAt(i) > 57) return null;
  return { reason: msg.slice(head + 2, tail), offset: Number(digits) };
}

/**
 * The JWT the HostBill sign form makes: the header and payload JSON as typed (re-serialized
 * compactly, as jwt.io does), `iat`/`exp` set when a lifetime is given, signed RS256.
 */
export function signHostBillJwt(f: Pick<HostBillSignForm, 'privateKey' | 'header' | 'claims' | 'expiresIn' | 'now'>): { token: string; header: Record<string, unknown>; payload: Record<string, unknown> } {
  const header = parseJsonField((f.header ?? '').trim() || DEFAULT_JWT_HEADER, 'header');
  const payload = (f.claims ?? '').trim() === '' ? {} : parseJsonField(f.claims!, 'payload');
  const pem = (f.privateKey ?? '').trim();
  if (pem === '') throw new HostsigError('INVALID_ARGUMENT', 'paste the private key (PEM or JWK) to sign');
  const key = importPrivateKey(pem.startsWith('{') ? parseJsonField(pem, 'private key') : pem);
  const exp = (f.expiresIn ?? '').trim();
  if (exp !== '') {
    const now = Math.floor(f.now ?? Date.now() / 1000);
    payload.iat = now;
    payload.exp = now + durationSeconds(/^[0-9]+$/.test(exp) ? Number(exp) : exp, 'expiresIn');
  }
  if (header.alg !== 'RS256') throw new HostsigError('INVALID_ARGUMENT', `header "alg" must be "RS256" to sign with an RSA key (it is ${JSON.stringify(header.alg ?? null)})`);
  return { token: signCompactJws(JSON.stringify(header), JSON.stringify(payload), key), header, payload };
}

export function signHostBillForm(f: HostBillSignForm): Signed {
  const url = f.url.trim();
  if (f.mode === 'basic') {
    const auth = formatBasicAuth(f.email ?? '', f.password ?? '');
    return done('hostbill', { method: 'GET', url, headers: [['Authorization', auth]] }, [{ kind: 'text', title: 'Authorization: Basic base64(email ":" password)', text: auth }]);
  }
  const { token: jwt } = signHostBillJwt(f);
  const auth = formatBearerAuth(jwt);
  const [h = '', p = ''] = jwt.split('.');
  const out = done('hostbill', { method: 'GET', url, headers: [['Authorization', auth]] }, [
    { kind: 'text', title: 'signing input', text: `${h}.${p}` },
    { kind: 'text', title: 'JWT (RS256)', text: jwt },
  ]);
  out.token = jwt;
  return out;
}
