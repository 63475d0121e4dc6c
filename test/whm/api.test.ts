import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HostsigError } from '../../src/core/errors.js';
import {
  buildWhmTokenCreate,
  buildWhmTokenList,
  buildWhmTokenRevoke,
  parseWhmApiReply,
  parseWhmTokenCreate,
  parseWhmTokenCreateReply,
  parseWhmTokenListReply,
  parseWhmTokenRevokeReply,
  whmApiErrorReply,
  whmTokenCreateReply,
  whmTokenListReply,
} from '../../src/schemes/whm/index.js';
import { expectNoSecret } from '../helpers/secrets.js';

const TOKEN = 'U7HMR63FGY292DQZ4H5BFH16JLYMO01M';

describe('WHM token API requests', () => {
  it('builds api_token_create with WHM API 1 numbered lists', () => {
    const r = buildWhmTokenCreate({ tokenName: 'ci-deploy', acls: ['list-accts', 'create-acct'], expiresAt: 1893456000, whitelistIps: ['203.0.113.0/24'] });
    expect(r.path).toBe('/json-api/api_token_create');
    expect(r.query).toBe('api.version=1&token_name=ci-deploy&acl-1=list-accts&acl-2=create-acct&expires_at=1893456000&whitelist_ip=203.0.113.0%2F24');
    expect(r.pathAndQuery).toBe(`${r.path}?${r.query}`);
    expect(buildWhmTokenList().pathAndQuery).toBe('/json-api/api_token_list?api.version=1');
    expect(buildWhmTokenRevoke(['a', 'b']).query).toBe('api.version=1&token_name-1=a&token_name-2=b');
  });

  it('refuses bad names and values', () => {
    for (const bad of ['', 'a'.repeat(51), 'has space', 'é', 'a&b=c']) expect(() => buildWhmTokenCreate({ tokenName: bad })).toThrow(HostsigError);
    expect(() => buildWhmTokenCreate({ tokenName: 'x', expiresAt: -1 })).toThrow(HostsigError);
    expect(() => buildWhmTokenCreate({ tokenName: 'x', acls: ['a&b'] })).toThrow(HostsigError);
    expect(() => buildWhmTokenRevoke([])).toThrow(HostsigError);
    expect(buildWhmTokenCreate({ tokenName: 'a'.repeat(50) }).query).toContain('a'.repeat(50));
  });

  it('parses the create request back (server side)', () => {
    const built = buildWhmTokenCreate({ tokenName: 'n_1', acls: ['a', 'b'], expiresAt: 5, whitelistIps: ['::1', '10.0.0.0/8'] });
    expect(parseWhmTokenCreate(built.query)).toEqual({ tokenName: 'n_1', acls: ['a', 'b'], expiresAt: 5, whitelistIps: ['::1', '10.0.0.0/8'] });
    expect(() => parseWhmTokenCreate('api.version=1')).toThrow(expect.objectContaining({ code: 'MISSING_FIELD' }));
    expect(() => parseWhmTokenCreate('token_name[]=x')).toThrow(expect.objectContaining({ code: 'BODY_MALFORMED' }));
    expect(() => parseWhmTokenCreate('token_name=x&expires_at=soon')).toThrow(expect.objectContaining({ code: 'BODY_MALFORMED' }));
  });
});

describe('WHM token API replies', () => {
  // Shapes as in cPanel's api_token_* documentation.
  const created = `{"data":{"token":"${TOKEN}","create_time":1531155461,"name":"ci","expires_at":0,"acls":["list-accts"],"whitelist_ips":[]},"metadata":{"command":"api_token_create","reason":"OK","result":1,"version":1}}`;
  const listed = '{"data":{"tokens":{"ci":{"name":"ci","create_time":1531155461,"acls":["all"],"expires_at":1893456000,"whitelist_ips":["203.0.113.0/24"]},"other":{"name":"other","create_time":"1","expires_at":"0"}}},"metadata":{"command":"api_token_list","reason":"OK","result":1,"version":1}}';

  it('parses api_token_create', () => {
    const r = parseWhmTokenCreateReply(created);
    expect(r.token).toBe(TOKEN);
    expect(r.info).toEqual({ name: 'ci', acls: ['list-accts'], expiresAt: null, whitelistIps: [], createdAt: 1531155461 });
  });

  it('parses api_token_list, object keyed by name', () => {
    expect(parseWhmTokenListReply(listed)).toEqual([
      { name: 'ci', acls: ['all'], expiresAt: 1893456000, whitelistIps: ['203.0.113.0/24'], createdAt: 1531155461 },
      { name: 'other', acls: [], expiresAt: null, whitelistIps: [], createdAt: 1 },
    ]);
  });

  it('turns metadata.result 0 into PROVIDER_ERROR with the reason', () => {
    const body = '{"data":null,"metadata":{"command":"api_token_revoke","reason":"The token “x” does not exist.","result":0,"version":1}}';
    expect(parseWhmApiReply(body)).toEqual({ ok: false, command: 'api_token_revoke', reason: 'The token “x” does not exist.' });
    try {
      parseWhmTokenRevokeReply(body);
      expect.unreachable();
    } catch (e) {
      expect(e).toMatchObject({ code: 'PROVIDER_ERROR', details: { reason: 'The token “x” does not exist.' } });
    }
    parseWhmTokenRevokeReply('{"metadata":{"command":"api_token_revoke","reason":"OK","result":1}}');
  });

  it('refuses malformed replies with BODY_MALFORMED', () => {
    for (const b of ['', 'null', '[]', '{}', '{"metadata":{}}', '{"metadata":{"result":2}}', '{"metadata":{"result":1,"command":"api_token_list"}}'])
      expect(() => parseWhmTokenCreateReply(b)).toThrow(expect.objectContaining({ code: 'BODY_MALFORMED' }));
    // A create reply whose token is not a token.
    expect(() => parseWhmTokenCreateReply('{"data":{"token":"x"},"metadata":{"result":1}}')).toThrow(expect.objectContaining({ code: 'BODY_MALFORMED' }));
  });

  it('keeps __proto__, constructor and prototype as data', () => {
    const body = '{"__proto__":{"polluted":1},"data":{"tokens":{"__proto__":{"name":"x"},"constructor":{"name":"constructor"},"prototype":{"name":"prototype"}}},"metadata":{"result":1,"constructor":1}}';
    const names = parseWhmTokenListReply(body).map((t) => t.name);
    expect(names).toEqual(['x', 'constructor', 'prototype']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // A missing key is never read from Object.prototype.
    expect(() => parseWhmTokenListReply('{"data":{"tokens":{"toString":1}},"metadata":{"result":1}}')).toThrow(HostsigError);
    expect(() => parseWhmApiReply('{"metadata":{"result":1,"constructor":{}},"constructor":1}')).not.toThrow();
  });

  it('server-side builders round-trip through the parsers, without digests', () => {
    const rec = { name: 'ci', digest: 'd'.repeat(64), acls: ['all'], expiresAt: 0, createdAt: 10 };
    const body = whmTokenCreateReply(TOKEN, rec);
    expect(body).not.toContain('d'.repeat(64));
    expect(parseWhmTokenCreateReply(body).token).toBe(TOKEN);
    const list = whmTokenListReply([rec, { name: '__proto__', digest: 'e'.repeat(64) }]);
    expect(list).not.toContain('e'.repeat(64));
    expect(parseWhmTokenListReply(list).map((t) => t.name)).toEqual(['ci', '__proto__']);
    expect(parseWhmApiReply(whmApiErrorReply('api_token_create', 'name taken'))).toMatchObject({ ok: false, reason: 'name taken' });
    expect(() => whmTokenCreateReply('nope', rec)).toThrow(HostsigError);
  });

  it('arbitrary bodies only ever produce HostsigError, never echoing a token', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), fc.json().map((j) => `{"data":{"token":${j}},"metadata":{"result":1}}`)), (b) => {
        for (const f of [parseWhmTokenCreateReply, parseWhmTokenListReply, parseWhmTokenRevokeReply]) {
          try {
            f(b);
          } catch (e) {
            expect(e).toBeInstanceOf(HostsigError);
          }
        }
      }),
      { numRuns: 500 },
    );
    try {
      parseWhmTokenCreateReply(`{"data":{"token":"${TOKEN}x"},"metadata":{"result":1}}`);
    } catch (e) {
      expectNoSecret(e, [TOKEN]);
    }
  });
});
