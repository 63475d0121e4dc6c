/**
 * Accessibility of the web debugger in Chromium: axe-core on every scheme and mode, each with
 * the form empty, a valid result shown and an invalid (or error) result shown, in the light and
 * the dark colour scheme, at 1280 px and at 360 px. Zero serious or critical violations; at
 * 360 px the document never scrolls sideways; every control is reached by Tab and shows a
 * visible focus indicator.
 *
 * axe is injected through the devtools protocol (page.evaluate), which the page's CSP does not
 * govern, so the harness's no-CSP-violation guard stays on (no bypassCSP).
 */
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/wycheproof.js';
import { choose, cspViolations, ensurePlayground, type Harness, have, open, staticServer } from './harness.js';

const AXE_SOURCE = readFileSync(join(REPO_ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
const SCHEMES = ['hostdime', 'sixconnect', 'whm', 'hostkey', 'hostbill'] as const;
const MODES = ['verify', 'sign'] as const;
const COLOURS = ['light', 'dark'] as const;

interface AxeReport {
  passes: number;
  /** Serious and critical violations: "id (impact) target; target ...". */
  bad: string[];
}

/** Runs axe-core on the whole document; injects it first when the page does not have it yet. */
async function axe(page: Page): Promise<AxeReport> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    const a = (window as unknown as { axe: { run(ctx: Document, o: object): Promise<{ passes: unknown[]; violations: { id: string; impact?: string | null; nodes: { target: unknown[] }[] }[] }> } }).axe;
    const r = await a.run(document, { resultTypes: ['violations'] });
    const bad = r.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}) ${v.nodes.map((n) => JSON.stringify(n.target)).join('; ')}`);
    return { passes: r.passes.length, bad };
  });
}

/** The forms shown for the chosen scheme and mode (HostKey has two in verify mode; its PIN check sits in a <details>, which is what gets hidden). */
const visibleForms = (page: Page): Promise<string[]> =>
  page.evaluate(() => Array.from(document.querySelectorAll<HTMLFormElement>('#forms form.tool')).filter((f) => f.closest('[hidden]') === null).map((f) => f.id));

/** Submits a form and waits for its result, whatever the verdict. */
async function submitted(page: Page, formId: string): Promise<string> {
  await page.click(`#${formId} button[type=submit]`);
  await page.waitForSelector(`#result[data-state=done][data-form=${formId}]`);
  return (await page.getAttribute('#verdict', 'data-status')) ?? '';
}

/** One field per verify form that, changed, makes the loaded example fail. */
const BREAK: Record<string, [field: string, change: (v: string) => string]> = {
  'hostdime-verify': ['privateKey', (v) => `${v}x`],
  'sixconnect-verify': ['secretKey', (v) => `${v}x`],
  'whm-verify': ['record', (v) => `X${v.slice(1)}`],
  'hostkey-verify': ['session', (v) => `${v[0] === 'a' ? 'b' : 'a'}${v.slice(1)}`],
  'hostkey-pin': ['pin', (v) => `${v.slice(0, -1)}${v.endsWith('0') ? '1' : '0'}`],
  'hostbill-verify': ['request', (v) => `${v.slice(0, -6)}${v.endsWith('AAAAAA') ? 'BBBBBB' : 'AAAAAA'}`],
};

type State = 'empty' | 'valid' | 'invalid';

/** Puts a form into a state: nothing submitted, the example submitted, or a broken one submitted. */
async function reach(page: Page, scheme: string, mode: string, formId: string, state: State): Promise<string> {
  await choose(page, scheme, mode as 'verify' | 'sign');
  if (state === 'empty') {
    // As a new visitor sees it: the form blank, no result.
    await page.evaluate((id) => {
      (document.getElementById(id) as HTMLFormElement).reset();
      document.getElementById('result')!.replaceChildren();
    }, formId);
    return '';
  }
  // A collapsed form (HostKey's PIN check sits in a closed <details>): opened as a person does, by its summary.
  if (await page.evaluate((id) => document.getElementById(id)!.closest('details')?.open === false, formId)) {
    await page.click(`details:has(> #${formId}) > summary`);
  }
  await page.click(`#${formId} button.example`);
  // The example loader may be async (HostKey's PIN record): wait for a filled form.
  await page.waitForFunction((id) => Array.from((document.getElementById(id) as HTMLFormElement).elements).some((e) => (e as HTMLInputElement).type !== 'checkbox' && (e as HTMLInputElement).value), formId);
  if (state === 'invalid') {
    const brk = BREAK[formId];
    if (brk) {
      const sel = `#${formId}-${brk[0]}`;
      await page.fill(sel, brk[1](await page.inputValue(sel)));
    } else {
      // Sign forms: an empty form is refused with an error verdict.
      await page.evaluate((id) => (document.getElementById(id) as HTMLFormElement).reset(), formId);
    }
  }
  return submitted(page, formId);
}

async function noSidewaysScroll(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    if (document.documentElement.scrollWidth <= window.innerWidth) return [];
    const wide = Array.from(document.querySelectorAll('body *'))
      .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
      .slice(0, 5)
      .map((e) => `${e.tagName}.${e.className}#${e.id} ${Math.round(e.getBoundingClientRect().right)}`);
    return [`scrollWidth ${document.documentElement.scrollWidth} > ${window.innerWidth}`, ...wide];
  });
}

/** sRGB relative luminance contrast of two computed "rgb(r, g, b)" colours (WCAG 2). */
function contrast(a: string, b: string): number {
  const lum = (c: string) => {
    const [r, g, bl] = (c.match(/[\d.]+/g) ?? ['0', '0', '0']).slice(0, 3).map((x) => {
      const v = Number(x) / 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    }) as [number, number, number];
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

interface Stop {
  key: string;
  what: string;
  outline: string;
  outlineWidth: number;
  outlineColor: string;
  shadow: string;
}

/**
 * Tabs through the whole page from the top; returns what was focused, in order, with its
 * focused style, and the controls a keyboard user must reach (one radio per group).
 */
async function tabThrough(page: Page): Promise<{ stops: Stop[]; controls: string[]; unfocused: Record<string, { outline: string; shadow: string }>; background: string }> {
  const controls = await page.evaluate(() => {
    const seenGroups = new Set<string>();
    const out: string[] = [];
    const all = Array.from(document.querySelectorAll<HTMLElement>('a[href], button, input, select, textarea, summary, [tabindex]'));
    all.forEach((e, i) => e.setAttribute('data-kbd', String(i)));
    for (const e of all) {
      // checkVisibility, not getClientRects: Chromium lays out a closed <details>' content (content-visibility: hidden), unfocusable.
      if (!e.checkVisibility() || (e as HTMLInputElement).disabled || e.tabIndex < 0) continue;
      if (e instanceof HTMLInputElement && e.type === 'radio') {
        const checked = document.querySelector<HTMLInputElement>(`input[type=radio][name="${e.name}"]:checked`);
        if (seenGroups.has(e.name) || (checked && checked !== e)) continue;
        seenGroups.add(e.name);
      }
      out.push(e.dataset.kbd!);
    }
    return out;
  });
  // A click on the heading moves the sequential focus starting point to the top of the page.
  await page.click('h1');
  const stops: Stop[] = [];
  for (let i = 0; i < 200; i++) {
    await page.keyboard.press('Tab');
    const s = await page.evaluate(() => {
      const e = document.activeElement as HTMLElement | null;
      if (!e || e === document.body) return null;
      // Chromium also focuses scrollable regions that hold no control: a stop, checked like the rest.
      e.dataset.kbd ??= `scroller-${document.querySelectorAll('[data-kbd^=scroller]').length}`;
      const cs = getComputedStyle(e);
      return { key: e.dataset.kbd, what: `${e.tagName.toLowerCase()}#${e.id}.${e.className}${e.getAttribute('name') ? `[name=${e.getAttribute('name')}]` : ''}`, outline: cs.outlineStyle, outlineWidth: parseFloat(cs.outlineWidth), outlineColor: cs.outlineColor, shadow: cs.boxShadow };
    });
    if (!s || stops.some((x) => x.key === s.key)) break;
    stops.push(s);
  }
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  const { unfocused, background } = await page.evaluate((keys) => {
    const u: Record<string, { outline: string; shadow: string }> = {};
    for (const k of keys) {
      const cs = getComputedStyle(document.querySelector(`[data-kbd="${k}"]`)!);
      u[k] = { outline: `${cs.outlineStyle} ${cs.outlineWidth} ${cs.outlineColor}`, shadow: cs.boxShadow };
    }
    return { unfocused: u, background: getComputedStyle(document.body).backgroundColor };
  }, stops.map((x) => x.key));
  return { stops, controls, unfocused, background };
}

/** Result blocks that hide part of their text (clipped, or scrolling on their own). */
async function clipped(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll<HTMLElement>('#result pre, #result td, #result .headline'))
      .filter((e) => e.getClientRects().length > 0 && (e.scrollWidth > e.clientWidth + 1 || (e.tagName === 'PRE' && e.scrollHeight > e.clientHeight + 1)))
      .slice(0, 5)
      .map((e) => `clipped ${e.tagName.toLowerCase()}#${e.id}.${e.className} ${e.scrollWidth}x${e.scrollHeight} in ${e.clientWidth}x${e.clientHeight}`),
  );
}

describe.skipIf(!have)('web debugger accessibility (axe-core in Chromium)', () => {
  let site: { server: Server; origin: string };
  beforeAll(async () => {
    site = await staticServer(ensurePlayground());
  });
  afterAll(async () => {
    await new Promise((r) => site?.server.close(r));
  });

  it('axe runs in the page and does report a broken element', async () => {
    const h = await open(site.origin, '/');
    try {
      const clean = await axe(h.page);
      expect(clean.passes).toBeGreaterThan(10);
      // A fixture the rules must catch: an unlabeled text field and grey-on-white text.
      await h.page.evaluate(() => {
        const i = document.createElement('input');
        i.type = 'text';
        i.id = 'axe-canary-input';
        const p = document.createElement('p');
        p.id = 'axe-canary-text';
        p.style.cssText = 'color:#ccc;background:#fff';
        p.textContent = 'low contrast';
        document.querySelector('main')!.append(i, p);
      });
      const broken = (await axe(h.page)).bad.join('\n');
      expect(broken).toMatch(/^label \(critical\).*axe-canary-input/m);
      expect(broken).toMatch(/^color-contrast \(serious\).*axe-canary-text/m);
      expect(h.offences).toEqual([]);
      expect(await cspViolations(h.page)).toEqual([]);
    } finally {
      await h.close();
    }
  });

  it('keyboard: every control of every scheme and mode, with a result shown, is reached by Tab and shows a focus ring (2 px or more, 3:1 on the page), light and dark', { timeout: 120_000 }, async () => {
    const h = await open(site.origin, '/');
    try {
      const problems: string[] = [];
      let checked = 0;
      for (const scheme of SCHEMES) {
        for (const mode of MODES) {
          await choose(h.page, scheme, mode);
          const formId = (await visibleForms(h.page))[0]!;
          await reach(h.page, scheme, mode, formId, 'valid');
          // Every disclosure open (its summary is pressed as a keyboard user would), so the controls behind it are checked too.
          for (;;) {
            const closed = h.page.locator('details:not([open]) > summary:visible');
            if ((await closed.count()) === 0) break;
            await closed.first().focus();
            await h.page.keyboard.press('Enter');
          }
          for (const colorScheme of COLOURS) {
            await h.page.emulateMedia({ colorScheme });
            const { stops, controls, unfocused, background } = await tabThrough(h.page);
            const reached = new Set(stops.map((x) => x.key));
            for (const c of controls) if (!reached.has(c)) problems.push(`${scheme}-${mode} ${colorScheme}: control data-kbd=${c} not reached by Tab`);
            for (const x of stops) {
              checked++;
              const ring = x.outline !== 'none' && x.outlineWidth >= 2 && contrast(x.outlineColor, background) >= 3;
              const changed = `${x.outline} ${x.outlineWidth}px ${x.outlineColor}` !== unfocused[x.key]!.outline || x.shadow !== unfocused[x.key]!.shadow;
              if (!ring || !changed) problems.push(`${scheme}-${mode} ${colorScheme}: ${x.what} focus ${x.outline} ${x.outlineWidth}px ${x.outlineColor} shadow ${x.shadow} (bg ${background})`);
            }
          }
        }
      }
      expect(checked).toBeGreaterThan(100);
      expect(problems).toEqual([]);
      expect(h.offences).toEqual([]);
    } finally {
      await h.close();
    }
  });

  it('colours: a dark palette under prefers-color-scheme: dark; JWT parts, stale results, collapsed blocks, links and marks readable (AA) in both', { timeout: 60_000 }, async () => {
    const h = await open(site.origin, '/');
    try {
      // The states the page renders: a JWT in colour, a stale verdict, a collapsed compare block.
      await h.page.evaluate(() => {
        const r = document.getElementById('result')!;
        r.insertAdjacentHTML(
          'beforeend',
          `<div id="fx" class="stale">
            <p class="stale-note" id="fx-stale">Out of date: the inputs changed since this result.</p>
            <div class="verdict invalid"><p class="headline"><span class="badge" id="fx-badge">invalid</span> <span id="fx-head">signature</span></p></div>
            <div class="verdict error"><p class="headline"><span class="badge" id="fx-badge-e">note</span> x</p></div>
            <div class="stages"><article class="stage"><h3>token</h3>
              <pre><code><span class="tok-h" id="fx-h">eyJhbGciOiJSUzI1NiJ9</span><span class="tok-dot">.</span><span class="tok-p" id="fx-p">eyJzdWIiOiJjbGllbnQtNDIifQ</span><span class="tok-dot">.</span><span class="tok-s" id="fx-s">c2lnbmF0dXJl</span></code></pre>
              <p class="cmp-label">server</p>
              <pre class="cmp expected collapsed"><code><span class="elided" id="fx-elided">… 400 characters …</span>ab<mark id="fx-mark">c</mark>d</code></pre>
              <details class="cmp-more"><summary id="fx-summary">Show all 512 characters</summary><pre class="cmp">abcd</pre></details>
              <p class="note"><a href="#hostbill-verify" id="fx-link">a link</a></p>
            </article>
            <article class="stage tok-p"><h3 class="tok-p" id="fx-h3">payload</h3><pre><code id="fx-json">{"sub": "client-42"}</code></pre></article></div>
          </div>`,
        );
      });
      const ids = ['fx-stale', 'fx-badge', 'fx-head', 'fx-badge-e', 'fx-h', 'fx-p', 'fx-s', 'fx-elided', 'fx-mark', 'fx-summary', 'fx-link', 'fx-h3', 'fx-json'];
      const palettes: Record<string, string> = {};
      for (const colorScheme of COLOURS) {
        await h.page.emulateMedia({ colorScheme });
        const r = await h.page.evaluate(async () => {
          const a = (window as unknown as { axe: { run(ctx: string, o: object): Promise<Record<'violations' | 'passes' | 'incomplete', { nodes: { target: string[]; any: { data?: { contrastRatio?: number } }[] }[] }[]>> } }).axe;
          return a.run('#fx', { runOnly: ['color-contrast'] });
        }).catch(async () => {
          await axe(h.page); // injects axe
          return h.page.evaluate(async () => {
            const a = (window as unknown as { axe: { run(ctx: string, o: object): Promise<Record<'violations' | 'passes' | 'incomplete', { nodes: { target: string[]; any: { data?: { contrastRatio?: number } }[] }[] }[]>> } }).axe;
            return a.run('#fx', { runOnly: ['color-contrast'] });
          });
        });
        const targets = (k: 'violations' | 'passes' | 'incomplete') => r[k].flatMap((x) => x.nodes.map((n) => `${n.target.join(' ')} ${n.any[0]?.data?.contrastRatio ?? ''}`));
        expect(targets('violations'), colorScheme).toEqual([]);
        expect(targets('incomplete'), colorScheme).toEqual([]);
        const passed = targets('passes').join('\n');
        for (const id of ids) expect(passed, `${colorScheme}: #${id} was checked`).toContain(`#${id}`);
        const colours = await h.page.evaluate(() => {
          const c = (sel: string, p: 'color' | 'backgroundColor' = 'color') => getComputedStyle(document.querySelector(sel)!)[p];
          const fx = getComputedStyle(document.querySelector('#fx')!);
          return { bg: c('body', 'backgroundColor'), fg: c('body'), h: c('#fx-h'), p: c('#fx-p'), s: c('#fx-s'), staleColor: fx.borderTopColor, staleStyle: fx.borderTopStyle };
        });
        // A stale result is marked by a dashed edge that stands out from the page (3:1, WCAG 1.4.11).
        expect(colours.staleStyle, colorScheme).toBe('dashed');
        expect(contrast(colours.staleColor, colours.bg), `${colorScheme} stale ${colours.staleColor}`).toBeGreaterThanOrEqual(3);
        // Three distinct token colours, none of them the body text colour.
        expect(new Set([colours.fg, colours.h, colours.p, colours.s]).size, colorScheme).toBe(4);
        palettes[colorScheme] = colours.bg;
        expect(contrast(colours.bg, 'rgb(0, 0, 0)') > 10, `${colorScheme} background ${colours.bg}`).toBe(colorScheme === 'light');
      }
      expect(palettes.light).not.toBe(palettes.dark);
      expect(h.offences).toEqual([]);
    } finally {
      await h.close();
    }
  });

  it('HostDime Sign at 1280 px: the curl, PHP and JS snippets are shown whole, nothing clipped or scrolled', async () => {
    const h = await open(site.origin, '/');
    try {
      for (const dialect of ['php', 'js']) {
        await reach(h.page, 'hostdime', 'sign', 'hostdime-sign', 'valid');
        await h.page.selectOption('#hostdime-sign-dialect', dialect);
        expect(await submitted(h.page, 'hostdime-sign')).toBe('signed');
        const boxes = await h.page.evaluate(() =>
          Array.from(document.querySelectorAll<HTMLElement>('#result pre')).map((p) => ({ id: p.id || p.className, sw: p.scrollWidth, cw: p.clientWidth, sh: p.scrollHeight, ch: p.clientHeight, right: p.getBoundingClientRect().right })),
        );
        expect(boxes.filter((b) => b.id.startsWith('snippet-')).length).toBe(3);
        expect(boxes.filter((b) => b.sw > b.cw + 1 || b.sh > b.ch + 1 || b.right > 1280), dialect).toEqual([]);
      }
    } finally {
      await h.close();
    }
  });

  it('copy buttons are named after what they copy, their visible word first (label in name)', async () => {
    const h = await open(site.origin, '/');
    try {
      const names = async () => {
        const out: string[] = [];
        // The accessibility tree's name and the visible text of every button in the result.
        for (const b of await h.page.locator('#result').getByRole('button').all()) out.push(await b.ariaSnapshot());
        return out;
      };
      expect(await reach(h.page, 'hostdime', 'sign', 'hostdime-sign', 'valid')).toBe('signed');
      expect(await names()).toEqual(['- button "Copy curl snippet": Copy', '- button "Copy PHP snippet": Copy', '- button "Copy JavaScript snippet": Copy']);
      expect(await reach(h.page, 'hostkey', 'sign', 'hostkey-pinrecord', 'valid')).toBe('signed');
      expect(await names()).toEqual(['- button "Copy PIN record": Copy']);
      expect(h.offences).toEqual([]);
    } finally {
      await h.close();
    }
  });

  for (const width of [1280, 360] as const) {
    describe(`at ${width} px`, () => {
      let h: Harness;
      beforeAll(async () => {
        h = await open(site.origin, '/', { width, height: width === 360 ? 780 : 900 });
      });
      afterAll(async () => {
        await h?.close();
      });

      for (const scheme of SCHEMES) {
        it(`${scheme}: every mode and state, light and dark: no serious or critical violation, no clipped block${width === 360 ? ', no sideways scrolling' : ''}`, { timeout: 120_000 }, async () => {
          const problems: string[] = [];
          let passes = 0;
          for (const mode of MODES) {
            await choose(h.page, scheme, mode);
            for (const formId of await visibleForms(h.page)) {
              for (const state of ['empty', 'valid', 'invalid'] as const) {
                const status = await reach(h.page, scheme, mode, formId, state);
                if (state === 'valid') expect(status, `${formId} example`).toBe(mode === 'sign' ? 'signed' : 'valid');
                if (state === 'invalid') expect(['invalid', 'error'], `${formId} broken`).toContain(status);
                for (const colorScheme of COLOURS) {
                  await h.page.emulateMedia({ colorScheme });
                  const r = await axe(h.page);
                  passes = Math.max(passes, r.passes);
                  for (const b of r.bad) problems.push(`${formId} ${state} ${colorScheme}: ${b}`);
                  if (width === 360) for (const o of await noSidewaysScroll(h.page)) problems.push(`${formId} ${state} ${colorScheme}: ${o}`);
                  for (const o of await clipped(h.page)) problems.push(`${formId} ${state} ${colorScheme}: ${o}`);
                }
              }
            }
          }
          expect(passes).toBeGreaterThan(10);
          expect(problems).toEqual([]);
          expect(h.offences).toEqual([]);
          expect(await cspViolations(h.page)).toEqual([]);
        });
      }
    });
  }
});
