import { describe, expect, it } from 'vitest';
import { differingRegion } from '../../src/web/model.js';

describe('differingRegion', () => {
  it('spans from the first difference to the common suffix, on each side', () => {
    expect(differingRegion('abcXYZdef', 'abcQdef')).toEqual({ start: 3, endA: 6, endB: 4 });
    expect(differingRegion('0001ff00', '0001fe00')).toEqual({ start: 5, endA: 6, endB: 6 });
  });
  it('is null for equal strings, and covers a pure insertion or a prefix', () => {
    expect(differingRegion('same', 'same')).toBeNull();
    expect(differingRegion('ab', 'abc')).toEqual({ start: 2, endA: 2, endB: 3 });
    // The suffix scan never crosses the start: "aa" vs "aaa" differ only by the extra unit.
    expect(differingRegion('aa', 'aaa')).toEqual({ start: 2, endA: 2, endB: 3 });
  });
});
