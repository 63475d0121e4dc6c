import { HostsigError, toFailure } from '../../core/errors.js';
import { isIpAddress } from '../../core/ip.js';
import { type HostKeyTokenStore, type HostKeyTokenVerified, type VerifyHostKeyTokenOptions, verifyHostKeyRequest } from '../../schemes/hostkey/verify.js';
import { hostKeyEnvelope } from '../envelopes.js';
import type { SchemePlugin } from '../types.js';

/** `createVerifier` options for HostKey invapi (the server side: a compatible API or a gateway). */
export interface HostKeySchemeOptions {
  /**
   * The session store (`MemoryHostKeyTokenStore`, or your own over Redis or a database so that
   * every process sees the same sessions). Its `get` is held to the verifier's lookup time cap.
   */
  store: HostKeyTokenStore;
  /**
   * Modules that need no token (checked by `detect`). Default `['auth.php']`: logging in is
   * how a token is obtained, so the gateway serves it itself.
   */
  publicModules?: readonly string[];
}

const MODULE_RE = /^[A-Za-z0-9_-]{1,64}\.php$/;

/** The `<module>.php` a path ends in, or null: only the last segment is looked at (one scan). */
function moduleOf(path: string): string | null {
  const slash = path.lastIndexOf('/');
  if (slash === -1) return null;
  const last = path.slice(slash + 1);
  return MODULE_RE.test(last) ? last : null;
}

/**
 * HostKey plug-in: a `POST` to `<module>.php` (other than the public modules) whose form body
 * carries `token=`. Identity: `{ user: subject }` of the session. Failures answer in invapi's
 * `{"result": -1, "error": "...", "code": "..."}`.
 */
export const hostkey: SchemePlugin<HostKeySchemeOptions, HostKeyTokenVerified> = {
  name: 'hostkey',
  envelope: hostKeyEnvelope,
  create(options, ctx) {
    const store = options.store;
    if (!store || typeof store.get !== 'function' || typeof store.delete !== 'function') throw new HostsigError('INVALID_ARGUMENT', 'schemes.hostkey: "store" must be a HostKeyTokenStore');
    const publicModules = new Set(options.publicModules ?? ['auth.php']);
    const get = ctx.timed((digest: string) => store.get(digest));
    const capped: HostKeyTokenStore = { get, put: (r) => store.put(r), delete: (d) => store.delete(d) };
    return {
      detect(head) {
        if (head.method !== 'POST') return false;
        const name = moduleOf(head.path);
        return name !== null && !publicModules.has(name);
      },
      async verify(req) {
        try {
          const opts: VerifyHostKeyTokenOptions = { store: capped, now: ctx.clock };
          if (req.clientIp !== undefined && isIpAddress(req.clientIp)) opts.clientIp = req.clientIp;
          const r = await verifyHostKeyRequest(req.body, opts);
          if (r.ok) return { ok: true, identity: { user: r.subject }, detail: r };
          return r;
        } catch (e) {
          return toFailure(e);
        }
      },
    };
  },
};
