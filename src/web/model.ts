/**
 * The page's view model: what each scheme's analysis hands to the renderer. Plain data, so
 * the analyses can be unit-tested in Node without a DOM. The stages and findings are the
 * catalogue's own (src/diagnose), the same the CLI prints.
 */
import { type Finding, type Stage, type Staged, utcTime } from '../diagnose/index.js';

export type { Finding, Stage };

export type SchemeId = 'hostdime' | 'sixconnect' | 'whm' | 'hostkey' | 'hostbill';

export const SCHEME_LABELS: Record<SchemeId, string> = {
  hostdime: 'HostDime',
  sixconnect: '6connect ProVision',
  whm: 'cPanel & WHM',
  hostkey: 'HostKey',
  hostbill: 'HostBill',
};

export type VerdictStatus = 'valid' | 'invalid' | 'error';

export interface Verdict {
  status: VerdictStatus;
  /**
   * One line in plain words: "valid: ...", "invalid: expired 90 s before now (exp ...)",
   * "invalid (HTTP 401): no token field". The failure's words come from the one rule in
   * src/diagnose/headline.ts (the CLI prints the same), then the first finding's title.
   */
  headline: string;
  /** The library's failure code, when there is one. */
  code?: string;
  /** The one-sentence fix, when a known mistake explains the failure. */
  fix?: string;
  /** The diagnose mistake id (`js-dialect`, ...). */
  mistake?: string;
}

export interface Analysis extends Staged<SchemeId> {
  verdict: Verdict;
  /** Every mistake `hostsig diagnose` names for this failure, most specific first (the verdict shows the first). */
  findings: Finding[];
  /** Remarks that do not change the verdict (a `+` turned into a space, an old timestamp). */
  notes: string[];
}

/** Index of the first differing UTF-16 unit, or -1 when equal. */
export function firstDifference(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a.charCodeAt(i) !== b.charCodeAt(i)) return i;
  return a.length === b.length ? -1 : n;
}

/**
 * The span where two strings differ: from the first differing unit to the end of the longest
 * differing run before their common suffix, in each string. `null` when they are equal. A long
 * block (an RSA block is 512 hex characters) is shown collapsed around this span.
 */
export function differingRegion(a: string, b: string): { start: number; endA: number; endB: number } | null {
  const start = firstDifference(a, b);
  if (start < 0) return null;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a.charCodeAt(endA - 1) === b.charCodeAt(endB - 1)) {
    endA--;
    endB--;
  }
  return { start, endA, endB };
}

/** "12 minutes", "3 years": a rough age for notes. */
export function roughDuration(seconds: number): string {
  const s = Math.abs(Math.round(seconds));
  const units: [number, string][] = [
    [365 * 86400, 'year'],
    [30 * 86400, 'month'],
    [86400, 'day'],
    [3600, 'hour'],
    [60, 'minute'],
    [1, 'second'],
  ];
  for (const [size, name] of units) {
    if (s >= size) {
      const v = Math.floor(s / size);
      return `${v} ${name}${v === 1 ? '' : 's'}`;
    }
  }
  return '0 seconds';
}

/** A UTC time for notes: 2013-05-28 16:31:20 UTC (the headlines' own rule). */
export const utc = utcTime;

/** An error's message without trusting its shape. */
export function messageOf(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}

/** An error's stable code, when it is a HostsigError. */
export function codeOf(e: unknown): string | undefined {
  const c = (e as { code?: unknown } | null)?.code;
  return typeof c === 'string' ? c : undefined;
}
