/**
 * The README's screenshots of the web debugger, made in Chromium from fixed inputs, a fixed
 * clock and fixed viewports, so two runs on one machine give the same pictures:
 *
 *   docs/images/playground.png              HostDime, a JS-dialect hash named, 1280 px, light
 *   docs/images/playground-dark.png         the same, prefers-color-scheme: dark
 *   docs/images/playground-360.png          6connect, a "+" turned into a space, 360 px
 *   docs/images/playground-hostbill-jwt.png HostBill, an RS256 JWT in colour, 1280 px, light
 *
 * This file is the only writer of docs/images/ (the other e2e tests keep theirs in test-output/web/).
 * Written only with HOSTSIG_DOCS_SCREENSHOT=1 (npm's docs scripts, or by hand after a change to
 * the page): `HOSTSIG_DOCS_SCREENSHOT=1 npx vitest run --project node test/web/screenshots.test.ts`.
 * The JWT is made with jose from the published test key vectors/keys/rsa2048.pkcs1.pem (RS256 is
 * deterministic), and the page's clock is pinned to its iat.
 */
import { createHash, createPrivateKey, createPublicKey } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/wycheproof.js';
import { choose, cspViolations, ensurePlayground, type Harness, have, open, staticServer, submit } from './harness.js';

const IMAGES = join(REPO_ROOT, 'docs', 'images');
const wanted = process.env.HOSTSIG_DOCS_SCREENSHOT === '1';
/** 2026-01-15T10:00:00Z: the JWT's iat and the page's clock. */
const NOW = 1768471200;

const sha = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
const HD_JS_HASH = sha(`1369758680:ABCDEF:fazbaz:utility.echo:${JSON.stringify(JSON.stringify({ url: 'http://example.com/a' }))}`);
const SC_URL = 'https://ipam.example.com/api/v1/api.php?target=ipam&action=get&type=IP&mask=24&apiKey=32-5DAYTJQY2TZHOFOB&hash=yneSFMyxPPe+3W4IOkVp50K3VStatBcRRak+2ygDUWQ=';

/** Same picture every run: the page's clock pinned, no caret, no hover, top of the page. */
async function pin(h: Harness): Promise<void> {
  await h.page.clock.setFixedTime(NOW * 1000);
}

async function save(page: Page, name: string): Promise<void> {
  await page.evaluate(() => {
    (document.activeElement as HTMLElement | null)?.blur();
    // fill() leaves a long textarea scrolled to its end: show each from its first line.
    for (const t of Array.from(document.querySelectorAll('textarea'))) t.scrollTop = 0;
    window.scrollTo(0, 0);
  });
  await page.mouse.move(0, 0);
  await page.screenshot({ path: join(IMAGES, name), fullPage: true, caret: 'hide', animations: 'disabled' });
}

async function hostDimeJsDialect(page: Page): Promise<void> {
  await choose(page, 'hostdime');
  await page.fill('#hostdime-verify-request', `url=http%3A%2F%2Fexample.com%2Fa&api_key=pub&api_timestamp=1369758680&api_unique=ABCDEF&api_hash=${HD_JS_HASH}`);
  await page.fill('#hostdime-verify-method', 'utility.echo');
  await page.fill('#hostdime-verify-privateKey', 'fazbaz');
  expect((await submit(page, 'hostdime-verify')).status).toBe('invalid');
}

describe.skipIf(!have || !wanted)('docs/images: screenshots of the web debugger', () => {
  let site: { server: Server; origin: string };
  beforeAll(async () => {
    mkdirSync(IMAGES, { recursive: true });
    site = await staticServer(ensurePlayground());
  });
  afterAll(async () => {
    await new Promise((r) => site?.server.close(r));
  });

  const shoot = (name: string, viewport: { width: number; height: number }, colorScheme: 'light' | 'dark', act: (page: Page) => Promise<void>) =>
    it(name, { timeout: 60_000 }, async () => {
      const h = await open(site.origin, '/', viewport);
      try {
        await pin(h);
        await h.page.emulateMedia({ colorScheme, reducedMotion: 'reduce' });
        await act(h.page);
        await save(h.page, name);
        expect(h.offences).toEqual([]);
        expect(await cspViolations(h.page)).toEqual([]);
      } finally {
        await h.close();
      }
    });

  shoot('playground.png', { width: 1280, height: 900 }, 'light', hostDimeJsDialect);
  shoot('playground-dark.png', { width: 1280, height: 900 }, 'dark', hostDimeJsDialect);
  shoot('playground-360.png', { width: 360, height: 780 }, 'light', async (page) => {
    await choose(page, 'sixconnect');
    await page.fill('#sixconnect-verify-request', SC_URL.replace(/\+/g, ' '));
    await page.fill('#sixconnect-verify-secretKey', '48b278ec873bda4738923dbc467f8669');
    expect((await submit(page, 'sixconnect-verify')).status).toBe('valid');
  });
  shoot('playground-hostbill-jwt.png', { width: 1280, height: 900 }, 'light', async (page) => {
    const pem = readFileSync(join(REPO_ROOT, 'vectors', 'keys', 'rsa2048.pkcs1.pem'), 'utf8');
    const key = createPrivateKey(pem);
    const jwt = await new SignJWT({ sub: 'client-42', iss: 'https://billing.example.com' })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
      .setIssuedAt(NOW)
      .setExpirationTime(NOW + 3600)
      .sign(key);
    await choose(page, 'hostbill');
    await page.fill('#hostbill-verify-request', `Authorization: Bearer ${jwt}`);
    await page.fill('#hostbill-verify-publicKey', createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString());
    expect((await submit(page, 'hostbill-verify')).status).toBe('valid');
  });
});
