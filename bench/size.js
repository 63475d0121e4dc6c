// Bundle size of the narrow subpaths as test/package/package.test.ts measures them
// (esbuild, minified, platform neutral, esm; gzip level 9), with each input's share.
// Usage: npm run build && node bench/size.js [subpath ...] [--inputs]
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const args = process.argv.slice(2);
const showInputs = args.includes('--inputs');
const subs = args.filter((a) => !a.startsWith('--'));
for (const sub of subs.length ? subs : ['sixconnect', 'hostdime', 'jwt']) {
  const file = new URL(`.${pkg.exports[`./${sub}`].default.slice(1)}`, new URL('../', import.meta.url)).pathname;
  const r = await build({
    stdin: { contents: `export * from ${JSON.stringify(file)};`, resolveDir: process.cwd(), loader: 'js' },
    bundle: true, minify: true, platform: 'neutral', format: 'esm', write: false, metafile: true, logLevel: 'silent',
  });
  const min = r.outputFiles[0].text;
  console.log(`hostsig/${sub}: ${min.length} B min, ${gzipSync(min, { level: 9 }).length} B min+gzip`);
  if (!showInputs) continue;
  const inputs = Object.entries(Object.values(r.metafile.outputs)[0].inputs).sort((a, b) => b[1].bytesInOutput - a[1].bytesInOutput);
  for (const [f, { bytesInOutput }] of inputs) if (bytesInOutput > 0) console.log(`  ${String(bytesInOutput).padStart(6)} ${f}`);
}
