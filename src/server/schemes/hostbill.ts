import { HostsigError, toFailure, verifyFailure } from '../../core/errors.js';
import type { JwtPayload } from '../../jwt/types.js';
import { type JwtVerifyOptions, type KeyLookup, type VerifyKey, verifyJwtAsync } from '../../jwt/verify.js';
import { parseBasicAuth } from '../../schemes/hostbill/basic.js';
import { parseBearerAuth } from '../../schemes/hostbill/bearer.js';
import { hostBillEnvelope } from '../envelopes.js';
import type { SchemePlugin } from '../types.js';

/** `createVerifier` options for HostBill's User API: either method, or both. */
export interface HostBillSchemeOptions {
  /** `Authorization: Bearer <RS256 JWT>`: the issuer's key (or a lookup by header), and JWT checks. */
  bearer?: Omit<JwtVerifyOptions, 'now' | 'currentDate'> & {
    /** The issuer's public key, or a lookup by the token's header (`kid`) held to the verifier's time cap. */
    key: VerifyKey | KeyLookup;
  };
  /**
   * `Authorization: Basic`: checks a user's password (resolve true to accept). It is held to the
   * verifier's lookup time cap; a throw or a timeout is `LOOKUP_FAILED`. Compare password
   * hashes in constant time in here.
   */
  basic?: {
    /** Checks a user's password (your store, your hashing); true when it is right. */
    verify: (username: string, password: string) => boolean | Promise<boolean>;
  };
}

/** What a HostBill request verified with. */
export type HostBillVerified =
  | {
      /** Verified as `Authorization: Bearer`. */
      method: 'bearer';
      /** The token's `sub` claim, or undefined when it has none. */
      subject: string | undefined;
      /** All verified claims of the token. */
      payload: JwtPayload;
    }
  | {
      /** Verified as `Authorization: Basic`. */
      method: 'basic';
      /** The user id from the Basic header, accepted by `basic.verify`. */
      username: string;
    };

/**
 * HostBill plug-in: a request whose `Authorization` header is `Bearer ...` (with `bearer`
 * configured) or `Basic ...` (with `basic`). Identity: `{ user: sub, claims }` for a JWT,
 * `{ user: username }` for Basic. Failures answer in `{"success": false, "error": [...]}`.
 */
export const hostbill: SchemePlugin<HostBillSchemeOptions, HostBillVerified> = {
  name: 'hostbill',
  envelope: hostBillEnvelope,
  create(options, ctx) {
    const { bearer, basic } = options;
    if (!bearer && !basic) throw new HostsigError('INVALID_ARGUMENT', 'schemes.hostbill: configure "bearer", "basic" or both');
    if (bearer && (bearer.key === undefined || bearer.key === null)) throw new HostsigError('INVALID_ARGUMENT', 'schemes.hostbill.bearer: "key" is required');
    if (basic && typeof basic.verify !== 'function') throw new HostsigError('INVALID_ARGUMENT', 'schemes.hostbill.basic: "verify" must be a function');
    let key: VerifyKey | KeyLookup | undefined;
    let jwtOptions: JwtVerifyOptions = {};
    if (bearer) {
      const { key: k, ...rest } = bearer;
      key = typeof k === 'function' ? ctx.timed(k) : k;
      jwtOptions = { ...rest, now: ctx.clock };
    }
    const checkPassword = basic ? ctx.timed(basic.verify) : undefined;
    const re = new RegExp(`^(?:${[bearer ? 'bearer' : '', basic ? 'basic' : ''].filter(Boolean).join('|')})(?:[ \\t]|$)`, 'i');
    return {
      detect: (head) => re.test(head.headers['authorization'] ?? ''),
      async verify(req) {
        const header = req.headers['authorization'];
        try {
          if (key !== undefined && /^bearer(?:[ \t]|$)/i.test(header ?? '')) {
            const { payload } = await verifyJwtAsync(parseBearerAuth(header), key, jwtOptions);
            const identity = typeof payload.sub === 'string' ? { user: payload.sub, claims: payload } : { claims: payload };
            return { ok: true, identity, detail: { method: 'bearer', subject: payload.sub, payload } };
          }
          if (checkPassword) {
            const { username, password } = parseBasicAuth(header);
            const good = await checkPassword(username, password);
            if (good !== true) return verifyFailure('TOKEN_INVALID', 'invalid user or password');
            return { ok: true, identity: { user: username }, detail: { method: 'basic', username } };
          }
          return verifyFailure('AUTH_SCHEME_UNSUPPORTED', 'this authentication method is not enabled');
        } catch (e) {
          const f = toFailure(e, 'TOKEN_INVALID');
          return f.code === 'INVALID_ARGUMENT' ? verifyFailure('AUTH_HEADER_MALFORMED', 'Authorization header is malformed', { cause: e }) : f;
        }
      },
    };
  },
};
