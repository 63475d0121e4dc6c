/** Flags and input resolution shared by verify, explain and diagnose. */
import { type CommandSpec, type FlagSpec, type FlagValues, InputError, int, list, NOW_FLAG, str, UsageError } from '../args.js';
import { parseHttpRequest } from '../http.js';
import { readJson, readText } from '../io.js';
import { ALL_SCHEMES, detectScheme, isScheme, type KeySet, loadConfig, SCHEMES, type SchemeName } from '../schemes.js';

const HD = ['hostdime'] as const;
const SC = ['sixconnect'] as const;

/** The flags that give verify, explain and diagnose a HostDime or 6connect request (and, for the token schemes, the shared ones). */
export const REQUEST_FLAGS: Record<string, FlagSpec> = {
  request: { type: 'string', value: 'FILE|-', desc: 'raw HTTP request: a .http file, a proxy dump or `curl -v` output; - for stdin' },
  input: { type: 'string', value: 'FILE.json', desc: 'request and keys as JSON ({path, body} or {query}/{url}, plus privateKey/secretKey...)', schemes: [...HD, ...SC], per: { hostdime: 'request and keys as JSON: {path, body, privateKey, publicKey?, now?, toleranceSec?, dialects?}', sixconnect: 'request and keys as JSON: {query} or {url}, plus secretKey, apiKey?, now?' } },
  path: { type: 'string', value: 'PATH', desc: 'the request path', schemes: ['hostdime', 'whm'], per: { hostdime: 'the request path, e.g. /v1/domain/list.json (it names the method)', whm: 'the request path, e.g. /json-api/listaccts (cPanel tokens may reach only some paths)' } },
  body: { type: 'string', value: 'BODY', desc: 'the raw form body', schemes: ['hostdime', 'hostkey'], per: { hostdime: 'the raw form body, api_hash included (with --path)', hostkey: 'the form body, e.g. "action=info&token=..."' } },
  url: { type: 'string', value: 'URL', desc: 'the full request URL', schemes: SC },
  query: { type: 'string', value: 'QUERY', desc: 'the raw query string', schemes: SC },
  config: { type: 'string', value: 'keys.json', desc: 'keys per scheme (see docs/cli.md)' },
  'private-key': { type: 'string', value: 'KEY', desc: 'the private key', schemes: HD },
  'public-key': { type: 'string', value: 'KEY', desc: 'the only api_key accepted (with --private-key)', schemes: HD },
  secret: { type: 'string', value: 'SECRET', desc: 'the secret key', schemes: SC },
  'api-key': { type: 'string', value: 'KEY', desc: 'the only apiKey accepted (with --secret)', schemes: SC },
  now: NOW_FLAG,
  tolerance: { type: 'string', value: 'SEC', desc: 'timestamp window in seconds (default 300)', schemes: [...HD, ...SC], per: { sixconnect: 'with --time: the window of the signed time param in seconds (default 300)' } },
  dialect: { type: 'string', multiple: true, value: 'php|js|ruby', desc: 'dialects the verifier accepts (default php)', schemes: HD },
  time: { type: 'boolean', desc: 'require a signed time param (hostsig extension)', schemes: SC },
};

/** One scheme's usage lines and example for `hostsig verify <scheme> --help` (diagnose and explain take the same inputs). */
export const VERIFY_HELP: NonNullable<CommandSpec['schemes']> = {
  hostdime: {
    usage: ['verify hostdime --request req.http --private-key KEY', 'verify hostdime --path /v1/domain/list.json --body "status=...&api_hash=..." --private-key KEY', 'verify hostdime --request - --config keys.json        (request on stdin)'],
    example: 'hostsig verify hostdime --request req.http --private-key fazbaz     (req.http from: hostsig sign hostdime ... --http > req.http)',
  },
  sixconnect: {
    usage: ['verify sixconnect --url "https://host/api/v1/api.php?...&hash=..." --secret SECRET', 'verify sixconnect --query "target=...&apiKey=...&hash=..." --config keys.json'],
    example: 'hostsig verify sixconnect --url "https://ipam.example.com/api/v1/api.php?target=ipam&action=get&type=IP&apiKey=32-5DAYTJQY2TZHOFOB&hash=..." --secret 48b278ec873bda4738923dbc467f8669',
  },
  jwt: {
    usage: ['verify jwt --token TOKEN --key public.pem [--now UNIX] [--issuer ISS] [--audience AUD] [--clock-tolerance SEC]', 'verify jwt --request req.http --key public.pem     (its Authorization: Bearer header)'],
    example: 'hostsig verify jwt --token "$JWT" --key vectors/keys/rsa2048.spki.pem --issuer https://billing.example.com',
  },
  hostbill: {
    usage: ['verify hostbill --authorization "Basic ..." --password P', 'verify hostbill --authorization "Bearer ..." --key public.pem [--issuer ISS] [--clock-tolerance SEC]'],
    example: 'hostsig verify hostbill --authorization "Basic Y2xpZW50QGV4YW1wbGUuY29tOnBhOnNz" --password pa:ss',
  },
  whm: {
    usage: ['verify whm --authorization "whm root:TOKEN" --tokens tokens.json [--client-ip IP] [--path /json-api/listaccts]', 'verify whm --request req.http --config keys.json'],
    example: 'hostsig verify whm --authorization "whm root:U7HMR63FGY292DQZ4H5BFH16JLYMO01M" --tokens tokens.json --client-ip 203.0.113.9',
  },
  hostkey: {
    usage: ['verify hostkey --body "action=info&token=..." --sessions sessions.json [--client-ip IP]', 'verify hostkey --pin 1234 --pin-record pin.json'],
    example: 'hostsig verify hostkey --body "action=info&token=0123456789abcdef0123456789abcdef" --sessions sessions.json',
  },
};

/** The same per-scheme help for another command that takes verify's inputs (diagnose, explain). */
export function helpAs(command: string, extra: Readonly<Record<string, string>> = {}): NonNullable<CommandSpec['schemes']> {
  return Object.fromEntries(
    Object.entries(VERIFY_HELP).map(([scheme, h]) => {
      const swap = (line: string) => line.replace(/(^|hostsig )verify /g, `$1${command} `);
      return [scheme, { usage: h.usage.map((u) => swap(u) + (extra[scheme] ?? '')), example: swap(h.example) }];
    }),
  );
}

export interface ResolvedRequest {
  scheme: SchemeName;
  hostdime?: { path?: string; method?: string; body: string };
  sixconnect?: { query: string };
  keys: KeySet;
  now?: number;
  toleranceSec?: number;
  dialects?: ('php' | 'js' | 'ruby')[];
  time?: boolean;
  /** The whole --input document, for extra fields. */
  doc?: Record<string, unknown>;
}

function s(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** Scheme + request + keys from positionals and flags. */
export function resolveRequest(command: string, positional: string | undefined, flags: FlagValues): ResolvedRequest {
  if (positional !== undefined && !isScheme(positional)) {
    throw new UsageError(`unknown scheme "${positional}"; schemes: ${ALL_SCHEMES.join(', ')}`, command);
  }
  const inputPath = str(flags, 'input');
  const doc = inputPath !== undefined ? (readJson(inputPath) as Record<string, unknown>) : undefined;
  if (doc !== undefined && (typeof doc !== 'object' || doc === null || Array.isArray(doc))) throw new InputError('--input must hold a JSON object');
  const reqPath = str(flags, 'request');
  const raw = reqPath !== undefined ? parseHttpRequest(readText(reqPath)) : undefined;

  let scheme: SchemeName | undefined = positional as SchemeName | undefined;
  if (!scheme && doc && isScheme(s(doc.scheme))) scheme = doc.scheme as SchemeName;
  if (!scheme && raw) scheme = detectScheme(raw) ?? undefined;
  if (!scheme && (str(flags, 'url') || str(flags, 'query') || (doc && (s(doc.url) || s(doc.query))))) scheme = 'sixconnect';
  if (!scheme && (str(flags, 'body') || (doc && s(doc.body)))) scheme = 'hostdime';
  if (!scheme) throw new UsageError(`name a scheme (${ALL_SCHEMES.join(', ')}) or give a request it can be told from`, command);

  const now = int(flags, 'now', command) ?? (typeof doc?.now === 'number' ? doc.now : undefined);
  const toleranceSec = int(flags, 'tolerance', command) ?? (typeof doc?.toleranceSec === 'number' ? doc.toleranceSec : undefined);
  const config = str(flags, 'config');
  const cfg = config !== undefined ? loadConfig(config) : undefined;
  const out: ResolvedRequest = { scheme, keys: {}, now, toleranceSec, doc };

  if (scheme === 'hostdime') {
    const body = str(flags, 'body') ?? raw?.body ?? s(doc?.body);
    const path = str(flags, 'path') ?? (raw ? raw.path : s(doc?.path));
    const method = s(doc?.method);
    if (body === undefined) throw new UsageError('HostDime needs the request: --request FILE, --body (with --path), or --input FILE.json', command);
    if (path === undefined && method === undefined) throw new UsageError('HostDime needs the request path (--path /v1/domain/list.json) to know the method', command);
    out.hostdime = { path, method, body };
    const secret = str(flags, 'private-key') ?? s(doc?.privateKey);
    const id = str(flags, 'public-key') ?? s(doc?.publicKey);
    out.keys = secret !== undefined ? { secret, id } : { keys: cfg?.hostdime?.keys ?? {} };
    const d = list(flags, 'dialect');
    const dialects = d.length ? d : Array.isArray(doc?.dialects) ? (doc.dialects as string[]) : cfg?.hostdime?.dialects;
    if (dialects?.some((x) => x !== 'php' && x !== 'js' && x !== 'ruby')) throw new UsageError('--dialect must be php, js or ruby', command);
    if (dialects) out.dialects = dialects as ('php' | 'js' | 'ruby')[];
    out.toleranceSec ??= cfg?.hostdime?.toleranceSec;
  } else {
    let query = str(flags, 'query') ?? s(doc?.query);
    const url = str(flags, 'url') ?? s(doc?.url);
    if (query === undefined && url !== undefined) {
      const q = url.indexOf('?');
      if (q === -1) throw new InputError('the URL has no query string');
      const hash = url.indexOf('#', q);
      query = url.slice(q + 1, hash === -1 ? undefined : hash);
    }
    if (query === undefined && raw) query = raw.query;
    if (query === undefined) throw new UsageError('6connect needs the request: --request FILE, --url URL, --query QUERY, or --input FILE.json', command);
    out.sixconnect = { query: query.replace(/^\?/, '') };
    const secret = str(flags, 'secret') ?? s(doc?.secretKey);
    const id = str(flags, 'api-key') ?? s(doc?.apiKey);
    out.keys = secret !== undefined ? { secret, id } : { keys: cfg?.sixconnect?.keys ?? {} };
    out.time = flags.time === true || cfg?.sixconnect?.time === true;
    out.toleranceSec ??= cfg?.sixconnect?.toleranceSec;
  }
  if (out.keys.secret === undefined && !Object.keys(out.keys.keys ?? {}).length) {
    throw new UsageError(scheme === 'hostdime' ? 'give the key: --private-key KEY or --config keys.json' : 'give the key: --secret SECRET or --config keys.json', command);
  }
  return out;
}
