/**
 * What every scheme's analysis shares: the error and verdict shapes, the findings of the
 * catalogue (src/diagnose) on the verdict, and PHP's view of params as rows.
 */
import { PhpArray, type PhpValue } from '../../core/index.js';
import { type DiagnoseReport, type Finding, type HeadlineContext, plainHeadline } from '../../diagnose/index.js';
import { type Pasted, parsePasted } from '../input.js';
import type { Analysis, SchemeId, Stage, Verdict } from '../model.js';

/** The tolerance the library's verifiers default to, used for the freshness note. */
export const TOLERANCE_SEC = 300;

export function nowSec(now?: number): number {
  return now ?? Math.floor(Date.now() / 1000);
}

/** PHP's view of a params array as rows: `a[b][0]` -> value. */
export function paramRows(a: PhpArray, prefix = ''): [string, string][] {
  const rows: [string, string][] = [];
  for (const [k, v] of a.entries()) {
    const name = prefix === '' ? k : `${prefix}[${k}]`;
    if (v instanceof PhpArray) {
      if (v.size === 0) rows.push([name, '(empty array)']);
      else rows.push(...paramRows(v, name));
    } else rows.push([name, scalarText(v)]);
  }
  return rows;
}

function scalarText(v: PhpValue): string {
  if (typeof v === 'string') return v;
  if (v === null) return 'null';
  return String(v);
}

/** An analysis that stops at what it could not read or is missing. */
export function error(scheme: SchemeId, headline: string, code?: string, stages: Stage[] = []): Analysis {
  const verdict: Verdict = { status: 'error', headline };
  if (code !== undefined) verdict.code = code;
  return { scheme, verdict, stages, findings: [], notes: [] };
}

/** The paste taken apart, or the analysis of one the request parser refused (two Authorization headers, ...). */
export function readPaste(scheme: SchemeId, text: string): Pasted | Analysis {
  const p = parsePasted(text);
  return p.kind === 'invalid' && p.error ? error(scheme, `the request does not parse: ${p.error.message}`, p.error.code) : p;
}

/** A hash scheme's report as findings: each match, reproduced by its label. */
export function reportFindings(report: DiagnoseReport | undefined): Finding[] {
  return (report?.matches ?? []).map((m) => ({ id: m.id, title: m.title, fix: m.fix, detail: m.label }));
}

/** A refusal in plain words (src/diagnose/headline.ts), `prefix` before it: "invalid", "invalid (HTTP 401)". */
export function failureVerdict(code: string, ctx: HeadlineContext, prefix = 'invalid'): Verdict {
  return { status: 'invalid', headline: `${prefix}: ${plainHeadline(code, ctx)}`, code };
}

/** The failure in plain words, then the first finding's mistake and fix; `advice` follows when there is none. */
export function findingVerdict(code: string, findings: Finding[], ctx: HeadlineContext, advice = ''): Verdict {
  const v = failureVerdict(code, ctx);
  if (findings[0]) return withFinding(v, findings);
  return advice === '' ? v : { ...v, headline: `${v.headline}; ${advice}` };
}

/** A `hostsig diagnose` finding, when there is one, names the mistake and its fix. */
export function withFinding(verdict: Verdict, findings: Finding[]): Verdict {
  const f = findings[0];
  if (!f) return verdict;
  // "no token field" needs no second "no token field".
  const headline = verdict.headline.endsWith(f.title) ? verdict.headline : `${verdict.headline}: ${f.title}`;
  return { ...verdict, headline, fix: f.fix, mistake: f.id };
}

/** The string the server signs beside the one the diagnosed client signed. */
export function mistakeStage(report: DiagnoseReport | undefined, expectedSigned: string, title: string): Stage[] {
  const m = report?.matches[0];
  if (!m || m.signed === expectedSigned) return [];
  return [{ kind: 'compare', title, expectedLabel: 'the server signs', expected: expectedSigned, receivedLabel: `your client signed (${m.label})`, received: m.signed, wide: true }];
}
