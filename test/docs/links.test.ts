// Relative links in the README and the guides point at files that exist (and #anchors at
// headings that exist), so the docs do not rot as files move.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const pages = [join(ROOT, 'README.md'), ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => join(ROOT, 'docs', f))];

/** GitHub's anchor for a heading: lowercase, punctuation dropped, spaces to dashes. */
const slug = (h: string): string => h.trim().toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-');
const anchors = (file: string): Set<string> =>
  new Set([...readFileSync(file, 'utf8').matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1]!)));

it('every relative link in README.md and docs/*.md resolves', () => {
  const broken: string[] = [];
  for (const page of pages) {
    const text = readFileSync(page, 'utf8').replace(/```[\s\S]*?```/g, '');
    for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = m[1]!;
      if (/^[a-z]+:/i.test(target)) continue;
      const [path, anchor] = target.split('#') as [string, string | undefined];
      const file = path === '' ? page : join(dirname(page), path);
      if (!existsSync(file)) broken.push(`${relative(ROOT, page)}: ${target}`);
      else if (anchor && file.endsWith('.md') && !anchors(file).has(anchor)) broken.push(`${relative(ROOT, page)}: ${target} (no such heading)`);
    }
  }
  expect(broken).toEqual([]);
});
