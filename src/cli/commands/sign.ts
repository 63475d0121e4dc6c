import { bool, type CommandSpec, InputError, int, list, mergeFlags, type ParsedArgs, str, UsageError } from '../args.js';
import type { Io } from '../io.js';
import { readJson } from '../io.js';
import { cliJson, stagesObject } from '../json.js';
import { block, jsonOut } from '../output.js';
import { stageRows } from '../../diagnose/index.js';
import { ALL_SCHEMES, isScheme, paramsFromFlags, paramsFromJson, type StagedRequest, stageHostDimeSign, stageSixConnectSign } from '../schemes.js';
import type { PhpArray } from '../../core/index.js';
import { isTokenScheme } from '../schemes.js';
import { formatToken, signToken, TOKEN_SIGN_FLAGS, tokenJson } from './tokens.js';

const HD = ['hostdime'] as const;
const SC = ['sixconnect'] as const;

/** The flags that sign a HostDime or 6connect request (sign, and explain's sign view); HostKey shares a few. */
export const SIGN_FLAGS: CommandSpec['flags'] = {
  input: { type: 'string', value: 'FILE.json', desc: 'sign options as JSON (the library option names; params as an object or [key, value] pairs)', schemes: [...HD, ...SC] },
  param: { type: 'string', multiple: true, value: 'NAME=VALUE', desc: 'a call param, in order (nested names like meta[type] allowed)', schemes: [...HD, ...SC] },
  'params-json': { type: 'string', value: 'JSON', desc: 'the params as a JSON object or [key, value] pairs', schemes: [...HD, ...SC] },
  'public-key': { type: 'string', value: 'KEY', desc: 'api_key', schemes: HD },
  'private-key': { type: 'string', value: 'KEY', desc: 'the private key', schemes: HD },
  method: { type: 'string', value: 'NAME', desc: 'dotted method, e.g. domain.list', schemes: HD },
  timestamp: { type: 'string', value: 'UNIX', desc: 'api_timestamp (default now)', schemes: HD },
  unique: { type: 'string', value: 'ID', desc: 'api_unique (default a random UUID)', schemes: HD },
  dialect: { type: 'string', value: 'php|js|ruby', desc: 'JSON dialect (default php)', schemes: HD },
  typed: { type: 'boolean', desc: 'hash numbers/booleans as typed JSON values', schemes: HD },
  'api-key': { type: 'string', value: 'KEY', desc: 'the API key', schemes: [...SC, 'hostkey'], per: { sixconnect: 'apiKey', hostkey: 'the API key to log in with (--action login)' } },
  secret: { type: 'string', value: 'SECRET', desc: 'the secret key', schemes: SC },
  target: { type: 'string', value: 'NAME', desc: 'target, e.g. ipam', schemes: SC },
  action: { type: 'string', value: 'NAME', desc: 'the action', schemes: [...SC, 'hostkey'], per: { sixconnect: 'action, e.g. get', hostkey: 'info|login|whmcslogin|logout|set_pin|check_pin|callback_check (default info)' } },
  'encode-hash': { type: 'boolean', desc: 'percent-encode the hash in the URL', schemes: SC },
  'base-url': {
    type: 'string',
    value: 'URL',
    desc: 'the endpoint',
    schemes: [...HD, ...SC, 'hostkey'],
    per: { hostdime: 'endpoint (default https://api.hostdime.com)', sixconnect: 'the api.php URL (required)', hostkey: 'the invapi endpoint (default https://invapi.hostkey.com)' },
  },
};

/** One scheme's usage lines and example for `hostsig sign <scheme> --help`. */
const SIGN_HELP: NonNullable<CommandSpec['schemes']> = {
  hostdime: {
    usage: ['sign hostdime --public-key K --private-key S --method domain.list [--param k=v]... [--http]', 'sign hostdime --input options.json [--json]'],
    example: 'hostsig sign hostdime --public-key foobar --private-key fazbaz --method domain.list --param status=registered --timestamp 1369758680 --unique ABCDEF --http',
  },
  sixconnect: {
    usage: ['sign sixconnect --api-key K --secret S --base-url URL --target ipam --action get [--param k=v]... [--http]', 'sign sixconnect --input options.json [--json]'],
    example: 'hostsig sign sixconnect --api-key 32-5DAYTJQY2TZHOFOB --secret 48b278ec873bda4738923dbc467f8669 --base-url https://ipam.example.com/api/v1/api.php --target ipam --action get --param type=IP',
  },
  jwt: {
    usage: [`sign jwt --key private.pem --claims '{"sub":"client-42"}' [--kid K] [--expires-in 15m] [--now UNIX]`, 'sign jwt --key private.pem --header JSON --claims @payload.json     (exact texts, byte for byte)'],
    example: `hostsig sign jwt --key vectors/keys/rsa2048.pkcs1.pem --claims '{"sub":"client-42"}' --kid k1 --expires-in 15m`,
  },
  hostbill: {
    usage: ['sign hostbill --user EMAIL --password P                  (Basic)', 'sign hostbill --key private.pem --claims JSON [--kid K]     (Bearer: a JWT, as sign jwt makes it)'],
    example: `hostsig sign hostbill --user client@example.com --password 'pa:ss'`,
  },
  whm: {
    usage: ['sign whm --user root --token TOKEN [--cpanel]'],
    example: 'hostsig sign whm --user root --token U7HMR63FGY292DQZ4H5BFH16JLYMO01M',
  },
  hostkey: {
    usage: ['sign hostkey --action login --api-key K | --action whmcslogin --user U --password P [--ttl SEC] [--fix-ip]', 'sign hostkey --action info|logout|set_pin|check_pin|callback_check --token T [--pin P] [--new-pin P] [--callback KEY]'],
    example: 'hostsig sign hostkey --action check_pin --token 0123456789abcdef0123456789abcdef --pin 4829',
  },
};

export const signSpec: CommandSpec = {
  name: 'sign',
  summary: 'sign a request and print every stage and the signed request',
  usage: [
    'sign hostdime --public-key K --private-key S --method domain.list [--param k=v]... [--http]',
    'sign sixconnect --api-key K --secret S --base-url URL --target ipam --action get [--param k=v]... [--http]',
    `sign jwt --key private.pem --claims '{"sub":"client-42"}' [--kid K] [--expires-in 15m] [--now UNIX]`,
    'sign hostbill --user EMAIL --password P          (Basic)   | sign hostbill --key private.pem --claims JSON   (Bearer)',
    'sign whm --user root --token TOKEN [--cpanel]',
    'sign hostkey --action info|login|whmcslogin|logout|set_pin|check_pin|callback_check [--token T] [--api-key K] ...',
    'sign <scheme> --input options.json [--json]',
  ],
  flags: mergeFlags(SIGN_FLAGS, TOKEN_SIGN_FLAGS, {
    http: {
      type: 'boolean',
      desc: 'print only what is sent: the signed request as an .http file (pipe it into verify --request -), the header or the token',
      per: { hostdime: 'print only the signed request, as an .http file (pipe it into verify --request -)', sixconnect: 'print only the signed request, as an .http file (pipe it into verify --request -)', hostkey: 'print only the form request, as an .http file', jwt: 'print only the token', hostbill: 'print only the Authorization header value', whm: 'print only the Authorization header value' },
    },
  }),
  schemes: SIGN_HELP,
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
    if (bool(args.flags, 'json')) io.out(jsonOut(tokenJson(r, 'sign', 'sign')));
    else if (bool(args.flags, 'http')) {
      const o = r.output ?? {};
      const text = String(o.http ?? o.authorization ?? o.token);
      io.out(`${text}${text.endsWith('\n') ? '' : '\n'}`);
    } else io.out(formatToken(r, io, 'sign'));
    return 0;
  }
  const staged = stageFromFlags(args.positionals[0], args.flags, 'sign');
  if (bool(args.flags, 'json')) {
    io.out(jsonOut(cliJson({ command: 'sign', scheme: staged.scheme, result: 'signed', stages: stagesObject(stageRows(staged.stages)), output: { ...staged.request, http: staged.http } })));
  } else if (bool(args.flags, 'http')) {
    io.out(`${staged.http}${staged.http.endsWith('\n') ? '' : '\n'}`);
  } else {
    io.out(`${io.style.bold(`sign ${staged.scheme}`)}\n${block(stageRows(staged.stages), io.style)}\n\n${io.style.dim('signed request:')}\n${staged.http.replace(/\r\n/g, '\n')}\n`);
  }
  return 0;
}
