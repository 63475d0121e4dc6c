/**
 * node:http adapter: raw-body capture with the cap enforced while streaming, and a handler
 * wrapper that answers failures in the provider's envelope.
 * @module hostsig/server/node
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { HostsigError } from '../core/errors.js';
import type { HeadersInput, PlainRequest } from './request.js';
import type { VerifierFailure } from './types.js';
import type { SchemeRegistry, Verifier, VerifierSuccess } from './verifier.js';

/** Options of {@link readRawBody}. */
export interface ReadRawBodyOptions {
  /** Largest body accepted, in bytes. */
  maxBytes: number;
}

/**
 * Reads a node:http request body as raw bytes. A declared `content-length` over the cap is
 * refused before reading; otherwise reading stops (the stream is paused and left) as soon as
 * the total passes `maxBytes`, so a 100 MB upload costs at most about `maxBytes` of memory.
 * Answer such a request with `connection: close` (as {@link sendFailure} does): the rest of the
 * upload is then dropped with the socket.
 * @param req the node:http request
 * @param options `maxBytes`
 * @throws HostsigError `BODY_TOO_LARGE`; `BODY_MALFORMED` when the client aborts or the stream errors.
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { readRawBody } from 'hostsig/server/node';
 *
 * const server = createServer(async (req, res) => {
 *   try {
 *     const body = await readRawBody(req, { maxBytes: 16 });
 *     res.end(`read ${body.length} bytes`);
 *   } catch (e) {
 *     res.statusCode = 413;
 *     res.end(String((e as { code?: string }).code));
 *   }
 * });
 * await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
 * const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
 * await (await fetch(url, { method: 'POST', body: 'a=1' })).text() // => 'read 3 bytes'
 * await (await fetch(url, { method: 'POST', body: 'x'.repeat(100) })).text() // => 'BODY_TOO_LARGE'
 * server.close();
 * ```
 */
export function readRawBody(req: IncomingMessage, options: ReadRawBodyOptions): Promise<Uint8Array> {
  const max = options.maxBytes;
  if (!Number.isSafeInteger(max) || max < 0) throw new HostsigError('INVALID_ARGUMENT', '"maxBytes" must be a non-negative integer');
  return new Promise<Uint8Array>((resolve, reject) => {
    const tooLarge = () => new HostsigError('BODY_TOO_LARGE', `body is larger than ${max} bytes`, { maxBytes: max });
    const declared = req.headers['content-length'];
    if (typeof declared === 'string' && /^[0-9]+$/.test(declared) && Number(declared) > max) {
      req.pause();
      reject(tooLarge());
      return;
    }
    if (req.readableEnded) {
      reject(new HostsigError('BODY_MALFORMED', 'the request body was already read'));
      return;
    }
    const chunks: Uint8Array[] = [];
    let total = 0;
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const onData = (chunk: Uint8Array | string) => {
      const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      total += b.length;
      if (total > max) {
        cleanup();
        req.pause();
        reject(tooLarge());
        return;
      }
      chunks.push(b);
    };
    const onEnd = () => {
      cleanup();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total));
    };
    const onError = (e: unknown) => {
      cleanup();
      reject(new HostsigError('BODY_MALFORMED', 'the request body could not be read', {}, { cause: e }));
    };
    const onClose = () => {
      // 'close' before 'end': the client went away mid-body.
      if (!req.readableEnded) onError(new Error('request closed before its end'));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
    req.resume();
  });
}

/**
 * The headers of a node:http request as the verifier should see them: `req.headers`, except
 * when `Authorization` came more than once. Node keeps only the first of several in
 * `req.headers` (so a valid token followed by junk would verify); here every raw value is kept,
 * and the verifier refuses the request with `AUTH_HEADER_DUPLICATE` (one request, one identity).
 * The raw names are counted case-insensitively in one pass over `req.rawHeaders`.
 * @param req the node:http request (its `rawHeaders` are counted)
 * @param headers the parsed headers to start from, default `req.headers` (Fastify: `request.headers`)
 * @example
 * ```ts
 * import { nodeHeaders } from 'hostsig/server/node';
 *
 * // As node:http records two Authorization lines: req.headers keeps the first only.
 * const req = { headers: { authorization: 'whm root:A' }, rawHeaders: ['Authorization', 'whm root:A', 'authorization', 'Bearer x'] };
 * nodeHeaders(req) // => { authorization: ['whm root:A', 'Bearer x'] }
 * const single = { headers: { host: 'h' }, rawHeaders: ['Host', 'h'] };
 * nodeHeaders(single) === single.headers // => true
 * ```
 */
export function nodeHeaders(req: Pick<IncomingMessage, 'headers' | 'rawHeaders'>, headers: IncomingHttpHeaders = req.headers): HeadersInput {
  const raw: unknown = req.rawHeaders;
  if (!Array.isArray(raw)) return headers;
  let values: string[] | undefined;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name: unknown = raw[i];
    if (typeof name === 'string' && name.length === 13 && name.toLowerCase() === 'authorization') (values ??= []).push(String(raw[i + 1]));
  }
  if (values === undefined || values.length < 2) return headers;
  const out = Object.create(null) as Record<string, string | string[] | undefined>;
  for (const k of Object.keys(headers)) out[k] = headers[k];
  out['authorization'] = values;
  return out;
}

/**
 * The request as `verifier.verify` takes it; the body is read lazily, capped, only once a scheme matched.
 * @param req the node:http request
 * @param url the request target, default `req.url`
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { toPlainRequest } from 'hostsig/server/node';
 *
 * const server = createServer((req, res) => {
 *   const plain = toPlainRequest(req);
 *   res.end(JSON.stringify({ method: plain.method, url: plain.url, ip: plain.clientIp }));
 * });
 * await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
 * const { port } = server.address() as { port: number };
 * JSON.parse(await (await fetch(`http://127.0.0.1:${port}/v1/server/list.json?x=1`)).text()) // => { method: 'GET', url: '/v1/server/list.json?x=1', ip: '127.0.0.1' }
 * server.close();
 * ```
 */
export function toPlainRequest(req: IncomingMessage, url = req.url ?? '/'): PlainRequest {
  const plain: PlainRequest = {
    method: req.method ?? 'GET',
    url,
    headers: nodeHeaders(req),
    body: (maxBytes: number) => readRawBody(req, { maxBytes }),
  };
  const ip = req.socket?.remoteAddress;
  if (typeof ip === 'string') plain.clientIp = ip;
  return plain;
}

/**
 * Verifies a node:http request (reads its raw body under the verifier's cap).
 * @param verifier from `createVerifier`
 * @param req the node:http request
 * @returns a Promise of the verifier's result (never rejects)
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { signHostDime } from 'hostsig/hostdime';
 * import { createVerifier } from 'hostsig/server';
 * import { sendFailure, verifyNodeRequest } from 'hostsig/server/node';
 *
 * const verifier = createVerifier({ schemes: { hostdime: { lookup: (k) => (k === 'pub' ? 'fazbaz' : null) } } });
 * const server = createServer(async (req, res) => {
 *   const r = await verifyNodeRequest(verifier, req);
 *   if (!r.ok) return sendFailure(res, r);
 *   res.end(`hello ${r.identity.key}`);
 * });
 * await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
 * const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
 * const signed = signHostDime({ publicKey: 'pub', privateKey: 'fazbaz', method: 'server.list', baseUrl: base });
 * await (await fetch(signed.url, { method: 'POST', headers: signed.headers, body: signed.body })).text() // => 'hello pub'
 * server.close();
 * ```
 */
export function verifyNodeRequest<R extends SchemeRegistry>(verifier: Verifier<R>, req: IncomingMessage) {
  return verifier.verify(toPlainRequest(req));
}

/**
 * Writes a failure: its status, headers and envelope. A 413 also gets `connection: close`, so
 * the unread rest of the upload goes with the socket instead of being drained.
 * @param res the node:http response
 * @param failure a failed result
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { createVerifier } from 'hostsig/server';
 * import { sendFailure } from 'hostsig/server/node';
 *
 * const verifier = createVerifier({ schemes: { hostdime: { privateKey: 'fazbaz' } } });
 * const server = createServer((_req, res) => sendFailure(res, verifier.failure('SIGNATURE_INVALID', 'api_hash does not match', 'hostdime')));
 * await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
 * const res = await fetch(`http://127.0.0.1:${(server.address() as { port: number }).port}/`);
 * res.status // => 401
 * await res.json() // => { error: { message: 'SIGNATURE_INVALID: api_hash does not match', code: 401 }, response: null }
 * server.close();
 * ```
 */
export function sendFailure(res: ServerResponse, failure: VerifierFailure): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.statusCode = failure.status;
  for (const [k, v] of Object.entries(failure.headers)) res.setHeader(k, v);
  if (failure.status === 413) res.setHeader('connection', 'close');
  res.end(failure.body);
}

/** A node:http handler that {@link withVerification} calls only for verified requests. */
export type VerifiedHandler<R extends SchemeRegistry> = (req: IncomingMessage, res: ServerResponse, verified: VerifierSuccess<R>) => unknown;

/**
 * Wraps a node:http handler: only verified requests reach it, with the result (its
 * `request.body` is the raw body, already read). Failures are answered in the provider's
 * envelope (400/401/403/413/503). An error thrown by your handler is answered 500 when nothing
 * was sent yet (that is your handler's failure, not a request's).
 * @param verifier from `createVerifier`
 * @param handler called with verified requests only
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { signSixConnect } from 'hostsig/sixconnect';
 * import { createVerifier } from 'hostsig/server';
 * import { withVerification } from 'hostsig/server/node';
 *
 * const verifier = createVerifier({ schemes: { sixconnect: { secretKey: '48b278ec873bda4738923dbc467f8669' } } });
 * const server = createServer(withVerification(verifier, (_req, res, v) => res.end(`hello ${v.identity.key}`)));
 * await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
 * const baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}/api/v1/api.php`;
 * const sign = (secretKey: string) => signSixConnect({ baseUrl, target: 'ipam', action: 'get', apiKey: '32-5DAYTJQY2TZHOFOB', secretKey }).url;
 * await (await fetch(sign('48b278ec873bda4738923dbc467f8669'))).text() // => 'hello 32-5DAYTJQY2TZHOFOB'
 * const refused = await fetch(sign('not the secret'));
 * refused.status // => 401
 * server.close();
 * ```
 */
export function withVerification<R extends SchemeRegistry>(verifier: Verifier<R>, handler: VerifiedHandler<R>): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    verifier
      .verify(toPlainRequest(req))
      .then((r) => (r.ok ? handler(req, res, r) : sendFailure(res, r)))
      .catch(() => {
        if (!res.headersSent) {
          res.statusCode = 500;
          res.end();
        } else {
          res.destroy();
        }
      });
  };
}
