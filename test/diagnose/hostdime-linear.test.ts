// The client-bug derivations read the unauthenticated body (hostsig serve diagnoses failed
// requests): bare names, names PHP mangles, lists with holes, integer keys, empty values. Each
// must stay linear in the body. Measured as 10x the input taking < 40x the time, best of 3.
import { describe, expect, it } from 'vitest';
import { parseStr } from '../../src/core/index.js';
import { diagnoseHostDime } from '../../src/diagnose/index.js';
import { bareNames, dropEmpty, gapsFilled, renumbered, rewriteLeaves, unmangledParams } from '../../src/diagnose/hostdime-body.js';

/** n groups of fields that give every client-bug step something to do. */
function hostile(n: number): string {
  const parts: string[] = [];
  for (let i = 0; i < n; i++) parts.push(`n${i}.x=`, `f${i}`, `l%5B${2 * i}%5D=1`, `${3 * i + 7}=5`, `u${i}=a%2F%C3%A9`, `t${i}=true`, `%20s+${i}%5Bk=v`);
  return `${parts.join('&')}&api_key=foobar&api_timestamp=1369758680&api_unique=ABCDEF&api_hash=00`;
}

function best(f: () => unknown): number {
  let t = Infinity;
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    f();
    t = Math.min(t, performance.now() - t0);
  }
  return t;
}

/** Time of `work` over 10x the input, over its time on `small` groups (after a warm-up). */
function ratio<T>(prepare: (body: string) => T, work: (input: T) => unknown, small: number): number {
  const [a, b] = [prepare(hostile(small)), prepare(hostile(10 * small))];
  work(a);
  return best(() => work(b)) / Math.max(best(() => work(a)), 0.5);
}

describe('hostdime client-bug derivations are linear in the body', () => {
  it('the body views: bare names, unmangled names, holes, renumbering, empty values', () => {
    const parsed = (body: string) => ({ body, p: parseStr(body, { maxVars: Infinity }) });
    const views = ({ body, p }: { body: string; p: ReturnType<typeof parseStr> }) => [
      bareNames(body),
      unmangledParams(body, () => true),
      gapsFilled(p),
      renumbered(p),
      dropEmpty(p),
      rewriteLeaves(p, (v) => (v === '' ? null : v)),
    ];
    expect(ratio(parsed, views, 400)).toBeLessThan(40);
  });

  it('the whole diagnosis', () => {
    const diagnose = (body: string) => diagnoseHostDime({ body, path: '/v1/utility/echo.json', privateKey: 'fazbaz' });
    expect(ratio((b) => b, diagnose, 12)).toBeLessThan(40);
  });
});
