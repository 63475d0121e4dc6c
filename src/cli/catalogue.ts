/**
 * The findings `hostsig diagnose` can name, per scheme, read from the catalogue in src/diagnose
 * (its mistake tables and finding lists): `diagnose --help` prints this, and docs/cli.md's
 * diagnose table must list the same ids (test/cli/help.test.ts), so the three cannot drift.
 */
import { HOSTDIME_MISTAKES, JWT_MISTAKES, SIXCONNECT_MISTAKES } from '../diagnose/index.js';
import { HOSTBILL_BASIC_FINDINGS } from '../diagnose/hostbill.js';
import { HOSTKEY_FINDINGS } from '../diagnose/hostkey.js';
import { WHM_FINDINGS } from '../diagnose/whm.js';

export interface CatalogueRow {
  /** The row's label, as docs/cli.md's diagnose table names it. */
  row: string;
  /** The CLI schemes whose `diagnose` can name these. */
  schemes: readonly string[];
  ids: readonly string[];
}

export function diagnoseCatalogue(): CatalogueRow[] {
  return [
    { row: 'hostdime', schemes: ['hostdime'], ids: HOSTDIME_MISTAKES.map((m) => m.id) },
    { row: 'sixconnect', schemes: ['sixconnect'], ids: SIXCONNECT_MISTAKES.map((m) => m.id) },
    { row: 'jwt, hostbill Bearer', schemes: ['jwt', 'hostbill'], ids: JWT_MISTAKES },
    { row: 'hostbill Basic', schemes: ['hostbill'], ids: HOSTBILL_BASIC_FINDINGS },
    { row: 'whm', schemes: ['whm'], ids: WHM_FINDINGS },
    { row: 'hostkey', schemes: ['hostkey'], ids: HOSTKEY_FINDINGS },
  ];
}

/** Comma-separated ids wrapped at `width` columns, continuation lines indented by `indent`. */
function wrapIds(ids: readonly string[], indent: number, width = 100): string[] {
  const lines: string[] = [];
  let line = '';
  for (const [i, id] of ids.entries()) {
    const word = `${id}${i < ids.length - 1 ? ',' : ''}`;
    if (line && indent + line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/** The "Findings" part of `diagnose --help`: every row, or the rows of one scheme. */
export function findingsHelp(scheme?: string): string {
  const rows = diagnoseCatalogue().filter((r) => scheme === undefined || r.schemes.includes(scheme));
  const w = Math.max(...rows.map((r) => r.row.length)) + 1;
  const out = ['Findings it can name (the catalogue in src/diagnose):'];
  for (const r of rows) {
    const [first = '', ...rest] = wrapIds(r.ids, 2 + w + 2);
    out.push(`  ${`${r.row}:`.padEnd(w)}  ${first}`, ...rest.map((l) => `  ${' '.repeat(w)}  ${l}`));
  }
  return out.join('\n');
}
