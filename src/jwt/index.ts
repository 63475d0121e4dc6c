/**
 * `hostsig/jwt`: compact JWS and JWT with RS256 only (RFC 7515, 7519, 7518 3.3), over
 * `hostsig/rsa`. Verify options use jose's names.
 * @module hostsig/jwt
 */
export type { JwtHeader, JwtPayload } from './types.js';
export { signJwt, signJwtAsync, signCompactJws, signCompactJwsAsync, type SignJwtOptions } from './sign.js';
export {
  verifyJwt,
  verifyJwtAsync,
  verifyCompactJws,
  type JwtVerifyOptions,
  type JwsVerifyOptions,
  type JwtVerifyResult,
  type JwsVerifyResult,
  type KeyLookup,
  type VerifyKey,
} from './verify.js';
export { decodeJwt, decodeProtectedHeader, MAX_TOKEN_LENGTH } from './decode.js';
export { durationSeconds, type Duration, type JwtClaimsOptions } from './claims.js';
export { parseJsonStrict } from './json.js';
