import { bool, type CommandSpec, mergeFlags, type ParsedArgs, str } from '../args.js';
import { type DiagnoseReport, diagnoseHostDime, diagnoseSixConnect, stageRows, stageText } from '../../diagnose/index.js';
import type { Io } from '../io.js';
import { cliJson, reportFindings, stagesObject } from '../json.js';
import { block, diffMarks, jsonOut, table } from '../output.js';
import { lookupIn } from '../schemes.js';
import { helpAs, REQUEST_FLAGS, resolveRequest } from './common.js';
import { formatDiagnosis } from './diagnose.js';
import { SIGN_FLAGS, signSpec, stageFromFlags } from './sign.js';
import { verifyResolved } from './verify.js';
import { isTokenScheme } from '../schemes.js';
import { formatToken, signToken, TOKEN_SIGN_FLAGS, TOKEN_VERIFY_FLAGS, tokenJson, verifyToken } from './tokens.js';

/** explain takes sign's flags (the stages of what is sent) or verify's (the stages of what was received). */
const EXPLAIN_HELP: NonNullable<CommandSpec['schemes']> = Object.fromEntries(
  Object.entries(helpAs('explain')).map(([scheme, h]) => {
    const sign = signSpec.schemes![scheme]!;
    const signed = sign.usage.map((u) => u.replace(/^sign /, 'explain ').replace(/ \[--http\]| \[--json\]/g, '') + (scheme === 'hostdime' || scheme === 'sixconnect' ? ' [--signature HASH]' : ''));
    return [scheme, { usage: [...signed, ...h.usage], example: sign.example.replace(/^hostsig sign /, 'hostsig explain ').replace(/ --http$/, '') }];
  }),
);

export const explainSpec: CommandSpec = {
  name: 'explain',
  summary: 'the staged view: request -> canonical -> hash -> signed request, beside a given wrong signature',
  usage: [
    'explain hostdime --public-key K --private-key S --method domain.list --param status=registered [--signature HASH]',
    'explain sixconnect --api-key K --secret S --target ipam --action get --param type=IP [--signature HASH]',
    'explain [scheme] --request req.http --private-key KEY     (the request\'s own hash is the one compared)',
    'explain jwt|hostbill|whm|hostkey <sign flags>               (the staged view of what is sent)',
    'explain jwt|hostbill|whm|hostkey <verify flags>             (a token/header/body: the verify view with its diagnosis)',
  ],
  flags: mergeFlags(REQUEST_FLAGS, SIGN_FLAGS, TOKEN_SIGN_FLAGS, TOKEN_VERIFY_FLAGS, { signature: { type: 'string', value: 'HASH', desc: 'a (wrong) signature to set beside the expected one', schemes: ['hostdime', 'sixconnect'] } }),
  schemes: EXPLAIN_HELP,
};

interface Explained {
  scheme: string;
  stages: [string, string][];
  expected: string;
  given?: string;
  http?: string;
  diagnosis?: DiagnoseReport;
}

export async function runExplain(args: ParsedArgs, io: Io): Promise<number> {
  const f = args.flags;
  const scheme = args.positionals[0];
  if (isTokenScheme(scheme)) {
    // Something received (a token, a header, a body, a PIN record) is explained as verify does; otherwise the sign stages.
    const received = ['authorization', 'request', 'body', 'pin-record', 'sessions', 'tokens'].some((k) => str(f, k) !== undefined) || (scheme === 'jwt' && str(f, 'token') !== undefined && str(f, 'claims') === undefined);
    const r = received ? await verifyToken(scheme, f, 'explain') : signToken(scheme, f, 'explain');
    r.stages = r.stages.map(([k, v], i) => [`${i + 1} ${k}`, v]);
    io.out(bool(f, 'json') ? jsonOut(tokenJson(r, 'explain', received ? 'verify' : 'sign')) : formatToken(r, io, received ? 'explain' : 'sign'));
    return r.ok ? 0 : 1;
  }
  const given = str(f, 'signature');
  let ex: Explained;
  if (str(f, 'request') !== undefined || str(f, 'body') !== undefined || str(f, 'url') !== undefined || str(f, 'query') !== undefined) {
    const r = resolveRequest('explain', args.positionals[0], f);
    const o = await verifyResolved(r);
    const received = given ?? o.stages.received;
    const request = r.scheme === 'hostdime' ? `POST ${r.hostdime!.path ?? r.hostdime!.method}\n${r.hostdime!.body}` : `GET ?${r.sixconnect!.query}`;
    ex = { scheme: r.scheme, stages: [['1 request', request], ['2 canonical', o.stages.canonical ?? '(no key for this request)'], ['3 hash', o.stages.expected ?? '']], expected: o.stages.expected ?? '', given: received };
    const lookup = lookupIn(r.keys);
    if (received !== undefined && received !== o.stages.expected) {
      if (r.scheme === 'hostdime') {
        const key = lookup(o.keyId ?? '');
        if (key) ex.diagnosis = diagnoseHostDime({ ...r.hostdime!, privateKey: key, received });
      } else {
        const key = lookup(o.keyId ?? '');
        if (key) ex.diagnosis = diagnoseSixConnect({ query: r.sixconnect!.query, secretKey: key, received });
      }
    }
  } else {
    const s = stageFromFlags(args.positionals[0], f, 'explain');
    const get = (k: string) => stageText(s.stages, k);
    const hashName = s.scheme === 'hostdime' ? 'api_hash' : 'hash';
    const request = stageRows(s.stages).filter(([n]) => !['canonical', hashName, 'body', 'url', 'params JSON', 'double JSON'].includes(n)).map(([n, v]) => `${n}: ${v}`).join('\n');
    const stages: [string, string][] = [['1 request', request]];
    if (s.scheme === 'hostdime') stages.push(['  params JSON', get('params JSON')], ['  double JSON', get('double JSON')]);
    stages.push(['2 canonical', get('canonical')], ['3 hash', get(hashName)], ['4 signed request', s.http.replace(/\r\n/g, '\n')]);
    ex = { scheme: s.scheme, stages, expected: get(hashName), http: s.http };
    if (given !== undefined) {
      ex.given = given;
      if (s.scheme === 'hostdime') {
        const body = s.request.body!;
        const key = str(f, 'private-key') ?? '';
        ex.diagnosis = diagnoseHostDime({ body, path: new URL(s.request.url).pathname, privateKey: key, received: given });
      } else {
        const q = s.request.url.slice(s.request.url.indexOf('?') + 1);
        ex.diagnosis = diagnoseSixConnect({ query: q, secretKey: str(f, 'secret') ?? '', received: given });
      }
    }
  }
  if (bool(f, 'json')) {
    const same = ex.given === ex.expected;
    io.out(
      jsonOut(
        cliJson({
          command: 'explain',
          scheme: ex.scheme,
          result: ex.given === undefined ? 'signed' : same ? 'valid' : 'invalid',
          ...(ex.given !== undefined && !same ? { error: 'SIGNATURE_INVALID', message: 'the given signature is not the expected one' } : {}),
          stages: stagesObject([...ex.stages, ['expected', ex.expected], ...(ex.given !== undefined ? ([['given', ex.given]] as const) : [])]),
          output: ex.http !== undefined ? { http: ex.http } : undefined,
          diagnosis: ex.given !== undefined && !same ? (ex.diagnosis ? reportFindings(ex.diagnosis) : []) : undefined,
        }),
      ),
    );
    return ex.given === undefined || ex.given === ex.expected ? 0 : 1;
  }
  const st = io.style;
  const lines = [st.bold(`explain ${ex.scheme}`), block(ex.stages, st)];
  if (ex.given !== undefined) {
    const same = ex.given === ex.expected;
    lines.push('', table(['stage', 'expected (hostsig)', 'given'], [['hash', ex.expected, same ? st.green(ex.given) : st.red(ex.given)], ...(same ? [] : [['', '', st.yellow(diffMarks(ex.expected, ex.given))]])], st));
    lines.push(same ? st.green('the given signature is the expected one') : ex.diagnosis ? formatDiagnosis(ex.diagnosis, io, false) : '');
  }
  io.out(`${lines.join('\n')}\n`);
  return ex.given === undefined || ex.given === ex.expected ? 0 : 1;
}
