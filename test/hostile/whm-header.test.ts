// Attack class: WHM `Authorization` headers built to make the parser slow or confused before
// any token is checked: long runs of spaces and tabs (inside, around), runs of `:`, headers at
// and past the length cap.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseWhmAuthorization } from '../../src/schemes/whm/index.js';
import { codeOf } from '../helpers/codes.js';

const TOKEN = 'U7HMR63FGY292DQZ4H5BFH16JLYMO01M';
const CAP = 4200; // the parser's documented length cap (header.ts MAX_HEADER)

/** The code parseWhmAuthorization throws, or 'ok' (anything but a HostsigError fails the test). */
const outcome = (header: unknown): string => codeOf(() => parseWhmAuthorization(header));

/** Best of five runs of `reps` parses, in ms. */
function timeOf(header: string, reps: number): number {
  let best = Infinity;
  for (let k = 0; k < 5; k++) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) outcome(header);
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

describe('WHM Authorization header: hostile input', () => {
  it('parses long whitespace runs in linear time (n vs 10n under the length cap)', () => {
    const shapes: [string, (n: number) => string][] = [
      ['spaces after the scheme word', (n) => `whm${' '.repeat(n)}root:${TOKEN}`],
      ['tabs after the scheme word', (n) => `whm${'\t'.repeat(n)}root:${TOKEN}`],
      ['spaces then one letter', (n) => `${' '.repeat(n)}x`],
      ['mixed space/tab run inside', (n) => `cpanel bob:${' \t'.repeat(n / 2)}${TOKEN}`],
      ['colons', (n) => `whm root${':'.repeat(n)}${TOKEN}`],
      ['spaces around a valid header', (n) => `${' '.repeat(n / 2)}whm root:${TOKEN}${' '.repeat(n / 2)}`],
    ];
    for (const [name, make] of shapes) {
      const small = make(400);
      const big = make(4000);
      expect(big.length).toBeLessThanOrEqual(CAP);
      expect(outcome(big)).toBe(outcome(small));
      let ratio = Infinity;
      for (let attempt = 0; attempt < 3 && ratio >= 40; attempt++) ratio = Math.min(ratio, timeOf(big, 20) / Math.max(timeOf(small, 20), 0.05));
      expect(ratio, `${name}: 10x input took ${ratio.toFixed(1)}x time`).toBeLessThan(40);
    }
  });

  it('refuses headers past the cap before looking at them, whatever they hold', () => {
    for (const filler of [' ', '\t', ':', 'A', '\u0000', '\u00a0']) {
      const h = `whm root:${TOKEN}${filler.repeat(1 << 20)}`;
      const t0 = performance.now();
      expect(outcome(h)).toBe('AUTH_HEADER_MALFORMED');
      expect(performance.now() - t0).toBeLessThan(1000); // a generous bound: the cap check is O(1)
    }
  });

  // Runs of the characters the parser splits or trims on, between the parts of a real header.
  const run = fc.tuple(fc.constantFrom(' ', '\t', ':', ' \t', '\r', '\n', '\u00a0', '\u3000'), fc.integer({ min: 0, max: 700 })).map(([c, n]) => c.repeat(n));
  const part = fc.constantFrom('whm', 'WHM', 'cpanel', 'Basic', 'root', 'bob', TOKEN, ':', '', 'a'.repeat(64));
  const header = fc.array(fc.oneof(run, part), { maxLength: 8 }).map((xs) => xs.join(''));

  it('property: runs of whitespace and colons only ever give a HostsigError, and OWS trimming is exact', () => {
    fc.assert(
      fc.property(header, (h) => {
        outcome(h);
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.stringMatching(/^[ \t]{0,300}$/), fc.stringMatching(/^[ \t]{0,300}$/), (lead, trail) => {
        expect(parseWhmAuthorization(`${lead}whm root:${TOKEN}${trail}`)).toEqual({ scheme: 'whm', user: 'root', kind: 'token', credential: TOKEN });
      }),
      { numRuns: 200 },
    );
  });
});
