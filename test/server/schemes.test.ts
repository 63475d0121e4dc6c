import { createHash, generateKeyPairSync, sign as nodeSign } from 'node:crypto';
import { importPublicKey } from '../../src/rsa/index.js';
import { describe, expect, it } from 'vitest';
import { MemoryHostKeyTokenStore } from '../../src/schemes/hostkey/index.js';
import { createVerifier } from '../../src/server/index.js';

const NOW = 1_700_000_000;
const clock = () => NOW;
/** Independent digest (node:crypto), never hostsig's. */
const sha256hex = (s: string) => createHash('sha256').update(s).digest('hex');

const WHM_TOKEN = 'U7HMR63FGY292DQZ4H5BFH16JLYMO01M'; // SCHEMES.md section 4
const records = {
  root: [
    { name: 'deploy', digest: sha256hex(WHM_TOKEN), acls: ['all'] },
    { name: 'old', digest: sha256hex('A'.repeat(32)), expiresAt: NOW - 1 },
    { name: 'office', digest: sha256hex('B'.repeat(32)), whitelistIps: ['10.0.0.0/8', '2001:db8::/32'] },
  ],
  bob: [{ name: 'uapi', digest: sha256hex('C'.repeat(32)) }],
} as Record<string, unknown[]>;

function whmVerifier(extra: Record<string, unknown> = {}) {
  return createVerifier({ clock, schemes: { whm: { lookup: (user: string) => (records[user] as never) ?? null } }, ...extra });
}

describe('server scheme: cPanel & WHM', () => {
  it('accepts a valid token; identity = user + token name', async () => {
    const r = await whmVerifier().verify(new Request('https://h.test:2087/json-api/listaccts?api.version=1', { headers: { Authorization: `whm root:${WHM_TOKEN}` } }));
    expect(r).toMatchObject({ ok: true, scheme: 'whm', identity: { user: 'root', tokenName: 'deploy' } });
  });

  it('scheme word in any case', async () => {
    const r = await whmVerifier().verify({ method: 'GET', url: '/json-api/version', headers: { authorization: `WhM root:${WHM_TOKEN}` } });
    expect(r).toMatchObject({ ok: true, scheme: 'whm' });
  });

  it('a wrong token is 401 in the WHM API 1 envelope naming the function', async () => {
    const r = await whmVerifier().verify({ method: 'GET', url: '/json-api/listaccts?api.version=1', headers: { authorization: `whm root:${'Z'.repeat(32)}` } });
    expect(r).toMatchObject({ ok: false, scheme: 'whm', code: 'TOKEN_INVALID', status: 401 });
    if (!r.ok) expect(JSON.parse(r.body)).toEqual({ data: null, metadata: { command: 'listaccts', reason: 'invalid user or token', result: 0, version: 1, hostsig_code: 'TOKEN_INVALID' } });
  });

  it('expired -> 401 TOKEN_EXPIRED; whitelist miss -> 403; whitelist hit via clientIp -> ok', async () => {
    const v = whmVerifier();
    expect(await v.verify({ method: 'GET', url: '/json-api/x', headers: { authorization: `whm root:${'A'.repeat(32)}` } })).toMatchObject({ code: 'TOKEN_EXPIRED', status: 401 });
    const office = { authorization: `whm root:${'B'.repeat(32)}` };
    expect(await v.verify({ method: 'GET', url: '/json-api/x', headers: office, clientIp: '192.0.2.1' })).toMatchObject({ code: 'IP_NOT_ALLOWED', status: 403 });
    expect(await v.verify({ method: 'GET', url: '/json-api/x', headers: office })).toMatchObject({ code: 'IP_NOT_ALLOWED', status: 403 });
    expect(await v.verify({ method: 'GET', url: '/json-api/x', headers: office, clientIp: 'not an ip' })).toMatchObject({ code: 'IP_NOT_ALLOWED', status: 403 });
    expect(await v.verify({ method: 'GET', url: '/json-api/x', headers: office, clientIp: '10.1.2.3' })).toMatchObject({ ok: true });
    expect(await v.verify({ method: 'GET', url: '/json-api/x', headers: office, clientIp: '2001:db8::7' })).toMatchObject({ ok: true });
  });

  it('the clientIp option (e.g. a trusted proxy header) feeds the whitelist', async () => {
    const v = whmVerifier({ clientIp: (h: { headers: Record<string, string> }) => h.headers['x-real-ip'] });
    const headers = { authorization: `whm root:${'B'.repeat(32)}`, 'x-real-ip': '10.9.9.9' };
    expect(await v.verify({ method: 'GET', url: '/json-api/x', headers, clientIp: '192.0.2.1' })).toMatchObject({ ok: true });
  });

  it('cPanel tokens: UAPI path ok, WHM path 403 PATH_NOT_ALLOWED in the UAPI envelope', async () => {
    const v = whmVerifier();
    const headers = { authorization: `cpanel bob:${'C'.repeat(32)}` };
    expect(await v.verify({ method: 'GET', url: '/execute/Email/list_pops', headers })).toMatchObject({ ok: true, identity: { user: 'bob', tokenName: 'uapi' } });
    const r = await v.verify({ method: 'GET', url: '/json-api/listaccts', headers });
    expect(r).toMatchObject({ code: 'PATH_NOT_ALLOWED', status: 403 });
    if (!r.ok) expect(JSON.parse(r.body)).toMatchObject({ status: 0, errors: [expect.any(String)], data: null });
  });

  it('a malformed header is 401 AUTH_HEADER_MALFORMED; a lookup that hangs is 503 LOOKUP_FAILED', async () => {
    expect(await whmVerifier().verify({ method: 'GET', url: '/', headers: { authorization: 'whm root' } })).toMatchObject({ code: 'AUTH_HEADER_MALFORMED', status: 401 });
    const v = createVerifier({ clock, lookupTimeoutMs: 30, schemes: { whm: { lookup: () => new Promise(() => {}) } } });
    expect(await v.verify({ method: 'GET', url: '/', headers: { authorization: `whm root:${WHM_TOKEN}` } })).toMatchObject({ code: 'LOOKUP_FAILED', status: 503 });
  });
});

describe('server scheme: HostKey invapi', () => {
  const TOKEN = '0123456789abcdef0123456789abcdef';
  function store() {
    const s = new MemoryHostKeyTokenStore({ clock });
    // Records written by hand with an independent digest.
    void s.put({ digest: sha256hex(TOKEN), subject: 'client-42', expiresAt: NOW + 3600, createdAt: NOW, ip: null });
    void s.put({ digest: sha256hex('f'.repeat(32)), subject: 'client-43', expiresAt: NOW + 3600, createdAt: NOW, ip: '203.0.113.5' });
    return s;
  }

  it('a POST to <module>.php with a live token verifies; identity = session subject', async () => {
    const v = createVerifier({ clock, schemes: { hostkey: { store: store() } } });
    const r = await v.verify(new Request('https://invapi.example.test/eq.php', { method: 'POST', body: `action=list&token=${TOKEN}` }));
    expect(r).toMatchObject({ ok: true, scheme: 'hostkey', identity: { user: 'client-42' } });
  });

  it('unknown token 401 in invapi envelope; IP-bound token from elsewhere 403; auth.php not taken', async () => {
    const v = createVerifier({ clock, schemes: { hostkey: { store: store() } } });
    const r = await v.verify({ method: 'POST', url: '/eq.php', body: `token=${'e'.repeat(32)}` });
    expect(r).toMatchObject({ code: 'TOKEN_INVALID', status: 401 });
    if (!r.ok) expect(JSON.parse(r.body)).toEqual({ result: -1, error: 'invalid token', code: 'TOKEN_INVALID' });
    expect(await v.verify({ method: 'POST', url: '/eq.php', body: `token=${'f'.repeat(32)}`, clientIp: '203.0.113.6' })).toMatchObject({ code: 'IP_NOT_ALLOWED', status: 403 });
    expect(await v.verify({ method: 'POST', url: '/eq.php', body: `token=${'f'.repeat(32)}`, clientIp: '203.0.113.5' })).toMatchObject({ ok: true });
    expect(await v.verify({ method: 'POST', url: '/auth.php', body: 'action=login&key=x' })).toMatchObject({ code: 'SCHEME_UNKNOWN' });
    expect(await v.verify({ method: 'POST', url: '/eq.php', body: 'action=list' })).toMatchObject({ code: 'MISSING_FIELD', status: 401 });
  });

  it('a store that hangs is 503 LOOKUP_FAILED within the time cap', async () => {
    const hang = { get: () => new Promise<never>(() => {}), put: async () => {}, delete: async () => false };
    const v = createVerifier({ clock, lookupTimeoutMs: 30, schemes: { hostkey: { store: hang } } });
    expect(await v.verify({ method: 'POST', url: '/eq.php', body: `token=${TOKEN}` })).toMatchObject({ code: 'LOOKUP_FAILED', status: 503 });
  });
});

describe('server scheme: HostBill', () => {
  // Key and tokens made by node:crypto, independent of hostsig's RSA and JWT code.
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = publicKey.export({ type: 'spki', format: 'pem' }) as string;
  const b64u = (x: string | Buffer) => Buffer.from(x).toString('base64url');
  function jwt(payload: Record<string, unknown>, header: Record<string, unknown> = { alg: 'RS256', typ: 'JWT' }) {
    const input = `${b64u(JSON.stringify(header))}.${b64u(JSON.stringify(payload))}`;
    return `${input}.${nodeSign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
  }
  const users: Record<string, string> = { 'ann@example.com': 'pa:ss wörd' };
  function v(extra: Record<string, unknown> = {}) {
    return createVerifier({
      clock,
      schemes: {
        hostbill: {
          bearer: { key: importPublicKey(pem), issuer: 'https://billing.example.test' },
          basic: { verify: (u: string, p: string) => users[u] === p },
        },
      },
      ...extra,
    });
  }

  it('a Bearer RS256 JWT verifies; identity = sub + claims', async () => {
    const t = jwt({ sub: 'client-42', iss: 'https://billing.example.test', exp: NOW + 60, iat: NOW });
    const r = await v().verify(new Request('https://billing.example.test/api/details', { headers: { authorization: `Bearer ${t}` } }));
    expect(r).toMatchObject({ ok: true, scheme: 'hostbill', identity: { user: 'client-42', claims: { sub: 'client-42', iss: 'https://billing.example.test' } } });
  });

  it('expired, wrong issuer, alg none, HS256 confusion, tampered: 401 in the HostBill envelope', async () => {
    const cases: [string, string][] = [
      [jwt({ sub: 'a', iss: 'https://billing.example.test', exp: NOW - 120 }), 'JWT_EXPIRED'],
      [jwt({ sub: 'a', iss: 'https://evil.test', exp: NOW + 60 }), 'CLAIM_INVALID'],
      [`${b64u('{"alg":"none"}')}.${b64u('{"sub":"a"}')}.`, 'ALG_NOT_ALLOWED'],
      [jwt({ sub: 'a' }, { alg: 'HS256' }), 'ALG_NOT_ALLOWED'],
      [jwt({ sub: 'a', iss: 'https://billing.example.test', exp: NOW + 60 }).replace(/\.(.)/, (_m, c: string) => `.${c === 'e' ? 'f' : 'e'}`), ''],
    ];
    for (const [t, code] of cases) {
      const r = await v().verify({ method: 'GET', url: '/api/details', headers: { authorization: `Bearer ${t}` } });
      expect(r.ok, code).toBe(false);
      if (r.ok) continue;
      if (code) expect(r.code).toBe(code);
      expect(r.status).toBe(401);
      expect(JSON.parse(r.body)).toEqual({ success: false, error: [r.message], code: r.code });
    }
  });

  it('Basic: right password ok (password with ":" and UTF-8), wrong 401, slow check 503', async () => {
    const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`, 'utf8').toString('base64')}`;
    expect(await v().verify({ method: 'GET', url: '/api/x', headers: { authorization: basic('ann@example.com', 'pa:ss wörd') } })).toMatchObject({ ok: true, identity: { user: 'ann@example.com' } });
    expect(await v().verify({ method: 'GET', url: '/api/x', headers: { authorization: basic('ann@example.com', 'nope') } })).toMatchObject({ code: 'TOKEN_INVALID', status: 401 });
    expect(await v().verify({ method: 'GET', url: '/api/x', headers: { authorization: 'Basic !!!' } })).toMatchObject({ code: 'AUTH_HEADER_MALFORMED', status: 401 });
    const slow = createVerifier({ clock, lookupTimeoutMs: 30, schemes: { hostbill: { basic: { verify: () => new Promise<boolean>(() => {}) } } } });
    expect(await slow.verify({ method: 'GET', url: '/api/x', headers: { authorization: basic('a', 'b') } })).toMatchObject({ code: 'LOOKUP_FAILED', status: 503 });
  });

  it('only configured methods are detected', async () => {
    const bearerOnly = createVerifier({ clock, schemes: { hostbill: { bearer: { key: importPublicKey(pem) } } } });
    expect(await bearerOnly.verify({ method: 'GET', url: '/api/x', headers: { authorization: 'Basic YTpi' } })).toMatchObject({ code: 'SCHEME_UNKNOWN' });
  });
});

describe('all schemes on one verifier: detection order', () => {
  it('picks by header, then query, then path', async () => {
    const v = createVerifier({
      clock,
      schemes: {
        whm: { lookup: () => null },
        hostbill: { basic: { verify: () => false } },
        sixconnect: { secretKey: 's' },
        hostdime: { privateKey: 'p' },
        hostkey: { store: new MemoryHostKeyTokenStore() },
      },
    });
    const head = (method: string, url: string, headers: Record<string, string> = {}) => {
      const q = url.indexOf('?');
      return { method, url, path: q === -1 ? url : url.slice(0, q), query: q === -1 ? '' : url.slice(q + 1), headers };
    };
    expect(v.schemes).toEqual(['whm', 'hostbill', 'sixconnect', 'hostdime', 'hostkey']);
    expect(v.detect(head('POST', '/v1/a/b.json?apiKey=1&hash=2', { authorization: 'Basic eDp5' }))).toBe('hostbill');
    expect(v.detect(head('GET', '/v1/a/b.json?apiKey=1&hash=2', { authorization: 'whm a:b' }))).toBe('whm');
    expect(v.detect(head('POST', '/v1/a/b.json?apiKey=1&hash=2'))).toBe('sixconnect');
    expect(v.detect(head('POST', '/v1/a/b.json'))).toBe('hostdime');
    expect(v.detect(head('POST', '/api/v1/api.php'))).toBe('hostkey');
    expect(v.detect(head('GET', '/api/v1/api.php'))).toBe(null);
    expect(v.detect(head('GET', '/', { authorization: 'Bearer x.y.z' }))).toBe(null);
  });
});
