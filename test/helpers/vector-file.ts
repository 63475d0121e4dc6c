// Runs one vectors/*.json file whose groups are dispatched by `type` to a runner per type.
// (The wycheproof.js import is spelled with helpers/ so the browser project's alias matches it.)
import { describe, expect, it } from 'vitest';
import { loadVectors } from '../helpers/wycheproof.js';

export type VectorCase = { tcId: number; comment: string; input: Record<string, any>; stages?: Record<string, string>; result: 'valid' | 'invalid'; error?: string };
type VectorFile = { scheme: string; numberOfTests: number; testGroups: { type: string; tests: VectorCase[] }[] };

/** One `it` per case, plus a well-formedness check (scheme, tcIds 1..n, a runner for every group type). */
export function describeVectorFile(name: string, scheme: string, runners: Record<string, (c: VectorCase) => Promise<void> | void>): void {
  const file = loadVectors<VectorFile>(name);
  describe(`vectors/${name}`, () => {
    it('is well-formed: unique tcIds from 1, count matches', () => {
      const ids = file.testGroups.flatMap((g) => g.tests.map((t) => t.tcId));
      expect(file.scheme).toBe(scheme);
      expect(ids).toEqual(Array.from({ length: ids.length }, (_, i) => i + 1));
      expect(ids.length).toBe(file.numberOfTests);
      for (const g of file.testGroups) expect(Object.keys(runners)).toContain(g.type);
    });
    for (const g of file.testGroups)
      for (const c of g.tests)
        it(`${g.type} #${c.tcId}: ${c.comment}`, async () => {
          expect(c.result === 'invalid').toBe(c.error !== undefined);
          await runners[g.type]!(c);
        });
  });
}
