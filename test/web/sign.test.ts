/**
 * The page's signing side: the documented vectors come out of the forms, and the snippets are
 * well-formed shell, PHP and JavaScript that carry the signed bytes unchanged.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createPrivateKey, createPublicKey, createVerify } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lineColumn, signHostBillForm, signHostBillJwt, signHostDimeForm, signHostKeyForm, signSixConnectForm, signWhmForm, snippets } from '../../src/web/sign.js';
import { REPO_ROOT as REPO } from '../helpers/wycheproof.js';

const hasPhp = spawnSync('php', ['-v']).status === 0;

describe('signing forms', () => {
  it('HostDime: the documented vector', () => {
    const s = signHostDimeForm({ publicKey: 'pub', privateKey: 'fazbaz', method: 'domain.list', params: 'status=registered\norder=desc', timestamp: '1369758680', unique: 'ABCDEF' });
    expect(s.request.body).toBe('status=registered&order=desc&api_key=pub&api_timestamp=1369758680&api_unique=ABCDEF&api_hash=499b5d8b8bce0f66d829d9186fb475c16b505ef7e6238c3b43c3342902ce27dd');
    expect(s.request.url).toBe('https://api.hostdime.com/v1/domain/list.json');
  });
  it('6connect: the documented vector, and nested params as the SDK writes them', () => {
    const s = signSixConnectForm({ baseUrl: 'https://ipam.example.com/api/v1/api.php', target: 'ipam', action: 'get', params: 'type=IP\nmask=24', apiKey: '32-5DAYTJQY2TZHOFOB', secretKey: '48b278ec873bda4738923dbc467f8669' });
    expect(s.request.url).toBe('https://ipam.example.com/api/v1/api.php?target=ipam&action=get&type=IP&mask=24&apiKey=32-5DAYTJQY2TZHOFOB&hash=yneSFMyxPPe+3W4IOkVp50K3VStatBcRRak+2ygDUWQ=');
    const n = signSixConnectForm({ baseUrl: 'https://x/api', target: 'resource', action: 'add', params: 'meta[type]=entry\nmeta[section]=resource-holder\nmeta[name]=API Test Resource', apiKey: '32-5DAYTJQY2TZHOFOB', secretKey: '48b278ec873bda4738923dbc467f8669' });
    expect(n.request.url).toMatch(/hash=dm\+91kU8dcQNvT62rfzdkm2O\+mzoRcWBB3PT9CQkhWc=$/);
  });
  it('WHM and HostKey requests', () => {
    expect(signWhmForm({ scheme: 'whm', user: 'root', token: 'U7HMR63FGY292DQZ4H5BFH16JLYMO01M', url: 'https://h:2087/json-api/listaccts' }).request.headers).toEqual([['Authorization', 'whm root:U7HMR63FGY292DQZ4H5BFH16JLYMO01M']]);
    expect(signHostKeyForm({ module: 'eq', action: 'check_pin', token: 'a'.repeat(32), fields: 'pin=0042' }).request.body).toBe(`action=check_pin&pin=0042&token=${'a'.repeat(32)}`);
  });
});

describe('snippets', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hostsig-snippets-'));
  const hostile = { method: 'POST' as const, url: "https://h/p?a='b'", headers: [['Content-Type', 'application/x-www-form-urlencoded']] as [string, string][], body: `x=it's\\\\"$HOME\`id\`&y=%2B+` };
  const s = snippets(hostile);
  it('curl: shell quoting keeps the bytes', () => {
    const out = execFileSync('bash', ['-c', `printf '%s\\n' ${s.curl.replace(/^curl -X POST /, '').replace(/ \\\n {2}/g, ' ')}`]).toString();
    expect(out).toContain(hostile.body);
    expect(out).toContain(hostile.url);
  });
  it('JavaScript parses', () => {
    writeFileSync(join(dir, 's.mjs'), s.js);
    execFileSync(process.execPath, ['--check', join(dir, 's.mjs')]);
    expect(s.js).toContain(JSON.stringify(hostile.body));
  });
  it.skipIf(!hasPhp)('PHP parses and holds the same body', () => {
    writeFileSync(join(dir, 's.php'), s.php);
    execFileSync('php', ['-l', join(dir, 's.php')]);
    const body = execFileSync('php', ['-r', `echo ${/CURLOPT_POSTFIELDS => (.*),$/m.exec(s.php)![1]};`]).toString();
    expect(body).toBe(hostile.body);
    const url = execFileSync('php', ['-r', `echo ${/curl_init\((.*)\);$/m.exec(s.php)![1]};`]).toString();
    expect(url).toBe(hostile.url);
  });
});

describe('HostBill sign form: header and payload JSON, re-signed as typed', () => {
  const pem = readFileSync(join(REPO, 'vectors/keys/rsa2048.pkcs1.pem'), 'utf8');
  const pub = createPublicKey(createPrivateKey(pem));
  const verifies = (jwt: string) => {
    const [h, p, s] = jwt.split('.');
    return createVerify('RSA-SHA256').update(`${h}.${p}`).verify(pub, Buffer.from(s!, 'base64url'));
  };
  const part = (jwt: string, i: number) => JSON.parse(Buffer.from(jwt.split('.')[i]!, 'base64url').toString('utf8')) as Record<string, unknown>;

  it('signs the typed header and payload (RS256), verified by node:crypto', () => {
    const { token } = signHostBillJwt({ privateKey: pem, header: '{\n  "alg": "RS256",\n  "kid": "k1"\n}', claims: '{"sub":"client-42","scope":["a","b"]}' });
    expect(verifies(token)).toBe(true);
    expect(part(token, 0)).toEqual({ alg: 'RS256', kid: 'k1' });
    expect(part(token, 1)).toEqual({ sub: 'client-42', scope: ['a', 'b'] });
    const f = signHostBillForm({ mode: 'jwt', url: 'https://b/api', privateKey: pem, header: '', claims: '{"sub":"x"}' });
    expect(f.token).toBeDefined();
    expect(part(f.token!, 0)).toEqual({ alg: 'RS256', typ: 'JWT' });
    expect(f.request.headers).toEqual([['Authorization', `Bearer ${f.token}`]]);
  });

  it('a lifetime sets iat and exp from the signing time', () => {
    const { token } = signHostBillJwt({ privateKey: pem, claims: '{"sub":"x"}', expiresIn: '1h', now: 1700000000 });
    expect(part(token, 1)).toEqual({ sub: 'x', iat: 1700000000, exp: 1700003600 });
  });

  it('invalid JSON says where (line and column), in the header or the payload', () => {
    expect(() => signHostBillJwt({ privateKey: pem, claims: '{\n  "sub": "x",\n  "n": 1,\n}' })).toThrow(/payload JSON is invalid at line 4, column 1/);
    expect(() => signHostBillJwt({ privateKey: pem, header: '{"alg":"RS256",', claims: '{}' })).toThrow(/header JSON is invalid at line 1, column 16/);
    expect(() => signHostBillJwt({ privateKey: pem, claims: '{"a":1,"a":2}' })).toThrow(/payload JSON is invalid at line 1/);
    expect(() => signHostBillJwt({ privateKey: pem, claims: '[1]' })).toThrow(/payload JSON must be an object/);
    expect(() => signHostBillJwt({ privateKey: pem, header: '{"alg":"none"}', claims: '{}' })).toThrow(/"alg" must be "RS256"/);
    expect(() => signHostBillJwt({ privateKey: '', claims: '{}' })).toThrow(/paste the private key/);
  });

  it('__proto__ in the payload is a claim, not a prototype', () => {
    const { token, payload } = signHostBillJwt({ privateKey: pem, claims: '{"__proto__":{"admin":true},"sub":"x"}' });
    expect(Object.getPrototypeOf(payload)).toBe(Object.prototype);
    expect((payload as { admin?: unknown }).admin).toBeUndefined();
    expect(Buffer.from(token.split('.')[1]!, 'base64url').toString()).toBe('{"__proto__":{"admin":true},"sub":"x"}');
    expect(({} as { admin?: unknown }).admin).toBeUndefined();
  });

  it('lineColumn counts lines and columns from 1', () => {
    expect(lineColumn('ab\ncd', 0)).toEqual({ line: 1, column: 1 });
    expect(lineColumn('ab\ncd', 4)).toEqual({ line: 2, column: 2 });
    expect(lineColumn('ab', 99)).toEqual({ line: 1, column: 3 });
  });
});
