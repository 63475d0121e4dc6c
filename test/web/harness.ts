/**
 * The web debugger's browser harness, shared by the Chromium e2e suites: builds docs/playground
 * when stale, serves it on loopback, opens it in Debian's Chromium (playwright-core) and records
 * every request other than the page's own files and every CSP violation as an offence.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { ensureBuilt } from '../cli/run.js';
import { REPO_ROOT } from '../helpers/wycheproof.js';

export const CHROMIUM = '/usr/bin/chromium';
export const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
export const OUT = join(REPO_ROOT, 'test-output', 'web');
export const have = existsSync(CHROMIUM);
if (!have) {
  if (process.env.CI) throw new Error(`${CHROMIUM} is missing and CI is set: the web debugger's browser tests must run in CI (.ci/run installs chromium)`);
  console.log(`test/web: Chromium suites skipped, ${CHROMIUM} not found (apt-get install -y chromium; .ci/run installs it)`);
}

/** Builds docs/playground when missing or older than src/ (npm ci's build normally made it). */
export function ensurePlayground(): string {
  ensureBuilt();
  const dir = join(REPO_ROOT, 'docs', 'playground');
  const newest = (d: string): number => Math.max(...execFileSync('find', [d, '-type', 'f', '-printf', '%T@\\n']).toString().trim().split('\n').map((x) => Number(x) * 1000));
  const built = existsSync(join(dir, 'app.js')) ? statSync(join(dir, 'app.js')).mtimeMs : 0;
  if (built < newest(join(REPO_ROOT, 'src'))) execFileSync(process.execPath, [join(REPO_ROOT, 'src/web/build.mjs')], { stdio: 'pipe' });
  return dir;
}

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript' };

export function staticServer(dir: string): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const name = path === '/' ? 'index.html' : path.slice(1);
    const ext = /\.[a-z]+$/.exec(name)?.[0] ?? '';
    if (!/^[a-z]+\.[a-z]+$/.test(name) || !TYPES[ext] || !existsSync(join(dir, name))) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[ext]! }).end(readFileSync(join(dir, name)));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })));
}

export interface Harness {
  context: BrowserContext;
  close(): Promise<void>;
  page: Page;
  /** Requests to anything but the page's own files, and CSP violations. */
  offences: string[];
}

export async function open(origin: string, path: string, viewport = { width: 1280, height: 900 }): Promise<Harness> {
  const profile = mkdtempSync(join(tmpdir(), 'hostsig-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: ARGS, headless: true, viewport });
  const close = async () => {
    await context.close();
    rmSync(profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  };
  const offences: string[] = [];
  const own = new Set(['/', '/playground', '/playground/', '/index.html', '/style.css', '/app.js', '/playground/index.html', '/playground/style.css', '/playground/app.js']);
  context.on('request', (req) => {
    const url = req.url();
    const rest = url.startsWith(`${origin}/`) ? url.slice(origin.length).split(/[?#]/)[0]! : null;
    if (rest === null || !own.has(rest) || req.method() !== 'GET') offences.push(`request ${req.method()} ${url}`);
  });
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      (window as unknown as { __csp: string[] }).__csp ??= [];
      (window as unknown as { __csp: string[] }).__csp.push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (e) => offences.push(`page error: ${e.message}`));
  await page.goto(`${origin}${path}`);
  await page.waitForSelector('body[data-ready="true"]');
  return { context, close, page, offences };
}

export async function cspViolations(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? []);
}

export async function choose(page: Page, scheme: string, mode: 'verify' | 'sign' = 'verify'): Promise<void> {
  await page.check(`#controls input[name=scheme][value=${scheme}]`);
  await page.check(`#controls input[name=mode][value=${mode}]`);
}

export async function submit(page: Page, formId: string): Promise<{ status: string; text: string }> {
  await page.click(`#${formId} button[type=submit]`);
  await page.waitForSelector(`#result[data-state=done][data-form=${formId}]`);
  const status = (await page.getAttribute('#verdict', 'data-status')) ?? '';
  return { status, text: await page.innerText('#result') };
}

export const shot = (page: Page, name: string) => page.screenshot({ path: join(OUT, `${name}.png`), fullPage: true });
