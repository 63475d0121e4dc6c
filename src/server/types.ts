import type { Clock } from '../core/clock.js';
import type { HostsigErrorCode, HostsigErrorDetails, VerifyFailure } from '../core/errors.js';
import type { NonceStore } from '../core/nonce.js';

/**
 * What the verifier knows about a request before reading its body: enough to pick a scheme.
 * `headers` is a null-prototype record with lowercased names (duplicates joined with `, `), so
 * a header named `__proto__` or `constructor` is an ordinary entry. `authorization` holds the
 * request's single `Authorization` header: a second one is refused before detection.
 */
export interface RequestHead {
  /** Upper-cased HTTP method. */
  readonly method: string;
  /** The URL as received (absolute for a Fetch `Request`, usually a path for node:http). */
  readonly url: string;
  /** The raw path, no query or fragment, never re-encoded. */
  readonly path: string;
  /** The raw query after `?`, no fragment, never re-encoded; `''` when there is none. */
  readonly query: string;
  /** The headers: lowercased names, duplicates joined with `, `, a null prototype (see above). */
  readonly headers: Readonly<Record<string, string>>;
  /** The client's address when the adapter or the `clientIp` option knows it (WHM whitelists, HostKey `fix_ip`). */
  readonly clientIp?: string;
}

/** A request with its raw body, as every scheme plug-in receives it. */
export interface NormalizedRequest extends RequestHead {
  /** The raw body bytes as received (at most the verifier's `maxBodyBytes`); empty when there was none. */
  readonly body: Uint8Array;
}

/** Who a verified request comes from. Each scheme fills the fields it has. */
export interface Identity {
  /** The public key / API key (HostDime `api_key`, 6connect `apiKey`, HostKey API key). */
  readonly key?: string;
  /** A user name or e-mail (WHM user, HostBill Basic user). */
  readonly user?: string;
  /** A named token (WHM API token name, HostKey session). */
  readonly tokenName?: string;
  /** Verified JWT claims (HostBill). */
  readonly claims?: Readonly<Record<string, unknown>>;
}

/** A scheme plug-in's success. */
export interface SchemeSuccess<Detail> {
  /** Always `true`: the discriminant against a failure (`ok: false`). */
  readonly ok: true;
  /** Who sent the request, in the scheme-neutral shape the verifier hands on. */
  readonly identity: Identity;
  /** The scheme's own verify result, untouched. */
  readonly detail: Detail;
}

/** A plug-in's failure; `status` overrides the code's default status (schemes that decide it themselves). */
export interface SchemeFailure extends VerifyFailure {
  readonly status?: FailureStatus;
}

/** What a scheme handler resolves to. */
export type SchemeOutcome<Detail> = SchemeSuccess<Detail> | SchemeFailure;

/** What the verifier hands each plug-in when it is created. */
export interface SchemeContext {
  /** The verifier's nonce store, wrapped with its time cap (rejects -> the scheme fails closed). */
  readonly nonces: NonceStore;
  /** The verifier's clock (seconds since the epoch): pass it as the scheme verifier's `now`. */
  readonly clock: Clock;
  /** Wraps another store (a scheme's own) with the same time cap and checks as `nonces`. */
  readonly guardStore: (store: NonceStore) => NonceStore;
  /**
   * Wraps a caller's key lookup with the verifier's time cap: a lookup that throws or is slower
   * than `lookupTimeoutMs` rejects, which the scheme verifiers report as `LOOKUP_FAILED`.
   */
  readonly timed: <A extends unknown[], R>(fn: (...args: A) => R) => (...args: A) => Promise<Awaited<R>>;
}

/** A scheme ready to serve: made by {@link SchemePlugin.create} once per verifier. */
export interface SchemeHandler<Detail> {
  /** True when the request looks like this scheme (method, path, query, headers; no body). */
  detect(head: RequestHead): boolean;
  /** Verifies the request. May resolve a failure; should not throw (a throw becomes a 400). */
  verify(request: NormalizedRequest): Promise<SchemeOutcome<Detail>>;
}

/**
 * One scheme, as a plug-in of `createVerifier`. A plug-in lives in `src/server/schemes/<name>.ts`
 * and is listed in the registry in `src/server/index.ts`.
 */
export interface SchemePlugin<Options, Detail> {
  /** The scheme's name, e.g. `hostdime`: its key under `schemes` and the result's `scheme`. */
  readonly name: string;
  /** The provider's own error envelope. */
  readonly envelope: EnvelopeBuilder;
  /**
   * Checks the options once and returns the handler.
   * @throws HostsigError `INVALID_ARGUMENT` for bad options.
   */
  create(options: Options, context: SchemeContext): SchemeHandler<Detail>;
}

/** Options every scheme entry of `createVerifier` takes besides its own. */
export interface CommonSchemeOptions {
  /** Replaces the plug-in's own detection (e.g. a HostKey gateway on unusual paths). */
  detect?: (head: RequestHead) => boolean;
}

/** A failed verification, ready to send. */
export interface VerifierFailure<S extends string = string> {
  /** Always `false`: the discriminant against a verified request. */
  readonly ok: false;
  /** The scheme the request was taken for; null when none matched. */
  readonly scheme: S | null;
  /** The stable failure code, e.g. `'SIGNATURE_INVALID'`; also sent as the `x-hostsig-code` header. */
  readonly code: HostsigErrorCode;
  /** A short English reason for people and logs; never a secret. */
  readonly message: string;
  /** Code-specific facts (a field name, a limit); never a secret. Absent when there are none. */
  readonly details?: HostsigErrorDetails;
  /** The HTTP status to answer with (400, 401, 403, 413 or 503; never 500). */
  readonly status: FailureStatus;
  /** Response headers: content type, `x-hostsig-code`, `cache-control`, and `retry-after` on 503. */
  readonly headers: Readonly<Record<string, string>>;
  /** The provider's error envelope, as a value. */
  readonly envelope: unknown;
  /** The same envelope serialized: the response body to send. */
  readonly body: string;
}

/** The HTTP statuses a verifier answers a failed request with. Never 500. */
export type FailureStatus = 400 | 401 | 403 | 413 | 503;

/** What an envelope builder is given: never a secret, never the caller's input echoed raw. */
export interface EnvelopeInput {
  /** The failure's stable code. */
  code: HostsigErrorCode;
  /** The failure's message (never a secret). */
  message: string;
  /** The HTTP status the failure is answered with. */
  status: FailureStatus;
  /** The request, when it could be read (e.g. to name the WHM function or pick cPanel's shape). */
  head?: RequestHead;
}

/** A provider's error envelope: the JSON value to send. */
export type EnvelopeBuilder = (failure: EnvelopeInput) => unknown;
