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
  /**
   * The mistakes this candidate stands for when it combines several (the deriving one first):
   * all are listed when it reproduces the hash. Default: the mistake that derived it. Empty:
   * it is no mistake (what is left changes nothing a verifier refuses), so it is not tried.
   */
  ids?: readonly string[];
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

/**
 * Runs every mistake; keeps those whose derivation reproduces `received` (per `same`). A
 * candidate that combines mistakes lists each of them, once.
 */
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
  const seen = new Set<string>();
  let tried = 0;
  for (const m of mistakes) {
    let cands: Candidate[];
    try {
      cands = m.derive(ctx);
    } catch {
      continue;
    }
    for (const c of cands) {
      const ids = c.ids ?? [m.id];
      // A derivation that changes nothing is not a mistake; one already tried is not tried again.
      if (ids.length === 0 || (c.signed === expected.signed && c.hash === expected.hash)) continue;
      const key = `${ids.join(' ')}\n${c.hash}`;
      if (seen.has(key)) continue;
      seen.add(key);
      tried++;
      if (!correct && same(c.hash, received)) {
        for (const id of ids) {
          const f = id === m.id ? m : mistakes.find((x) => x.id === id);
          if (f && !matches.some((d) => d.id === id)) matches.push({ id, title: f.title, fix: f.fix, label: c.label, signed: c.signed, hash: c.hash });
        }
        if (ids.includes(m.id)) break;
      }
    }
  }
  return { scheme, correct, expected, received, tried, matches, mistakes: mistakes.map((m) => m.id) };
}
