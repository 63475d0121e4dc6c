// `hostsig gateway` as a child process in front of a recording upstream: what reaches the
// upstream (exact bytes, identity headers for the five schemes, no client X-Hostsig-*), what
// never does (invalid, replayed, oversized), upstream failures (502, 504), and the log.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signJwt } from '../../src/jwt/index.js';
import { importPrivateKey } from '../../src/rsa/index.js';
import { signHostDime } from '../../src/schemes/hostdime/index.js';
import { formatBasicAuth, formatBearerAuth } from '../../src/schemes/hostbill/index.js';
import { parseHostKeyLoginReply } from '../../src/schemes/hostkey/index.js';
import { signSixConnect } from '../../src/schemes/sixconnect/index.js';
import { formatWhmAuthorization } from '../../src/schemes/whm/index.js';
import { ensureBuilt } from '../cli/run.js';
import { freePort } from '../helpers/redis.js';
import { phpAvailable } from '../helpers/php.js';
import { REPO_ROOT } from '../helpers/wycheproof.js';
import { type Gateway, headersOf, loggedRequests, OK_ANSWER, type Received, requestLines, startGateway, startUpstream, type Upstream } from './spawn.js';

const SECRETS = {
  HD_SECRET: 'hd-private-Zq81xK',
  SC_SECRET: '48b278ec873bda4738923dbc467f8669',
  HB_PASS: 'hb-pass-Wm2Lq9',
  WHM_TOKEN: 'U7HMR63FGY292DQZ4H5BFH16JLYMO01M',
  HK_KEY: 'hk-api-key-Pq7Rr5',
  WL_TOKEN: 'WL00000000000000000000000000000A',
};
const SC_KEY = '32-5DAYTJQY2TZHOFOB';
const ISSUER = 'https://billing.example.com';

/** A raw HTTP/1.1 request: headers as a raw list (duplicates and case kept), body bytes. */
function send(base: string, method: string, target: string, headers: string[], body?: Uint8Array): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, method, path: target, headers: ['Host', u.host, ...headers, ...(body ? ['Content-Length', String(body.length)] : [])], agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function php(code: string): string {
  return execFileSync('php', ['-r', code], { encoding: 'utf8' });
}

let up: Upstream;
let gw: Gateway;
const last = (): Received => up.received[up.received.length - 1]!;
const identity = (r: Received) => {
  const h = headersOf(r);
  return { scheme: h.get('x-hostsig-scheme'), subject: h.get('x-hostsig-subject'), key: h.get('x-hostsig-key'), params: h.get('x-hostsig-params') };
};

beforeAll(async () => {
  ensureBuilt();
  up = await startUpstream();
  gw = await startGateway(
    {
      listen: { host: '127.0.0.1', port: 0 },
      upstream: { url: up.url, connectTimeoutMs: 1000, timeoutMs: 800 },
      maxBodyBytes: 65536,
      trustedProxies: ['127.0.0.1'],
      schemes: {
        hostdime: { keys: { pub: { env: 'HD_SECRET' } } },
        sixconnect: { keys: { [SC_KEY]: { file: 'sc.secret' } } },
        hostbill: { publicKey: join(REPO_ROOT, 'vectors/keys/hostbill4096.spki.pem'), issuer: ISSUER, basic: { 'client@example.com': { env: 'HB_PASS' } } },
        whm: { tokens: { root: [{ name: 'ci', token: { env: 'WHM_TOKEN' } }], ops: [{ name: 'wl', token: SECRETS.WL_TOKEN, whitelistIps: ['203.0.113.0/24'] }] } },
        hostkey: { apiKeys: [{ key: { env: 'HK_KEY' }, subject: 'user-42' }] },
      },
    },
    { env: { HD_SECRET: SECRETS.HD_SECRET, HB_PASS: SECRETS.HB_PASS, WHM_TOKEN: SECRETS.WHM_TOKEN, HK_KEY: SECRETS.HK_KEY }, files: { 'sc.secret': `${SECRETS.SC_SECRET}\n` } },
  );
}, 40_000);

afterAll(async () => {
  await gw?.stop();
  await up?.close();
});

describe('forwarding', () => {
  it('/healthz without Redis: 200 {"status":"ok","redis":"memory"}, answered by the gateway (never forwarded, never logged)', async () => {
    const n = up.received.length;
    const res = await send(gw.url, 'GET', '/healthz', []);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body.toString())).toEqual({ status: 'ok', redis: 'memory' });
    expect(up.received.length).toBe(n);
    expect(gw.listening).toEqual({ event: 'listening', url: gw.url, metrics: null, workers: 1, redis: false });
    expect(gw.err.some((l) => /"event":"memory-stores"/.test(l))).toBe(true);
  });

  it('a HostDime request signed by hostsig: forwarded once with its exact body, method, path; identity headers; the upstream answer streamed back', async () => {
    const n = up.received.length;
    const s = signHostDime({ publicKey: 'pub', privateKey: SECRETS.HD_SECRET, method: 'domain.list', params: [['status', 'registered'], ['name', 'Jos\u00e9 \u{1F600}']], baseUrl: gw.url });
    const body = Buffer.from(s.body);
    const res = await send(gw.url, 'POST', `${s.path}?x=1&y=%2F`, ['Content-Type', 'application/x-www-form-urlencoded'], body);
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe('{"upstream":"ok"}');
    expect(res.headers['x-upstream']).toBe('yes');
    expect(up.received.length).toBe(n + 1);
    const r = last();
    expect(r.method).toBe('POST');
    expect(r.url).toBe(`${s.path}?x=1&y=%2F`);
    expect(r.body.equals(body)).toBe(true);
    const id = identity(r);
    expect(id.scheme).toEqual(['hostdime']);
    expect(id.key).toEqual(['pub']);
    expect(id.subject).toBeUndefined();
    // ASCII only, and the same params once parsed.
    expect(id.params![0]).toMatch(/^[\x20-\x7e]+$/);
    expect(id.params![0]).toContain('\\u00e9');
    expect(JSON.parse(id.params![0]!)).toEqual({ status: 'registered', name: 'Jos\u00e9 \u{1F600}' });
    expect(headersOf(r).get('x-forwarded-for')).toEqual(['127.0.0.1']);
  });

  it('the same signed request twice: one reaches the upstream, the other is 401 REPLAYED in HostDime\'s envelope', async () => {
    const n = up.received.length;
    const s = signHostDime({ publicKey: 'pub', privateKey: SECRETS.HD_SECRET, method: 'server.list', baseUrl: gw.url });
    const a = await send(gw.url, 'POST', s.path, [], Buffer.from(s.body));
    const b = await send(gw.url, 'POST', s.path, [], Buffer.from(s.body));
    expect([a.status, b.status]).toEqual([200, 401]);
    expect(JSON.parse(b.body.toString())).toEqual({ error: { message: expect.stringMatching(/^REPLAYED/), code: 401 }, response: null });
    expect(up.received.length).toBe(n + 1);
  });

  it('invalid requests never reach the upstream and get the provider envelope (signature, no scheme, duplicate Authorization)', async () => {
    const n = up.received.length;
    const s = signHostDime({ publicKey: 'pub', privateKey: 'not-the-key', method: 'server.list', baseUrl: gw.url });
    const bad = await send(gw.url, 'POST', s.path, [], Buffer.from(s.body));
    expect(bad.status).toBe(401);
    expect(JSON.parse(bad.body.toString())).toEqual({ error: { message: expect.stringMatching(/^SIGNATURE_INVALID/), code: 401 }, response: null });
    const six = signSixConnect({ baseUrl: `${gw.url}/api/v1/api.php`, target: 'ipam', action: 'get', params: { type: 'IP' }, apiKey: SC_KEY, secretKey: 'wrong' });
    const sixBad = await send(gw.url, 'GET', new URL(six.url).pathname + new URL(six.url).search, []);
    expect(sixBad.status).toBe(401);
    expect(JSON.parse(sixBad.body.toString())).toMatchObject({ success: 0, code: 'SIGNATURE_INVALID' });
    const none = await send(gw.url, 'GET', '/anything', ['X-Hostsig-Scheme', 'hostdime']);
    expect(none.status).toBe(401);
    expect(none.headers['x-hostsig-code']).toBe('SCHEME_UNKNOWN');
    const dup = await send(gw.url, 'GET', '/json-api/listaccts', ['Authorization', formatWhmAuthorization({ user: 'root', token: SECRETS.WHM_TOKEN }), 'Authorization', 'Bearer x']);
    expect(dup.status).toBe(400);
    expect(dup.headers['x-hostsig-code']).toBe('AUTH_HEADER_DUPLICATE');
    expect(up.received.length).toBe(n);
  });

  it('client X-Hostsig-* headers are dropped whatever their case, count or value; the gateway\'s own are the only ones', async () => {
    const spoof = ['X-Hostsig-Subject', 'admin', 'x-hostsig-subject', 'root', 'X-HOSTSIG-KEY', 'k1', 'x-HoStSiG-kEy', 'k2', 'x-hostsig-scheme', 'whm', 'X-Hostsig-Params', '', 'X-Hostsig-Other', 'z', 'x-hostsig-', 'y'];
    const res = await send(gw.url, 'GET', '/json-api/listaccts?api.version=1', ['Authorization', formatWhmAuthorization({ user: 'root', token: SECRETS.WHM_TOKEN }), ...spoof]);
    expect(res.status).toBe(200);
    const h = headersOf(last());
    const names = [...h.keys()].filter((k) => k.startsWith('x-hostsig-'));
    expect(names.sort()).toEqual(['x-hostsig-key', 'x-hostsig-scheme', 'x-hostsig-subject']);
    expect(identity(last())).toEqual({ scheme: ['whm'], subject: ['root'], key: ['ci'], params: undefined });
  });

  it('body bytes that are not UTF-8 (all 256 byte values) reach the upstream unchanged, with any method', async () => {
    const body = Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 7) % 256));
    for (const method of ['PUT', 'PATCH', 'DELETE']) {
      const res = await send(gw.url, method, '/json-api/raw?a=%FF&b=%e9&c', ['Authorization', formatWhmAuthorization({ user: 'root', token: SECRETS.WHM_TOKEN }), 'Content-Type', 'application/octet-stream'], body);
      expect(res.status).toBe(200);
      expect(last().method).toBe(method);
      expect(last().url).toBe('/json-api/raw?a=%FF&b=%e9&c');
      expect(last().body.equals(body)).toBe(true);
      expect(headersOf(last()).get('content-length')).toEqual(['512']);
    }
  });
});

describe('identity headers, scheme by scheme', () => {
  it('WHM whitelist behind a trusted proxy: the right-most untrusted X-Forwarded-For hop is the client; the hops are passed on with the socket appended', async () => {
    const n = up.received.length;
    const auth = ['Authorization', formatWhmAuthorization({ user: 'ops', token: SECRETS.WL_TOKEN })];
    const ok = await send(gw.url, 'GET', '/json-api/listaccts', [...auth, 'X-Forwarded-For', '198.51.100.1, 203.0.113.9']);
    expect(ok.status).toBe(200);
    expect(headersOf(last()).get('x-forwarded-for')).toEqual(['198.51.100.1, 203.0.113.9, 127.0.0.1']);
    expect(identity(last())).toMatchObject({ subject: ['ops'], key: ['wl'] });
    const direct = await send(gw.url, 'GET', '/json-api/listaccts', auth);
    expect(direct.status).toBe(403);
    const spoofedLeft = await send(gw.url, 'GET', '/json-api/listaccts', [...auth, 'X-Forwarded-For', '203.0.113.9, 198.51.100.1']);
    expect(spoofedLeft.status).toBe(403);
    expect(up.received.length).toBe(n + 1);
  });

  it('6connect (hostsig signer): key and the verified query params', async () => {
    const s = signSixConnect({ baseUrl: `${gw.url}/api/v1/api.php`, target: 'ipam', action: 'get', params: { type: 'IP', q: 'a b~\u00fc' }, apiKey: SC_KEY, secretKey: SECRETS.SC_SECRET });
    const u = new URL(s.url);
    const res = await send(gw.url, 'GET', u.pathname + u.search, []);
    expect(res.status).toBe(200);
    expect(last().url).toBe(u.pathname + u.search);
    const id = identity(last());
    expect(id).toMatchObject({ scheme: ['sixconnect'], key: [SC_KEY], subject: undefined });
    expect(id.params![0]).toMatch(/^[\x20-\x7e]+$/);
    expect(JSON.parse(id.params![0]!)).toMatchObject({ target: 'ipam', action: 'get', type: 'IP', q: 'a b~\u00fc' });
  });

  it('HostBill Bearer (kid and sub) and Basic (user)', async () => {
    const priv = importPrivateKey(readFileSync(join(REPO_ROOT, 'vectors/keys/hostbill4096.key'), 'utf8'));
    const jwt = signJwt({ sub: 'client@example.com' }, priv, { issuer: ISSUER, expiresIn: '15m', kid: 'issuer-1' });
    const a = await send(gw.url, 'GET', '/api/client/details', ['Authorization', formatBearerAuth(jwt)]);
    expect(a.status).toBe(200);
    expect(identity(last())).toEqual({ scheme: ['hostbill'], subject: ['client@example.com'], key: ['issuer-1'], params: undefined });
    // The credential itself goes upstream untouched (the upstream may want it).
    expect(headersOf(last()).get('authorization')).toEqual([`Bearer ${jwt}`]);
    const b = await send(gw.url, 'GET', '/api/client/details', ['Authorization', formatBasicAuth('client@example.com', SECRETS.HB_PASS)]);
    expect(b.status).toBe(200);
    expect(identity(last())).toEqual({ scheme: ['hostbill'], subject: ['client@example.com'], key: undefined, params: undefined });
    const wrong = await send(gw.url, 'GET', '/api/client/details', ['Authorization', formatBasicAuth('client@example.com', 'nope')]);
    expect(wrong.status).toBe(401);
    expect(JSON.parse(wrong.body.toString())).toMatchObject({ success: false });
  });

  it('HostKey: login at /auth.php is answered by the gateway itself; the session\'s calls are forwarded with its subject; logout ends it', async () => {
    const n = up.received.length;
    const form = ['Content-Type', 'application/x-www-form-urlencoded'];
    const login = await send(gw.url, 'POST', '/auth.php', form, Buffer.from(`action=login&key=${SECRETS.HK_KEY}`));
    expect(login.status).toBe(200);
    const { token } = parseHostKeyLoginReply(login.body.toString());
    expect(token).toMatch(/^[0-9a-f]{32}$/);
    expect(up.received.length).toBe(n);
    const call = await send(gw.url, 'POST', '/eq.php', form, Buffer.from(`action=list&token=${token}`));
    expect(call.status).toBe(200);
    expect(up.received.length).toBe(n + 1);
    expect(identity(last())).toEqual({ scheme: ['hostkey'], subject: ['user-42'], key: undefined, params: undefined });
    expect(last().body.toString()).toBe(`action=list&token=${token}`);
    const logout = await send(gw.url, 'GET', `/auth.php?action=logout&token=${token}`, []);
    expect(logout.status).toBe(200);
    const after = await send(gw.url, 'POST', '/eq.php', form, Buffer.from(`action=list&token=${token}`));
    expect(after.status).toBe(401);
    expect(JSON.parse(after.body.toString())).toMatchObject({ result: -1 });
    const badKey = await send(gw.url, 'POST', '/auth.php', form, Buffer.from('action=login&key=wrong'));
    expect(badKey.status).toBe(401);
    expect(up.received.length).toBe(n + 1);
  });

  it.skipIf(!phpAvailable())('HostDime and 6connect signed by real PHP (json_encode twice + http_build_query; hash_hmac over the query)', async () => {
    const body = php(`
      $params = ['status' => 'registered', 'name' => "Jos\\u{e9} / \\u{1F600}", 'list' => ['1', '2']];
      $ts = time(); $unique = bin2hex(random_bytes(8));
      $hash = hash('sha256', "$ts:$unique:${SECRETS.HD_SECRET}:domain.list:" . json_encode(json_encode($params, JSON_FORCE_OBJECT)));
      echo http_build_query($params + ['api_key' => 'pub', 'api_timestamp' => $ts, 'api_unique' => $unique, 'api_hash' => $hash]);
    `);
    const hd = await send(gw.url, 'POST', '/v1/domain/list.json', ['Content-Type', 'application/x-www-form-urlencoded'], Buffer.from(body));
    expect(hd.status).toBe(200);
    expect(last().body.toString()).toBe(body);
    expect(identity(last()).key).toEqual(['pub']);
    expect(JSON.parse(identity(last()).params![0]!)).toEqual({ status: 'registered', name: 'Jos\u00e9 / \u{1F600}', list: ['1', '2'] });
    const query = php(`
      $q = 'target=ipam&action=get&type=' . urlencode('IP') . '&name=' . urlencode(" API Test ~\\u{fc} ") . '&apiKey=' . urlencode('${SC_KEY}');
      echo $q . '&hash=' . base64_encode(hash_hmac('sha256', $q, '${SECRETS.SC_SECRET}', true));
    `);
    const sc = await send(gw.url, 'GET', `/api/v1/api.php?${query}`, []);
    expect(sc.status).toBe(200);
    expect(last().url).toBe(`/api/v1/api.php?${query}`);
    expect(identity(last())).toMatchObject({ scheme: ['sixconnect'], key: [SC_KEY] });
    expect(JSON.parse(identity(last()).params![0]!)).toMatchObject({ type: 'IP', name: ' API Test ~\u00fc ' });
  });
});

describe('limits and upstream failures', () => {
  it('413 as soon as Content-Length says 2 GB: the answer comes while the client is still trickling, then the socket closes', async () => {
    const n = up.received.length;
    const u = new URL(gw.url);
    const s = connect(Number(u.port), u.hostname);
    let got = '';
    const closed = new Promise<void>((r) => s.on('close', () => r()));
    s.on('error', () => {});
    s.on('data', (d) => (got += d.toString('latin1')));
    s.write(`POST /v1/domain/list.json HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 2147483648\r\n\r\napi_key=pub&`);
    const trickle = setInterval(() => s.writable && s.write('a=1&'), 20);
    const until = Date.now() + 5000;
    while (!got.includes('\r\n\r\n') && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    clearInterval(trickle);
    expect(got).toMatch(/^HTTP\/1\.1 413 /);
    expect(got.toLowerCase()).toContain('connection: close');
    await closed;
    expect(up.received.length).toBe(n);
  });

  it('a chunked body is cut (413) as soon as it passes maxBodyBytes; nothing is forwarded', async () => {
    const n = up.received.length;
    const u = new URL(gw.url);
    const s = connect(Number(u.port), u.hostname);
    let got = '';
    let sent = 0;
    s.on('error', () => {});
    s.on('data', (d) => (got += d.toString('latin1')));
    const closed = new Promise<void>((r) => s.on('close', () => r()));
    s.write(`PUT /json-api/upload HTTP/1.1\r\nHost: x\r\nAuthorization: ${formatWhmAuthorization({ user: 'root', token: SECRETS.WHM_TOKEN })}\r\nTransfer-Encoding: chunked\r\n\r\n`);
    const chunk = 'x'.repeat(8192);
    while (!got && sent < 10 * 65536) {
      if (s.writable) s.write(`2000\r\n${chunk}\r\n`);
      sent += 8192;
      await new Promise((r) => setTimeout(r, 5));
    }
    await closed;
    expect(got).toMatch(/^HTTP\/1\.1 413 /);
    expect(sent).toBeLessThan(4 * 65536);
    expect(up.received.length).toBe(n);
  });

  it('an upstream that never answers: 504 {"error":"upstream_timeout"} within the timeout', async () => {
    up.answer = () => {}; // holds every request
    try {
      const t0 = Date.now();
      const res = await send(gw.url, 'GET', '/json-api/slow', ['Authorization', formatWhmAuthorization({ user: 'root', token: SECRETS.WHM_TOKEN })]);
      const ms = Date.now() - t0;
      expect(res.status).toBe(504);
      expect(JSON.parse(res.body.toString())).toEqual({ error: 'upstream_timeout' });
      expect(ms).toBeGreaterThanOrEqual(700);
      expect(ms).toBeLessThan(5000);
    } finally {
      up.answer = OK_ANSWER;
    }
  });

  it('an upstream that refuses connections: 502 {"error":"upstream_unavailable"}', async () => {
    const dead = await freePort();
    const g = await startGateway({ listen: { port: 0 }, upstream: { url: `http://127.0.0.1:${dead}` }, schemes: { whm: { tokens: { root: [{ name: 'ci', token: SECRETS.WHM_TOKEN }] } } } });
    try {
      const res = await send(g.url, 'GET', '/json-api/listaccts', ['Authorization', formatWhmAuthorization({ user: 'root', token: SECRETS.WHM_TOKEN })]);
      expect(res.status).toBe(502);
      expect(JSON.parse(res.body.toString())).toEqual({ error: 'upstream_unavailable' });
      const [line] = await loggedRequests(g, 1);
      expect(line).toMatchObject({ scheme: 'whm', verdict: 'ok', status: 502, upstreamError: 'refused' });
    } finally {
      expect(await g.stop()).toBe(0);
    }
  });
});

describe('the log', () => {
  it('one JSON line per request (path without its query), no secret of any kind, request data escaped', async () => {
    await send(gw.url, 'GET', '/json-api/x%0a%1b?secret=1', ['Authorization', formatWhmAuthorization({ user: 'root', token: SECRETS.WHM_TOKEN })]);
    await send(gw.url, 'GET', `/p\u2028q`.replace('\u2028', '%E2%80%A8'), []);
    const lines = await loggedRequests(gw, 12);
    for (const l of gw.out) expect(() => JSON.parse(l)).not.toThrow();
    expect(lines[0]).toMatchObject({ time: expect.any(String), worker: expect.any(Number), method: 'POST', path: expect.stringMatching(/^\/v1\/domain\/list\.json$/), scheme: 'hostdime', verdict: 'ok', status: 200, upstreamStatus: 200, ms: expect.any(Number), subject: 'pub' });
    expect(lines.some((l) => l.verdict === 'REPLAYED' && l.status === 401)).toBe(true);
    expect(lines.some((l) => l.path === '/json-api/x%0a%1b')).toBe(true);
    const all = [...gw.out, ...gw.err].join('\n');
    for (const s of Object.values(SECRETS)) expect(all).not.toContain(s);
    expect(all).not.toContain('secret=1');
    expect(all).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}/); // no JWT
    expect(all).not.toMatch(/[0-9a-f]{32}/); // no HostKey session token (nor any hash of one)
  });
});
