import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Wycheproof vectors are read in place from the shared folder beside the repo; never copied. */
export const WYCHEPROOF_DIR = join(repoRoot, '..', 'shared', 'vectors', 'wycheproof', 'testvectors_v1');

/** Parsed Wycheproof file, or null (with a printed reason) where the shared folder is absent. */
export function loadWycheproof<T = any>(file: string): T | null {
  const path = join(WYCHEPROOF_DIR, file);
  if (!existsSync(path)) {
    console.warn(`[skip] Wycheproof ${file} not found at ${path}: the shared vectors folder is absent in this clone`);
    return null;
  }
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

/** The repo's own vector files. */
export function loadVectors<T = any>(file: string): T {
  return JSON.parse(readFileSync(join(repoRoot, 'vectors', file), 'utf8')) as T;
}

export const REPO_ROOT = repoRoot;

/** A text file of the repo's vectors folder, e.g. `keys/rsa2048.spki.pem` (as the vector files name keys). */
export function loadVectorText(path: string): string {
  return readFileSync(join(repoRoot, 'vectors', path), 'utf8');
}
