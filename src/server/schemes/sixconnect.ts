import { isWellFormed, utf8ToBytes } from '../../core/bytes.js';
import { HostsigError, toFailure } from '../../core/errors.js';
import type { NonceStore } from '../../core/nonce.js';
import { type SixConnectVerified, type VerifySixConnectOptions, verifySixConnect } from '../../schemes/sixconnect/verify.js';
import { sixConnectEnvelope } from '../envelopes.js';
import type { SchemePlugin } from '../types.js';

/** `createVerifier` options for 6connect: those of `verifySixConnect`; the clock and store come from the verifier. */
export interface SixConnectSchemeOptions extends Omit<VerifySixConnectOptions, 'now' | 'nonces'> {
  /**
   * With `time`: the replay store; default the verifier's. `false` turns replay protection off.
   * Without `time` there is no window, so no store is used.
   */
  nonces?: NonceStore | false;
}

const DETECT_RE = /(?:^|&)(?:hash|apiKey)=/;

/**
 * 6connect ProVision plug-in: a request whose raw query carries `hash=` or `apiKey=`. The HMAC
 * is checked over the query bytes exactly as received. Identity: `{ key: apiKey }`.
 */
export const sixconnect: SchemePlugin<SixConnectSchemeOptions, SixConnectVerified> = {
  name: 'sixconnect',
  envelope: sixConnectEnvelope,
  create(options, ctx) {
    if (options.secretKey === undefined && typeof options.lookup !== 'function') throw new HostsigError('INVALID_ARGUMENT', 'schemes.sixconnect: give "secretKey" or a "lookup" function');
    const { nonces, lookup, detect: _detect, ...rest } = options as SixConnectSchemeOptions & { detect?: unknown };
    const verifyOptions: VerifySixConnectOptions = { ...rest, now: ctx.clock };
    if (lookup) verifyOptions.lookup = ctx.timed(lookup);
    if (options.time && nonces !== false) verifyOptions.nonces = nonces ? ctx.guardStore(nonces) : ctx.nonces;
    return {
      detect: (head) => DETECT_RE.test(head.query),
      async verify(req) {
        try {
          // The query text itself: the verifier hashes its UTF-8 bytes, as it would the bytes
          // encoded here, without decoding them back to scan. A lone surrogate is refused first,
          // as encoding it would be.
          const query = req.query;
          if (!isWellFormed(query)) utf8ToBytes(query);
          const r = await verifySixConnect({ query }, verifyOptions);
          if (r.ok) return { ok: true, identity: { key: r.apiKey }, detail: r };
          return r.details ? { ok: false, code: r.code, message: r.message, details: r.details } : { ok: false, code: r.code, message: r.message };
        } catch (e) {
          return toFailure(e);
        }
      },
    };
  },
};
