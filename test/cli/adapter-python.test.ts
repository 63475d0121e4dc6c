// The Python reference adapter (examples/adapters/python/hostsig_adapter.py) run by
// `hostsig vectors --exec` over the JSON-lines protocol: every case it implements passes, the
// group types it lacks are skipped (never failed), and broken copies of it fail.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/wycheproof.js';
import { ensureBuilt, hostsig, json } from './run.js';
import type { GroupRow } from '../../src/cli/vectors/runner.js';

// Debian's interpreter: python3-jwt is installed for it (`python3` on PATH may be a pyenv shim without PyJWT).
const PYTHON = '/usr/bin/python3';
const ADAPTER = join('examples', 'adapters', 'python', 'hostsig_adapter.py');

let available: boolean | undefined;
/** True when Debian's python3 with PyJWT is there (CI installs python3 python3-jwt; elsewhere the tests skip with a reason). */
function pythonAvailable(): boolean {
  if (available === undefined) {
    try {
      execFileSync(PYTHON, ['-c', 'import jwt, cryptography'], { stdio: 'pipe' });
      available = true;
    } catch {
      available = false;
      console.warn(`[skip] ${PYTHON} with PyJWT not found: the Python adapter tests need it (apt-get install python3 python3-jwt)`);
    }
  }
  return available;
}

/** The group types the adapter implements; every other type must come back "unsupported". */
const IMPLEMENTED = new Set([
  'HostDimeCanonical',
  'HostDimeSign',
  'HostDimeVerify',
  'SixConnectSign',
  'SixConnectVerify',
  'JwtRs256Sign',
  'JwtRs256Verify',
  'HostBillBasicFormat',
  'HostBillBasicParse',
  'HostBillBearerVerify',
  'HostBillRefreshDigest',
  'WhmTokenFormat',
  'HostKeyTokenFormat',
  'HostKeyPinHash',
]);

type Row = GroupRow;

/** Cases per group type, counted from the vector files themselves. */
function casesPerType(): Map<string, number> {
  const n = new Map<string, number>();
  for (const f of readdirSync(join(REPO_ROOT, 'vectors')).filter((x) => x.endsWith('.json'))) {
    const data = JSON.parse(readFileSync(join(REPO_ROOT, 'vectors', f), 'utf8'));
    for (const g of data.testGroups as { type: string; tests: unknown[] }[]) n.set(g.type, (n.get(g.type) ?? 0) + g.tests.length);
  }
  return n;
}

let dir: string;
beforeAll(() => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'hostsig-py-'));
});

/** Runs the vectors against a copy of the adapter with one text replaced. */
function runPatched(name: string, from: string, to: string, scheme: string) {
  const src = readFileSync(join(REPO_ROOT, ADAPTER), 'utf8');
  const patched = src.replace(from, to);
  expect(patched, `the text to break is in the adapter: ${from}`).not.toBe(src);
  const file = join(dir, `${name}.py`);
  writeFileSync(file, patched);
  const r = hostsig(['vectors', '--exec', `"${PYTHON}" "${file}"`, '--scheme', scheme, '--json']);
  return { code: r.code, failures: json(r).failures as { type: string; tcId: number; what: string }[] };
}

describe.skipIf(!pythonAvailable())('the Python reference adapter', () => {
  it('passes every HostDime, 6connect and JWT case (and the HostBill, WHM and HostKey types it has); the rest is skipped, never failed', () => {
    const r = hostsig(['vectors', '--exec', `"${PYTHON}" ${ADAPTER}`, '--json']);
    const rep = json(r);
    expect(rep.failures).toEqual([]);
    expect(r.code).toBe(0);
    const rows = rep.rows as Row[];
    for (const row of rows) {
      if (IMPLEMENTED.has(row.type)) expect(row).toMatchObject({ pass: row.cases, fail: 0, skip: 0 });
      else expect(row).toMatchObject({ pass: 0, fail: 0, skip: row.cases, note: 'unsupported by the adapter: skipped' });
    }
    // The three families the adapter must cover are all in the run, with every case of the files.
    const perType = casesPerType();
    for (const t of ['HostDimeCanonical', 'HostDimeSign', 'HostDimeVerify', 'SixConnectSign', 'SixConnectVerify', 'JwtRs256Sign', 'JwtRs256Verify']) {
      expect(perType.get(t), t).toBeGreaterThan(0);
      expect(rows.filter((x) => x.type === t).reduce((n, x) => n + x.pass, 0), t).toBe(perType.get(t));
    }
    const implemented = [...perType].filter(([t]) => IMPLEMENTED.has(t)).reduce((n, [, c]) => n + c, 0);
    expect(rep.totals).toMatchObject({ pass: implemented, fail: 0, skip: rep.totals.cases - implemented });
    expect(rep.totals.skip).toBeGreaterThan(0); // the "unsupported" answer is exercised too
  });

  it('a copy that keeps "/" unescaped (json.dumps style) fails HostDime at stage paramsJson', () => {
    const r = runPatched('no-slash-escape', `'/': '\\\\/', `, '', 'hostdime');
    expect(r.code).toBe(1);
    expect(r.failures).toContainEqual(expect.objectContaining({ type: 'HostDimeCanonical', tcId: 3, what: 'stage paramsJson' }));
  });

  it('a copy that leaves "~" raw (urllib.parse style) fails 6connect at stage query', () => {
    const r = runPatched('tilde-raw', `0123456789-_.')`, `0123456789-_.~')`, 'sixconnect');
    expect(r.code).toBe(1);
    expect(r.failures).toContainEqual(expect.objectContaining({ type: 'SixConnectSign', tcId: 8, what: 'stage query' }));
  });

  it('a copy that ignores non-zero trailing base64url bits accepts a token the vectors refuse', () => {
    const r = runPatched('lenient-base64url', 'if b64u(b) != s:', 'if False:', 'jwt-rs256');
    expect(r.code).toBe(1);
    expect(r.failures.map((f) => [f.type, f.tcId, f.what])).toEqual([['JwtRs256Verify', 23, 'result']]);
  });

  it('without PyJWT the JWT types answer "unsupported" (skipped), and HostDime still passes', () => {
    // A jwt package that fails to import shadows Debian's PyJWT.
    const fake = join(dir, 'no-pyjwt', 'jwt');
    mkdirSync(fake, { recursive: true });
    writeFileSync(join(fake, '__init__.py'), 'raise ImportError("PyJWT hidden by the test")\n');
    const r = hostsig(['vectors', '--exec', `"${PYTHON}" ${ADAPTER}`, '--scheme', 'jwt-rs256', '--scheme', 'hostdime', '--json'], { env: { PYTHONPATH: join(dir, 'no-pyjwt') } });
    const rep = json(r);
    expect(r.code).toBe(0);
    expect(rep.failures).toEqual([]);
    for (const row of rep.rows as Row[]) {
      if (row.scheme === 'jwt-rs256') expect(row).toMatchObject({ pass: 0, skip: row.cases });
      else expect(row).toMatchObject({ pass: row.cases, skip: 0 });
    }
    expect(r.stderr).toContain('PyJWT unavailable');
  });
});
