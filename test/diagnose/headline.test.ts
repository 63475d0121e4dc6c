// The one headline rule (src/diagnose/headline.ts): a failure code and what is known about it ->
// a line a person reads, with relative times and the absolute UTC time. The CLI's diagnose and
// verify print the same line as the page. UTC times are checked against PHP's gmdate; tokens
// are signed by node:crypto.
import { createHash, createPrivateKey, sign } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../src/cli/args.js';
import { diagnoseSpec, runDiagnose } from '../../src/cli/commands/diagnose.js';
import { runVerify, verifySpec } from '../../src/cli/commands/verify.js';
import { makeStyle } from '../../src/cli/output.js';
import { diagnoseJwt, HEADLINE_CODES, jwtHeadline, plainHeadline, relativeTime, utcTime } from '../../src/diagnose/index.js';
import { phpAvailable } from '../helpers/php.js';
import { REPO_ROOT } from '../helpers/wycheproof.js';

const KEYS = join(REPO_ROOT, 'vectors', 'keys');
const PUB = join(KEYS, 'rsa2048.spki.pem');
const PKCS1 = readFileSync(join(KEYS, 'rsa2048.pkcs1.pem'));
const b64u = (s: string | Buffer) => Buffer.from(s).toString('base64url');
function nodeToken(payload: string): string {
  const si = `${b64u('{"alg":"RS256"}')}.${b64u(payload)}`;
  return `${si}.${sign('sha256', Buffer.from(si), createPrivateKey(PKCS1)).toString('base64url')}`;
}
/** 2026-12-06 03:41:00 UTC, by Date.UTC. */
const T0 = Date.UTC(2026, 11, 6, 3, 41, 0) / 1000;

describe('relativeTime', () => {
  it('seconds under 2 minutes, then minutes, hours, days', () => {
    expect([0, 1, 90, 119].map(relativeTime)).toEqual(['0 s', '1 s', '90 s', '119 s']);
    expect([120, 720, 7199].map(relativeTime)).toEqual(['2 min', '12 min', '119 min']);
    expect([7200, 172799].map(relativeTime)).toEqual(['2 h', '47 h']);
    expect([172800, 30 * 86400].map(relativeTime)).toEqual(['2 days', '30 days']);
    expect(relativeTime(-90)).toBe('90 s');
    expect(relativeTime(Number.NaN)).toBe('an unknown time');
  });
});

describe('utcTime', () => {
  it.skipIf(!phpAvailable())("matches PHP's gmdate", () => {
    const times = [0, 1369758680, T0, 4102444799];
    const php = execFileSync('php', ['-r', `foreach ([${times.join(',')}] as $t) echo gmdate('Y-m-d H:i:s', $t), "\\n";`], { encoding: 'utf8' }).trim().split('\n');
    expect(times.map(utcTime)).toEqual(php.map((s) => `${s} UTC`));
  });
  it('says the number when no date holds it', () => {
    expect(utcTime(1e20)).toBe('100000000000000000000');
  });
});

describe('plainHeadline: every code in plain words', () => {
  it("the issue's examples", () => {
    expect(plainHeadline('JWT_EXPIRED', { now: T0 + 90, claims: { exp: T0 } })).toBe('expired 90 s before now (exp 2026-12-06 03:41:00 UTC)');
    expect(plainHeadline('JWT_NOT_YET_VALID', { now: T0 - 300, claims: { nbf: T0 } })).toBe('not valid until 5 min after now (nbf 2026-12-06 03:41:00 UTC)');
    expect(plainHeadline('TIMESTAMP_STALE', { scheme: 'hostdime', details: { timestamp: T0, now: T0 + 720, toleranceSec: 300 } })).toBe('signed 12 min ago: outside the 300 s window (api_timestamp 2026-12-06 03:41:00 UTC)');
    expect(plainHeadline('TIMESTAMP_FUTURE', { scheme: 'sixconnect', details: { timestamp: T0, now: T0 - 3 * 3600, toleranceSec: 60 } })).toBe('signed 3 h in the future: outside the 60 s window (time 2026-12-06 03:41:00 UTC)');
    expect(plainHeadline('SIGNATURE_INVALID', { scheme: 'hostdime' })).toBe('the hash does not match');
    expect(plainHeadline('SIGNATURE_INVALID', { scheme: 'sixconnect' })).toBe('the hash does not match');
    expect(plainHeadline('SIGNATURE_INVALID', { scheme: 'hostbill' })).toBe('the signature does not verify under this key');
    expect(plainHeadline('MISSING_FIELD', { scheme: 'hostkey', details: { field: 'token' } })).toBe('no token field');
    expect(plainHeadline('UNKNOWN_KEY', { scheme: 'hostdime', message: 'unknown api_key' })).toBe('unknown API key');
  });

  it('per scheme: tokens, sessions, addresses, paths, algs', () => {
    expect(plainHeadline('TOKEN_INVALID', { scheme: 'whm', details: { reason: 'format' } })).toBe('the token is not 32 characters of A-Z and 0-9');
    expect(plainHeadline('TOKEN_INVALID', { scheme: 'whm' })).toBe('unknown user or token');
    expect(plainHeadline('TOKEN_INVALID', { scheme: 'hostkey' })).toBe('unknown session token');
    expect(plainHeadline('TOKEN_INVALID', { scheme: 'hostbill' })).toBe('wrong e-mail or password');
    expect(plainHeadline('TOKEN_EXPIRED', { scheme: 'whm', now: T0 + 3 * 86400, details: { expiresAt: T0 } })).toBe('the token expired 3 days ago (expires_at 2026-12-06 03:41:00 UTC)');
    expect(plainHeadline('TOKEN_EXPIRED', { scheme: 'hostkey', now: T0 + 90, expiresAt: T0 })).toBe('the session expired 90 s ago (token_expire 2026-12-06 03:41:00 UTC)');
    expect(plainHeadline('IP_NOT_ALLOWED', { scheme: 'whm', clientIp: '192.0.2.1' })).toBe("192.0.2.1 is outside the token's whitelist");
    expect(plainHeadline('IP_NOT_ALLOWED', { scheme: 'hostkey', clientIp: '192.0.2.1' })).toBe('192.0.2.1 is not the address the session is bound to (fix_ip)');
    expect(plainHeadline('PATH_NOT_ALLOWED', { scheme: 'whm', path: '/json-api/listaccts' })).toBe('a cPanel token may not call /json-api/listaccts');
    expect(plainHeadline('ALG_NOT_ALLOWED', { details: { alg: 'none' } })).toBe('alg "none" is not allowed; only RS256');
    expect(plainHeadline('HASH_MISSING', { scheme: 'sixconnect' })).toBe('no hash parameter');
    expect(plainHeadline('HASH_MALFORMED', { scheme: 'hostdime' })).toBe('api_hash is not 64 lower-case hex digits');
    expect(plainHeadline('FIELD_DUPLICATE', { details: { field: 'api_key' } })).toBe('api_key is sent twice');
    expect(plainHeadline('JWT_EXPIRED', { now: T0 + 86400, details: { claim: 'iat' }, claims: { iat: T0 } })).toBe('issued 24 h ago: older than the maximum age (iat 2026-12-06 03:41:00 UTC)');
  });

  it('words every code it lists without the raw message, and falls back to it for the rest', () => {
    for (const code of HEADLINE_CODES) {
      const h = plainHeadline(code, { message: 'RAW' });
      expect(h, code).not.toBe('RAW');
      expect(h, code).not.toBe(code);
    }
    expect(plainHeadline('SOMETHING_NEW', { message: 'as the library says' })).toBe('as the library says');
    expect(plainHeadline('SOMETHING_NEW')).toBe('SOMETHING_NEW');
  });

  it('never reads Object.prototype: hostile codes and details', () => {
    for (const code of ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty']) expect(plainHeadline(code, { message: 'm' })).toBe('m');
    const details = JSON.parse('{"__proto__":{"field":"x","timestamp":1}}') as Record<string, unknown>;
    expect(plainHeadline('MISSING_FIELD', { details })).toBe('a required field is missing');
    expect(plainHeadline('JWT_EXPIRED', { now: 1, claims: JSON.parse('{"__proto__":{"exp":0}}') })).toBe('expired');
    expect(plainHeadline('JWT_EXPIRED', { now: 1, claims: { exp: 'soon' } })).toBe('expired');
  });
});

describe('jwtHeadline over diagnoseJwt', () => {
  it('an expired node:crypto token, and one not valid yet, at a fixed now', () => {
    const key = readFileSync(PUB);
    const expired = diagnoseJwt({ token: nodeToken(`{"sub":"c","exp":${T0}}`), keyFile: key, options: { now: T0 + 90 } });
    expect(expired.verdict).toBe('JWT_EXPIRED');
    expect(jwtHeadline(expired)).toBe('expired 90 s before now (exp 2026-12-06 03:41:00 UTC)');
    const early = diagnoseJwt({ token: nodeToken(`{"sub":"c","nbf":${T0}}`), keyFile: key, options: { now: T0 - 300 } });
    expect(jwtHeadline(early)).toBe('not valid until 5 min after now (nbf 2026-12-06 03:41:00 UTC)');
  });
});

describe('the CLI prints the same headline', () => {
  const style = makeStyle(false);
  async function run(runner: typeof runDiagnose, spec: typeof diagnoseSpec, argv: string[]): Promise<string> {
    let out = '';
    await runner(parseArgs(argv, spec), { out: (s) => (out += s), err: () => {}, style, errStyle: style, env: {} });
    return out;
  }

  it('diagnose jwt and verify jwt: an expired token, in text and in --json', async () => {
    const token = nodeToken(`{"sub":"c","exp":${T0}}`);
    const argv = ['jwt', '--token', token, '--key', PUB, '--now', String(T0 + 90)];
    const want = 'expired 90 s before now (exp 2026-12-06 03:41:00 UTC)';
    expect(await run(runDiagnose, diagnoseSpec, argv)).toContain(`JWT_EXPIRED (${want})`);
    expect(JSON.parse(await run(runDiagnose, diagnoseSpec, [...argv, '--json']))).toMatchObject({ error: 'JWT_EXPIRED', message: want });
    expect(JSON.parse(await run(runVerify, verifySpec, [...argv, '--json']))).toMatchObject({ error: 'JWT_EXPIRED', message: want });
  });

  it('verify whm and hostkey: an expired token and session say when, against --now', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hostsig-headline-'));
    const TOKEN = 'U7HMR63FGY292DQZ4H5BFH16JLYMO01M';
    const tokens = join(dir, 'tokens.json');
    writeFileSync(tokens, JSON.stringify({ root: [{ name: 'ci', digest: createHash('sha256').update(TOKEN).digest('hex'), expiresAt: T0 }] }));
    const w = JSON.parse(await run(runVerify, verifySpec, ['whm', '--authorization', `whm root:${TOKEN}`, '--tokens', tokens, '--now', String(T0 + 720), '--json']));
    expect(w).toMatchObject({ error: 'TOKEN_EXPIRED', message: 'the token expired 12 min ago (expires_at 2026-12-06 03:41:00 UTC)' });
    const HK = '0123456789abcdef0123456789abcdef';
    const sessions = join(dir, 'sessions.json');
    writeFileSync(sessions, JSON.stringify([{ digest: createHash('sha256').update(HK).digest('hex'), subject: 'u', expiresAt: T0 }]));
    const h = JSON.parse(await run(runDiagnose, diagnoseSpec, ['hostkey', '--body', `action=info&token=${HK}`, '--sessions', sessions, '--now', String(T0 + 90), '--json']));
    expect(h).toMatchObject({ error: 'TOKEN_EXPIRED', message: 'the session expired 90 s ago (token_expire 2026-12-06 03:41:00 UTC)' });
    const m = JSON.parse(await run(runDiagnose, diagnoseSpec, ['hostkey', '--body', 'action=info', '--sessions', sessions, '--json']));
    expect(m).toMatchObject({ error: 'MISSING_FIELD', message: 'no token field' });
  });

  it('verify hostdime: a stale api_timestamp says how old and which window', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hostsig-headline-'));
    const keys = join(dir, 'keys.json');
    writeFileSync(keys, JSON.stringify({ hostdime: { keys: { pub: 'fazbaz' } } }));
    const body = 'status=registered&order=desc&api_key=pub&api_timestamp=1369758680&api_unique=ABCDEF&api_hash=499b5d8b8bce0f66d829d9186fb475c16b505ef7e6238c3b43c3342902ce27dd';
    const j = JSON.parse(await run(runVerify, verifySpec, ['hostdime', '--path', '/v1/domain/list.json', '--body', body, '--config', keys, '--now', String(1369758680 + 720), '--json']));
    expect(j).toMatchObject({ error: 'TIMESTAMP_STALE', message: 'signed 12 min ago: outside the 300 s window (api_timestamp 2013-05-28 16:31:20 UTC)' });
  });
});
