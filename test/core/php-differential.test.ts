// Differential tests: real PHP (php-cli) is the oracle for every PHP codec hostsig emulates.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { httpBuildQuery, parseStr, phpJsonEncode, phpUrlencode } from '../../src/core/php/index.js';
import { anyText, formParams, normPairs, toPairs, toPhp, typedParams } from '../helpers/arbitraries.js';
import { phpAvailable, phpOracle } from '../helpers/php.js';

const RUNS = Number(process.env.HOSTSIG_PHP_RUNS ?? 400);
const seed = Number(process.env.HOSTSIG_SEED ?? Date.now() % 2 ** 31);

// A query-string alphabet dense in the characters PHP's parser treats specially.
const queryText = fc
  .array(fc.constantFrom('a', 'b', '5', '-', '0', '[', ']', '.', ' ', '+', '&', '=', '%5B', '%5D', '%20', '%2E', '%26', '%3D', '%C3%A9', '%F0%9F%98%80', '_', 'x'), { maxLength: 24 })
  .map((a) => a.join(''));

describe.skipIf(!phpAvailable())(`PHP oracle (seed ${seed})`, () => {
  it('json_encode with and without JSON_FORCE_OBJECT, byte for byte', () => {
    const samples = fc.sample(typedParams, { numRuns: RUNS, seed });
    const php = phpOracle(samples.map((params) => ({ params })));
    samples.forEach((params, i) => {
      const arr = toPhp(params);
      const expected = php[i];
      const ours = (force: boolean) => {
        try {
          return phpJsonEncode(arr, { forceObject: force });
        } catch {
          return null;
        }
      };
      expect(ours(false), JSON.stringify(params)).toBe(expected.json);
      expect(ours(true), JSON.stringify(params)).toBe(expected.jsonForce);
    });
  });

  it('http_build_query, and parse_str of its output', () => {
    const samples = fc.sample(typedParams, { numRuns: RUNS, seed: seed + 1 });
    const php = phpOracle(samples.map((params) => ({ params })));
    samples.forEach((params, i) => {
      const arr = toPhp(params);
      const q = httpBuildQuery(arr);
      expect(q, JSON.stringify(params)).toBe(php[i].query);
      expect(toPairs(parseStr(q)), q).toEqual(normPairs(php[i].roundTrip));
    });
  });

  it('parse_str on hostile query strings: mangling, nesting, duplicates, numeric keys', () => {
    const samples = fc.sample(queryText, { numRuns: RUNS * 2, seed: seed + 2 });
    const php = phpOracle(samples.map((query) => ({ query })));
    samples.forEach((q, i) => {
      expect(toPairs(parseStr(q)), q).toEqual(normPairs(php[i].parsed));
    });
  });

  it('urlencode over arbitrary text', () => {
    const samples = fc.sample(anyText, { numRuns: RUNS, seed: seed + 3 });
    const php = phpOracle([{ params: samples.map((s) => [s, '']) }]);
    samples.forEach((s, i) => expect(phpUrlencode(s), JSON.stringify(s)).toBe(php[0].urlencode[i]));
  });

  it('form params round-trip: string values survive http_build_query -> parse_str in order', () => {
    const samples = fc.sample(formParams, { numRuns: RUNS, seed: seed + 4 });
    const php = phpOracle(samples.map((params) => ({ params })));
    samples.forEach((params, i) => {
      expect(toPairs(parseStr(httpBuildQuery(toPhp(params))))).toEqual(normPairs(php[i].roundTrip));
    });
  });
});
