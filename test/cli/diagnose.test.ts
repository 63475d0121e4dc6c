// Each diagnose mistake is reproduced from a hash made the wrong way by an independent tool
// (php-cli, or node:crypto over strings written by hand here), never by hostsig.
import { createHash, createHmac } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { HOSTDIME_PHP_CASES, phpClientCases } from '../diagnose/cases.js';
import { phpAvailable } from '../helpers/php.js';
import { ensureBuilt, hostsig, json } from './run.js';

beforeAll(() => ensureBuilt());

const PREFIX = '1369758680:ABCDEF:fazbaz:utility.echo:';
const API = 'api_key=foobar&api_timestamp=1369758680&api_unique=ABCDEF';
const sha = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

function diagnoseHostDime(params: string, hash: string) {
  const r = hostsig(['diagnose', '--path', '/v1/utility/echo.json', '--body', `${params}${params ? '&' : ''}${API}&api_hash=${hash}`, '--private-key', 'fazbaz', '--json']);
  return { code: r.code, rep: json(r) };
}

function ids(rep: { diagnosis?: { id: string }[] }): string[] {
  return (rep.diagnosis ?? []).map((m) => m.id);
}

/** PHP computes api_hash from the PHP expression that yields the JSON part. */
function php(expr: string): string {
  return execFileSync('php', ['-r', `echo hash('sha256', '${PREFIX}' . ${expr});`], { encoding: 'utf8' });
}

describe('diagnose hostdime (node:crypto, strings by hand)', () => {
  it('names the JS dialect: JSON.stringify twice', () => {
    const h = sha(PREFIX + JSON.stringify(JSON.stringify({ url: 'http://example.com/a', foo: ['1', '2'] })));
    const { code, rep } = diagnoseHostDime('url=http%3A%2F%2Fexample.com%2Fa&foo%5B0%5D=1&foo%5B1%5D=2', h);
    expect(code).toBe(0);
    expect(ids(rep)).toEqual(['js-dialect']);
    expect(rep.diagnosis[0].fix).toMatch(/json_encode/);
  });

  it("names Python's json.dumps separators", () => {
    const h = sha(`${PREFIX}"{\\"status\\": \\"registered\\", \\"order\\": \\"desc\\"}"`);
    const { rep } = diagnoseHostDime('status=registered&order=desc', h);
    expect(ids(rep)).toEqual(['python-separators']);
  });

  it('names an uppercase hex digest', () => {
    const h = sha(`${PREFIX}"{\\"status\\":\\"registered\\"}"`).toUpperCase();
    expect(ids(diagnoseHostDime('status=registered', h).rep)).toEqual(['hash-uppercase']);
  });

  it('says so when the hash is correct, and exits 1 when nothing reproduces it', () => {
    const good = diagnoseHostDime('status=registered', sha(`${PREFIX}"{\\"status\\":\\"registered\\"}"`));
    expect(good.rep.result).toBe('valid');
    expect(good.code).toBe(0);
    const none = diagnoseHostDime('status=registered', sha('something else entirely'));
    expect(none.rep.result).toBe('invalid');
    expect(none.rep.diagnosis).toEqual([]);
    expect(none.code).toBe(1);
  });
});

describe.skipIf(!phpAvailable())('diagnose hostdime (hashes made by php-cli)', () => {
  const cases = HOSTDIME_PHP_CASES;
  it.each(cases)('names %s', (id, body, expr) => {
    const { code, rep } = diagnoseHostDime(body, php(expr));
    expect(code).toBe(0);
    expect(ids(rep)[0]).toBe(id);
  });
});

describe.skipIf(!phpAvailable())('diagnose hostdime: the official clients\' bugs (requests made by php-cli running the clients\' logic)', () => {
  const cases = phpAvailable() ? phpClientCases() : [];
  it.each(cases.filter((c) => c.ids.length > 0).map((c) => [c.name, c] as const))('%s', (_, c) => {
    const r = hostsig(['diagnose', '--path', '/v1/utility/echo.json', '--body', c.body, '--private-key', 'fazbaz', '--json']);
    expect(r.code).toBe(0);
    expect(ids(json(r))).toEqual(c.ids);
  });

  it('prints the finding and its fix: guzzle3-false', () => {
    const c = cases.find((x) => x.ids[0] === 'guzzle3-false')!;
    const r = hostsig(['diagnose', '--path', '/v1/utility/echo.json', '--body', c.body, '--private-key', 'fazbaz']);
    expect(r.stdout).toContain('guzzle3-false: false sent as a bare name');
    expect(r.stdout).toContain('reproduced by: bare names (no "=", Guzzle 3) hashed as false');
  });
});

describe('diagnose sixconnect (node:crypto HMACs over queries written by hand)', () => {
  const SECRET = '48b278ec873bda4738923dbc467f8669';
  const mac = (s: string, key: string | Buffer = SECRET) => createHmac('sha256', key).update(s).digest('base64');
  const run = (query: string) => {
    const r = hostsig(['diagnose', 'sixconnect', '--query', query, '--secret', SECRET, '--json']);
    return { code: r.code, rep: json(r) };
  };
  const K = 'apiKey=32-5DAYTJQY2TZHOFOB';

  it.each([
    ['space-encoding', `target=t&action=a&name=a+b&${K}`, `target=t&action=a&name=a%20b&${K}`],
    ['tilde', `target=t&action=a&v=x%7Ey&${K}`, `target=t&action=a&v=x~y&${K}`],
    ['rfc3986-encoding', `target=t&action=a&v=a+b%21&${K}`, `target=t&action=a&v=${encodeURIComponent('a b!')}&${K}`],
    ['query-re-encoded', `target=t&action=a&name=API+Test&${K}`, `target=t&action=a&name=API Test&${K}`],
    ['params-sorted', `target=t&action=a&b=2&${K}`, `action=a&${K}&b=2&target=t`],
  ])('names %s', (id, sent, signed) => {
    const { code, rep } = run(`${sent}&hash=${mac(signed)}`);
    expect(code).toBe(0);
    expect(ids(rep)[0]).toBe(id);
  });

  it('names hash-not-last', () => {
    const signed = `target=t&action=a&${K}&x=1`;
    expect(ids(run(`target=t&action=a&${K}&hash=${mac(signed)}&x=1`).rep)).toEqual(['hash-not-last']);
  });

  it('names secret-hex-decoded', () => {
    const q = `target=t&action=a&${K}`;
    expect(ids(run(`${q}&hash=${mac(q, Buffer.from(SECRET, 'hex'))}`).rep)).toEqual(['secret-hex-decoded']);
  });

  it('names a hex hash (hash-encoding)', () => {
    const q = `target=t&action=a&${K}`;
    expect(ids(run(`${q}&hash=${createHmac('sha256', SECRET).update(q).digest('hex')}`).rep)).toEqual(['hash-encoding']);
  });

  it('a correct hash is correct, a random one unexplained', () => {
    const q = `target=t&action=a&${K}`;
    expect(run(`${q}&hash=${mac(q)}`).rep.result).toBe('valid');
    const none = run(`${q}&hash=${mac('other')}`);
    expect(none.code).toBe(1);
    expect(none.rep.diagnosis).toEqual([]);
  });

  it('prints the diagnosis with the fix in the terminal layout', () => {
    const q = `target=t&action=a&${K}`;
    const r = hostsig(['diagnose', 'sixconnect', '--query', `${q}&hash=${mac(q, Buffer.from(SECRET, 'hex'))}`, '--secret', SECRET]);
    expect(r.stdout).toContain('secret-hex-decoded');
    expect(r.stdout).toContain('fix: Use the secret key as its literal ASCII bytes');
  });
});
