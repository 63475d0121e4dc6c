/**
 * End to end: the built web debugger in headless Chromium (Debian's /usr/bin/chromium, driven
 * by playwright-core), served by a tiny static server and once by `hostsig serve`. Inputs are
 * made independently of hostsig: the SCHEMES.md vectors, hashes with node:crypto, JWTs with
 * jose, PIN records with node:crypto's scrypt. Any request other than the page's own files,
 * and any CSP violation (a blocked fetch, image, ...), fails the test.
 *
 * Screenshots go to test-output/web/ (not committed). The README's pictures in docs/images/ are
 * made by test/web/screenshots.test.ts alone (HOSTSIG_DOCS_SCREENSHOT=1), never here.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, generateKeyPairSync, randomBytes, scryptSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN } from '../cli/run.js';
import { REPO_ROOT } from '../helpers/wycheproof.js';
import { ARGS, CHROMIUM, choose, cspViolations, ensurePlayground, type Harness, have, open, OUT, shot, staticServer, submit } from './harness.js';

const sha = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
const HD_DOC = 'status=registered&order=desc&api_key=pub&api_timestamp=1369758680&api_unique=ABCDEF&api_hash=499b5d8b8bce0f66d829d9186fb475c16b505ef7e6238c3b43c3342902ce27dd';
const SC_SECRET = '48b278ec873bda4738923dbc467f8669';
const SC_URL = 'https://ipam.example.com/api/v1/api.php?target=ipam&action=get&type=IP&mask=24&apiKey=32-5DAYTJQY2TZHOFOB&hash=yneSFMyxPPe+3W4IOkVp50K3VStatBcRRak+2ygDUWQ=';

describe.skipIf(!have)('web debugger in Chromium', () => {
  let site: { server: Server; origin: string };
  let h: Harness;
  const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });

  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true });
    site = await staticServer(ensurePlayground());
    h = await open(site.origin, '/');
  });
  afterAll(async () => {
    await h?.close();
    await new Promise((r) => site?.server.close(r));
  });

  it('says it works offline, and labels every field', async () => {
    expect(await h.page.innerText('#privacy')).toMatch(/Nothing you paste .* leaves your machine/);
    const unlabeled = await h.page.evaluate(() =>
      Array.from(document.querySelectorAll('input, textarea, select'))
        .filter((e) => (e as HTMLInputElement).labels?.length === 0 && !e.getAttribute('aria-label'))
        .map((e) => e.id || e.outerHTML.slice(0, 60)),
    );
    expect(unlabeled).toEqual([]);
  });

  it('HostDime: the documented request is valid', async () => {
    await choose(h.page, 'hostdime');
    await h.page.fill('#hostdime-verify-request', `POST /v1/domain/list.json HTTP/1.1\nHost: api.hostdime.com\nContent-Type: application/x-www-form-urlencoded\n\n${HD_DOC}`);
    await h.page.fill('#hostdime-verify-method', '');
    await h.page.fill('#hostdime-verify-privateKey', 'fazbaz');
    const r = await submit(h.page, 'hostdime-verify');
    expect(r.status).toBe('valid');
    expect(r.text).toContain('1369758680:ABCDEF:fazbaz:domain.list:"{\\"status\\":\\"registered\\",\\"order\\":\\"desc\\"}"');
    expect(r.text).toContain('identical');
    await shot(h.page, 'hostdime-valid');
  });

  it('HostDime: a hash made by the JS dialect is named, with its fix and the first differing byte', async () => {
    const js = sha(`1369758680:ABCDEF:fazbaz:utility.echo:${JSON.stringify(JSON.stringify({ url: 'http://example.com/a' }))}`);
    await choose(h.page, 'hostdime');
    await h.page.fill('#hostdime-verify-request', `url=http%3A%2F%2Fexample.com%2Fa&api_key=pub&api_timestamp=1369758680&api_unique=ABCDEF&api_hash=${js}`);
    await h.page.fill('#hostdime-verify-method', 'utility.echo');
    await h.page.fill('#hostdime-verify-privateKey', 'fazbaz');
    const r = await submit(h.page, 'hostdime-verify');
    expect(r.status).toBe('invalid');
    expect(r.text).toMatch(/JS dialect/);
    expect(r.text).toMatch(/Fix: .*json_encode/);
    // The hash input the client used vs the server's: first difference at the escaped slash.
    expect(await h.page.locator('.stage mark').count()).toBeGreaterThanOrEqual(4);
    expect(r.text).toContain('first difference at character');
    await shot(h.page, 'hostdime-js-dialect');
  });

  it('6connect: the documented URL is valid; with + turned into spaces it is still valid, with a note', async () => {
    await choose(h.page, 'sixconnect');
    await h.page.fill('#sixconnect-verify-request', SC_URL);
    await h.page.fill('#sixconnect-verify-secretKey', SC_SECRET);
    expect((await submit(h.page, 'sixconnect-verify')).status).toBe('valid');
    await h.page.fill('#sixconnect-verify-request', SC_URL.replace(/\+/g, ' '));
    const r = await submit(h.page, 'sixconnect-verify');
    expect(r.status).toBe('valid');
    expect(r.text).toMatch(/arrived with spaces where base64 has "\+"/);
    await shot(h.page, 'sixconnect-plus-as-space');
  });

  it('WHM: a header with a token made here is valid against that token', async () => {
    const token = Array.from(randomBytes(32), (b) => 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'[b % 36]).join('');
    await choose(h.page, 'whm');
    await h.page.fill('#whm-verify-request', `GET /json-api/listaccts?api.version=1 HTTP/1.1\nHost: server.example.com:2087\nAuthorization: whm root:${token}\n`);
    await h.page.fill('#whm-verify-record', token);
    const r = await submit(h.page, 'whm-verify');
    expect(r.status).toBe('valid');
    expect(r.text).toContain(sha(token));
    await shot(h.page, 'whm-valid');
  });

  it('HostKey: a token= body against the pasted token, and a PIN against a node:crypto scrypt record', async () => {
    const token = randomBytes(16).toString('hex');
    await choose(h.page, 'hostkey');
    await h.page.fill('#hostkey-verify-request', `POST /eq.php HTTP/1.1\nHost: invapi.hostkey.com\nContent-Type: application/x-www-form-urlencoded\n\naction=list&token=${token}`);
    await h.page.fill('#hostkey-verify-session', token);
    expect((await submit(h.page, 'hostkey-verify')).status).toBe('valid');
    await shot(h.page, 'hostkey-valid');
    const salt = randomBytes(16);
    const record = { alg: 'scrypt', N: 16384, r: 8, p: 1, dkLen: 32, salt: salt.toString('hex'), hash: scryptSync('482915', salt, 32, { N: 16384, r: 8, p: 1 }).toString('hex') };
    // The PIN check sits collapsed below the token check (issue 17: the result follows its input).
    await h.page.click('details.tool-more[data-scheme=hostkey] > summary');
    await h.page.fill('#hostkey-pin-pin', '482915');
    await h.page.fill('#hostkey-pin-record', JSON.stringify(record));
    expect((await submit(h.page, 'hostkey-pin')).status).toBe('valid');
    await h.page.fill('#hostkey-pin-pin', '482916');
    expect((await submit(h.page, 'hostkey-pin')).status).toBe('invalid');
  });

  it('HostBill: a jose-signed RS256 JWT is valid with its public key; exp and nbf are shown against the clock', async () => {
    const jwt = await new SignJWT({ sub: 'client-7' }).setProtectedHeader({ alg: 'RS256', typ: 'JWT' }).setIssuedAt().setNotBefore('0s').setExpirationTime('1h').sign(keys.privateKey);
    await choose(h.page, 'hostbill');
    await h.page.fill('#hostbill-verify-request', `Authorization: Bearer ${jwt}`);
    await h.page.fill('#hostbill-verify-publicKey', keys.publicKey.export({ type: 'spki', format: 'pem' }).toString());
    const r = await submit(h.page, 'hostbill-verify');
    expect(r.status).toBe('valid');
    expect(r.text).toMatch(/exp \d+ = .* in (59 minutes|1 hour)/);
    expect(r.text).toContain('"sub": "client-7"');
    await shot(h.page, 'hostbill-valid');
  });

  it('signs: the documented HostDime inputs give the documented hash, as curl, PHP and JS', async () => {
    await choose(h.page, 'hostdime', 'sign');
    await h.page.fill('#hostdime-sign-method', 'domain.list');
    await h.page.fill('#hostdime-sign-params', 'status=registered\norder=desc');
    await h.page.fill('#hostdime-sign-publicKey', 'pub');
    await h.page.fill('#hostdime-sign-privateKey', 'fazbaz');
    await h.page.fill('#hostdime-sign-timestamp', '1369758680');
    await h.page.fill('#hostdime-sign-unique', 'ABCDEF');
    await h.page.click('#hostdime-sign button[type=submit]');
    await h.page.waitForSelector('#result[data-state=done][data-form=hostdime-sign]');
    for (const k of ['curl', 'php', 'js']) expect(await h.page.innerText(`#snippet-${k}`)).toContain(HD_DOC);
    await shot(h.page, 'hostdime-sign');
  });

  it('keyboard only: tab to the fields, type, and verify with Enter', async () => {
    await h.page.goto(`${site.origin}/`);
    await h.page.waitForSelector('body[data-ready="true"]');
    await h.page.locator('#controls input[name=scheme][value=hostdime]').focus();
    await h.page.keyboard.press('ArrowRight'); // radio group: 6connect
    expect(await h.page.isVisible('#sixconnect-verify')).toBe(true);
    await h.page.keyboard.press('Tab'); // mode group
    await h.page.keyboard.press('Tab'); // request
    expect(await h.page.evaluate(() => document.activeElement?.id)).toBe('sixconnect-verify-request');
    await h.page.keyboard.insertText(SC_URL);
    await h.page.keyboard.press('Tab');
    expect(await h.page.evaluate(() => document.activeElement?.id)).toBe('sixconnect-verify-secretKey');
    await h.page.keyboard.type(SC_SECRET);
    await h.page.keyboard.press('Enter');
    await h.page.waitForSelector('#result[data-state=done][data-form=sixconnect-verify]');
    expect(await h.page.getAttribute('#verdict', 'data-status')).toBe('valid');
  });

  it('reads at 360 px: no horizontal scrolling', async () => {
    const narrow = await open(site.origin, '/', { width: 360, height: 780 });
    try {
      await narrow.page.click('#hostdime-verify button.example');
      await narrow.page.click('#hostdime-verify button[type=submit]');
      await narrow.page.waitForSelector('#result[data-state=done]');
      expect(await narrow.page.getAttribute('#verdict', 'data-status')).toBe('valid');
      await shot(narrow.page, 'hostdime-360px');
      const wide = await narrow.page.evaluate(() =>
        Array.from(document.querySelectorAll('body *'))
          .filter((e) => e.getBoundingClientRect().right > 361)
          .slice(0, 5)
          .map((e) => `${e.tagName}.${e.className}#${e.id} ${Math.round(e.getBoundingClientRect().right)}`),
      );
      expect(wide).toEqual([]);
      expect(await narrow.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
      expect(narrow.offences).toEqual([]);
      expect(await cspViolations(narrow.page)).toEqual([]);
    } finally {
      await narrow.close();
    }
  });

  it('made no request but its own files, and the detector does catch one', async () => {
    expect(h.offences).toEqual([]);
    expect(await cspViolations(h.page)).toEqual([]);
    // Canary: a fetch from the page is blocked by the CSP and seen by the detector.
    await h.page.evaluate(() => fetch('http://127.0.0.2:9/leak').catch(() => undefined));
    await h.page.waitForFunction(() => ((window as unknown as { __csp?: string[] }).__csp ?? []).length > 0);
    expect((await cspViolations(h.page)).join()).toMatch(/connect-src/);
  });
});

describe.skipIf(!have)('web debugger opened as a file', () => {
  it('file://.../docs/playground/index.html works with no server at all', async () => {
    const dir = ensurePlayground();
    const h = await open(`file://${dir}`, '/index.html');
    try {
      await choose(h.page, 'sixconnect');
      await h.page.click('#sixconnect-verify button.example');
      expect((await submit(h.page, 'sixconnect-verify')).status).toBe('valid');
      expect(h.offences).toEqual([]);
      expect(await cspViolations(h.page)).toEqual([]);
    } finally {
      await h.close();
    }
  });
});

describe.skipIf(!have)('web debugger served by hostsig serve', () => {
  let child: ChildProcess | undefined;
  afterAll(() => {
    if (child?.pid !== undefined && child.exitCode === null) child.kill('SIGTERM');
  });

  it('GET / leads to the page, which verifies the documented 6connect URL', async () => {
    ensurePlayground();
    child = spawn(process.execPath, [BIN, 'serve', '--port', '0'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const origin = await new Promise<string>((resolve, reject) => {
      let out = '';
      child!.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (m && out.includes('web debugger:')) resolve(m[1]!);
      });
      child!.once('exit', (code) => reject(new Error(`hostsig serve exited ${code}: ${out}`)));
    });
    // curl and SDKs still get serve's JSON at / (and 6connect's /?...&hash= still reaches the verifier).
    const api = await fetch(`${origin}/`);
    expect(api.headers.get('content-type')).toMatch(/json/);
    await api.arrayBuffer();
    const h = await open(origin, '/');
    try {
      expect(h.page.url()).toMatch(new RegExp(`^${origin}/playground/(#|$)`));
      await choose(h.page, 'sixconnect');
      await h.page.fill('#sixconnect-verify-request', SC_URL);
      await h.page.fill('#sixconnect-verify-secretKey', SC_SECRET);
      expect((await submit(h.page, 'sixconnect-verify')).status).toBe('valid');
      await shot(h.page, 'serve-sixconnect');
      expect(h.offences).toEqual([]);
      expect(await cspViolations(h.page)).toEqual([]);
    } finally {
      await h.close();
    }
  });
});
