/**
 * The CLI's per-scheme operations over the public API: sign with stages, verify with the
 * expected-vs-received view, and hook up diagnose. Used by sign/verify/explain/diagnose/serve.
 */
import { MemoryNonceStore, type NonceStore, PhpArray, type PhpValue } from '../core/index.js';
import {
  HOSTDIME_DIALECTS,
  type HostDimeDialect,
  hostDimeDoubleJson,
  hostDimeParamsJson,
  hostDimePathToMethod,
  signHostDime,
  verifyHostDime,
} from '../schemes/hostdime/index.js';
import { signSixConnect, verifySixConnect } from '../schemes/sixconnect/index.js';
import { InputError, UsageError } from './args.js';
import { decodeReceived, type DiagnoseReport, diagnoseHostDime, diagnoseSixConnect, hostDimeContext, sixConnectContext, type Staged, textStage } from '../diagnose/index.js';
import { formatHttpRequest, header, type RawHttpRequest } from './http.js';

export const SCHEMES = ['hostdime', 'sixconnect'] as const;
/** Every scheme the CLI signs, verifies and diagnoses (`jwt` is HostBill's RS256 token on its own). */
export const ALL_SCHEMES = ['hostdime', 'sixconnect', 'jwt', 'hostbill', 'whm', 'hostkey'] as const;
export type AnyScheme = (typeof ALL_SCHEMES)[number];
export const TOKEN_SCHEMES = ['jwt', 'hostbill', 'whm', 'hostkey'] as const;
export function isTokenScheme(s: string | undefined): s is (typeof TOKEN_SCHEMES)[number] {
  return (TOKEN_SCHEMES as readonly string[]).includes(s ?? '');
}
export type SchemeName = (typeof SCHEMES)[number];

export function isScheme(s: string | undefined): s is SchemeName {
  return (SCHEMES as readonly string[]).includes(s ?? '');
}

export { type KeysConfig, loadConfig } from './config.js';

/** The key set for one scheme: a single key from flags, or a keys.json section. */
export interface KeySet {
  secret?: string;
  id?: string;
  keys?: Record<string, string>;
}

export function lookupIn(ks: KeySet): (id: string) => string | undefined {
  return (id) => {
    if (ks.secret !== undefined) return ks.id === undefined || ks.id === id ? ks.secret : undefined;
    return ks.keys && Object.hasOwn(ks.keys, id) ? ks.keys[id] : undefined;
  };
}

/** Params from the vector/JSON encoding: an object, or [key, value] pairs; lists are arrays, maps {$map: pairs}. */
export function paramsFromJson(v: unknown): PhpArray {
  if (Array.isArray(v)) {
    const out = new PhpArray();
    for (const kv of v) {
      if (!Array.isArray(kv) || kv.length !== 2 || (typeof kv[0] !== 'string' && typeof kv[0] !== 'number')) throw new InputError('params pairs must be [key, value]');
      out.set(kv[0], valueFromJson(kv[1]));
    }
    return out;
  }
  if (v !== null && typeof v === 'object') {
    if ('$map' in v) return paramsFromJson((v as { $map: unknown }).$map);
    const out = new PhpArray();
    for (const [k, x] of Object.entries(v)) out.set(k, valueFromJson(x));
    return out;
  }
  if (v === undefined) return new PhpArray();
  throw new InputError('params must be an object or an array of [key, value] pairs');
}

function valueFromJson(v: unknown): PhpValue {
  if (Array.isArray(v)) {
    const list = new PhpArray();
    for (const x of v) list.append(valueFromJson(x));
    return list;
  }
  if (v !== null && typeof v === 'object') return paramsFromJson(v);
  return v as PhpValue;
}

/** `--param k=v` flags, in order. */
export function paramsFromFlags(items: string[], command: string): PhpArray {
  const out = new PhpArray();
  for (const it of items) {
    const eq = it.indexOf('=');
    if (eq <= 0) throw new UsageError(`--param expects NAME=VALUE, got "${it}"`, command);
    out.set(it.slice(0, eq), it.slice(eq + 1));
  }
  return out;
}

/** A signed request with its staged view (request -> canonical -> hash -> signed request, text stages). */
export interface StagedRequest extends Staged<SchemeName> {
  request: { method: string; url: string; headers: Record<string, string>; body?: string };
  /** The signed request as an .http file. */
  http: string;
}

export interface HostDimeSignInput {
  publicKey: string;
  privateKey: string;
  method: string;
  params: PhpArray;
  timestamp?: number;
  unique?: string;
  dialect?: HostDimeDialect;
  typed?: boolean;
  baseUrl?: string;
}

export function stageHostDimeSign(o: HostDimeSignInput): StagedRequest {
  if (o.dialect && !HOSTDIME_DIALECTS.includes(o.dialect)) throw new UsageError(`--dialect must be php, js or ruby, got "${o.dialect}"`, 'sign');
  // The staged view shows the hashed string: the user asked for it.
  const r = signHostDime({ ...o, debug: true });
  const url = new URL(r.url);
  const headers: [string, string][] = [
    ['Host', url.host],
    ['Content-Type', 'application/x-www-form-urlencoded'],
    ['Content-Length', String(Buffer.byteLength(r.body))],
  ];
  return {
    scheme: 'hostdime',
    stages: [
      textStage('method', o.method),
      textStage('params', o.params.size ? JSON.stringify(o.params.toJS()) : '(none)'),
      textStage('params JSON', hostDimeParamsJson(o.params, o.dialect)),
      textStage('double JSON', hostDimeDoubleJson(o.params, o.dialect)),
      textStage('canonical', r.canonical),
      textStage('api_hash', r.hash),
      textStage('body', r.body),
    ],
    request: { method: 'POST', url: r.url, headers: Object.fromEntries(headers), body: r.body },
    http: formatHttpRequest({ method: 'POST', target: r.path, headers, body: r.body }),
  };
}

export interface SixConnectSignInput {
  baseUrl: string;
  target: string;
  action: string;
  params: PhpArray;
  apiKey: string;
  secretKey: string;
  encodeHash?: boolean;
  time?: boolean | number;
}

export function stageSixConnectSign(o: SixConnectSignInput): StagedRequest {
  const r = signSixConnect(o);
  const url = new URL(o.baseUrl);
  const headers: [string, string][] = [['Host', url.host]];
  return {
    scheme: 'sixconnect',
    stages: [
      textStage('target/action', `${o.target} ${o.action}`),
      textStage('params', o.params.size ? JSON.stringify(o.params.toJS()) : '(none)'),
      textStage('canonical', r.signedQuery),
      textStage('hash', r.hash),
      textStage('url', r.url),
    ],
    request: { method: 'GET', url: r.url, headers: Object.fromEntries(headers) },
    http: formatHttpRequest({ method: 'GET', target: `${url.pathname}?${r.query}`, headers }),
  };
}

export interface VerifyOutcome {
  scheme: SchemeName;
  ok: boolean;
  code?: string;
  message?: string;
  /** The failure's details (a timestamp and the window, a field name), for the plain headline. */
  details?: Readonly<Record<string, unknown>>;
  /** Who signed it (api_key / apiKey) when known. */
  keyId?: string;
  method?: string;
  params?: unknown;
  /** canonical (expected), expected hash, received hash. */
  stages: { canonical?: string; expected?: string; received?: string };
  diagnosis?: DiagnoseReport;
}

export interface HostDimeVerifyOpts {
  now?: number;
  toleranceSec?: number;
  dialects?: HostDimeDialect[];
  nonces?: NonceStore;
  /** Run diagnose on a signature failure. Default true. */
  diagnose?: boolean;
}

export async function verifyHostDimeCli(req: { path?: string; method?: string; body: string }, keys: KeySet, o: HostDimeVerifyOpts = {}): Promise<VerifyOutcome> {
  const lookup = lookupIn(keys);
  const r = await verifyHostDime(
    { path: req.path, body: req.body },
    { lookup, now: o.now, toleranceSec: o.toleranceSec, dialects: o.dialects, nonces: o.nonces, method: req.method },
  );
  const out: VerifyOutcome = { scheme: 'hostdime', ok: r.ok, stages: {} };
  let keyId: string | undefined;
  try {
    keyId = new URLSearchParams(req.body).get('api_key') ?? undefined;
  } catch {
    keyId = undefined;
  }
  if (keyId !== undefined) out.keyId = keyId;
  if (r.ok) {
    out.method = r.method;
    out.params = r.params.toJS();
  } else {
    out.code = r.code;
    out.message = r.message;
    if (r.details !== undefined) out.details = r.details;
  }
  const privateKey = keyId !== undefined ? lookup(keyId) : undefined;
  if (privateKey !== undefined) {
    try {
      const ctx = hostDimeContext({ body: req.body, path: req.path, method: req.method, privateKey });
      out.stages = { canonical: ctx.prefix + hostDimeDoubleJson(ctx.params), expected: ctx.expected, received: ctx.received };
      if (!r.ok && r.code === 'SIGNATURE_INVALID' && o.diagnose !== false) out.diagnosis = diagnoseHostDime({ body: req.body, path: req.path, method: req.method, privateKey });
    } catch {
      // The body did not parse; the verdict already says why.
    }
  }
  return out;
}

export interface SixConnectVerifyOpts {
  now?: number;
  time?: boolean;
  toleranceSec?: number;
  nonces?: NonceStore;
  diagnose?: boolean;
}

export async function verifySixConnectCli(req: { query: string }, keys: KeySet, o: SixConnectVerifyOpts = {}): Promise<VerifyOutcome> {
  const lookup = lookupIn(keys);
  const time = o.time ? { toleranceSec: o.toleranceSec ?? 300 } : undefined;
  const r = await verifySixConnect({ query: req.query }, { lookup, now: o.now, time, nonces: time ? o.nonces : undefined });
  const out: VerifyOutcome = { scheme: 'sixconnect', ok: r.ok, stages: {} };
  const keyId = apiKeyOf(req.query);
  if (keyId !== undefined) out.keyId = keyId;
  if (r.ok) {
    out.params = r.params?.toJS();
    if (r.target !== undefined) out.method = `${r.target}.${r.action ?? ''}`;
  } else {
    out.code = r.code;
    out.message = r.message;
    if (r.details !== undefined) out.details = r.details;
  }
  const secret = keyId !== undefined ? lookup(keyId) : undefined;
  if (secret !== undefined) {
    try {
      const ctx = sixConnectContext({ query: req.query, secretKey: secret });
      const rep = diagnoseSixConnect({ query: req.query, secretKey: secret });
      const got = decodeReceived(ctx.received);
      out.stages = { canonical: ctx.signed, expected: rep.expected.hash, received: got ? Buffer.from(got).toString('base64') : ctx.received };
      // As for HostDime, a bad signature always gets its diagnosis, "no known mistake" included; a
      // misplaced or malformed hash only when a mistake explains it (the code already says what is wrong).
      if (!r.ok && o.diagnose !== false && (r.code === 'SIGNATURE_INVALID' || ((r.code === 'HASH_NOT_LAST' || r.code === 'HASH_MALFORMED') && rep.matches.length))) out.diagnosis = rep;
    } catch {
      // leave the stages empty
    }
  }
  return out;
}

function apiKeyOf(query: string): string | undefined {
  for (const p of query.replace(/^\?/, '').split('&')) {
    if (p.startsWith('apiKey=')) {
      try {
        return decodeURIComponent(p.slice(7).replace(/\+/g, ' '));
      } catch {
        return p.slice(7);
      }
    }
  }
  return undefined;
}

/** Which scheme a raw request belongs to, by its shape. */
export function detectScheme(req: RawHttpRequest): SchemeName | null {
  if (hostDimePathToMethod(req.path) && /(?:^|&)api_hash=/.test(req.body)) return 'hostdime';
  if (/(?:^|&)hash=/.test(req.query)) return 'sixconnect';
  if (hostDimePathToMethod(req.path)) return 'hostdime';
  const auth = header(req, 'authorization');
  void auth;
  return null;
}

/** A process-wide nonce store for `serve`. */
export function newNonceStore(): NonceStore {
  return new MemoryNonceStore();
}
