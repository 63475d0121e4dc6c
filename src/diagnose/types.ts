/**
 * The shapes every mistake catalogue shares: a mistake (how to re-derive what a mistaken client
 * sent), a finding (a named mistake and its fix), and the report `runMistakes` builds.
 */

/** A named mistake that explains a failure, with its one-sentence fix. */
export interface Finding {
  /** Stable id, e.g. `token-lowercase`. */
  id: string;
  /** What the mistake is, in a few words. */
  title: string;
  /** The fix, in one sentence. */
  fix: string;
  /** What reproduced it (numbers, strings), when there is more to say than the title. */
  detail?: string;
}

/** A named way implementations get a scheme wrong, and what reproduced it. */
export interface Mistake<Ctx> {
  /** Stable id, e.g. `js-dialect`. */
  id: string;
  /** What the mistake is, in a few words. */
  title: string;
  /** The fix, in one sentence. */
  fix: string;
  /** The strings (or whole hashes) the mistaken implementation would produce; a label each. */
  derive(ctx: Ctx): Candidate[];
}

export interface Candidate {
  label: string;
  /** The string the mistaken implementation signs. */
  signed: string;
  /** Its hash/signature in the scheme's own text form. */
  hash: string;
}

export interface Diagnosis {
  id: string;
  title: string;
  fix: string;
  label: string;
  signed: string;
  hash: string;
}

export interface DiagnoseReport {
  scheme: string;
  /** True when the received hash is simply correct (nothing to diagnose). */
  correct: boolean;
  /** The string a correct implementation signs, and its hash. */
  expected: { signed: string; hash: string };
  received: string;
  /** How many candidate derivations were tried. */
  tried: number;
  /** Every mistake that reproduces the received hash, most specific first. */
  matches: Diagnosis[];
  /** Mistake ids that were tried. */
  mistakes: string[];
}

/** Runs every mistake; keeps those whose derivation reproduces `received` (per `same`). */
export function runMistakes<Ctx>(
  scheme: string,
  mistakes: readonly Mistake<Ctx>[],
  ctx: Ctx,
  expected: { signed: string; hash: string },
  received: string,
  same: (candidateHash: string, received: string) => boolean,
  correct: boolean,
): DiagnoseReport {
  const matches: Diagnosis[] = [];
  let tried = 0;
  for (const m of mistakes) {
    let cands: Candidate[];
    try {
      cands = m.derive(ctx);
    } catch {
      continue;
    }
    for (const c of cands) {
      // A derivation that changes nothing is not a mistake.
      if (c.signed === expected.signed && c.hash === expected.hash) continue;
      tried++;
      if (!correct && same(c.hash, received)) {
        matches.push({ id: m.id, title: m.title, fix: m.fix, label: c.label, signed: c.signed, hash: c.hash });
        break;
      }
    }
  }
  return { scheme, correct, expected, received, tried, matches, mistakes: mistakes.map((m) => m.id) };
}
