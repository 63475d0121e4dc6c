import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cpanelPathAllowed, verifyWhmAuthorization, type WhmTokenRecord } from '../../src/schemes/whm/index.js';
import { expectNoSecret } from '../helpers/secrets.js';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const T1 = 'U7HMR63FGY292DQZ4H5BFH16JLYMO01M';
const T2 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
const T3 = 'ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ';
const NOW = 1_700_000_000;

const records: WhmTokenRecord[] = [
  { name: 'plain', digest: sha(T1), acls: ['list-accts', 'create-acct'] },
  { name: 'expired', digest: sha(T2), expiresAt: NOW - 1, acls: ['all'] },
  { name: 'office', digest: sha(T3), expiresAt: NOW + 100, whitelistIps: ['203.0.113.0/24', '2001:db8::/32'] },
];
const lookup = (user: string) => (user === 'root' ? records : null);

describe('verifyWhmAuthorization', () => {
  it('accepts a good token and hands back its name and ACLs', async () => {
    const r = await verifyWhmAuthorization(`whm root:${T1}`, { lookup, now: NOW });
    expect(r).toEqual({ ok: true, scheme: 'whm', user: 'root', kind: 'token', tokenName: 'plain', acls: ['list-accts', 'create-acct'], expiresAt: null });
    expectNoSecret(r, [T1]);
  });

  it('treats expires_at 0 and null as never', async () => {
    for (const expiresAt of [0, null]) {
      const r = await verifyWhmAuthorization(`whm root:${T1}`, { lookup: () => [{ name: 'n', digest: sha(T1), expiresAt }], now: 4e9 });
      expect(r.ok).toBe(true);
    }
  });

  it('401 for unknown user, unknown token, malformed header', async () => {
    for (const [h, code] of [
      [`whm alice:${T1}`, 'TOKEN_INVALID'],
      [`whm root:${'Q'.repeat(32)}`, 'TOKEN_INVALID'],
      ['whm root', 'AUTH_HEADER_MALFORMED'],
      [undefined, 'AUTH_HEADER_MALFORMED'],
      ['Basic abc', 'AUTH_SCHEME_UNSUPPORTED'],
    ] as const) {
      const r = await verifyWhmAuthorization(h, { lookup, now: NOW });
      expect(r).toMatchObject({ ok: false, status: 401, code });
    }
  });

  it('expired tokens are kept but fail with 401 TOKEN_EXPIRED (exactly at expires_at too)', async () => {
    const r = await verifyWhmAuthorization(`whm root:${T2}`, { lookup, now: NOW });
    expect(r).toMatchObject({ ok: false, status: 401, code: 'TOKEN_EXPIRED' });
    const edge = await verifyWhmAuthorization(`whm root:${T3}`, { lookup, now: NOW + 100, clientIp: '203.0.113.9' });
    expect(edge).toMatchObject({ ok: false, code: 'TOKEN_EXPIRED' });
    const before = await verifyWhmAuthorization(`whm root:${T3}`, { lookup, now: NOW + 99, clientIp: '203.0.113.9' });
    expect(before.ok).toBe(true);
  });

  it('403 IP_NOT_ALLOWED outside the whitelist, v4, v6 and mapped', async () => {
    const h = `whm root:${T3}`;
    for (const [ip, ok] of [
      ['203.0.113.200', true],
      ['::ffff:203.0.113.7', true],
      ['2001:db8:ffff::1', true],
      ['203.0.114.1', false],
      ['2001:db9::1', false],
    ] as const) {
      const r = await verifyWhmAuthorization(h, { lookup, now: NOW, clientIp: ip });
      if (ok) expect(r.ok).toBe(true);
      else expect(r).toMatchObject({ ok: false, status: 403, code: 'IP_NOT_ALLOWED' });
    }
    const noIp = await verifyWhmAuthorization(h, { lookup, now: NOW });
    expect(noIp).toMatchObject({ ok: false, status: 403, code: 'IP_NOT_ALLOWED' });
  });

  it('compares against every record (a match at the end is found)', async () => {
    const many = Array.from({ length: 20 }, (_, i) => ({ name: `t${i}`, digest: sha(`X${i}`.padEnd(32, 'X')) }));
    many.push({ name: 'last', digest: sha(T1) });
    const r = await verifyWhmAuthorization(`whm root:${T1}`, { lookup: () => many, now: NOW });
    expect(r).toMatchObject({ ok: true, tokenName: 'last' });
  });

  it("cPanel tokens reach only cpsrvd's list: /execute/, /json-api/cpanel and four others", async () => {
    const opts = (path?: string) => ({ lookup: () => [{ name: 'c', digest: sha(T1) }], now: NOW, path });
    for (const p of [
      '/execute/Email/list_pops',
      '/json-api/cpanel',
      '/json-api/cpanel?cpanel_jsonapi_module=Email',
      '/execute/Email/list_pops?x=1',
      '/websocket/MysqlDump',
      '/cpxfer/acctxferrsync',
      '/cpxfer/dsync',
      '/3rdparty/wpt/index.php',
      '/3rdparty/wpt/index.php/v1/installations',
    ])
      expect((await verifyWhmAuthorization(`cpanel bob:${T1}`, opts(p))).ok).toBe(true);
    for (const p of [
      undefined,
      '/json-api/listaccts',
      '/execute',
      '/execute/',
      '/execute/../json-api/listaccts',
      '/execute/%2e%2e/json-api/x',
      '/execute/%252e%252e/json-api/listaccts',
      '/execute/..;/json-api/listaccts',
      '/json-api/cpanel/x',
      '/json-api/cpanelx',
      '//execute/x',
      '/execute//x',
      '/EXECUTE/x',
      '/execute\\x',
      '/cpsess1234567890/execute/x',
    ])
      expect(await verifyWhmAuthorization(`cpanel bob:${T1}`, opts(p))).toMatchObject({ ok: false, status: 403, code: 'PATH_NOT_ALLOWED' });
    // WHM tokens are not path-restricted.
    expect((await verifyWhmAuthorization(`whm root:${T1}`, opts('/json-api/listaccts'))).ok).toBe(true);
    expect(cpanelPathAllowed('/api/x', ['/api'])).toBe(true);
  });

  it('503 LOOKUP_FAILED when the lookup throws or a record is malformed', async () => {
    const cases: (() => unknown)[] = [
      () => {
        throw new Error(`db down ${T1}`);
      },
      async () => Promise.reject(new Error('x')),
      () => [{ name: 'x', digest: 'nothex' }],
      () => [{ name: 'x', digest: sha(T1), whitelistIps: ['not-an-ip'] }],
      () => [{ name: 'x', digest: sha(T1), expiresAt: 'soon' }],
      () => 'records',
      () => [null],
    ];
    for (const l of cases) {
      const r = await verifyWhmAuthorization(`whm root:${T1}`, { lookup: l as never, now: NOW, clientIp: '1.2.3.4' });
      expect(r).toMatchObject({ ok: false, status: 503, code: 'LOOKUP_FAILED' });
      expectNoSecret(r, [T1]);
    }
  });

  it('legacy access hashes need lookupAccessHash', async () => {
    const hash = 'abc123'.repeat(20);
    const h = `WHM root:${hash}`;
    expect(await verifyWhmAuthorization(h, { lookup })).toMatchObject({ ok: false, status: 401, code: 'AUTH_SCHEME_UNSUPPORTED' });
    const ok = await verifyWhmAuthorization(h, { lookup, lookupAccessHash: (u) => (u === 'root' ? sha(hash) : null) });
    expect(ok).toMatchObject({ ok: true, kind: 'accesshash', acls: null });
    const wrong = await verifyWhmAuthorization(`WHM root:${'f'.repeat(120)}`, { lookup, lookupAccessHash: () => sha(hash) });
    expect(wrong).toMatchObject({ ok: false, status: 401, code: 'TOKEN_INVALID' });
  });

  it('never throws and never leaks the token, whatever the header', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), fc.string().map((s) => `whm root:${s}`), fc.constant(`whm root:${T2}`), fc.constant(`whm root:${T3}`)), async (h) => {
        const r = await verifyWhmAuthorization(h, { lookup, now: NOW, clientIp: '192.0.2.1' });
        if (!r.ok) {
          expect([401, 403, 503]).toContain(r.status);
          const cred = h.split(':').slice(1).join(':');
          expectNoSecret(r, [cred, T1, T2, T3]);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('throws INVALID_ARGUMENT only for programmer errors', async () => {
    await expect(verifyWhmAuthorization(`whm root:${T1}`, {} as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(verifyWhmAuthorization(`whm root:${T1}`, { lookup, clientIp: 'nope' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
