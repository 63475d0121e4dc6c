// hostsig benchmarks: every row is measured beside its baseline in this one process and
// reported as a ratio to it (this 2-core machine is shared and noisy; absolute ops/s are
// printed, not judged). Each group runs several rounds; in every round each task gets a
// warm-up and a timed run (tinybench), the task order rotates between rounds, and a row's
// figure is the median over rounds of its ops/s and of its ratio to the baseline measured in
// that same round. `npm run bench` builds dist/ first; `-- --quick` for a short run.
// Writes bench/results.json; `node bench/chart.js` turns that into docs/BENCHMARKS.md's
// table and docs/images/benchmarks.svg.
import { createHash, createHmac, createPrivateKey, createPublicKey, sign as nodeSign, verify as nodeVerify } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import * as jose from 'jose';
import jsonwebtoken from 'jsonwebtoken';
import jsrsasign from 'jsrsasign';
import forge from 'node-forge';
import { Bench } from 'tinybench';
import { hashBackend, MemoryNonceStore } from '../dist/core/index.js';
import { signJwt, signJwtAsync, verifyJwt, verifyJwtAsync } from '../dist/jwt/index.js';
import { useNodeCrypto, usePureCrypto } from '../dist/node/index.js';
import { importPrivateKey, rsaBackend, rsaSign, rsaSignAsync, rsaVerify, rsaVerifyAsync } from '../dist/rsa/index.js';
import { canonicalHostDime, signHostDime, verifyHostDimeSync } from '../dist/schemes/hostdime/index.js';
import { signSixConnect, verifySixConnectSync } from '../dist/schemes/sixconnect/index.js';
import { digestWhmToken, verifyWhmAuthorization } from '../dist/schemes/whm/index.js';

const quick = process.argv.includes('--quick');
const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7);
const ROUNDS = quick ? 3 : 7;
const TIME = quick ? 60 : 250; // ms per task per round
const WARMUP = quick ? 15 : 60;
const enc = new TextEncoder();
const NOW = 1_700_000_000;
const started = performance.now();

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/**
 * Runs one comparison group; the first task is the baseline the others are divided by.
 * A task is [label, fn, id?]; `id` names rows that targets refer to.
 */
async function group(name, tasks) {
  if (only && !name.toLowerCase().includes(only.toLowerCase())) return [];
  const ops = tasks.map(() => []);
  const ratios = tasks.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    const bench = new Bench({ time: TIME, warmupTime: WARMUP, iterations: 2, warmupIterations: 2 });
    // Rotate the order so no task always runs first (right after a GC-heavy neighbour, say).
    const order = tasks.map((_, i) => (i + round) % tasks.length);
    for (const i of order) bench.add(String(i), tasks[i][1]);
    await bench.run();
    const perTask = new Array(tasks.length);
    for (const t of bench.tasks) {
      const i = Number(t.name);
      if (t.result.state !== 'completed') throw new Error(`${name} / ${tasks[i][0]}: ${t.result.state} ${t.result.error ?? ''}`);
      // Median per-iteration throughput: robust to the outliers a noisy machine produces.
      perTask[i] = t.result.throughput.p50 ?? t.result.throughput.mean;
    }
    for (let i = 0; i < tasks.length; i++) {
      ops[i].push(perTask[i]);
      ratios[i].push(perTask[i] / perTask[0]);
    }
  }
  const rows = tasks.map(([task, , id], i) => ({ group: name, task, id: id ?? null, opsPerSec: median(ops[i]), ratio: median(ratios[i]) }));
  print(rows);
  return rows;
}

function print(rows) {
  console.log(`\n${rows[0].group}`);
  for (const r of rows) console.log(`  ${r.task.padEnd(68)} ${Math.round(r.opsPerSec).toString().padStart(9)} ops/s  ${r.ratio.toFixed(3).padStart(7)}x`);
}

const ok = (v) => {
  if (!v) throw new Error('bench: a verification failed');
};

// ---- HostDime ----

// With `nodeHash`, the same request through the node:crypto hash backend (registered by the
// caller around the group): context for servers that opt in, against the same baseline.
function hostdimeRows(n, nodeHash = false) {
  const params = Array.from({ length: n }, (_, i) => [`field${i}`, i % 2 ? `valeur é ${i} / 😀` : String(i * 7)]);
  const input = { publicKey: 'pub', privateKey: 'priv', method: 'domain.list', params, timestamp: NOW, unique: 'u-1' };
  const s = signHostDime(input);
  const canonical = canonicalHostDime({ timestamp: NOW, unique: 'u-1', privateKey: 'priv', method: 'domain.list', params });
  const canonicalBytes = enc.encode(canonical);
  const obj = Object.fromEntries(params);
  const req = { path: s.path, body: s.body };
  const reqBytes = { path: s.path, body: enc.encode(s.body) };
  if (nodeHash) {
    return group(`HostDime, ${n} params with unicode, node:crypto hash backend registered (hostsig/node)`, [
      ['noble sha256 over the canonical string (baseline)', () => sha256(canonicalBytes)],
      ['hostsig verifyHostDimeSync (raw body, string), node:crypto hashes', () => ok(verifyHostDimeSync(req, { privateKey: 'priv', now: NOW }).ok), `hostdime${n}.verifyNodeHash`],
      ['node:crypto + JSON.stringify twice (official Node client)', () => createHash('sha256').update(`${NOW}:u-1:priv:domain.list:${JSON.stringify(JSON.stringify(obj))}`).digest('hex')],
    ]);
  }
  return group(`HostDime, ${n} params with unicode`, [
    ['noble sha256 over the canonical string (baseline)', () => sha256(canonicalBytes)],
    ['hostsig verifyHostDimeSync (raw body, string)', () => ok(verifyHostDimeSync(req, { privateKey: 'priv', now: NOW }).ok), `hostdime${n}.verify`],
    ['hostsig verifyHostDimeSync (raw body, bytes)', () => ok(verifyHostDimeSync(reqBytes, { privateKey: 'priv', now: NOW }).ok), `hostdime${n}.verifyBytes`],
    ['hostsig signHostDime', () => signHostDime(input)],
    ['node:crypto + JSON.stringify twice (official Node client)', () => createHash('sha256').update(`${NOW}:u-1:priv:domain.list:${JSON.stringify(JSON.stringify(obj))}`).digest('hex')],
  ]);
}

// ---- 6connect ----

function sixconnectRows(label, params, nodeHash = false) {
  const input = { baseUrl: 'https://x/api/v1/api.php', target: 'ipam', action: 'get', params, apiKey: '32-5DAYTJQY2TZHOFOB', secretKey: 'secret' };
  const s = signSixConnect(input);
  const key = enc.encode('secret');
  const msg = enc.encode(s.signedQuery);
  const req = { query: s.query };
  if (nodeHash) {
    return group(`6connect, ${label} (${s.signedQuery.length} B signed), node:crypto hash backend registered (hostsig/node)`, [
      ['noble hmac-sha256 over the signed query (baseline)', () => hmac(sha256, key, msg)],
      ['hostsig verifySixConnectSync (raw query), node:crypto hashes', () => ok(verifySixConnectSync(req, { secretKey: 'secret' }).ok), `sixconnect.${label}.verifyNodeHash`],
      ['node:crypto createHmac', () => createHmac('sha256', 'secret').update(s.signedQuery).digest('base64')],
    ]);
  }
  return group(`6connect, ${label} (${s.signedQuery.length} B signed)`, [
    ['noble hmac-sha256 over the signed query (baseline)', () => hmac(sha256, key, msg)],
    ['hostsig verifySixConnectSync (raw query)', () => ok(verifySixConnectSync(req, { secretKey: 'secret' }).ok), `sixconnect.${label}.verify`],
    ['hostsig signSixConnect', () => signSixConnect(input)],
    ['node:crypto createHmac', () => createHmac('sha256', 'secret').update(s.signedQuery).digest('base64')],
  ]);
}

// ---- RS256 ----

const keyFiles = { 2048: 'vectors/keys/rsa2048.pkcs1.pem', 4096: 'vectors/keys/hostbill4096.key' };

async function rsaSetup(bits) {
  const pem = readFileSync(new URL(`../${keyFiles[bits]}`, import.meta.url), 'utf8');
  const priv = importPrivateKey(pem);
  const nodePriv = createPrivateKey(pem);
  const nodePub = createPublicKey(nodePriv);
  const spkiPem = nodePub.export({ type: 'spki', format: 'pem' });
  const pkcs8Pem = nodePriv.export({ type: 'pkcs8', format: 'pem' });
  const claims = { sub: 'client-42', scope: 'api', iss: 'https://billing.example' };
  const token = signJwt(claims, priv, { now: NOW, expiresIn: '1h', kid: 'k1' });
  const [h, p, s] = token.split('.');
  const signingInput = enc.encode(`${h}.${p}`);
  const signature = Buffer.from(s, 'base64url');
  ok(nodeVerify('sha256', signingInput, nodePub, signature));
  return {
    priv,
    nodePriv,
    nodePub,
    claims,
    token,
    signingInput,
    signature,
    josePub: await jose.importSPKI(spkiPem, 'RS256'),
    josePriv: await jose.importPKCS8(pkcs8Pem, 'RS256'),
    forgePub: forge.pki.publicKeyFromPem(spkiPem),
    forgePriv: forge.pki.privateKeyFromPem(pem),
    rsPub: jsrsasign.KEYUTIL.getKey(spkiPem),
    rsPriv: jsrsasign.KEYUTIL.getKey(pem),
  };
}

const currentDate = new Date((NOW + 60) * 1000);

function forgeVerifyJwt(token, pub) {
  const [h, p, s] = token.split('.');
  const md = forge.md.sha256.create();
  md.update(`${h}.${p}`, 'utf8');
  if (!pub.verify(md.digest().bytes(), Buffer.from(s, 'base64url').toString('binary'))) throw new Error('forge: bad signature');
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));
  if (claims.exp <= NOW + 60) throw new Error('forge: expired');
  return claims;
}

function forgeSignJwt(claims, priv) {
  const si = `${Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'JWT' })).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  const md = forge.md.sha256.create();
  md.update(si, 'utf8');
  return `${si}.${Buffer.from(priv.sign(md), 'binary').toString('base64url')}`;
}

async function verifyRows(bits) {
  const k = await rsaSetup(bits);
  const opts = { currentDate, audience: undefined };
  return group(`RS256 verify, ${bits}-bit key`, [
    ['raw node:crypto.verify on the same signature (baseline)', () => ok(nodeVerify('sha256', k.signingInput, k.nodePub, k.signature))],
    ['hostsig verifyJwt (whole token)', () => verifyJwt(k.token, k.priv.publicKey, opts), `verify${bits}.verifyJwt`],
    ['hostsig rsaVerify (signature only)', () => ok(rsaVerify(k.priv.publicKey, k.signingInput, k.signature)), `verify${bits}.rsaVerify`],
    ['jose jwtVerify', () => jose.jwtVerify(k.token, k.josePub, { currentDate }), `verify${bits}.jose`],
    ['jsonwebtoken verify', () => jsonwebtoken.verify(k.token, k.nodePub, { algorithms: ['RS256'], clockTimestamp: NOW + 60 }), `verify${bits}.jsonwebtoken`],
    ['node-forge (split, verify, JSON.parse)', () => forgeVerifyJwt(k.token, k.forgePub)],
    ['jsrsasign JWS.verifyJWT', () => ok(jsrsasign.KJUR.jws.JWS.verifyJWT(k.token, k.rsPub, { alg: ['RS256'], verifyAt: NOW + 60 }))],
  ]);
}

// ---- RS256 verify, async: 64 verifications in flight per task, as a busy server has ----

const IN_FLIGHT = 64;
const SUBTLE_RS256 = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };

/** Starts IN_FLIGHT operations at once and awaits them all; every result must be true-ish. */
async function inFlight(start) {
  const ps = new Array(IN_FLIGHT);
  for (let i = 0; i < IN_FLIGHT; i++) ps[i] = start();
  for (const v of await Promise.all(ps)) ok(v);
}

function nodeVerifyCallback(data, key, signature) {
  return new Promise((resolve, reject) => nodeVerify('sha256', data, key, signature, (err, valid) => (err ? reject(err) : resolve(valid))));
}

async function verifyAsyncRows(bits) {
  const k = await rsaSetup(bits);
  const opts = { currentDate, audience: undefined };
  const pub = k.priv.publicKey;
  const spkiDer = k.nodePub.export({ type: 'spki', format: 'der' });
  const cryptoKey = await crypto.subtle.importKey('spki', spkiDer, SUBTLE_RS256, false, ['verify']);
  const signature = new Uint8Array(k.signature);
  // Every row must accept this token and refuse a tampered one before it is timed.
  ok(await crypto.subtle.verify(SUBTLE_RS256, cryptoKey, signature, k.signingInput));
  ok((await verifyJwtAsync(k.token, pub, opts)).payload.sub === 'client-42');
  ok(await rsaVerifyAsync(pub, k.signingInput, signature));
  ok(!(await rsaVerifyAsync(pub, enc.encode('x'), signature)));
  return group(`RS256 verify async, ${bits}-bit key, ${IN_FLIGHT} in flight (one op = ${IN_FLIGHT} verifications)`, [
    ['raw crypto.subtle.verify, imported CryptoKey (baseline)', () => inFlight(() => crypto.subtle.verify(SUBTLE_RS256, cryptoKey, signature, k.signingInput))],
    ['hostsig verifyJwtAsync (whole token, Web Crypto)', () => inFlight(() => verifyJwtAsync(k.token, pub, opts)), `verifyAsync${bits}.verifyJwtAsync`],
    ['hostsig rsaVerifyAsync (signature only, Web Crypto)', () => inFlight(() => rsaVerifyAsync(pub, k.signingInput, signature)), `verifyAsync${bits}.rsaVerifyAsync`],
    ['jose jwtVerify', () => inFlight(() => jose.jwtVerify(k.token, k.josePub, { currentDate })), `verifyAsync${bits}.jose`],
    ['raw node:crypto.verify with a callback (libuv pool)', () => inFlight(() => nodeVerifyCallback(k.signingInput, k.nodePub, k.signature)), `verifyAsync${bits}.nodeCallback`],
  ]);
}

// ---- RS256 verify with the node:crypto backend registered (hostsig/node) ----

const backends = () => ({ hash: hashBackend(), rsa: rsaBackend() });
const same = (a, b) => a.hash === b.hash && a.rsa === b.rsa;

/**
 * Runs `rows()` with node:crypto registered (`options` as useNodeCrypto's) and goes back to the
 * pure paths after, so every other group measures the default; throws if either end is not
 * what it should be.
 */
async function withNodeCrypto(options, rows) {
  const pure = { hash: 'noble', rsa: 'pure' };
  if (!same(backends(), pure)) throw new Error(`bench: expected the pure backends before registering, got ${JSON.stringify(backends())}`);
  const on = useNodeCrypto(options);
  const want = { hash: options.hashes === false ? 'noble' : 'node:crypto', rsa: options.rsa === false ? 'pure' : 'node:crypto' };
  try {
    if (!same(on, want) || !same(backends(), want)) throw new Error(`bench: useNodeCrypto gave ${JSON.stringify(on)}, expected ${JSON.stringify(want)}`);
    const out = await rows();
    if (!same(backends(), want)) throw new Error('bench: the backends changed during the group');
    return out;
  } finally {
    const off = usePureCrypto();
    if (!same(off, pure) || !same(backends(), pure)) throw new Error(`bench: usePureCrypto gave ${JSON.stringify(off)}`);
  }
}

async function verifyNodeRows(bits) {
  const k = await rsaSetup(bits);
  const opts = { currentDate, audience: undefined };
  return withNodeCrypto({}, () => {
    // A tampered signature must still be refused on the registered path.
    const bad = new Uint8Array(k.signature);
    bad[bad.length - 1] ^= 1;
    ok(rsaVerify(k.priv.publicKey, k.signingInput, k.signature) && !rsaVerify(k.priv.publicKey, k.signingInput, bad));
    return group(`RS256 verify, node:crypto backend registered (hostsig/node), ${bits}-bit key`, [
      ['raw node:crypto.verify on the same signature (baseline)', () => ok(nodeVerify('sha256', k.signingInput, k.nodePub, k.signature))],
      ['hostsig verifyJwt (whole token), useNodeCrypto()', () => verifyJwt(k.token, k.priv.publicKey, opts), `verifyNode${bits}.verifyJwt`],
      ['hostsig rsaVerify (signature only), useNodeCrypto()', () => ok(rsaVerify(k.priv.publicKey, k.signingInput, k.signature)), `verifyNode${bits}.rsaVerify`],
      ['jose jwtVerify', () => jose.jwtVerify(k.token, k.josePub, { currentDate }), `verifyNode${bits}.jose`],
      ['jsonwebtoken verify', () => jsonwebtoken.verify(k.token, k.nodePub, { algorithms: ['RS256'], clockTimestamp: NOW + 60 }), `verifyNode${bits}.jsonwebtoken`],
    ]);
  });
}

async function signRows(bits) {
  const k = await rsaSetup(bits);
  const o = { now: NOW, expiresIn: '1h', kid: 'k1' };
  const forgeOk = forgeSignJwt(k.claims, k.forgePriv);
  ok(forgeOk.split('.')[2] === Buffer.from(nodeSign('sha256', enc.encode(forgeOk.split('.').slice(0, 2).join('.')), k.nodePriv)).toString('base64url'));
  ok((await signJwtAsync(k.claims, k.priv, o)) === signJwt(k.claims, k.priv, o));
  return group(`RS256 sign, ${bits}-bit key`, [
    ['raw node:crypto.sign (baseline)', () => nodeSign('sha256', k.signingInput, k.nodePriv)],
    ['hostsig rsaSign (pure TS, blinded CRT)', () => rsaSign(k.priv, k.signingInput), `sign${bits}.rsaSign`],
    ['hostsig signJwt (pure TS, whole token)', () => signJwt(k.claims, k.priv, o), `sign${bits}.signJwt`],
    ['hostsig rsaSignAsync (Web Crypto)', () => rsaSignAsync(k.priv, k.signingInput), `sign${bits}.rsaSignAsync`],
    ['hostsig signJwtAsync (Web Crypto, whole token)', () => signJwtAsync(k.claims, k.priv, o), `sign${bits}.signJwtAsync`],
    ['jose SignJWT', () => new jose.SignJWT(k.claims).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setIssuedAt(NOW).setExpirationTime(NOW + 3600).sign(k.josePriv)],
    ['jsonwebtoken sign', () => jsonwebtoken.sign(k.claims, k.nodePriv, { algorithm: 'RS256', keyid: 'k1' })],
    ['node-forge (sha256 + sign)', () => forgeSignJwt(k.claims, k.forgePriv)],
    ['jsrsasign JWS.sign', () => jsrsasign.KJUR.jws.JWS.sign('RS256', { alg: 'RS256', typ: 'JWT' }, k.claims, k.rsPriv)],
  ]);
}

// ---- WHM ----

function whmRows() {
  const token = 'U7HMR63FGY292DQZ4H5BFH16JLYMO01M';
  const records = [{ name: 'deploy', digest: digestWhmToken(token), acls: ['all'] }];
  const header = `whm root:${token}`;
  const tokenBytes = enc.encode(token);
  return group('WHM Authorization header verify', [
    ['noble sha256 of the token (baseline)', () => sha256(tokenBytes)],
    ['hostsig verifyWhmAuthorization', async () => ok((await verifyWhmAuthorization(header, { lookup: () => records, now: NOW })).ok), 'whm.verify'],
    ['node:crypto sha256 hex of the token', () => createHash('sha256').update(token).digest('hex')],
  ]);
}

// ---- nonce store ----

async function nonceRows() {
  let now = 0;
  const store = new MemoryNonceStore({ maxEntries: 100_000, clock: () => now });
  let i = 0;
  // 1000 requests per second with a 99.9 s window: about 100k keys stay live.
  for (; i < 100_000; i++) {
    now = i / 1000;
    store.checkAndStoreSync(`warm${i}`, 99.9);
  }
  const map = new Map();
  return group('nonce store at 100k live entries', [
    ['Map.set (baseline)', () => {
      map.set(`k${i++ % 200_000}`, 1);
    }],
    ['MemoryNonceStore.checkAndStoreSync', () => {
      now += 0.001;
      store.checkAndStoreSync(`k${i++}`, 99.9);
    }, 'nonce.store'],
  ]);
}

const rows = [
  ...(await hostdimeRows(2)),
  ...(await hostdimeRows(20)),
  ...(await sixconnectRows('70-byte query', { type: 'IP' })),
  ...(await sixconnectRows('1 KB query', Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`p${i}`, `value-${i}-xxxx`])))),
  ...(await withNodeCrypto({ rsa: false }, () => hostdimeRows(2, true))),
  ...(await withNodeCrypto({ rsa: false }, () => hostdimeRows(20, true))),
  ...(await withNodeCrypto({ rsa: false }, () => sixconnectRows('70-byte query', { type: 'IP' }, true))),
  ...(await withNodeCrypto({ rsa: false }, () => sixconnectRows('1 KB query', Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`p${i}`, `value-${i}-xxxx`])), true))),
  ...(await verifyRows(2048)),
  ...(await verifyRows(4096)),
  ...(await verifyAsyncRows(2048)),
  ...(await verifyAsyncRows(4096)),
  ...(await verifyNodeRows(2048)),
  ...(await verifyNodeRows(4096)),
  ...(await signRows(2048)),
  ...(await signRows(4096)),
  ...(await whmRows()),
  ...(await nonceRows()),
];

// ---- targets (from the performance issue), judged on this run's ratios ----

const byId = Object.fromEntries(rows.filter((r) => r.id).map((r) => [r.id, r]));
const ratio = (id) => byId[id]?.ratio;
const rel = (a, b) => (ratio(a) !== undefined && ratio(b) !== undefined ? ratio(a) / ratio(b) : undefined);
const targets = [
  { target: 'RS256 verifyJwt 2048 vs jose jwtVerify', value: rel('verify2048.verifyJwt', 'verify2048.jose'), goal: 2.0 },
  { target: 'RS256 verifyJwt 2048 vs raw node:crypto.verify', value: ratio('verify2048.verifyJwt'), goal: 0.4 },
  { target: 'RS256 verifyJwt 4096 vs jose jwtVerify', value: rel('verify4096.verifyJwt', 'verify4096.jose'), goal: 1.2 },
  ...[2048, 4096].flatMap((bits) => [
    { target: `RS256 verifyJwtAsync ${bits}, 64 in flight, vs raw crypto.subtle.verify`, value: ratio(`verifyAsync${bits}.verifyJwtAsync`), goal: 0.85 },
    { target: `RS256 verifyJwtAsync ${bits}, 64 in flight, vs jose jwtVerify`, value: rel(`verifyAsync${bits}.verifyJwtAsync`, `verifyAsync${bits}.jose`), goal: 1.3 },
    { target: `RS256 verifyJwt ${bits}, useNodeCrypto(), vs raw node:crypto.verify`, value: ratio(`verifyNode${bits}.verifyJwt`), goal: 0.8 },
    { target: `RS256 verifyJwt ${bits}, useNodeCrypto(), vs jose jwtVerify`, value: rel(`verifyNode${bits}.verifyJwt`, `verifyNode${bits}.jose`), goal: 3 },
  ]),
  { target: 'RS256 rsaSign (pure TS) 2048 vs node:crypto.sign', value: ratio('sign2048.rsaSign'), goal: 0.12 },
  { target: 'RS256 rsaSign (pure TS) 4096 vs node:crypto.sign', value: ratio('sign4096.rsaSign'), goal: 0.25 },
  { target: 'RS256 rsaSignAsync (Web Crypto) 2048 vs node:crypto.sign', value: ratio('sign2048.rsaSignAsync'), goal: 0.8 },
  { target: 'RS256 rsaSignAsync (Web Crypto) 4096 vs node:crypto.sign', value: ratio('sign4096.rsaSignAsync'), goal: 0.8 },
  { target: 'HostDime verify, 2 params, vs noble sha256', value: ratio('hostdime2.verify'), goal: 0.6 },
  { target: 'HostDime verify, 20 params, vs noble sha256', value: ratio('hostdime20.verify'), goal: 0.6 },
  { target: '6connect verify, 70-byte query, vs noble HMAC', value: ratio('sixconnect.70-byte query.verify'), goal: 0.7 },
  { target: '6connect verify, 1 KB query, vs noble HMAC', value: ratio('sixconnect.1 KB query.verify'), goal: 0.7 },
]
  .filter((t) => t.value !== undefined)
  .map((t) => ({ ...t, met: t.value >= t.goal }));

console.log('\nTargets');
for (const t of targets) console.log(`  ${t.target.padEnd(72)} ${t.value.toFixed(3).padStart(7)}x  goal >= ${t.goal}x  ${t.met ? 'met' : 'NOT MET'}`);

if (!only) {
  const out = { date: new Date().toISOString(), node: process.version, quick, rounds: ROUNDS, msPerTaskPerRound: TIME, rows, targets };
  writeFileSync(new URL('./results.json', import.meta.url), `${JSON.stringify(out, null, 2)}\n`);
  console.log('\nwrote bench/results.json');
}
console.log(`(${((performance.now() - started) / 1000).toFixed(1)} s)`);
