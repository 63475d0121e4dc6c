// The example server (examples/server/server.mjs, over the built dist/) started as a subprocess
// and sent real HTTP: requests signed by hostsig's client halves, by real PHP, and by curl.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatBasicAuth, formatBearerAuth } from '../../src/schemes/hostbill/index.js';
import { signHostDime } from '../../src/schemes/hostdime/index.js';
import { createHostKeySession } from '../../src/schemes/hostkey/index.js';
import { signSixConnect } from '../../src/schemes/sixconnect/index.js';
import { formatWhmAuthorization } from '../../src/schemes/whm/index.js';
import { ensureBuilt } from '../cli/run.js';
import { REPO_ROOT } from '../helpers/wycheproof.js';
import { phpAvailable } from '../helpers/php.js';

const SC_KEY = '32-5DAYTJQY2TZHOFOB';
const SC_SECRET = '48b278ec873bda4738923dbc467f8669';
const WHM_TOKEN = 'U7HMR63FGY292DQZ4H5BFH16JLYMO01M';

function curlAvailable(): boolean {
  try {
    execFileSync('curl', ['--version'], { stdio: 'pipe' });
    return true;
  } catch {
    if (process.env.CI) throw new Error('curl not found, and CI is set (.ci/run installs it)');
    console.warn('[skip] curl not found: the curl end-to-end test needs it');
    return false;
  }
}

/** Runs PHP code; its stdout. */
function php(code: string): string {
  return execFileSync('php', ['-r', code], { encoding: 'utf8' });
}

describe('example server end to end (real HTTP)', () => {
  let proc: ChildProcess;
  let base: string;

  beforeAll(async () => {
    ensureBuilt();
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = privateKey.export({ type: 'pkcs1', format: 'pem' }) as string;
    proc = spawn(process.execPath, [join(REPO_ROOT, 'examples/server/server.mjs')], { cwd: REPO_ROOT, env: { ...process.env, PORT: '0', HOSTBILL_PRIVATE_KEY_PEM: pem, REDIS_URL: '' }, stdio: ['ignore', 'pipe', 'inherit'] });
    const line = await new Promise<string>((resolve, reject) => {
      const rl = createInterface({ input: proc.stdout! });
      rl.once('line', resolve);
      proc.once('exit', (code) => reject(new Error(`example server exited with ${code}`)));
      setTimeout(() => reject(new Error('example server did not start')), 30_000).unref();
    });
    const info = JSON.parse(line) as { listening: string; hostbillBearer: boolean };
    expect(info.hostbillBearer).toBe(true);
    base = info.listening;
  });

  afterAll(async () => {
    if (proc && proc.exitCode === null) {
      await new Promise<void>((r) => {
        proc.once('exit', () => r());
        proc.kill('SIGTERM');
      });
    }
  });

  it('HostDime signed by hostsig: 200; the same request again: 401 REPLAYED in HostDime envelope', async () => {
    const s = signHostDime({ publicKey: 'demo-pub', privateKey: 'demo-priv', method: 'domain.list', params: [['status', 'registered'], ['note', 'a/b é']] });
    const send = () => fetch(`${base}${s.path}`, { method: 'POST', headers: s.headers, body: s.body });
    const ok = await send();
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ error: null, response: { method: 'domain.list', key: 'demo-pub', params: { status: 'registered', note: 'a/b é' } } });
    const again = await send();
    expect(again.status).toBe(401);
    expect(await again.json()).toEqual({ error: { message: expect.stringMatching(/^REPLAYED/), code: 401 }, response: null });
  });

  it.skipIf(!phpAvailable())('HostDime signed by real PHP (json_encode twice, http_build_query)', async () => {
    const body = php(`
      $params = ['status' => 'registered', 'name' => "Jos\\u{e9} / \\u{1F600}", 'list' => ['1', '2']];
      $ts = time(); $unique = bin2hex(random_bytes(8));
      $hash = hash('sha256', "$ts:$unique:demo-priv:domain.list:" . json_encode(json_encode($params, JSON_FORCE_OBJECT)));
      echo http_build_query($params + ['api_key' => 'demo-pub', 'api_timestamp' => $ts, 'api_unique' => $unique, 'api_hash' => $hash]);
    `);
    const res = await fetch(`${base}/v1/domain/list.json`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ error: null, response: { method: 'domain.list', key: 'demo-pub', params: { status: 'registered', name: 'José / 😀' } } });
    const tampered = await fetch(`${base}/v1/domain/list.json`, { method: 'POST', body: body.replace('registered', 'Registered') });
    expect(tampered.status).toBe(401);
  });

  it('6connect signed by hostsig (raw and percent-encoded hash): 200; tampered: 401 in the 6connect envelope', async () => {
    for (const encodeHash of [false, true]) {
      const s = signSixConnect({ baseUrl: `${base}/api/v1/api.php`, target: 'ipam', action: 'get', params: { type: 'IP', q: 'a b~ü' }, apiKey: SC_KEY, secretKey: SC_SECRET, encodeHash });
      const res = await fetch(s.url);
      expect(res.status, s.url).toBe(200);
      expect(await res.json()).toEqual({ success: 1, message: 'OK', data: { target: 'ipam', action: 'get', apiKey: SC_KEY } });
    }
    const s = signSixConnect({ baseUrl: `${base}/api/v1/api.php`, target: 'ipam', action: 'get', params: { type: 'IP' }, apiKey: SC_KEY, secretKey: SC_SECRET });
    const res = await fetch(s.url.replace('type=IP', 'type=IQ'));
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ success: 0, message: 'hash does not match', code: 'SIGNATURE_INVALID' });
  });

  it.skipIf(!phpAvailable())('6connect signed by real PHP (the documented server check, SDK-style query)', async () => {
    const query = php(`
      $q = 'target=ipam&action=get&type=' . urlencode('IP') . '&name=' . urlencode(trim(' API Test ~ü ')) . '&apiKey=' . urlencode('${SC_KEY}');
      echo $q . '&hash=' . base64_encode(hash_hmac('sha256', $q, '${SC_SECRET}', true));
    `);
    const res = await fetch(`${base}/api/v1/api.php?${query}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ success: 1, data: { apiKey: SC_KEY } });
  });

  it.skipIf(!curlAvailable())('WHM request sent by curl: 200; wrong token: 401 with metadata.result 0', () => {
    const ok = execFileSync('curl', ['-sS', '-w', '\\n%{http_code}', '-H', `Authorization: whm root:${WHM_TOKEN}`, `${base}/json-api/version?api.version=1`], { encoding: 'utf8' });
    const [okBody, okStatus] = ok.trimEnd().split('\n');
    expect(okStatus).toBe('200');
    expect(JSON.parse(okBody!)).toEqual({ data: { user: 'root', token: 'demo' }, metadata: { command: 'version', reason: 'OK', result: 1, version: 1 } });
    const bad = execFileSync('curl', ['-sS', '-w', '\\n%{http_code}', '-H', `Authorization: whm root:${'X'.repeat(32)}`, `${base}/json-api/listaccts?api.version=1`], { encoding: 'utf8' });
    const [badBody, badStatus] = bad.trimEnd().split('\n');
    expect(badStatus).toBe('401');
    expect(JSON.parse(badBody!)).toMatchObject({ data: null, metadata: { command: 'listaccts', result: 0, version: 1 } });
  });

  it('WHM and cPanel headers from hostsig formatWhmAuthorization over fetch', async () => {
    const res = await fetch(`${base}/json-api/listaccts`, { headers: { authorization: formatWhmAuthorization({ user: 'root', token: WHM_TOKEN }) } });
    expect(res.status).toBe(200);
    const bob = formatWhmAuthorization({ scheme: 'cpanel', user: 'bob', token: 'BOB0CPANEL0TOKEN0000000000000000' });
    const cp = await fetch(`${base}/execute/Email/list_pops`, { headers: { authorization: bob } });
    expect(cp.status).toBe(200);
    expect(await cp.json()).toMatchObject({ data: { user: 'bob', token: 'mail' } });
    // A WHM token is not a cPanel token, and a cPanel token does not reach WHM functions.
    const rootAsCpanel = await fetch(`${base}/execute/Email/list_pops`, { headers: { authorization: formatWhmAuthorization({ scheme: 'cpanel', user: 'root', token: WHM_TOKEN }) } });
    expect(rootAsCpanel.status).toBe(401);
    const forbidden = await fetch(`${base}/json-api/listaccts`, { headers: { authorization: bob } });
    expect(forbidden.status).toBe(403);
    expect(await forbidden.json()).toMatchObject({ status: 0, errors: [expect.any(String)], data: null });
  });

  it('HostKey: hostsig session logs in at auth.php, then its token verifies on eq.php; a bad token is {"result":-1}', async () => {
    const session = createHostKeySession({ fetch: (url, init) => fetch(url, init), baseUrl: base, credentials: { apiKey: 'demo-hostkey-key' } });
    const reply = await session.request('eq', 'list');
    expect(reply).toMatchObject({ ok: true });
    const res = await fetch(`${base}/eq.php`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `action=list&token=${'0'.repeat(32)}` });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ result: -1, error: 'invalid token', code: 'TOKEN_INVALID' });
  });

  it('HostBill: Basic login issues an RS256 JWT, Bearer with it verifies; alg none is 401', async () => {
    const login = await fetch(`${base}/api/login`, { method: 'POST', headers: { authorization: formatBasicAuth('ann@example.com', 'secret') } });
    expect(login.status).toBe(200);
    const { token } = (await login.json()) as { token: string };
    const res = await fetch(`${base}/api/details`, { headers: { authorization: formatBearerAuth(token) } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ success: true, client: 'ann@example.com', claims: { sub: 'ann@example.com', iss: 'hostsig-example' } });
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"ann@example.com"}').toString('base64url')}.`;
    const bad = await fetch(`${base}/api/details`, { headers: { authorization: `Bearer ${none}` } });
    expect(bad.status).toBe(401);
    expect(await bad.json()).toMatchObject({ success: false, code: 'ALG_NOT_ALLOWED' });
    const wrong = await fetch(`${base}/api/login`, { method: 'POST', headers: { authorization: formatBasicAuth('ann@example.com', 'nope') } });
    expect(wrong.status).toBe(401);
  });

  it('a request with no credentials is 401 SCHEME_UNKNOWN; a 5 MB body is 413', async () => {
    const res = await fetch(`${base}/anything`);
    expect(res.status).toBe(401);
    expect(res.headers.get('x-hostsig-code')).toBe('SCHEME_UNKNOWN');
    const big = await fetch(`${base}/v1/server/list.json`, { method: 'POST', body: 'a'.repeat(5 * 1024 * 1024) });
    expect(big.status).toBe(413);
  });
});
