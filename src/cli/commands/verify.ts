import { bool, type CommandSpec, mergeFlags, type ParsedArgs } from '../args.js';
import type { Io } from '../io.js';
import { type CliJson, cliJson, reportFindings } from '../json.js';
import { block, diffMarks, jsonOut, verdictWord } from '../output.js';
import { isTokenScheme, type VerifyOutcome, verifyHostDimeCli, verifySixConnectCli } from '../schemes.js';
import { formatToken, TOKEN_VERIFY_FLAGS, tokenJson, verifyToken } from './tokens.js';
import { REQUEST_FLAGS, resolveRequest, type ResolvedRequest, VERIFY_HELP } from './common.js';
import { formatDiagnosis, plainTokenMessage } from './diagnose.js';
import { plainHeadline } from '../../diagnose/index.js';

export const verifySpec: CommandSpec = {
  name: 'verify',
  summary: 'verify a signed request and show the expected vs received strings',
  usage: [
    'verify hostdime --request req.http --private-key KEY',
    'verify hostdime --path /v1/domain/list.json --body "status=...&api_hash=..." --private-key KEY',
    'verify sixconnect --url "https://host/api/v1/api.php?...&hash=..." --secret SECRET',
    'verify [scheme] --request - --config keys.json        (request on stdin)',
    'verify jwt --token TOKEN --key public.pem [--now UNIX] [--issuer ISS] [--audience AUD] [--clock-tolerance SEC]',
    'verify hostbill --authorization "Basic ..." --password P | --authorization "Bearer ..." --key public.pem',
    'verify whm --authorization "whm root:TOKEN" --tokens tokens.json [--client-ip IP] [--path /json-api/listaccts]',
    'verify hostkey --body "action=info&token=..." --sessions sessions.json [--client-ip IP] | --pin 1234 --pin-record pin.json',
  ],
  flags: mergeFlags(REQUEST_FLAGS, TOKEN_VERIFY_FLAGS),
  notes: 'The scheme may be left out when the request shows it (a /v1/...json path: HostDime; a hash= query: 6connect).',
  schemes: VERIFY_HELP,
};

export async function verifyResolved(r: ResolvedRequest): Promise<VerifyOutcome> {
  const o = r.scheme === 'hostdime'
    ? await verifyHostDimeCli(r.hostdime!, r.keys, { now: r.now, toleranceSec: r.toleranceSec, dialects: r.dialects })
    : await verifySixConnectCli(r.sixconnect!, r.keys, { now: r.now, time: r.time, toleranceSec: r.toleranceSec });
  return plainOutcome(o);
}

/** The outcome's message in plain words (src/diagnose/headline.ts): "signed 12 min ago: outside the 300 s window (...)", not "api_timestamp is too old". */
export function plainOutcome(o: VerifyOutcome): VerifyOutcome {
  if (o.ok || o.code === undefined) return o;
  return { ...o, message: plainHeadline(o.code, { scheme: o.scheme, ...(o.message !== undefined ? { message: o.message } : {}), ...(o.details !== undefined ? { details: o.details } : {}) }) };
}

/** The shared `--json` document (src/cli/json.ts) of a HostDime or 6connect verification. */
export function outcomeJson(o: VerifyOutcome): CliJson {
  const stages: Record<string, string> = {};
  for (const k of ['canonical', 'expected', 'received'] as const) if (o.stages[k] !== undefined) stages[k] = o.stages[k];
  return cliJson({
    command: 'verify',
    scheme: o.scheme,
    result: o.ok ? 'valid' : 'invalid',
    error: o.code,
    message: o.message,
    stages,
    output: { ...(o.keyId !== undefined ? { keyId: o.keyId } : {}), ...(o.method !== undefined ? { method: o.method } : {}) },
    diagnosis: o.diagnosis ? reportFindings(o.diagnosis) : undefined,
  });
}

export function formatOutcome(o: VerifyOutcome, io: Io): string {
  const st = io.style;
  const head = `${st.bold(`verify ${o.scheme}`)}: ${verdictWord(o.ok, st)}${o.code ? ` ${st.red(o.code)} (${o.message})` : ''}`;
  const pairs: [string, string][] = [];
  if (o.keyId !== undefined) pairs.push(['key', o.keyId]);
  if (o.method !== undefined) pairs.push(['method', o.method]);
  if (o.stages.canonical !== undefined) pairs.push(['canonical', o.stages.canonical]);
  if (o.stages.expected !== undefined) pairs.push(['expected', o.stages.expected]);
  if (o.stages.received !== undefined) {
    const same = o.stages.received === o.stages.expected;
    pairs.push(['received', same ? st.green(o.stages.received) : st.red(o.stages.received)]);
    if (!same && o.stages.expected !== undefined) pairs.push(['', st.yellow(diffMarks(o.stages.expected, o.stages.received))]);
  }
  const lines = [head];
  if (pairs.length) lines.push(block(pairs, st));
  if (o.diagnosis) lines.push('', formatDiagnosis(o.diagnosis, io, false));
  return `${lines.join('\n')}\n`;
}

export async function runVerify(args: ParsedArgs, io: Io): Promise<number> {
  const scheme = args.positionals[0];
  if (isTokenScheme(scheme)) {
    const r = plainTokenMessage(await verifyToken(scheme, args.flags, 'verify'), args.flags);
    io.out(bool(args.flags, 'json') ? jsonOut(tokenJson(r, 'verify', 'verify')) : formatToken(r, io, 'verify'));
    return r.ok ? 0 : 1;
  }
  const r = resolveRequest('verify', args.positionals[0], args.flags);
  const o = await verifyResolved(r);
  io.out(bool(args.flags, 'json') ? jsonOut(outcomeJson(o)) : formatOutcome(o, io));
  return o.ok ? 0 : 1;
}
