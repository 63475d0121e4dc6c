import { HostsigError, toFailure } from '../../core/errors.js';
import type { NonceStore } from '../../core/nonce.js';
import { hostDimePathToMethod } from '../../schemes/hostdime/method.js';
import { type HostDimeVerified, type HostDimeVerifyResult, type VerifyHostDimeOptions, verifyHostDime, verifyHostDimeSync } from '../../schemes/hostdime/verify.js';
import { hostDimeEnvelope } from '../envelopes.js';
import type { SchemeOutcome, SchemePlugin } from '../types.js';

/** `createVerifier` options for HostDime: those of `verifyHostDime`; the clock and store come from the verifier. */
export interface HostDimeSchemeOptions extends Omit<VerifyHostDimeOptions, 'now' | 'nonces' | 'method'> {
  /** The replay store; default the verifier's. `false` turns replay protection off. */
  nonces?: NonceStore | false;
}

// Request paths repeat: whether each of the last few hundred short paths names a method (a
// pure function of the path), so detection does not parse the same path on every request.
const detected = /* @__PURE__ */ new Map<string, boolean>();
function namesMethod(path: string): boolean {
  let d = detected.get(path);
  if (d === undefined) {
    d = hostDimePathToMethod(path) !== null;
    if (path.length <= 256) {
      if (detected.size >= 256) detected.clear();
      detected.set(path, d);
    }
  }
  return d;
}

/** verifyHostDime's answer as the verifier takes it. */
function outcome(r: HostDimeVerifyResult): SchemeOutcome<HostDimeVerified> {
  if (r.ok) return { ok: true, identity: { key: r.publicKey }, detail: r };
  return r.details ? { ok: false, code: r.code, message: r.message, details: r.details } : { ok: false, code: r.code, message: r.message };
}

/**
 * HostDime plug-in: a request whose path ends in `/v1/<module>/<action>.<json|xml|yml>` (any
 * mount prefix before `/v1/` is allowed). Identity: `{ key: api_key }`.
 */
export const hostdime: SchemePlugin<HostDimeSchemeOptions, HostDimeVerified> = {
  name: 'hostdime',
  envelope: hostDimeEnvelope,
  create(options, ctx) {
    if (options.privateKey === undefined && typeof options.lookup !== 'function') throw new HostsigError('INVALID_ARGUMENT', 'schemes.hostdime: give "privateKey" or a "lookup" function');
    const { nonces, lookup, detect: _detect, ...rest } = options as HostDimeSchemeOptions & { detect?: unknown };
    const verifyOptions: VerifyHostDimeOptions = { ...rest, now: ctx.clock };
    if (lookup) verifyOptions.lookup = ctx.timed(lookup);
    if (nonces !== false) verifyOptions.nonces = nonces ? ctx.guardStore(nonces) : ctx.nonces;
    // Let bad options fail now, at start-up, not on the first request.
    verifyHostDimeSync({ body: '' }, { ...rest, privateKey: 'x' });
    return {
      detect: (head) => namesMethod(head.path),
      // A Promise chain, not an async function around one: a few hundred bytes less per request.
      verify: (req) => verifyHostDime({ path: req.path, method: req.method, body: req.body }, verifyOptions).then(outcome, toFailure),
    };
  },
};
