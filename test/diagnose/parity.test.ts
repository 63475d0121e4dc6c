// One catalogue, two faces: every `hostsig diagnose` case (test/cli/diagnose.test.ts and the
// diagnose cases of test/cli/tokens.test.ts, plus the JWT algorithms and Basic headers they
// leave out) runs through the CLI's diagnose command (in-process, --json) and through the web
// page's analysis, and both must name the same mistakes with the same fix texts and codes.
// Every failing input is made by an independent tool (node:crypto, jose, php-cli), never by
// hostsig.
import { createHash, createHmac, createPrivateKey, constants, scryptSync, sign } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importPKCS8, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../src/cli/args.js';
import { diagnoseSpec, runDiagnose } from '../../src/cli/commands/diagnose.js';
import { makeStyle } from '../../src/cli/output.js';
import { analyzeHostBill, analyzeHostDime, analyzeHostKey, analyzeHostKeyPin, analyzeSixConnect, analyzeWhm } from '../../src/web/analyze/index.js';
import type { Analysis } from '../../src/web/model.js';
import { phpAvailable } from '../helpers/php.js';
import { rubyAvailable } from '../helpers/ruby.js';
import { HOSTDIME_PHP_CASES, HOSTDIME_RUBY_CASE, phpClientCases, rubyGemHash } from './cases.js';
import { REPO_ROOT } from '../helpers/wycheproof.js';

const dir = mkdtempSync(join(tmpdir(), 'hostsig-parity-'));
const file = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

interface Seen {
  code: string | undefined;
  /** The failure in words: the CLI's message, the page's headline. */
  said?: string;
  findings: { id: string; title: string; fix: string; detail?: string }[];
}

/** `hostsig diagnose <argv> --json`, in-process: the error code and the findings it prints. */
async function cli(argv: string[]): Promise<Seen> {
  let out = '';
  const style = makeStyle(false);
  await runDiagnose(parseArgs([...argv, '--json'], diagnoseSpec), { out: (s) => (out += s), err: () => {}, style, errStyle: style, env: {} });
  const j = JSON.parse(out) as { error?: string; message?: string; diagnosis?: (Seen['findings'][number] & { signed?: string })[] };
  // The page's findings have no `signed` (the string a HostDime/6connect mistake signed).
  const findings = (j.diagnosis ?? []).map(({ id, title, fix, detail }) => ({ id, title, fix, ...(detail !== undefined ? { detail } : {}) }));
  return { code: j.error, findings, ...(j.message !== undefined ? { said: j.message } : {}) };
}

function page(a: Analysis): Seen {
  return { code: a.verdict.status === 'valid' ? undefined : a.verdict.code, said: a.verdict.headline, findings: a.findings.map(({ id, title, fix, detail }) => ({ id, title, fix, ...(detail !== undefined ? { detail } : {}) })) };
}

/** A case: what the CLI is given, what the page is given, the first mistake both must name ('' for none), and whether codes (and headlines) are compared. */
type Case = [name: string, first: string, argv: string[], analyze: () => Analysis | Promise<Analysis>, compareCode?: boolean | 'headline'];

async function same([, first, argv, analyze, compareCode]: Case): Promise<void> {
  const c = await cli(argv);
  const p = page(await analyze());
  expect(p.findings).toEqual(c.findings);
  expect(c.findings[0]?.id ?? '').toBe(first);
  if (compareCode !== false) expect(p.code).toBe(c.code);
  // One headline rule (src/diagnose/headline.ts): the page's verdict says what the CLI says.
  if (compareCode === 'headline' && c.said !== undefined) expect(p.said).toContain(c.said);
}

// ---- HostDime (test/cli/diagnose.test.ts) -------------------------------------------------

const PREFIX = '1369758680:ABCDEF:fazbaz:utility.echo:';
const API = 'api_key=foobar&api_timestamp=1369758680&api_unique=ABCDEF';
const sha = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
const php = (expr: string) => execFileSync('php', ['-r', `echo hash('sha256', '${PREFIX}' . ${expr});`], { encoding: 'utf8' });

function hostdime(name: string, first: string, params: string, hash: string): Case {
  const body = `${params}${params ? '&' : ''}${API}&api_hash=${hash}`;
  return [name, first, ['--path', '/v1/utility/echo.json', '--body', body, '--private-key', 'fazbaz'], () => analyzeHostDime({ request: body, method: '/v1/utility/echo.json', privateKey: 'fazbaz' }), false];
}

describe('hostdime: CLI and page name the same mistakes', () => {
  const cases: Case[] = [
    hostdime('js dialect', 'js-dialect', 'url=http%3A%2F%2Fexample.com%2Fa&foo%5B0%5D=1&foo%5B1%5D=2', sha(PREFIX + JSON.stringify(JSON.stringify({ url: 'http://example.com/a', foo: ['1', '2'] })))),
    hostdime('python separators', 'python-separators', 'status=registered&order=desc', sha(`${PREFIX}"{\\"status\\": \\"registered\\", \\"order\\": \\"desc\\"}"`)),
    hostdime('uppercase hex', 'hash-uppercase', 'status=registered', sha(`${PREFIX}"{\\"status\\":\\"registered\\"}"`).toUpperCase()),
    hostdime('correct', '', 'status=registered', sha(`${PREFIX}"{\\"status\\":\\"registered\\"}"`)),
    hostdime('unexplained', '', 'status=registered', sha('something else entirely')),
  ];
  it.each(cases)('%s', async (...c) => same(c));

  it.skipIf(!phpAvailable())('the php-cli cases', async () => {
    for (const [id, body, expr] of HOSTDIME_PHP_CASES) await same(hostdime(id, id, body, php(expr)));
  });

  it.skipIf(!rubyAvailable())('the Ruby gem (hdcore-rb), its hash made by ruby', async () => {
    await same(hostdime('ruby dialect', 'ruby-dialect', HOSTDIME_RUBY_CASE.form, rubyGemHash(HOSTDIME_RUBY_CASE.pairs)));
  });

  it.skipIf(!phpAvailable())("the official clients' bugs, made by php-cli", async () => {
    for (const c of phpClientCases()) {
      const argv = ['--path', '/v1/utility/echo.json', '--body', c.body, '--private-key', 'fazbaz'];
      await same([c.name, c.ids[0] ?? '', argv, () => analyzeHostDime({ request: c.body, method: '/v1/utility/echo.json', privateKey: 'fazbaz' }), false]);
    }
  });
});

// ---- 6connect (test/cli/diagnose.test.ts) -------------------------------------------------

const SECRET = '48b278ec873bda4738923dbc467f8669';
const mac = (s: string, key: string | Buffer = SECRET) => createHmac('sha256', key).update(s).digest('base64');
const K = 'apiKey=32-5DAYTJQY2TZHOFOB';
const sixconnect = (name: string, first: string, query: string): Case => [name, first, ['sixconnect', '--query', query, '--secret', SECRET], () => analyzeSixConnect({ request: query, secretKey: SECRET }), false];

describe('sixconnect: CLI and page name the same mistakes', () => {
  const q = `target=t&action=a&${K}`;
  it.each([
    sixconnect('space-encoding', 'space-encoding', `target=t&action=a&name=a+b&${K}&hash=${mac(`target=t&action=a&name=a%20b&${K}`)}`),
    sixconnect('tilde', 'tilde', `target=t&action=a&v=x%7Ey&${K}&hash=${mac(`target=t&action=a&v=x~y&${K}`)}`),
    sixconnect('rfc3986-encoding', 'rfc3986-encoding', `target=t&action=a&v=a+b%21&${K}&hash=${mac(`target=t&action=a&v=${encodeURIComponent('a b!')}&${K}`)}`),
    sixconnect('query-re-encoded', 'query-re-encoded', `target=t&action=a&name=API+Test&${K}&hash=${mac(`target=t&action=a&name=API Test&${K}`)}`),
    sixconnect('params-sorted', 'params-sorted', `target=t&action=a&b=2&${K}&hash=${mac(`action=a&${K}&b=2&target=t`)}`),
    sixconnect('hash-not-last', 'hash-not-last', `target=t&action=a&${K}&hash=${mac(`target=t&action=a&${K}&x=1`)}&x=1`),
    sixconnect('secret-hex-decoded', 'secret-hex-decoded', `${q}&hash=${mac(q, Buffer.from(SECRET, 'hex'))}`),
    sixconnect('hex hash', 'hash-encoding', `${q}&hash=${createHmac('sha256', SECRET).update(q).digest('hex')}`),
    sixconnect('correct', '', `${q}&hash=${mac(q)}`),
    sixconnect('unexplained', '', `${q}&hash=${mac('other')}`),
  ])('%s', async (...c) => same(c));
});

// ---- JWT and HostBill Bearer (test/cli/tokens.test.ts) ------------------------------------

const KEYS = join(REPO_ROOT, 'vectors', 'keys');
const PUB = join(KEYS, 'rsa2048.spki.pem');
const PUB_TEXT = readFileSync(PUB, 'utf8');
const PKCS1 = readFileSync(join(KEYS, 'rsa2048.pkcs1.pem'));
const NOW = 1767225600;
const PAYLOAD = `{"sub":"client-42","iat":${NOW},"exp":${NOW + 900}}`;
const b64u = (s: string | Buffer) => Buffer.from(s).toString('base64url');

/** RS256 (or another RSA alg, or PSS with a salt length) by node:crypto over the exact texts. */
function nodeToken(header: string, payload: string, key: Buffer = PKCS1, hash = 'sha256', pssSalt?: number): string {
  const si = `${b64u(header)}.${b64u(payload)}`;
  const k = pssSalt === undefined ? createPrivateKey(key) : { key: createPrivateKey(key), padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: pssSalt };
  return `${si}.${sign(hash, Buffer.from(si), k).toString('base64url')}`;
}

const jwt = (name: string, first: string, token: string, keyFile = PUB, now = NOW + 100): Case => [
  name,
  first,
  ['jwt', '--token', token, '--key', keyFile, '--now', String(now)],
  () => analyzeHostBill({ request: `Authorization: Bearer ${token}`, publicKey: readFileSync(keyFile, 'utf8'), now }),
  'headline',
];

/** An RS256 token whose signature is standard base64 ("+" or "/") without "=": node:crypto signs until one has them. */
function standardB64(): string {
  for (let i = 0; ; i++) {
    const t = nodeToken('{"alg":"RS256"}', `{"sub":"client-${i}"}`);
    const [h, p, s] = t.split('.') as [string, string, string];
    const std = Buffer.from(s, 'base64url').toString('base64').replace(/=+$/, '');
    if (/[+/]/.test(std)) return `${h}.${p}.${std}`;
  }
}

describe('jwt: CLI and page name the same mistakes, codes and fixes', () => {
  const ok = nodeToken('{"alg":"RS256"}', PAYLOAD);
  const [h, , s] = ok.split('.');
  const hsInput = `${b64u('{"alg":"HS256","typ":"JWT"}')}.${b64u(PAYLOAD)}`;
  const padded = nodeToken('{"alg":"RS256","typ":"JWT"}', PAYLOAD).split('.').map((x) => Buffer.from(x, 'base64url').toString('base64')).join('.');
  const relabel = (name: string, from: string, re: RegExp, to: string) => file(name, readFileSync(join(KEYS, from), 'utf8').replace(re, to));
  it.each([
    jwt('HS256 keyed with the public key PEM', 'alg-hs256-public-key', `${hsInput}.${createHmac('sha256', PUB_TEXT).update(hsInput).digest('base64url')}`),
    jwt('HS256 with another secret', 'alg-hs256', `${hsInput}.${createHmac('sha256', 'shared-secret').update(hsInput).digest('base64url')}`),
    jwt('alg none', 'alg-none', `${b64u('{"alg":"none"}')}.${b64u(PAYLOAD)}.`),
    jwt('RS512 under its own header', 'alg-other', nodeToken('{"alg":"RS512"}', PAYLOAD, PKCS1, 'sha512')),
    jwt('RS384 under its own header', 'alg-other', nodeToken('{"alg":"RS384"}', PAYLOAD, PKCS1, 'sha384')),
    jwt('RS512 under an RS256 header', 'alg-other', nodeToken('{"alg":"RS256"}', PAYLOAD, PKCS1, 'sha512')),
    jwt('PS384, salt 48', 'alg-other', nodeToken('{"alg":"PS384"}', PAYLOAD, PKCS1, 'sha384', 48)),
    jwt('PS512, salt 0', 'alg-other', nodeToken('{"alg":"PS512"}', PAYLOAD, PKCS1, 'sha512', 0)),
    jwt('base64 with padding', 'base64-padding', padded),
    jwt('a key mismatch (the 4096-bit HostBill key), kid and thumbprints', 'key-mismatch', nodeToken('{"alg":"RS256","kid":"hostbill"}', PAYLOAD, readFileSync(join(KEYS, 'hostbill4096.key')))),
    jwt('payload re-serialized', 'payload-reserialized', `${h}.${b64u(JSON.stringify(JSON.parse(PAYLOAD), null, 2))}.${s}`),
    jwt('payload changed', 'token-modified', `${h}.${b64u(PAYLOAD.replace('42', '43'))}.${s}`),
    jwt('expired 60 s before the clock', 'expired-clock-skew', nodeToken('{"alg":"RS256"}', `{"sub":"c","iat":${NOW - 600},"exp":${NOW + 40}}`)),
    jwt('nbf 30 s after the clock', 'not-yet-valid-clock-skew', nodeToken('{"alg":"RS256"}', `{"sub":"c","nbf":${NOW + 130}}`)),
    jwt('PKCS#8 under RSA PRIVATE KEY', 'pem-label-pkcs8-as-pkcs1', ok, relabel('p8-as-p1.pem', 'rsa2048.pkcs8.pem', /(BEGIN|END) PRIVATE KEY/g, '$1 RSA PRIVATE KEY')),
    jwt('PKCS#1 under PRIVATE KEY', 'pem-label-pkcs1-as-pkcs8', ok, relabel('p1-as-p8.pem', 'rsa2048.pkcs1.pem', /(BEGIN|END) RSA PRIVATE KEY/g, '$1 PRIVATE KEY')),
    jwt('SPKI under RSA PUBLIC KEY', 'pem-label-spki-as-pkcs1', ok, relabel('spki-as-p1.pem', 'rsa2048.spki.pem', /(BEGIN|END) PUBLIC KEY/g, '$1 RSA PUBLIC KEY')),
    jwt('correct', '', ok),
    jwt('PKCS#1 public key under PUBLIC KEY', 'pem-label-pkcs1-as-spki', ok, relabel('p1pub-as-spki.pem', 'rsa2048.pkcs1pub.pem', /(BEGIN|END) RSA PUBLIC KEY/g, '$1 PUBLIC KEY')),
    jwt('signature in standard base64, no padding', 'base64-standard', standardB64()),
    jwt('expired 90 s before the clock: the headline says so', 'expired-clock-skew', nodeToken('{"alg":"RS256"}', `{"sub":"c","exp":${NOW + 10}}`)),
  ])('%s', async (...c) => same(c));

  it('PS256 by jose', async () => {
    const key = await importPKCS8(readFileSync(join(KEYS, 'rsa2048.pkcs8.pem'), 'utf8'), 'PS256');
    const ps = await new SignJWT({ sub: 'client-42' }).setProtectedHeader({ alg: 'PS256' }).setIssuedAt(NOW).sign(key);
    await same(jwt('PS256', 'alg-other', ps));
  });

  it('the key mismatch shows the key thumbprint on the page too', async () => {
    const t = nodeToken('{"alg":"RS256","kid":"hostbill"}', PAYLOAD, readFileSync(join(KEYS, 'hostbill4096.key')));
    const a = analyzeHostBill({ request: t, publicKey: PUB_TEXT, now: NOW });
    expect(a.verdict).toMatchObject({ code: 'SIGNATURE_INVALID', mistake: 'key-mismatch' });
    // RFC 7638 thumbprint of the SPKI key, by node:crypto over the canonical JWK members.
    const jwk = createPrivateKey(PKCS1).export({ format: 'jwk' });
    expect(a.findings[0]!.detail).toContain(createHash('sha256').update(JSON.stringify({ e: jwk.e, kty: 'RSA', n: jwk.n })).digest('base64url'));
    expect(a.findings[0]!.detail).toContain('token kid "hostbill"');
  });
});

describe('hostbill Basic: CLI and page', () => {
  it.each([
    ['another scheme word', 'scheme-word', ['hostbill', '--authorization', 'Token abc'], () => analyzeHostBill({ request: 'Authorization: Token abc' }), 'headline'] as Case,
  ])('%s', async (...c) => same(c));
});

// ---- WHM and HostKey (test/cli/tokens.test.ts) ---------------------------------------------

describe('whm: CLI and page name the same mistakes', () => {
  const TOKEN = 'U7HMR63FGY292DQZ4H5BFH16JLYMO01M';
  const record = { name: 'ci', digest: createHash('sha256').update(TOKEN).digest('hex'), whitelistIps: ['203.0.113.0/24'], expiresAt: NOW + 60 };
  const tokens = file('whm-tokens.json', JSON.stringify({ root: [record] }));
  const whm = (name: string, first: string, auth: string, ip: string, now: number): Case => [
    name,
    first,
    ['whm', '--authorization', auth, '--tokens', tokens, '--client-ip', ip, '--now', String(now)],
    () => analyzeWhm({ request: `Authorization: ${auth}`, record: JSON.stringify(record), clientIp: ip, now }),
    'headline',
  ];
  it.each([
    whm('outside the whitelist', 'ip-not-whitelisted', `whm root:${TOKEN}`, '198.51.100.1', NOW),
    whm('expired', 'token-expired', `whm root:${TOKEN}`, '203.0.113.9', NOW + 60),
    whm('lower-cased', 'token-lowercase', `whm root:${TOKEN.toLowerCase()}`, '203.0.113.9', NOW),
    whm('Bearer', 'scheme-word', `Bearer ${TOKEN}`, '203.0.113.9', NOW),
    whm('user and token split by a space', 'space-not-colon', `whm root ${TOKEN}`, '203.0.113.9', NOW),
    whm('USER:TOKEN base64-encoded', 'base64-encoded', `whm ${Buffer.from(`root:${TOKEN}`).toString('base64')}`, '203.0.113.9', NOW),
    whm('a character too many', 'token-truncated-or-padded', `whm root:${TOKEN}"`, '203.0.113.9', NOW),
    whm('a character short', 'token-truncated-or-padded', `whm root:${TOKEN.slice(0, 31)}`, '203.0.113.9', NOW),
  ])('%s', async (...c) => same(c));

  it('a cpanel token on a WHM path', async () => {
    const cfg = file('whm-cpanel.json', JSON.stringify({ whm: { cpanelTokens: { bob: [{ name: 'ci', token: TOKEN }] } } }));
    const http = `GET /json-api/listaccts HTTP/1.1\nHost: h\nAuthorization: cpanel bob:${TOKEN}\n\n`;
    await same(['cpanel on /json-api', 'cpanel-token-on-whm-path', ['whm', '--request', file('cpanel.http', http), '--tokens', cfg], () => analyzeWhm({ request: http, record: TOKEN }), 'headline']);
  });
});

describe('hostkey: CLI and page name the same mistakes', () => {
  const TOKEN = '0123456789abcdef0123456789abcdef';
  const session = { digest: createHash('sha256').update(TOKEN).digest('hex'), subject: 'user-42', expiresAt: NOW + 60 };
  const sessions = file('sessions.json', JSON.stringify([session]));
  const pageSession = JSON.stringify({ ...session, createdAt: 0, ip: null });
  const hostkey = (name: string, first: string, body: string, now: number): Case => [
    name,
    first,
    ['hostkey', '--body', body, '--sessions', sessions, '--now', String(now)],
    () => analyzeHostKey({ request: body, session: pageSession, now }),
    'headline',
  ];
  it.each([
    hostkey('expired', 'session-expired', `action=info&token=${TOKEN}`, NOW + 60),
    hostkey('upper-cased', 'token-uppercase', `action=info&token=${TOKEN.toUpperCase()}`, NOW),
    hostkey('a session the store does not hold', 'unknown-session', `action=info&token=${'f'.repeat(32)}`, NOW),
    hostkey('no token', 'no-token', 'action=info', NOW),
    hostkey('a JSON body', 'json-body', `{"action":"info","token":"${TOKEN}"}`, NOW),
    hostkey('a character short', 'token-truncated', `action=info&token=${TOKEN.slice(0, 31)}`, NOW),
  ])('%s', async (...c) => same(c));

  it('a session bound to another address (fix_ip)', async () => {
    const bound = { ...session, ip: '203.0.113.9' };
    const file2 = file('sessions-ip.json', JSON.stringify([bound]));
    const body = `action=info&token=${TOKEN}`;
    await same(['fix_ip', 'fix-ip', ['hostkey', '--body', body, '--sessions', file2, '--client-ip', '198.51.100.1', '--now', String(NOW)], () => analyzeHostKey({ request: body, session: JSON.stringify({ ...bound, createdAt: 0 }), clientIp: '198.51.100.1', now: NOW }), 'headline']);
  });

  it('the token in the URL query', async () => {
    const http = `POST /eq.php?token=${TOKEN} HTTP/1.1\nHost: x\nContent-Type: application/x-www-form-urlencoded\n\naction=info\n`;
    await same(['token in the query', 'token-in-query', ['hostkey', '--request', file('q.http', http), '--sessions', sessions, '--now', String(NOW)], () => analyzeHostKey({ request: http, session: pageSession, now: NOW }), 'headline']);
  });

  it('a PIN that is not digits', async () => {
    const salt = '000102030405060708090a0b0c0d0e0f';
    const rec = JSON.stringify({ alg: 'scrypt', N: 16, r: 1, p: 1, dkLen: 32, salt, hash: scryptSync('4829', Buffer.from(salt, 'hex'), 32, { N: 16, r: 1, p: 1 }).toString('hex') });
    await same(['PIN with a space', 'pin-format', ['hostkey', '--pin', '48 29', '--pin-record', file('pin.json', rec)], () => analyzeHostKeyPin({ pin: '48 29', record: rec }), 'headline']);
  });
});
