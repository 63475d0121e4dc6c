/**
 * The main job: start `hostsig serve` in-process on a random loopback port, sign one request
 * per scheme with the library (all five), send each over real HTTP, plus the replay, tamper and
 * real-world-mistake rows, and print the server's verdicts and diagnoses; then the vectors.
 * The mistaken requests are made the way the mistaken clients make them (node:crypto HMAC for
 * the alg confusion, JSON.stringify for the JS dialect, ...), not by hostsig's signers.
 */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { signJwt } from '../jwt/index.js';
import { exportSpkiPem, importPrivateKey } from '../rsa/index.js';
import { formatBasicAuth } from '../schemes/hostbill/index.js';
import { signHostDime } from '../schemes/hostdime/index.js';
import { hostKeyApiKeyLogin, hostKeyInfo, hostKeyLogout } from '../schemes/hostkey/index.js';
import { signSixConnect, signSixConnectQuery } from '../schemes/sixconnect/index.js';
import { formatWhmAuthorization } from '../schemes/whm/index.js';
import { packageRoot } from './config.js';
import { DEMO_CONFIG_RAW, demoConfig, type ServeVerdict, startServer } from './commands/serve.js';
import type { Style } from './output.js';
import { table } from './output.js';

export interface DemoRow {
  scheme: string;
  request: string;
  /** What the demo expects: valid, or the error code. */
  expect: string;
  status: number;
  verdict: string;
  diagnosis: string;
}

const HD_PUB = 'demo-public';
const HD_PRIV = 'demo-private';
const SC_KEY = '32-5DAYTJQY2TZHOFOB';
const SC_SECRET = '48b278ec873bda4738923dbc467f8669';
const WHM_TOKEN = DEMO_CONFIG_RAW.whm.tokens.root[0]!.token;
const CPANEL_TOKEN = DEMO_CONFIG_RAW.whm.cpanelTokens.bob[0]!.token;
const HK_KEY = 'demo-hostkey-api-key';

const b64u = (s: string) => Buffer.from(s).toString('base64url');

export async function runDemo(): Promise<DemoRow[]> {
  let last: ServeVerdict | undefined;
  const h = await startServer({ port: 0, config: demoConfig(), log: () => {}, onVerdict: (v) => (last = v) });
  const rows: DemoRow[] = [];
  const send = async (scheme: string, label: string, expect: string, url: string, init?: RequestInit): Promise<string> => {
    last = undefined;
    const res = await fetch(url, init);
    const text = await res.text();
    const v = last as ServeVerdict | undefined;
    rows.push({ scheme, request: label, expect, status: res.status, verdict: res.headers.get('x-hostsig-verdict') ?? '?', diagnosis: v?.diagnosis[0]?.id ?? (v?.diagnosisSkipped !== undefined ? `skipped: ${v.diagnosisSkipped}` : '') });
    return text;
  };
  try {
    // HostDime: form POST with api_hash.
    const hd = signHostDime({ publicKey: HD_PUB, privateKey: HD_PRIV, method: 'domain.list', params: { status: 'registered', note: 'Jos\u00e9 / 😀' }, baseUrl: h.url });
    const post = (body: string): RequestInit => ({ method: 'POST', headers: hd.headers, body });
    await send('hostdime', `POST ${hd.path}`, 'valid', hd.url, post(hd.body));
    await send('hostdime', '  same request again', 'REPLAYED', hd.url, post(hd.body));
    await send('hostdime', '  a param changed', 'SIGNATURE_INVALID', hd.url, post(hd.body.replace('registered', 'expired')));
    const js = signHostDime({ publicKey: HD_PUB, privateKey: HD_PRIV, method: 'domain.list', params: { status: 'registered', note: 'Jos\u00e9 / 😀' }, dialect: 'js', baseUrl: h.url });
    await send('hostdime', '  signed like the Node client', 'SIGNATURE_INVALID', js.url, post(js.body));
    // One identity: api_* is outside the hash, so another tenant's api_key in front would be
    // what URLSearchParams reads while PHP reads the signed one.
    await send('hostdime', '  another api_key prepended', 'FIELD_DUPLICATE', hd.url, post(`api_key=someone-else&${hd.body}`));

    // 6connect: GET with hash= last.
    const base = `${h.url}/api/v1/api.php`;
    const sc = signSixConnect({ baseUrl: base, target: 'ipam', action: 'get', params: { type: 'IP', mask: '24', meta: { name: 'API Test' } }, apiKey: SC_KEY, secretKey: SC_SECRET });
    await send('sixconnect', `GET ?${sc.signedQuery.slice(0, 34)}...`, 'valid', sc.url);
    await send('sixconnect', '  hash with + turned to %20', 'valid', sc.url.replace(/\+(?=[^&]*$)/g, '%20'));
    await send('sixconnect', '  param after hash', 'HASH_NOT_LAST', `${sc.url}&mask=8`);
    const hexKey = Uint8Array.from(SC_SECRET.match(/../g)!.map((b) => parseInt(b, 16)));
    await send('sixconnect', '  secret hex-decoded', 'SIGNATURE_INVALID', `${base}?${signSixConnectQuery(sc.signedQuery, hexKey)}`);
    await send('sixconnect', '  apiKey twice, all of it signed', 'FIELD_DUPLICATE', `${base}?${signSixConnectQuery(`apiKey=someone-else&${sc.signedQuery}`, SC_SECRET)}`);

    // HostBill: Bearer RS256 JWT from the 4096-bit ssh-keygen -m PEM test key, and Basic.
    const root = packageRoot();
    const priv = importPrivateKey(readFileSync(join(root, 'vectors/keys/hostbill4096.key'), 'utf8'));
    const now = Math.floor(Date.now() / 1000);
    const jwt = signJwt({ sub: 'client@example.com' }, priv, { issuer: DEMO_CONFIG_RAW.hostbill.issuer, expiresIn: '15m', kid: 'hostbill', now });
    const api = `${h.url}/api/client/details`;
    const bearer = (t: string): RequestInit => ({ headers: { authorization: `Bearer ${t}` } });
    await send('hostbill', 'GET /api/client/details  Bearer', 'valid', api, bearer(jwt));
    await send('hostbill', 'GET /api/client/details  Basic', 'valid', api, { headers: { authorization: formatBasicAuth('client@example.com', 'demo-password') } });
    const [jh, , js2] = jwt.split('.');
    await send('hostbill', '  claims changed (sub)', 'SIGNATURE_INVALID', api, bearer(`${jh}.${b64u(JSON.stringify({ sub: 'admin@example.com', iss: DEMO_CONFIG_RAW.hostbill.issuer, iat: now, exp: now + 900 }))}.${js2}`));
    const si = `${b64u('{"alg":"HS256","typ":"JWT"}')}.${b64u(JSON.stringify({ sub: 'admin@example.com', iss: DEMO_CONFIG_RAW.hostbill.issuer }))}`;
    const hs = `${si}.${createHmac('sha256', exportSpkiPem(priv)).update(si).digest('base64url')}`;
    await send('hostbill', '  HS256 with the public key', 'ALG_NOT_ALLOWED', api, bearer(hs));
    const old = signJwt({ sub: 'client@example.com' }, priv, { issuer: DEMO_CONFIG_RAW.hostbill.issuer, expiresIn: 60, now: now - 150 });
    await send('hostbill', '  expired, issuer clock 90 s slow', 'JWT_EXPIRED', api, bearer(old));

    // cPanel & WHM: Authorization: whm USER:TOKEN.
    const listaccts = `${h.url}/json-api/listaccts?api.version=1`;
    const auth = (a: string): RequestInit => ({ headers: { authorization: a } });
    await send('whm', 'GET /json-api/listaccts  whm root:...', 'valid', listaccts, auth(formatWhmAuthorization({ user: 'root', token: WHM_TOKEN })));
    await send('whm', '  token lower-cased', 'TOKEN_INVALID', listaccts, auth(`whm root:${WHM_TOKEN.toLowerCase()}`));
    await send('whm', '  user and token split by a space', 'AUTH_HEADER_MALFORMED', listaccts, auth(`whm root ${WHM_TOKEN}`));
    await send('whm', '  cpanel token on a WHM path', 'PATH_NOT_ALLOWED', listaccts, auth(formatWhmAuthorization({ scheme: 'cpanel', user: 'bob', token: CPANEL_TOKEN })));
    const two = new Headers([['authorization', formatWhmAuthorization({ user: 'root', token: WHM_TOKEN })], ['authorization', 'Bearer junk']]);
    await send('whm', '  a second Authorization header', 'AUTH_HEADER_DUPLICATE', listaccts, { headers: two });

    // HostKey: log in at auth.php, then token= form posts.
    const login = hostKeyApiKeyLogin(HK_KEY, h.url);
    const reply = JSON.parse(await send('hostkey', 'POST /auth.php  action=login', 'valid', login.url, { method: 'POST', headers: login.headers, body: login.body })) as { result: { token: string } };
    const token = reply.result.token;
    const info = hostKeyInfo(token, h.url).body;
    const eq = `${h.url}/eq.php`;
    const form = (body: string): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    await send('hostkey', 'POST /eq.php  action=info&token=...', 'valid', eq, form(info));
    await send('hostkey', '  token in the URL, not the body', 'MISSING_FIELD', `${eq}?token=${token}`, form('action=info'));
    const out = hostKeyLogout(token, h.url);
    await send('hostkey', '  POST /auth.php  action=logout', 'valid', out.url, { method: 'POST', headers: out.headers, body: out.body });
    await send('hostkey', '  same token after logout', 'TOKEN_INVALID', eq, form(info));
  } finally {
    await h.close();
  }
  return rows;
}

export function demoOk(rows: DemoRow[]): boolean {
  return rows.every((r) => r.verdict === r.expect);
}

export function formatDemo(rows: DemoRow[], style: Style): string {
  return table(
    ['scheme', 'request', 'HTTP', 'verdict', 'diagnosis'],
    rows.map((r) => [r.scheme, r.request, String(r.status), r.verdict === r.expect ? (r.verdict === 'valid' ? style.green(r.verdict) : style.yellow(r.verdict)) : style.red(`${r.verdict} (expected ${r.expect})`), r.diagnosis]),
    style,
  );
}
