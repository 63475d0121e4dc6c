// One documented --json shape for sign, verify, explain and diagnose across the six CLI schemes,
// checked with ajv against vectors/schema/cli-output.schema.json on real outputs (the commands
// run in-process with a captured stdout; inputs with mistakes are made by node:crypto, not by
// hostsig).
import { createHash, createHmac, createPrivateKey, scryptSync, sign } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv2020Module from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { type CommandSpec, type ParsedArgs, parseArgs } from '../../src/cli/args.js';
import { diagnoseSpec, runDiagnose } from '../../src/cli/commands/diagnose.js';
import { explainSpec, runExplain } from '../../src/cli/commands/explain.js';
import { runSign, signSpec } from '../../src/cli/commands/sign.js';
import { runVectorsCommand, vectorsSpec } from '../../src/cli/commands/vectors.js';
import { runVerify, verifySpec } from '../../src/cli/commands/verify.js';
import type { Io } from '../../src/cli/io.js';
import { makeStyle } from '../../src/cli/output.js';
import { REPO_ROOT } from '../helpers/wycheproof.js';

const Ajv2020 = (Ajv2020Module as unknown as { default: typeof Ajv2020Module }).default ?? Ajv2020Module;
const ajv = new (Ajv2020 as unknown as new (o: object) => import('ajv').default)({ allErrors: true, strict: true, strictRequired: false });
const validate = ajv.compile(JSON.parse(readFileSync(join(REPO_ROOT, 'vectors', 'schema', 'cli-output.schema.json'), 'utf8')));

type Run = (a: ParsedArgs, io: Io) => Promise<number>;
const COMMANDS: Record<string, [CommandSpec, Run]> = {
  sign: [signSpec, runSign],
  verify: [verifySpec, runVerify],
  explain: [explainSpec, runExplain],
  diagnose: [diagnoseSpec, runDiagnose],
  vectors: [vectorsSpec, runVectorsCommand],
};

/** `hostsig <argv> --json` in-process: the exit code and the one JSON document on stdout, schema-checked. */
async function cli(argv: string[]): Promise<{ code: number; doc: any }> {
  const [cmd, ...rest] = argv;
  const [spec, run] = COMMANDS[cmd!]!;
  let out = '';
  const style = makeStyle(false);
  const code = await run(parseArgs([...rest, '--json'], spec), { out: (s) => (out += s), err: () => {}, style, errStyle: style, env: {} });
  const doc = JSON.parse(out);
  expect(validate(doc), `${argv.join(' ')}: ${JSON.stringify(validate.errors?.slice(0, 3))}\n${out}`).toBe(true);
  return { code, doc };
}

const dir = mkdtempSync(join(tmpdir(), 'hostsig-json-'));
const file = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const KEYS = join(REPO_ROOT, 'vectors', 'keys');
const PUB = join(KEYS, 'rsa2048.spki.pem');
const NOW = 1767225600;
const b64u = (s: string | Buffer) => Buffer.from(s).toString('base64url');
const sha = (s: string) => createHash('sha256').update(s).digest('hex');
function rs256(payload: string): string {
  const si = `${b64u('{"alg":"RS256","typ":"JWT"}')}.${b64u(payload)}`;
  return `${si}.${sign('sha256', Buffer.from(si), createPrivateKey(readFileSync(join(KEYS, 'rsa2048.pkcs1.pem')))).toString('base64url')}`;
}
const PAYLOAD = `{"sub":"client-42","iat":${NOW},"exp":${NOW + 900}}`;
const HS = (() => {
  const si = `${b64u('{"alg":"HS256"}')}.${b64u(PAYLOAD)}`;
  return `${si}.${createHmac('sha256', readFileSync(PUB)).update(si).digest('base64url')}`;
})();

describe('--json: one shape per command, every scheme, valid against cli-output.schema.json', () => {
  it('hostdime: sign puts the request under output; verify and diagnose name the JS dialect', async () => {
    const s = (await cli(['sign', 'hostdime', '--public-key', 'foobar', '--private-key', 'fazbaz', '--method', 'utility.echo', '--param', 'url=http://example.com/a', '--timestamp', '1369758680', '--unique', 'ABCDEF'])).doc;
    expect(s).toMatchObject({ command: 'sign', scheme: 'hostdime', result: 'signed', output: { method: 'POST', url: 'https://api.hostdime.com/v1/utility/echo.json' } });
    // The SCHEMES.md vector.
    expect(s.stages.api_hash).toBe('732fb3575dc27844e1131c7d3d3f527e4db8b5257cba50572657ca1f57e93111');
    expect(s.output.http).toMatch(/^POST \/v1\/utility\/echo\.json HTTP\/1\.1\r\n/);
    const ok = await cli(['verify', 'hostdime', '--path', '/v1/utility/echo.json', '--body', s.output.body, '--private-key', 'fazbaz', '--now', '1369758680']);
    expect(ok).toMatchObject({ code: 0, doc: { command: 'verify', result: 'valid', output: { keyId: 'foobar', method: 'utility.echo' } } });
    const js = sha(`1369758680:ABCDEF:fazbaz:utility.echo:${JSON.stringify(JSON.stringify({ url: 'http://example.com/a' }))}`);
    const body = `url=http%3A%2F%2Fexample.com%2Fa&api_key=foobar&api_timestamp=1369758680&api_unique=ABCDEF&api_hash=${js}`;
    const bad = await cli(['verify', 'hostdime', '--path', '/v1/utility/echo.json', '--body', body, '--private-key', 'fazbaz', '--now', '1369758680']);
    expect(bad).toMatchObject({ code: 1, doc: { result: 'invalid', error: 'SIGNATURE_INVALID' } });
    expect(bad.doc.diagnosis[0]).toMatchObject({ id: 'js-dialect' });
    const d = await cli(['diagnose', 'hostdime', '--path', '/v1/utility/echo.json', '--body', body, '--private-key', 'fazbaz']);
    expect(d.doc).toMatchObject({ command: 'diagnose', result: 'invalid', error: 'SIGNATURE_INVALID', stages: { received: js } });
    expect(d.doc.diagnosis[0]).toMatchObject({ id: 'js-dialect', detail: expect.stringMatching(/^JSON\.stringify twice/), signed: expect.stringContaining('http://example.com/a') });
    const e = await cli(['explain', 'hostdime', '--public-key', 'foobar', '--private-key', 'fazbaz', '--method', 'utility.echo', '--param', 'url=http://example.com/a', '--timestamp', '1369758680', '--unique', 'ABCDEF', '--signature', js]);
    expect(e).toMatchObject({ code: 1, doc: { command: 'explain', result: 'invalid', stages: { given: js } } });
    expect(e.doc.diagnosis[0]).toMatchObject({ id: 'js-dialect' });
    expect((await cli(['diagnose', 'hostdime', '--path', '/v1/utility/echo.json', '--body', s.output.body, '--private-key', 'fazbaz'])).doc).not.toHaveProperty('diagnosis');
  });

  it('sixconnect: sign puts the URL under output, like hostdime', async () => {
    const SECRET = '48b278ec873bda4738923dbc467f8669';
    const s = (await cli(['sign', 'sixconnect', '--api-key', '32-5DAYTJQY2TZHOFOB', '--secret', SECRET, '--base-url', 'https://ipam.example.test/api/v1/api.php', '--target', 'ipam', '--action', 'get', '--param', 'type=IP', '--param', 'mask=24'])).doc;
    expect(s).toMatchObject({ command: 'sign', result: 'signed', output: { method: 'GET', url: expect.stringMatching(/^https:\/\/ipam\.example\.test\/api\/v1\/api\.php\?/) } });
    expect(s).not.toHaveProperty('request');
    expect(s.stages.hash).toBe('yneSFMyxPPe+3W4IOkVp50K3VStatBcRRak+2ygDUWQ=');
    expect((await cli(['verify', 'sixconnect', '--url', s.output.url, '--secret', SECRET])).doc).toMatchObject({ result: 'valid', output: { keyId: '32-5DAYTJQY2TZHOFOB', method: 'ipam.get' } });
    const wrong = await cli(['verify', 'sixconnect', '--url', s.output.url, '--secret', 'another-secret']);
    expect(wrong).toMatchObject({ code: 1, doc: { result: 'invalid', error: 'SIGNATURE_INVALID' } });
    const q = 'target=t&action=a&apiKey=32-5DAYTJQY2TZHOFOB';
    const hex = createHmac('sha256', Buffer.from(SECRET, 'hex')).update(q).digest('base64');
    expect((await cli(['diagnose', 'sixconnect', '--query', `${q}&hash=${encodeURIComponent(hex)}`, '--secret', SECRET])).doc).toMatchObject({ diagnosis: [{ id: 'secret-hex-decoded' }] });
  });

  it('jwt: sign, verify, diagnose and explain', async () => {
    const s = (await cli(['sign', 'jwt', '--key', join(KEYS, 'rsa2048.pkcs1.pem'), '--claims', PAYLOAD])).doc;
    expect(s).toMatchObject({ command: 'sign', scheme: 'jwt', result: 'signed', output: { token: rs256(PAYLOAD) } });
    expect((await cli(['verify', 'jwt', '--token', rs256(PAYLOAD), '--key', PUB, '--now', String(NOW + 1)])).doc).toMatchObject({ result: 'valid', output: { key: { format: 'SPKI public', bits: 2048 } } });
    expect((await cli(['diagnose', 'jwt', '--token', HS, '--key', PUB, '--now', String(NOW + 1)])).doc).toMatchObject({ command: 'diagnose', error: 'ALG_NOT_ALLOWED', diagnosis: [{ id: 'alg-hs256-public-key' }] });
    expect((await cli(['explain', 'jwt', '--token', HS, '--key', PUB, '--now', String(NOW + 1)])).doc).toMatchObject({ command: 'explain', result: 'invalid', error: 'ALG_NOT_ALLOWED' });
    expect((await cli(['explain', 'jwt', '--key', join(KEYS, 'rsa2048.pkcs1.pem'), '--claims', PAYLOAD])).doc).toMatchObject({ command: 'explain', result: 'signed' });
  });

  it('hostbill: Basic and Bearer', async () => {
    const basic = (await cli(['sign', 'hostbill', '--user', 'a@b.test', '--password', 'pw:1'])).doc;
    expect(basic.output).toEqual({ authorization: `Basic ${Buffer.from('a@b.test:pw:1').toString('base64')}` });
    expect((await cli(['sign', 'hostbill', '--key', join(KEYS, 'rsa2048.pkcs1.pem'), '--claims', PAYLOAD])).doc.output).toEqual({ authorization: `Bearer ${rs256(PAYLOAD)}`, token: rs256(PAYLOAD) });
    expect((await cli(['verify', 'hostbill', '--authorization', basic.output.authorization, '--password', 'pw:1'])).doc).toMatchObject({ result: 'valid' });
    expect((await cli(['verify', 'hostbill', '--authorization', basic.output.authorization, '--password', 'pw:2'])).doc).toMatchObject({ result: 'invalid', error: 'TOKEN_INVALID' });
    expect((await cli(['diagnose', 'hostbill', '--authorization', `Bearer ${HS}`, '--key', PUB, '--now', String(NOW + 1)])).doc).toMatchObject({ diagnosis: [{ id: 'alg-hs256-public-key' }] });
    expect((await cli(['diagnose', 'hostbill', '--authorization', 'Token abc'])).doc).toMatchObject({ result: 'invalid', diagnosis: [{ id: 'scheme-word' }] });
  });

  it('whm: sign, verify, diagnose, explain', async () => {
    const TOKEN = 'U7HMR63FGY292DQZ4H5BFH16JLYMO01M';
    const s = (await cli(['sign', 'whm', '--user', 'root', '--token', TOKEN])).doc;
    expect(s.output).toEqual({ authorization: `whm root:${TOKEN}`, digest: sha(TOKEN) });
    const tokens = file('whm.json', JSON.stringify({ root: [{ name: 'ci', digest: sha(TOKEN) }] }));
    expect((await cli(['verify', 'whm', '--authorization', `whm root:${TOKEN}`, '--tokens', tokens])).doc).toMatchObject({ result: 'valid', stages: { 'token name': 'ci' } });
    expect((await cli(['diagnose', 'whm', '--authorization', `whm root:${TOKEN.toLowerCase()}`, '--tokens', tokens])).doc).toMatchObject({ result: 'invalid', error: 'TOKEN_INVALID', diagnosis: [{ id: 'token-lowercase' }] });
    expect((await cli(['explain', 'whm', '--user', 'root', '--token', TOKEN])).doc).toMatchObject({ command: 'explain', result: 'signed', stages: { '5 Authorization': `whm root:${TOKEN}` } });
  });

  it('hostkey: sign (the form request, like hostdime), verify a session and a PIN, diagnose', async () => {
    const TOKEN = '0123456789abcdef0123456789abcdef';
    const s = (await cli(['sign', 'hostkey', '--action', 'info', '--token', TOKEN])).doc;
    expect(s.output).toMatchObject({ method: 'POST', url: 'https://invapi.hostkey.com/auth.php', body: `action=info&token=${TOKEN}`, http: expect.stringMatching(/^POST \/auth\.php HTTP\/1\.1\r\n/) });
    const sessions = file('sessions.json', JSON.stringify([{ digest: sha(TOKEN), subject: 'user-42', expiresAt: NOW + 60 }]));
    expect((await cli(['verify', 'hostkey', '--body', `action=info&token=${TOKEN}`, '--sessions', sessions, '--now', String(NOW)])).doc).toMatchObject({ result: 'valid', stages: { subject: 'user-42' } });
    expect((await cli(['diagnose', 'hostkey', '--body', `action=info&token=${TOKEN.toUpperCase()}`, '--sessions', sessions, '--now', String(NOW)])).doc).toMatchObject({ diagnosis: [{ id: 'token-uppercase' }] });
    const salt = '000102030405060708090a0b0c0d0e0f';
    const rec = file('pin.json', JSON.stringify({ alg: 'scrypt', N: 16, r: 1, p: 1, dkLen: 32, salt, hash: scryptSync('4829', Buffer.from(salt, 'hex'), 32, { N: 16, r: 1, p: 1 }).toString('hex') }));
    expect((await cli(['verify', 'hostkey', '--pin', '48 29', '--pin-record', rec])).doc).toMatchObject({ result: 'invalid', error: 'PIN_INVALID', diagnosis: [{ id: 'pin-format' }] });
  });

  it('vectors: the run report and the adapter list', async () => {
    expect((await cli(['vectors', '--scheme', 'whm'])).doc).toMatchObject({ command: 'vectors', subject: 'hostsig', ok: true });
    expect((await cli(['vectors', '--list-adapters'])).doc).toMatchObject({ command: 'vectors', adapters: expect.arrayContaining([expect.objectContaining({ name: 'php' })]) });
  });

  it('the schema refuses the shapes it replaced and a finding without its fix', () => {
    expect(validate({ scheme: 'hostdime', stages: {}, request: { url: 'https://x' }, http: '' })).toBe(false);
    expect(validate({ command: 'sign', scheme: 'whm', stages: {}, output: { authorization: 'whm a:b' } })).toBe(false);
    expect(validate({ command: 'verify', scheme: 'whm', result: 'invalid', stages: {} })).toBe(false);
    expect(validate({ command: 'verify', scheme: 'whm', result: 'invalid', error: 'TOKEN_INVALID', stages: {}, diagnosis: [{ id: 'token-lowercase', title: 't' }] })).toBe(false);
    expect(validate({ command: 'verify', scheme: 'whm', result: 'invalid', error: 'TOKEN_INVALID', stages: {}, diagnosis: [{ id: 'token-lowercase', title: 't', fix: 'f' }] })).toBe(true);
  });
});
