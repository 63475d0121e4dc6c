import { bool, type CommandSpec, InputError, int, list, type ParsedArgs, str, UsageError } from '../args.js';
import type { Io } from '../io.js';
import { readJson } from '../io.js';
import { block, jsonOut } from '../output.js';
import { stageRows } from '../../diagnose/index.js';
import { ALL_SCHEMES, isScheme, paramsFromFlags, paramsFromJson, type StagedRequest, stageHostDimeSign, stageSixConnectSign } from '../schemes.js';
import type { PhpArray } from '../../core/index.js';
import { isTokenScheme } from '../schemes.js';
import { formatToken, signToken, TOKEN_FLAGS, tokenJson } from './tokens.js';

export const SIGN_FLAGS: CommandSpec['flags'] = {
  input: { type: 'string', value: 'FILE.json', desc: 'sign options as JSON (the library option names; params as an object or [key, value] pairs)' },
  param: { type: 'string', multiple: true, value: 'NAME=VALUE', desc: 'a call param, in order (nested names like meta[type] allowed)' },
  'params-json': { type: 'string', value: 'JSON', desc: 'the params as a JSON object or [key, value] pairs' },
  'public-key': { type: 'string', value: 'KEY', desc: 'HostDime: api_key' },
  'private-key': { type: 'string', value: 'KEY', desc: 'HostDime: the private key' },
  method: { type: 'string', value: 'NAME', desc: 'HostDime: dotted method, e.g. domain.list' },
  timestamp: { type: 'string', value: 'UNIX', desc: 'HostDime: api_timestamp (default now)' },
  unique: { type: 'string', value: 'ID', desc: 'HostDime: api_unique (default a random UUID)' },
  dialect: { type: 'string', value: 'php|js|ruby', desc: 'HostDime: JSON dialect (default php)' },
  typed: { type: 'boolean', desc: 'HostDime: hash numbers/booleans as typed JSON values' },
  'api-key': { type: 'string', value: 'KEY', desc: '6connect: apiKey' },
  secret: { type: 'string', value: 'SECRET', desc: '6connect: the secret key' },
  target: { type: 'string', value: 'NAME', desc: '6connect: target, e.g. ipam' },
  action: { type: 'string', value: 'NAME', desc: '6connect: action, e.g. get' },
  'encode-hash': { type: 'boolean', desc: '6connect: percent-encode the hash in the URL' },
  'base-url': { type: 'string', value: 'URL', desc: 'endpoint (HostDime default https://api.hostdime.com; 6connect required)' },
};

export const signSpec: CommandSpec = {
  name: 'sign',
  summary: 'sign a request and print every stage and the signed request',
  usage: [
    'sign hostdime --public-key K --private-key S --method domain.list [--param k=v]... [--http]',
    'sign sixconnect --api-key K --secret S --base-url URL --target ipam --action get [--param k=v]... [--http]',
    'sign jwt --key private.pem --claims \'{"sub":"client-42"}\' [--kid K] [--expires-in 15m] [--now UNIX]',
    'sign hostbill --user EMAIL --password P          (Basic)   | sign hostbill --key private.pem --claims JSON   (Bearer)',
    'sign whm --user root --token TOKEN [--cpanel]',
    'sign hostkey --action info|login|whmcslogin|logout|set_pin|check_pin|callback_check [--token T] [--api-key K] ...',
    'sign <scheme> --input options.json [--json]',
  ],
  flags: { ...SIGN_FLAGS, ...TOKEN_FLAGS, http: { type: 'boolean', desc: 'print only the signed request as an .http file (pipe it into verify --request -)' } },
  notes: 'Example:\n  hostsig sign hostdime --public-key pub --private-key priv --method domain.list --param status=registered --http > req.http',
};

function s(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function need(v: string | undefined, flag: string, command: string): string {
  if (v === undefined || v === '') throw new UsageError(`missing --${flag}`, command);
  return v;
}

/** Builds the signed request with stages from flags (and an optional --input document). */
export function stageFromFlags(scheme: string | undefined, flags: ParsedArgs['flags'], command: string): StagedRequest {
  if (!isScheme(scheme)) throw new UsageError(scheme === undefined ? `name a scheme: ${ALL_SCHEMES.join(', ')}` : `unknown scheme "${scheme}"; schemes: ${ALL_SCHEMES.join(', ')}`, command);
  const inputPath = str(flags, 'input');
  const doc = (inputPath !== undefined ? readJson(inputPath) : {}) as Record<string, unknown>;
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new InputError('--input must hold a JSON object');
  let params: PhpArray;
  const pj = str(flags, 'params-json');
  if (pj !== undefined) {
    try {
      params = paramsFromJson(JSON.parse(pj));
    } catch (e) {
      throw new UsageError(`--params-json: ${(e as Error).message}`, command);
    }
  } else {
    params = paramsFromJson(doc.params);
  }
  for (const [k, v] of paramsFromFlags(list(flags, 'param'), command)) params.set(k, v);
  if (scheme === 'hostdime') {
    const timestamp = int(flags, 'timestamp', command) ?? (typeof doc.timestamp === 'number' ? doc.timestamp : undefined);
    const dialect = str(flags, 'dialect') ?? s(doc.dialect);
    if (dialect !== undefined && dialect !== 'php' && dialect !== 'js' && dialect !== 'ruby') throw new UsageError(`--dialect must be php, js or ruby, got "${dialect}"`, command);
    return stageHostDimeSign({
      publicKey: need(str(flags, 'public-key') ?? s(doc.publicKey), 'public-key', command),
      privateKey: need(str(flags, 'private-key') ?? s(doc.privateKey), 'private-key', command),
      method: need(str(flags, 'method') ?? s(doc.method), 'method', command),
      params,
      timestamp,
      unique: str(flags, 'unique') ?? s(doc.unique),
      dialect,
      typed: bool(flags, 'typed') || doc.typed === true,
      baseUrl: str(flags, 'base-url') ?? s(doc.baseUrl),
    });
  }
  return stageSixConnectSign({
    baseUrl: need(str(flags, 'base-url') ?? s(doc.baseUrl) ?? (command === 'explain' ? 'https://example.6connect.test/api/v1/api.php' : undefined), 'base-url', command),
    target: need(str(flags, 'target') ?? s(doc.target), 'target', command),
    action: need(str(flags, 'action') ?? s(doc.action), 'action', command),
    params,
    apiKey: need(str(flags, 'api-key') ?? s(doc.apiKey), 'api-key', command),
    secretKey: need(str(flags, 'secret') ?? s(doc.secretKey), 'secret', command),
    encodeHash: bool(flags, 'encode-hash'),
  });
}

export async function runSign(args: ParsedArgs, io: Io): Promise<number> {
  const scheme = args.positionals[0];
  if (isTokenScheme(scheme)) {
    const r = signToken(scheme, args.flags, 'sign');
    if (bool(args.flags, 'json')) io.out(jsonOut(tokenJson(r, 'sign')));
    else if (bool(args.flags, 'http')) {
      const o = r.output ?? {};
      if (typeof o.body === 'string') io.out(`POST ${new URL(String(o.url)).pathname} HTTP/1.1\r\nHost: ${new URL(String(o.url)).host}\r\nContent-Type: application/x-www-form-urlencoded\r\n\r\n${o.body}\n`);
      else io.out(`${String(o.authorization ?? o.token)}\n`);
    } else io.out(formatToken(r, io, 'sign'));
    return 0;
  }
  const staged = stageFromFlags(args.positionals[0], args.flags, 'sign');
  if (bool(args.flags, 'json')) {
    io.out(jsonOut({ scheme: staged.scheme, stages: Object.fromEntries(stageRows(staged.stages)), request: staged.request, http: staged.http }));
  } else if (bool(args.flags, 'http')) {
    io.out(`${staged.http}${staged.http.endsWith('\n') ? '' : '\n'}`);
  } else {
    io.out(`${io.style.bold(`sign ${staged.scheme}`)}\n${block(stageRows(staged.stages), io.style)}\n\n${io.style.dim('signed request:')}\n${staged.http.replace(/\r\n/g, '\n')}\n`);
  }
  return 0;
}
