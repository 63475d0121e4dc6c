import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HostsigError } from '../../src/core/errors.js';
import { formatWhmAccessHashAuthorization, formatWhmAuthorization, parseWhmAuthorization } from '../../src/schemes/whm/index.js';
import { expectNoSecret } from '../helpers/secrets.js';

// The token from cPanel's documentation.
const DOC_TOKEN = 'U7HMR63FGY292DQZ4H5BFH16JLYMO01M';

function codeOf(header: unknown): string {
  try {
    parseWhmAuthorization(header);
    return 'ok';
  } catch (e) {
    expect(e).toBeInstanceOf(HostsigError);
    return (e as HostsigError).code;
  }
}

describe('parseWhmAuthorization', () => {
  it('parses the documented forms', () => {
    expect(parseWhmAuthorization(`whm root:${DOC_TOKEN}`)).toEqual({ scheme: 'whm', user: 'root', kind: 'token', credential: DOC_TOKEN });
    expect(parseWhmAuthorization(`cpanel bob:${DOC_TOKEN}`)).toEqual({ scheme: 'cpanel', user: 'bob', kind: 'token', credential: DOC_TOKEN });
    for (const w of ['WHM', 'Whm', 'wHm', 'CPANEL', 'cPanel']) expect(parseWhmAuthorization(`${w} root:${DOC_TOKEN}`).scheme).toBe(w.toLowerCase());
  });

  it('recognizes a legacy access hash only under whm', () => {
    const hash = 'a1b2c3d4'.repeat(120);
    expect(parseWhmAuthorization(`WHM root:${hash}`)).toMatchObject({ scheme: 'whm', kind: 'accesshash', credential: hash });
    expect(codeOf(`cpanel root:${hash}`)).toBe('TOKEN_INVALID');
  });

  it('splits at the first colon', () => {
    expect(codeOf(`whm root:${DOC_TOKEN}:x`)).toBe('TOKEN_INVALID');
    expect(codeOf(`whm ro:ot:${DOC_TOKEN}`)).toBe('TOKEN_INVALID');
  });

  it('trims optional whitespace around the value only', () => {
    expect(parseWhmAuthorization(` \twhm root:${DOC_TOKEN}\t `).user).toBe('root');
  });

  const hostile: [string, unknown, string][] = [
    ['missing', undefined, 'AUTH_HEADER_MALFORMED'],
    ['null', null, 'AUTH_HEADER_MALFORMED'],
    ['array of headers', [`whm root:${DOC_TOKEN}`], 'AUTH_HEADER_MALFORMED'],
    ['empty', '', 'AUTH_HEADER_MALFORMED'],
    ['scheme only', 'whm', 'AUTH_HEADER_MALFORMED'],
    ['basic', 'Basic cm9vdDpwYXNz', 'AUTH_SCHEME_UNSUPPORTED'],
    ['bearer', `Bearer ${DOC_TOKEN}`, 'AUTH_SCHEME_UNSUPPORTED'],
    ['bare other word', 'Negotiate', 'AUTH_SCHEME_UNSUPPORTED'],
    ['whm-ish', `whmx root:${DOC_TOKEN}`, 'AUTH_SCHEME_UNSUPPORTED'],
    ['no colon', `whm root${DOC_TOKEN}`, 'AUTH_HEADER_MALFORMED'],
    ['empty user', `whm :${DOC_TOKEN}`, 'AUTH_HEADER_MALFORMED'],
    ['empty token', 'whm root:', 'AUTH_HEADER_MALFORMED'],
    ['uppercase user', `whm Root:${DOC_TOKEN}`, 'AUTH_HEADER_MALFORMED'],
    ['user with @', `whm a@b:${DOC_TOKEN}`, 'AUTH_HEADER_MALFORMED'],
    ['user too long', `whm ${'a'.repeat(33)}:${DOC_TOKEN}`, 'AUTH_HEADER_MALFORMED'],
    ['two spaces', `whm  root:${DOC_TOKEN}`, 'AUTH_HEADER_MALFORMED'],
    ['tab separator', `whm\troot:${DOC_TOKEN}`, 'AUTH_HEADER_MALFORMED'],
    ['space after colon', `whm root: ${DOC_TOKEN}`, 'AUTH_HEADER_MALFORMED'],
    ['space before colon', `whm root :${DOC_TOKEN}`, 'AUTH_HEADER_MALFORMED'],
    ['CRLF inside', `whm root:${DOC_TOKEN}\r\nX-Evil: 1`, 'AUTH_HEADER_MALFORMED'],
    ['NUL inside', `whm root:${DOC_TOKEN.slice(0, 16)}\0${DOC_TOKEN.slice(16)}`, 'AUTH_HEADER_MALFORMED'],
    ['non-ASCII', `whm root:${DOC_TOKEN.slice(0, 31)}É`, 'AUTH_HEADER_MALFORMED'],
    ['lowercase token', `whm root:${DOC_TOKEN.toLowerCase()}`, 'TOKEN_INVALID'],
    ['31 chars', `whm root:${DOC_TOKEN.slice(1)}`, 'TOKEN_INVALID'],
    ['33 chars', `whm root:${DOC_TOKEN}A`, 'TOKEN_INVALID'],
    ['huge', `whm root:${'A'.repeat(100_000)}`, 'AUTH_HEADER_MALFORMED'],
  ];
  it.each(hostile)('refuses %s', (_name, header, code) => {
    expect(codeOf(header)).toBe(code);
  });

  it('never echoes the credential in an error', () => {
    const secret = 'SECRETSECRETSECRETSECRETSECRET12';
    for (const h of [`whm root:${secret}x`, `whm  root:${secret}`, `Bearer ${secret}`, `whm Root:${secret}`, `whm root:${secret.toLowerCase()}`]) {
      try {
        parseWhmAuthorization(h);
        expect.unreachable();
      } catch (e) {
        expectNoSecret(e, [secret, secret.toLowerCase()]);
      }
    }
  });

  it('arbitrary strings only ever produce HostsigError', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string().map((s) => `whm ${s}`), fc.string().map((s) => `cpanel root:${s}`)), (s) => {
        try {
          parseWhmAuthorization(s);
        } catch (e) {
          expect(e).toBeInstanceOf(HostsigError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('formatWhmAuthorization', () => {
  it('formats the documented header', () => {
    expect(formatWhmAuthorization({ user: 'root', token: DOC_TOKEN })).toBe(`whm root:${DOC_TOKEN}`);
    expect(formatWhmAuthorization({ scheme: 'cpanel', user: 'bob', token: DOC_TOKEN })).toBe(`cpanel bob:${DOC_TOKEN}`);
  });

  it('round-trips arbitrary users and tokens', () => {
    const user = fc.tuple(fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz_'), fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789_.-'), maxLength: 31 })).map(([a, b]) => a + b);
    const token = fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'), minLength: 32, maxLength: 32 });
    fc.assert(
      fc.property(fc.constantFrom('whm' as const, 'cpanel' as const), user, token, (scheme, u, t) => {
        const h = formatWhmAuthorization({ scheme, user: u, token: t });
        expect(parseWhmAuthorization(h)).toEqual({ scheme, user: u, kind: 'token', credential: t });
      }),
    );
  });

  it('refuses bad input without echoing the token', () => {
    const bad = 'not-a-token-but-a-secret-123456';
    try {
      formatWhmAuthorization({ user: 'root', token: bad });
      expect.unreachable();
    } catch (e) {
      expect((e as HostsigError).code).toBe('INVALID_ARGUMENT');
      expectNoSecret(e, [bad]);
    }
    expect(() => formatWhmAuthorization({ user: 'ro ot', token: DOC_TOKEN })).toThrow(HostsigError);
    expect(() => formatWhmAuthorization({ scheme: 'basic' as 'whm', user: 'root', token: DOC_TOKEN })).toThrow(HostsigError);
  });

  it('strips CR and LF from a legacy access hash', () => {
    const lines = ['0123456789abcdef'.repeat(2), 'FEDCBA9876543210'.repeat(2), 'aaaa'.repeat(8)];
    const h = formatWhmAccessHashAuthorization('root', `${lines.join('\r\n')}\n`);
    expect(h).toBe(`WHM root:${lines.join('')}`);
    expect(parseWhmAuthorization(h)).toMatchObject({ kind: 'accesshash', credential: lines.join('') });
  });
});
