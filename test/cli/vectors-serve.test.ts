// `hostsig vectors` (against hostsig and, over the JSON-lines protocol, the PHP adapter) and
// `hostsig serve` answering real HTTP requests.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash, createHmac, createPrivateKey, sign } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { signHostDime } from '../../src/schemes/hostdime/index.js';
import { phpAvailable } from '../helpers/php.js';
import { REPO_ROOT } from '../helpers/wycheproof.js';
import { ensureBuilt, hostsig, json, spawnServe } from './run.js';

let dir: string;
beforeAll(() => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'hostsig-vs-'));
});

const ADAPTER = join('examples', 'adapters', 'php', 'hostsig-adapter.php');

describe('hostsig vectors', () => {
  it('passes every group of every vector file against hostsig: 0 failed, 0 skipped', () => {
    const r = hostsig(['vectors']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/hostdime\s+HostDimeVerify\s+\d+\s+\d+\s+0\s+0\s+ok/);
    expect(r.stdout).toMatch(/jwt-rs256\s+JwtRs256Verify\s+23\s+23\s+0\s+0\s+ok/);
    expect(r.stdout).toMatch(/ 0 failed, 0 skipped/);
    const rep = json(hostsig(['vectors', '--json']));
    // Every case of every file, counted from the files themselves.
    const files = ['hostdime', 'sixconnect', 'jwt-rs256', 'hostbill', 'whm', 'hostkey'].map((f) => JSON.parse(readFileSync(join(REPO_ROOT, 'vectors', `${f}.json`), 'utf8')));
    const all = files.reduce((n, f) => n + f.testGroups.reduce((m: number, g: { tests: unknown[] }) => m + g.tests.length, 0), 0);
    expect(rep.totals).toEqual({ cases: all, pass: all, fail: 0, skip: 0 });
    const types = new Set(files.flatMap((f) => f.testGroups.map((g: { type: string }) => g.type)));
    expect(new Set(rep.rows.map((x: { type: string }) => x.type))).toEqual(types);
    for (const row of rep.rows) expect(row).toMatchObject({ fail: 0, skip: 0 });
  });

  it('--exec: the key files are sent with the request; a wrong output field fails with "output <name>"', () => {
    const liar = join(dir, 'liar-output.mjs');
    // Echoes the right stages and the key text length, but a wrong Basic header and a JWT token with one character changed.
    writeFileSync(
      liar,
      `import { createInterface } from 'node:readline';
createInterface({ input: process.stdin }).on('line', (l) => {
  const r = JSON.parse(l);
  if (r.type === 'HostBillBasicFormat') return console.log(JSON.stringify({ id: r.id, result: 'valid', stages: { userPass: r.input.username + ':' + r.input.password }, output: { header: 'Basic ' + Buffer.from(r.input.username + ':' + r.input.password, 'latin1').toString('base64') } }));
  if (r.type === 'JwtRs256Sign') {
    const pem = r.files && r.files[r.input.key];
    if (!pem || !pem.includes('PRIVATE KEY')) return console.log(JSON.stringify({ id: r.id, result: 'invalid', error: 'NO_KEY_FILE' }));
    return console.log(JSON.stringify({ id: r.id, unsupported: true }));
  }
  console.log(JSON.stringify({ id: r.id, unsupported: true }));
});
`,
    );
    const r = hostsig(['vectors', '--exec', `"${process.execPath}" "${liar}"`, '--scheme', 'hostbill', '--scheme', 'jwt-rs256', '--json']);
    const rep = json(r);
    expect(r.code).toBe(1);
    // Latin-1 differs from UTF-8 only on the non-ASCII cases (#2, #5): those fail on output header.
    expect(rep.failures.map((f: { tcId: number; what: string }) => [f.tcId, f.what])).toEqual([
      [2, 'output header'],
      [5, 'output header'],
    ]);
    const sign = rep.rows.find((x: { type: string }) => x.type === 'JwtRs256Sign');
    expect(sign).toMatchObject({ fail: 0, skip: 8, note: 'unsupported by the adapter: skipped' });
  });

  it('--scheme narrows; an unknown scheme is exit 3', () => {
    const rep = json(hostsig(['vectors', '--scheme', 'sixconnect', '--json']));
    expect(new Set(rep.rows.map((x: { scheme: string }) => x.scheme))).toEqual(new Set(['sixconnect']));
    expect(hostsig(['vectors', '--scheme', 'nope']).code).toBe(3);
  });

  it('--exec: an implementation that answers "valid" to everything fails, with the first difference named', () => {
    const liar = join(dir, 'liar.mjs');
    writeFileSync(liar, `import { createInterface } from 'node:readline';\ncreateInterface({ input: process.stdin }).on('line', (l) => { const r = JSON.parse(l); console.log(JSON.stringify({ id: r.id, result: 'valid', stages: {} })); });\n`);
    const r = hostsig(['vectors', '--exec', `"${process.execPath}" "${liar}"`, '--scheme', 'sixconnect', '--json']);
    expect(r.code).toBe(1);
    const rep = json(r);
    expect(rep.totals.fail).toBeGreaterThan(0);
    expect(rep.failures.map((f: { what: string }) => f.what)).toEqual(expect.arrayContaining(['stage query', 'result']));
  });

  /** A dead adapter is one failure of the run: exit 3, one report on stderr, no table and no FAIL rows. */
  function dead(exec: string, extra: string[] = []): string {
    const r = hostsig(['vectors', '--exec', exec, '--scheme', 'hostdime', ...extra]);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).not.toMatch(/FAIL|first difference/);
    expect(r.stderr.match(/the adapter failed/g)).toHaveLength(1);
    expect(r.stderr).toContain(`command:  ${exec}`);
    expect(r.stderr).toContain('hostsig vectors --list-adapters');
    return r.stderr;
  }

  it('--exec: a command that is not found is reported once, with the shell\'s words and exit 3', () => {
    const err = dead('hostsig-no-such-adapter-cmd');
    expect(err).toContain('it exited before answering any request');
    expect(err).toMatch(/exit: +code 127/);
    expect(err).toMatch(/stderr: .*hostsig-no-such-adapter-cmd.*not found/);
    expect(err).toContain('the shell could not find the program');
  });

  it('--exec: an adapter file that is not there (php prints it on stdout) is reported once, exit 3', () => {
    const err = dead('php no/such/adapter.php');
    expect(err).toMatch(/line 1 of its stdout is not a protocol response \(not JSON\)/);
    expect(err).toContain('the adapter file was not found');
  });

  it('--exec: an implementation that exits at once, with its exit code and first stderr lines', () => {
    const err = dead(`"${process.execPath}" -e "console.error('adapter: cannot load config'); process.exit(4)"`);
    expect(err).toMatch(/exit: +code 4/);
    expect(err).toMatch(/stderr: +adapter: cannot load config/);
    expect(err).toContain('answered: 0 of ');
  });

  it('--exec: garbage on the first line of stdout', () => {
    const err = dead(`"${process.execPath}" -e "console.log('hello, I am an adapter'); setInterval(() => {}, 1000)"`);
    expect(err).toContain('line 1 of its stdout is not a protocol response (not JSON): hello, I am an adapter');
    expect(err).toMatch(/exit: +signal SIGTERM \(stopped by hostsig\)/);
  });

  it('--exec: an adapter that closes its stdin and lingers is stopped (not waited on until the timeout)', () => {
    const t = Date.now();
    const err = dead(`exec 0<&-; sleep 30`, ['--timeout', '50']);
    expect(Date.now() - t).toBeLessThan(20_000);
    expect(err).toContain('it stopped reading its stdin before every request was written');
  });

  it('--exec: a crash after some answers names the first request left without one', () => {
    const crash = join(dir, 'crash.mjs');
    writeFileSync(crash, `import { createInterface } from 'node:readline';\nlet n = 0;\ncreateInterface({ input: process.stdin }).on('line', (l) => { const r = JSON.parse(l); if (++n === 3) { console.error('TypeError: boom'); process.exit(255); } console.log(JSON.stringify({ id: r.id, unsupported: true })); });\n`);
    const err = dead(`"${process.execPath}" "${crash}"`);
    expect(err).toMatch(/answered: 2 of \d+ requests/);
    expect(err).toMatch(/first request without an answer: id 3 \(hostdime HostDime\w+\)/);
    expect(err).toMatch(/exit: +code 255/);
    expect(err).toContain('TypeError: boom');
  });

  it('--list-adapters: every adapter under examples/adapters, by absolute path, with an --exec line that works from any directory', () => {
    const shipped = readdirSync(join(REPO_ROOT, 'examples', 'adapters'), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
    expect(shipped).toContain('php');
    const list = json(hostsig(['vectors', '--list-adapters', '--json']));
    expect(list.adapters.map((a: { name: string }) => a.name)).toEqual(shipped);
    const php = list.adapters.find((a: { name: string }) => a.name === 'php');
    expect(php).toEqual({ name: 'php', path: join(REPO_ROOT, ADAPTER), exec: `php ${join(REPO_ROOT, ADAPTER)}` });
    const text = hostsig(['vectors', '--list-adapters']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`hostsig vectors --exec 'php ${join(REPO_ROOT, ADAPTER)}'`);
    if (!phpAvailable()) return;
    const elsewhere = mkdtempSync(join(tmpdir(), 'hostsig-elsewhere-'));
    expect(hostsig(['vectors', '--exec', php.exec, '--scheme', 'sixconnect'], { cwd: elsewhere }).code).toBe(0);
    // $HOSTSIG_ADAPTERS is the same folder, in the adapter command's environment.
    const viaEnv = hostsig(['vectors', '--exec', 'php "$HOSTSIG_ADAPTERS/php/hostsig-adapter.php"', '--scheme', 'sixconnect'], { cwd: elsewhere });
    expect(viaEnv.code).toBe(0);
    expect(viaEnv.stdout).toMatch(/ 0 failed, 0 skipped/);
  });

  it.skipIf(!phpAvailable())('--exec: the PHP reference adapter passes every case it implements', () => {
    const r = hostsig(['vectors', '--exec', `php ${ADAPTER}`, '--json']);
    const rep = json(r);
    expect(rep.failures).toEqual([]);
    expect(r.code).toBe(0);
    expect(rep.totals.pass).toBeGreaterThanOrEqual(242);
    // The adapter implements HostDime and 6connect only: the rest is skipped, never failed.
    for (const row of rep.rows) {
      if (row.scheme === 'hostdime' || row.scheme === 'sixconnect') expect(row).toMatchObject({ skip: 0, fail: 0 });
      else expect(row).toMatchObject({ pass: 0, fail: 0, skip: row.cases, note: 'unsupported by the adapter: skipped' });
    }
  });

  it.skipIf(!phpAvailable())('--exec: the PHP adapter with JSON_UNESCAPED_SLASHES fails at stage doubleJson', () => {
    const broken = join(dir, 'broken-adapter.php');
    const src = readFileSync(join(REPO_ROOT, ADAPTER), 'utf8');
    const patched = src.replace('$double = json_encode($inner);', '$double = json_encode($inner, JSON_UNESCAPED_SLASHES);');
    expect(patched).not.toBe(src);
    writeFileSync(broken, patched);
    const r = hostsig(['vectors', '--exec', `php ${broken}`, '--scheme', 'hostdime']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('first difference: stage doubleJson');
  });
});

describe('hostsig serve', () => {
  it('verifies real HTTP requests for all five schemes: valid, replayed, tampered, mistaken clients', async () => {
    const cfg = join(dir, 'keys.json');
    const WHM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
    const HK = 'fedcba9876543210fedcba9876543210';
    writeFileSync(
      cfg,
      JSON.stringify({
        hostdime: { keys: { pub1: 'priv1' } },
        sixconnect: { keys: { K1: 's3cret' } },
        hostbill: { publicKey: join(REPO_ROOT, 'vectors', 'keys', 'rsa2048.spki.pem'), issuer: 'https://billing.test', basic: { 'a@b.test': 'pw:1' } },
        whm: { tokens: { root: [{ name: 'ci', digest: createHash('sha256').update(WHM).digest('hex') }] }, cpanelTokens: { bob: [{ name: 'u', token: WHM }] } },
        hostkey: { sessions: [{ digest: createHash('sha256').update(HK).digest('hex'), subject: 'user-42', expiresAt: 4102444800 }], apiKeys: { 'hk-key': 'api-user' } },
      }),
    );
    const serve = await spawnServe(['--config', cfg]);
    let exit: number | null = null;
    try {
      const url = serve.url;
      const req = signHostDime({ publicKey: 'pub1', privateKey: 'priv1', method: 'domain.list', params: { status: 'registered' }, baseUrl: url });
      const post = (body: string) => fetch(req.url, { method: 'POST', headers: req.headers, body });

      const ok = await post(req.body);
      expect(ok.status).toBe(200);
      expect(await ok.json()).toMatchObject({ error: null, response: { verified: true, method: 'domain.list', api_key: 'pub1' } });

      const replay = await post(req.body);
      expect(replay.status).toBe(401);
      expect(await replay.json()).toMatchObject({ error: { message: expect.stringContaining('REPLAYED'), code: 401 }, response: null });

      const tampered = await post(req.body.replace('registered', 'expired'));
      expect(tampered.status).toBe(401);
      expect((await tampered.json()).error.message).toContain('SIGNATURE_INVALID');

      // A client that hashes with JSON.stringify twice (written here, not by hostsig).
      const ts = Math.floor(Date.now() / 1000);
      const p = { url: 'http://x.test/a', tags: ['a', 'b'] };
      const h = createHash('sha256').update(`${ts}:u-1:priv1:domain.list:${JSON.stringify(JSON.stringify(p))}`).digest('hex');
      const jsBody = `url=http%3A%2F%2Fx.test%2Fa&tags%5B0%5D=a&tags%5B1%5D=b&api_key=pub1&api_timestamp=${ts}&api_unique=u-1&api_hash=${h}`;
      const js = await post(jsBody);
      expect(js.status).toBe(401);

      const q = 'target=ipam&action=get&type=IP&apiKey=K1';
      const sc = await fetch(`${url}/api/v1/api.php?${q}&hash=${encodeURIComponent(createHmac('sha256', 's3cret').update(q).digest('base64'))}`);
      expect(sc.status).toBe(200);
      expect(await sc.json()).toMatchObject({ success: 1, apiKey: 'K1' });
      const scBad = await fetch(`${url}/api/v1/api.php?${q}&hash=${encodeURIComponent(createHmac('sha256', 'other').update(q).digest('base64'))}`);
      expect(scBad.status).toBe(401);
      expect(await scBad.json()).toMatchObject({ success: 0, code: 'SIGNATURE_INVALID' });

      // HostBill Bearer: RS256 by node:crypto; the payload changed after signing; HS256 with the public key.
      const b64u = (x: string) => Buffer.from(x).toString('base64url');
      const now = Math.floor(Date.now() / 1000);
      const claims = JSON.stringify({ sub: 'client-7', iss: 'https://billing.test', iat: now, exp: now + 600 });
      const si = `${b64u('{"alg":"RS256","typ":"JWT"}')}.${b64u(claims)}`;
      const jwt = `${si}.${sign('sha256', Buffer.from(si), createPrivateKey(readFileSync(join(REPO_ROOT, 'vectors', 'keys', 'rsa2048.pkcs8.pem')))).toString('base64url')}`;
      const api = `${url}/api/client/details`;
      const hb = await fetch(api, { headers: { authorization: `Bearer ${jwt}` } });
      expect(hb.status).toBe(200);
      expect(await hb.json()).toMatchObject({ success: true, verified: 'bearer', sub: 'client-7' });
      const forged = `${si.split('.')[0]}.${b64u(claims.replace('client-7', 'admin'))}.${jwt.split('.')[2]}`;
      const hbBad = await fetch(api, { headers: { authorization: `Bearer ${forged}` } });
      expect(hbBad.status).toBe(401);
      expect(await hbBad.json()).toMatchObject({ success: false, code: 'SIGNATURE_INVALID' });
      const hsIn = `${b64u('{"alg":"HS256"}')}.${b64u(claims)}`;
      const hs = `${hsIn}.${createHmac('sha256', readFileSync(join(REPO_ROOT, 'vectors', 'keys', 'rsa2048.spki.pem'))).update(hsIn).digest('base64url')}`;
      expect((await fetch(api, { headers: { authorization: `Bearer ${hs}` } })).status).toBe(401);
      // HostBill Basic, with Buffer's base64.
      const basic = (u: string, p: string) => ({ authorization: `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}` });
      expect((await fetch(api, { headers: basic('a@b.test', 'pw:1') })).status).toBe(200);
      expect((await fetch(api, { headers: basic('a@b.test', 'pw:2') })).status).toBe(401);

      // cPanel & WHM: WHM envelope on failure, cPanel's for a cpanel header.
      const whmOk = await fetch(`${url}/json-api/listaccts?api.version=1`, { headers: { authorization: `whm root:${WHM}` } });
      expect(whmOk.status).toBe(200);
      expect(await whmOk.json()).toMatchObject({ data: { user: 'root', token_name: 'ci' }, metadata: { result: 1, command: 'listaccts' } });
      const whmBad = await fetch(`${url}/json-api/listaccts?api.version=1`, { headers: { authorization: `whm root:${WHM.replace('A', 'B')}` } });
      expect(whmBad.status).toBe(401);
      expect(await whmBad.json()).toMatchObject({ data: null, metadata: { result: 0, reason: expect.any(String), command: 'listaccts' } });
      const uapi = await fetch(`${url}/execute/Email/list_pops`, { headers: { authorization: `cpanel bob:${WHM}` } });
      expect(uapi.status).toBe(200);
      expect(await uapi.json()).toMatchObject({ status: 1, data: { user: 'bob' } });
      const uapiWhm = await fetch(`${url}/json-api/listaccts`, { headers: { authorization: `cpanel bob:${WHM}` } });
      expect(uapiWhm.status).toBe(403);
      expect(await uapiWhm.json()).toMatchObject({ status: 0, errors: [expect.any(String)] });

      // HostKey: a session from the config; a changed token; login, logout, and the token replayed after logout.
      const form = { 'content-type': 'application/x-www-form-urlencoded' };
      const hk = await fetch(`${url}/eq.php`, { method: 'POST', headers: form, body: `action=info&token=${HK}` });
      expect(hk.status).toBe(200);
      expect(await hk.json()).toMatchObject({ result: 'OK', subject: 'user-42' });
      const hkBad = await fetch(`${url}/eq.php`, { method: 'POST', headers: form, body: `action=info&token=${HK.replace('f', '0')}` });
      expect(hkBad.status).toBe(401);
      expect(await hkBad.json()).toMatchObject({ result: -1, error: expect.any(String), code: 'TOKEN_INVALID' });
      const login = await (await fetch(`${url}/auth.php`, { method: 'POST', headers: form, body: 'action=login&key=hk-key' })).json();
      const tok = login.result.token as string;
      expect(tok).toMatch(/^[0-9a-f]{32}$/);
      expect((await fetch(`${url}/eq.php`, { method: 'POST', headers: form, body: `action=info&token=${tok}` })).status).toBe(200);
      // auth.php info, as createHostKeySession(...).call('auth', 'info') sends it.
      const info = await fetch(`${url}/auth.php`, { method: 'POST', headers: form, body: `action=info&token=${tok}` });
      expect(info.status).toBe(200);
      expect(await info.json()).toMatchObject({ result: 'OK', subject: 'api-user' });
      // A GET login, as HOSTKEY's own WHMCS module sends it; then info by GET.
      const getLogin = await fetch(`${url}/auth.php?action=login&key=hk-key`);
      expect(getLogin.status).toBe(200);
      const tok2 = ((await getLogin.json()) as { result: { token: string } }).result.token;
      expect(tok2).toMatch(/^[0-9a-f]{32}$/);
      expect(tok2).not.toBe(tok);
      expect((await fetch(`${url}/auth.php?action=info&token=${tok2}`)).status).toBe(200);
      expect((await fetch(`${url}/auth.php?action=info&token=${'0'.repeat(32)}`)).status).toBe(401);
      expect((await fetch(`${url}/auth.php?action=login&key=wrong`)).status).toBe(401);
      expect((await fetch(`${url}/auth.php`, { method: 'POST', headers: form, body: `action=logout&token=${tok}` })).status).toBe(200);
      expect((await fetch(`${url}/eq.php`, { method: 'POST', headers: form, body: `action=info&token=${tok}` })).status).toBe(401);

      const none = await fetch(`${url}/nothing`);
      expect(none.status).toBe(401);
      expect(none.headers.get('x-hostsig-verdict')).toBe('SCHEME_UNKNOWN');

      await new Promise((r) => setTimeout(r, 100));
      const lines = serve.stderr().trim().split('\n');
      expect(lines.some((l) => /hostdime POST \/v1\/domain\/list\.json -> valid key=pub1/.test(l))).toBe(true);
      expect(lines.some((l) => / -> REPLAYED key=pub1/.test(l))).toBe(true);
      expect(lines.some((l) => / -> SIGNATURE_INVALID key=pub1; diagnosis: js-dialect /.test(l))).toBe(true);
      expect(lines.some((l) => /sixconnect GET \/api\/v1\/api\.php -> SIGNATURE_INVALID/.test(l))).toBe(true);
      expect(lines.some((l) => /hostbill GET \/api\/client\/details -> valid user=client-7$/.test(l))).toBe(true);
      expect(lines.some((l) => /hostbill GET \/api\/client\/details -> SIGNATURE_INVALID; diagnosis: token-modified /.test(l))).toBe(true);
      expect(lines.some((l) => /hostbill GET \/api\/client\/details -> ALG_NOT_ALLOWED; diagnosis: alg-hs256-public-key /.test(l))).toBe(true);
      expect(lines.some((l) => /whm GET \/json-api\/listaccts -> PATH_NOT_ALLOWED; diagnosis: cpanel-token-on-whm-path /.test(l))).toBe(true);
      expect(lines.some((l) => /hostkey POST \/eq\.php -> TOKEN_INVALID; diagnosis: unknown-session /.test(l))).toBe(true);
      expect(lines.some((l) => /hostkey GET \/auth\.php \(login\) -> valid/.test(l))).toBe(true);
      expect(lines.some((l) => /hostkey POST \/auth\.php \(info\) -> valid/.test(l))).toBe(true);
      expect(lines.filter((l) => / -> /.test(l)).length).toBe(27); // one line per request
    } finally {
      exit = await serve.stop();
    }
    expect(exit).toBe(0);
  });
});

describe('hostsig demo (the main job)', () => {
  it('serves, verifies one request per scheme, and runs the vectors', () => {
    const r = hostsig(['demo']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/hostdime\s+POST \/v1\/domain\/list\.json\s+200\s+valid/);
    expect(r.stdout).toMatch(/signed like the Node client\s+401\s+SIGNATURE_INVALID\s+js-dialect/);
    expect(r.stdout).toMatch(/secret hex-decoded\s+401\s+SIGNATURE_INVALID\s+secret-hex-decoded/);
    for (const s of ['hostdime', 'sixconnect', 'hostbill', 'whm', 'hostkey']) expect(r.stdout).toMatch(new RegExp(`^${s}\\s+\\S.*\\s200\\s+valid`, 'm'));
    expect(r.stdout).toMatch(/HS256 with the public key\s+401\s+ALG_NOT_ALLOWED\s+alg-hs256-public-key/);
    expect(r.stdout).toMatch(/same token after logout\s+401\s+TOKEN_INVALID/);
    expect(r.stdout).not.toMatch(/\(expected /);
    expect(r.stdout).toMatch(/\d+ cases: \d+ passed, 0 failed, 0 skipped/);
  });
});
