// The one pasted-request parser (src/diagnose/http.ts), as the CLI's --request and the web page
// both read it. Where the two old parsers disagreed, node:http's behaviour is the rule: the
// first of two equal headers is read, a second Authorization or Content-Length is refused, and
// a Content-Length the body holds is honoured to the byte. Pure: runs in Chromium too.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isHostsigError } from '../../src/core/errors.js';
import { headerValue, parseHttpRequest } from '../../src/diagnose/http.js';
import { analyzeWhm } from '../../src/web/analyze/index.js';
import { parsePasted } from '../../src/web/input.js';

const codeOf = (f: () => unknown): string | undefined => {
  try {
    f();
    return undefined;
  } catch (e) {
    return isHostsigError(e) ? e.code : `not a HostsigError: ${String(e)}`;
  }
};

describe('one rule for repeated headers', () => {
  const twoHosts = 'GET /json-api/listaccts HTTP/1.1\nHost: first.example\nHost: second.example\nX-A: 1\nx-a: 2\n\n';

  it('the first of two equal headers is the one read (node:http keeps the first), on both faces', () => {
    const r = parseHttpRequest(twoHosts);
    expect(r.host).toBe('first.example');
    expect(headerValue(r.headers, 'x-a')).toBe('1');
    const p = parsePasted(twoHosts);
    expect(p.host).toBe('first.example');
    expect(headerValue(p.headers, 'X-A')).toBe('1');
  });

  it('a second Authorization, under any case, is AUTH_HEADER_DUPLICATE; a second Content-Length FIELD_DUPLICATE', () => {
    expect(codeOf(() => parseHttpRequest('GET / HTTP/1.1\nAuthorization: whm root:A\nAUTHORIZATION: whm root:B\n\n'))).toBe('AUTH_HEADER_DUPLICATE');
    expect(codeOf(() => parseHttpRequest('POST / HTTP/1.1\nContent-Length: 3\ncontent-length: 5\n\nabcde'))).toBe('FIELD_DUPLICATE');
    expect(codeOf(() => parseHttpRequest('> GET / HTTP/1.1\n> Authorization: a\n> authorization: b\n>\n'))).toBe('AUTH_HEADER_DUPLICATE');
  });

  it('the page refuses the same paste, with the same code, instead of checking one of the two', async () => {
    const token = 'U7HMR63FGY292DQZ4H5BFH16JLYMO01M';
    const two = `GET /json-api/listaccts HTTP/1.1\nAuthorization: whm root:AAAA\nAuthorization: whm root:${token}\n\n`;
    expect(parsePasted(two)).toMatchObject({ kind: 'invalid', error: { code: 'AUTH_HEADER_DUPLICATE' } });
    expect(parsePasted(`Authorization: whm root:AAAA\nAuthorization: whm root:${token}`)).toMatchObject({ kind: 'invalid', error: { code: 'AUTH_HEADER_DUPLICATE' } });
    const a = await analyzeWhm({ request: two, record: token });
    expect(a.verdict).toMatchObject({ status: 'error', code: 'AUTH_HEADER_DUPLICATE' });
  });
});

describe('the body as a server reads it', () => {
  it('a Content-Length the text holds cuts it to the byte, trailing newline included', () => {
    const text = 'POST /v1/x.json HTTP/1.1\nContent-Length: 4\n\nabc\n\n';
    expect(parseHttpRequest(text).body).toBe('abc\n');
    expect(parsePasted(text).body).toBe('abc\n');
    expect(parsePasted('POST / HTTP/1.1\nContent-Length: 2\n\né€').body).toBe('é');
    // Without one (or with one longer than the text), only the trailing line ends go.
    expect(parsePasted('POST / HTTP/1.1\r\n\r\na=1\r\n\r\n').body).toBe('a=1');
    expect(parsePasted('POST / HTTP/1.1\nContent-Length: 99\n\na=1\n').body).toBe('a=1');
  });

  it('an .http file with comments before the request line is a request on the page too', () => {
    const p = parsePasted('# made by the REST client\n// another comment\nPOST /v1/domain/list.json HTTP/1.1\nHost: api.hostdime.com\n\nstatus=registered');
    expect(p).toMatchObject({ kind: 'http', method: 'POST', path: '/v1/domain/list.json', body: 'status=registered', host: 'api.hostdime.com' });
  });

  it('a line of blanks ends the headers, as an empty one does', () => {
    expect(parseHttpRequest('POST /x HTTP/1.1\nHost: h\n   \nbody').body).toBe('body');
  });
});

describe('hostile pastes', () => {
  const piece = fc.constantFrom('GET / HTTP/1.1', 'POST /v1/x.json HTTP/1.1', '> GET / HTTP/1.1', '>', '* x', '< HTTP/1.1 200', 'Authorization: whm a:b', 'authorization: x', 'Content-Length: 3', 'Content-Length: 99999999999999999999', 'Host: h', ':', 'a:', '#c', '//c', '', ' ', '\r', '\uFEFF', 'https://h/a?b#c', '/p?q', 'x=1&y=2', '\ud800');
  const text = fc.array(fc.oneof(piece, fc.string({ maxLength: 10 })), { maxLength: 12 }).chain((ps) => fc.constantFrom('\n', '\r\n').map((nl) => ps.join(nl)));

  it('any text: a request or a HostsigError from the parser; the page never throws', () => {
    fc.assert(
      fc.property(text, (t) => {
        const c = codeOf(() => parseHttpRequest(t));
        expect(c === undefined || !c.startsWith('not a HostsigError')).toBe(true);
        const p = parsePasted(t);
        if (p.kind === 'invalid') expect(typeof p.error?.code).toBe('string');
      }),
      { numRuns: 500 },
    );
  });

  it('2000 header lines are read, 2001 refused, on the page as in the CLI', () => {
    const req = (n: number) => `GET / HTTP/1.1\n${'X-A: b\n'.repeat(n)}\n`;
    expect(parsePasted(req(2000)).headers).toHaveLength(2000);
    expect(parsePasted(req(2001))).toMatchObject({ kind: 'invalid', error: { code: 'BODY_MALFORMED' } });
  });
});
