// The browser twin of helpers/wycheproof.ts: the same loaders over files Vite bundles at build
// time (no fs in a browser). Wycheproof is read from the shared folder beside the repo.
/// <reference types="vite/client" />
const own = import.meta.glob('../../vectors/*.json', { eager: true, import: 'default' });
const wycheproof = import.meta.glob('../../../shared/vectors/wycheproof/testvectors_v1/*.json', { eager: true, import: 'default' });

const byName = (files: Record<string, unknown>, name: string): unknown =>
  Object.entries(files).find(([path]) => path.endsWith(`/${name}`))?.[1];

/** Parsed Wycheproof file, or null (with a printed reason) where the shared folder is absent. */
export function loadWycheproof<T = any>(file: string): T | null {
  const data = byName(wycheproof, file);
  if (data === undefined) {
    console.warn(`[skip] Wycheproof ${file} not found: the shared vectors folder is absent in this clone`);
    return null;
  }
  return structuredClone(data) as T;
}

/** The repo's own vector files. */
export function loadVectors<T = any>(file: string): T {
  const data = byName(own, file);
  if (data === undefined) throw new Error(`vectors/${file} not found`);
  return structuredClone(data) as T;
}

// The PEM keys the vector files name (`keys/...`), as text.
const keyTexts = import.meta.glob('../../vectors/keys/*.{pem,key}', { eager: true, query: '?raw', import: 'default' });

/** A text file of the repo's vectors folder, e.g. `keys/rsa2048.spki.pem` (as the vector files name keys). */
export function loadVectorText(path: string): string {
  const data = byName(keyTexts, path);
  if (typeof data !== 'string') throw new Error(`vectors/${path} not found`);
  return data;
}
