import { isBytes, utf8ToBytes } from '../core/bytes.js';
import { HostsigError } from '../core/errors.js';
import type { RequestHead } from './types.js';

/**
 * Reads the body with the cap: resolves the raw bytes or rejects with `BODY_TOO_LARGE` once
 * more than `maxBytes` arrived. Adapters pass one (e.g. over a node:http `IncomingMessage`).
 */
export type BodyReader = (maxBytes: number) => Promise<Uint8Array>;

/** Header shapes accepted: a Fetch `Headers`, a node:http headers object, or name/value pairs. */
export type HeadersInput =
  | {
      /** Calls `cb` for each header. */
      forEach(cb: (value: string, name: string) => void): void;
      /** A header's value, or null. */
      get(name: string): string | null;
    }
  | Readonly<Record<string, string | readonly string[] | number | undefined>>
  | Iterable<readonly [string, string]>;

/** Body shapes accepted by a plain request. */
export type BodyInput = Uint8Array | ArrayBuffer | string | ReadableStream<Uint8Array> | BodyReader | null | undefined;

/**
 * A request that is not a Fetch `Request`: node:http, a test, a queue message. `url` may be a
 * path (`/v1/server/list.json?x=1`) or absolute. The body should be the raw bytes.
 */
export interface PlainRequest {
  /** The HTTP method, any case (an HTTP token; it is upper-cased). */
  method: string;
  /** The request target as received: a path with its query, or an absolute URL; never re-encoded. */
  url: string;
  /** The headers: a Fetch `Headers`, a node:http headers object or name/value pairs. Default none. */
  headers?: HeadersInput;
  /** The raw body: bytes, an ArrayBuffer, a string (read as UTF-8), a stream or a {@link BodyReader}. Default empty. */
  body?: BodyInput;
  /** The client's address, when known (node adapters pass the socket's). */
  clientIp?: string;
}

/** The Fetch API `Request` members the verifier uses (Hono, Bun, Deno, Workers, Next.js, undici). */
export interface FetchRequestLike {
  /** The HTTP method, any case. */
  readonly method: string;
  /** The absolute URL; its raw path and query are used as they are, never re-encoded. */
  readonly url: string;
  /** The request's headers (only `forEach` and `get` are used). */
  readonly headers: {
    /** Calls `cb` for each header. */
    forEach(cb: (value: string, name: string) => void): void;
    /** A header's value, or null. */
    get(name: string): string | null;
  };
  /** The body stream, read once with the cap enforced; null for no body. */
  readonly body: ReadableStream<Uint8Array> | null;
  /** True when something already read the body: the request is then refused (`BODY_MALFORMED`). */
  readonly bodyUsed?: boolean;
}

/** What a verifier takes: a Fetch `Request` (or look-alike), or a plain object. */
export type VerifiableRequest = FetchRequestLike | PlainRequest;

const METHOD_RE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,32}$/;
const SCHEME_AUTHORITY_RE = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*/;

function malformed(message: string): never {
  throw new HostsigError('BODY_MALFORMED', message);
}

/**
 * The longest `Authorization` value accepted, in characters. nginx refuses a header line over
 * 8 KiB by default (`large_client_header_buffers 4 8k`) and Node a whole head over 16 KiB, so
 * no real client sends more; the cap keeps every scheme parser's work on it small.
 */
export const MAX_AUTHORIZATION_LENGTH = 8192;

/**
 * One request, one identity: a second `Authorization` (under any case), an array of several,
 * or a value with a comma (what a Fetch `Headers` or Node's `joinDuplicateHeaders` makes of two
 * headers; no credential of any scheme has a comma) is refused. Node keeps the first of two,
 * PHP and other frameworks may read another, so accepting either would verify one identity and
 * serve another.
 */
function duplicateAuthorization(): never {
  throw new HostsigError('AUTH_HEADER_DUPLICATE', 'the request has more than one Authorization header');
}

/** The credential header's value, checked once every occurrence has been merged into it. */
function checkAuthorization(value: string | undefined): void {
  if (value === undefined) return;
  // indexOf is one linear pass; the length check first keeps a 1 MB value from being scanned.
  if (value.length > MAX_AUTHORIZATION_LENGTH) throw new HostsigError('AUTH_HEADER_MALFORMED', `Authorization header is longer than ${MAX_AUTHORIZATION_LENGTH} characters`, { reason: 'too-long', maxLength: MAX_AUTHORIZATION_LENGTH });
  if (value.indexOf(',') !== -1) duplicateAuthorization();
}

/**
 * Lowercased, null-prototype header record (duplicates joined with `, `), from a `Headers`, a
 * node:http headers object or name/value pairs. `Authorization` is the exception: it must
 * come once, without a comma, and at most {@link MAX_AUTHORIZATION_LENGTH} characters long.
 * @param input a Fetch `Headers`, a node:http headers object, or name/value pairs
 * @throws HostsigError `BODY_MALFORMED` for a name or value that is not a string;
 *   `AUTH_HEADER_DUPLICATE` for two `Authorization` values (repeated, an array of several, or
 *   joined with a comma); `AUTH_HEADER_MALFORMED` for an `Authorization` over the length cap.
 * @example
 * ```ts
 * import { normalizeHeaders } from 'hostsig/server';
 *
 * const h = normalizeHeaders({ 'Content-Type': 'text/plain', 'X-Multi': ['a', 'b'] });
 * h // => { 'content-type': 'text/plain', 'x-multi': 'a, b' }
 * Object.getPrototypeOf(h) // => null
 * // One request, one identity: a second Authorization is refused, whatever its case.
 * normalizeHeaders([['authorization', 'whm root:A'], ['Authorization', 'Bearer x']]) // => throws AUTH_HEADER_DUPLICATE
 * normalizeHeaders(new Headers([['authorization', 'Basic eDp5'], ['authorization', 'Basic eDp5']])) // => throws AUTH_HEADER_DUPLICATE
 * ```
 */
export function normalizeHeaders(input: unknown): Record<string, string> {
  const out = Object.create(null) as Record<string, string>;
  if (input === undefined || input === null) return out;
  if (typeof input !== 'object') malformed('headers expected object');
  const h = input as { forEach?: unknown; get?: unknown };
  if (typeof h.forEach === 'function' && typeof h.get === 'function') {
    (input as { forEach(cb: (v: string, k: string) => void): void }).forEach((v, k) => addHeader(out, k, v));
  } else if (Array.isArray(input) || typeof (input as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function') {
    for (const pair of input as Iterable<unknown>) {
      if (!Array.isArray(pair) || pair.length !== 2) malformed('header pair expected [name, value]');
      addHeader(out, pair[0], pair[1]);
    }
  } else {
    const record = input as Record<string, unknown>;
    for (const k of Object.keys(record)) addHeader(out, k, record[k]);
  }
  checkAuthorization(out['authorization']);
  return out;
}

/** Adds one header to `out` (lowercased name; a repeat joined with `, `, a second Authorization refused). */
function addHeader(out: Record<string, string>, name: unknown, value: unknown): void {
  if (typeof name !== 'string') malformed('header name expected string');
  let v: string;
  if (typeof value === 'string') v = value;
  else if (typeof value === 'number') v = String(value);
  else if (Array.isArray(value) && value.every((x) => typeof x === 'string')) v = value.join(', ');
  else if (value === undefined) return;
  else malformed('header value expected string');
  const k = name.toLowerCase();
  const prev = out[k];
  if (k === 'authorization' && (prev !== undefined || (Array.isArray(value) && value.length > 1))) duplicateAuthorization();
  out[k] = prev === undefined ? v : `${prev}, ${v}`;
}

/**
 * Splits a URL or path into its raw path and query, without decoding or re-encoding anything.
 * @param url an absolute URL or a request target
 * @example
 * ```ts
 * import { splitUrl } from 'hostsig/server';
 *
 * // The query is kept byte for byte: '+' is not decoded, the fragment is dropped.
 * splitUrl('https://h/api.php?a=1&hash=x+y#f') // => { path: '/api.php', query: 'a=1&hash=x+y' }
 * ```
 */
export function splitUrl(url: string): {
  /** The raw path, `/` when empty. */
  path: string;
  /** The raw query after `?`, `''` when there is none. */
  query: string;
} {
  let rest = url;
  // A request target (`/path?query`, what node:http gives) has no scheme to strip.
  const m = rest.charCodeAt(0) === 0x2f ? null : SCHEME_AUTHORITY_RE.exec(rest);
  if (m) rest = rest.slice(m[0].length);
  const hash = rest.indexOf('#');
  if (hash !== -1) rest = rest.slice(0, hash);
  const q = rest.indexOf('?');
  const path = q === -1 ? rest : rest.slice(0, q);
  return { path: path === '' ? '/' : path, query: q === -1 ? '' : rest.slice(q + 1) };
}

/**
 * The request's method, URL and headers, checked and normalized.
 * @param request a Fetch `Request` or a plain request
 * @throws HostsigError `BODY_MALFORMED`.
 * @example
 * ```ts
 * import { normalizeHead } from 'hostsig/server';
 *
 * normalizeHead({ method: 'post', url: '/v1/server/list.json?x=1', headers: { Host: 'api' } }) // => { method: 'POST', path: '/v1/server/list.json', query: 'x=1', headers: { host: 'api' } }
 * ```
 */
export function normalizeHead(request: VerifiableRequest): RequestHead {
  if (typeof request !== 'object' || request === null) malformed('request expected object');
  const method = request.method;
  const url = request.url;
  if (typeof method !== 'string' || !(method === 'POST' || method === 'GET' || METHOD_RE.test(method))) malformed('request method expected an HTTP token');
  if (typeof url !== 'string') malformed('request url expected string');
  const { path, query } = splitUrl(url);
  const ip = (request as PlainRequest).clientIp;
  const headers = normalizeHeaders(request.headers);
  // Two literals, not a spread: `{ ...head, clientIp }` costs about a microsecond in V8.
  const upper = method.toUpperCase();
  return typeof ip === 'string' ? { method: upper, url, path, query, headers, clientIp: ip } : { method: upper, url, path, query, headers };
}

function tooLarge(maxBytes: number): HostsigError {
  return new HostsigError('BODY_TOO_LARGE', `body is larger than ${maxBytes} bytes`, { maxBytes });
}

/**
 * Reads a `ReadableStream` to its end with the cap enforced while streaming: the read stops and
 * the stream is cancelled as soon as the total passes `maxBytes`.
 * @param stream the body stream
 * @param maxBytes the cap
 * @throws HostsigError `BODY_TOO_LARGE`, `BODY_MALFORMED` (a chunk that is not bytes).
 * @example
 * ```ts
 * import { readStreamCapped } from 'hostsig/server';
 *
 * const body = () => new Response('status=registered').body!;
 * await readStreamCapped(body(), 1 << 20) // => new TextEncoder().encode('status=registered')
 * await readStreamCapped(body(), 4) // => throws BODY_TOO_LARGE
 * ```
 */
export async function readStreamCapped(stream: ReadableStream<Uint8Array>, maxBytes: number): Promise<Uint8Array> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const chunk = isBytes(value) ? value : typeof value === 'string' ? utf8ToBytes(value) : malformed('body stream chunk expected bytes');
      total += chunk.length;
      if (total > maxBytes) {
        reader.cancel().catch(() => {});
        throw tooLarge(maxBytes);
      }
      chunks.push(chunk);
    }
  } finally {
    try {
      reader.releaseLock();
    } catch {
      // a pending cancel may still hold the lock; nothing to do
    }
  }
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** True when `declared` is all digits (at least one) and its number is over `maxBytes`. */
function declaredOver(declared: string, maxBytes: number): boolean {
  const n = declared.length;
  if (n === 0) return false;
  for (let i = 0; i < n; i++) {
    const c = declared.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return Number(declared) > maxBytes;
}

/**
 * Reads any accepted body shape with the cap. A declared `content-length` over the cap is
 * refused before a byte is read.
 * @param body any accepted body shape
 * @param maxBytes the cap
 * @param headers the normalized headers (a declared `content-length` over the cap fails before reading)
 * @throws HostsigError `BODY_TOO_LARGE`, `BODY_MALFORMED`.
 * @example
 * ```ts
 * import { readBody } from 'hostsig/server';
 *
 * await readBody('a=1', 1 << 20, {}) // => new TextEncoder().encode('a=1')
 * await readBody(new Uint8Array(10), 1 << 20, { 'content-length': '2000000' }) // => throws BODY_TOO_LARGE
 * ```
 */
export async function readBody(body: unknown, maxBytes: number, headers: Readonly<Record<string, string>>): Promise<Uint8Array> {
  return readBodyNow(body, maxBytes, headers);
}

/**
 * @internal {@link readBody} without an async function around it: the bytes at once for a body
 * that is there (bytes, a string), a Promise for one still to be read; throws synchronously.
 */
export function readBodyNow(body: unknown, maxBytes: number, headers: Readonly<Record<string, string>>): Uint8Array | Promise<Uint8Array> {
  const declared = headers['content-length'];
  if (declared !== undefined && declaredOver(declared, maxBytes)) throw tooLarge(maxBytes);
  if (body === undefined || body === null) return new Uint8Array(0);
  if (isBytes(body)) return capped(body, maxBytes);
  if (body instanceof ArrayBuffer) return capped(new Uint8Array(body), maxBytes);
  if (typeof body === 'string') {
    if (body.length > maxBytes) throw tooLarge(maxBytes); // UTF-8 is never shorter than UTF-16 units
    return capped(utf8ToBytes(body), maxBytes);
  }
  if (typeof body === 'function') {
    return Promise.resolve((body as BodyReader)(maxBytes)).then((got: unknown) => {
      if (!isBytes(got)) malformed('body reader must resolve a Uint8Array');
      return capped(got, maxBytes);
    });
  }
  if (typeof body === 'object' && typeof (body as { getReader?: unknown }).getReader === 'function') {
    return readStreamCapped(body as ReadableStream<Uint8Array>, maxBytes).then((b) => capped(b, maxBytes));
  }
  malformed('body expected Uint8Array, string, ReadableStream or a reader function');
}

function capped(bytes: Uint8Array, maxBytes: number): Uint8Array {
  if (bytes.length > maxBytes) throw tooLarge(maxBytes);
  return bytes;
}
