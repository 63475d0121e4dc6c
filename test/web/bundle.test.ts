/**
 * The page's bundle stays browser-pure: no Node globals or node: imports sneak in through the
 * modules it shares with the CLI (the catalogue, src/diagnose/*), which would break the page at run time
 * (a derive that throws is skipped silently, so a mistake would just never be named).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/wycheproof.js';

it('app.js builds with no Buffer, process, require or node: reference', () => {
  const out = mkdtempSync(join(tmpdir(), 'hostsig-playground-'));
  try {
    execFileSync(process.execPath, [join(REPO_ROOT, 'src/web/build.mjs'), out], { stdio: 'pipe' });
    const js = readFileSync(join(out, 'app.js'), 'utf8');
    expect(js.match(/\bBuffer\.|\bprocess\.|\brequire\(|["']node:/g) ?? []).toEqual([]);
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toContain("connect-src 'none'");
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
