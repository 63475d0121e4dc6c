// `hostsig gateway` under real parts: client -> Debian nginx -> gateway (2 cluster workers,
// node:cluster) -> a node:http upstream that records what reaches it, with a real redis-server
// holding the nonces. Requests are signed by hostsig's signers and by real PHP.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signHostDime } from '../../src/schemes/hostdime/index.js';
import { signSixConnect } from '../../src/schemes/sixconnect/index.js';
import { formatWhmAuthorization } from '../../src/schemes/whm/index.js';
import { ensureBuilt } from '../cli/run.js';
import { type Answer, freePort, missingRealParts, type Recorded, send, sleep, type Stack, startStack, until } from './harness.js';

const HD_PUB = 'gw-pub';
const HD_PRIV = 'gw-priv-9f1c2e';
const SC_KEY = '32-5DAYTJQY2TZHOFOB';
const SC_SECRET = '48b278ec873bda4738923dbc467f8669';
const WHM_TOKEN = 'U7HMR63FGY292DQZ4H5BFH16JLYMO01M';
const HK_KEY = 'hk-gateway-test-key-5c1e';
const UPSTREAM_TIMEOUT_MS = 1_500;

const skip = missingRealParts();

/** Runs PHP code; its stdout. */
function php(code: string): string {
  return execFileSync('php', ['-r', code], { encoding: 'utf8' });
}

/** A HostDime request signed by hostsig, with a fresh api_unique. */
function hostdime(params: Array<[string, string]> = [['status', 'registered']]) {
  return signHostDime({ publicKey: HD_PUB, privateKey: HD_PRIV, method: 'domain.list', params, unique: randomBytes(12).toString('hex') });
}

/** Sends a signed HostDime request through nginx. */
function sendHd(port: number, s: ReturnType<typeof hostdime>, extra: Record<string, string> = {}): Promise<Answer> {
  return send(port, { method: 'POST', path: s.path, headers: { ...s.headers, ...extra }, body: s.body });
}

/** Counts of each status. */
function tally(answers: Array<Answer | Error>): Record<string, number> {
  const t: Record<string, number> = {};
  for (const a of answers) {
    const k = a instanceof Error ? `error:${a.message}` : String(a.status);
    t[k] = (t[k] ?? 0) + 1;
  }
  return t;
}

/** The identity headers (x-hostsig-*) one upstream request carried, names lower-cased, all copies. */
function identity(r: Recorded): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (let i = 0; i < r.rawHeaders.length; i += 2) {
    const name = r.rawHeaders[i]!.toLowerCase();
    if (name.startsWith('x-hostsig-')) (out[name] ??= []).push(r.rawHeaders[i + 1]!);
  }
  return out;
}

/** Each nonce's upstream record count, for the nonces of `signed`. */
function forwardedCounts(stack: Stack, uniques: string[]): Map<string, number> {
  const counts = new Map<string, number>(uniques.map((u) => [u, 0]));
  for (const r of stack.upstream.received) {
    const m = /(?:^|&)api_unique=([0-9a-f]+)/.exec(r.body.toString('latin1'));
    if (m && counts.has(m[1]!)) counts.set(m[1]!, counts.get(m[1]!)! + 1);
  }
  return counts;
}

/** One sample of the gateway's /metrics (aggregated over the workers by the primary); 0 when absent. */
async function metric(stack: Stack, name: string, labels: Record<string, string>): Promise<number> {
  const res = await fetch(`${stack.gateway.listening.metrics}/metrics`);
  expect(res.status).toBe(200);
  const text = await res.text();
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const set = line.slice(name.length + 1, line.lastIndexOf('}'));
    if (Object.entries(labels).every(([k, v]) => set.includes(`${k}="${v}"`))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return 0;
}

/** What {@link loadAround} sent and got. */
interface Load {
  signed: Array<ReturnType<typeof hostdime>>;
  answers: Array<Answer | Error>;
  startedAt: number[];
  /** When `act` had finished (performance.now()). */
  actedAt: number;
}

/**
 * Distinct signed HostDime requests through nginx, `lanes` at a time: after `trigger` answers,
 * `act` runs while the load goes on, and the load stops `tailMs` after `act` has finished. Time,
 * not a count, bounds the tail, so there are requests well after the fault however fast or slow
 * the machine is.
 */
async function loadAround(stack: Stack, o: { lanes: number; trigger: number; tailMs: number; tag: string; act: () => Promise<void> }): Promise<Load> {
  const load: Load = { signed: [], answers: [], startedAt: [], actedAt: Infinity };
  let done = 0;
  let acting: Promise<void> | null = null;
  const lane = async () => {
    while (performance.now() < load.actedAt + o.tailMs) {
      const i = load.signed.length;
      const s = hostdime([['status', 'registered'], [o.tag, String(i)]]);
      load.signed.push(s);
      load.startedAt[i] = performance.now();
      load.answers[i] = await sendHd(stack.port, s).catch((e: Error) => e);
      if (++done === o.trigger) acting = o.act().then(() => void (load.actedAt = performance.now()));
    }
  };
  await Promise.all(Array.from({ length: o.lanes }, lane));
  await acting;
  return load;
}

describe.skipIf(skip !== null)('hostsig gateway behind a real nginx, on a real redis-server', () => {
  let stack: Stack;

  beforeAll(async () => {
    ensureBuilt();
    stack = await startStack({
      workers: 2,
      config: {
        upstream: { connectTimeoutMs: 1_000, timeoutMs: UPSTREAM_TIMEOUT_MS },
        maxBodyBytes: 65_536,
        trustedProxies: ['127.0.0.1'],
        // 1 s, not the 250 ms default: 1,000 concurrent SET NX on a busy 2-core box can take longer,
        // and a 503 there (failing closed, correctly) is not what the burst test counts.
        redis: { prefix: `hostsig-test-${process.pid}:`, commandTimeoutMs: 1_000 },
        drainTimeoutMs: 5_000,
        metrics: { host: '127.0.0.1', port: await freePort() },
        schemes: {
          // The secrets come from the environment and from a file, as a deployment gives them.
          hostdime: { keys: { [HD_PUB]: { env: 'GW_TEST_HD_SECRET' } } },
          sixconnect: { keys: { [SC_KEY]: { file: 'sixconnect.secret' } } },
          whm: { tokens: { root: [{ name: 'ci-token', token: WHM_TOKEN }] } },
          hostkey: { apiKeys: [{ key: { env: 'GW_TEST_HK_KEY' }, subject: 'customer-7' }] },
        },
      },
      env: { GW_TEST_HD_SECRET: HD_PRIV, GW_TEST_HK_KEY: HK_KEY },
      files: { 'sixconnect.secret': `${SC_SECRET}\n` },
    });
    expect(stack.gateway.listening).toMatchObject({ event: 'listening', workers: 2, redis: true, metrics: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) });
    await until('two gateway workers', () => stack.gateway.workerPids().length === 2, 10_000);
  }, 90_000);

  afterAll(async () => {
    if (!stack) return;
    const code = await stack.gateway.stop();
    await stack.stop();
    // SIGTERM is a clean drain: exit 0.
    expect(code).toBe(0);
  }, 30_000);

  it('a HostDime request signed by hostsig is forwarded once, body unchanged, with identity headers; its replay is refused', async () => {
    const s = hostdime([['status', 'registered'], ['note', 'a/b é']]);
    const ok = await sendHd(stack.port, s, { 'X-Forwarded-For': '203.0.113.9' });
    expect(ok.status, ok.body).toBe(200);
    expect(JSON.parse(ok.body)).toEqual({ upstream: true, method: 'POST', path: '/v1/domain/list.json' });
    const [rec, ...more] = stack.upstream.find(s.unique);
    expect(more).toEqual([]);
    expect(rec!.method).toBe('POST');
    expect(rec!.path).toBe('/v1/domain/list.json');
    expect(rec!.body.equals(Buffer.from(s.body))).toBe(true);
    const id = identity(rec!);
    expect(id['x-hostsig-scheme']).toEqual(['hostdime']);
    expect(id['x-hostsig-key']).toEqual([HD_PUB]);
    expect(id['x-hostsig-subject']).toBeUndefined();
    // The verified params, as ASCII-only JSON: é travels as \u00e9.
    const params = id['x-hostsig-params']![0]!;
    expect(params).toMatch(/^[\x20-\x7e]+$/);
    expect(params).toContain('\\u00e9');
    expect(JSON.stringify(JSON.parse(params))).toContain('a/b é');
    // The client's X-Forwarded-For, then nginx's peer, then the gateway's peer (nginx).
    expect(rec!.headers['x-forwarded-for']).toBe('203.0.113.9, 127.0.0.1, 127.0.0.1');
    // No secret ever reaches the upstream or the log.
    expect(JSON.stringify(rec!.rawHeaders)).not.toContain(HD_PRIV);

    const again = await sendHd(stack.port, s);
    expect(again.status).toBe(401);
    expect(JSON.parse(again.body)).toEqual({ error: { message: expect.stringMatching(/^REPLAYED/), code: 401 }, response: null });
    expect(stack.upstream.find(s.unique)).toHaveLength(1);
    const logged = await until('the two log lines', () => {
      const l = stack.gateway.requests().filter((r) => r.scheme === 'hostdime' && r.path === '/v1/domain/list.json');
      return l.length >= 2 && l;
    });
    expect(logged.map((l: any) => l.verdict).slice(-2)).toEqual(['ok', 'REPLAYED']);
    expect(JSON.stringify(stack.gateway.lines)).not.toContain(HD_PRIV);
  });

  it('a HostDime request signed by real PHP (json_encode twice, http_build_query) is forwarded; tampered, it is not', async () => {
    const body = php(`
      $params = ['status' => 'registered', 'name' => "Jos\\u{e9} / \\u{1F600}", 'list' => ['1', '2']];
      $ts = time(); $unique = bin2hex(random_bytes(8));
      $hash = hash('sha256', "$ts:$unique:${HD_PRIV}:domain.list:" . json_encode(json_encode($params, JSON_FORCE_OBJECT)));
      echo http_build_query($params + ['api_key' => '${HD_PUB}', 'api_timestamp' => $ts, 'api_unique' => $unique, 'api_hash' => $hash]);
    `);
    const unique = /api_unique=([0-9a-f]+)/.exec(body)![1]!;
    const tampered = await send(stack.port, { method: 'POST', path: '/v1/domain/list.json', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: body.replace('registered', 'Registered') });
    expect(tampered.status).toBe(401);
    expect(stack.upstream.find(unique)).toEqual([]);
    const ok = await send(stack.port, { method: 'POST', path: '/v1/domain/list.json', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    expect(ok.status, ok.body).toBe(200);
    const [rec] = stack.upstream.find(unique);
    expect(rec!.body.toString('latin1')).toBe(body);
    expect(identity(rec!)['x-hostsig-key']).toEqual([HD_PUB]);
  });

  it('a 44 KB WHM POST body (past nginx\'s in-memory buffer: spooled to its temp file) reaches the upstream byte for byte', async () => {
    const body = `data=${'é/ü+&='.repeat(2_000)}`;
    const r = await send(stack.port, { method: 'POST', path: '/json-api/addzonerecord?api.version=1', headers: { Authorization: formatWhmAuthorization({ user: 'root', token: WHM_TOKEN }), 'content-type': 'text/plain; charset=utf-8' }, body });
    expect(r.status, r.body).toBe(200);
    const rec = stack.upstream.received.at(-1)!;
    expect(rec.path).toBe('/json-api/addzonerecord?api.version=1');
    expect(rec.body.equals(Buffer.from(body))).toBe(true);
    expect(stack.nginx.errorLog()).toContain('buffered to a temporary file');
  });

  it('HostDime params too long for one header line (a 44 KB body): 413 in the HostDime envelope, not forwarded', async () => {
    const s = hostdime([['status', 'registered'], ['note', 'é/ü+&='.repeat(2_000)]]);
    const r = await sendHd(stack.port, s);
    // Forwarded, the upstream would refuse X-Hostsig-Params (Node: 431, past 16 KiB of headers).
    expect(r.status, r.body).toBe(413);
    expect(JSON.parse(r.body)).toEqual({ error: { message: expect.stringMatching(/^BODY_TOO_LARGE/), code: 413 }, response: null });
    expect(stack.upstream.find(s.unique)).toEqual([]);
    // Up to the cap, params are forwarded whole.
    const fits = hostdime([['status', 'registered'], ['note', 'x'.repeat(7_900)]]);
    const ok = await sendHd(stack.port, fits);
    expect(ok.status, ok.body).toBe(200);
    expect(JSON.stringify(JSON.parse(identity(stack.upstream.find(fits.unique)[0]!)['x-hostsig-params']![0]!))).toContain('x'.repeat(7_900));
  });

  it('6connect GETs signed by hostsig and by real PHP are forwarded with their query unchanged; tampered, they are not', async () => {
    const s = signSixConnect({ baseUrl: 'http://x/api/v1/api.php', target: 'ipam', action: 'get', params: { type: 'IP', q: 'a b~ü' }, apiKey: SC_KEY, secretKey: SC_SECRET });
    const path = `/api/v1/api.php?${s.query}`;
    const ok = await send(stack.port, { path });
    expect(ok.status, ok.body).toBe(200);
    const rec = stack.upstream.received.at(-1)!;
    expect(rec.path).toBe(path);
    const id = identity(rec);
    expect(id['x-hostsig-scheme']).toEqual(['sixconnect']);
    expect(id['x-hostsig-key']).toEqual([SC_KEY]);
    expect(id['x-hostsig-params']![0]).toMatch(/^[\x20-\x7e]+$/);
    expect(JSON.stringify(JSON.parse(id['x-hostsig-params']![0]!))).toContain('a b~ü');

    const query = php(`
      $q = 'target=ipam&action=get&type=' . urlencode('IP') . '&name=' . urlencode(trim(' API Test ~ü ')) . '&apiKey=' . urlencode('${SC_KEY}');
      echo $q . '&hash=' . base64_encode(hash_hmac('sha256', $q, '${SC_SECRET}', true));
    `);
    const before = stack.upstream.received.length;
    const bad = await send(stack.port, { path: `/api/v1/api.php?${query.replace('type=IP', 'type=IQ')}` });
    expect(bad.status).toBe(401);
    expect(JSON.parse(bad.body)).toEqual({ success: 0, message: 'hash does not match', code: 'SIGNATURE_INVALID' });
    expect(stack.upstream.received.length).toBe(before);
    const phpOk = await send(stack.port, { path: `/api/v1/api.php?${query}` });
    expect(phpOk.status, phpOk.body).toBe(200);
    expect(stack.upstream.received.at(-1)!.path).toBe(`/api/v1/api.php?${query}`);
  });

  it('identity headers sent by the client (any case, any x-hostsig- name) never reach the upstream as sent', async () => {
    const spoof = { 'X-Hostsig-Subject': 'admin', 'x-HOSTSIG-scheme': 'hostbill', 'X-HostSig-Key': 'root-key', 'x-hostsig-params': '{"admin":"1"}', 'X-Hostsig-Role': 'superuser' };
    const auth = formatWhmAuthorization({ user: 'root', token: WHM_TOKEN });
    const before = stack.upstream.received.length;
    const ok = await send(stack.port, { path: '/json-api/listaccts?api.version=1', headers: { Authorization: auth, ...spoof } });
    expect(ok.status, ok.body).toBe(200);
    const rec = stack.upstream.received.at(-1)!;
    expect(stack.upstream.received.length).toBe(before + 1);
    expect(identity(rec)).toEqual({ 'x-hostsig-scheme': ['whm'], 'x-hostsig-subject': ['root'], 'x-hostsig-key': ['ci-token'] });

    // HostDime has no subject: the client's X-Hostsig-Subject is dropped, not kept.
    const s = hostdime();
    const hd = await sendHd(stack.port, s, spoof);
    expect(hd.status, hd.body).toBe(200);
    const id = identity(stack.upstream.find(s.unique)[0]!);
    expect(Object.keys(id).sort()).toEqual(['x-hostsig-key', 'x-hostsig-params', 'x-hostsig-scheme']);
    expect(id['x-hostsig-scheme']).toEqual(['hostdime']);
    expect(id['x-hostsig-key']).toEqual([HD_PUB]);
    expect(id['x-hostsig-params']).not.toContain('{"admin":"1"}');

    // An invalid request that carries them is not forwarded at all.
    const n = stack.upstream.received.length;
    const badAuth = await send(stack.port, { path: '/json-api/listaccts', headers: { Authorization: formatWhmAuthorization({ user: 'root', token: 'X'.repeat(32) }), ...spoof } });
    expect(badAuth.status).toBe(401);
    expect(stack.upstream.received.length).toBe(n);
  });

  it('HostKey: login at /auth.php is answered by the gateway; the session, in Redis, verifies on either worker; after logout, on neither', async () => {
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const before = stack.upstream.received.length;
    const login = await send(stack.port, { method: 'POST', path: '/auth.php', headers: form, body: `action=login&key=${HK_KEY}` });
    expect(login.status, login.body).toBe(200);
    const token = JSON.parse(login.body).result.token as string;
    expect(token).toMatch(/^[0-9a-f]{32}$/);
    expect(stack.upstream.received.length).toBe(before);
    // Fresh connections: the kernel spreads them over both workers.
    const used = await Promise.all(Array.from({ length: 20 }, (_, i) => send(stack.port, { method: 'POST', path: '/eq.php', headers: form, body: `action=info&id=${i}&token=${token}` })));
    expect(tally(used)).toEqual({ 200: 20 });
    const forwarded = stack.upstream.received.slice(before);
    expect(forwarded).toHaveLength(20);
    for (const r of forwarded) expect(identity(r)).toEqual({ 'x-hostsig-scheme': ['hostkey'], 'x-hostsig-subject': ['customer-7'] });
    const logout = await send(stack.port, { method: 'POST', path: '/auth.php', headers: form, body: `action=logout&token=${token}` });
    expect(logout.status, logout.body).toBe(200);
    const after = await Promise.all(Array.from({ length: 10 }, () => send(stack.port, { method: 'POST', path: '/eq.php', headers: form, body: `action=info&token=${token}` })));
    expect(tally(after)).toEqual({ 401: 10 });
    expect(JSON.parse(after[0]!.body)).toMatchObject({ result: -1, code: 'TOKEN_INVALID' });
    expect(stack.upstream.received.length).toBe(before + 20);
    // Neither the API key nor the session token is ever logged.
    await sleep(100);
    expect(JSON.stringify(stack.gateway.lines)).not.toContain(token);
    expect(JSON.stringify(stack.gateway.lines) + stack.gateway.stderr.join('\n')).not.toContain(HK_KEY);
  });

  it('an upstream that hangs gives 504 {"error":"upstream_timeout"} through nginx, after timeoutMs', async () => {
    stack.upstream.mode = 'hang';
    try {
      const t0 = performance.now();
      const r = await sendHd(stack.port, hostdime());
      const ms = performance.now() - t0;
      expect(r.status).toBe(504);
      expect(JSON.parse(r.body)).toEqual({ error: 'upstream_timeout' });
      expect(ms).toBeGreaterThanOrEqual(UPSTREAM_TIMEOUT_MS - 50);
      expect(await metric(stack, 'hostsig_gateway_upstream_errors_total', { kind: 'timeout' })).toBeGreaterThanOrEqual(1);
    } finally {
      stack.upstream.mode = 'ok';
    }
  });

  it('an upstream that is down gives the gateway\'s 502 {"error":"upstream_unavailable"} through nginx; back up, 200 again', async () => {
    await stack.upstream.down();
    try {
      const r = await sendHd(stack.port, hostdime());
      expect(r.status).toBe(502);
      expect(JSON.parse(r.body)).toEqual({ error: 'upstream_unavailable' });
      expect(await metric(stack, 'hostsig_gateway_upstream_errors_total', { kind: 'refused' })).toBeGreaterThanOrEqual(1);
    } finally {
      await stack.upstream.up();
    }
    expect((await sendHd(stack.port, hostdime())).status).toBe(200);
  });

  it('1,000 concurrent copies of one signed request, 2 workers: exactly one reaches the upstream, 999 are refused as replays', async () => {
    const s = hostdime([['status', 'registered'], ['burst', '1000']]);
    // The burst's log lines are those after the lines already there; an earlier request's line
    // can trail its answer (a worker preempted between answering and logging), so wait until
    // the log has been still for 300 ms first.
    let logged = -1;
    await until('a still log', async () => {
      const n = stack.gateway.requests().length;
      if (n === logged) return true;
      logged = n;
      await sleep(300);
      return stack.gateway.requests().length === n;
    });
    const answers = await Promise.all(Array.from({ length: 1_000 }, () => sendHd(stack.port, s).catch((e: Error) => e)));
    const t = tally(answers);
    expect(t).toEqual({ 200: 1, 401: 999 });
    for (const a of answers) {
      if (a instanceof Error || a.status === 200) continue;
      expect(JSON.parse(a.body)).toEqual({ error: { message: expect.stringMatching(/^REPLAYED/), code: 401 }, response: null });
    }
    expect(stack.upstream.find(s.unique)).toHaveLength(1);
    // Both workers took part (the burst is spread by the kernel over the shared port).
    // A worker logs a request after counting it in its metrics: once the 1,000 lines are in,
    // so are the counts.
    const lines = await until('1,000 log lines', () => {
      const l = stack.gateway.requests().slice(logged);
      return l.length >= 1_000 && l;
    });
    expect(tally(lines.map((l: any) => ({ status: l.verdict }) as Answer))).toEqual({ ok: 1, REPLAYED: 999 });
    // One scrape of the primary covers both workers.
    expect(await metric(stack, 'hostsig_gateway_requests_total', { scheme: 'hostdime', verdict: 'REPLAYED' })).toBeGreaterThanOrEqual(999);
    console.log(`[burst] 1000 copies: ${JSON.stringify(t)}; answered by workers ${JSON.stringify(tally(lines.map((l: any) => ({ status: l.worker }) as Answer)))}`);
  });

  it('a worker SIGKILLed under load: the other keeps answering, every client gets one answer, nothing is forwarded twice, the worker is replaced', async () => {
    const [victim, survivor] = stack.gateway.workerPids();
    expect(victim).toBeTypeOf('number');
    const { signed, answers, startedAt, actedAt: killedAt } = await loadAround(stack, { lanes: 16, trigger: 150, tailMs: 1_500, tag: 'n', act: async () => void process.kill(victim!, 'SIGKILL') });
    // Every client got exactly one HTTP answer (no socket error, no hang): 200, or nginx's 502
    // for a request that was on the killed worker.
    const t = tally(answers);
    expect(Object.keys(t).every((k) => k === '200' || k === '502'), JSON.stringify(t)).toBe(true);
    // Once the kill has landed (500 ms later), every request is answered by the survivor: 200.
    const after = answers.filter((_, i) => startedAt[i]! > killedAt + 500);
    expect(after.length, 'requests after the kill').toBeGreaterThan(20);
    expect(tally(after)).toEqual({ 200: after.length });
    const counts = forwardedCounts(stack, signed.map((s) => s.unique));
    signed.forEach((s, i) => {
      const a = answers[i]!;
      const n = counts.get(s.unique)!;
      expect(n, `nonce ${i} forwarded ${n} times`).toBeLessThanOrEqual(1);
      if (!(a instanceof Error) && a.status === 200) expect(n, `nonce ${i}: 200 but not forwarded`).toBe(1);
    });
    // Forwarded but answered 502: only what the killed worker had in flight.
    const lost = signed.filter((s, i) => counts.get(s.unique) === 1 && (answers[i] as Answer).status !== 200).length;
    expect(lost).toBeLessThanOrEqual(16);
    const replacing = performance.now();
    const pids = await until('a replacement worker', () => {
      const p = stack.gateway.workerPids();
      return p.length === 2 && !p.includes(victim!) && p;
    });
    const replacedMs = Math.round(performance.now() - replacing);
    expect(pids).toContain(survivor);
    expect(stack.gateway.events('worker-exit').length).toBeGreaterThanOrEqual(1);
    await until('a worker-started line', () => stack.gateway.events('worker-started').length >= 1);
    console.log(`[worker kill] ${signed.length} distinct requests, 16 in flight, SIGKILL after 150, 1.5 s more: ${JSON.stringify(t)}; forwarded but not 200: ${lost}; replaced ${victim} by ${pids.find((p) => p !== survivor)} (seen ${replacedMs} ms after the burst)`);
    // The replacement answers too.
    const r = await sendHd(stack.port, hostdime());
    expect(r.status).toBe(200);
  });

  it('redis-server SIGKILLed mid-burst: 503s, nothing forwarded that was not accepted; /healthz 503; after a restart on the same port, accepted again', async () => {
    const { signed, answers, startedAt, actedAt: killedAt } = await loadAround(stack, { lanes: 8, trigger: 100, tailMs: 1_000, tag: 'r', act: () => stack.redis.kill() });
    const t = tally(answers);
    expect(Object.keys(t).every((k) => k === '200' || k === '503'), JSON.stringify(t)).toBe(true);
    // Every request that started after redis-server was dead: 503.
    const late = answers.filter((_, i) => startedAt[i]! > killedAt);
    expect(late.length).toBeGreaterThan(20);
    expect(tally(late)).toEqual({ 503: late.length });
    // Forwarded exactly when accepted.
    const counts = forwardedCounts(stack, signed.map((s) => s.unique));
    signed.forEach((s, i) => expect(counts.get(s.unique), `nonce ${i}`).toBe((answers[i] as Answer).status === 200 ? 1 : 0));

    expect(await metric(stack, 'hostsig_gateway_store_errors_total', { store: 'nonce' })).toBeGreaterThanOrEqual(late.length);
    const health = await send(stack.port, { path: '/healthz' });
    expect(health.status).toBe(503);
    expect(JSON.parse(health.body)).toEqual({ status: 'unavailable', redis: 'down' });

    await stack.redis.restart();
    const restartedAt = performance.now();
    const back = await until('a request accepted after the restart', async () => {
      const a = await sendHd(stack.port, hostdime());
      return a.status === 200 ? a : (await sleep(200), null);
    }, 20_000);
    expect(back.status).toBe(200);
    const recoveryMs = Math.round(performance.now() - restartedAt);
    const healthy = await send(stack.port, { path: '/healthz' });
    expect(healthy.status).toBe(200);
    expect(JSON.parse(healthy.body)).toEqual({ status: 'ok', redis: 'up' });
    console.log(`[redis kill] ${signed.length} distinct requests, 8 in flight, SIGKILL after 100, 1 s more: ${JSON.stringify(t)}; ${late.length} started after the kill, all 503; first 200 ${recoveryMs} ms after redis-server answered PING again`);
  });
});
