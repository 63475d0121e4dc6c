/** HostKey on the page: the form fields, the token digest beside the session's, the verdict and the diagnosis; and PIN records. */
import { type PhpArray, parseStr } from '../../core/index.js';
import { diagnoseHostKey, type Finding, plainHeadline } from '../../diagnose/index.js';
import { digestHostKeyToken, type HostKeyPinRecord, type HostKeySessionRecord, MemoryHostKeyTokenStore, verifyHostKeyPinHash, verifyHostKeyRequest } from '../../schemes/hostkey/index.js';
import { pastedBody } from '../input.js';
import { type Analysis, codeOf, messageOf, roughDuration, type Stage, utc, type Verdict } from '../model.js';
import { error, failureVerdict, nowSec, paramRows, readPaste, withFinding } from './common.js';

export interface HostKeyVerifyInput {
  /** Raw HTTP, or the form body carrying `token=`. */
  request: string;
  /** The issued token (32 lowercase hex), or its session record JSON. */
  session: string;
  clientIp?: string;
  now?: number;
}

/** The session to check against: the pasted record, or one made for the pasted token. */
function sessionRecord(s: string, now: number): HostKeySessionRecord | string {
  if (!s.startsWith('{')) return { digest: digestHostKeyToken(s), subject: '', expiresAt: now + 3600, createdAt: now, ip: null };
  try {
    return JSON.parse(s) as HostKeySessionRecord;
  } catch (e) {
    return `the session record is not JSON: ${messageOf(e)}`;
  }
}

function digestStage(record: HostKeySessionRecord | null, sent: string): Stage {
  const stored = record !== null && typeof record.digest === 'string' ? record.digest : null;
  return {
    kind: 'compare',
    title: '2. SHA-256 of the token (sessions store only this)',
    expectedLabel: 'stored digest (the session)',
    expected: stored ?? (record === null ? '(no session)' : '(no digest)'),
    receivedLabel: 'digest of the token field sent',
    received: sent === '' ? '(no token field)' : digestHostKeyToken(sent),
    ...(stored === null ? { expectedMissing: true } : {}),
    ...(sent === '' ? { receivedMissing: true } : {}),
  };
}

/** A refused token: the failure in plain words, the catalogue's findings; when none, the one thing left to say about TOKEN_INVALID. */
function refusedVerdict(r: { status: number; code: string; message: string; details?: Readonly<Record<string, unknown>> }, body: string, p: { query?: string; method?: string }, ctx: { now: number; expiresAt?: number; clientIp?: string }): { verdict: Verdict; findings: Finding[] } {
  const verdict = failureVerdict(r.code, { scheme: 'hostkey', message: r.message, details: r.details, now: ctx.now, ...(ctx.expiresAt !== undefined ? { expiresAt: ctx.expiresAt } : {}), ...(ctx.clientIp ? { clientIp: ctx.clientIp } : {}) }, `invalid (HTTP ${r.status})`);
  if (r.code === 'TOKEN_INVALID') verdict.fix = 'The token is not the issued one, or the session ended (logout): log in again with auth.php.';
  const findings = diagnoseHostKey({ code: r.code, body, ...(p.query !== undefined ? { query: p.query } : {}), ...(p.method !== undefined ? { method: p.method } : {}) });
  return { verdict: withFinding(verdict, findings), findings };
}

/** The `token` field as sent ('' when there is none or it is not a string). */
function tokenField(fields: PhpArray): string {
  const sent = fields.get('token');
  return typeof sent === 'string' ? sent : '';
}

export async function analyzeHostKey(input: HostKeyVerifyInput): Promise<Analysis> {
  const p = readPaste('hostkey', input.request);
  if ('verdict' in p) return p;
  const body = pastedBody(p);
  const s = input.session.trim();
  if (body === '' && !(p.query ?? '').includes('token=')) return error('hostkey', 'paste the request, or its form body (action=...&token=...)');
  let fields: PhpArray;
  try {
    fields = parseStr(body, { maxVars: 256 });
  } catch (e) {
    return error('hostkey', `the form body does not parse: ${messageOf(e)}`, codeOf(e));
  }
  // The request reads: its fields show whatever the session field holds.
  const stages: Stage[] = [{ kind: 'table', title: '1. form fields as PHP\'s $_POST sees them', head: ['name', 'value'], rows: paramRows(fields) }];
  const sent = tokenField(fields);
  if (s === '') return error('hostkey', 'enter the issued token, or the session record (JSON with "digest")', undefined, [...stages, digestStage(null, sent)]);
  const now = nowSec(input.now);
  const record = sessionRecord(s, now);
  if (typeof record === 'string') return error('hostkey', record, undefined, [...stages, digestStage(null, sent)]);
  const store = new MemoryHostKeyTokenStore();
  try {
    await store.put(record);
  } catch (e) {
    return error('hostkey', `the session record is not usable: ${messageOf(e)}`, codeOf(e), [...stages, digestStage(record, sent)]);
  }
  stages.push(digestStage(record, sent));
  let r;
  try {
    r = await verifyHostKeyRequest(body, { store, now, ...(input.clientIp ? { clientIp: input.clientIp.trim() } : {}) });
  } catch (e) {
    const code = codeOf(e);
    return error('hostkey', code !== undefined ? plainHeadline(code, { scheme: 'hostkey', message: messageOf(e) }) : messageOf(e), code, stages);
  }
  if (!r.ok) {
    const expiresAt = typeof record.expiresAt === 'number' ? record.expiresAt : undefined;
    return { scheme: 'hostkey', stages, notes: [], ...refusedVerdict(r, body, p, { now, ...(expiresAt !== undefined ? { expiresAt } : {}), ...(input.clientIp ? { clientIp: input.clientIp.trim() } : {}) }) };
  }
  const verdict: Verdict = { status: 'valid', headline: r.subject === '' ? 'valid: the token sent is the pasted token' : `valid: session of ${r.subject}${r.ipBound ? ', bound to this address' : ''}` };
  const note = !s.startsWith('{') ? 'Checked against the pasted token; paste the session record (JSON) to check expiry and the fix_ip binding too.' : `Session expires ${utc(r.expiresAt)} (in ${roughDuration(r.expiresAt - now)}).`;
  return { scheme: 'hostkey', verdict, stages, findings: [], notes: [note] };
}

export interface HostKeyPinInput {
  pin: string;
  /** The stored PIN record (JSON: alg, N, r, p, dkLen, salt, hash). */
  record: string;
}

export async function analyzeHostKeyPin(input: HostKeyPinInput): Promise<Analysis> {
  let record: HostKeyPinRecord;
  try {
    record = JSON.parse(input.record) as HostKeyPinRecord;
  } catch (e) {
    return error('hostkey', `the PIN record is not JSON: ${messageOf(e)}`);
  }
  const stages: Stage[] = [
    { kind: 'table', title: '1. the stored PIN record', head: ['field', 'value'], rows: Object.entries(record ?? {}).map(([k, v]) => [k, String(v)]), note: 'scrypt(PIN, salt, N, r, p, dkLen), compared in constant time' },
  ];
  let ok: boolean;
  try {
    ok = await verifyHostKeyPinHash(input.pin, record);
  } catch (e) {
    return error('hostkey', `the PIN record is malformed: ${messageOf(e)}`, codeOf(e), stages);
  }
  if (ok) return { scheme: 'hostkey', verdict: { status: 'valid', headline: 'valid: the PIN matches the record' }, stages, findings: [], notes: [] };
  const findings = diagnoseHostKey({ code: 'PIN_INVALID', pin: input.pin });
  const verdict: Verdict = { ...failureVerdict('PIN_INVALID', { scheme: 'hostkey' }), fix: findings[0]?.fix ?? 'Wrong PIN. A server locks after 3 wrong entries, so check before retrying.' };
  if (findings[0]) verdict.mistake = findings[0].id;
  return { scheme: 'hostkey', verdict, stages, findings, notes: [] };
}
