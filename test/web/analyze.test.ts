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
import { type Analysis, differingRegion, firstDifference, type Stage } from '../../src/web/model.js';

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

// ---- issue 17: every diagnosis, plain headlines, placeholders, stages on every readable request ----

const T0 = Date.UTC(2026, 11, 6, 3, 41, 0) / 1000; // 2026-12-06 03:41:00 UTC
const compares = (a: Analysis) => a.stages.filter((s): s is Extract<Stage, { kind: 'compare' }> => s.kind === 'compare');

describe('HostBill Bearer: the CLI\'s JWT findings on the page, tokens made by jose', () => {
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const claims = { sub: 'client-42', iat: T0, exp: T0 + 900 };

  it('token-modified: the payload changed after signing', async () => {
    const jwt = await new SignJWT(claims).setProtectedHeader({ alg: 'RS256' }).sign(pair.privateKey);
    const [h, , s] = jwt.split('.');
    const a = analyzeHostBill({ request: `Authorization: Bearer ${h}.${Buffer.from(JSON.stringify({ ...claims, sub: 'client-43' })).toString('base64url')}.${s}`, publicKey: pem, now: T0 + 10 });
    expect(a.verdict).toMatchObject({ status: 'invalid', code: 'SIGNATURE_INVALID', mistake: 'token-modified' });
    expect(a.findings.map((f) => f.id)).toContain('token-modified');
    expect(a.verdict.headline).toMatch(/^invalid: the signature does not verify under this key: /);
  });

  it('alg-hs256-public-key: HS256 keyed with the PEM text', async () => {
    const jwt = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(pem));
    const a = analyzeHostBill({ request: `Authorization: Bearer ${jwt}`, publicKey: pem, now: T0 + 10 });
    expect(a.verdict).toMatchObject({ status: 'invalid', code: 'ALG_NOT_ALLOWED', mistake: 'alg-hs256-public-key' });
    expect(a.verdict.headline).toMatch(/^invalid: alg "HS256" is not allowed; only RS256: /);
  });

  it('key-mismatch: signed by another key', async () => {
    const jwt = await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'other' }).sign(other.privateKey);
    const a = analyzeHostBill({ request: `Authorization: Bearer ${jwt}`, publicKey: pem, now: T0 + 10 });
    expect(a.verdict).toMatchObject({ status: 'invalid', code: 'SIGNATURE_INVALID', mistake: 'key-mismatch' });
    expect(a.findings[0]!.fix).toMatch(/key/);
  });

  it('stage 4 compares the two RSA blocks as hex, labelled in plain words', async () => {
    const jwt = await new SignJWT(claims).setProtectedHeader({ alg: 'RS256' }).sign(other.privateKey);
    const a = analyzeHostBill({ request: jwt, publicKey: pem, now: T0 + 10 });
    const block = compares(a).find((s) => s.title.startsWith('4.'))!;
    expect(block.expected).toMatch(/^0001f{16,}/);
    expect(block.expected).toHaveLength(512);
    expect(block.received).toMatch(/^[0-9a-f]{512}$/);
    expect(block.expectedLabel).toMatch(/expected: EMSA-PKCS1-v1_5\(SHA-256\(signing input\)\)/);
    expect(block.receivedLabel).toMatch(/recovered: signature\^e mod n/);
    expect(block.title).toMatch(/RSA block \(256 bytes, hex\)/);
    expect(differingRegion(block.expected, block.received)).not.toBeNull();
    expect(block.receivedMissing).toBeUndefined();
  });

  it('a signature not below the modulus is a placeholder, not a value', async () => {
    const jwt = await new SignJWT(claims).setProtectedHeader({ alg: 'RS256' }).sign(pair.privateKey);
    const [h, p] = jwt.split('.');
    const a = analyzeHostBill({ request: `${h}.${p}.${Buffer.alloc(256, 0xff).toString('base64url')}`, publicKey: pem, now: T0 + 10 });
    const block = compares(a).find((s) => s.title.startsWith('4.'))!;
    expect(block).toMatchObject({ receivedMissing: true });
    expect(block.received).toMatch(/^\(none/);
  });
});

describe('plain headlines, with a relative time, for every code each analysis produces', () => {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const WT = 'U7HMR63FGY292DQZ4H5BFH16JLYMO01M';
  const HK = '0123456789abcdef0123456789abcdef';
  const hkSession = (o: object) => JSON.stringify({ digest: sha(HK), subject: 'u', expiresAt: T0, createdAt: 0, ip: null, ...o });
  const whmRecord = (o: object) => JSON.stringify({ name: 'ci', digest: sha(WT), expiresAt: 0, ...o });
  const hd = (body: string) => analyzeHostDime({ request: body, method: 'domain.list', privateKey: 'fazbaz' });
  const sc = (q: string) => analyzeSixConnect({ request: q, secretKey: 's' });
  const H64 = 'a'.repeat(64);
  const cases: [string, () => Analysis | Promise<Analysis>, string][] = [
    // HostDime
    ['hostdime SIGNATURE_INVALID', () => hd(`status=x&api_key=a&api_timestamp=1&api_unique=u&api_hash=${H64}`), 'invalid: the hash does not match; no known mistake reproduces it (check the private key, the method and that the body is the one that was sent)'],
    ['hostdime HASH_MALFORMED', () => hd('status=x&api_key=a&api_timestamp=1&api_unique=u&api_hash=zz'), 'invalid: api_hash is not 64 lower-case hex digits'],
    ['hostdime MISSING_FIELD api_hash', () => hd('status=x&api_key=a&api_timestamp=1&api_unique=u'), 'invalid: no api_hash field'],
    ['hostdime MISSING_FIELD api_key', () => hd(`status=x&api_timestamp=1&api_unique=u&api_hash=${H64}`), 'invalid: no api_key field'],
    ['hostdime FIELD_DUPLICATE', () => hd(`api_key=a&api_key=b&api_timestamp=1&api_unique=u&api_hash=${H64}`), 'invalid: api_key is sent twice'],
    ['hostdime TIMESTAMP_INVALID', () => hd(`api_key=a&api_timestamp=-5&api_unique=u&api_hash=${H64}`), 'invalid: the timestamp is not Unix seconds'],
    // 6connect
    ['sixconnect SIGNATURE_INVALID', () => sc(`target=a&apiKey=x&hash=${encodeURIComponent(createHmac('sha256', 'other').update('target=a&apiKey=x').digest('base64'))}`), 'invalid: the hash does not match; no known mistake reproduces it (check the secret)'],
    ['sixconnect HASH_MISSING', () => sc('target=a&apiKey=x'), 'invalid: no hash parameter'],
    ['sixconnect HASH_MALFORMED', () => sc('target=a&apiKey=x&hash=abc'), 'invalid: the hash is not base64 of 32 bytes'],
    ['sixconnect HASH_DUPLICATE', () => sc('target=a&apiKey=x&hash=a&hash=b'), 'invalid: the hash is sent twice'],
    ['sixconnect MISSING_FIELD apiKey', () => sc(`target=a&hash=${encodeURIComponent(createHmac('sha256', 's').update('target=a').digest('base64'))}`), 'invalid: no apiKey field'],
    // WHM
    ['whm TOKEN_INVALID (format)', () => analyzeWhm({ request: `whm root:${WT.toLowerCase()}`, record: WT }), 'invalid: the token is not 32 characters of A-Z and 0-9: the token was lower-cased'],
    ['whm TOKEN_INVALID (unknown)', () => analyzeWhm({ request: `whm root:${'A'.repeat(32)}`, record: WT }), 'invalid (HTTP 401): unknown user or token'],
    ['whm AUTH_SCHEME_UNSUPPORTED', () => analyzeWhm({ request: `Bearer ${WT}`, record: WT }), 'invalid: "Bearer" is not a scheme this check takes: "Bearer" instead of "whm"/"cpanel"'],
    ['whm TOKEN_EXPIRED', () => analyzeWhm({ request: `whm root:${WT}`, record: whmRecord({ expiresAt: T0 }), now: T0 + 720 }), 'invalid (HTTP 401): the token expired 12 min ago (expires_at 2026-12-06 03:41:00 UTC): the token is past its expires_at'],
    ['whm IP_NOT_ALLOWED', () => analyzeWhm({ request: `whm root:${WT}`, record: whmRecord({ whitelistIps: ['10.0.0.0/8'] }), clientIp: '192.0.2.1' }), "invalid (HTTP 403): 192.0.2.1 is outside the token's whitelist: the client address is outside the token's whitelist_ip"],
    ['whm PATH_NOT_ALLOWED', () => analyzeWhm({ request: `GET /json-api/listaccts HTTP/1.1\nAuthorization: cpanel bob:${WT}\n\n`, record: WT }), 'invalid (HTTP 403): a cPanel token may not call /json-api/listaccts: a cpanel token used on /json-api/listaccts'],
    // HostKey
    ['hostkey MISSING_FIELD', () => analyzeHostKey({ request: 'action=info', session: HK }), 'invalid (HTTP 401): no token field'],
    ['hostkey TOKEN_INVALID', () => analyzeHostKey({ request: `action=info&token=${'f'.repeat(32)}`, session: HK }), 'invalid (HTTP 401): unknown session token: a well-formed token the session store does not hold'],
    ['hostkey TOKEN_EXPIRED', () => analyzeHostKey({ request: `action=info&token=${HK}`, session: hkSession({}), now: T0 + 90 }), 'invalid (HTTP 401): the session expired 90 s ago (token_expire 2026-12-06 03:41:00 UTC): the session is past its token_expire'],
    ['hostkey IP_NOT_ALLOWED', () => analyzeHostKey({ request: `action=info&token=${HK}`, session: hkSession({ expiresAt: T0 + 3600, ip: '10.0.0.1' }), now: T0, clientIp: '10.0.0.2' }), 'invalid (HTTP 403): 10.0.0.2 is not the address the session is bound to (fix_ip): the token was issued with fix_ip=1 for another address'],
    // HostBill
    ['hostbill ALG_NOT_ALLOWED, no key', () => analyzeHostBill({ request: 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.' }), 'invalid: alg "none" is not allowed; only RS256'],
    ['hostbill JWT_MALFORMED, no key', () => analyzeHostBill({ request: 'Bearer abc.def' }), 'not a readable JWT: token must have three dot-separated parts'],
    ['hostbill KEY_INVALID', () => analyzeHostBill({ request: 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.abc', publicKey: 'not a key' }), 'the key does not import: unrecognised key text: expected PEM, a JWK, or an ssh-rsa line'],
    ['hostbill AUTH_HEADER_MALFORMED (Basic)', () => analyzeHostBill({ request: 'Authorization: Basic !!!' }), 'invalid: the Authorization header is malformed: Basic credentials are not a single base64 token'],
    ['hostbill AUTH_SCHEME_UNSUPPORTED', () => analyzeHostBill({ request: 'Authorization: Token abc' }), 'invalid: "Token" is not a scheme this check takes: "Token" is not Basic or Bearer'],
    ['hostbill TOKEN_INVALID (e-mail)', () => analyzeHostBill({ request: `Basic ${Buffer.from('a@x:pw').toString('base64')}`, email: 'b@x', password: 'pw' }), 'invalid: wrong e-mail or password: the e-mail is not the expected one'],
    ['hostbill TOKEN_INVALID (password)', () => analyzeHostBill({ request: `Basic ${Buffer.from('a@x:pw').toString('base64')}`, email: 'a@x', password: 'px' }), 'invalid: wrong e-mail or password: the password is not the expected one'],
    ['hostbill TOKEN_INVALID (e-mail with a blank)', () => analyzeHostBill({ request: `Basic ${Buffer.from(' a@x:pw').toString('base64')}`, email: 'a@x', password: 'pw' }), 'invalid: wrong e-mail or password: the e-mail is not the expected one: the e-mail has whitespace around it'],
    ['hostbill CLAIM_INVALID', async () => analyzeHostBill({ request: await new SignJWT({ exp: 'soon' as unknown as number }).setProtectedHeader({ alg: 'RS256' }).sign(privateKey), publicKey: pem }), 'invalid: a claim does not hold: "exp" claim must be a number'],
    ['sixconnect HASH_NOT_LAST', () => sc('target=a&apiKey=x&hash=abc&y=1'), 'invalid: hash is not the last parameter: what follows it is not signed'],
    ['whm AUTH_HEADER_MALFORMED', () => analyzeWhm({ request: `whm root ${WT}`, record: WT }), 'invalid: the Authorization header has whitespace or control characters in its credentials: user and token separated by a space'],
    ['whm IP_NOT_ALLOWED, no client address', () => analyzeWhm({ request: `whm root:${WT}`, record: whmRecord({ whitelistIps: ['10.0.0.0/8'] }) }), "invalid (HTTP 403): the client address is unknown and the token has a whitelist: the client address is outside the token's whitelist_ip"],
    ['whm LOOKUP_FAILED', () => analyzeWhm({ request: `whm root:${WT}`, record: whmRecord({ expiresAt: 'x' }) }), 'invalid (HTTP 503): the stored record could not be used: a token record has a malformed expiry'],
    ['hostkey TOKEN_INVALID (upper-cased)', () => analyzeHostKey({ request: `action=info&token=${HK.toUpperCase()}`, session: HK }), 'invalid (HTTP 401): unknown session token: the token was upper-cased'],
    ['hostkey LOOKUP_FAILED', () => analyzeHostKey({ request: `action=info&token=${HK}`, session: hkSession({ subject: 5 }) }), 'invalid (HTTP 503): the stored record could not be used: session record is malformed'],
    ['hostkey PIN_INVALID', () => analyzeHostKeyPin({ pin: '1234', record: JSON.stringify({ alg: 'scrypt', N: 16, r: 1, p: 1, dkLen: 32, salt: '00'.repeat(16), hash: '00'.repeat(32) }) }), 'invalid: the PIN does not match the record'],
  ];
  it.each(cases)('%s', async (_name, run, headline) => {
    expect((await run()).verdict.headline).toBe(headline);
  });

  it('hostbill JWT_EXPIRED and JWT_NOT_YET_VALID: how long before/after now, the UTC time, and that the signature holds', async () => {
    const exp = await new SignJWT({}).setProtectedHeader({ alg: 'RS256' }).setExpirationTime(T0).sign(privateKey);
    expect(analyzeHostBill({ request: exp, publicKey: pem, now: T0 + 90 }).verdict.headline).toBe('invalid: expired 90 s before now (exp 2026-12-06 03:41:00 UTC) (the signature itself verifies)');
    const nbf = await new SignJWT({}).setProtectedHeader({ alg: 'RS256' }).setNotBefore(T0).sign(privateKey);
    expect(analyzeHostBill({ request: nbf, publicKey: pem, now: T0 - 300 }).verdict.headline).toBe('invalid: not valid until 5 min after now (nbf 2026-12-06 03:41:00 UTC) (the signature itself verifies)');
  });

  it('hostdime: the freshness note says how old, against which window, with the UTC time', () => {
    const a = analyzeHostDime({ request: HD_BODY, method: 'domain.list', privateKey: 'fazbaz', now: 1369758680 + 720 });
    expect(a.verdict.status).toBe('valid');
    expect(a.notes).toContain('Signed 12 min ago: outside the 300 s window (api_timestamp 2013-05-28 16:31:20 UTC): a server with the default ±300 s window answers TIMESTAMP_STALE. The verdict above is about the hash only.');
  });
});

describe('placeholders are marked, never diffed as values', () => {
  it('6connect "(no hash)", HostDime "(no api_hash)"', () => {
    const s = compares(analyzeSixConnect({ request: 'target=a&apiKey=x', secretKey: 's' }))[0]!;
    expect(s).toMatchObject({ received: '(no hash)', receivedMissing: true });
    expect(s.expectedMissing).toBeUndefined();
    const d = compares(analyzeHostDime({ request: 'status=x&api_key=a&api_timestamp=1&api_unique=u', method: 'domain.list', privateKey: 'k' }))[0]!;
    expect(d).toMatchObject({ received: '(no api_hash)', receivedMissing: true });
    const v = compares(analyzeSixConnect({ request: 'target=a&apiKey=x&hash=abc', secretKey: 's' }))[0]!;
    expect(v.receivedMissing).toBeUndefined();
  });
  it('HostKey "(no token field)", and no session yet', async () => {
    const a = await analyzeHostKey({ request: 'action=info', session: '0123456789abcdef0123456789abcdef' });
    expect(compares(a)[0]).toMatchObject({ received: '(no token field)', receivedMissing: true });
    expect(compares(a)[0]!.expectedMissing).toBeUndefined();
    const b = await analyzeHostKey({ request: 'action=info&token=0123456789abcdef0123456789abcdef', session: '' });
    expect(compares(b)[0]).toMatchObject({ expectedMissing: true });
    expect(compares(b)[0]!.receivedMissing).toBeUndefined();
  });
  it('WHM: no record holds a digest', async () => {
    const a = await analyzeWhm({ request: 'whm root:U7HMR63FGY292DQZ4H5BFH16JLYMO01M', record: '[]' });
    expect(compares(a)[0]).toMatchObject({ expected: '(no record)', expectedMissing: true });
    const b = await analyzeWhm({ request: 'whm root:U7HMR63FGY292DQZ4H5BFH16JLYMO01M', record: '{"name":"x"}' });
    expect(compares(b)[0]).toMatchObject({ expected: '(no digest)', expectedMissing: true });
  });
  it('HostBill Basic: no e-mail entered', () => {
    const a = analyzeHostBill({ request: `Basic ${Buffer.from('a@example.com:pw').toString('base64')}`, password: 'other' });
    expect(compares(a)[0]).toMatchObject({ expected: '(none entered)', expectedMissing: true });
  });
});

describe('every readable request shows its stages', () => {
  const T = 'U7HMR63FGY292DQZ4H5BFH16JLYMO01M';
  it('a lower-cased WHM token against the record: the header, both digests, both tokens', async () => {
    const a = await analyzeWhm({ request: `Authorization: whm root:${T.toLowerCase()}`, record: T });
    expect(a.verdict).toMatchObject({ status: 'invalid', code: 'TOKEN_INVALID', mistake: 'token-lowercase' });
    expect(a.stages.map((s) => s.title)).toEqual(['1. the Authorization header', '2. SHA-256 of the token (records store only this)', '3. the token itself']);
    const [digests, tokens] = compares(a);
    expect(digests).toMatchObject({ expected: sha(T), received: sha(T.toLowerCase()) });
    expect(tokens).toMatchObject({ expected: T, received: T.toLowerCase() });
    const rec = await analyzeWhm({ request: `whm root:${T.toLowerCase()}`, record: JSON.stringify({ name: 'ci', digest: sha(T), expiresAt: 0 }) });
    expect(compares(rec)).toHaveLength(1);
  });
  it('WHM headers the parser refuses: space for colon, another scheme word', async () => {
    const space = await analyzeWhm({ request: `whm root ${T}`, record: T });
    expect(space.verdict.mistake).toBe('space-not-colon');
    expect(space.stages[0]).toMatchObject({ kind: 'table', rows: [['scheme', 'whm'], ['user', 'root'], ['credential', T]] });
    expect(compares(space)[0]).toMatchObject({ expected: sha(T), received: sha(T) });
    const bearer = await analyzeWhm({ request: `Bearer ${T}`, record: T });
    expect(bearer.stages[0]).toMatchObject({ kind: 'table', rows: [['scheme', 'Bearer'], ['credentials', T]] });
  });
  it('HostKey without a session, or with a session that is not JSON: the form fields still show', async () => {
    for (const session of ['', '{not json']) {
      const a = await analyzeHostKey({ request: 'action=info&token=0123456789abcdef0123456789abcdef', session });
      expect(a.verdict.status).toBe('error');
      expect(a.stages[0]).toMatchObject({ kind: 'table', rows: [['action', 'info'], ['token', '0123456789abcdef0123456789abcdef']] });
    }
  });
  it('before the key, secret or record is entered: what the request says already shows', async () => {
    const hd = analyzeHostDime({ request: HD_BODY, method: 'domain.list', privateKey: '' });
    expect(hd.verdict.status).toBe('error');
    expect(hd.stages.map((s) => s.kind === 'text' ? s.text : s.title)).toEqual(['1. params as PHP sees them ($_POST minus api_*)', '{"status":"registered","order":"desc"}']);
    expect(analyzeHostDime({ request: HD_BODY, privateKey: 'fazbaz' }).stages).toHaveLength(2);
    const sc = analyzeSixConnect({ request: 'target=ipam&action=get&apiKey=k&hash=x', secretKey: '' });
    expect(sc.verdict.status).toBe('error');
    expect(sc.stages.find((s) => s.kind === 'text')).toMatchObject({ text: 'target=ipam&action=get&apiKey=k' });
    const whm = await analyzeWhm({ request: `whm root:${T}`, record: '' });
    expect(whm.verdict.status).toBe('error');
    expect(whm.stages).toEqual([{ kind: 'table', title: '1. the Authorization header', head: ['part', 'value'], rows: [['scheme', 'whm'], ['user', 'root'], ['credential', T]] }]);
  });
  it('HostBill: a Basic header that does not decode, and an unreadable token without a key', () => {
    expect(analyzeHostBill({ request: 'Authorization: Basic !!!' }).stages[0]).toMatchObject({ kind: 'table', rows: [['scheme', 'Basic'], ['credentials', '!!!']] });
    expect(analyzeHostBill({ request: 'Bearer abc.def' }).stages.length).toBeGreaterThan(0);
  });
});

describe('hostile headers: the stages of a refused WHM header take linear time', () => {
  it('blank runs and colon-less words: 10x the input takes < 40x the time (best of 5, after a warm-up)', async () => {
    const shapes = (n: number) => [`whm ${' \t'.repeat(n)}root${' '.repeat(n)}x`, `whm ${'A'.repeat(n)}`, `cpanel ${'r '.repeat(n)}`];
    const best = async (n: number) => {
      let t = Infinity;
      for (let i = 0; i < 5; i++) {
        const s = performance.now();
        for (const h of shapes(n)) {
          const a = await analyzeWhm({ request: h, record: 'U7HMR63FGY292DQZ4H5BFH16JLYMO01M' });
          expect(a.verdict.status).not.toBe('valid');
        }
        t = Math.min(t, performance.now() - s);
      }
      return t;
    };
    await best(20_000); // warm-up: the first calls compile, which would inflate the small size
    const small = await best(20_000);
    const large = await best(200_000);
    expect(large / Math.max(small, 0.5)).toBeLessThan(40);
  });
});
