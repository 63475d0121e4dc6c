import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ORACLE = join(dirname(fileURLToPath(import.meta.url)), 'ruby-oracle.rb');

let available: boolean | undefined;
/** True when Debian's ruby is on PATH (CI installs it; elsewhere the Ruby tests skip with a reason). */
export function rubyAvailable(): boolean {
  if (available === undefined) {
    try {
      execFileSync('ruby', ['-rjson', '-e', 'print JSON::VERSION'], { stdio: 'pipe' });
      available = true;
    } catch {
      available = false;
      console.warn('[skip] ruby not found: the Ruby differential tests need it (.ci/run installs it)');
    }
  }
  return available;
}

/** A value as the oracle reads it: tagged, so Integer, Float and nesting survive the trip. */
export type RubyTagged = { t: 's'; v: string } | { t: 'i'; v: string } | { t: 'f'; v: string } | { t: 'b'; v: boolean } | { t: 'n' } | { t: 'l'; v: RubyTagged[] } | { t: 'm'; v: [string, RubyTagged][] };

/** Ruby's `to_json` and `to_json.to_json` of each value, from one ruby process. */
export function rubyOracle(values: RubyTagged[]): { once: string; twice: string }[] {
  const out = execFileSync('ruby', [ORACLE], { input: values.map((v) => JSON.stringify(v)).join('\n') + '\n', maxBuffer: 256 * 1024 * 1024 });
  return out
    .toString('utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { once: string; twice: string });
}

export function rubyVersion(): string {
  return execFileSync('ruby', ['-rjson', '-e', 'print RUBY_VERSION, " json ", JSON::VERSION']).toString();
}
