/**
 * The main job: start `hostsig serve` in-process on a random loopback port, sign requests
 * per scheme with the library (plus a replay, a tamper and a real-world mistake each), send
 * them over HTTP, and print the server's verdicts and diagnoses; then run the vector suite.
 */
import { signHostDime } from '../schemes/hostdime/index.js';
import { signSixConnect, signSixConnectQuery } from '../schemes/sixconnect/index.js';
import { DEMO_CONFIG, startServer } from './commands/serve.js';
import type { Style } from './output.js';
import { table } from './output.js';
import type { VerifyOutcome } from './schemes.js';

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

export async function runDemo(): Promise<DemoRow[]> {
  let last: VerifyOutcome | undefined;
  const h = await startServer({ port: 0, config: DEMO_CONFIG, log: () => {}, onVerdict: (o) => (last = o) });
  const rows: DemoRow[] = [];
  const send = async (scheme: string, label: string, expect: string, url: string, init?: RequestInit) => {
    last = undefined;
    const res = await fetch(url, init);
    await res.text();
    const o = last as VerifyOutcome | undefined;
    const d = o?.diagnosis?.matches[0];
    rows.push({ scheme, request: label, expect, status: res.status, verdict: res.headers.get('x-hostsig-verdict') ?? '?', diagnosis: d ? d.id : '' });
  };
  try {
    const hd = signHostDime({ publicKey: HD_PUB, privateKey: HD_PRIV, method: 'domain.list', params: { status: 'registered', note: 'Jos\u00e9 / 😀' }, baseUrl: h.url });
    const post = (body: string): RequestInit => ({ method: 'POST', headers: hd.headers, body });
    await send('hostdime', `POST ${hd.path}`, 'valid', hd.url, post(hd.body));
    await send('hostdime', '  same request again', 'REPLAYED', hd.url, post(hd.body));
    await send('hostdime', '  a param changed', 'SIGNATURE_INVALID', hd.url, post(hd.body.replace('registered', 'expired')));
    const js = signHostDime({ publicKey: HD_PUB, privateKey: HD_PRIV, method: 'domain.list', params: { status: 'registered', note: 'Jos\u00e9 / 😀' }, dialect: 'js', baseUrl: h.url });
    await send('hostdime', '  signed like the Node client', 'SIGNATURE_INVALID', js.url, post(js.body));

    const base = `${h.url}/api/v1/api.php`;
    const sc = signSixConnect({ baseUrl: base, target: 'ipam', action: 'get', params: { type: 'IP', mask: '24', meta: { name: 'API Test' } }, apiKey: SC_KEY, secretKey: SC_SECRET });
    await send('sixconnect', `GET ?${sc.signedQuery.slice(0, 34)}...`, 'valid', sc.url);
    await send('sixconnect', '  hash with + turned to %20', 'valid', sc.url.replace(/\+(?=[^&]*$)/g, '%20'));
    await send('sixconnect', '  param after hash', 'HASH_NOT_LAST', `${sc.url}&mask=8`);
    const hexKey = Uint8Array.from(SC_SECRET.match(/../g)!.map((b) => parseInt(b, 16)));
    await send('sixconnect', '  secret hex-decoded', 'SIGNATURE_INVALID', `${base}?${signSixConnectQuery(sc.signedQuery, hexKey)}`);
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
