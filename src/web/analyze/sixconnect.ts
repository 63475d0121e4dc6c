/** 6connect ProVision on the page: the signed params, the HMAC input, expected vs received hash, and the diagnosis. */
import { bytesToBase64, parseStr } from '../../core/index.js';
import { type DiagnoseReport, decodeReceived, diagnoseSixConnect, SIXCONNECT_MISTAKES, type SixConnectCtx, sixConnectContext } from '../../diagnose/index.js';
import { verifySixConnectSync } from '../../schemes/sixconnect/index.js';
import { pastedQuery } from '../input.js';
import { type Analysis, codeOf, messageOf, type Stage, type Verdict } from '../model.js';
import { error, failureVerdict, findingVerdict, mistakeStage, paramRows, readPaste, reportFindings } from './common.js';

export interface SixConnectVerifyInput {
  /** A URL, a raw GET request, or the query string. */
  request: string;
  secretKey: string;
}

/** Stages 1 and 2: the signed params as PHP reads them, and the HMAC input. */
function inputStages(ctx: SixConnectCtx): Stage[] {
  let rows: [string, string][] = [];
  try {
    rows = paramRows(parseStr(ctx.signed, { maxVars: Infinity }));
  } catch (e) {
    rows = [['(does not parse)', messageOf(e)]];
  }
  return [
    { kind: 'table', title: '1. signed params as PHP\'s $_GET sees them', head: ['name', 'value'], rows },
    { kind: 'text', title: '2. HMAC input: the raw query up to &hash=', text: ctx.signed || '(nothing: there is no "&hash=" after a first param)', note: 'HMAC-SHA256, key = the secret as its literal ASCII bytes (not hex-decoded)' },
  ];
}

/** Stage 3: the expected hash beside the received one, decoded from whatever transport form it came in. */
function hashStage(report: DiagnoseReport, received: string): Stage {
  const got = decodeReceived(received);
  const text = got ? bytesToBase64(got) : received === '' ? '(no hash)' : received;
  const label = got && bytesToBase64(got) !== received ? `received (the hash= parameter, as sent: ${received})` : 'received (the hash= parameter)';
  return {
    kind: 'compare',
    title: '3. hash = base64(HMAC-SHA256(secret, HMAC input))',
    expectedLabel: 'expected (computed here)',
    expected: report.expected.hash,
    receivedLabel: label,
    received: text,
    ...(received === '' ? { receivedMissing: true } : {}),
  };
}

function transportNotes(received: string): string[] {
  const notes: string[] = [];
  if (received.includes(' ')) {
    notes.push('The hash arrived with spaces where base64 has "+" (a raw "+" in a query decodes to a space, as PHP\'s $_GET does). hostsig reads the space as "+", so the same 32 bytes match. Sending the hash percent-encoded (%2B %2F %3D) avoids the ambiguity.');
  } else if (/%[0-9A-Fa-f]{2}/.test(received)) {
    notes.push('The hash arrived percent-encoded (%2B %2F %3D); decoded it is the same base64, which is fine.');
  }
  notes.push('6connect signs no timestamp: anyone holding this URL can replay it. hostsig offers an opt-in signed "time" param.');
  return notes;
}

export function analyzeSixConnect(input: SixConnectVerifyInput): Analysis {
  const p = readPaste('sixconnect', input.request);
  if ('verdict' in p) return p;
  const query = pastedQuery(p);
  if (query === '') return error('sixconnect', 'paste the request URL (or its query string: target=...&apiKey=...&hash=...)');
  const ctx = sixConnectContext({ query, secretKey: input.secretKey });
  const stages = inputStages(ctx);
  // The signed params and the HMAC input do not depend on the secret: they show before it is entered.
  if (input.secretKey === '') return error('sixconnect', 'enter the secret key', undefined, stages);
  let report: DiagnoseReport;
  try {
    report = diagnoseSixConnect({ query, secretKey: input.secretKey });
  } catch (e) {
    return error('sixconnect', messageOf(e), codeOf(e), stages);
  }
  stages.push(hashStage(report, ctx.received));
  const r = verifySixConnectSync({ query }, { secretKey: input.secretKey });
  let findings: Analysis['findings'] = [];
  let verdict: Verdict;
  if (r.ok) verdict = { status: 'valid', headline: `valid: hash matches (apiKey ${r.apiKey})` };
  else if (r.code === 'SIGNATURE_INVALID' || r.code === 'HASH_NOT_LAST' || r.code === 'HASH_MALFORMED') {
    findings = reportFindings(report);
    verdict = findingVerdict(r.code, findings, { scheme: 'sixconnect', message: r.message }, r.code === 'SIGNATURE_INVALID' ? 'no known mistake reproduces it (check the secret)' : '');
    stages.push(...mistakeStage(report, ctx.signed, '4. HMAC input: server vs your client'));
    if (!verdict.fix && r.code === 'HASH_NOT_LAST') verdict.fix = SIXCONNECT_MISTAKES.find((m) => m.id === 'hash-not-last')?.fix;
  } else verdict = failureVerdict(r.code, { scheme: 'sixconnect', message: r.message, details: r.details });
  return { scheme: 'sixconnect', verdict, stages, findings, notes: transportNotes(ctx.received) };
}
