// The vector suites (every vectors/*.json case through the library's sources) also run under
// Bun and Deno, from the npm registry's `bun` and `deno` packages (devDependencies, so `npm ci`
// installs them). Each runtime runs vitest itself on the vector files, its test workers in that
// runtime, and its JSON report is checked here, so the README's test command keeps one summary
// line. A runtime whose binary is missing is skipped with a reason, or fails under CI.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const VECTOR_SUITES = ['test/vectors.test.ts', 'test/whm/vectors.test.ts', 'test/hostkey/vectors.test.ts', 'test/jwt/vectors.test.ts', 'test/hostbill/vectors.test.ts'];
const VITEST = join(ROOT, 'node_modules', 'vitest', 'vitest.mjs');

const RUNTIMES: { name: string; bin: string; args: string[] }[] = [
  { name: 'bun', bin: join(ROOT, 'node_modules', '.bin', 'bun'), args: ['--bun', VITEST] },
  { name: 'deno', bin: join(ROOT, 'node_modules', '.bin', 'deno'), args: ['run', '-A', VITEST] },
];

interface JsonReport {
  numTotalTests: number;
  numPassedTests: number;
  numFailedTests: number;
  testResults: { name: string; assertionResults: { fullName: string; status: string; failureMessages: string[] }[] }[];
}

describe.each(RUNTIMES)('vector suites under $name', ({ name, bin, args }) => {
  const present = existsSync(bin);
  if (!present && !process.env['CI']) console.warn(`[skip] ${name}: ${bin} missing (npm ci installs it)`);

  it.skipIf(!present && !process.env['CI'])(`every vector case passes under ${name}`, () => {
    expect(existsSync(bin), `${name} binary`).toBe(true);
    const out = mkdtempSync(join(tmpdir(), `hostsig-${name}-`));
    try {
      const report = join(out, 'report.json');
      const r = spawnSync(bin, [...args, 'run', '--project', 'node', '--reporter=json', `--outputFile=${report}`, ...VECTOR_SUITES], {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1', DENO_NO_PROMPT: '1' },
        timeout: 240_000,
      });
      expect(existsSync(report), `${name} wrote no report:\n${r.stderr}\n${r.stdout}`).toBe(true);
      const j = JSON.parse(readFileSync(report, 'utf8')) as JsonReport;
      const failed = j.testResults.flatMap((f) => f.assertionResults.filter((a) => a.status === 'failed').map((a) => `${a.fullName}: ${a.failureMessages[0]?.slice(0, 200)}`));
      expect(failed).toEqual([]);
      expect(j.numTotalTests).toBeGreaterThan(300);
      expect(j.numPassedTests).toBe(j.numTotalTests);
      console.log(`${name}: ${j.numPassedTests} vector tests passed`);
      expect(r.status).toBe(0);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 300_000);
});
