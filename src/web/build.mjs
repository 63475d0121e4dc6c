#!/usr/bin/env node
// Builds the web debugger into docs/playground/ (index.html, style.css, app.js): one esbuild
// bundle of src/web/page/main.ts, which imports the library's pure modules from src/.
// Usage: node src/web/build.mjs [outdir]
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
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
  write: false,
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: ['es2022'],
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  define: { __EXAMPLE_RSA_PEM__: JSON.stringify(examplePem) },
  logLevel: 'warning',
});
// Each file is written whole and renamed into place, so a server reading the folder while it is
// rebuilt (tests run in parallel) never sees half a file.
const put = (name, data) => {
  const tmp = join(out, `.${name}.${process.pid}.tmp`);
  writeFileSync(tmp, data);
  renameSync(tmp, join(out, name));
};
for (const f of r.outputFiles) put('app.js', f.contents);
for (const f of ['index.html', 'style.css']) put(f, readFileSync(join(root, 'src/web/page', f)));
const bytes = r.outputFiles.reduce((n, o) => n + o.contents.length, 0);
console.log(`playground: ${out} (app.js ${(bytes / 1024).toFixed(1)} KiB)`);
