/**
 * Fastify plugin (Fastify 4 and 5). The raw body is captured by a content-type parser that
 * keeps the bytes as they arrived (never a re-serialized JSON), with the verifier's cap
 * enforced while streaming; a `preHandler` hook verifies and answers failures in the provider's
 * envelope.
 *
 * The plugin replaces the content-type parsers of the context it is registered in, so register
 * it inside the encapsulated context of the routes it guards:
 * ```ts
 * app.register(async (signed) => {
 *   await signed.register(hostsigFastify, { verifier })
 *   signed.post('/v1/*', async (req) => ({ error: null, response: req.hostsig.identity }))
 * })
 * ```
 * In handlers, `request.body` is the raw body (a Buffer) and `request.hostsig` the result.
 * @module hostsig/server/fastify
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isBytes } from '../core/bytes.js';
import { HostsigError, isHostsigError } from '../core/errors.js';
import { nodeHeaders, readRawBody } from './node.js';
import type { BodyInput } from './request.js';
import type { VerifierFailure } from './types.js';
import type { SchemeRegistry, Verifier, VerifierSuccess } from './verifier.js';

/** Options of the {@link hostsigFastify} plugin. */
export interface HostsigFastifyOptions<R extends SchemeRegistry = SchemeRegistry> {
  /** The verifier from `createVerifier`; its `maxBodyBytes` caps the body while it streams. */
  verifier: Verifier<R>;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The hostsig verification result (set by `hostsigFastify` before handlers run). */
    hostsig: VerifierSuccess<any> | null;
  }
}

const TOO_LARGE = Symbol('hostsig.tooLarge');
const READ_FAILED = Symbol('hostsig.readFailed');

function send(reply: FastifyReply, f: VerifierFailure): FastifyReply {
  reply.code(f.status).headers(f.headers);
  if (f.status === 413) reply.header('connection', 'close');
  return reply.send(f.body);
}

function hostsigFastifyPlugin<R extends SchemeRegistry>(instance: FastifyInstance, options: HostsigFastifyOptions<R>, done: (err?: Error) => void): void {
  const verifier = options?.verifier;
  if (!verifier || typeof verifier.verify !== 'function') {
    done(new HostsigError('INVALID_ARGUMENT', 'hostsigFastify: the "verifier" option is required'));
    return;
  }
  const max = verifier.maxBodyBytes;
  instance.removeAllContentTypeParsers();
  // Every content type, bytes as received. Body-size failures are handed to the hook, which
  // answers them in the provider's envelope (Fastify's own error would be its own JSON).
  instance.addContentTypeParser('*', (request, payload, parserDone) => {
    readRawBody(payload as unknown as FastifyRequest['raw'], { maxBytes: max }).then(
      (body) => parserDone(null, body),
      (e: unknown) => parserDone(null, isHostsigError(e) && e.code === 'BODY_TOO_LARGE' ? TOO_LARGE : READ_FAILED),
    );
  });
  if (!instance.hasRequestDecorator('hostsig')) instance.decorateRequest('hostsig', null);
  instance.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    const raw: unknown = request.body;
    let body: BodyInput;
    if (raw === TOO_LARGE) {
      body = () => Promise.reject(new HostsigError('BODY_TOO_LARGE', `body is larger than ${max} bytes`, { maxBytes: max }));
    } else if (raw === READ_FAILED) {
      body = () => Promise.reject(new HostsigError('BODY_MALFORMED', 'the request body could not be read'));
    } else if (raw === undefined || raw === null) {
      body = undefined;
    } else if (isBytes(raw)) {
      body = raw;
    } else {
      body = () => Promise.reject(new HostsigError('BODY_MALFORMED', 'the raw body is not available'));
    }
    const r = await verifier.verify({ method: request.method, url: request.raw.url ?? request.url, headers: nodeHeaders(request.raw, request.headers), body, clientIp: request.ip });
    if (!r.ok) return send(reply, r);
    request.hostsig = r;
    return undefined;
  });
  done();
}

// Like fastify-plugin: the parser and hook apply to the context that registers the plugin.
(hostsigFastifyPlugin as unknown as Record<symbol, unknown>)[Symbol.for('skip-override')] = true;
(hostsigFastifyPlugin as unknown as Record<symbol, unknown>)[Symbol.for('fastify.display-name')] = 'hostsig';

/**
 * The Fastify plugin; see the module docs for where to register it.
 * @example
 * ```ts
 * import Fastify from 'fastify';
 * import { signHostDime } from 'hostsig/hostdime';
 * import { createVerifier } from 'hostsig/server';
 * import { hostsigFastify } from 'hostsig/server/fastify';
 *
 * const verifier = createVerifier({ schemes: { hostdime: { lookup: (k) => (k === 'pub' ? 'fazbaz' : null) } } });
 * const app = Fastify();
 * await app.register(hostsigFastify, { verifier });
 * app.post('/v1/*', async (req) => ({ error: null, response: req.hostsig?.identity }));
 * const s = signHostDime({ publicKey: 'pub', privateKey: 'fazbaz', method: 'server.list' });
 * const ok = await app.inject({ method: 'POST', url: s.path, headers: s.headers, payload: s.body });
 * ok.json() // => { error: null, response: { key: 'pub' } }
 * const replay = await app.inject({ method: 'POST', url: s.path, headers: s.headers, payload: s.body });
 * replay.statusCode // => 401
 * await app.close();
 * ```
 */
export const hostsigFastify = hostsigFastifyPlugin;
