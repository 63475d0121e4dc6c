/**
 * Runs the vector files against a subject: hostsig itself, or another implementation spoken
 * to over the JSON-lines protocol (see protocol.ts and docs/vector-protocol.md).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { canonicalHostDime, hashHostDime, hostDimeDoubleJson, hostDimeParamsJson, signHostDime, typedHostDimeValue, verifyHostDime } from '../../schemes/hostdime/index.js';
import { signSixConnect, verifySixConnect } from '../../schemes/sixconnect/index.js';
import { paramsFromJson } from '../schemes.js';
import { TOKEN_IMPLS } from './impls-token.js';
import type { CaseAnswer, ImplContext, Subject, VectorCase, VectorFile, VectorRequest } from './types.js';

export type { CaseAnswer, ImplContext, Subject, VectorCase, VectorFile, VectorRequest } from './types.js';

/** The base URL the SixConnectSign vectors' `url` stage is built on (see the file's notes). */
export const SIXCONNECT_VECTOR_BASE_URL = 'https://example.6connect.test/api/v1/api.php';

type Impl = (input: any, ctx: ImplContext) => Promise<CaseAnswer> | CaseAnswer;

function errorAnswer(e: unknown): CaseAnswer {
  if (e instanceof Error && e.name === 'HostsigError') return { result: 'invalid', error: (e as Error & { code: string }).code };
  throw e;
}

/** hostsig's own answers, per group type. */
export const HOSTSIG_IMPLS: Record<string, Impl> = {
  HostDimeCanonical(input) {
    try {
      const params = paramsFromJson(input.params);
      const canonical = canonicalHostDime({ ...input, params });
      return {
        result: 'valid',
        stages: { paramsJson: hostDimeParamsJson(params, input.dialect), doubleJson: hostDimeDoubleJson(params, input.dialect), canonical, hash: hashHostDime(canonical) },
      };
    } catch (e) {
      return errorAnswer(e);
    }
  },
  HostDimeSign(input) {
    try {
      const r = signHostDime({ ...input, params: paramsFromJson(input.params), debug: true });
      return { result: 'valid', stages: { canonical: r.canonical, hash: r.hash, body: r.body, path: r.path } };
    } catch (e) {
      return errorAnswer(e);
    }
  },
  async HostDimeVerify(input) {
    const { path, body, privateKey, publicKey, now, toleranceSec, dialects } = input;
    const r = await verifyHostDime({ path, body }, { privateKey, publicKey, now, toleranceSec, dialects });
    if (!r.ok) return { result: 'invalid', error: r.code };
    const params = r.typed ? r.params.mapLeaves(typedHostDimeValue) : r.params;
    const canonical = canonicalHostDime({ timestamp: new URLSearchParams(body).get('api_timestamp') ?? '', unique: r.unique, privateKey, method: r.method, params, dialect: r.dialect });
    return { result: 'valid', stages: { paramsJson: hostDimeParamsJson(params, r.dialect), canonical, hash: hashHostDime(canonical) } };
  },
  SixConnectSign(input) {
    try {
      const r = signSixConnect({ ...input, params: paramsFromJson(input.params), baseUrl: SIXCONNECT_VECTOR_BASE_URL });
      return { result: 'valid', stages: { query: r.signedQuery, hash: r.hash, url: r.url } };
    } catch (e) {
      return errorAnswer(e);
    }
  },
  async SixConnectVerify(input) {
    const r = await verifySixConnect({ query: input.query }, { secretKey: input.secretKey, apiKey: input.apiKey });
    if (!r.ok) return { result: 'invalid', error: r.code };
    const { sixConnectHash } = await import('../../schemes/sixconnect/index.js');
    return { result: 'valid', stages: { query: r.signedQuery, hash: sixConnectHash(r.signedQuery, input.secretKey) } };
  },
  ...TOKEN_IMPLS,
};

export const hostsigSubject: Subject = {
  name: 'hostsig',
  async run(requests) {
    const out: CaseAnswer[] = [];
    for (const r of requests) {
      const impl = HOSTSIG_IMPLS[r.type];
      if (!impl) {
        out.push({ unsupported: true });
        continue;
      }
      try {
        out.push(await impl(r.input, { files: r.files }));
      } catch (e) {
        out.push({ problem: `threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}` });
      }
    }
    return out;
  },
};

/** The repo's vectors folder (dist/cli/vectors and src/cli/vectors are both three levels down). */
export function defaultVectorsDir(): string {
  return fileURLToPath(new URL('../../../vectors/', import.meta.url));
}

export interface LoadedVectorFile {
  file: string;
  data: VectorFile;
  /** The folder the file was read from (the base of key paths in its inputs). */
  dir?: string;
}

export function loadVectorFiles(dir: string): LoadedVectorFile[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ file, dir, data: JSON.parse(readFileSync(join(dir, file), 'utf8')) as VectorFile }))
    .filter(({ data }) => typeof data === 'object' && data !== null && Array.isArray(data.testGroups) && typeof data.scheme === 'string');
}

export interface CaseFailure {
  file: string;
  scheme: string;
  type: string;
  tcId: number;
  comment: string;
  /** What differs first: `result`, `error`, `stage <name>`, or `no answer`. */
  what: string;
  expected?: string;
  got?: string;
}

export interface GroupRow {
  scheme: string;
  type: string;
  cases: number;
  pass: number;
  fail: number;
  skip: number;
  note?: string;
}

export interface RunReport {
  subject: string;
  rows: GroupRow[];
  failures: CaseFailure[];
  totals: { cases: number; pass: number; fail: number; skip: number };
  ok: boolean;
}

/** Compares one answer with the vector; returns the first difference or null. */
export function compareCase(c: VectorCase, a: CaseAnswer): Pick<CaseFailure, 'what' | 'expected' | 'got'> | null {
  if (a.problem) return { what: 'no answer', got: a.problem };
  if (a.result !== c.result) return { what: 'result', expected: c.result + (c.error ? ` ${c.error}` : ''), got: `${a.result ?? '(none)'}${a.error ? ` ${a.error}` : ''}` };
  if (c.result === 'invalid' && c.error !== undefined && a.error !== c.error) return { what: 'error', expected: c.error, got: a.error ?? '(none)' };
  for (const [name, want] of Object.entries(c.stages ?? {})) {
    const got = a.stages?.[name];
    if (got !== want) return { what: `stage ${name}`, expected: want, got: got === undefined ? '(missing)' : String(got) };
  }
  for (const [name, want] of Object.entries(c.output ?? {})) {
    const got = a.output?.[name];
    if (JSON.stringify(got) !== JSON.stringify(want)) return { what: `output ${name}`, expected: typeof want === 'string' ? want : JSON.stringify(want), got: got === undefined ? '(missing)' : typeof got === 'string' ? got : JSON.stringify(got) };
  }
  return null;
}

/** The files a case's input names (`key`), read from the vectors folder. */
function filesFor(dir: string | undefined, input: unknown): Record<string, string> | undefined {
  if (dir === undefined || typeof input !== 'object' || input === null) return undefined;
  const key = (input as { key?: unknown }).key;
  if (typeof key !== 'string' || key.includes('..') || key.startsWith('/')) return undefined;
  try {
    return { [key]: readFileSync(join(dir, key), 'utf8') };
  } catch {
    return undefined;
  }
}

export async function runVectors(subject: Subject, files: LoadedVectorFile[], schemes: string[]): Promise<RunReport> {
  const rows: GroupRow[] = [];
  const failures: CaseFailure[] = [];
  const requests: VectorRequest[] = [];
  const index: { file: string; scheme: string; type: string; c: VectorCase; row: GroupRow }[] = [];
  for (const { file, data, dir } of files) {
    if (schemes.length && !schemes.includes(data.scheme)) continue;
    for (const g of data.testGroups) {
      let row = rows.find((r) => r.scheme === data.scheme && r.type === g.type);
      if (!row) rows.push((row = { scheme: data.scheme, type: g.type, cases: 0, pass: 0, fail: 0, skip: 0 }));
      for (const c of g.tests) {
        row.cases++;
        const f = filesFor(dir, c.input);
        requests.push({ id: requests.length + 1, scheme: data.scheme, type: g.type, input: c.input, ...(f ? { files: f } : {}) });
        index.push({ file, scheme: data.scheme, type: g.type, c, row });
      }
    }
  }
  const answers = await subject.run(requests);
  index.forEach(({ file, scheme, type, c, row }, i) => {
    const a = answers[i] ?? { problem: 'no answer' };
    if (a.unsupported) {
      row.skip++;
      row.note = subject.name === 'hostsig' ? 'group type not known to this hostsig: skipped' : 'unsupported by the adapter: skipped';
      return;
    }
    const d = compareCase(c, a);
    if (d) {
      row.fail++;
      failures.push({ file, scheme, type, tcId: c.tcId, comment: c.comment, ...d });
    } else row.pass++;
  });
  const totals = rows.reduce((t, r) => ({ cases: t.cases + r.cases, pass: t.pass + r.pass, fail: t.fail + r.fail, skip: t.skip + r.skip }), { cases: 0, pass: 0, fail: 0, skip: 0 });
  return { subject: subject.name, rows, failures, totals, ok: totals.fail === 0 && totals.pass > 0 };
}
