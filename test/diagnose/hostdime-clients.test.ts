// The official HostDime clients' bugs, each made by the client's own logic in an independent
// implementation (real PHP for hdcore-php and hdcore-whmcs, see hostdime-clients.php; Node's
// querystring and JSON.stringify for hdcore-js), never by hostsig: diagnose must name exactly
// the findings that reproduce the client's hash, and nothing for what it cannot see.
import { createHash } from 'node:crypto';
import { stringify } from 'node:querystring';
import { describe, expect, it } from 'vitest';
import { diagnoseHostDime } from '../../src/diagnose/index.js';
import { phpAvailable } from '../helpers/php.js';
import { phpClientCases } from './cases.js';

const PATH = '/v1/utility/echo.json';

const ids = (body: string) => diagnoseHostDime({ body, path: PATH, privateKey: 'fazbaz' }).matches.map((m) => m.id);

describe.skipIf(!phpAvailable())('hdcore-php and hdcore-whmcs, run by php-cli', () => {
  const cases = phpAvailable() ? phpClientCases() : [];
  const named = cases.filter((c) => c.ids.length > 0);
  it.each(named.map((c) => [c.name, c] as const))('%s', (_, c) => {
    expect(ids(c.body)).toEqual(c.ids);
  });

  it('renumbered-keys is named only where the body still has the keys: an array_merge body hides them', () => {
    const [renumbered, hidden] = [named.find((c) => c.ids[0] === 'renumbered-keys'), cases.find((c) => c.ids.length === 0)];
    expect(ids(renumbered!.body)).toEqual(['renumbered-keys']);
    expect(ids(hidden!.body)).toEqual([]);
  });
});

/** hdcore-js's call(): JSON.stringify twice for the hash, querystring.stringify for what it sends. */
function hdcoreJs(params: Record<string, unknown>): string {
  const prefix = '1369758680:ABCDEF:fazbaz:utility.echo:';
  const hash = createHash('sha256').update(prefix + JSON.stringify(JSON.stringify(params))).digest('hex');
  return stringify({ ...params, api_key: 'foobar', api_timestamp: 1369758680, api_hash: hash, api_unique: 'ABCDEF' });
}

describe('hdcore-js (Node: JSON.stringify for the hash, querystring for the body)', () => {
  it.each([
    ['a null param: sent as "note=", hashed as null', { name: 'web1', note: null }, ['null-params']],
    ['an undefined param: sent as "note=", left out of the hash', { name: 'web1', note: undefined }, ['null-params']],
    ['a null param and a slash: the JS dialect matters too', { url: 'http://a/b', note: null }, ['null-params', 'js-dialect']],
    ['booleans: sent as the words, hashed as booleans', { on: true, off: false, n: 5 }, ['typed-values']],
    ['a dotted name and a slash', { 'a.b': 'x/y' }, ['mangled-names', 'js-dialect']],
    ['no booleans, a slash: the dialect alone (and the flag that gives the same string)', { url: 'http://a/b', n: 5 }, ['js-dialect', 'unescaped-slashes']],
  ])('%s', (_, params, want) => {
    expect(ids(hdcoreJs(params))).toEqual(want);
  });
});
