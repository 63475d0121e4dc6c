/**
 * The reference adapters hostsig ships (examples/adapters/<language>/, in the npm package too):
 * where they are and the `--exec` command line that runs each one.
 */
import { existsSync, readdirSync } from 'node:fs';
import { extname, join } from 'node:path';
import { packageRoot } from '../config.js';

/** The environment variable an `--exec` command sees, holding {@link adaptersDir}. */
export const ADAPTERS_ENV = 'HOSTSIG_ADAPTERS';

export interface ShippedAdapter {
  /** The folder under examples/adapters: `php`, `python`. */
  name: string;
  /** Absolute path of the adapter file. */
  path: string;
  /** What to pass to `--exec`. */
  exec: string;
}

/** examples/adapters in the installed package or the clone. */
export function adaptersDir(): string {
  return join(packageRoot(), 'examples', 'adapters');
}

/** Debian's python3 has PyJWT (python3-jwt); a `python3` on PATH may be a pyenv shim without it. */
function python(): string {
  return existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
}

/** The interpreter per file extension; other files (READMEs, helpers) are not adapters. */
const INTERPRETERS: Record<string, () => string> = {
  '.php': () => 'php',
  '.py': python,
  '.rb': () => 'ruby',
  '.mjs': () => 'node',
};

/** A word for a POSIX shell: bare when it is safe, else single-quoted. */
export function shellWord(s: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The shipped adapters, sorted by name; one per folder (its hostsig-adapter.* or hostsig_adapter.* file, else its first script). */
export function listAdapters(dir = adaptersDir()): ShippedAdapter[] {
  let names: string[];
  try {
    names = readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    const files = readdirSync(join(dir, name)).sort().filter((f) => Object.hasOwn(INTERPRETERS, extname(f)) && !f.startsWith('_'));
    const file = files.find((f) => /^hostsig[-_]adapter\./.test(f)) ?? files[0];
    if (file === undefined) return [];
    const path = join(dir, name, file);
    return [{ name, path, exec: `${INTERPRETERS[extname(file)]!()} ${shellWord(path)}` }];
  });
}
