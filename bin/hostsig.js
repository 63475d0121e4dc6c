#!/usr/bin/env node
// The CLI lives in dist/cli (built by `npm run build`, which `npm ci` runs through `prepare`).
import('../dist/cli/main.js').then((m) => m.main(process.argv.slice(2))).then(
  (code) => process.exit(code ?? 0),
  (err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(70);
  },
);
