/** HostDime on the page: the params PHP sees, the hash input, expected vs received api_hash, and the diagnosis. */
import { bytesToHex, sha256, utf8ToBytes } from '../../core/index.js';
import { type DiagnoseReport, diagnoseHostDime, type HostDimeCtx, hostDimeContext, plainHeadline } from '../../diagnose/index.js';
import { hostDimeDoubleJson, hostDimeParamsJson, hostDimePathToMethod, typedHostDimeValue, verifyHostDimeSync } from '../../schemes/hostdime/index.js';
import { pastedBody } from '../input.js';
import { type Analysis, codeOf, messageOf, type Stage, type Verdict } from '../model.js';
import { error, failureVerdict, findingVerdict, mistakeStage, nowSec, paramRows, readPaste, reportFindings, TOLERANCE_SEC } from './common.js';

export interface HostDimeVerifyInput {
  /** Raw HTTP, a body, or a path line followed by the body. */
  request: string;
  /** Dotted method or request path; default the pasted request's path. */
  method?: string;
  privateKey: string;
  /** Seconds; default the clock. Only the freshness note uses it. */
  now?: number;
}

/** The method and path the hash covers: the field's (a dotted name or a path), else the paste's path. */
function methodAndPath(given: string, pastedPath: string | undefined): { method?: string; path?: string } {
  let method: string | undefined;
  let path = pastedPath;
  if (given !== '') {
    if (given.includes('/')) path = given;
    else method = given;
  }
  if (method === undefined && path !== undefined) method = hostDimePathToMethod(path)?.method;
  return { ...(method !== undefined ? { method } : {}), ...(path !== undefined ? { path } : {}) };
}

/** Stages 1 to 4: params, params JSON, hash input, api_hash. */
function hashStages(ctx: HostDimeCtx & { received: string }, method: string, typed: boolean): Stage[] {
  const canonical = ctx.prefix + hostDimeDoubleJson(typed ? ctx.params.mapLeaves(typedHostDimeValue) : ctx.params);
  const expected = typed ? bytesToHex(sha256(utf8ToBytes(canonical))) : ctx.expected;
  return [
    { kind: 'table', title: '1. params as PHP sees them ($_POST minus api_*)', head: ['name', 'value'], rows: paramRows(ctx.params), note: `method ${method}; api_timestamp ${ctx.ts || '(missing)'}; api_unique ${ctx.unique || '(missing)'}` },
    { kind: 'text', title: '2. json_encode($params, JSON_FORCE_OBJECT)', text: hostDimeParamsJson(ctx.params) },
    { kind: 'text', title: '3. hash input: timestamp:unique:private_key:method:json_encode(json)', text: canonical, note: `${utf8ToBytes(canonical).length} bytes of UTF-8 into SHA-256 (it contains the private key)` },
    {
      kind: 'compare',
      title: '4. api_hash: SHA-256 of the hash input, hex',
      expectedLabel: 'expected (computed here)',
      expected,
      receivedLabel: 'received (api_hash in the body)',
      received: ctx.received || '(no api_hash)',
      ...(ctx.received === '' ? { receivedMissing: true } : {}),
    },
  ];
}

/** Stages 1 and 2 while the key or the method is still missing: what PHP reads does not depend on them. */
function paramStages(body: string, method: string | undefined): Stage[] {
  let ctx;
  try {
    ctx = hostDimeContext({ body, method: method ?? '', privateKey: '' });
  } catch {
    return [];
  }
  return hashStages({ ...ctx, received: ctx.received }, method ?? '(not given)', false).slice(0, 2);
}

/** The freshness note: a timestamp outside the default window, though the verdict is about the hash. */
function freshnessNote(ts: string, now?: number): string[] {
  const t = Number(ts);
  if (!Number.isFinite(t) || ts === '') return [];
  const at = nowSec(now);
  const age = at - t;
  if (Math.abs(age) <= TOLERANCE_SEC) return [];
  const code = age > 0 ? 'TIMESTAMP_STALE' : 'TIMESTAMP_FUTURE';
  const said = plainHeadline(code, { scheme: 'hostdime', details: { timestamp: t, now: at, toleranceSec: TOLERANCE_SEC } });
  return [`${said[0]!.toUpperCase()}${said.slice(1)}: a server with the default ±${TOLERANCE_SEC} s window answers ${code}. The verdict above is about the hash only.`];
}

function diagnosed(body: string, method: string, privateKey: string, path: string | undefined): DiagnoseReport | undefined {
  try {
    return diagnoseHostDime({ body, method, privateKey, ...(path !== undefined ? { path } : {}) });
  } catch {
    return undefined;
  }
}

export function analyzeHostDime(input: HostDimeVerifyInput): Analysis {
  const p = readPaste('hostdime', input.request);
  if ('verdict' in p) return p;
  const body = pastedBody(p);
  if (body === '') return error('hostdime', 'paste the request: raw HTTP, or the form body (status=...&api_key=...&api_hash=...)');
  const { method, path } = methodAndPath((input.method ?? '').trim(), p.path);
  if (input.privateKey === '') return error('hostdime', 'enter the private key (the api_key\'s secret half)', undefined, paramStages(body, method));
  if (method === undefined) return error('hostdime', 'enter the method (domain.list) or the path (/v1/domain/list.json): the hash covers it', undefined, paramStages(body, method));
  let ctx;
  try {
    ctx = hostDimeContext({ body, method, privateKey: input.privateKey, ...(path !== undefined ? { path } : {}) });
  } catch (e) {
    return error('hostdime', `the body does not parse as PHP would: ${messageOf(e)}`, codeOf(e));
  }
  // The signature alone: freshness is a note, so a documented old vector still reads "valid".
  const ts = Number(ctx.ts);
  const r = verifyHostDimeSync({ body, ...(path !== undefined ? { path } : {}) }, { privateKey: input.privateKey, method, ...(Number.isFinite(ts) && ctx.ts !== '' ? { now: ts } : {}) });
  const stages = hashStages(ctx, method, r.ok && r.typed);
  const notes: string[] = [];
  let findings: Analysis['findings'] = [];
  let verdict: Verdict;
  if (r.ok) {
    verdict = { status: 'valid', headline: 'valid: api_hash matches (PHP dialect)' };
    if (r.typed) notes.push('The hash covers numeric-looking values as JSON numbers (a client that hashed 5 but sent n=5). The server accepts it; hashing the strings the body carries is safer.');
  } else if (r.code !== 'SIGNATURE_INVALID' && r.code !== 'HASH_MALFORMED') {
    verdict = failureVerdict(r.code, { scheme: 'hostdime', message: r.message, details: r.details, now: nowSec(input.now) });
  } else {
    const report = diagnosed(body, method, input.privateKey, path);
    findings = reportFindings(report);
    verdict = findingVerdict(r.code, findings, { scheme: 'hostdime', message: r.message }, r.code === 'SIGNATURE_INVALID' ? 'no known mistake reproduces it (check the private key, the method and that the body is the one that was sent)' : '');
    stages.push(...mistakeStage(report, ctx.prefix + hostDimeDoubleJson(ctx.params), '5. hash input: server vs your client'));
  }
  notes.push(...freshnessNote(ctx.ts, input.now));
  return { scheme: 'hostdime', verdict, stages, findings, notes };
}
