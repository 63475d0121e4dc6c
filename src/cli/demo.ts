import { MemoryNonceStore } from '../core/index.js';
import { signHostDime, verifyHostDime } from '../schemes/hostdime/index.js';
import { signSixConnect, verifySixConnect } from '../schemes/sixconnect/index.js';

export interface DemoRow {
  scheme: string;
  request: string;
  verdict: string;
}

/** Signs one request per implemented scheme with the client half, verifies it with the server half, then replays or tampers it. */
export async function runDemo(): Promise<DemoRow[]> {
  const rows: DemoRow[] = [];
  const nonces = new MemoryNonceStore();

  const hd = signHostDime({ publicKey: 'demo-public', privateKey: 'demo-private', method: 'domain.list', params: { status: 'registered', note: 'Jos\u00e9 / 😀' } });
  const hdVerify = (body: string) => verifyHostDime({ path: hd.path, body }, { lookup: (k) => (k === 'demo-public' ? 'demo-private' : null), nonces });
  rows.push({ scheme: 'hostdime', request: `POST ${hd.path}`, verdict: verdict(await hdVerify(hd.body)) });
  rows.push({ scheme: 'hostdime', request: '  same request again', verdict: verdict(await hdVerify(hd.body)) });
  rows.push({ scheme: 'hostdime', request: '  a param changed', verdict: verdict(await hdVerify(hd.body.replace('registered', 'expired'))) });

  const sc = signSixConnect({
    baseUrl: 'https://ipam.example.test/api/v1/api.php',
    target: 'ipam',
    action: 'get',
    params: { type: 'IP', mask: '24', meta: { name: 'API Test' } },
    apiKey: '32-5DAYTJQY2TZHOFOB',
    secretKey: '48b278ec873bda4738923dbc467f8669',
  });
  const scVerify = (url: string) => verifySixConnect({ url }, { secretKey: '48b278ec873bda4738923dbc467f8669' });
  rows.push({ scheme: 'sixconnect', request: `GET ?${sc.signedQuery.slice(0, 40)}...`, verdict: verdict(await scVerify(sc.url)) });
  rows.push({ scheme: 'sixconnect', request: '  hash with + turned to space', verdict: verdict(await scVerify(sc.url.replace(/\+(?=[^&]*$)/g, '%20'))) });
  rows.push({ scheme: 'sixconnect', request: '  param after hash', verdict: verdict(await scVerify(`${sc.url}&mask=8`)) });
  return rows;
}

function verdict(r: { ok: boolean; code?: string }): string {
  return r.ok ? 'valid' : `rejected: ${r.code}`;
}

export function formatDemo(rows: DemoRow[]): string {
  const w = [Math.max(6, ...rows.map((r) => r.scheme.length)), Math.max(7, ...rows.map((r) => r.request.length))];
  const line = (a: string, b: string, c: string) => `${a.padEnd(w[0]!)}  ${b.padEnd(w[1]!)}  ${c}`;
  return [line('scheme', 'request', 'verdict'), line('-'.repeat(w[0]!), '-'.repeat(w[1]!), '-------'), ...rows.map((r) => line(r.scheme, r.request, r.verdict))].join('\n');
}
