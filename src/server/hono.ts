/**
 * Hono middleware (any runtime Hono runs on). It verifies `c.req.raw` (reading its body once,
 * capped, as a stream), answers failures in the provider's envelope, and on success sets
 * `c.var.hostsig` and refills Hono's body cache, so `c.req.text()`, `c.req.parseBody()` and
 * friends still work in the handler.
 * @module hostsig/server/hono
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { PlainRequest } from './request.js';
import type { SchemeRegistry, Verifier, VerifierSuccess } from './verifier.js';

/** Options of {@link hostsigHono}. */
export interface HostsigHonoOptions {
  /**
   * The client's address (WHM whitelists, HostKey `fix_ip`). Hono has no portable one: pass
   * e.g. `(c) => getConnInfo(c).remote.address` from your runtime's adapter, or a trusted header.
   */
  clientIp?: (c: Context) => string | undefined;
}

/** The Hono environment the middleware sets: `c.var.hostsig` holds the verified request. */
export type HostsigHonoEnv<R extends SchemeRegistry> = {
  /** The context variables the middleware sets. */
  Variables: {
    /** The verified request (`c.var.hostsig`), set before `next()`. */
    hostsig: VerifierSuccess<R>;
  };
};

/**
 * Hono middleware: verifies the request (on any runtime Hono runs on); on success sets
 * `c.var.hostsig` and calls `next()`; on failure answers in the provider's envelope.
 * @param verifier from `createVerifier`
 * @param options `clientIp`
 * @example
 * ```ts
 * import { Hono } from 'hono';
 * import { signHostDime } from 'hostsig/hostdime';
 * import { createVerifier, type BuiltinSchemes } from 'hostsig/server';
 * import { hostsigHono, type HostsigHonoEnv } from 'hostsig/server/hono';
 *
 * const verifier = createVerifier({ schemes: { hostdime: { lookup: (k) => (k === 'pub' ? 'fazbaz' : null) } } });
 * const app = new Hono<HostsigHonoEnv<BuiltinSchemes>>();
 * app.use('/v1/*', hostsigHono(verifier));
 * app.post('/v1/*', (c) => c.json({ error: null, response: c.var.hostsig.identity }));
 * const s = signHostDime({ publicKey: 'pub', privateKey: 'fazbaz', method: 'server.list', baseUrl: 'http://localhost' });
 * await (await app.request(s.url, { method: 'POST', headers: s.headers, body: s.body })).json() // => { error: null, response: { key: 'pub' } }
 * ```
 */
export function hostsigHono<R extends SchemeRegistry>(verifier: Verifier<R>, options: HostsigHonoOptions = {}): MiddlewareHandler<HostsigHonoEnv<R>> {
  return async (c, next) => {
    const raw = c.req.raw;
    const plain: PlainRequest & { bodyUsed?: boolean } = { method: raw.method, url: raw.url, headers: raw.headers, body: raw.body, bodyUsed: raw.bodyUsed };
    const ip = options.clientIp?.(c);
    if (typeof ip === 'string') plain.clientIp = ip;
    const r = await verifier.verify(plain);
    if (!r.ok) {
      const headers: Record<string, string> = { ...r.headers };
      return c.body(r.body, r.status, headers);
    }
    const b = r.request.body;
    const copy = b.slice().buffer as ArrayBuffer;
    (c.req.bodyCache as Record<string, Promise<unknown>>)['arrayBuffer'] = Promise.resolve(copy);
    c.set('hostsig', r);
    await next();
    return undefined;
  };
}
