/** Flags and input resolution shared by verify, explain and diagnose. */
import { type FlagSpec, type FlagValues, InputError, int, list, NOW_FLAG, str, UsageError } from '../args.js';
import { parseHttpRequest } from '../http.js';
import { readJson, readText } from '../io.js';
import { ALL_SCHEMES, detectScheme, isScheme, type KeySet, loadConfig, SCHEMES, type SchemeName } from '../schemes.js';

export const REQUEST_FLAGS: Record<string, FlagSpec> = {
  request: { type: 'string', value: 'FILE|-', desc: 'raw HTTP request: a .http file, a proxy dump or `curl -v` output; - for stdin' },
  input: { type: 'string', value: 'FILE.json', desc: 'request and keys as JSON ({path, body} or {query}/{url}, plus privateKey/secretKey...)' },
  path: { type: 'string', value: 'PATH', desc: 'HostDime: request path, e.g. /v1/domain/list.json' },
  body: { type: 'string', value: 'BODY', desc: 'HostDime: the raw form body' },
  url: { type: 'string', value: 'URL', desc: '6connect: the full request URL' },
  query: { type: 'string', value: 'QUERY', desc: '6connect: the raw query string' },
  config: { type: 'string', value: 'keys.json', desc: 'keys per scheme (see docs/cli.md)' },
  'private-key': { type: 'string', value: 'KEY', desc: 'HostDime: the private key' },
  'public-key': { type: 'string', value: 'KEY', desc: 'HostDime: the only api_key accepted (with --private-key)' },
  secret: { type: 'string', value: 'SECRET', desc: '6connect: the secret key' },
  'api-key': { type: 'string', value: 'KEY', desc: '6connect: the only apiKey accepted (with --secret)' },
  now: NOW_FLAG,
  tolerance: { type: 'string', value: 'SEC', desc: 'timestamp window in seconds (default 300)' },
  dialect: { type: 'string', multiple: true, value: 'php|js|ruby', desc: 'HostDime: dialects the verifier accepts (default php)' },
  time: { type: 'boolean', desc: '6connect: require a signed time param (hostsig extension)' },
};

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
