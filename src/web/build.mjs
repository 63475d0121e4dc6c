#!/usr/bin/env node
// Builds the web debugger into docs/playground/ (index.html, style.css, app.js): one esbuild
// bundle of src/web/page/main.ts, which imports the library's pure modules from src/.
// Usage: node src/web/build.mjs [outdir]
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const out = resolve(process.argv[2] ?? join(root, 'docs/playground'));
mkdirSync(out, { recursive: true });
const examplePem = readFileSync(join(root, 'vectors/keys/rsa2048.pkcs1.pem'), 'utf8');
const r = await build({
  entryPoints: [join(root, 'src/web/page/main.ts')],
  outfile: join(out, 'app.js'),
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: ['es2022'],
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  define: { __EXAMPLE_RSA_PEM__: JSON.stringify(examplePem) },
  metafile: true,
  logLevel: 'warning',
});
for (const f of ['index.html', 'style.css']) copyFileSync(join(root, 'src/web/page', f), join(out, f));
const bytes = Object.values(r.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
console.log(`playground: ${out} (app.js ${(bytes / 1024).toFixed(1)} KiB)`);
