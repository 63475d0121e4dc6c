import { bool, type CommandSpec, type ParsedArgs, str } from '../args.js';
import { type DiagnoseReport, diagnoseHostDime, diagnoseSixConnect } from '../../diagnose/index.js';
import type { Io } from '../io.js';
import { block, jsonOut } from '../output.js';
import { lookupIn } from '../schemes.js';
import { REQUEST_FLAGS, resolveRequest } from './common.js';
import { InputError } from '../args.js';
import { isTokenScheme } from '../schemes.js';
import { formatToken, TOKEN_FLAGS, tokenJson, verifyToken } from './tokens.js';

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
  flags: { ...REQUEST_FLAGS, ...TOKEN_FLAGS, received: { type: 'string', value: 'HASH', desc: 'the hash to explain (default: the one in the request)' } },
  notes: [
    'Mistakes tried:',
    '  hostdime:   hash-uppercase, js-dialect, ruby-dialect, single-encode, python-separators, api-params-included,',
    '              typed-values, unescaped-slashes, unescaped-unicode, unescaped-slashes-unicode,',
    '              no-force-object, key-order, method-as-path',
    '  sixconnect: hash-not-last, secret-hex-decoded, space-encoding, tilde, rfc3986-encoding,',
    '              query-re-encoded, params-sorted, hash-encoding',
    '  jwt, hostbill Bearer: alg-none, alg-hs256-public-key, alg-hs256, alg-other (PS256, RS384/512), base64-padding,',
    '              base64-standard, key-mismatch (kid and thumbprints), payload-reserialized, token-modified,',
    '              expired-clock-skew, not-yet-valid-clock-skew, pem-label-pkcs8-as-pkcs1, pem-label-pkcs1-as-pkcs8,',
    '              pem-label-spki-as-pkcs1, pem-label-pkcs1-as-spki',
    '  whm:        scheme-word, space-not-colon, token-lowercase, base64-encoded, token-expired, ip-not-whitelisted,',
    '              cpanel-token-on-whm-path, wrong-scheme-word',
    '  hostkey:    token-in-query, json-body, no-token, token-uppercase, session-expired, fix-ip, pin-format',
    'Exits 0 when the hash is correct or a mistake reproduces it, 1 when none does.',
  ].join('\n'),
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
    lines.push(`${st.yellow('no known mistake reproduces the received hash')} (${rep.tried} derivations tried): check the key, the timestamp/unique sent, and that the request was not changed in transit`);
    return lines.join('\n');
  }
  lines.push(`${st.bold('diagnosis')}: ${rep.matches.length === 1 ? 'one known mistake reproduces' : `${rep.matches.length} known mistakes reproduce`} the received hash (${rep.tried} derivations tried)`);
  for (const m of rep.matches) {
    lines.push(`  ${st.yellow(m.id)}: ${m.title}`, `    reproduced by: ${m.label}`, `    string signed: ${m.signed}`, `    fix: ${m.fix}`);
  }
  return lines.join('\n');
}

export async function runDiagnose(args: ParsedArgs, io: Io): Promise<number> {
  const scheme = args.positionals[0];
  if (isTokenScheme(scheme)) {
    const r = await verifyToken(scheme, args.flags, 'diagnose');
    io.out(bool(args.flags, 'json') ? jsonOut(tokenJson(r, 'verify')) : formatToken(r, io, 'diagnose'));
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
  if (bool(args.flags, 'json')) io.out(jsonOut(rep));
  else io.out(`${io.style.bold(`diagnose ${rep.scheme}`)}\n${formatDiagnosis(rep, io)}\n`);
  return rep.correct || rep.matches.length ? 0 : 1;
}
