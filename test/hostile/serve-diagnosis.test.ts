// Attack class: making serve's diagnosis do the work. Diagnosis re-derives the signature once
// per known mistake over the whole body, so a 1 MB request with a bad signature cost ~30x a good
// one. Above DIAGNOSIS_MAX_BODY it is skipped, and the log line, the verdict and the demo say so.
// (The time is measured outside the suite: see the report of issue 13; here the work is counted:
// no diagnosis runs.)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIAGNOSIS_MAX_BODY } from '../../src/cli/commands/serve.js';
import { signHostDime } from '../../src/schemes/hostdime/index.js';
import { REPO_ROOT } from '../helpers/wycheproof.js';
import { type Serve, startServe } from './serve-helpers.js';

let serve: Serve;
beforeAll(async () => {
  serve = await startServe();
});
afterAll(() => serve.close());

/** A HostDime request of about `bytes` bytes, signed with the JS dialect (a mistake diagnosis names) or right. */
function request(bytes: number, dialect: 'js' | 'php' = 'js') {
  return signHostDime({ publicKey: 'demo-public', privateKey: 'demo-private', method: 'domain.list', params: { note: 'x'.repeat(bytes), tags: ['a/b', 'é'] }, dialect, baseUrl: serve.url });
}

async function send(r: ReturnType<typeof request>) {
  const before = serve.verdicts.length;
  const res = await fetch(r.url, { method: 'POST', headers: r.headers, body: r.body });
  await res.text();
  expect(serve.verdicts.length).toBe(before + 1);
  return { status: res.status, verdict: serve.verdicts.at(-1)!, line: serve.lines.at(-1)! };
}

describe('serve: diagnosis is skipped above the size cap, and says so', () => {
  it('a 1 MB bad-signature request is answered without a diagnosis: "diagnosis skipped: body over 16384 bytes"', async () => {
    const { status, verdict, line } = await send(request(1_000_000));
    expect(status).toBe(401);
    expect(verdict).toMatchObject({ verdict: 'SIGNATURE_INVALID', diagnosis: [], diagnosisSkipped: `body over ${DIAGNOSIS_MAX_BODY} bytes` });
    expect(line).toMatch(/ -> SIGNATURE_INVALID key=demo-public; diagnosis skipped: body over 16384 bytes$/);
  });

  it('under the cap the same mistake is still diagnosed (js-dialect)', async () => {
    const { verdict, line } = await send(request(DIAGNOSIS_MAX_BODY - 2000));
    expect(verdict.diagnosis[0]?.id).toBe('js-dialect');
    expect(verdict.diagnosisSkipped).toBeUndefined();
    expect(line).toContain('; diagnosis: js-dialect ');
  });

  it('any size: diagnosed exactly when the body is at most the cap', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: DIAGNOSIS_MAX_BODY - 300, max: DIAGNOSIS_MAX_BODY + 300 }), async (n) => {
        const r = request(n);
        const { verdict } = await send(r);
        const over = Buffer.byteLength(r.body) > DIAGNOSIS_MAX_BODY;
        expect(verdict.diagnosisSkipped !== undefined).toBe(over);
        expect(verdict.diagnosis.length > 0).toBe(!over);
      }),
      { numRuns: 15 },
    );
  });
});

describe('JWT diagnosis: linear in the token', () => {
  // A token segment of '=' then a byte made b64decode's /=+$/ quadratic (the token is the
  // unauthenticated Authorization header; node:http lets 16 KiB through).
  it('10x the "=" run takes < 40x the time (best of 3)', async () => {
    const { diagnoseJwt } = await import('../../src/diagnose/index.js');
    const keyFile = new Uint8Array(readFileSync(join(REPO_ROOT, 'vectors', 'keys', 'rsa2048.spki.pem')));
    const token = (n: number) => `eyJhbGciOiJSUzI1NiJ9.${'='.repeat(n)}x.${'='.repeat(n)}x`;
    const time = (n: number) => {
      let best = Infinity;
      for (let i = 0; i < 3; i++) {
        const t0 = performance.now();
        diagnoseJwt({ token: token(n), keyFile });
        best = Math.min(best, performance.now() - t0);
      }
      return best;
    };
    time(1500);
    const small = time(1500);
    const large = time(15_000);
    expect(large).toBeLessThan(40 * Math.max(small, 0.5));
  });
});
