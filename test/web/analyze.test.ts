/**
 * The web page's analyses in Node, on independently made inputs: the SCHEMES.md vectors,
 * hashes computed here with node:crypto, JWTs signed with jose, tokens made here.
 */
import { createHash, createHmac, generateKeyPairSync, randomBytes } from 'node:crypto';
import { exportJWK, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { hashHostKeyPin } from '../../src/schemes/hostkey/index.js';
import { analyzeHostBill, analyzeHostDime, analyzeHostKey, analyzeHostKeyPin, analyzeSixConnect, analyzeWhm } from '../../src/web/analyze/index.js';
import { parsePasted } from '../../src/web/input.js';
import { firstDifference } from '../../src/web/model.js';

const sha = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
const HD_BODY = 'status=registered&order=desc&api_key=pub&api_timestamp=1369758680&api_unique=ABCDEF&api_hash=499b5d8b8bce0f66d829d9186fb475c16b505ef7e6238c3b43c3342902ce27dd';

describe('parsePasted', () => {
  it('takes raw HTTP, URLs with spaces, header lines and bare text apart', () => {
    const h = parsePasted(`POST /v1/domain/list.json HTTP/1.1\r\nHost: api.hostdime.com\r\nContent-Type: application/x-www-form-urlencoded\r\n\r\n${HD_BODY}\r\n`);
    expect(h).toMatchObject({ kind: 'http', method: 'POST', path: '/v1/domain/list.json', body: HD_BODY, host: 'api.hostdime.com' });
    const u = parsePasted('https://h/api/v1/api.php?a=1&hash=ab cd=#frag');
    expect(u).toMatchObject({ kind: 'url', path: '/api/v1/api.php', query: 'a=1&hash=ab cd=', host: 'h' });
    expect(parsePasted('Authorization: whm root:ABC')).toMatchObject({ kind: 'headers', headers: [['Authorization', 'whm root:ABC']] });
    expect(parsePasted('  a=1&b=2\n')).toMatchObject({ kind: 'text', body: 'a=1&b=2' });
    expect(parsePasted('')).toMatchObject({ kind: 'empty' });
  });
  it('finds the first differing character', () => {
    expect(firstDifference('abc', 'abc')).toBe(-1);
    expect(firstDifference('abc', 'abd')).toBe(2);
    expect(firstDifference('ab', 'abc')).toBe(2);
  });
});

describe('HostDime', () => {
  it('the documented vector is valid, with a note on its 2013 timestamp', () => {
    const a = analyzeHostDime({ request: HD_BODY, method: 'domain.list', privateKey: 'fazbaz' });
    expect(a.verdict.status).toBe('valid');
    const cmp = a.stages.find((s) => s.kind === 'compare');
    expect(cmp).toMatchObject({ expected: '499b5d8b8bce0f66d829d9186fb475c16b505ef7e6238c3b43c3342902ce27dd' });
    expect(a.stages.some((s) => s.kind === 'text' && s.text === '1369758680:ABCDEF:fazbaz:domain.list:"{\\"status\\":\\"registered\\",\\"order\\":\\"desc\\"}"')).toBe(true);
    expect(a.notes.join(' ')).toMatch(/TIMESTAMP_STALE/);
  });
  it('names the JS dialect for the documented url= vector hashed with JSON.stringify twice', () => {
    const js = sha(`1369758680:ABCDEF:fazbaz:utility.echo:${JSON.stringify(JSON.stringify({ url: 'http://example.com/a' }))}`);
    expect(js).not.toBe('732fb3575dc27844e1131c7d3d3f527e4db8b5257cba50572657ca1f57e93111');
    const body = `url=http%3A%2F%2Fexample.com%2Fa&api_key=pub&api_timestamp=1369758680&api_unique=ABCDEF&api_hash=${js}`;
    const a = analyzeHostDime({ request: `POST /v1/utility/echo.json HTTP/1.1\nHost: api.hostdime.com\n\n${body}`, privateKey: 'fazbaz' });
    expect(a.verdict).toMatchObject({ status: 'invalid', mistake: 'js-dialect' });
    expect(a.verdict.headline).toMatch(/JS dialect/);
    expect(a.verdict.fix).toMatch(/json_encode/);
    const php = analyzeHostDime({ request: body.replace(js, '732fb3575dc27844e1131c7d3d3f527e4db8b5257cba50572657ca1f57e93111'), method: '/v1/utility/echo.json', privateKey: 'fazbaz' });
    expect(php.verdict.status).toBe('valid');
  });
  it('says what is missing', () => {
    expect(analyzeHostDime({ request: HD_BODY, privateKey: 'fazbaz' }).verdict.headline).toMatch(/method/);
    expect(analyzeHostDime({ request: '', privateKey: 'x' }).verdict.status).toBe('error');
  });
});

describe('6connect', () => {
  const base = 'https://ipam.example.com/api/v1/api.php?target=ipam&action=get&type=IP&mask=24&apiKey=32-5DAYTJQY2TZHOFOB&hash=';
  const secret = '48b278ec873bda4738923dbc467f8669';
  it('the documented vector is valid', () => {
    const a = analyzeSixConnect({ request: `${base}yneSFMyxPPe+3W4IOkVp50K3VStatBcRRak+2ygDUWQ=`, secretKey: secret });
    expect(a.verdict.status).toBe('valid');
  });
  it('a hash whose + became a space is still valid, with a note', () => {
    const a = analyzeSixConnect({ request: `${base}yneSFMyxPPe 3W4IOkVp50K3VStatBcRRak 2ygDUWQ=`, secretKey: secret });
    expect(a.verdict.status).toBe('valid');
    expect(a.notes[0]).toMatch(/spaces/);
  });
  it('names a hex-decoded secret', () => {
    const q = 'target=ipam&action=get&type=IP&mask=24&apiKey=32-5DAYTJQY2TZHOFOB';
    const h = createHmac('sha256', Buffer.from(secret, 'hex')).update(q).digest('base64');
    const a = analyzeSixConnect({ request: `${q}&hash=${encodeURIComponent(h)}`, secretKey: secret });
    expect(a.verdict).toMatchObject({ status: 'invalid', mistake: 'secret-hex-decoded' });
  });
});

describe('WHM', () => {
  const token = Array.from(randomBytes(32), (b) => 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'[b % 36]).join('');
  it('a header with the pasted token is valid; another token is not', async () => {
    expect((await analyzeWhm({ request: `Authorization: whm root:${token}`, record: token })).verdict.status).toBe('valid');
    const bad = await analyzeWhm({ request: `whm root:${token.toLowerCase()}`, record: token });
    expect(bad.verdict.status).toBe('invalid');
  });
  it('checks a record JSON with expiry and whitelist', async () => {
    const record = JSON.stringify({ name: 'deploy', digest: sha(token), expiresAt: 0, whitelistIps: ['10.0.0.0/8'], acls: ['all'] });
    const http = `GET /json-api/listaccts?api.version=1 HTTP/1.1\nAuthorization: whm root:${token}\n\n`;
    expect((await analyzeWhm({ request: http, record, clientIp: '10.1.2.3' })).verdict.status).toBe('valid');
    expect((await analyzeWhm({ request: http, record, clientIp: '192.0.2.1' })).verdict).toMatchObject({ status: 'invalid', code: 'IP_NOT_ALLOWED' });
  });
});

describe('HostKey', () => {
  const token = randomBytes(16).toString('hex');
  it('a token= body against the pasted token', async () => {
    expect((await analyzeHostKey({ request: `action=info&token=${token}`, session: token })).verdict.status).toBe('valid');
    expect((await analyzeHostKey({ request: `action=info&token=${token.toUpperCase()}`, session: token })).verdict).toMatchObject({ status: 'invalid', mistake: 'token-uppercase' });
    expect((await analyzeHostKey({ request: `POST /eq.php?token=${token} HTTP/1.1\n\naction=list`, session: token })).verdict).toMatchObject({ code: 'MISSING_FIELD', mistake: 'token-in-query' });
  });
  it('a PIN against a record', async () => {
    const rec = JSON.stringify(await hashHostKeyPin('482915', { N: 2 ** 10, r: 8, p: 1, dkLen: 32 }));
    expect((await analyzeHostKeyPin({ pin: '482915', record: rec })).verdict.status).toBe('valid');
    expect((await analyzeHostKeyPin({ pin: '482916', record: rec })).verdict.status).toBe('invalid');
  });
});

describe('HostBill', () => {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  it('a jose-signed RS256 JWT is valid with the PEM and with the JWK', async () => {
    const jwt = await new SignJWT({ sub: 'client-7' }).setProtectedHeader({ alg: 'RS256', typ: 'JWT' }).setIssuedAt().setExpirationTime('1h').sign(privateKey);
    expect(analyzeHostBill({ request: `Authorization: Bearer ${jwt}`, publicKey: pem }).verdict.status).toBe('valid');
    expect(analyzeHostBill({ request: jwt, publicKey: JSON.stringify(await exportJWK(publicKey)) }).verdict.status).toBe('valid');
    const tampered = `${jwt.slice(0, -4)}AAAA`;
    const bad = analyzeHostBill({ request: tampered, publicKey: pem });
    expect(bad.verdict).toMatchObject({ status: 'invalid', code: 'SIGNATURE_INVALID' });
  });
  it('an expired JWT says so, and that the signature holds', async () => {
    const jwt = await new SignJWT({}).setProtectedHeader({ alg: 'RS256' }).setIssuedAt(1_000_000).setExpirationTime(1_000_600).sign(privateKey);
    const a = analyzeHostBill({ request: jwt, publicKey: pem });
    expect(a.verdict).toMatchObject({ status: 'invalid', code: 'JWT_EXPIRED' });
    expect(a.verdict.headline).toMatch(/signature itself verifies/);
  });
  it('Basic credentials', () => {
    const h = `Basic ${Buffer.from('a@example.com:pa:ss').toString('base64')}`;
    expect(analyzeHostBill({ request: `Authorization: ${h}`, email: 'a@example.com', password: 'pa:ss' }).verdict.status).toBe('valid');
    expect(analyzeHostBill({ request: h, email: 'a@example.com', password: 'nope' }).verdict.status).toBe('invalid');
  });
});

describe('named failures', () => {
  it('an uppercase api_hash, a lowercase WHM token, a param after hash, alg none', async () => {
    const upper = analyzeHostDime({ request: HD_BODY.replace(/api_hash=(\w+)/, (_m, h: string) => `api_hash=${h.toUpperCase()}`), method: 'domain.list', privateKey: 'fazbaz' });
    expect(upper.verdict).toMatchObject({ status: 'invalid', mistake: 'hash-uppercase' });
    const whm = await analyzeWhm({ request: 'whm root:u7hmr63fgy292dqz4h5bfh16jlymo01m', record: 'U7HMR63FGY292DQZ4H5BFH16JLYMO01M' });
    expect(whm.verdict).toMatchObject({ status: 'invalid', mistake: 'token-lowercase' });
    expect((await analyzeWhm({ request: 'Authorization: Bearer U7HMR63FGY292DQZ4H5BFH16JLYMO01M', record: 'U7HMR63FGY292DQZ4H5BFH16JLYMO01M' })).verdict.mistake).toBe('scheme-word');
    const sc = analyzeSixConnect({ request: 'target=ipam&action=get&type=IP&mask=24&apiKey=32-5DAYTJQY2TZHOFOB&hash=yneSFMyxPPe%2B3W4IOkVp50K3VStatBcRRak%2B2ygDUWQ%3D&x=1', secretKey: '48b278ec873bda4738923dbc467f8669' });
    expect(sc.verdict).toMatchObject({ status: 'invalid', code: 'HASH_NOT_LAST' });
    expect(sc.verdict.fix).toMatch(/last parameter/);
    const none = analyzeHostBill({ request: 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.' });
    expect(none.verdict).toMatchObject({ status: 'invalid', code: 'ALG_NOT_ALLOWED' });
  });
});
