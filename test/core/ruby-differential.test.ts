// rubyToJson against real Ruby: the json gem's generator, as hdcore-rb calls it
// (`params.to_json.to_json`), on fast-check params (unicode, astral, traps, integer-like keys in
// any order, ints, floats, nesting). Skips with a reason without `ruby` (.ci/run installs it).
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { isWellFormed } from '../../src/core/bytes.js';
import { PhpArray, type PhpValue } from '../../src/core/php/array.js';
import { rubyToJson } from '../../src/core/php/json.js';
import { typedParams, toPhp } from '../helpers/arbitraries.js';
import { type RubyTagged, rubyAvailable, rubyOracle, rubyVersion } from '../helpers/ruby.js';

/** The Ruby value hdcore-rb would hold: nested lists are Arrays, everything else a Hash. */
function tag(v: PhpValue, top = false): RubyTagged {
  if (v instanceof PhpArray) {
    if (!top && v.isList()) return { t: 'l', v: [...v.values()].map((x) => tag(x)) };
    return { t: 'm', v: [...v.entries()].map(([k, x]) => [k, tag(x)]) };
  }
  if (typeof v === 'string') return { t: 's', v };
  if (typeof v === 'bigint') return { t: 'i', v: v.toString() };
  if (typeof v === 'number') return Number.isInteger(v) ? { t: 'i', v: BigInt(v).toString() } : { t: 'f', v: String(v) };
  if (typeof v === 'boolean') return { t: 'b', v };
  return { t: 'n' };
}

function wellFormed(v: PhpValue): boolean {
  if (v instanceof PhpArray) return [...v.entries()].every(([k, x]) => isWellFormed(k) && wellFormed(x));
  return typeof v !== 'string' || isWellFormed(v);
}

const ruby = rubyAvailable();

describe.skipIf(!ruby)('rubyToJson against real Ruby', () => {
  beforeAll(() => console.log(`ruby ${rubyVersion()}`));

  it('the documented ordering case: a Ruby Hash keeps "5" after "a"', () => {
    const p = new Map([['a', 'x'], ['5', 'five']]);
    const [want] = rubyOracle([tag(PhpArray.from(p), true)]);
    expect(rubyToJson(p, { topLevelObject: true })).toBe(want!.once);
    expect(want!.once).toBe('{"a":"x","5":"five"}');
  });

  it('floats at every exponent Ruby switches notation on, and the edge integers', () => {
    const xs = [0.5, 1.5, 100.5, 1e-4, 1.2e-4, 1e-5, 2.5e-5, 1.5e-7, 123456789.123, 1e14 + 0.5, 1000000000000000.2, 4503599627370495.5, 999999999999999.9, 0.00011, 0.0000999, 1.5e16, 1e20 + 0.0, 1e21, 1e100, 1.7976931348623157e308, 5e-324, -0.0, -1.5e-7, 1 / 3, 2 ** 53 - 1, 2 ** 53, 2 ** 60, 0, -1];
    const params = toPhp(xs.map((x, i) => [`k${i}`, x]));
    const [want] = rubyOracle([tag(params, true)]);
    expect(rubyToJson(params, { topLevelObject: true })).toBe(want!.once);
  });

  it('equals Ruby on arbitrary typed params, once and twice encoded', () => {
    const cases: PhpArray[] = [];
    fc.assert(
      fc.property(typedParams, (pairs) => {
        const p = toPhp(pairs);
        if (wellFormed(p)) cases.push(p);
      }),
      { numRuns: 400 },
    );
    const want = rubyOracle(cases.map((p) => tag(p, true)));
    cases.forEach((p, i) => {
      const once = rubyToJson(p, { topLevelObject: true });
      expect(once, JSON.stringify(tag(p, true))).toBe(want[i]!.once);
      expect(rubyToJson(once)).toBe(want[i]!.twice);
    });
  });
});

describe('rubyToJson where Ruby refuses', () => {
  it('a lone surrogate is INVALID_UTF8; NaN and Infinity are JSON_ENCODE_FAILED', () => {
    expect(() => rubyToJson([['a', '\ud800']])).toThrow(expect.objectContaining({ code: 'INVALID_UTF8' }));
    expect(() => rubyToJson([['a', Number.NaN]])).toThrow(expect.objectContaining({ code: 'JSON_ENCODE_FAILED' }));
    expect(() => rubyToJson([['a', Number.POSITIVE_INFINITY]])).toThrow(expect.objectContaining({ code: 'JSON_ENCODE_FAILED' }));
  });
});
