/** cPanel & WHM on the page: the header's parts, the token digest beside the stored one, the verdict and the diagnosis. */
import { diagnoseWhm, type Finding } from '../../diagnose/index.js';
import { digestWhmToken, parseWhmAuthorization, verifyWhmAuthorization, WHM_TOKEN_RE, type WhmAuthorization, type WhmTokenRecord } from '../../schemes/whm/index.js';
import { pastedAuthorization } from '../input.js';
import { type Analysis, codeOf, messageOf, type Stage, utc, type Verdict } from '../model.js';
import { error, readPaste, withFinding } from './common.js';

export interface WhmVerifyInput {
  /** Raw HTTP, an `Authorization:` line, or the bare `whm user:TOKEN` value. */
  request: string;
  /** The token (32 of [A-Z0-9]), or a token record JSON (one record or an array). */
  record: string;
  clientIp?: string;
  now?: number;
}

function parseRecords(text: string): WhmTokenRecord[] | string {
  const t = text.trim();
  if (t === '') return 'enter the token, or the stored token record (JSON with "digest")';
  if (!t.startsWith('{') && !t.startsWith('[')) return [{ name: '', digest: digestWhmToken(t), expiresAt: null }];
  try {
    const v = JSON.parse(t) as unknown;
    const list = Array.isArray(v) ? v : [v];
    return list as WhmTokenRecord[];
  } catch (e) {
    return `the token record is not JSON: ${messageOf(e)}`;
  }
}

/** The verdict on a header that does not parse: the catalogue's finding, else how the header is written. */
function unparsed(header: string, e: unknown, path: string | undefined): Analysis {
  const code = codeOf(e);
  const v: Verdict = { status: 'invalid', headline: `invalid: ${messageOf(e)}`, fix: 'Send "Authorization: whm USER:TOKEN": the scheme word, one space, the user, a colon, the 32-character token.', ...(code ? { code } : {}) };
  const findings = diagnoseWhm({ authorization: header, code: code ?? 'AUTH_HEADER_MALFORMED', ...(path !== undefined ? { path } : {}) });
  return { scheme: 'whm', verdict: withFinding(v, findings), stages: [], findings, notes: [] };
}

/** Stages 1 and 2: the header's parts, and the presented token's digest beside the stored one(s). */
function headerStages(parsed: WhmAuthorization, records: WhmTokenRecord[]): Stage[] {
  const presented = digestWhmToken(parsed.credential);
  const stored = records.map((r) => (r && typeof r === 'object' && typeof r.digest === 'string' ? r.digest : '(no digest)'));
  return [
    {
      kind: 'table',
      title: '1. the Authorization header',
      head: ['part', 'value'],
      rows: [
        ['scheme', parsed.scheme],
        ['user', parsed.user],
        ['kind', parsed.kind === 'token' ? 'API token' : 'legacy access hash'],
        ['credential', parsed.credential],
      ],
    },
    {
      kind: 'compare',
      title: '2. SHA-256 of the token (records store only this)',
      expectedLabel: stored.length === 1 ? 'stored digest' : `stored digest (1 of ${stored.length})`,
      expected: stored.find((d) => d === presented) ?? stored[0] ?? '',
      receivedLabel: 'digest of the presented token',
      received: presented,
    },
  ];
}

/** A refused header: the catalogue's findings, else what the pasted token shows (case, another token). */
function refusedVerdict(r: { status: number; code: string; message: string }, parsed: WhmAuthorization, pastedToken: string, header: string, path: string | undefined, stages: Stage[]): { verdict: Verdict; findings: Finding[] } {
  const verdict: Verdict = { status: 'invalid', headline: `invalid (HTTP ${r.status}): ${r.message}`, code: r.code };
  if (r.code === 'TOKEN_INVALID' && !pastedToken.startsWith('{') && pastedToken !== parsed.credential) {
    if (pastedToken.toUpperCase() === parsed.credential.toUpperCase()) verdict.fix = 'The token differs only in letter case: tokens are 32 characters of [A-Z0-9]; send it exactly as issued.';
    else verdict.fix = 'The header carries another token than the one pasted: check for a truncated copy, quotes or whitespace.';
    stages.push({ kind: 'compare', title: '3. the token itself', expectedLabel: 'pasted token', expected: pastedToken, receivedLabel: 'token in the header', received: parsed.credential });
  }
  const findings = diagnoseWhm({ authorization: header, code: r.code, ...(path !== undefined ? { path } : {}) });
  return { verdict: withFinding(verdict, findings), findings };
}

export async function analyzeWhm(input: WhmVerifyInput): Promise<Analysis> {
  const p = readPaste('whm', input.request);
  if ('verdict' in p) return p;
  const header = pastedAuthorization(p);
  if (header === undefined || header === '') return error('whm', 'paste the request, its Authorization header, or the header value (whm root:TOKEN)');
  const records = parseRecords(input.record);
  if (typeof records === 'string') return error('whm', records);
  let parsed;
  try {
    parsed = parseWhmAuthorization(header);
  } catch (e) {
    return unparsed(header, e, p.path);
  }
  const stages = headerStages(parsed, records);
  const notes: string[] = [];
  const path = p.path;
  const pastedToken = input.record.trim();
  let r;
  try {
    r = await verifyWhmAuthorization(header, {
      lookup: () => records,
      ...(parsed.kind === 'accesshash' ? { lookupAccessHash: () => (WHM_TOKEN_RE.test(pastedToken) || pastedToken.startsWith('{') ? null : digestWhmToken(pastedToken.replace(/[\r\n]/g, ''))) } : {}),
      ...(input.clientIp ? { clientIp: input.clientIp.trim() } : {}),
      ...(path !== undefined ? { path } : {}),
      ...(input.now !== undefined ? { now: input.now } : {}),
    });
  } catch (e) {
    return error('whm', messageOf(e), codeOf(e), stages);
  }
  let verdict: Verdict;
  let findings: Finding[] = [];
  if (r.ok) {
    verdict = { status: 'valid', headline: `valid: ${r.scheme} token${r.tokenName ? ` "${r.tokenName}"` : ''} for ${r.user}${pastedToken.startsWith('{') || pastedToken.startsWith('[') ? '' : ', the pasted token'}` };
    if (r.acls && r.acls.length) notes.push(`ACLs handed to the handler: ${r.acls.join(', ')}`);
    if (r.expiresAt !== null) notes.push(`Expires ${utc(r.expiresAt)}.`);
  } else ({ verdict, findings } = refusedVerdict(r, parsed, pastedToken, header, path, stages));
  if (parsed.scheme === 'cpanel' && path === undefined) notes.push('cPanel tokens are path-restricted: paste the whole request so the path can be checked.');
  return { scheme: 'whm', verdict, stages, findings, notes };
}
