import { HostsigError, toFailure } from '../../core/errors.js';
import { isIpAddress } from '../../core/ip.js';
import { type VerifyWhmOptions, verifyWhmAuthorization, type WhmVerified } from '../../schemes/whm/verify.js';
import { whmOrCpanelEnvelope } from '../envelopes.js';
import type { SchemePlugin } from '../types.js';

/** `createVerifier` options for cPanel & WHM: those of `verifyWhmAuthorization`; path, client address and clock come from the request and the verifier. */
export type WhmSchemeOptions = Omit<VerifyWhmOptions, 'now' | 'clientIp' | 'path'>;

const DETECT_RE = /^(?:whm|cpanel)\s/i;

/**
 * cPanel & WHM plug-in: a request whose `Authorization` header starts with `whm ` or `cpanel `
 * (any case; `WHM user:accesshash` too). Identity: `{ user, tokenName }`. Failures answer in the
 * WHM API 1 envelope (`metadata.result = 0`), or cPanel UAPI's for `cpanel` headers.
 */
export const whm: SchemePlugin<WhmSchemeOptions, WhmVerified> = {
  name: 'whm',
  envelope: whmOrCpanelEnvelope,
  create(options, ctx) {
    if (typeof options.lookup !== 'function') throw new HostsigError('INVALID_ARGUMENT', 'schemes.whm: "lookup" must be a function');
    if (options.lookupAccessHash !== undefined && typeof options.lookupAccessHash !== 'function') throw new HostsigError('INVALID_ARGUMENT', 'schemes.whm: "lookupAccessHash" must be a function');
    const { lookup, lookupAccessHash, detect: _detect, ...rest } = options as WhmSchemeOptions & { detect?: unknown };
    const base: VerifyWhmOptions = { ...rest, lookup: ctx.timed(lookup), now: ctx.clock };
    if (lookupAccessHash) base.lookupAccessHash = ctx.timed(lookupAccessHash);
    return {
      detect: (head) => DETECT_RE.test(head.headers['authorization'] ?? ''),
      async verify(req) {
        try {
          // An address that does not parse is dropped: whitelisted tokens then fail closed (403).
          const opts: VerifyWhmOptions = { ...base, path: req.path };
          if (req.clientIp !== undefined && isIpAddress(req.clientIp)) opts.clientIp = req.clientIp;
          const r = await verifyWhmAuthorization(req.headers['authorization'], opts);
          if (r.ok) return { ok: true, identity: r.tokenName === null ? { user: r.user } : { user: r.user, tokenName: r.tokenName }, detail: r };
          return r;
        } catch (e) {
          return toFailure(e);
        }
      },
    };
  },
};
