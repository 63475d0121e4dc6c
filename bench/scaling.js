// Scaling of the pre-auth parsers: every parser that reads unauthenticated input is timed on
// hostile shapes (whitespace runs, repeated separators, `&` `=` `%` `[` `+` runs, repeated path
// segments, deep nesting, huge single values) at 1k, 10k, 100k and 1M characters, and the
// growth exponent is fitted: the least-squares slope of log(time) over log(size) from 10k up
// (1k carries the fixed cost). Linear is 1; the goal is <= 1.2 on every row. A refusal (a
// HostsigError or a failed result) is timed like an answer: it has to be fast as well.
//
// `npm run bench:scaling` builds dist/ first; `-- --quick` stops at 100k; `-- --only=WORD`
// keeps the rows whose parser or shape contains WORD; `-- --markdown` also prints the table as
// Markdown for docs/BENCHMARKS.md. Writes bench/scaling.json; exits 1 when a row is OVER.
// Each time is the fastest of 5 batches (each repeats the call for >= 10 ms; noise on a shared
// machine only adds time) after >= 20 ms of warm-up; a size whose predicted time for one call passes a cap is skipped (a quadratic
// parser would take hours at 1M) and the exponent comes from the sizes measured.
// A row just over the goal (exponent < 1.6) is measured again, each size keeping its faster time.
import { readFileSync, writeFileSync } from 'node:fs';
import { parseHttpRequest } from '../dist/cli/http.js';
import { base64ToBytes, base64urlToBytes, hexToBytes, parseJsonSafe, parseStr } from '../dist/core/index.js';
import { decodeJwt, parseJsonStrict, signJwt, verifyJwt } from '../dist/jwt/index.js';
import { importPrivateKey, importPublicKey } from '../dist/rsa/index.js';
import { splitAuthorization } from '../dist/schemes/hostbill/basic.js';
import { parseBasicAuth, parseBearerAuth, verifyHostBillBearer } from '../dist/schemes/hostbill/index.js';
import { hostDimePathToMethod, verifyHostDimeSync } from '../dist/schemes/hostdime/index.js';
import { isHostKeyPin, MemoryHostKeyTokenStore, parseHostKeyLoginOptions, verifyHostKeyRequest } from '../dist/schemes/hostkey/index.js';
import { verifySixConnect } from '../dist/schemes/sixconnect/index.js';
import { cpanelPathAllowed, parseCidr, parseIpAddress, parseWhmAuthorization, verifyWhmAuthorization } from '../dist/schemes/whm/index.js';
import { logSafe } from '../dist/cli/output.js';
import { createVerifier } from '../dist/server/index.js';
import { diagnoseHostDime } from '../dist/diagnose/index.js';
import { nodeHeaders } from '../dist/server/node.js';
import { clientAddress } from '../dist/cli/gateway/identity.js';
import { forwardHeaders } from '../dist/cli/gateway/proxy.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const markdown = args.includes('--markdown');
const only = args.find((a) => a.startsWith('--only='))?.slice(7).toLowerCase();
const SIZES = quick ? [1e3, 1e4, 1e5] : [1e3, 1e4, 1e5, 1e6];
const FIT_FROM = 1e4;
const MAX_EXPONENT = 1.2;
/** Rows between MAX_EXPONENT and this are measured twice (see settle). */
const BORDERLINE = 1.6;
/** The largest predicted time of one call (ms) a size is still measured at. */
const CAP_MS = quick ? 1000 : 2000;
const SAMPLES = 5;
const BATCH_MS = 10;
const WARM_MS = 20;
/** A call slower than this (ms) is timed once: it needs no warm-up or batching. */
const SLOW_MS = 300;
const NOW = 1_700_000_000;
const started = performance.now();
const collect = typeof globalThis.gc === 'function' ? globalThis.gc : () => {};
if (typeof globalThis.gc !== 'function') console.warn('(run with node --expose-gc for steadier 1M rows: the heap is then collected before each sample)');

// ---- shapes -------------------------------------------------------------------------------

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder();
/** A flat string, as a server gets from decoding request bytes (not a slice or rope of `repeat`). */
const flat = (x) => (typeof x === 'string' ? utf8Decoder.decode(utf8Encoder.encode(x)) : x);
/** `unit` repeated to exactly n characters. */
const run = (unit, n) => unit.repeat(Math.ceil(n / unit.length)).slice(0, n);
/** `prefix` + `unit` repeated + `suffix`, n characters in all (the run takes what is left). */
const framed = (prefix, unit, suffix = '') => (n) => prefix + run(unit, Math.max(0, n - prefix.length - suffix.length)) + suffix;

// Form bodies and queries (PHP parse_str shapes), each n characters.
const FORM_SHAPES = [
  ['a&a&a...', framed('', 'a&')],
  ['& run', framed('', '&')],
  ['= run', framed('', '=')],
  ['% run', framed('', '%')],
  ['%25 run', framed('a=', '%25')],
  ['+ run', framed('a=', '+')],
  ['[ run', framed('', '[')],
  ['a[[[[...=1', framed('a', '[', '=1')],
  ['a[][][]...=1', framed('a', '[]', '=1')],
  ['a[b][b]...=1', framed('a', '[b]', '=1')],
  ['many fields a=1&', framed('', 'a=1&')],
  ['one huge value', framed('a=', 'x')],
  ['one huge name', framed('', 'x', '=1')],
];

// JSON text shapes (n characters; the nesting ones are what a depth limit must refuse early).
const JSON_SHAPES = [
  ['[[[[ open', framed('', '[')],
  ['[[[]]] nested', (n) => '['.repeat(n >> 1) + ']'.repeat(n >> 1)],
  ['{"a":{"a":... nested', (n) => '{"a":'.repeat(Math.floor((n - 1) / 6)) + '1' + '}'.repeat(Math.floor((n - 1) / 6))],
  ['long string', framed('"', 'a', '"')],
  ['\\u escapes', framed('"', '\\u0041', '"')],
  ['many keys', (n) => `{${Array.from({ length: Math.max(1, Math.floor(n / 12)) }, (_, i) => `"k${i.toString(36).padStart(5, '0')}":1`).join(',')}}`],
  ['whitespace run', framed('', ' ', '1')],
  ['huge number', framed('', '1')],
];

// ---- fixtures -----------------------------------------------------------------------------

const keyText = (f) => readFileSync(new URL(`../vectors/keys/${f}`, import.meta.url), 'utf8');
const privateKey = importPrivateKey(keyText('rsa2048.pkcs1.pem'));
const publicKey = privateKey.publicKey;
const goodToken = signJwt({ sub: 'client-42', iss: 'https://billing.example.test', iat: NOW, exp: NOW + 60 }, privateKey, { kid: 'k1' });
const [goodHead, goodBody, goodSig] = goodToken.split('.');
const spkiLines = keyText('rsa2048.spki.pem').trim().split('\n');
const spkiBody = spkiLines.slice(1, -1).join('');
const HASH64 = '0'.repeat(64);
const hostDimeAuth = `&api_key=pub&api_timestamp=${NOW}&api_unique=u1&api_hash=${HASH64}`;
const sixConnectAuth = `&apiKey=k&hash=${'A'.repeat(43)}=`;
const whmLookup = () => [{ name: 't', digest: HASH64, acls: ['all'], expiresAt: null, whitelistIps: ['10.0.0.0/8'] }];
const hostKeyStore = new MemoryHostKeyTokenStore();
const verifier = createVerifier({
  clock: () => NOW,
  schemes: {
    hostdime: { privateKey: 'fazbaz' },
    sixconnect: { secretKey: 's' },
    whm: { lookup: () => [] },
    hostbill: { bearer: { key: publicKey }, basic: { verify: () => false } },
    hostkey: { store: hostKeyStore },
  },
});
const form = { 'content-type': 'application/x-www-form-urlencoded' };

// ---- rows ---------------------------------------------------------------------------------

/** @type {{ parser: string, shape: string, make: (n: number) => unknown, call: (x: any) => unknown }[]} */
const rows = [];
/** `maxN`: the largest size worth timing, for a parser its caller caps (serve's diagnosis). */
const add = (parser, call, shapes, maxN = Infinity) => {
  for (const [shape, make] of shapes) rows.push({ parser, shape, make, call, maxN });
};

// Calibration: a linear and a quadratic toy, so the exponents below can be trusted.
add('toy: linear loop', (s) => {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) | 0;
  return h;
}, [['x run', framed('', 'x')]]);
add('toy: quadratic loop', (s) => {
  let h = 0;
  for (let i = 0; i < s.length; i++) for (let j = i; j < s.length; j++) h = (h + s.charCodeAt(j)) | 0;
  return h;
}, [['x run', framed('', 'x')]]);

// HostBill: the Authorization parsing shared by Basic and Bearer.
const AUTH_WS = (scheme) => [
  [`${scheme} + spaces + x`, framed(scheme, ' ', 'x')],
  [`${scheme} + tabs/spaces + x`, framed(scheme, ' \t', 'x')],
  ['spaces + x', framed('', ' ', 'x')],
  [`${scheme} x + spaces + x`, framed(`${scheme} x`, ' ', 'x')],
];
add('hostbill splitAuthorization', splitAuthorization, [...AUTH_WS('Bearer'), ['Bearer + long token', framed('Bearer ', 'a')]]);
add('hostbill parseBasicAuth', parseBasicAuth, [
  ...AUTH_WS('Basic'),
  ['Basic + long base64', framed('Basic ', 'QUFB')],
  ['Basic + = run', framed('Basic QQ', '=')],
  ['Basic + base64 + !', framed('Basic ', 'A', '!')],
]);
add('hostbill parseBearerAuth', parseBearerAuth, [
  ...AUTH_WS('Bearer'),
  ['Bearer + long token', framed('Bearer ', 'a')],
  ['Bearer + dots', framed('Bearer ', '.')],
  ['Bearer + a.a.a...', framed('Bearer ', 'a.')],
  ['Bearer + = run + x', framed('Bearer a', '=', 'x')],
]);
add('hostbill verifyHostBillBearer', (h) => verifyHostBillBearer(h, publicKey, { now: NOW }), [
  ['Bearer + spaces + x', framed('Bearer', ' ', 'x')],
  ['huge header segment', framed('Bearer eyJ', 'A', `.${goodBody}.${goodSig}`)],
  ['huge payload segment', framed(`Bearer ${goodHead}.`, 'A', `.${goodSig}`)],
  ['Bearer + a.a.a...', framed('Bearer ', 'a.')],
]);

// WHM / cPanel.
add('whm parseWhmAuthorization', parseWhmAuthorization, [
  ['whm + spaces + x', framed('whm', ' ', 'x')],
  ['whm + spaces/tabs + root:x', framed('whm', ' \t', ' root:x')],
  ['spaces + whm', framed('', ' ', 'whm')],
  ['whm root: + long token', framed('whm root:', 'A')],
  ['whm + : run', framed('whm ', ':')],
]);
add('whm cpanelPathAllowed', (p) => cpanelPathAllowed(p), [
  ['/ run', framed('', '/')],
  ['. run', framed('/execute/', '.')],
  ['% run', framed('/execute/', '%')],
  ['%25 run', framed('/execute/', '%25')],
  ['/execute/../..', framed('/execute/', '../')],
  ['/execute/a/a/a', framed('/execute/', 'a/', 'x')],
]);
add('whm parseIpAddress', parseIpAddress, [
  ['digit run', framed('', '1')],
  ['1. run', framed('', '1.')],
  [': run', framed('', ':')],
  ['f: run', framed('', 'f:')],
  ['::ffff: + dots', framed('::ffff:', '1.')],
]);
add('whm parseCidr', parseCidr, [
  ['/ + digit run', framed('10.0.0.0/', '1')],
  ['f: run + /64', framed('', 'f:', '/64')],
]);
add('whm verifyWhmAuthorization clientIp', (ip) => verifyWhmAuthorization(`whm root:${'A'.repeat(32)}`, { lookup: whmLookup, clientIp: ip, now: NOW }), [
  ['1. run', framed('', '1.')],
  ['f: run', framed('', 'f:')],
]);

// HostDime.
add('hostdime hostDimePathToMethod', hostDimePathToMethod, [
  ['/v1 repeated', framed('', '/v1')],
  ['/a repeated', framed('', '/a')],
  ['/v1/a/a/...x.json', framed('/v1/', 'a/', 'x.json')],
  ['/v1/v/v repeated', framed('', '/v1/v/v')],
  ['.json run', framed('/v1/a', '.json')],
  ['/v1/ + long word', framed('/v1/', 'a', '.json')],
  ['? run', framed('/v1/a.json', '?')],
]);
add('hostdime verifyHostDimeSync body', (body) => verifyHostDimeSync({ path: '/v1/domain/list.json', body }, { privateKey: 'fazbaz', now: NOW }),
  FORM_SHAPES.map(([s, make]) => [s, (n) => make(n) + hostDimeAuth]));

// 6connect.
add('sixconnect verifySixConnect query', (query) => verifySixConnect({ query }, { secretKey: 's', now: NOW }),
  FORM_SHAPES.map(([s, make]) => [s, (n) => make(n) + sixConnectAuth]));

// core.
add('core parseStr', (s) => parseStr(s), FORM_SHAPES);
add('core parseJsonSafe', (s) => parseJsonSafe(s), JSON_SHAPES);
add('jwt parseJsonStrict', (s) => parseJsonStrict(s), JSON_SHAPES);
const CODEC_SHAPES = (alphabetUnit) => [
  ['valid run', framed('', alphabetUnit)],
  ['valid run + !', framed('', alphabetUnit, '!')],
  ['= run', framed('', '=')],
  ['whitespace run', framed('', ' ')],
];
add('core base64ToBytes', base64ToBytes, CODEC_SHAPES('QUFB'));
add('core base64urlToBytes', base64urlToBytes, CODEC_SHAPES('QUF-'));
add('core hexToBytes', hexToBytes, CODEC_SHAPES('ab'));

// JWT (tokens over MAX_TOKEN_LENGTH are refused up front: the large sizes time that refusal).
add('jwt verifyJwt', (t) => verifyJwt(t, publicKey, { now: NOW }), [
  ['huge header segment', framed('eyJ', 'A', `.${goodBody}.${goodSig}`)],
  ['huge payload segment', framed(`${goodHead}.`, 'A', `.${goodSig}`)],
  ['dots', framed('', '.')],
  ['a.a.a...', framed('', 'a.')],
  ['spaces + token', (n) => ' '.repeat(Math.max(0, n - goodToken.length)) + goodToken],
]);
add('jwt decodeJwt', decodeJwt, [
  ['huge payload segment', framed(`${goodHead}.`, 'e30', `.${goodSig}`)],
  ['a.a.a...', framed('', 'a.')],
]);

// RSA key import (PEM and JWK text).
const pem = (body) => `-----BEGIN PUBLIC KEY-----\n${body}\n-----END PUBLIC KEY-----\n`;
add('rsa importPublicKey', importPublicKey, [
  ['PEM huge body', (n) => pem(run('QUFB', n))],
  ['PEM many short lines', (n) => pem(run('QUFB\n', n).trimEnd())],
  ['PEM whitespace lines', (n) => pem(`${spkiBody}\n${run(' \n', n)}`)],
  ['PEM colon lines', (n) => pem(run('a:b\n', n).trimEnd())],
  ['leading whitespace + PEM', (n) => ' '.repeat(n) + pem(spkiBody)],
  ['-----BEGIN run', framed('', '-----BEGIN ')],
  ['JWK huge n', (n) => `{"kty":"RSA","n":"${run('A', n)}","e":"AQAB"}`],
  ['JWK whitespace', (n) => `{${' '.repeat(n)}"kty":"RSA"}`],
  ['JWK nested', (n) => `{"a":${'['.repeat(n)}`],
  ['ssh-rsa + spaces', framed('ssh-rsa', ' ', 'AAAA')],
]);

// HostKey.
add('hostkey verifyHostKeyRequest body', (body) => verifyHostKeyRequest(body, { store: hostKeyStore, now: NOW }), [
  ...FORM_SHAPES,
  ['token= + long value', framed('action=info&token=', 'a')],
]);
add('hostkey parseHostKeyLoginOptions', parseHostKeyLoginOptions, FORM_SHAPES);
add('hostkey isHostKeyPin', isHostKeyPin, [['digit run', framed('', '1')]]);

// server: detection and normalization through createVerifier(...).verify.
const req = (fields) => (x) => verifier.verify({ method: 'POST', headers: {}, ...fields(x) });
add('server verify (url)', req((url) => ({ url })), [
  ['/v1 repeated', framed('http://h', '/v1')],
  ['/a repeated', framed('http://h', '/a')],
  ['/json-api/ + long', framed('http://h/json-api/', 'a')],
  ['query a&a&a', framed('http://h/api.php?', 'a&')],
  ['query % run', framed('http://h/api.php?', '%')],
  ['/ run + .php', framed('http://h', '/', 'a.php')],
]);
add('server verify (authorization)', req((authorization) => ({ url: 'http://h/api/x', headers: { authorization } })), [
  ['Bearer + spaces + x', framed('Bearer', ' ', 'x')],
  ['Basic + spaces + x', framed('Basic', ' ', 'x')],
  ['whm + spaces + x', framed('whm', ' ', 'x')],
  ['spaces + x', framed('', ' ', 'x')],
  ['Bearer + long token', framed('Bearer ', 'a')],
]);
add('server verify (headers)', req((n) => ({ url: 'http://h/v1/a.json', headers: Object.fromEntries(Array.from({ length: n / 10 }, (_, i) => [`x-h${i}`, 'v'])) })), [['n/10 headers', (n) => n]]);
add('server verify (body)', req((body) => ({ url: 'http://h/v1/domain/list.json', headers: form, body })), FORM_SHAPES);
// HostKey is decided with the body (token or action field), HostBill's Admin API named.
add('server verify (hostkey body)', req((body) => ({ url: 'http://h/eq.php', headers: form, body })), [...FORM_SHAPES, ['api_id + long value', framed('api_id=', 'a')]]);

// serve's diagnosis of a failed HostDime request (it runs before any signature holds). serve
// diagnoses bodies up to 16 KiB; timed to 100k (at 1M, 60 candidate encodings of a 1 MB body
// are allocation-bound: exponent 1.22-1.25, about 2.4 s).
const API_SUFFIX = `&api_key=foobar&api_timestamp=${NOW}&api_unique=ABCDEF&api_hash=${'0'.repeat(64)}`;
add(
  'diagnose diagnoseHostDime body',
  (body) => diagnoseHostDime({ body, path: '/v1/utility/echo.json', privateKey: 'fazbaz' }),
  [...FORM_SHAPES, ['bare names a&a&', framed('', 'a&')], ['integer keys 5=x&', framed('', '5=x&')], ['dotted names a.b=1&', framed('', 'a.b=1&')]].map(([name, shape]) => [name, (n) => shape(Math.max(1, n - API_SUFFIX.length)) + API_SUFFIX]),
  1e5,
);

// Node adapters: counting Authorization lines in rawHeaders (n/20 lines of each kind).
const rawHeaders = (name) => (n) => ({ headers: {}, rawHeaders: Array.from({ length: Math.max(2, Math.floor(n / 20)) }, (_, i) => (i % 2 ? 'v'.repeat(8) : name)) });
add('server nodeHeaders', nodeHeaders, [
  ['Authorization lines', rawHeaders('Authorization')],
  ['other header lines', rawHeaders('X-Other-Header')],
]);

// Gateway: the client address from X-Forwarded-For behind a trusted proxy, and the client's
// headers as forwarded (Connection's token list, X-Hostsig-* stripped): both before auth.
const trustedProxies = [parseCidr('10.0.0.0/8')];
add('gateway clientAddress X-Forwarded-For', (xff) => clientAddress('10.0.0.1', xff, trustedProxies), [
  ['trusted hops 10.0.0.1, ...', framed('', '10.0.0.1, ')],
  ['comma run', framed('', ',')],
  ['spaces + address', framed('', ' ', '192.0.2.1')],
]);
add('gateway forwardHeaders', forwardHeaders, [
  ['Connection token list', (n) => ['Connection', run('a, ', n), 'X-Other', 'v']],
  ['X-Hostsig-* lines', rawHeaders('X-Hostsig-Subject')],
].map(([name, make]) => [name, name.startsWith('X-') ? (n) => make(n).rawHeaders : make]));

// CLI: escaping request data for serve's log line (cut at its field cap).
add('cli logSafe', (s) => logSafe(s), [
  ['control characters', framed('', '\n\u001b')],
  ['lone surrogates', framed('', '\ud800')],
]);

// CLI: the .http request parser.
add('cli parseHttpRequest', parseHttpRequest, [
  ['many header lines', framed('GET / HTTP/1.1\n', 'H: v\n')],
  ['body + newline run + \\r', framed('POST / HTTP/1.1\n\nx', '\n', '\r')],
  ['body + newline run', framed('POST / HTTP/1.1\n\nx', '\n')],
  ['long target', framed('GET /', 'a', ' HTTP/1.1\n')],
  ['target / run', framed('GET ', '/', ' HTTP/1.1\n')],
  ['request line + spaces', framed('GET /', ' ', 'x')],
  ['curl > lines', framed('> GET / HTTP/1.1\n', '> H: v\n')],
  ['blank lines', framed('GET / HTTP/1.1\n', '\n')],
]);

// ---- measuring ----------------------------------------------------------------------------

/** What one call gives: 'ok', a result's failure code, a HostsigError code, or the non-Hostsig error. */
function outcomeOf(v, thrown) {
  if (thrown !== undefined) return thrown && typeof thrown.code === 'string' && thrown.name === 'HostsigError' ? thrown.code : `THROWS ${thrown?.name ?? typeof thrown}`;
  if (v && typeof v === 'object' && v.ok === false) return String(v.code);
  if (v === null || v === false) return String(v);
  return 'ok';
}

async function callOnce(call, x) {
  try {
    const r = call(x);
    return outcomeOf(r && typeof r.then === 'function' ? await r : r);
  } catch (e) {
    return outcomeOf(undefined, e);
  }
}

/** Mean ms per call over k calls (async calls awaited one by one). */
async function batch(call, x, k) {
  const t0 = performance.now();
  for (let i = 0; i < k; i++) {
    try {
      const r = call(x);
      if (r && typeof r.then === 'function') await r.catch(() => {});
    } catch {
      // refusals are timed like answers
    }
  }
  return (performance.now() - t0) / k;
}

async function measure(call, x) {
  // Warm-up: at least WARM_MS of calls (one call when a call is slower than that), so the
  // parser is compiled before the timed batches.
  collect();
  const first = await batch(call, x, 1);
  if (first > SLOW_MS) return first;
  let warm = first;
  let calls = 1;
  while (warm < WARM_MS) {
    warm += await batch(call, x, 1);
    calls += 1;
  }
  const per = warm / calls;
  const k = Math.max(1, Math.min(200_000, Math.ceil(BATCH_MS / Math.max(per, 0.0005))));
  const ts = [];
  for (let i = 0; i < SAMPLES; i++) {
    // A clean heap before each sample: a call pays for its own garbage, not for the garbage
    // the calls before it left (which made the 1M rows swing by 2x between runs).
    collect();
    ts.push(await batch(call, x, k));
  }
  // The minimum: on a shared machine noise only ever adds time.
  return Math.min(...ts);
}

/** Least-squares slope of log(t) over log(n). */
function slope(points) {
  if (points.length < 2) return NaN;
  const xs = points.map(([n]) => Math.log(n));
  const ys = points.map(([, t]) => Math.log(Math.max(t, 1e-6)));
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < xs.length; i++) {
    num += (xs[i] - mx) * (ys[i] - my);
    den += (xs[i] - mx) ** 2;
  }
  return num / den;
}

async function measureRow(row) {
  const times = {};
  const points = [];
  let outcome = '';
  for (const n of SIZES) {
    if (n > row.maxN) {
      times[n] = null;
      continue;
    }
    if (points.length > 0) {
      const [pn, pt] = points[points.length - 1];
      const e = points.length > 1 ? Math.max(1, slope(points.slice(-2))) : 1;
      if (pt * (n / pn) ** e > CAP_MS) {
        times[n] = null;
        continue;
      }
    }
    const x = flat(row.make(n));
    if (!outcome) outcome = await callOnce(row.call, x);
    const t = await measure(row.call, x);
    times[n] = t;
    points.push([n, t]);
  }
  return { parser: row.parser, shape: row.shape, times, outcome, ...fitOf(times) };
}

/** The exponent over the measured sizes from FIT_FROM up (all measured ones if fewer than two). */
function fitOf(times) {
  const points = SIZES.filter((n) => typeof times[n] === 'number').map((n) => [n, times[n]]);
  const fit = points.filter(([n]) => n >= FIT_FROM);
  const exponent = slope(fit.length >= 2 ? fit : points);
  // Judged on the two decimals printed, so the table never shows 1.20 OVER.
  return { exponent, ok: Math.round(exponent * 100) / 100 <= MAX_EXPONENT };
}

/**
 * A row just over the goal (below BORDERLINE, so not plainly quadratic) is measured a second
 * time and each size keeps the faster of the two: a burst of load on a shared machine during
 * one size must not make a linear parser look super-linear.
 */
async function settle(row) {
  const r = await measureRow(row);
  if (r.ok || !(r.exponent < BORDERLINE)) return r;
  const again = await measureRow(row);
  for (const n of SIZES) {
    if (typeof r.times[n] === 'number' && typeof again.times[n] === 'number') r.times[n] = Math.min(r.times[n], again.times[n]);
  }
  return { ...r, ...fitOf(r.times), remeasured: true };
}

// ---- output -------------------------------------------------------------------------------

const fmt = (t) => {
  if (t === null) return 'skipped';
  if (t === undefined) return '-';
  if (t < 1) return `${(t * 1000).toFixed(t < 0.01 ? 2 : 1)} µs`;
  if (t < 1000) return `${t.toFixed(t < 10 ? 2 : 1)} ms`;
  return `${(t / 1000).toFixed(2)} s`;
};
const label = (n) => (n >= 1e6 ? `${n / 1e6}M` : `${n / 1e3}k`);
const W = [36, 30, 10];
const line = (r) =>
  [r.parser.padEnd(W[0]), r.shape.padEnd(W[1]), ...SIZES.map((n) => fmt(r.times[n]).padStart(W[2])), (Number.isNaN(r.exponent) ? '?' : r.exponent.toFixed(2)).padStart(6), (r.ok ? 'ok' : 'OVER').padEnd(5), r.outcome].join('  ');

const selected = rows.filter((r) => !only || `${r.parser} ${r.shape}`.toLowerCase().includes(only));
console.log(`Scaling of pre-auth parsers: sizes ${SIZES.map(label).join(', ')}; exponent = slope of log(t) over log(n) from ${label(FIT_FROM)}; goal <= ${MAX_EXPONENT}.`);
console.log(`Skipped: a size whose predicted time for one call is over ${CAP_MS / 1000} s.\n`);
console.log(['parser'.padEnd(W[0]), 'shape'.padEnd(W[1]), ...SIZES.map((n) => `t(${label(n)})`.padStart(W[2])), 'exp'.padStart(6), 'ok?'.padEnd(5), 'outcome'].join('  '));
const results = [];
for (const row of selected) {
  const r = await settle(row);
  results.push(r);
  console.log(line(r));
}

const over = results.filter((r) => !r.ok && !r.parser.startsWith('toy:'));
const toyQ = results.find((r) => r.parser === 'toy: quadratic loop');
const toyL = results.find((r) => r.parser === 'toy: linear loop');
console.log(`\n${results.length} rows, ${over.length} OVER (toys excluded); toys: linear ${toyL?.exponent.toFixed(2) ?? '-'}, quadratic ${toyQ?.exponent.toFixed(2) ?? '-'}; ${((performance.now() - started) / 1000).toFixed(0)} s.`);

if (markdown) {
  console.log(`\n| parser | shape | ${SIZES.map((n) => `t(${label(n)})`).join(' | ')} | exponent | |`);
  console.log(`|---|---|${SIZES.map(() => '---:').join('|')}|---:|---|`);
  for (const r of results) console.log(`| ${r.parser} | ${r.shape.replace(/\|/g, '\\|')} | ${SIZES.map((n) => fmt(r.times[n])).join(' | ')} | ${Number.isNaN(r.exponent) ? '?' : r.exponent.toFixed(2)} | ${r.ok ? 'ok' : '**OVER**'} |`);
}

if (!only) {
  const out = { run: new Date().toISOString(), node: process.version, quick, sizes: SIZES, fitFrom: FIT_FROM, maxExponent: MAX_EXPONENT, capMs: CAP_MS, rows: results };
  writeFileSync(new URL('./scaling.json', import.meta.url), `${JSON.stringify(out, null, 2)}\n`);
  console.log('wrote bench/scaling.json');
}
process.exitCode = over.length > 0 ? 1 : 0;
