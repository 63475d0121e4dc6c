/**
 * `hostsig/hostbill`: HostBill User API authentication. Basic (RFC 7617) and JWT (RS256):
 * the client session (login, refresh, Bearer) and the server half (issue, rotate, verify).
 * @module hostsig/hostbill
 */
export { formatBasicAuth, parseBasicAuth, type BasicCredentials } from './basic.js';
export { formatBearerAuth, parseBearerAuth } from './bearer.js';
export {
  hostBillLoginRequest,
  hostBillRefreshRequest,
  parseHostBillTokenReply,
  HostBillSession,
  type HostBillHttpRequest,
  type HostBillTokenReply,
  type HostBillSessionOptions,
  type FetchLike,
} from './sign.js';
export {
  HostBillTokenIssuer,
  MemoryRefreshTokenStore,
  verifyHostBillBearer,
  verifyHostBillBearerAsync,
  refreshTokenDigest,
  type HostBillTokenIssuerOptions,
  type HostBillTokenPair,
  type HostBillBearerResult,
  type HostBillBearerVerified,
  type RefreshTokenRecord,
  type RefreshTokenStore,
} from './verify.js';
