// Markdown tables in the README and the guides render as tables: a blank line inside one ends
// it, and the rows after it render as plain text with pipes (docs/cli.md's diagnose table did).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const pages = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

const isRow = (l: string): boolean => /^\s*\|/.test(l);
const isSeparator = (l: string): boolean => /^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$/.test(l);

/** Rows that start a block of rows without a header and separator: the tail of a table cut by a blank line. */
function orphanRows(markdown: string): number[] {
  const lines = markdown.split('\n');
  const out: number[] = [];
  let fence = false;
  lines.forEach((line, i) => {
    if (/^\s*(```|~~~)/.test(line)) fence = !fence;
    if (fence || !isRow(line)) return;
    const starts = i === 0 || !isRow(lines[i - 1]!);
    if (starts && !isSeparator(lines[i + 1] ?? '')) out.push(i + 1);
  });
  return out;
}

it('the check sees a table cut by a blank line', () => {
  expect(orphanRows('| a | b |\n|---|---|\n| 1 | 2 |\n\n| 3 | 4 |\n')).toEqual([5]);
  expect(orphanRows('| a | b |\n|---|---|\n| 1 | 2 |\n\n| c | d |\n|:--|--:|\n| 3 | 4 |\n')).toEqual([]);
  expect(orphanRows('```\n| not | a table |\n```\n')).toEqual([]);
});

it.each(pages)('%s: no blank line inside a table (every block of rows starts with a header and a separator)', (page) => {
  const rows = orphanRows(readFileSync(join(ROOT, page), 'utf8'));
  expect(rows.map((n) => `${page}:${n}`)).toEqual([]);
});
