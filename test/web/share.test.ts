/**
 * The page's share links (src/web/share.ts): what a link may carry, and that no credential
 * in any shape the five schemes use survives into it. Hostile hashes never throw and never
 * touch Object.prototype.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesToBase64url, utf8ToBytes } from '../../src/core/index.js';
import { maskSecrets, parseHash, REMOVED, SHARE_MAX, shareableFields, shareHash } from '../../src/web/share.js';

const b64 = (s: string) => bytesToBase64url(utf8ToBytes(s));
const decode = (hash: string) => JSON.parse(Buffer.from(hash.slice(hash.indexOf('&r=') + 3), 'base64url').toString('utf8')) as { f: string; v: Record<string, string> };

describe('maskSecrets', () => {
  const cases: [string, string, string[]][] = [
    // [name, pasted text, secrets that must be gone]
    ['Bearer header', 'Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl', ['eyJhbGciOiJSUzI1NiJ9', 'c2lnbmF0dXJl']],
    ['WHM header in a request', 'GET /json-api/listaccts HTTP/1.1\nHost: h:2087\nAuthorization: whm root:U7HMR63FGY292DQZ4H5BFH16JLYMO01M\n', ['U7HMR63FGY292DQZ4H5BFH16JLYMO01M', 'root:']],
    ['bare WHM value', 'whm root:U7HMR63FGY292DQZ4H5BFH16JLYMO01M', ['U7HMR63FGY292DQZ4H5BFH16JLYMO01M']],
    ['Basic', 'authorization:Basic dXNlckBleGFtcGxlLmNvbTpodW50ZXIy', ['dXNlckBleGFtcGxlLmNvbTpodW50ZXIy']],
    ['HostDime body', 'status=registered&api_key=pubkey1&api_timestamp=1369758680&api_unique=ABCDEF&api_hash=499b5d8b8bce0f66d829d9186fb475c16b505ef7e6238c3b43c3342902ce27dd', ['499b5d8b8bce', 'pubkey1']],
    ['6connect URL, + turned into spaces', 'https://ipam.example.com/api/v1/api.php?target=ipam&apiKey=32-5DAYTJQY2TZHOFOB&hash=yneSFMyxPPe 3W4IOkVp50K3VStatBcRRak 2ygDUWQ=', ['yneSFMyxPPe', '3W4IOkVp50K3VStatBcRRak', '2ygDUWQ', '5DAYTJQY2TZHOFOB']],
    ['HostKey body', 'POST /eq.php HTTP/1.1\r\nHost: invapi.hostkey.com\r\n\r\naction=list&token=3f0c9a5be1d24c7f8a6b2e4d9c1f7a05', ['3f0c9a5be1d24c7f8a6b2e4d9c1f7a05']],
    ['token in a request line', 'GET /eq.php?action=info&token=3f0c9a5be1d24c7f HTTP/1.1', ['3f0c9a5be1d24c7f']],
    ['percent-encoded name', 'action=x&t%6Fken=sekrit123', ['sekrit123']],
    ['JSON body', '{"email":"a@b.c","password":"hunter2","nested":{"api_token":12345},"p\\u0061ss":"x9y8z7"}', ['hunter2', '12345', 'x9y8z7']],
    ['cookie and X-Api-Key headers', 'Cookie: sid=abc123def\nX-Api-Key: k-998877', ['abc123def', 'k-998877']],
    ['a bare JWT', 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl', ['c2lnbmF0dXJl', 'eyJzdWIiOiJ4In0']],
    ['a bare long token', '3f0c9a5be1d24c7f8a6b2e4d9c1f7a05', ['3f0c9a5be1d24c7f8a6b2e4d9c1f7a05']],
  ];
  for (const [name, text, secrets] of cases) {
    it(`removes the credential: ${name}`, () => {
      const out = maskSecrets(text);
      for (const s of secrets) expect(out).not.toContain(s);
      expect(out).toContain(REMOVED);
    });
  }

  it('keeps what is needed to read the request: method, path, non-secret params, header names, the auth scheme word', () => {
    expect(maskSecrets('POST /eq.php HTTP/1.1\naction=list&token=abc')).toBe(`POST /eq.php HTTP/1.1\naction=list&token=${REMOVED}`);
    expect(maskSecrets('Authorization: Bearer abc.def')).toBe(`Authorization: Bearer ${REMOVED}`);
    expect(maskSecrets('Authorization: whm root:TOKEN')).toBe(`Authorization: whm ${REMOVED}`);
    expect(maskSecrets('GET /x?token=abc HTTP/1.1')).toBe(`GET /x?token=${REMOVED} HTTP/1.1`);
    expect(maskSecrets('status=registered&order=desc')).toBe('status=registered&order=desc');
  });

  it('property: a credential value in any of the shapes never survives', () => {
    const secret = fc.oneof(fc.stringMatching(/^[A-Za-z0-9+_-]{16,40}$/), fc.stringMatching(/^[A-Za-z0-9+/]{16,40}={0,2}$/));
    const shape = fc.constantFrom(
      (s: string) => `Authorization: Bearer ${s}`,
      (s: string) => `Authorization: whm root:${s}`,
      (s: string) => `a=1&token=${s}&b=2`,
      (s: string) => `x=1&api_hash=${s}`,
      (s: string) => `https://h/api.php?target=t&apiKey=k&hash=${s}`,
      (s: string) => `{"password": "${s}"}`,
      (s: string) => `X-Auth-Token: ${s}`,
      (s: string) => (s.includes('/') ? `token=${s}` : s), // a bare token alone on its line (a path-like line is kept)
    );
    fc.assert(
      fc.property(secret, shape, fc.constantFrom('', 'GET / HTTP/1.1\n', 'POST /v1/x.json HTTP/1.1\r\nHost: h\r\n\r\n'), (s, f, prefix) => {
        expect(maskSecrets(prefix + f(s))).not.toContain(s);
      }),
      { numRuns: 300 },
    );
  });

  it('runs in linear time on hostile shapes (10x input, < 40x time, best of 3)', () => {
    const shapes = [(n: number) => '"'.repeat(n), (n: number) => '"a":'.repeat(n), (n: number) => 'eyJ.'.repeat(n), (n: number) => 'a=b&'.repeat(n), (n: number) => `"\\${'x'.repeat(n)}`, (n: number) => 'Authorization: '.repeat(n)];
    for (const make of shapes) {
      const time = (n: number) => {
        const text = make(n);
        let best = Infinity;
        for (let i = 0; i < 3; i++) {
          const t = performance.now();
          maskSecrets(text);
          best = Math.min(best, performance.now() - t);
        }
        return Math.max(best, 0.05);
      };
      expect(time(20_000) / time(2_000)).toBeLessThan(40);
    }
  });
});

describe('share links', () => {
  const fields = [{ id: 'request' }, { id: 'method' }, { id: 'privateKey', secret: true }, { id: 'secretKey' }, { id: 'record', secret: true }, { id: 'pin' }, { id: 'session' }, { id: 'apiKey' }];

  it('carries only fields not marked secret and not named like a credential', () => {
    expect(shareableFields(fields).map((f) => f.id)).toEqual(['request', 'method']);
    const hash = shareHash('hostdime-verify', 'hostdime-verify', fields, { request: 'a=1&api_hash=ff00', method: 'domain.list', privateKey: 'fazbaz', secretKey: 'sk1', record: 'rec', pin: '482915', session: 'sess', apiKey: 'ak' })!;
    expect(hash.startsWith('#hostdime-verify&r=')).toBe(true);
    expect(decode(hash)).toEqual({ f: 'hostdime-verify', v: { request: `a=1&api_hash=${REMOVED}`, method: 'domain.list' } });
    for (const s of ['fazbaz', 'sk1', 'rec', '482915', 'sess', 'ak', 'ff00']) expect(decodeURIComponent(hash)).not.toContain(s);
  });

  it('round trips through parseHash', () => {
    const hash = shareHash('whm-verify', 'whm-verify', [{ id: 'request' }, { id: 'clientIp' }], { request: 'GET /json-api/x HTTP/1.1\nHost: h', clientIp: '203.0.113.7' })!;
    const p = parseHash(hash)!;
    expect(p.view).toBe('whm-verify');
    expect(p.shared?.form).toBe('whm-verify');
    expect(Object.fromEntries(p.shared!.values)).toEqual({ request: 'GET /json-api/x HTTP/1.1\nHost: h', clientIp: '203.0.113.7' });
  });

  it(`refuses to make a link over ${SHARE_MAX} characters`, () => {
    expect(shareHash('hostdime-verify', 'hostdime-verify', [{ id: 'request' }], { request: 'a=1&'.repeat(3000) })).toBeNull();
    expect(shareHash('hostdime-verify', 'hostdime-verify', [{ id: 'request' }], { request: 'x'.repeat(1_000_000) })).toBeNull();
  });

  it('reads the view alone, and ignores anything else', () => {
    expect(parseHash('#hostbill-verify')).toEqual({ view: 'hostbill-verify' });
    expect(parseHash('#hostdime-sign')).toEqual({ view: 'hostdime-sign' });
    for (const h of ['', '#', '#nonsense', '#hostbill', '#hostbill-delete', '#-verify', '#HOSTBILL-VERIFY', `#${'a'.repeat(100)}-verify`]) expect(parseHash(h)).toBeNull();
  });

  it('hostile payloads: invalid base64, not JSON, wrong shapes, huge, __proto__: the view only, no throw, no pollution', () => {
    for (const r of ['!!!', 'a', b64('not json'), b64('[1,2]'), b64('null'), b64('{"f":1,"v":{}}'), b64('{"f":"x","v":[1]}'), b64('{"f":"x"}'), '%ZZ']) {
      expect(parseHash(`#hostdime-verify&r=${r}`)).toEqual({ view: 'hostdime-verify' });
    }
    expect(parseHash(`#hostdime-verify&r=${b64(JSON.stringify({ f: 'hostdime-verify', v: { request: 'x'.repeat(SHARE_MAX) } }))}`)).toEqual({ view: 'hostdime-verify' });
    const evil = parseHash(`#hostdime-verify&r=${b64('{"f":"__proto__","v":{"__proto__":{"polluted":"yes"},"constructor":"c","prototype":"p","request":"ok","n":5}}')}`)!;
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(evil.shared!.values.get('request')).toBe('ok');
    expect(evil.shared!.values.get('constructor')).toBe('c');
    expect(evil.shared!.values.has('__proto__')).toBe(false); // not a string value
    expect(evil.shared!.values.has('n')).toBe(false);
    const many = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`k${i}`, 'v']));
    expect(parseHash(`#hostdime-verify&r=${b64(JSON.stringify({ f: 'x', v: many }))}`)!.shared!.values.size).toBeLessThanOrEqual(32);
  });

  it('a field value named __proto__ is carried as data, not as a prototype', () => {
    const values = JSON.parse('{"__proto__":"x","request":"a=1"}') as Record<string, string>;
    const hash = shareHash('hostkey-verify', 'hostkey-verify', [{ id: '__proto__' }, { id: 'request' }], values)!;
    expect(decode(hash).v).toEqual(JSON.parse('{"__proto__":"x","request":"a=1"}'));
  });
});
