import { bool, type CommandSpec, type FlagValues, mergeFlags, type ParsedArgs, str } from '../args.js';
import { findingsHelp } from '../catalogue.js';
import { type DiagnoseReport, diagnoseHostDime, diagnoseSixConnect, jwtHeadline, plainHeadline } from '../../diagnose/index.js';
import type { Io } from '../io.js';
import { type CliCommand, type CliJson, cliJson, reportFindings } from '../json.js';
import { block, jsonOut } from '../output.js';
import { lookupIn } from '../schemes.js';
import { helpAs, REQUEST_FLAGS, resolveRequest } from './common.js';
import { InputError } from '../args.js';
import { isTokenScheme } from '../schemes.js';
import { formatToken, TOKEN_VERIFY_FLAGS, type TokenResult, tokenJson, verifyToken } from './tokens.js';

const DIAGNOSE_EXIT = 'Exits 0 when the input is valid (the hash is correct) or a finding names the mistake, 1 when none does.';

export const diagnoseSpec: CommandSpec = {
  name: 'diagnose',
  summary: 'name the implementation mistake that reproduces a hash that does not verify',
  usage: [
    'diagnose [scheme] --request req.http --private-key KEY [--received HASH]',
    'diagnose sixconnect --url URL --secret SECRET [--received HASH]',
    'diagnose jwt --token TOKEN --key public.pem [--now UNIX] [--candidate other.pem]...',
    'diagnose hostbill --authorization "Bearer ..." --key public.pem',
    'diagnose whm --authorization "..." --tokens tokens.json     diagnose hostkey --request req.http --sessions sessions.json',
  ],
  flags: mergeFlags(REQUEST_FLAGS, TOKEN_VERIFY_FLAGS, { received: { type: 'string', value: 'HASH', desc: 'the hash to explain (default: the one in the request)', schemes: ['hostdime', 'sixconnect'] } }),
  notes: `${findingsHelp()}\n${DIAGNOSE_EXIT}`,
  schemes: Object.fromEntries(
    Object.entries(helpAs('diagnose', { hostdime: ' [--received HASH]', sixconnect: ' [--received HASH]', jwt: ' [--candidate other.pem]...' })).map(([scheme, h]) => [scheme, { ...h, notes: `${findingsHelp(scheme)}\n${DIAGNOSE_EXIT}` }]),
  ),
};

/** The shared `--json` document (src/cli/json.ts) of a HostDime or 6connect diagnosis. */
export function reportJson(rep: DiagnoseReport, command: CliCommand = 'diagnose'): CliJson {
  return cliJson({
    command,
    scheme: rep.scheme,
    result: rep.correct ? 'valid' : 'invalid',
    ...(rep.correct ? {} : { error: 'SIGNATURE_INVALID', message: 'the received hash is not the one a correct implementation computes' }),
    stages: { expected: rep.expected.hash, received: rep.received, signed: rep.expected.signed },
    diagnosis: rep.correct ? undefined : reportFindings(rep),
  });
}

/** What to check when no known mistake reproduces a hash: each scheme's own inputs. */
const NO_MATCH_ADVICE: Readonly<Record<string, string>> = {
  hostdime: 'check the private key, the api_timestamp and api_unique sent, and that the body was not changed in transit',
  sixconnect: 'check the secret key (and that it belongs to this apiKey), and that the query string was not changed in transit (re-encoded by a proxy or a client library)',
};

export function formatDiagnosis(rep: DiagnoseReport, io: Io, full = true): string {
  const st = io.style;
  const lines: string[] = [];
  if (rep.correct) return `${st.green('the received hash is correct')}: nothing to diagnose (a failure is then about freshness, keys or replay)`;
  if (full) {
    lines.push(block([
      ['expected', rep.expected.hash],
      ['received', st.red(rep.received)],
      ['signed', rep.expected.signed],
    ], st));
    lines.push('');
  }
  if (!rep.matches.length) {
    lines.push(`${st.yellow('no known mistake reproduces the received hash')} (${rep.tried} derivations tried): ${NO_MATCH_ADVICE[rep.scheme] ?? 'check the key, and that the request was not changed in transit'}`);
    return lines.join('\n');
  }
  lines.push(`${st.bold('diagnosis')}: ${rep.matches.length === 1 ? 'one known mistake reproduces' : `${rep.matches.length} known mistakes reproduce`} the received hash (${rep.tried} derivations tried)`);
  for (const m of rep.matches) {
    lines.push(`  ${st.yellow(m.id)}: ${m.title}`, `    reproduced by: ${m.label}`, `    string signed: ${m.signed}`, `    fix: ${m.fix}`);
  }
  return lines.join('\n');
}

/**
 * A token scheme's failure in plain words (src/diagnose/headline.ts), as the web page says it:
 * "expired 90 s before now (exp ...)", "the token expired 12 min ago (expires_at ...)",
 * "unknown user or token". A message the CLI wrote itself (no --client-ip given) stays.
 */
export function plainTokenMessage(r: TokenResult, flags: FlagValues = {}): TokenResult {
  if (r.ok || r.code === undefined) return r;
  if (r.jwt !== undefined) return { ...r, message: jwtHeadline(r.jwt, r.scheme) };
  const clientIp = str(flags, 'client-ip');
  if (r.code === 'IP_NOT_ALLOWED' && clientIp === undefined) return r;
  const path = r.stages.find(([k]) => k === 'path')?.[1];
  const nowFlag = str(flags, 'now');
  const now = nowFlag !== undefined && /^[0-9]{1,15}$/.test(nowFlag) ? Number(nowFlag) : Math.floor(Date.now() / 1000);
  return {
    ...r,
    message: plainHeadline(r.code, {
      scheme: r.scheme,
      now,
      ...(r.message !== undefined ? { message: r.message } : {}),
      ...(r.details !== undefined ? { details: r.details } : {}),
      ...(clientIp !== undefined ? { clientIp } : {}),
      ...(path !== undefined ? { path } : {}),
    }),
  };
}

export async function runDiagnose(args: ParsedArgs, io: Io): Promise<number> {
  const scheme = args.positionals[0];
  if (isTokenScheme(scheme)) {
    const r = plainTokenMessage(await verifyToken(scheme, args.flags, 'diagnose'), args.flags);
    io.out(bool(args.flags, 'json') ? jsonOut(tokenJson(r, 'diagnose', 'verify')) : formatToken(r, io, 'diagnose'));
    return r.ok || (r.diagnosis?.length ?? 0) > 0 ? 0 : 1;
  }
  const r = resolveRequest('diagnose', args.positionals[0], args.flags);
  const received = str(args.flags, 'received');
  const lookup = lookupIn(r.keys);
  let rep: DiagnoseReport;
  if (r.scheme === 'hostdime') {
    const h = r.hostdime!;
    const id = new URLSearchParams(h.body).get('api_key') ?? '';
    const key = lookup(id) ?? r.keys.secret;
    if (key === undefined) throw new InputError(`no private key for api_key "${id}"`);
    rep = diagnoseHostDime({ ...h, privateKey: key, received });
  } else {
    const q = r.sixconnect!.query;
    const id = new URLSearchParams(q).get('apiKey') ?? '';
    const key = lookup(id) ?? r.keys.secret;
    if (key === undefined) throw new InputError(`no secret for apiKey "${id}"`);
    rep = diagnoseSixConnect({ query: q, secretKey: key, received });
  }
  if (bool(args.flags, 'json')) io.out(jsonOut(reportJson(rep)));
  else io.out(`${io.style.bold(`diagnose ${rep.scheme}`)}\n${formatDiagnosis(rep, io)}\n`);
  return rep.correct || rep.matches.length ? 0 : 1;
}
