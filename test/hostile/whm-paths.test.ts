// Attack class: cPanel token paths that some server normalises into a path the token may not
// reach (double encoding, `;` path params, dot segments, encoded separators, `//`, prefixes).
// The references below are written from cpsrvd's source (Cpanel/Server/Request.pm builds the
// document, Cpanel/Server/Auth/HTTP.pm handle_cpanel_api_token matches it), from the WHATWG URL
// parser (node's URL), and from Tomcat's `;` rule; none of them calls hostsig.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cpanelPathAllowed, verifyWhmAuthorization } from '../../src/schemes/whm/index.js';

const T1 = 'U7HMR63FGY292DQZ4H5BFH16JLYMO01M';
const digest = createHash('sha256').update(T1).digest('hex');
const verifyPath = (path: string) => verifyWhmAuthorization(`cpanel bob:${T1}`, { lookup: () => [{ name: 'c', digest }], path, now: 1_700_000_000 });

/** handle_cpanel_api_token's list, on cpsrvd's document ('./x' written '/x'). */
function cpsrvdAllows(doc: string): boolean {
  return (
    doc.startsWith('/execute/') ||
    doc === '/json-api/cpanel' ||
    doc === '/websocket/MysqlDump' ||
    doc === '/cpxfer/acctxferrsync' ||
    doc === '/cpxfer/dsync' ||
    doc.startsWith('/3rdparty/wpt/index.php')
  );
}

/** hostsig's documented, stricter list: a function after /execute/, WPT only on a segment boundary. */
function ruleAllows(p: string): boolean {
  return (
    (p.startsWith('/execute/') && p.length > '/execute/'.length) ||
    ['/json-api/cpanel', '/websocket/MysqlDump', '/cpxfer/acctxferrsync', '/cpxfer/dsync', '/3rdparty/wpt/index.php'].includes(p) ||
    p.startsWith('/3rdparty/wpt/index.php/')
  );
}

const cut = (raw: string) => raw.split(/[?#]/, 1)[0]!;
const decodeOnce = (s: string) => s.replace(/%([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));

/** Resolves dot segments the way RFC 3986 / cpsrvd do, on an already decoded path. */
function foldSegments(decoded: string): string {
  const segs = decoded.replace(/^\/+/, '').split('/');
  const abs: string[] = [];
  segs.forEach((s, i) => {
    if (s === '') {
      if (i === segs.length - 1) abs.push(s);
    } else if (s === '..') abs.pop();
    else if (s !== '.') abs.push(s);
  });
  return `/${abs.join('/')}`;
}

/** cpsrvd's document: cut the query, decode once, refuse CR/LF/NUL, fold, strip /cpsess…/. */
function cpsrvdDocument(raw: string): string | null {
  const decoded = decodeOnce(cut(raw));
  if (/[\r\n\0]/.test(decoded)) return null;
  const doc = foldSegments(decoded);
  const m = /^\/(cpsess[A-Za-z0-9_]*)(\/|$)/.exec(doc);
  return m ? `/${doc.slice(m[0].length)}` : doc;
}

/** The other ways a server behind hostsig may read the same raw path. */
const interpretations: Record<string, (raw: string) => string | null> = {
  cpsrvd: cpsrvdDocument,
  whatwg: (raw) => decodeOnce(new URL(cut(raw), 'https://h').pathname),
  'whatwg after decode': (raw) => decodeOnce(new URL(decodeOnce(cut(raw)).replace(/[?#]/g, '_'), 'https://h').pathname),
  'decode twice': (raw) => foldSegments(decodeOnce(decodeOnce(cut(raw)))),
  'tomcat ;': (raw) => foldSegments(decodeOnce(cut(raw)).replace(/;[^/]*/g, '')),
  'backslash is slash': (raw) => foldSegments(decodeOnce(cut(raw)).replace(/\\/g, '/')),
};

describe('cPanel token paths: hostile input', () => {
  it('refuses the bypasses from issue 13', async () => {
    for (const p of ['/execute/%252e%252e/json-api/listaccts', '/execute/..;/json-api/listaccts', '/json-api/cpanel/x', '/json-api/cpanelx']) {
      expect(cpanelPathAllowed(p), p).toBe(false);
      expect(await verifyPath(p), p).toMatchObject({ ok: false, status: 403, code: 'PATH_NOT_ALLOWED' });
    }
  });

  it('refuses encoded dots, separators, overlong UTF-8, NUL and controls', () => {
    const bad = [
      '/execute/%2e%2e/json-api/listaccts',
      '/execute/%2E%2E/json-api/listaccts',
      '/execute/%2e/../json-api/listaccts',
      '/execute/.%2E/json-api/listaccts',
      '/execute%2f..%2fjson-api/listaccts',
      '/execute/Email%2Flist_pops',
      '/execute/..%5cjson-api/listaccts',
      '/execute/Email%5clist_pops',
      '/execute/%c0%ae%c0%ae/json-api/listaccts',
      '/execute/%c0%af',
      '/execute/Email/list_pops%00',
      '/execute/Email/list_pops%00.json',
      '/execute/Email/%0d%0aX-Injected:1',
      '/execute/Email/list pops',
      '/execute/Email/list%20pops',
      '/execute/Email/list_pops%7f',
      '/execute/Email/%e2%80%a5',
      '/execute/Email/\u2025',
      '/execute/\uff0e\uff0e/json-api/listaccts',
      '/execute/Email/list_pops%',
      '/execute/Email/list_pops%2',
      '/execute/Email/list_pops%zz',
      '/execute/Email/list_pops%25',
      '/execute/Email/list_pops%2541',
      '/execute/Email/list_pops;jsessionid=1',
      '/execute/Email/list_pops%3b',
      '/execute/Email/list_pops%3f/x',
      '/execute/Email/list_pops%23',
      '/execute/.../json-api/listaccts',
      '/execute/a/..',
      '/execute/a/.',
    ];
    for (const p of bad) expect(cpanelPathAllowed(p), p).toBe(false);
  });

  it('allows every path on cpsrvd\'s list, decoded once', () => {
    for (const p of [
      '/execute/Email/list_pops',
      '/execute/Email/list_pops/',
      '/execute/%45mail/list_pops',
      '/json-api/cpanel',
      '/json-api/cpanel?cpanel_jsonapi_module=Email&cpanel_jsonapi_func=listpops',
      '/websocket/MysqlDump',
      '/websocket/MysqlDump?dbname=bob_wp',
      '/cpxfer/acctxferrsync',
      '/cpxfer/dsync',
      '/3rdparty/wpt/index.php',
      '/3rdparty/wpt/index.php?action=x',
      '/3rdparty/wpt/index.php/v1/installations',
    ])
      expect(cpanelPathAllowed(p), p).toBe(true);
  });

  it('refuses neighbours of the exact paths, case changes, WHM-only websockets and the session prefix', async () => {
    for (const p of [
      '/json-api/cpanel/',
      '/json-api/cpanel/x',
      '/json-api/cpanelx',
      '/json-api/CPANEL',
      '/websocket/MysqlDump/x',
      '/websocket/MysqlDumpX',
      '/websocket/mysqldump',
      '/websocket/CommandStream',
      '/websocket/TarBackup',
      '/cpxfer/dsync/x',
      '/cpxfer/acctxferrsync2',
      '/cpxfer/',
      '/3rdparty/wpt/index.phpx',
      '/3rdparty/wpt/',
      '/3rdparty/wpt/index.php.bak',
      '/EXECUTE/Email/list_pops',
      '/execute/',
      '/execute',
      '/cpsess0123456789/execute/Email/list_pops',
      '/cpsess0123456789/json-api/cpanel',
      '/cPanel_magic_revision_1/execute/Email/list_pops',
      '/execute//Email/list_pops',
      '//execute/Email/list_pops',
      'execute/Email/list_pops',
      '',
      '?/execute/x',
    ]) {
      expect(cpanelPathAllowed(p), p).toBe(false);
      expect(await verifyPath(p), p).toMatchObject({ ok: false, code: 'PATH_NOT_ALLOWED' });
    }
  });

  it('says why a path was refused (details.reason), never with the token', async () => {
    const reasons: [string, string][] = [
      ['/execute/%252e%252e/json-api/listaccts', 'double-encoding'],
      ['/execute/..;/json-api/listaccts', 'path-parameter'],
      ['/execute/%2e%2e/json-api/listaccts', 'dot-segment'],
      ['/execute%2fx', 'encoded-separator'],
      ['/execute/%zz', 'bad-escape'],
      ['/execute//x', 'empty-segment'],
      ['/execute/%00', 'forbidden-character'],
      ['/json-api/cpanel/x', 'not-allowed'],
    ];
    for (const [p, reason] of reasons) {
      const r = await verifyPath(p);
      expect(r, p).toMatchObject({ ok: false, status: 403, code: 'PATH_NOT_ALLOWED', details: { tokenName: 'c', reason } });
      expect(JSON.stringify(r)).not.toContain(T1);
    }
  });

  // Segments that matter to one normaliser or another, and the names on the allowed list.
  const segment = fc.oneof(
    fc.constantFrom('.', '..', '...', '%2e', '%2E%2e', '.%2e', '%252e', '%252e%252e', '%25', '%2525', ';', '..;', 'x;y', ';a=b', '', '\\', '..\\', '%5c', '%5C', '%2f', '%2F'),
    fc.constantFrom('%00', '%0a', '%c0%ae', '%e2%80%a5', 'é', '\u2025', '\uff0e', ' ', '%20', '?', '#', '%3f', '%23', '%', '%2', '%g0', 'cpsess123', 'cPanel_magic_revision_1'),
    fc.constantFrom('execute', 'EXECUTE', '%65xecute', 'json-api', 'cpanel', 'cpanelx', 'Email', 'list_pops', 'websocket', 'MysqlDump', 'CommandStream', 'cpxfer', 'dsync', 'acctxferrsync', '3rdparty', 'wpt', 'index.php', 'index%2ephp', 'v1'),
    fc.string({ maxLength: 4 }),
    fc.string({ unit: 'grapheme', maxLength: 3 }),
  );
  const start = fc.constantFrom('', '/execute/', '/execute/Email/', '/json-api/cpanel', '/websocket/MysqlDump', '/cpxfer/dsync', '/3rdparty/wpt/index.php', '/cpsess1/', '/');
  const rawPath = fc.tuple(start, fc.array(segment, { maxLength: 6 }), fc.constantFrom('', '/', '?a=1', '#f', '?x=/../')).map(([s, segs, tail]) => (s === '' ? '/' : s) + segs.join('/') + tail);

  it('property: never throws, and an allowed path lands on the list under every normaliser', () => {
    fc.assert(
      fc.property(rawPath, (raw) => {
        const allowed = cpanelPathAllowed(raw);
        if (!allowed) return;
        const doc = cpsrvdDocument(raw);
        expect(doc !== null && cpsrvdAllows(doc), `cpsrvd: ${raw} -> ${doc}`).toBe(true);
        for (const [name, read] of Object.entries(interpretations)) {
          const p = read(raw);
          expect(p !== null && ruleAllows(p), `${name}: ${raw} -> ${p}`).toBe(true);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('property: a plain path on the list is allowed, and its encoded twin too', () => {
    const name = fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/).filter((s) => !/^\.+$/.test(s));
    fc.assert(
      fc.property(fc.array(name, { minLength: 1, maxLength: 4 }), (segs) => {
        const p = `/execute/${segs.join('/')}`;
        expect(cpanelPathAllowed(p)).toBe(true);
        const encoded = p.replace(/[A-Za-z]/g, (c) => `%${c.charCodeAt(0).toString(16)}`);
        expect(cpanelPathAllowed(encoded)).toBe(true);
      }),
    );
  });

  // Any UTF-16 code unit, lone surrogates included (cheaper to set up than unit: 'binary').
  const utf16 = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));

  it('property: arbitrary strings and non-strings only ever return a boolean', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: utf16, maxLength: 64 }), fc.constantFrom(null, undefined, 0, {}, [], ['/execute/x'])), fc.array(fc.string({ maxLength: 8 }), { maxLength: 3 }), (p, extra) => {
        expect(typeof cpanelPathAllowed(p as string, extra)).toBe('boolean');
      }),
    );
    for (const extra of [null, 'x', [null, 1, '']]) expect(cpanelPathAllowed('/execute/x', extra as unknown as string[])).toBe(true);
  });

  it('extra prefixes are matched against the decoded, normal path', () => {
    expect(cpanelPathAllowed('/api/x', ['/api'])).toBe(true);
    expect(cpanelPathAllowed('/%61pi/x', ['/api'])).toBe(true);
    expect(cpanelPathAllowed('/api/../json-api/listaccts', ['/api'])).toBe(false);
    expect(cpanelPathAllowed('/api/%252e%252e/json-api/listaccts', ['/api'])).toBe(false);
    expect(cpanelPathAllowed('/apix', ['/api'])).toBe(false);
  });

  it('runs in linear time on 1 MB paths of /, ., %, %25', () => {
    const MB = 1 << 20;
    const shapes: [string, (n: number) => string, boolean][] = [
      ['slashes', (n) => `/execute/${'/'.repeat(n)}`, false],
      ['a/ segments', (n) => `/execute/${'a/'.repeat(n / 2)}`, true],
      ['dots', (n) => `/execute/${'.'.repeat(n)}`, false],
      ['dot segments', (n) => `/execute/${'a/./'.repeat(n / 4)}`, false],
      ['percents', (n) => `/execute/${'%'.repeat(n)}`, false],
      ['%25', (n) => `/execute/a${'%25'.repeat(n / 3)}`, false],
      ['%41', (n) => `/execute/a${'%41'.repeat(n / 3)}`, true],
      ['%2e', (n) => `/execute/a/${'%2e'.repeat(n / 3)}`, false],
      ['escaped dots then a letter', (n) => `/execute/${'%2e'.repeat(n / 3)}x`, true],
    ];
    const best = (s: string) => {
      let t = Infinity;
      for (let k = 0; k < 3; k++) {
        const t0 = performance.now();
        cpanelPathAllowed(s);
        t = Math.min(t, performance.now() - t0);
      }
      return t;
    };
    for (const [name, make, expected] of shapes) {
      const big = make(MB);
      const small = make(MB / 10);
      expect(cpanelPathAllowed(big), name).toBe(expected);
      // A GC pause on a loaded machine can spoil one measurement: keep the best of three.
      let ratio = Infinity;
      for (let attempt = 0; attempt < 3 && ratio >= 40; attempt++) ratio = Math.min(ratio, best(big) / Math.max(best(small), 0.05));
      expect(ratio, `${name}: 10x input took ${ratio.toFixed(1)}x time`).toBeLessThan(40);
    }
  });
});
