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

export interface HostsigHonoOptions {
  /**
   * The client's address (WHM whitelists, HostKey `fix_ip`). Hono has no portable one: pass
   * e.g. `(c) => getConnInfo(c).remote.address` from your runtime's adapter, or a trusted header.
   */
  clientIp?: (c: Context) => string | undefined;
}

export type HostsigHonoEnv<R extends SchemeRegistry> = { Variables: { hostsig: VerifierSuccess<R> } };

/**
 * @example
 * app.use('/v1/*', hostsigHono(verifier))
 * app.post('/v1/*', (c) => c.json({ error: null, response: c.var.hostsig.identity }))
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
