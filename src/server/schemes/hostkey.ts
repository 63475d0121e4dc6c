import { HostsigError, toFailure, type VerifyFailure, verifyFailure } from '../../core/errors.js';
import { PhpArray } from '../../core/php/array.js';
import { isIpAddress } from '../../core/ip.js';
import { type HostKeyTokenStore, type HostKeyTokenVerified, readHostKeyForm, type VerifyHostKeyTokenOptions, verifyHostKeyFormToken } from '../../schemes/hostkey/verify.js';
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

// HostBill's old Admin API (`admin/api.php`, `api_id` + `api_key`), which every public HostBill
// client uses, also POSTs to a `.php` module: without a field of invapi's own, it is not HostKey.
const ADMIN_API_HINT = "this looks like HostBill's Admin API (api_id/api_key); hostsig implements HostBill's User API (Authorization: Bearer or Basic), not the Admin API";

/** SCHEME_UNKNOWN when the form carries neither `token` nor `action` (every invapi call has one). */
function notHostKey(form: PhpArray): VerifyFailure | null {
  if (form.get('token') !== undefined || form.get('action') !== undefined) return null;
  const admin = form.get('api_id') !== undefined || form.get('api_key') !== undefined;
  return admin
    ? verifyFailure('SCHEME_UNKNOWN', ADMIN_API_HINT, { details: { hint: 'hostbill-admin-api' } })
    : verifyFailure('SCHEME_UNKNOWN', 'a POST to a .php module without a HostKey token or action field');
}

/**
 * HostKey plug-in: a `POST` to `<module>.php` (other than the public modules) whose form body
 * carries `token=` (a body with neither `token` nor `action` is no HostKey call: `SCHEME_UNKNOWN`, with a hint
 * when it is HostBill's Admin API). Identity: `{ user: subject }` of the session. Failures answer in invapi's
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
          const form = readHostKeyForm(req.body);
          if (!(form instanceof PhpArray)) return form;
          const not = notHostKey(form);
          if (not !== null) return not;
          const r = await verifyHostKeyFormToken(form, opts);
          if (r.ok) return { ok: true, identity: { user: r.subject }, detail: r };
          return r;
        } catch (e) {
          return toFailure(e);
        }
      },
    };
  },
};
