/**
 * Express middleware (Express 4 and 5). It reads the raw body itself, so mount it before any
 * body parser (`express.json()`, `express.urlencoded()`) on the routes it guards. If a route
 * must use `express.raw({ type: '*\/*' })` first, the middleware takes those bytes as they are;
 * it never hashes a re-serialized `req.body`, and refuses a body a parser already consumed.
 * @module hostsig/server/express
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isBytes } from '../core/bytes.js';
import { HostsigError } from '../core/errors.js';
import { nodeHeaders, readRawBody, sendFailure } from './node.js';
import type { BodyInput } from './request.js';
import type { SchemeRegistry, Verifier, VerifierSuccess } from './verifier.js';

/** The Express request members used (no dependency on Express's types). */
export interface ExpressLikeRequest extends IncomingMessage {
  /** Express's URL before any router mount stripped it: what is verified (falls back to `url`). */
  originalUrl?: string;
  /** The body as a parser left it: bytes from `express.raw()` are verified as they are, a parsed body is an error passed to `next`. On success, the raw Buffer when empty before (see `setBody`). */
  body?: unknown;
  /** Set by body-parser once it consumed the stream. */
  _body?: boolean;
  /** The verification result, on success. */
  hostsig?: VerifierSuccess<any>;
  /** The raw body bytes that were verified. */
  rawBody?: Uint8Array;
}

/** The part of Express's response the middleware uses (a node:http `ServerResponse` with `locals`). */
export interface ExpressLikeResponse extends ServerResponse {
  /** Express's per-response locals: `locals.hostsig` is set to the result on success. */
  locals?: Record<string, unknown>;
}

/** Express's `next` callback. */
export type ExpressNext = (err?: unknown) => void;

/** Options of {@link hostsigExpress}. */
export interface HostsigExpressOptions {
  /**
   * Put the raw body on `req.body` (a Buffer, as `express.raw()` would) when nothing else set
   * it, so later handlers can read it. Default true.
   */
  setBody?: boolean;
}

/**
 * Express middleware: verifies the request; on success sets `req.hostsig`,
 * `res.locals.hostsig` and `req.rawBody` (and `req.body`, see options) and calls `next()`; on
 * failure answers in the provider's envelope and does not call `next()`.
 * @param verifier from `createVerifier`
 * @param options `setBody`
 * @example
 * ```ts
 * import express from 'express';
 * import { signHostDime } from 'hostsig/hostdime';
 * import { createVerifier } from 'hostsig/server';
 * import { hostsigExpress } from 'hostsig/server/express';
 *
 * const verifier = createVerifier({ schemes: { hostdime: { lookup: (k) => (k === 'pub' ? 'fazbaz' : null) } } });
 * const app = express();
 * // Mount before any body parser: hostsig reads the raw body itself.
 * app.post('/v1/*path', hostsigExpress(verifier), (req, res) => {
 *   res.json({ error: null, response: (req as unknown as { hostsig: { identity: unknown } }).hostsig.identity });
 * });
 * const server = app.listen(0, '127.0.0.1');
 * await new Promise((r) => server.once('listening', r));
 * const baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
 * const s = signHostDime({ publicKey: 'pub', privateKey: 'fazbaz', method: 'server.list', baseUrl });
 * await (await fetch(s.url, { method: 'POST', headers: s.headers, body: s.body })).json() // => { error: null, response: { key: 'pub' } }
 * server.close();
 * ```
 */
export function hostsigExpress<R extends SchemeRegistry>(verifier: Verifier<R>, options: HostsigExpressOptions = {}) {
  const setBody = options.setBody ?? true;
  return function hostsigMiddleware(req: ExpressLikeRequest, res: ExpressLikeResponse, next: ExpressNext): void {
    let body: BodyInput;
    if (isBytes(req.body)) {
      body = req.body; // express.raw(): the bytes as received
    } else if (req._body === true || req.readableEnded || (req.body !== undefined && req.body !== null && typeof req.body === 'object' && Object.keys(req.body).length > 0)) {
      next(new HostsigError('INVALID_ARGUMENT', 'hostsig: a body parser already consumed the raw body; mount hostsigExpress() before express.json()/urlencoded(), or use express.raw({ type: "*/*" })'));
      return;
    } else {
      body = (maxBytes: number) => readRawBody(req, { maxBytes });
    }
    const plain = { method: req.method ?? 'GET', url: req.originalUrl ?? req.url ?? '/', headers: nodeHeaders(req), body, ...(req.socket?.remoteAddress ? { clientIp: req.socket.remoteAddress } : {}) };
    verifier.verify(plain).then(
      (r) => {
        if (!r.ok) return sendFailure(res, r);
        req.hostsig = r;
        req.rawBody = r.request.body;
        if (res.locals) res.locals['hostsig'] = r;
        if (setBody && (req.body === undefined || (typeof req.body === 'object' && req.body !== null && !isBytes(req.body) && Object.keys(req.body).length === 0))) {
          const b = r.request.body;
          req.body = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
          req._body = true;
        }
        next();
      },
      (e: unknown) => next(e),
    );
  };
}
