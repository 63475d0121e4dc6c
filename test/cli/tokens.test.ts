// sign / verify / explain / diagnose for jwt, hostbill, whm and hostkey, through the CLI as a
// subprocess. Every token with a mistake in it is made by an independent tool (node:crypto,
// jose, PyJWT from Debian's python3-jwt), never by hostsig's signer.
import { spawnSync } from 'node:child_process';
import { createHash, createHmac, createPrivateKey, scryptSync, sign } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importPKCS8, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/wycheproof.js';
import { ensureBuilt, hostsig, json } from './run.js';

const K = join(REPO_ROOT, 'vectors', 'keys');
const PUB = join(K, 'rsa2048.spki.pem');
const PKCS1 = readFileSync(join(K, 'rsa2048.pkcs1.pem'));
const NOW = 1767225600;
const PAYLOAD = `{"sub":"client-42","iat":${NOW},"exp":${NOW + 900}}`;
const b64u = (s: string | Buffer) => Buffer.from(s).toString('base64url');

/** RS256 (or another RSA alg) by node:crypto over the exact texts. */
function nodeToken(header: string, payload: string, key: Buffer = PKCS1, hash = 'sha256'): string {
  const si = `${b64u(header)}.${b64u(payload)}`;
  return `${si}.${sign(hash, Buffer.from(si), createPrivateKey(key)).toString('base64url')}`;
}

const PY = '/usr/bin/python3';
const pyJwt = spawnSync(PY, ['-c', 'import jwt'], { encoding: 'utf8' }).status === 0;
function pyEncode(claims: string, keyFile: string, headers = '{}'): string {
  const r = spawnSync(PY, ['-c', `import jwt,json,sys; print(jwt.encode(json.loads(sys.argv[1]), open(sys.argv[2]).read(), algorithm="RS256", headers=json.loads(sys.argv[3])))`, claims, keyFile, headers], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout.trim();
}

let dir: string;
beforeAll(() => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'hostsig-tok-'));
});

function diagnose(token: string, extra: string[] = [], key = PUB) {
  const r = hostsig(['diagnose', 'jwt', '--token', token, '--key', key, '--now', String(NOW + 100), '--json', ...extra]);
  return { code: r.code, rep: json(r) };
}

describe('sign jwt / verify jwt', () => {
  it.skipIf(!pyJwt)('signs the same token PyJWT makes from the same claims and key', () => {
    const want = pyEncode(PAYLOAD, join(K, 'rsa2048.pkcs1.pem'));
    const r = json(hostsig(['sign', 'jwt', '--key', join(K, 'rsa2048.pkcs1.pem'), '--claims', PAYLOAD, '--json']));
    expect(r.output.token).toBe(want);
    expect(r.stages['signing input']).toBe(want.split('.').slice(0, 2).join('.'));
    expect(r.stages.payload).toBe(PAYLOAD);
  });

  it('verifies a node:crypto token with header, payload, signing input and expected-vs-received digests', () => {
    const t = nodeToken('{"alg":"RS256","typ":"JWT"}', PAYLOAD);
    const r = hostsig(['verify', 'jwt', '--token', t, '--key', PUB, '--now', String(NOW + 1), '--json']);
    expect(r.code).toBe(0);
    const j = json(r);
    expect(j.result).toBe('valid');
    const digest = createHash('sha256').update(t.split('.').slice(0, 2).join('.')).digest('hex');
    expect(j.stages.expected).toBe(`sha256(signing input) = ${digest}`);
    expect(j.stages.received).toBe(`the signature holds ${digest}`);
    expect(j.stages.header).toBe('{"alg":"RS256","typ":"JWT"}');
    // The text view shows the same strings.
    const text = hostsig(['verify', 'jwt', '--token', t, '--key', PUB, '--now', String(NOW + 1)]);
    expect(text.stdout).toContain(`signing input     ${t.split('.').slice(0, 2).join('.')}`);
  });

  it('a bad token is exit 1 with the error code', () => {
    const t = nodeToken('{"alg":"RS256"}', PAYLOAD.replace('42', '43')).replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    const r = hostsig(['verify', 'jwt', '--token', t, '--key', PUB, '--now', String(NOW + 1), '--json']);
    expect(r.code).toBe(1);
    expect(json(r)).toMatchObject({ result: 'invalid' });
  });
});

describe('diagnose jwt: each mistake made by an independent tool is named', () => {
  it('HS256 with the public key PEM as the HMAC secret (node:crypto createHmac)', () => {
    const si = `${b64u('{"alg":"HS256","typ":"JWT"}')}.${b64u(PAYLOAD)}`;
    const t = `${si}.${createHmac('sha256', readFileSync(PUB)).update(si).digest('base64url')}`;
    const { code, rep } = diagnose(t);
    expect(code).toBe(0);
    expect(rep.error).toBe('ALG_NOT_ALLOWED');
    expect(rep.diagnosis.map((d: { id: string }) => d.id)).toEqual(['alg-hs256-public-key']);
    // An HS256 token with some other secret is named as HS256, not as the confusion.
    const t2 = `${si}.${createHmac('sha256', 'shared-secret').update(si).digest('base64url')}`;
    expect(diagnose(t2).rep.diagnosis[0].id).toBe('alg-hs256');
  });

  it('alg none (hand-built) and PS256 (jose) under the same key', async () => {
    expect(diagnose(`${b64u('{"alg":"none"}')}.${b64u(PAYLOAD)}.`).rep.diagnosis[0].id).toBe('alg-none');
    const key = await importPKCS8(readFileSync(join(K, 'rsa2048.pkcs8.pem'), 'utf8'), 'PS256');
    const ps = await new SignJWT({ sub: 'client-42' }).setProtectedHeader({ alg: 'PS256' }).setIssuedAt(NOW).sign(key);
    const d = diagnose(ps).rep.diagnosis[0];
    expect(d).toMatchObject({ id: 'alg-other', title: expect.stringContaining('PS256') });
    expect(d.fix).toMatch(/RS256/);
  });

  it('RS512 (node:crypto), under its own header and under an RS256 header', () => {
    expect(diagnose(nodeToken('{"alg":"RS512"}', PAYLOAD, PKCS1, 'sha512')).rep.diagnosis[0]).toMatchObject({ id: 'alg-other', title: expect.stringContaining('RS512') });
    const lie = diagnose(nodeToken('{"alg":"RS256"}', PAYLOAD, PKCS1, 'sha512')).rep;
    expect(lie.error).toBe('SIGNATURE_INVALID');
    expect(lie.diagnosis[0]).toMatchObject({ id: 'alg-other', title: expect.stringContaining('signed as RS512 under an RS256 header') });
  });

  it('base64 with padding and + / instead of base64url', () => {
    const ok = nodeToken('{"alg":"RS256","typ":"JWT"}', PAYLOAD);
    const padded = ok.split('.').map((x) => Buffer.from(x, 'base64url').toString('base64')).join('.');
    expect(padded).toMatch(/=/);
    const { rep } = diagnose(padded);
    expect(rep.error).toBe('JWT_MALFORMED');
    expect(rep.diagnosis[0]).toMatchObject({ id: 'base64-padding', detail: 'the same token re-encoded as base64url verifies' });
  });

  it('key mismatch: a token by the 4096-bit HostBill key, kid and thumbprints shown; a candidate key is found', () => {
    const t = nodeToken('{"alg":"RS256","kid":"hostbill"}', PAYLOAD, readFileSync(join(K, 'hostbill4096.key')));
    const { rep } = diagnose(t);
    expect(rep.error).toBe('SIGNATURE_INVALID');
    expect(rep.diagnosis[0].id).toBe('key-mismatch');
    expect(rep.diagnosis[0].detail).toContain('token kid "hostbill"');
    expect(rep.diagnosis[0].detail).toContain(rep.output.key.thumbprint);
    const withCandidate = diagnose(t, ['--candidate', join(K, 'hostbill4096.spki.pem')]).rep;
    expect(withCandidate.diagnosis[0].fix).toContain('hostbill4096.spki.pem');
  });

  it('payload re-serialized after signing, and a payload simply changed', () => {
    const ok = nodeToken('{"alg":"RS256"}', PAYLOAD);
    const [h, , s] = ok.split('.');
    const reser = `${h}.${b64u(JSON.stringify(JSON.parse(PAYLOAD), null, 2))}.${s}`;
    expect(diagnose(reser).rep.diagnosis[0]).toMatchObject({ id: 'payload-reserialized', detail: expect.stringContaining(PAYLOAD) });
    const tampered = `${h}.${b64u(PAYLOAD.replace('42', '43'))}.${s}`;
    expect(diagnose(tampered).rep.diagnosis[0].id).toBe('token-modified');
  });

  it.skipIf(!pyJwt)('expired / not yet valid at a skewed clock (tokens by PyJWT): the skew that makes it valid', () => {
    const exp = pyEncode(`{"sub":"c","iat":${NOW - 600},"exp":${NOW + 40}}`, join(K, 'rsa2048.pkcs1.pem'));
    // Verifier clock NOW+100: expired 60 s ago -> a clock 61 s earlier accepts it.
    const { rep } = diagnose(exp);
    expect(rep.error).toBe('JWT_EXPIRED');
    expect(rep.diagnosis[0]).toMatchObject({ id: 'expired-clock-skew', fix: expect.stringContaining('61 s') });
    expect(hostsig(['verify', 'jwt', '--token', exp, '--key', PUB, '--now', String(NOW + 100), '--clock-tolerance', '61']).code).toBe(0);
    expect(hostsig(['verify', 'jwt', '--token', exp, '--key', PUB, '--now', String(NOW + 100), '--clock-tolerance', '60']).code).toBe(1);
    const nbf = pyEncode(`{"sub":"c","nbf":${NOW + 130}}`, join(K, 'rsa2048.pkcs1.pem'));
    expect(diagnose(nbf).rep.diagnosis[0]).toMatchObject({ id: 'not-yet-valid-clock-skew', fix: expect.stringContaining('30 s') });
  });

  it('PKCS#8 pasted under an RSA PRIVATE KEY label, SPKI under RSA PUBLIC KEY (openssl-made files, relabelled)', () => {
    const t = nodeToken('{"alg":"RS256"}', PAYLOAD);
    const p8 = readFileSync(join(K, 'rsa2048.pkcs8.pem'), 'utf8').replace(/(BEGIN|END) PRIVATE KEY/g, '$1 RSA PRIVATE KEY');
    writeFileSync(join(dir, 'p8-as-p1.pem'), p8);
    const a = diagnose(t, [], join(dir, 'p8-as-p1.pem')).rep;
    expect(a.diagnosis[0]).toMatchObject({ id: 'pem-label-pkcs8-as-pkcs1', fix: expect.stringContaining('BEGIN PRIVATE KEY') });
    const p1 = readFileSync(join(K, 'rsa2048.pkcs1.pem'), 'utf8').replace(/(BEGIN|END) RSA PRIVATE KEY/g, '$1 PRIVATE KEY');
    writeFileSync(join(dir, 'p1-as-p8.pem'), p1);
    expect(diagnose(t, [], join(dir, 'p1-as-p8.pem')).rep.diagnosis[0]).toMatchObject({ id: 'pem-label-pkcs1-as-pkcs8', fix: expect.stringContaining('BEGIN RSA PRIVATE KEY') });
    const spki = readFileSync(PUB, 'utf8').replace(/(BEGIN|END) PUBLIC KEY/g, '$1 RSA PUBLIC KEY');
    writeFileSync(join(dir, 'spki-as-p1.pem'), spki);
    expect(diagnose(t, [], join(dir, 'spki-as-p1.pem')).rep.diagnosis[0].id).toBe('pem-label-spki-as-pkcs1');
  });

  it('a correct token has nothing to diagnose (exit 0, no diagnosis)', () => {
    const { code, rep } = diagnose(nodeToken('{"alg":"RS256"}', PAYLOAD));
    expect(code).toBe(0);
    expect(rep.result).toBe('valid');
    expect(rep.diagnosis).toBeUndefined();
  });
});

describe('hostbill', () => {
  it('sign hostbill: Basic header as Python base64 makes it; verify checks the password', () => {
    const py = spawnSync(PY, ['-c', 'import base64; print("Basic " + base64.b64encode("müller@example.com:pa:ss".encode()).decode())'], { encoding: 'utf8' }).stdout.trim();
    const s = json(hostsig(['sign', 'hostbill', '--user', 'müller@example.com', '--password', 'pa:ss', '--json']));
    expect(s.output.authorization).toBe(py);
    expect(hostsig(['verify', 'hostbill', '--authorization', py, '--password', 'pa:ss']).code).toBe(0);
    const bad = hostsig(['verify', 'hostbill', '--authorization', py, '--password', 'other', '--json']);
    expect(bad.code).toBe(1);
    expect(json(bad)).toMatchObject({ result: 'invalid', error: 'TOKEN_INVALID' });
  });

  it('verify hostbill Bearer follows the jwt rules (alg confusion refused and named)', () => {
    const ok = nodeToken('{"alg":"RS256"}', PAYLOAD);
    expect(hostsig(['verify', 'hostbill', '--authorization', `Bearer ${ok}`, '--key', PUB, '--now', String(NOW + 1)]).code).toBe(0);
    const si = `${b64u('{"alg":"HS256"}')}.${b64u(PAYLOAD)}`;
    const hs = `${si}.${createHmac('sha256', readFileSync(PUB)).update(si).digest('base64url')}`;
    const r = hostsig(['verify', 'hostbill', '--authorization', `Bearer ${hs}`, '--key', PUB, '--now', String(NOW + 1), '--json']);
    expect(r.code).toBe(1);
    expect(json(r)).toMatchObject({ error: 'ALG_NOT_ALLOWED', diagnosis: [{ id: 'alg-hs256-public-key' }] });
  });
});

describe('whm', () => {
  const TOKEN = 'U7HMR63FGY292DQZ4H5BFH16JLYMO01M';
  it('sign whm formats the header; verify against token records (digest by node:crypto), whitelist and expiry', () => {
    const s = json(hostsig(['sign', 'whm', '--user', 'root', '--token', TOKEN, '--json']));
    expect(s.output.authorization).toBe(`whm root:${TOKEN}`);
    const digest = createHash('sha256').update(TOKEN).digest('hex');
    expect(s.output.digest).toBe(digest);
    const f = join(dir, 'whm-tokens.json');
    writeFileSync(f, JSON.stringify({ root: [{ name: 'ci', digest, whitelistIps: ['203.0.113.0/24'], expiresAt: NOW + 60 }] }));
    const ok = hostsig(['verify', 'whm', '--authorization', `whm root:${TOKEN}`, '--tokens', f, '--client-ip', '203.0.113.9', '--now', String(NOW), '--json']);
    expect(ok.code).toBe(0);
    expect(json(ok).stages['token name']).toBe('ci');
    const ip = json(hostsig(['verify', 'whm', '--authorization', `whm root:${TOKEN}`, '--tokens', f, '--client-ip', '198.51.100.1', '--now', String(NOW), '--json']));
    expect(ip).toMatchObject({ error: 'IP_NOT_ALLOWED', diagnosis: [{ id: 'ip-not-whitelisted' }] });
    const exp = json(hostsig(['verify', 'whm', '--authorization', `whm root:${TOKEN}`, '--tokens', f, '--client-ip', '203.0.113.9', '--now', String(NOW + 60), '--json']));
    expect(exp).toMatchObject({ error: 'TOKEN_EXPIRED', diagnosis: [{ id: 'token-expired' }] });
    const lower = json(hostsig(['verify', 'whm', '--authorization', `whm root:${TOKEN.toLowerCase()}`, '--tokens', f, '--json']));
    expect(lower).toMatchObject({ error: 'TOKEN_INVALID', diagnosis: [{ id: 'token-lowercase' }] });
    const bearer = json(hostsig(['verify', 'whm', '--authorization', `Bearer ${TOKEN}`, '--tokens', f, '--json']));
    expect(bearer).toMatchObject({ error: 'AUTH_SCHEME_UNSUPPORTED', diagnosis: [{ id: 'scheme-word' }] });
  });
});

describe('hostkey', () => {
  const TOKEN = '0123456789abcdef0123456789abcdef';
  it('sign hostkey builds the form body; verify a token= body against a session store', () => {
    const s = json(hostsig(['sign', 'hostkey', '--action', 'check_pin', '--token', TOKEN, '--pin', '4829', '--json']));
    expect(s.output).toMatchObject({ url: 'https://invapi.hostkey.com/eq.php', body: `action=check_pin&token=${TOKEN}&pin=4829` });
    const f = join(dir, 'sessions.json');
    writeFileSync(f, JSON.stringify([{ digest: createHash('sha256').update(TOKEN).digest('hex'), subject: 'user-42', expiresAt: NOW + 60 }]));
    const ok = hostsig(['verify', 'hostkey', '--body', `action=info&token=${TOKEN}`, '--sessions', f, '--now', String(NOW), '--json']);
    expect(ok.code).toBe(0);
    expect(json(ok).stages.subject).toBe('user-42');
    expect(json(hostsig(['verify', 'hostkey', '--body', `action=info&token=${TOKEN}`, '--sessions', f, '--now', String(NOW + 60), '--json']))).toMatchObject({ error: 'TOKEN_EXPIRED', diagnosis: [{ id: 'session-expired' }] });
    expect(json(hostsig(['verify', 'hostkey', '--body', `action=info&token=${TOKEN.toUpperCase()}`, '--sessions', f, '--now', String(NOW), '--json']))).toMatchObject({ error: 'TOKEN_INVALID', diagnosis: [{ id: 'token-uppercase' }] });
    const req = join(dir, 'q.http');
    writeFileSync(req, `POST /eq.php?token=${TOKEN} HTTP/1.1\nHost: x\nContent-Type: application/x-www-form-urlencoded\n\naction=info\n`);
    expect(json(hostsig(['verify', 'hostkey', '--request', req, '--sessions', f, '--now', String(NOW), '--json']))).toMatchObject({ error: 'MISSING_FIELD', diagnosis: [{ id: 'token-in-query' }] });
  });

  it('checks a PIN against an scrypt record made by node:crypto', () => {
    const salt = '000102030405060708090a0b0c0d0e0f';
    const hash = scryptSync('4829', Buffer.from(salt, 'hex'), 32, { N: 16, r: 1, p: 1 }).toString('hex');
    const f = join(dir, 'pin.json');
    writeFileSync(f, JSON.stringify({ alg: 'scrypt', N: 16, r: 1, p: 1, dkLen: 32, salt, hash }));
    expect(hostsig(['verify', 'hostkey', '--pin', '4829', '--pin-record', f]).code).toBe(0);
    const bad = hostsig(['verify', 'hostkey', '--pin', '4828', '--pin-record', f, '--json']);
    expect(bad.code).toBe(1);
    expect(json(bad).error).toBe('PIN_INVALID');
  });
});

describe('explain for the token schemes', () => {
  it('numbers the sign stages, and explains a received token with its diagnosis', () => {
    const s = hostsig(['explain', 'whm', '--user', 'root', '--token', 'U7HMR63FGY292DQZ4H5BFH16JLYMO01M']);
    expect(s.code).toBe(0);
    expect(s.stdout).toMatch(/5 Authorization\s+whm root:U7HMR63FGY292DQZ4H5BFH16JLYMO01M/);
    const ok = nodeToken('{"alg":"RS256"}', PAYLOAD);
    const [h, , sig] = ok.split('.');
    const r = hostsig(['explain', 'jwt', '--token', `${h}.${b64u(JSON.stringify(JSON.parse(PAYLOAD), null, 1))}.${sig}`, '--key', PUB, '--now', String(NOW + 1)]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('payload-reserialized');
  });
});

describe('what the verifier was not told, and user names from the request', () => {
  const TOKEN = 'U7HMR63FGY292DQZ4H5BFH16JLYMO01M';
  it('verify whm without --client-ip says the client address was not given, not that it is outside the whitelist', () => {
    const f = join(dir, 'whm-wl.json');
    writeFileSync(f, JSON.stringify({ root: [{ name: 'ci', digest: createHash('sha256').update(TOKEN).digest('hex'), whitelistIps: ['203.0.113.0/24'] }] }));
    const r = hostsig(['verify', 'whm', '--authorization', `whm root:${TOKEN}`, '--tokens', f]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('the client address was not given (--client-ip IP), and token "ci" is restricted to whitelist_ip 203.0.113.0/24');
    expect(r.stdout).not.toMatch(/outside|ip-not-whitelisted/);
    const j = json(hostsig(['verify', 'whm', '--authorization', `whm root:${TOKEN}`, '--tokens', f, '--json']));
    expect(j).toMatchObject({ result: 'invalid', error: 'IP_NOT_ALLOWED', message: expect.stringContaining('not given'), stages: { 'client ip': '(not given: --client-ip IP)' } });
    expect(j.diagnosis).toBeUndefined();
    // Given and outside, it is still the whitelist finding.
    expect(json(hostsig(['verify', 'whm', '--authorization', `whm root:${TOKEN}`, '--tokens', f, '--client-ip', '198.51.100.1', '--json']))).toMatchObject({ diagnosis: [{ id: 'ip-not-whitelisted' }] });
  });

  it('verify hostkey of a fix_ip session without --client-ip says so, not "bound to another address"', () => {
    const HK = '0123456789abcdef0123456789abcdef';
    const f = join(dir, 'sessions-ip.json');
    writeFileSync(f, JSON.stringify([{ digest: createHash('sha256').update(HK).digest('hex'), subject: 'user-42', expiresAt: NOW + 60, ip: '198.51.100.7' }]));
    const r = hostsig(['verify', 'hostkey', '--body', `action=info&token=${HK}`, '--sessions', f, '--now', String(NOW)]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('the client address was not given (--client-ip IP), and the session is bound to 198.51.100.7 (fix_ip)');
    expect(r.stdout).not.toMatch(/another address|fix-ip:/);
    expect(json(hostsig(['verify', 'hostkey', '--body', `action=info&token=${HK}`, '--sessions', f, '--now', String(NOW), '--client-ip', '198.51.100.8', '--json']))).toMatchObject({ diagnosis: [{ id: 'fix-ip' }] });
  });

  it('a WHM user named "constructor" is an unknown user (TOKEN_INVALID), not a failed lookup', () => {
    const f = join(dir, 'whm-plain.json');
    writeFileSync(f, JSON.stringify({ root: [{ name: 'ci', token: TOKEN }] }));
    for (const user of ['constructor', '__proto__']) {
      const j = json(hostsig(['verify', 'whm', '--authorization', `whm ${user}:${TOKEN}`, '--tokens', f, '--json']));
      expect(j, user).toMatchObject({ result: 'invalid', error: 'TOKEN_INVALID', stages: { 'stored digests': '(none for this user)' } });
    }
  });

  it('a HostBill Basic user named "constructor" is a user keys.json does not list', () => {
    const cfg = join(dir, 'hb-basic.json');
    writeFileSync(cfg, JSON.stringify({ hostbill: { basic: { 'a@b.test': 'pw' } } }));
    const r = hostsig(['verify', 'hostbill', '--authorization', `Basic ${Buffer.from('constructor:x').toString('base64')}`, '--config', cfg]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('give the expected password');
    expect(r.stderr).not.toContain('INVALID_ARGUMENT');
  });
});
