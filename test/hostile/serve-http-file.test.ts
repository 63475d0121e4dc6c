// Attack class: the `.http` / curl -v / proxy-dump file that `hostsig diagnose|verify --request`
// parses (src/cli/http.ts). Such files come from bug reports and proxies: parsing must be linear
// in their size (the body's trailing-newline trim was `/(\r?\n)+$/`, quadratic: 100k newlines
// then a byte took 35 s), and a request with two Authorization headers is refused, naming the
// header, instead of one of them being kept silently.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/cli/args.js';
import { parseHttpRequest } from '../../src/cli/http.js';
import { ensureBuilt, hostsig } from '../cli/run.js';

/** Best of `runs` timings of one parse, in ms (an InputError is an answer too). */
function time(text: string, runs = 3): number {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    try {
      parseHttpRequest(text);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
    }
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

/** Each shape at size n: the hostile inputs named in issue 13 and the ones that broke. */
const SHAPES: [string, (n: number) => string][] = [
  ['spaces', (n) => ' '.repeat(n)],
  ['colons', (n) => ':'.repeat(n)],
  ['colons after a request line', (n) => `GET / HTTP/1.1\r\n${':'.repeat(n)}`],
  ['header lines', (n) => `GET / HTTP/1.1\n${'a: b\n'.repeat(Math.floor(n / 5))}`],
  ['body of LF then a byte', (n) => `POST / HTTP/1.1\n\n${'\n'.repeat(n)}x`],
  ['body of CRLF then a byte', (n) => `POST / HTTP/1.1\r\n\r\n${'\r\n'.repeat(Math.floor(n / 2))}x`],
  ['body of CR', (n) => `POST / HTTP/1.1\n\n${'\r'.repeat(n)}\n`],
  ['request line of letters', (n) => `GET ${'a'.repeat(n)} HTTP/1.`],
  ['method of letters', (n) => 'A'.repeat(n)],
  ['curl prefix', (n) => `> GET ${'a'.repeat(n)}`],
  ['curl lines', (n) => '> GET / HTTP/1.1\n'.repeat(Math.floor(n / 17))],
  ['curl body of markers', (n) => `> POST / HTTP/1.1\n>\n${'* \n'.repeat(Math.floor(n / 3))}`],
  ['absolute URL scheme', (n) => `GET a${'+'.repeat(n)} HTTP/1.1`],
  ['comments', (n) => '#\n'.repeat(Math.floor(n / 2))],
];

describe('.http parser: linear time on hostile files', () => {
  it.each(SHAPES)('%s: 10x the input takes < 40x the time (best of 3)', (_name, make) => {
    const n = 3000;
    time(make(n)); // warm up
    const small = time(make(n));
    const large = time(make(10 * n));
    expect(large).toBeLessThan(40 * Math.max(small, 0.5));
  });

  it('1 MB of spaces, 1 MB of colons, 100k header lines, 50k newlines then a byte in a body: each answered', () => {
    // (The newlines took 9 s before; 1 MB of them would have taken hours.)
    for (const text of [' '.repeat(1 << 20), ':'.repeat(1 << 20), `GET / HTTP/1.1\n${'a: b\n'.repeat(100_000)}`, `POST / HTTP/1.1\n\n${'\n'.repeat(50_000)}x`]) {
      expect(time(text, 1)).toBeLessThan(5000); // seconds if quadratic; milliseconds now
    }
    const r = parseHttpRequest(`POST / HTTP/1.1\n\n${'\n'.repeat(1 << 20)}x\n\n`);
    expect(r.body === `${'\n'.repeat(1 << 20)}x`).toBe(true); // (no diff of 1 MB on failure)
    expect(parseHttpRequest('POST / HTTP/1.1\n\nx\r\r\n').body).toBe('x\r'); // what /(\r?\n)+$/ left
  });

  it('any text: a request or an InputError, nothing else', () => {
    const piece = fc.constantFrom('GET / HTTP/1.1', 'POST /v1/x.json HTTP/1.1', '> GET / HTTP/1.1', '>', '* x', '< HTTP/1.1 200', 'Authorization: whm a:b', 'Content-Length: 3', 'Content-Length: 99999999999999999999', ':', 'a:', '#c', '//c', '', ' ', '\r', '\uFEFF', 'https://h/a?b#c', 'x=1&y=2');
    const text = fc.array(fc.oneof(piece, fc.string({ maxLength: 10 })), { maxLength: 12 }).chain((ps) => fc.constantFrom('\n', '\r\n').map((nl) => ps.join(nl)));
    fc.assert(
      fc.property(text, (t) => {
        try {
          const r = parseHttpRequest(t);
          expect(typeof r.body).toBe('string');
        } catch (e) {
          expect(e).toBeInstanceOf(InputError);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('.http parser: one Authorization, one Content-Length', () => {
  it.each([
    ['Authorization: whm root:A\nAuthorization: whm root:B', 'Authorization'],
    ['authorization: whm root:A\nAUTHORIZATION: Bearer x', 'Authorization'],
    ['Content-Length: 3\ncontent-length: 5', 'Content-Length'],
  ])('%s: refused, naming %s', (headers, name) => {
    const text = `GET /json-api/listaccts HTTP/1.1\n${headers}\n\nabcde`;
    expect(() => parseHttpRequest(text)).toThrow(InputError);
    expect(() => parseHttpRequest(text)).toThrow(new RegExp(`duplicated header "${name}"`));
  });

  it('the same in curl -v form', () => {
    expect(() => parseHttpRequest('* Connected\n> GET / HTTP/1.1\n> Authorization: whm a:b\n> Authorization: whm c:d\n>\n')).toThrow(/duplicated header "Authorization"/);
  });

  it('any casing, anywhere among other headers: refused', () => {
    const casing = fc.constantFrom('Authorization', 'authorization', 'AUTHORIZATION', 'AuThOrIzAtIoN');
    const other = fc.constantFrom('Host: h', 'Accept: */*', 'X-A: 1', 'Content-Type: text/plain');
    fc.assert(
      fc.property(fc.array(other, { maxLength: 4 }), casing, fc.array(other, { maxLength: 4 }), casing, fc.array(other, { maxLength: 4 }), (a, c1, b, c2, d) => {
        const text = `GET / HTTP/1.1\n${[...a, `${c1}: whm a:b`, ...b, `${c2}: whm c:d`, ...d].join('\n')}\n\n`;
        expect(() => parseHttpRequest(text)).toThrow(/duplicated header "Authorization"/);
      }),
    );
  });

  it('hostsig diagnose whm --request with two Authorization headers: exit 3, the header named', () => {
    ensureBuilt();
    const dir = mkdtempSync(join(tmpdir(), 'hostsig-http-'));
    const file = join(dir, 'dup.http');
    writeFileSync(file, 'GET /json-api/listaccts HTTP/1.1\nAuthorization: whm root:AAAA\nAuthorization: whm root:BBBB\n\n');
    const tokens = join(dir, 'tokens.json');
    writeFileSync(tokens, JSON.stringify({ root: [{ name: 'ci', token: 'U7HMR63FGY292DQZ4H5BFH16JLYMO01M' }] }));
    const r = hostsig(['diagnose', 'whm', '--request', file, '--tokens', tokens]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('duplicated header "Authorization"');
  });
});


describe('.http parser: header count', () => {
  it('refuses more than 2000 header lines (Node keeps no more), and reads 2000', () => {
    const req = (n: number) => `GET / HTTP/1.1\n${'X-A: b\n'.repeat(n)}\n`;
    expect(parseHttpRequest(req(2000)).headers).toHaveLength(2000);
    expect(() => parseHttpRequest(req(2001))).toThrow(/more than 2000 header lines/);
  });
});
