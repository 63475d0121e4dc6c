import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';

const root = dirname(fileURLToPath(import.meta.url));

/** Where the browser project finds Chromium: Debian's package, never a Playwright download. */
const CHROMIUM = process.env.HOSTSIG_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * The suites that also run in Chromium: the pure ones (vectors, properties, core and every
 * scheme). A file is left to Node when it imports a `node:` module other than the hash oracle
 * `node:crypto` { createHash, createHmac } (shimmed in the browser, as is the slice of `Buffer`
 * the oracle checks use), uses `process`, the PHP or Ruby oracle or reads files through REPO_ROOT, or
 * lives in a Node-only folder.
 */
function browserSuites(): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.test.ts')) {
        const rel = relative(root, p).split('\\').join('/');
        if (/^test\/(cli|docs|gateway|package|runtimes|server|web)\//.test(rel)) continue;
        const src = readFileSync(p, 'utf8');
        const rest = src.replace(/import \{\s*(?:createHash|createHmac)(?:\s*,\s*(?:createHash|createHmac))?\s*\} from 'node:crypto';?/g, '');
        if (/from 'node:|\bprocess\.|REPO_ROOT|helpers\/(?:php|ruby|node-keys)\b/.test(rest)) continue;
        if (importsNodeHelper(p, src)) continue;
        out.push(rel);
      }
    }
  };
  walk(join(root, 'test'));
  return out.sort();
}

/** True when a test imports a sibling helper (`./x.js`) that itself imports a `node:` module. */
function importsNodeHelper(file: string, src: string): boolean {
  for (const m of src.matchAll(/from '(\.\/[^'/]+)\.js'/g)) {
    const helper = join(dirname(file), `${m[1]}.ts`);
    if (existsSync(helper) && /from 'node:/.test(readFileSync(helper, 'utf8'))) return true;
  }
  return false;
}

const reporters = ['default', './test/helpers/summary-reporter.ts'];

// Without Chromium the browser project is left out with a printed reason, as the PHP tests skip
// without php; under CI (.ci/run installs chromium) it stays in and fails loudly instead.
const browserAvailable = existsSync(CHROMIUM) || Boolean(process.env['CI']);
if (!browserAvailable) console.warn(`[skip] browser project: no Chromium at ${CHROMIUM} (apt-get install chromium, or set HOSTSIG_CHROMIUM)`);

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters,
    projects: [
      {
        extends: true,
        test: { name: 'node', include: ['test/**/*.test.ts'], environment: 'node' },
      },
      ...(browserAvailable ? [browserProject()] : []),
    ],
  },
});

/** The Chromium project (see browserSuites for what runs there). */
function browserProject() {
  return {
    extends: true,
    resolve: {
      alias: [
        // File-reading helpers and the node:crypto oracle have browser twins.
        { find: /^(\.\.?\/)+helpers\/wycheproof\.js$/, replacement: join(root, 'test/helpers/wycheproof.browser.ts') },
        { find: /^node:crypto$/, replacement: join(root, 'test/helpers/node-crypto.browser.ts') },
      ],
    },
    server: { fs: { allow: [root, join(root, '..', 'shared', 'vectors')] } },
    test: {
      name: 'browser',
      setupFiles: ['test/helpers/buffer.browser.ts'],
      include: browserSuites(),
      browser: {
        enabled: true,
        headless: true,
        provider: playwright({ launchOptions: { executablePath: CHROMIUM, args: CHROMIUM_ARGS } }),
        instances: [{ browser: 'chromium' }],
        screenshotFailures: false,
      },
    },
  } as const;
}
