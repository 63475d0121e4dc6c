import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ORACLE = join(dirname(fileURLToPath(import.meta.url)), 'php-oracle.php');

let available: boolean | undefined;
/** True when php-cli is on PATH (CI installs it; elsewhere the PHP tests skip with a reason). */
export function phpAvailable(): boolean {
  if (available === undefined) {
    try {
      execFileSync('php', ['-r', 'echo PHP_VERSION;'], { stdio: 'pipe' });
      available = true;
    } catch {
      available = false;
      console.warn('[skip] php-cli not found: the PHP differential tests need it (.ci/run installs it)');
    }
  }
  return available;
}

/** Runs the PHP oracle over a batch of cases in one process. */
export function phpOracle<T = any>(cases: unknown[]): T[] {
  const out = execFileSync('php', ['-d', 'serialize_precision=-1', ORACLE], { input: JSON.stringify(cases), maxBuffer: 256 * 1024 * 1024 });
  return JSON.parse(out.toString('utf8')) as T[];
}

export function phpVersion(): string {
  return execFileSync('php', ['-r', 'echo PHP_VERSION;']).toString();
}
