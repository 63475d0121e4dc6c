/**
 * End to end, issue 17: the page verifies as you type (no button), keeps the verdict in view
 * after Verify, follows the URL hash (on load and on hashchange), makes share links that carry
 * no secret and open to the same analysis, shows a JWT in colour, re-signs HostBill tokens live
 * from edited header/payload JSON, refuses a 1 MB paste without freezing, and fixes the defects
 * (PIN form placement, HostDime base URL, collapsed RSA block, placeholders never diffed, Ruby
 * dialect). Expected values come from node:crypto and jose, never from hostsig.
 */
import { createHash, createHmac, createPrivateKey, createPublicKey, createVerify, generateKeyPairSync, randomBytes, scryptSync } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/wycheproof.js';
import { choose, cspViolations, ensurePlayground, type Harness, have, open, OUT, shot, staticServer } from './harness.js';

const sha = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
const HD_BODY = 'status=registered&order=desc&api_key=pub&api_timestamp=1369758680&api_unique=ABCDEF&api_hash=499b5d8b8bce0f66d829d9186fb475c16b505ef7e6238c3b43c3342902ce27dd';
const HD_REQUEST = `POST /v1/domain/list.json HTTP/1.1\nHost: api.hostdime.com\nContent-Type: application/x-www-form-urlencoded\n\n${HD_BODY}`;
const HD_PARAMS_JSON = JSON.stringify(JSON.stringify({ status: 'registered', order: 'desc' }));
const SC_SECRET = '48b278ec873bda4738923dbc467f8669';
const SC_SIGNED = 'target=ipam&action=get&type=IP&mask=24&apiKey=32-5DAYTJQY2TZHOFOB';
const SC_URL = `https://ipam.example.com/api/v1/api.php?${SC_SIGNED}&hash=yneSFMyxPPe+3W4IOkVp50K3VStatBcRRak+2ygDUWQ=`;

/** Waits (without pressing anything) until the form's latest run shows this verdict; returns the result's text. */
async function verdict(page: Page, formId: string, status: string): Promise<string> {
  await page.waitForFunction(
    ([f, s]) => {
      const r = document.getElementById('result');
      return r?.dataset.state === 'done' && r.dataset.form === f && document.getElementById('verdict')?.dataset.status === s;
    },
    [formId, status] as const,
    { timeout: 15_000 },
  );
  return page.innerText('#result');
}

/** Real key presses at the end of a field: Backspace, then the new character. */
async function retypeLast(page: Page, selector: string, char: string): Promise<void> {
  await page.focus(selector);
  await page.keyboard.press('End');
  await page.keyboard.press('Backspace');
  await page.keyboard.type(char);
}

const b64urlJson = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;

describe.skipIf(!have)('web debugger, live (issue 17)', () => {
  let site: { server: Server; origin: string };
  let h: Harness;
  const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pubPem = keys.publicKey.export({ type: 'spki', format: 'pem' }).toString();

  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true });
    site = await staticServer(ensurePlayground());
    h = await open(site.origin, '/');
  });
  afterAll(async () => {
    await h?.close();
    await new Promise((r) => site?.server.close(r));
  });

  describe('typing updates the verdict, no button pressed', () => {
    it('HostDime: one wrong character in the private key, and back', async () => {
      await choose(h.page, 'hostdime');
      await h.page.fill('#hostdime-verify-request', HD_REQUEST);
      await h.page.fill('#hostdime-verify-privateKey', 'fazbaz');
      await verdict(h.page, 'hostdime-verify', 'valid');
      await retypeLast(h.page, '#hostdime-verify-privateKey', 'x');
      const text = await verdict(h.page, 'hostdime-verify', 'invalid');
      expect(text).toMatch(/^INVALID the hash does not match; no known mistake reproduces it \(check the private key, the method and that the body is the one that was sent\)$/m);
      // The hash the server computes with the key as typed now (node:crypto).
      expect(text).toContain(sha(`1369758680:ABCDEF:fazbax:domain.list:${HD_PARAMS_JSON}`));
      await retypeLast(h.page, '#hostdime-verify-privateKey', 'z');
      expect(await verdict(h.page, 'hostdime-verify', 'valid')).toContain(sha(`1369758680:ABCDEF:fazbaz:domain.list:${HD_PARAMS_JSON}`));
    });

    it('screen readers: one live region, outside #result, speaks the headline only when it changes', async () => {
      await choose(h.page, 'hostdime');
      // Nothing in or around the result is a live region any more: typing re-renders it on every pause.
      expect(await h.page.evaluate(() => {
        const r = document.getElementById('result')!;
        return [r.getAttribute('aria-live'), r.querySelectorAll('[aria-live], [role=status], [role=alert], [role=log]').length];
      })).toEqual([null, 0]);
      expect(await h.page.evaluate(() => Array.from(document.querySelectorAll('[aria-live], [role=status], [role=alert]')).filter((e) => !e.closest('form')).map((e) => e.id))).toEqual(['announce']);
      // Hidden from sight, not from the accessibility tree.
      expect(await h.page.evaluate(() => {
        const a = document.getElementById('announce')!;
        const r = a.getBoundingClientRect();
        return [a.getAttribute('aria-atomic'), a.checkVisibility(), r.width <= 1 && r.height <= 1];
      })).toEqual(['true', true, true]);
      await h.page.fill('#hostdime-verify-request', HD_REQUEST);
      await h.page.fill('#hostdime-verify-privateKey', 'fazbaz');
      await verdict(h.page, 'hostdime-verify', 'valid');
      // Every text the region takes from here on, in order.
      await h.page.evaluate(() => {
        const a = document.getElementById('announce')!;
        const said: string[] = [];
        (window as unknown as { __said: string[] }).__said = said;
        new MutationObserver(() => said.push(a.textContent ?? '')).observe(a, { childList: true, characterData: true, subtree: true });
      });
      const valid = await h.page.textContent('#announce');
      await retypeLast(h.page, '#hostdime-verify-privateKey', 'x');
      await verdict(h.page, 'hostdime-verify', 'invalid');
      // Another wrong key: a new run, a new hash in the result, the same headline: nothing is said.
      const runs = await h.page.getAttribute('#result', 'data-run');
      await retypeLast(h.page, '#hostdime-verify-privateKey', 'y');
      await h.page.waitForFunction((n) => document.getElementById('result')!.dataset.run !== n && document.getElementById('result')!.dataset.state === 'done', runs);
      expect(await h.page.innerText('#result')).toContain(sha(`1369758680:ABCDEF:fazbay:domain.list:${HD_PARAMS_JSON}`));
      await retypeLast(h.page, '#hostdime-verify-privateKey', 'z');
      await verdict(h.page, 'hostdime-verify', 'valid');
      const said = await h.page.evaluate(() => (window as unknown as { __said: string[] }).__said);
      expect(valid).toBe('valid: api_hash matches (PHP dialect)');
      expect(said).toEqual(['invalid: the hash does not match; no known mistake reproduces it (check the private key, the method and that the body is the one that was sent)', valid]);
    });

    it('6connect: one wrong character in the secret, and back', async () => {
      await choose(h.page, 'sixconnect');
      await h.page.fill('#sixconnect-verify-request', SC_URL);
      await h.page.fill('#sixconnect-verify-secretKey', SC_SECRET);
      await verdict(h.page, 'sixconnect-verify', 'valid');
      await retypeLast(h.page, '#sixconnect-verify-secretKey', '0');
      const text = await verdict(h.page, 'sixconnect-verify', 'invalid');
      expect(text).toMatch(/^INVALID the hash does not match; no known mistake reproduces it \(check the secret\)$/m);
      expect(text).toContain(createHmac('sha256', `${SC_SECRET.slice(0, -1)}0`).update(SC_SIGNED).digest('base64'));
      await retypeLast(h.page, '#sixconnect-verify-secretKey', '9');
      await verdict(h.page, 'sixconnect-verify', 'valid');
    });

    it('WHM: one wrong character in the stored token, and back', async () => {
      const token = Array.from(randomBytes(32), (b) => 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'[b % 36]).join('');
      const wrong = `${token.slice(0, -1)}${token.endsWith('Q') ? 'R' : 'Q'}`;
      await choose(h.page, 'whm');
      await h.page.fill('#whm-verify-request', `GET /json-api/listaccts?api.version=1 HTTP/1.1\nHost: server.example.com:2087\nAuthorization: whm root:${token}\n`);
      await h.page.fill('#whm-verify-record', token);
      expect(await verdict(h.page, 'whm-verify', 'valid')).toContain(sha(token));
      await retypeLast(h.page, '#whm-verify-record', wrong.slice(-1));
      const text = await verdict(h.page, 'whm-verify', 'invalid');
      expect(text).toMatch(/^INVALID \(HTTP 401\): unknown user or token$/m);
      expect(text).toContain(sha(wrong));
      await retypeLast(h.page, '#whm-verify-record', token.slice(-1));
      await verdict(h.page, 'whm-verify', 'valid');
    });

    it('HostKey: one wrong character in the issued token, and back', async () => {
      const token = randomBytes(16).toString('hex');
      const wrong = `${token.slice(0, -1)}${token.endsWith('0') ? '1' : '0'}`;
      await choose(h.page, 'hostkey');
      await h.page.fill('#hostkey-verify-request', `POST /eq.php HTTP/1.1\nHost: invapi.hostkey.com\nContent-Type: application/x-www-form-urlencoded\n\naction=list&token=${token}`);
      await h.page.fill('#hostkey-verify-session', token);
      await verdict(h.page, 'hostkey-verify', 'valid');
      await retypeLast(h.page, '#hostkey-verify-session', wrong.slice(-1));
      const text = await verdict(h.page, 'hostkey-verify', 'invalid');
      expect(text).toMatch(/^INVALID \(HTTP 401\): unknown session token: a well-formed token the session store does not hold$/m);
      expect(text).toContain(sha(wrong));
      await retypeLast(h.page, '#hostkey-verify-session', token.slice(-1));
      await verdict(h.page, 'hostkey-verify', 'valid');
    });

    it('HostBill: one wrong character in the public key, and back', async () => {
      const sub = `client-${randomBytes(4).toString('hex')}`;
      const jwt = await new SignJWT({ sub }).setProtectedHeader({ alg: 'RS256', typ: 'JWT' }).setIssuedAt().setExpirationTime('1h').sign(keys.privateKey);
      await choose(h.page, 'hostbill');
      await h.page.fill('#hostbill-verify-request', `Authorization: Bearer ${jwt}`);
      // The modulus' last base64 character before the exponent line is on the 7th line of a 2048-bit SPKI PEM: change one earlier.
      const lines = pubPem.trimEnd().split('\n');
      const at = 3;
      const orig = lines[at]!;
      const changed = `${orig.slice(0, -1)}${orig.endsWith('A') ? 'B' : 'A'}`;
      await h.page.fill('#hostbill-verify-publicKey', pubPem);
      expect(await verdict(h.page, 'hostbill-verify', 'valid')).toContain(sub);
      await h.page.fill('#hostbill-verify-publicKey', [...lines.slice(0, at), changed, ...lines.slice(at + 1)].join('\n'));
      const text = await verdict(h.page, 'hostbill-verify', 'invalid');
      expect(text).toMatch(/key-mismatch/);
      expect(text).toContain(sub);
      await h.page.fill('#hostbill-verify-publicKey', pubPem);
      await verdict(h.page, 'hostbill-verify', 'valid');
    });
  });

  it('a slow run that finishes after a newer one never overwrites it (HostKey PIN: scrypt, then a fast refusal)', async () => {
    const salt = randomBytes(16);
    const record = { alg: 'scrypt', N: 16384, r: 8, p: 1, dkLen: 32, salt: salt.toString('hex'), hash: scryptSync('482915', salt, 32, { N: 16384, r: 8, p: 1 }).toString('hex') };
    await choose(h.page, 'hostkey');
    await h.page.evaluate((rec) => {
      const form = document.getElementById('hostkey-pin') as HTMLFormElement;
      (form.elements.namedItem('pin') as HTMLInputElement).value = '482915';
      (form.elements.namedItem('record') as HTMLTextAreaElement).value = rec;
      form.requestSubmit(); // slow: scrypt, valid
      (form.elements.namedItem('record') as HTMLTextAreaElement).value = 'not json';
      form.requestSubmit(); // fast: refused at once
    }, JSON.stringify(record));
    const text = await verdict(h.page, 'hostkey-pin', 'error');
    expect(text).toMatch(/not JSON/);
    await h.page.waitForTimeout(1500); // the scrypt run has long finished
    expect(await h.page.getAttribute('#verdict', 'data-status')).toBe('error');
    expect(await h.page.innerText('#result')).toMatch(/not JSON/);
  });

  it('keeps the verdict in view after Verify, and does not jump while typing', async () => {
    const short = await open(site.origin, '/', { width: 1280, height: 400 });
    try {
      await short.page.fill('#hostdime-verify-request', HD_REQUEST);
      await short.page.fill('#hostdime-verify-privateKey', 'fazbaz');
      await verdict(short.page, 'hostdime-verify', 'valid');
      const before = await short.page.evaluate(() => ({ y: scrollY, top: document.getElementById('verdict')!.getBoundingClientRect().top, vh: innerHeight }));
      expect(before.top).toBeGreaterThan(before.vh); // the live run left the page where it was
      expect(await short.page.evaluate(() => document.activeElement?.id)).toBe('hostdime-verify-privateKey');
      await short.page.click('#hostdime-verify button[type=submit]');
      await short.page.waitForFunction(() => {
        const r = document.getElementById('verdict')?.getBoundingClientRect();
        return r !== undefined && r.top >= -1 && r.bottom <= innerHeight + 1;
      });
      // With reduced motion the jump is immediate: in view as soon as the run is done.
      await short.page.emulateMedia({ reducedMotion: 'reduce' });
      await short.page.evaluate(() => scrollTo(0, 0));
      await short.page.focus('#hostdime-verify-privateKey');
      await short.page.keyboard.press('Enter');
      // Enter ran the form at once (the result is busy until its run is done).
      await short.page.waitForSelector('#result[data-state=done][data-form=hostdime-verify]');
      const inView = await short.page.evaluate(() => {
        const r = document.getElementById('verdict')!.getBoundingClientRect();
        return r.top >= -1 && r.bottom <= innerHeight + 1;
      });
      expect(inView).toBe(true);
      expect(await short.page.evaluate(() => document.activeElement?.id)).toBe('hostdime-verify-privateKey');
      expect(short.offences).toEqual([]);
    } finally {
      await short.close();
    }
  });

  describe('the URL hash selects scheme and mode', () => {
    it('on load', async () => {
      const o = await open(site.origin, '/#whm-sign');
      try {
        expect(await o.page.isVisible('#whm-sign')).toBe(true);
        expect(await o.page.isVisible('#hostdime-verify')).toBe(false);
        expect(await o.page.isChecked('#controls input[name=mode][value=sign]')).toBe(true);
      } finally {
        await o.close();
      }
    });

    it('on hashchange in an open page; unknown hashes change nothing', async () => {
      await choose(h.page, 'hostdime');
      await h.page.evaluate(() => (location.hash = '#hostbill-verify'));
      await h.page.waitForSelector('#hostbill-verify', { state: 'visible' });
      expect(await h.page.isVisible('#hostdime-verify')).toBe(false);
      expect(await h.page.isChecked('#controls input[name=scheme][value=hostbill]')).toBe(true);
      await h.page.evaluate(() => (location.hash = '#sixconnect-sign'));
      await h.page.waitForSelector('#sixconnect-sign', { state: 'visible' });
      for (const bad of ['#nope-verify', '#constructor-verify', '#__proto__-sign', '#hostdime-delete', '#hostdime-verify&r=!!!']) {
        await h.page.evaluate((x) => (location.hash = x), bad);
        await h.page.waitForTimeout(50);
        expect(await h.page.isVisible(bad.startsWith('#hostdime-verify') ? '#hostdime-verify' : '#sixconnect-sign')).toBe(true);
      }
      expect(h.offences).toEqual([]);
    });
  });

  describe('share links carry the request, never a secret', () => {
    const cases: { form: string; fill: [string, string][]; secrets: string[]; kept: string }[] = [
      { form: 'hostdime-verify', fill: [['request', HD_REQUEST], ['privateKey', 'fazbaz-very-secret-key']], secrets: ['fazbaz-very-secret-key', '499b5d8b8bce0f66d829d9186fb475c16b505ef7e6238c3b43c3342902ce27dd'], kept: 'status=registered&order=desc' },
      { form: 'sixconnect-verify', fill: [['request', SC_URL], ['secretKey', SC_SECRET]], secrets: [SC_SECRET, 'yneSFMyxPPe+3W4IOkVp50K3VStatBcRRak+2ygDUWQ='], kept: 'target=ipam&action=get' },
      { form: 'whm-verify', fill: [['request', 'GET /json-api/listaccts HTTP/1.1\nHost: h:2087\nAuthorization: whm root:U7HMR63FGY292DQZ4H5BFH16JLYMO01M'], ['record', 'U7HMR63FGY292DQZ4H5BFH16JLYMO01M'], ['clientIp', '203.0.113.7']], secrets: ['U7HMR63FGY292DQZ4H5BFH16JLYMO01M'], kept: '/json-api/listaccts' },
      { form: 'hostkey-verify', fill: [['request', 'action=list&token=3f0c9a5be1d24c7f8a6b2e4d9c1f7a05'], ['session', '3f0c9a5be1d24c7f8a6b2e4d9c1f7a05']], secrets: ['3f0c9a5be1d24c7f8a6b2e4d9c1f7a05'], kept: 'action=list' },
      { form: 'hostbill-verify', fill: [['request', 'GET /api/details HTTP/1.1\nAuthorization: Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlc2VjcmV0'], ['publicKey', pubPem], ['email', 'who@example.com'], ['password', 'hunter2-pass']], secrets: ['eyJhbGciOiJSUzI1NiJ9', 'c2lnbmF0dXJlc2VjcmV0', 'hunter2-pass', 'who@example.com', pubPem.split('\n')[1]!] , kept: '/api/details' },
      { form: 'hostbill-sign', fill: [['privateKey', readFileSync(join(REPO_ROOT, 'vectors/keys/rsa2048.pkcs1.pem'), 'utf8')], ['url', 'https://billing.example.com/api/x'], ['claims', '{"sub":"c1","password":"p4ssw0rd-in-claims"}'], ['password', 'basic-secret-pw']], secrets: ['MIIE', 'p4ssw0rd-in-claims', 'basic-secret-pw'], kept: 'billing.example.com/api/x' },
    ];
    for (const c of cases) {
      it(`${c.form}: the link has none of the secrets typed, and opens to the same form, filled and analysed`, async () => {
        const [scheme, mode] = c.form.split('-') as [string, 'verify' | 'sign'];
        await choose(h.page, scheme, mode);
        for (const [k, v] of c.fill) await h.page.fill(`#${c.form}-${k}`, v);
        expect(await h.page.innerText(`#${c.form} .share-note`)).toMatch(/never carries a key, secret, token, password or PIN/);
        await h.page.click(`#${c.form} button.share`);
        await h.page.waitForFunction((f) => location.hash.startsWith(`#${f}&r=`), c.form);
        const url = h.page.url();
        const payload = Buffer.from(url.slice(url.indexOf('&r=') + 3), 'base64url').toString('utf8');
        for (const s of c.secrets) {
          expect(url).not.toContain(s);
          expect(decodeURIComponent(url)).not.toContain(s);
          expect(payload).not.toContain(s);
        }
        expect(payload).toContain(JSON.stringify(c.kept).slice(1, -1));
        expect(url.length).toBeLessThanOrEqual(8192 + site.origin.length + 2);
        const o = await open(site.origin, url.slice(site.origin.length));
        try {
          expect(await o.page.isVisible(`#${c.form}`)).toBe(true);
          expect(await o.page.inputValue(`#${c.form}-${c.fill[0]![0] === 'privateKey' ? 'url' : 'request'}`)).toContain(c.kept);
          for (const [k] of c.fill.filter(([k]) => ['privateKey', 'secretKey', 'record', 'session', 'publicKey', 'email', 'password'].includes(k))) expect(await o.page.inputValue(`#${c.form}-${k}`)).toBe('');
          await o.page.waitForSelector(`#result[data-state=done][data-form=${c.form}]`);
          expect(o.offences).toEqual([]);
          expect(await cspViolations(o.page)).toEqual([]);
        } finally {
          await o.close();
        }
      });
    }
  });

  it('shows the token in colour: header, payload, signature, and the decoded parts in the same colours', async () => {
    const jwt = await new SignJWT({ sub: 'client-colour', n: 7 }).setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: 'k-colour' }).sign(keys.privateKey);
    const [hd, pl, sg] = jwt.split('.') as [string, string, string];
    await choose(h.page, 'hostbill');
    await h.page.fill('#hostbill-verify-request', `Authorization: Bearer ${jwt}`);
    await h.page.fill('#hostbill-verify-publicKey', pubPem);
    await verdict(h.page, 'hostbill-verify', 'valid');
    expect(await h.page.textContent('#token-view .token .tok-h')).toBe(hd);
    expect(await h.page.textContent('#token-view .token .tok-p')).toBe(pl);
    expect(await h.page.textContent('#token-view .token .tok-s')).toBe(sg);
    expect(await h.page.textContent('#token-view .token')).toBe(jwt);
    expect(await h.page.locator('#token-view .token .tok-dot').count()).toBe(2);
    expect(JSON.parse((await h.page.textContent('#token-view .token-decoded .tok-h pre'))!)).toEqual(b64urlJson(hd));
    expect(JSON.parse((await h.page.textContent('#token-view .token-decoded .tok-p pre'))!)).toEqual({ sub: 'client-colour', n: 7 });
    // Each part has its own colour, the same in the token and in its decoded panel.
    const colours = await h.page.evaluate(() =>
      ['tok-h', 'tok-p', 'tok-s'].map((c) => [getComputedStyle(document.querySelector(`#token-view .token .${c}`)!).color, getComputedStyle(document.querySelector(`#token-view .token-decoded .${c}`)!).borderLeftColor]),
    );
    expect(new Set(colours.map(([a]) => a)).size).toBe(3);
    for (const [a, b] of colours) expect(a).toBe(b);
    await shot(h.page, 'hostbill-token-colour');
    // Any pasted JWT: a Bearer token sent to WHM is shown the same way.
    await choose(h.page, 'whm');
    await h.page.fill('#whm-verify-request', `Authorization: Bearer ${jwt}`);
    await h.page.fill('#whm-verify-record', 'U7HMR63FGY292DQZ4H5BFH16JLYMO01M');
    await h.page.waitForFunction(() => document.getElementById('result')?.dataset.form === 'whm-verify' && document.getElementById('result')?.dataset.state === 'done');
    expect(await h.page.textContent('#token-view .token')).toBe(jwt);
  });

  it('HostBill sign: editing the header and payload JSON re-signs live (node:crypto verifies); invalid JSON says where and keeps the last token, marked stale', async () => {
    const pem = readFileSync(join(REPO_ROOT, 'vectors/keys/rsa2048.pkcs1.pem'), 'utf8');
    const pub = createPublicKey(createPrivateKey(pem));
    const verifies = (t: string) => {
      const [a, b, s] = t.split('.');
      return createVerify('RSA-SHA256').update(`${a}.${b}`).verify(pub, Buffer.from(s!, 'base64url'));
    };
    const token = async () => (await h.page.textContent('#token-view .token'))!;
    await choose(h.page, 'hostbill', 'sign');
    await h.page.click('#hostbill-sign button.example');
    await verdict(h.page, 'hostbill-sign', 'signed');
    await h.page.fill('#hostbill-sign-claims', '{\n  "sub": "client-99",\n  "role": "ops"\n}');
    await h.page.waitForFunction(() => (document.querySelector('#token-view .token-decoded .tok-p pre')?.textContent ?? '').includes('client-99'));
    const t1 = await token();
    expect(verifies(t1)).toBe(true);
    expect(b64urlJson(t1.split('.')[1]!)).toMatchObject({ sub: 'client-99', role: 'ops' });
    await h.page.fill('#hostbill-sign-header', '{"alg":"RS256","typ":"JWT","kid":"k9"}');
    await h.page.waitForFunction(() => (document.querySelector('#token-view .token-decoded .tok-h pre')?.textContent ?? '').includes('k9'));
    const t2 = await token();
    expect(verifies(t2)).toBe(true);
    expect(b64urlJson(t2.split('.')[0]!)).toEqual({ alg: 'RS256', typ: 'JWT', kid: 'k9' });
    await h.page.fill('#hostbill-sign-claims', '{\n  "sub": "client-99",\n  "role": \n}');
    const text = await verdict(h.page, 'hostbill-sign', 'error');
    expect(text).toMatch(/payload JSON is invalid at line 4, column 1/);
    expect(await h.page.isVisible('#token-view.stale')).toBe(true);
    expect(await token()).toBe(t2);
    expect(text).toMatch(/STALE/);
    await shot(h.page, 'hostbill-sign-stale');
  });

  it('a 1 MB paste: the page answers at once and says it analyses up to 256 KiB', async () => {
    await choose(h.page, 'hostdime');
    await h.page.fill('#hostdime-verify-privateKey', 'fazbaz');
    await h.page.fill('#hostdime-verify-request', `a=${'x'.repeat(999_998)}`);
    const text = await verdict(h.page, 'hostdime-verify', 'error');
    expect(text).toContain('request is 1.0 MB; the page analyses up to 256 KiB; use `hostsig diagnose`');
    for (let i = 0; i < 3; i++) {
      const t = Date.now();
      await h.page.keyboard.type('y');
      expect(await h.page.evaluate(() => 1 + 1)).toBe(2);
      expect(Date.now() - t).toBeLessThan(2000);
    }
    await h.page.fill('#hostdime-verify-request', HD_REQUEST);
    await verdict(h.page, 'hostdime-verify', 'valid');
  });

  describe('defects', () => {
    it('(a) HostKey verify: the PIN check is collapsed, so the result follows the token check', async () => {
      await choose(h.page, 'hostkey');
      await h.page.fill('#hostkey-verify-request', 'action=list&token=3f0c9a5be1d24c7f8a6b2e4d9c1f7a05');
      await h.page.fill('#hostkey-verify-session', '3f0c9a5be1d24c7f8a6b2e4d9c1f7a05');
      await verdict(h.page, 'hostkey-verify', 'valid');
      expect(await h.page.isVisible('#hostkey-pin-pin')).toBe(false);
      const gap = await h.page.evaluate(() => document.getElementById('result')!.getBoundingClientRect().top - document.getElementById('hostkey-verify')!.getBoundingClientRect().bottom);
      expect(gap).toBeLessThan(90);
    });

    it('(b) HostDime sign: a base URL field (default api.hostdime.com) used by every snippet', async () => {
      await choose(h.page, 'hostdime', 'sign');
      expect(await h.page.inputValue('#hostdime-sign-baseUrl')).toBe('https://api.hostdime.com');
      await h.page.click('#hostdime-sign button.example');
      await h.page.fill('#hostdime-sign-baseUrl', 'https://api.staging.example/');
      await h.page.waitForFunction(() => (document.getElementById('snippet-curl')?.textContent ?? '').includes('staging'));
      for (const k of ['curl', 'php', 'js']) expect(await h.page.innerText(`#snippet-${k}`)).toContain('https://api.staging.example/v1/domain/list.json');
      for (const k of ['curl', 'php', 'js']) expect(await h.page.innerText(`#snippet-${k}`)).toContain(HD_BODY);
    });

    it('(c) the 512-hex RSA block is collapsed around the differing region, all of it one click away', async () => {
      const jwt = await new SignJWT({ sub: 'x' }).setProtectedHeader({ alg: 'RS256' }).sign(keys.privateKey);
      const big = (b: Buffer) => BigInt(`0x${b.toString('hex') || '0'}`);
      // A wrong key whose modulus is above the signature (else nothing is recovered and there is no block
      // to show, a random outcome that made this test flaky): drawn again until it is.
      const sig = big(Buffer.from(jwt.split('.')[2]!, 'base64url'));
      let other = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
      while (big(Buffer.from(other.export({ format: 'jwk' }).n!, 'base64url')) <= sig) other = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
      // signature^e mod n under the wrong key, computed here with BigInt.
      const jwk = other.export({ format: 'jwk' });
      const modPow = (b: bigint, e: bigint, m: bigint) => {
        let r = 1n;
        for (b %= m; e > 0n; e >>= 1n, b = (b * b) % m) if (e & 1n) r = (r * b) % m;
        return r;
      };
      const block = modPow(big(Buffer.from(jwt.split('.')[2]!, 'base64url')), big(Buffer.from(jwk.e!, 'base64url')), big(Buffer.from(jwk.n!, 'base64url'))).toString(16).padStart(512, '0');
      await choose(h.page, 'hostbill');
      await h.page.fill('#hostbill-verify-request', jwt);
      await h.page.fill('#hostbill-verify-publicKey', other.export({ type: 'spki', format: 'pem' }).toString());
      await verdict(h.page, 'hostbill-verify', 'invalid');
      const stage = h.page.locator('.stage', { has: h.page.locator('details.cmp-all') }).first();
      const excerpts = await stage.locator('pre.cmp-excerpt').allInnerTexts();
      expect(excerpts.length).toBe(2);
      for (const e of excerpts) expect(e.length).toBeLessThan(200);
      expect(excerpts.some((e) => e.includes(block.slice(0, 32)) || block.includes(e.replace(/…/g, '').slice(0, 40)))).toBe(true);
      expect(await stage.locator('details.cmp-all').getAttribute('open')).toBeNull();
      await stage.locator('details.cmp-all > summary').click();
      expect((await stage.locator('details.cmp-all').innerText()).replace(/\s/g, '')).toContain(block);
    });

    it('(d) a placeholder such as "(no hash)" is shown, never diffed', async () => {
      await choose(h.page, 'hostdime');
      await h.page.fill('#hostdime-verify-request', HD_REQUEST.replace(/&api_hash=.*$/, ''));
      await h.page.fill('#hostdime-verify-privateKey', 'fazbaz');
      const text = await verdict(h.page, 'hostdime-verify', 'invalid');
      expect(text).toMatch(/nothing to compare: no api_hash/);
      const stage = h.page.locator('.stage-compare', { hasText: 'nothing to compare' });
      expect(await stage.locator('mark').count()).toBe(0);
      expect(await stage.innerText()).not.toMatch(/first difference/);
    });

    it('(d) a sent value that only looks like a placeholder is a value: diffed, not hidden', async () => {
      // Only the analyses' expectedMissing/receivedMissing flags mean "missing"; the text "(no hash)" sent as hash= is what was sent.
      await choose(h.page, 'sixconnect');
      await h.page.fill('#sixconnect-verify-request', `https://ipam.example.com/api/v1/api.php?${SC_SIGNED}&hash=(no hash)`);
      await h.page.fill('#sixconnect-verify-secretKey', SC_SECRET);
      const text = await verdict(h.page, 'sixconnect-verify', 'invalid');
      expect(text).not.toMatch(/nothing to compare/);
      const stage = h.page.locator('.stage-compare', { hasText: '3. hash' });
      expect(await stage.innerText()).toMatch(/first difference at character 1 \(highlighted\)/);
      expect(await stage.locator('mark').allInnerTexts()).toEqual([createHmac('sha256', SC_SECRET).update(SC_SIGNED).digest('base64')[0], '(']);
    });

    it('(e) HostDime sign offers the Ruby dialect, which hashes as the gem does', async () => {
      await choose(h.page, 'hostdime', 'sign');
      await h.page.fill('#hostdime-sign-method', 'utility.echo');
      await h.page.fill('#hostdime-sign-params', 'url=http://example.com/a');
      await h.page.fill('#hostdime-sign-publicKey', 'pub');
      await h.page.fill('#hostdime-sign-privateKey', 'fazbaz');
      await h.page.fill('#hostdime-sign-timestamp', '1369758680');
      await h.page.fill('#hostdime-sign-unique', 'ABCDEF');
      await h.page.selectOption('#hostdime-sign-dialect', 'ruby');
      // params.to_json.to_json: no escaped slash (PHP would write http:\/\/).
      const expected = sha(`1369758680:ABCDEF:fazbaz:utility.echo:${JSON.stringify(JSON.stringify({ url: 'http://example.com/a' }))}`);
      await h.page.waitForFunction((x) => (document.getElementById('snippet-curl')?.textContent ?? '').includes(x), expected);
      expect(await h.page.innerText('#result')).toMatch(/ruby dialect/);
    });
  });

  it('the token view, the JSON editors and the share note read at 360 px: no horizontal scrolling', async () => {
    const narrow = await open(site.origin, '/#hostbill-sign', { width: 360, height: 780 });
    try {
      const overflow = () =>
        narrow.page.evaluate(() =>
          Array.from(document.querySelectorAll('body *'))
            .filter((e) => e.getBoundingClientRect().right > 361)
            .slice(0, 5)
            .map((e) => `${e.tagName}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`),
        );
      await narrow.page.click('#hostbill-sign button.example');
      await verdict(narrow.page, 'hostbill-sign', 'signed');
      expect(await narrow.page.isVisible('#token-view')).toBe(true);
      expect(await overflow()).toEqual([]);
      await narrow.page.evaluate(() => (location.hash = '#hostbill-verify'));
      await narrow.page.click('#hostbill-verify button.example');
      await verdict(narrow.page, 'hostbill-verify', 'valid');
      expect(await narrow.page.isVisible('#token-view')).toBe(true);
      expect(await overflow()).toEqual([]);
      await shot(narrow.page, 'hostbill-token-360px');
      expect(await narrow.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
      expect(narrow.offences).toEqual([]);
    } finally {
      await narrow.close();
    }
  });

  it('made no request but its own files, and no CSP violation', async () => {
    expect(h.offences).toEqual([]);
    expect(await cspViolations(h.page)).toEqual([]);
  });
});

describe.skipIf(!have)('web debugger, live, opened as a file', () => {
  it('file://...#whm-verify: the hash picks the form, typing verifies, a share link is made', async () => {
    const dir = ensurePlayground();
    const token = 'U7HMR63FGY292DQZ4H5BFH16JLYMO01M';
    const h = await open(`file://${dir}`, '/index.html#whm-verify');
    try {
      expect(await h.page.isVisible('#whm-verify')).toBe(true);
      await h.page.fill('#whm-verify-request', `Authorization: whm root:${token}`);
      await h.page.fill('#whm-verify-record', token);
      await verdict(h.page, 'whm-verify', 'valid');
      await h.page.click('#whm-verify button.share');
      await h.page.waitForFunction(() => location.hash.startsWith('#whm-verify&r='));
      expect(h.page.url()).not.toContain(token);
      expect(Buffer.from(h.page.url().split('&r=')[1]!, 'base64url').toString()).not.toContain(token);
      expect(h.offences).toEqual([]);
      expect(await cspViolations(h.page)).toEqual([]);
    } finally {
      await h.close();
    }
  });
});
