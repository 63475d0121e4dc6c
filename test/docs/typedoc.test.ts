// The API reference builds with every warning an error: each export documented, no broken
// {@link}, nothing referenced that is not exported (typedoc.json's validation settings).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');

it('typedoc builds the site with warnings as errors', () => {
  const out = mkdtempSync(join(tmpdir(), 'hostsig-typedoc-'));
  try {
    // --disableSources: source links come from the clone's git remote (a checkout without an
    // `origin` warns), which says nothing about the docs themselves.
    const args = ['--out', out, '--treatWarningsAsErrors', '--logLevel', 'Warn', '--disableSources'];
    const r = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typedoc', 'bin', 'typedoc'), ...args], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    const log = `${r.stdout}\n${r.stderr}`.replace(/\x1b\[[0-9;]*m/g, '').trim();
    expect(log, 'typedoc warnings').toBe('');
    expect(r.status).toBe(0);
    expect(existsSync(join(out, 'index.html'))).toBe(true);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}, 180_000);
