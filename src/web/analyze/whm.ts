/** cPanel & WHM on the page: the header's parts, the token digest beside the stored one, the verdict and the diagnosis. */
import { diagnoseWhm, type Finding, plainHeadline } from '../../diagnose/index.js';
import { digestWhmToken, parseWhmAuthorization, verifyWhmAuthorization, WHM_TOKEN_RE, type WhmAuthorization, type WhmTokenRecord } from '../../schemes/whm/index.js';
import { pastedAuthorization } from '../input.js';
import { type Analysis, codeOf, messageOf, type Stage, utc, type Verdict } from '../model.js';
import { error, failureVerdict, readPaste, withFinding } from './common.js';

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

/** The header's parts as written, without the parser's checks: the stages of a header it refused. */
interface HeaderParts {
  scheme: string;
  user?: string;
  kind?: WhmAuthorization['kind'];
  /** The credential (token) when the scheme is whm/cpanel; '' when there is none. */
  credential: string;
  /** What follows another scheme word (Bearer, Basic). */
  rest?: string;
}

/** Splits `scheme user:credential` by index scans (linear: no backtracking regex on the header); null when there is no scheme word and value. */
function looseParts(header: string): HeaderParts | null {
  const a = header.trim();
  let i = 0;
  while (i < a.length && a[i] !== ' ' && a[i] !== '\t') i++;
  if (i === 0 || i === a.length) return null;
  const scheme = a.slice(0, i);
  const rest = a.slice(i).trim();
  if (!/^(?:whm|cpanel)$/i.test(scheme)) return { scheme, credential: '', rest };
  const colon = rest.indexOf(':');
  if (colon !== -1) return { scheme, user: rest.slice(0, colon), credential: rest.slice(colon + 1) };
  // "whm root TOKEN": the space-not-colon mistake; its parts are still the user and the token.
  let j = 0;
  while (j < rest.length && rest[j] !== ' ' && rest[j] !== '\t') j++;
  return { scheme, user: rest.slice(0, j), credential: rest.slice(j).trim() };
}

/** The verdict on a header that does not parse: the plain failure, the catalogue's finding, and the stages of the parts it has. */
function unparsed(header: string, e: unknown, path: string | undefined, records: WhmTokenRecord[], pastedToken: string): Analysis {
  const code = codeOf(e) ?? 'AUTH_HEADER_MALFORMED';
  const details = (e as { details?: Readonly<Record<string, unknown>> } | null)?.details;
  const v: Verdict = { ...failureVerdict(code, { scheme: 'whm', message: messageOf(e), details }), fix: 'Send "Authorization: whm USER:TOKEN": the scheme word, one space, the user, a colon, the 32-character token.' };
  const findings = diagnoseWhm({ authorization: header, code, ...(path !== undefined ? { path } : {}) });
  const parts = looseParts(header);
  const stages = parts === null ? [] : headerStages(parts, records);
  if (parts !== null && parts.credential !== '') stages.push(...tokenStage(pastedToken, parts.credential));
  return { scheme: 'whm', verdict: withFinding(v, findings), stages, findings, notes: [] };
}

/** Stage 1, the header's parts, and stage 2, the presented token's digest beside the stored one(s), when there are a token and records (null: none entered yet). */
function headerStages(parts: HeaderParts, records: WhmTokenRecord[] | null): Stage[] {
  const rows: [string, string][] = [['scheme', parts.scheme]];
  if (parts.rest !== undefined) rows.push(['credentials', parts.rest]);
  if (parts.user !== undefined) rows.push(['user', parts.user]);
  if (parts.kind !== undefined) rows.push(['kind', parts.kind === 'token' ? 'API token' : 'legacy access hash']);
  if (parts.user !== undefined) rows.push(['credential', parts.credential === '' ? '(none)' : parts.credential]);
  const stages: Stage[] = [{ kind: 'table', title: '1. the Authorization header', head: ['part', 'value'], rows }];
  if (parts.credential === '' || records === null) return stages;
  const presented = digestWhmToken(parts.credential);
  const stored = records.map((r) => (r && typeof r === 'object' && typeof r.digest === 'string' ? r.digest : null));
  const shown = stored.find((d) => d === presented) ?? stored[0] ?? null;
  stages.push({
    kind: 'compare',
    title: '2. SHA-256 of the token (records store only this)',
    expectedLabel: stored.length === 1 ? 'stored digest (the record)' : `stored digest (the record, 1 of ${stored.length})`,
    expected: shown ?? (stored.length === 0 ? '(no record)' : '(no digest)'),
    receivedLabel: 'digest of the token in the header',
    received: presented,
    ...(shown === null ? { expectedMissing: true } : {}),
  });
  return stages;
}

/** Stage 3, when the pasted token is not the header's: the two tokens side by side. */
function tokenStage(pastedToken: string, credential: string): Stage[] {
  if (pastedToken.startsWith('{') || pastedToken.startsWith('[') || pastedToken === credential) return [];
  return [{ kind: 'compare', title: '3. the token itself', expectedLabel: 'pasted token (the record field)', expected: pastedToken, receivedLabel: 'token in the header', received: credential }];
}

/** A refused header: the failure in plain words, the catalogue's findings, else what the pasted token shows (case, another token). */
function refusedVerdict(r: { status: number; code: string; message: string; details?: Readonly<Record<string, unknown>> }, ctx: { parsed: WhmAuthorization; pastedToken: string; header: string; path: string | undefined; clientIp: string | undefined; now: number }, stages: Stage[]): { verdict: Verdict; findings: Finding[] } {
  const { parsed, pastedToken, header, path } = ctx;
  const verdict = failureVerdict(r.code, { scheme: 'whm', message: r.message, details: r.details, now: ctx.now, ...(path !== undefined ? { path } : {}), ...(ctx.clientIp ? { clientIp: ctx.clientIp } : {}) }, `invalid (HTTP ${r.status})`);
  if (r.code === 'TOKEN_INVALID') {
    const tokens = tokenStage(pastedToken, parsed.credential);
    if (tokens.length && pastedToken.toUpperCase() === parsed.credential.toUpperCase()) verdict.fix = 'The token differs only in letter case: tokens are 32 characters of [A-Z0-9]; send it exactly as issued.';
    else if (tokens.length) verdict.fix = 'The header carries another token than the one pasted: check for a truncated copy, quotes or whitespace.';
    stages.push(...tokens);
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
  if (typeof records === 'string') {
    // No usable record yet: the header's parts still show.
    const parts = looseParts(header);
    return error('whm', records, undefined, parts === null ? [] : headerStages(parts, null));
  }
  const pastedToken = input.record.trim();
  let parsed;
  try {
    parsed = parseWhmAuthorization(header);
  } catch (e) {
    return unparsed(header, e, p.path, records, pastedToken);
  }
  const stages = headerStages(parsed, records);
  const notes: string[] = [];
  const path = p.path;
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
    const code = codeOf(e);
    return error('whm', code !== undefined ? plainHeadline(code, { scheme: 'whm', message: messageOf(e) }) : messageOf(e), code, stages);
  }
  let verdict: Verdict;
  let findings: Finding[] = [];
  if (r.ok) {
    verdict = { status: 'valid', headline: `valid: ${r.scheme} token${r.tokenName ? ` "${r.tokenName}"` : ''} for ${r.user}${pastedToken.startsWith('{') || pastedToken.startsWith('[') ? '' : ', the pasted token'}` };
    if (r.acls && r.acls.length) notes.push(`ACLs handed to the handler: ${r.acls.join(', ')}`);
    if (r.expiresAt !== null) notes.push(`Expires ${utc(r.expiresAt)}.`);
  } else ({ verdict, findings } = refusedVerdict(r, { parsed, pastedToken, header, path, clientIp: input.clientIp?.trim(), now: input.now ?? Math.floor(Date.now() / 1000) }, stages));
  if (parsed.scheme === 'cpanel' && path === undefined) notes.push('cPanel tokens are path-restricted: paste the whole request so the path can be checked.');
  return { scheme: 'whm', verdict, stages, findings, notes };
}
