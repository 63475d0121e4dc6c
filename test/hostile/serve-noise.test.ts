// Attack class (of the noisy kind): what a browser asks any server for. Opening serve in a
// browser used to run the verifier on /favicon.ico and log a SCHEME_UNKNOWN line with a
// diagnosis for each; these get a quiet 404 now, with no verifier run and no line.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isBrowserNoise } from '../../src/cli/commands/serve.js';
import { httpHead, rawRequest, type Serve, startServe } from './serve-helpers.js';

let serve: Serve;
beforeAll(async () => {
  serve = await startServe();
});
afterAll(() => serve.close());

const NOISE = ['/favicon.ico', '/robots.txt', '/apple-touch-icon.png', '/apple-touch-icon-precomposed.png', '/apple-touch-icon-152x152.png', '/.well-known/security.txt', '/.well-known/appspecific/com.chrome.devtools.json', '/favicon.ico?v=2'];

describe('serve: browser noise is a quiet 404', () => {
  it.each(NOISE.flatMap((p) => [['GET', p], ['HEAD', p]]))('%s %s: 404, no verifier run, no log line', async (method, target) => {
    const lines = serve.lines.length;
    const verdicts = serve.verdicts.length;
    const r = await rawRequest(serve.port, httpHead(method, target));
    expect(r.status).toBe(404);
    expect(r.headers['x-hostsig-verdict']).toBeUndefined();
    expect(serve.lines.length).toBe(lines);
    expect(serve.verdicts.length).toBe(verdicts);
  });

  it('any /.well-known/ name, any icon size: quiet; other methods and look-alikes still reach the verifier', async () => {
    const quiet = fc.oneof(
      fc.string({ unit: 'grapheme-ascii', maxLength: 30 }).map((s) => `/.well-known/${encodeURIComponent(s)}`),
      fc.string({ unit: 'grapheme-ascii', maxLength: 12 }).map((s) => `/apple-touch-icon${encodeURIComponent(s)}.png`),
    );
    await fc.assert(
      fc.asyncProperty(quiet, fc.constantFrom('GET', 'HEAD'), async (p, m) => {
        const before = serve.lines.length;
        expect((await rawRequest(serve.port, httpHead(m, p))).status).toBe(404);
        expect(serve.lines.length).toBe(before);
      }),
      { numRuns: 60 },
    );
    for (const [m, p] of [['POST', '/favicon.ico'], ['GET', '/favicon.ico.php'], ['GET', '/x/favicon.ico'], ['GET', '/.well-known'], ['DELETE', '/robots.txt']] as const) {
      expect(isBrowserNoise(m, p.split('?')[0]!), `${m} ${p}`).toBe(false);
      const before = serve.lines.length;
      expect((await rawRequest(serve.port, httpHead(m, p))).status).toBe(401);
      expect(serve.lines.length).toBe(before + 1);
    }
  });
});
