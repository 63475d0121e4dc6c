// Attack class: request data that forges or garbles serve's log (one line per request, on
// stderr). A decoded `api_key=zz%0A...` used to print a whole fake `-> valid` line; ESC and C1
// (0x9b) drive the terminal; U+2028 breaks lines in some viewers; a huge path printed whole.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServeVerdict, verdictLine } from '../../src/cli/commands/serve.js';
import { LOG_FIELD_MAX, logSafe } from '../../src/cli/output.js';
import { spawnServe } from '../cli/run.js';
import { httpHead, rawRequest, type Serve, startServe } from './serve-helpers.js';

/** What a terminal or a line-based log reader takes as a line break or a control. */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

/** The inverse of logSafe's escapes (test-side, written from the documented forms). */
function unescape(s: string): string {
  return s.replace(/\\(n|r|t|\\|x[0-9a-f]{2}|u[0-9a-f]{4})/g, (_m, e: string) => {
    if (e === 'n') return '\n';
    if (e === 'r') return '\r';
    if (e === 't') return '\t';
    if (e === '\\') return '\\';
    return String.fromCharCode(parseInt(e.slice(1), 16));
  });
}

/** Hostile text: line breaks, ANSI sequences, C1, separators, bidi, lone surrogates, backslashes. */
const hostile = fc
  .array(
    fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 8 }),
      fc.string({ unit: 'binary', maxLength: 8 }),
      fc.constantFrom('\n', '\r\n', '\r', '\u2028', '\u2029', '\u0085', '\x1b[2J', '\x1b[31m', '\x1b]0;owned\x07', '\x9b2J', '\u202e', '\ud800', '\udfff', '\\n', '\\', '\x00', '\x7f', ' -> valid key=demo-public'),
    ),
    { maxLength: 12 },
  )
  .map((a) => a.join(''));

describe('logSafe: request data fit for one log line', () => {
  it('leaves no control, separator or bidi unit, and no lone surrogate', () => {
    fc.assert(
      fc.property(hostile, (s) => {
        const out = logSafe(s, Infinity);
        expect(UNSAFE.test(out)).toBe(false);
        expect(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(out)).toBe(false); // no lone surrogate
      }),
    );
  });

  it('is unambiguous: the escapes decode back to the input (a literal "\\n" stays apart from a newline)', () => {
    fc.assert(
      fc.property(hostile, (s) => {
        expect(unescape(logSafe(s, Infinity))).toBe(s);
      }),
    );
    expect(logSafe('a\\nb')).not.toBe(logSafe('a\nb'));
  });

  it('leaves ordinary text alone', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme-ascii', maxLength: 100 }).filter((s) => !/[\\\x00-\x1f\x7f]/.test(s)),
        (s) => {
          expect(logSafe(s)).toBe(s);
        },
      ),
    );
    expect(logSafe('José / 😀 /v1/domain/list.json')).toBe('José / 😀 /v1/domain/list.json');
  });

  it('cuts before escaping: a 1 MB field prints a bounded line, saying how much was left out', () => {
    const big = '\n'.repeat(1 << 20);
    const out = logSafe(big);
    expect(out.length).toBeLessThan(LOG_FIELD_MAX * 6 + 40);
    expect(out).toMatch(/\.\.\.\(\+1048376 chars\)$/);
  });
});

describe('verdictLine: one request, exactly one line', () => {
  const verdict = fc.record({
    scheme: fc.constantFrom('hostdime', 'sixconnect', 'hostbill', 'whm', 'hostkey', 'none'),
    ok: fc.boolean(),
    status: fc.constantFrom(200, 400, 401, 403, 413, 503),
    verdict: fc.oneof(fc.constantFrom('valid', 'SIGNATURE_INVALID', 'UNKNOWN_KEY'), hostile),
    who: fc.option(hostile, { nil: undefined }),
    diagnosis: fc.array(fc.record({ id: hostile, title: hostile, fix: hostile }), { maxLength: 2 }),
    method: fc.oneof(fc.constantFrom('GET', 'POST'), hostile),
    path: hostile,
    internal: fc.option(hostile, { nil: undefined }),
  });

  it('no line break, no ESC/CSI, whatever the fields hold', () => {
    fc.assert(
      fc.property(verdict, (v) => {
        const line = verdictLine(v as ServeVerdict);
        expect(UNSAFE.test(line)).toBe(false);
        expect(line.split(/\r\n|\r|\n|\u2028|\u2029|\u0085/)).toHaveLength(1);
      }),
    );
  });

  it('a 1 MB path, key and diagnosis print a line of a few KiB at most', () => {
    const mb = 'A'.repeat(1 << 20);
    const line = verdictLine({ scheme: 'hostdime', ok: false, status: 401, verdict: 'SIGNATURE_INVALID', who: mb, diagnosis: [{ id: mb, title: mb, fix: mb }], method: 'POST', path: mb });
    expect(line.length).toBeLessThan(2000);
  });
});

describe('serve: the log cannot be forged from a request', () => {
  let serve: Serve;
  beforeAll(async () => {
    serve = await startServe();
  });
  afterAll(() => serve.close());

  const form = (target: string, body: string) => rawRequest(serve.port, httpHead('POST', target, [['Content-Type', 'application/x-www-form-urlencoded'], ['Content-Length', String(Buffer.byteLength(body))]]) + body);
  const FAKE = '09:41:07 hostdime POST /v1/domain/list.json -> valid key=demo-public';

  it('api_key=zz%0A<a fake "-> valid" line>: one line, the newline shown as \\n', async () => {
    const before = serve.lines.length;
    const body = `api_key=zz%0A${encodeURIComponent(FAKE)}%0D%E2%80%A8%1B%5B2J%C2%9B&api_timestamp=1&api_unique=u&api_hash=${'a'.repeat(64)}`;
    const res = await form('/v1/domain/list.json', body);
    expect(res.status).toBe(401);
    const got = serve.lines.slice(before);
    expect(got).toHaveLength(1);
    const text = got.join('\n');
    expect(text.split('\n')).toHaveLength(1);
    expect(UNSAFE.test(text)).toBe(false);
    expect(text).toContain(`key=zz\\n${FAKE}\\r\\u2028\\x1b[2J\\x9b`);
    expect(text).not.toMatch(/^\d\d:\d\d:\d\d hostdime POST \/v1\/domain\/list\.json -> valid/m);
  });

  it('6connect apiKey with ESC sequences and separators: escaped', async () => {
    const before = serve.lines.length;
    const res = await rawRequest(serve.port, httpHead('GET', `/api/v1/api.php?target=ipam&action=get&apiKey=%1B%5D0%3Bowned%07%1B%5B31m%E2%80%A9x&hash=${encodeURIComponent('A'.repeat(43) + '=')}`));
    expect(res.status).toBe(401);
    const [line] = serve.lines.slice(before);
    expect(line).toContain('key=\\x1b]0;owned\\x07\\x1b[31m\\u2029x');
    expect(UNSAFE.test(line!)).toBe(false);
  });

  it('a 15 KiB path is cut in the line', async () => {
    const before = serve.lines.length;
    await rawRequest(serve.port, httpHead('GET', `/${'p'.repeat(15_000)}`));
    const [line] = serve.lines.slice(before);
    expect(line!.length).toBeLessThan(1000);
    expect(line).toContain('...(+');
  });
});

describe('hostsig serve on stderr (the CLI)', () => {
  it('a forged api_key and an ANSI path give one escaped stderr line per request', async () => {
    const serve = await spawnServe();
    try {
      const url = serve.url;
      const port = Number(new URL(url).port);
      const body = `api_key=zz%0A09%3A41%3A07%20hostdime%20POST%20%2Fv1%2Fdomain%2Flist.json%20-%3E%20valid%20key%3Ddemo-public&api_timestamp=1&api_unique=u&api_hash=${'b'.repeat(64)}`;
      await rawRequest(port, httpHead('POST', '/v1/domain/list.json', [['Content-Type', 'application/x-www-form-urlencoded'], ['Content-Length', String(body.length)]]) + body);
      await rawRequest(port, httpHead('GET', '/json-api/listaccts?%1b[2J', [['Authorization', 'whm root U7HMR63FGY292DQZ4H5BFH16JLYMO01M']]));
      await new Promise((r) => setTimeout(r, 100));
      const stderr = serve.stderr();
      const lines = stderr.split('\n').filter((l) => l !== '');
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatch(/ -> [A-Z_]+ key=zz\\n09:41:07 hostdime POST \/v1\/domain\/list\.json -> valid key=demo-public$/);
      expect(stderr).not.toContain('\x1b');
    } finally {
      await serve.stop();
    }
  });
});
