import { isBytes } from '../core/bytes.js';
import { type Clock, systemClock } from '../core/clock.js';
import { HostsigError, type HostsigErrorCode, type HostsigErrorDetails, isHostsigError, toFailure, type VerifyFailure, verifyFailure } from '../core/errors.js';
import { MemoryNonceStore, type NonceStore } from '../core/nonce.js';
import { type EnvelopeBuilder, type FailureStatus, genericEnvelope, statusForCode } from './envelopes.js';
import { normalizeHead, readBodyNow, type VerifiableRequest } from './request.js';
import type { CommonSchemeOptions, Identity, NormalizedRequest, RequestHead, SchemeContext, SchemeHandler, SchemePlugin, VerifierFailure } from './types.js';

const ALLOWED_STATUS: ReadonlySet<number> = new Set([400, 401, 403, 413, 503]);

/** A set of scheme plug-ins by name; the listing order is the detection order. */
export type SchemeRegistry = Readonly<Record<string, SchemePlugin<any, any>>>;

type OptionsOf<P> = P extends SchemePlugin<infer O, any> ? O : never;
type DetailOf<P> = P extends SchemePlugin<any, infer D> ? D : never;

/** Per-scheme options: the scheme's own, plus {@link CommonSchemeOptions}. A scheme left out is off. */
export type SchemesConfig<R extends SchemeRegistry> = { [K in keyof R]?: OptionsOf<R[K]> & CommonSchemeOptions };

/** What {@link createVerifierFor} takes. */
export interface VerifierOptions<R extends SchemeRegistry> {
  /** The schemes to accept, each with its options. At least one. */
  schemes: SchemesConfig<R>;
  /**
   * Replay store shared by the schemes (HostDime `api_unique`, 6connect with `time`, ...).
   * Default: a bounded in-memory store for this process. Use `RedisNonceStore` when several
   * processes serve the same clients.
   */
  nonces?: NonceStore;
  /** Clock in seconds. Default `Date.now() / 1000`. */
  clock?: Clock;
  /** Largest body read, enforced while streaming. Default 1 MiB. */
  maxBodyBytes?: number;
  /** Time cap on a key lookup; a slower one is `LOOKUP_FAILED`. Default 2000 ms. */
  lookupTimeoutMs?: number;
  /** Time cap on one nonce-store call; a slower one is `NONCE_STORE_FAILED`. Default 2000 ms. */
  nonceTimeoutMs?: number;
  /**
   * The client's address for a request (WHM whitelists, HostKey `fix_ip`). Default: the
   * `clientIp` a plain request or an adapter supplies (node adapters: the socket's address).
   * Behind a proxy, return the address you trust (e.g. from `x-forwarded-for`).
   */
  clientIp?: (head: RequestHead) => string | undefined;
  /** Picks the scheme instead of detection: return a configured scheme's name, or null for none. */
  select?: (head: RequestHead) => (keyof R & string) | null | undefined;
}

/**
 * A success whose `request` (its headers and body hold the credential: a token, a password)
 * is readable but not enumerable, so logging or serializing the result does not print it.
 */
function verifiedResult(scheme: string, identity: unknown, detail: unknown, request: NormalizedRequest): object {
  return Object.defineProperty({ ok: true, scheme, identity, detail }, 'request', { value: request, enumerable: false });
}

// The head with one more field, spelled out: a spread with an added field (`{ ...head, body }`)
// costs about a microsecond in V8, more than the rest of the verifier's own work on a request.

/** The head with `clientIp` set (to undefined when the option gave no address). */
function withClientIp(head: RequestHead, clientIp: string | undefined): RequestHead {
  return { method: head.method, url: head.url, path: head.path, query: head.query, headers: head.headers, clientIp };
}

/** The head and the body read, as plug-ins receive them; `clientIp` present as it was on the head. */
function withBody(head: RequestHead, body: Uint8Array): NormalizedRequest {
  const { method, url, path, query, headers } = head;
  return 'clientIp' in head ? { method, url, path, query, headers, clientIp: head.clientIp, body } : { method, url, path, query, headers, body };
}

/** A verified request. */
export type VerifierSuccess<R extends SchemeRegistry> = {
  [K in keyof R & string]: {
    /** Always `true`: the discriminant against a {@link VerifierFailure}. */
    readonly ok: true;
    /** The name of the scheme that verified it, e.g. `hostdime`. */
    readonly scheme: K;
    /** Who sent it: key, user, token name or claims, as the scheme knows them. */
    readonly identity: Identity;
    /** The scheme's own verify result. */
    readonly detail: DetailOf<R[K]>;
    /**
     * The request as verified, with the raw body bytes (parse these, never a re-serialization).
     * Not enumerable: it carries the credential, so `console.log(result)` and
     * `JSON.stringify(result)` leave it out; read `result.request` itself.
     */
    readonly request: NormalizedRequest;
  };
}[keyof R & string];

/** What a verifier's `verify` resolves to: a {@link VerifierSuccess} or a {@link VerifierFailure}. */
export type VerifierResult<R extends SchemeRegistry> = VerifierSuccess<R> | VerifierFailure<keyof R & string>;

/** A verifier made by {@link createVerifierFor} or `createVerifier`. */
export interface Verifier<R extends SchemeRegistry> {
  /**
   * Verifies one request: picks the scheme, reads the raw body once (capped), and resolves the
   * result. Never rejects, whatever the request holds.
   */
  verify(request: VerifiableRequest): Promise<VerifierResult<R>>;
  /** The scheme a request would be verified with, or null. Reads no body. */
  detect(head: RequestHead): (keyof R & string) | null;
  /** Builds a failure in a scheme's envelope (adapters use it for errors found before `verify`). */
  failure(code: HostsigErrorCode, message: string, scheme?: (keyof R & string) | null, details?: HostsigErrorDetails, head?: RequestHead): VerifierFailure<keyof R & string>;
  /** The body cap in bytes, as resolved from the options (default 1 MiB, 1 048 576); adapters enforce it while reading. */
  readonly maxBodyBytes: number;
  /** The configured scheme names, in detection order. */
  readonly schemes: readonly (keyof R & string)[];
}

const DEFAULT_MAX_BODY = 1024 * 1024;

function positiveInt(v: unknown, name: string, dflt: number): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) throw new HostsigError('INVALID_ARGUMENT', `"${name}" must be a positive integer`);
  return v;
}

/**
 * Rejects with `code` when `p` has not settled within `ms`; a late settlement is swallowed.
 * @param p the promise
 * @param ms the time cap
 * @param code the failure code on timeout
 * @param message the failure message on timeout
 * @example
 * ```ts
 * import { withTimeout } from 'hostsig/server';
 *
 * await withTimeout(Promise.resolve(1), 50, 'LOOKUP_FAILED', 'key lookup timed out') // => 1
 * await withTimeout(new Promise(() => {}), 10, 'LOOKUP_FAILED', 'key lookup timed out') // => throws LOOKUP_FAILED
 * ```
 */
export function withTimeout<T>(p: Promise<T>, ms: number, code: HostsigErrorCode, message: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new HostsigError(code, message, { timeoutMs: ms })), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e);
      },
    );
  });
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return (typeof v === 'object' || typeof v === 'function') && v !== null && typeof (v as { then?: unknown }).then === 'function';
}

/**
 * A nonce store whose calls are capped in time and whose odd answers count as failures. A store
 * with a synchronous path (`MemoryNonceStore.checkAndStoreSync`) is called without a timer.
 */
function guardStore(store: NonceStore, ms: number): NonceStore {
  const sync = (store as { checkAndStoreSync?: unknown }).checkAndStoreSync;
  return {
    async checkAndStore(key, ttlSec) {
      let r: unknown;
      try {
        r = typeof sync === 'function' ? sync.call(store, key, ttlSec) : store.checkAndStore(key, ttlSec);
      } catch (e) {
        throw isHostsigError(e) ? e : new HostsigError('NONCE_STORE_FAILED', 'nonce store failed', {}, { cause: e });
      }
      if (isThenable(r)) r = await withTimeout(Promise.resolve(r), ms, 'NONCE_STORE_FAILED', 'nonce store did not answer in time');
      if (typeof r !== 'boolean') throw new HostsigError('NONCE_STORE_FAILED', 'nonce store answered neither true nor false');
      return r;
    },
  };
}

// Over 80 lines: option checks, then small inner functions (answer, detect, verify) that close
// over the configured plug-ins; hoisted, each would take the whole configuration as arguments.
/**
 * Builds a verifier over an explicit set of scheme plug-ins. `createVerifier` from
 * `hostsig/server` is this over all built-in schemes; call this one with only the plug-ins you
 * use for the smallest bundle.
 * @param registry the scheme plug-ins, in detection order
 * @param options the schemes to accept with their options, the nonce store, limits
 * @throws HostsigError `INVALID_ARGUMENT` for bad options.
 * @example
 * ```ts
 * import { createVerifierFor, sixconnect } from 'hostsig/server';
 *
 * // Only the 6connect plug-in: the smallest bundle.
 * const v = createVerifierFor({ sixconnect }, { schemes: { sixconnect: { secretKey: '48b278ec873bda4738923dbc467f8669' } } });
 * const url = 'https://ipam.example.com/api/v1/api.php?target=ipam&action=get&type=IP&mask=24&apiKey=32-5DAYTJQY2TZHOFOB&hash=yneSFMyxPPe+3W4IOkVp50K3VStatBcRRak+2ygDUWQ=';
 * await v.verify({ method: 'GET', url, headers: {} }) // => { ok: true, scheme: 'sixconnect' }
 * v.schemes // => ['sixconnect']
 * ```
 */
export function createVerifierFor<R extends SchemeRegistry>(registry: R, options: VerifierOptions<R>): Verifier<R> {
  if (typeof options !== 'object' || options === null) throw new HostsigError('INVALID_ARGUMENT', '"options" expected object');
  const schemesCfg = options.schemes as Record<string, (CommonSchemeOptions & object) | undefined>;
  if (typeof schemesCfg !== 'object' || schemesCfg === null) throw new HostsigError('INVALID_ARGUMENT', '"schemes" expected object');
  for (const k of Object.keys(schemesCfg)) {
    if (!Object.prototype.hasOwnProperty.call(registry, k)) throw new HostsigError('INVALID_ARGUMENT', `unknown scheme "${k}"; known: ${Object.keys(registry).join(', ')}`);
  }
  const maxBodyBytes = positiveInt(options.maxBodyBytes, 'maxBodyBytes', DEFAULT_MAX_BODY);
  const lookupMs = positiveInt(options.lookupTimeoutMs, 'lookupTimeoutMs', 2000);
  const nonceMs = positiveInt(options.nonceTimeoutMs, 'nonceTimeoutMs', 2000);
  const clock = options.clock ?? systemClock;
  if (typeof clock !== 'function') throw new HostsigError('INVALID_ARGUMENT', '"clock" expected function');
  const store = options.nonces ?? new MemoryNonceStore({ clock });
  if (typeof store !== 'object' || store === null || typeof store.checkAndStore !== 'function') throw new HostsigError('INVALID_ARGUMENT', '"nonces" must have checkAndStore(key, ttlSec)');

  const context: SchemeContext = {
    nonces: guardStore(store, nonceMs),
    guardStore: (s) => guardStore(s, nonceMs),
    clock,
    timed:
      <A extends unknown[], Res>(fn: (...args: A) => Res) =>
      (...args: A): Promise<Awaited<Res>> => {
        let r: Res;
        try {
          r = fn(...args);
        } catch (e) {
          return Promise.reject(e);
        }
        // A synchronous answer needs no timer.
        if (!isThenable(r)) return Promise.resolve(r as Awaited<Res>);
        return withTimeout(Promise.resolve(r) as Promise<Awaited<Res>>, lookupMs, 'LOOKUP_FAILED', 'key lookup did not answer in time');
      },
  };

  type Name = keyof R & string;
  const active: { name: Name; handler: SchemeHandler<unknown>; detect: (h: RequestHead) => boolean; envelope: EnvelopeBuilder }[] = [];
  for (const name of Object.keys(registry) as Name[]) {
    const cfg = schemesCfg[name];
    if (cfg === undefined) continue;
    if (typeof cfg !== 'object' || cfg === null) throw new HostsigError('INVALID_ARGUMENT', `"schemes.${name}" expected object`);
    const plugin = registry[name]!;
    const handler = plugin.create(cfg, context) as SchemeHandler<unknown>;
    const detect = cfg.detect ?? ((h: RequestHead) => handler.detect(h));
    if (typeof detect !== 'function') throw new HostsigError('INVALID_ARGUMENT', `"schemes.${name}.detect" expected function`);
    active.push({ name, handler, detect, envelope: plugin.envelope });
  }
  if (active.length === 0) throw new HostsigError('INVALID_ARGUMENT', 'configure at least one scheme');
  const byName = new Map(active.map((a) => [a.name as string, a]));
  const select = options.select;
  const clientIpOf = options.clientIp;
  if (clientIpOf !== undefined && typeof clientIpOf !== 'function') throw new HostsigError('INVALID_ARGUMENT', '"clientIp" expected function');

  /** A scheme's (or the verifier's own) failure, ready to send: status, headers, envelope; `cause` kept. */
  function answer(scheme: Name | null, f: VerifyFailure & { readonly status?: FailureStatus | number }, head?: RequestHead): VerifierFailure<Name> {
    const { code, message, details } = f;
    const status = f.status !== undefined && ALLOWED_STATUS.has(f.status as FailureStatus) ? (f.status as FailureStatus) : statusForCode(code);
    const build = (scheme !== null && byName.get(scheme)?.envelope) || genericEnvelope;
    let envelope: unknown;
    try {
      envelope = build(head ? { code, message, status, head } : { code, message, status });
    } catch {
      envelope = genericEnvelope({ code, message, status });
    }
    const headers: Record<string, string> = {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      'x-hostsig-code': code,
    };
    if (status === 503) headers['retry-after'] = '1';
    const out: Record<string, unknown> = { ok: false, scheme, code, message, status, headers, envelope, body: JSON.stringify(envelope) };
    if (details !== undefined && Object.keys(details).length > 0) out['details'] = details;
    if (f.cause !== undefined) Object.defineProperty(out, 'cause', { value: f.cause });
    return out as unknown as VerifierFailure<Name>;
  }

  const failure = (code: HostsigErrorCode, message: string, scheme: Name | null = null, details?: HostsigErrorDetails, head?: RequestHead): VerifierFailure<Name> =>
    answer(scheme, verifyFailure(code, message, { details }), head);

  function detect(head: RequestHead): Name | null {
    if (select) {
      const s = select(head);
      return typeof s === 'string' && byName.has(s) ? s : null;
    }
    for (const a of active) if (a.detect(head) === true) return a.name;
    return null;
  }

  async function verify(request: VerifiableRequest): Promise<VerifierResult<R>> {
    let scheme: Name | null = null;
    let head: RequestHead | undefined;
    try {
      head = normalizeHead(request);
      if (clientIpOf) {
        const ip = clientIpOf(head);
        head = withClientIp(head, typeof ip === 'string' ? ip : undefined);
      }
      scheme = detect(head);
      if (scheme === null) return answer(null, verifyFailure('SCHEME_UNKNOWN', 'the request carries no credentials of a configured scheme'), head);
      const entry = byName.get(scheme)!;
      if ((request as { bodyUsed?: unknown }).bodyUsed === true) return answer(scheme, verifyFailure('BODY_MALFORMED', 'the request body was already read'), head);
      const read = readBodyNow((request as { body?: unknown }).body, maxBodyBytes, head.headers);
      const body = isBytes(read) ? read : await read;
      const normalized: NormalizedRequest = Object.freeze(withBody(head, body));
      const out = await entry.handler.verify(normalized);
      if (out.ok === true) return verifiedResult(scheme, out.identity, out.detail, normalized) as VerifierSuccess<R>;
      // A plug-in that finds, with the body, that the request is not its scheme (HostKey without
      // a token or action field) answers SCHEME_UNKNOWN: no scheme's envelope.
      return answer(out.code === 'SCHEME_UNKNOWN' ? null : scheme, out, head);
    } catch (e) {
      return answer(scheme, toFailure(e, 'BODY_MALFORMED'), head);
    }
  }

  return Object.freeze({ verify, detect, failure, maxBodyBytes, schemes: Object.freeze(active.map((a) => a.name)) });
}
