/**
 * cPanel & WHM API tokens: `Authorization: whm USER:TOKEN` / `cpanel USER:TOKEN` (and the
 * legacy `WHM USER:ACCESSHASH`), token generation and storage digests, verification with
 * expiry, IP whitelists (IPv4/IPv6 CIDR) and the cPanel path rule, and the token API
 * (`api_token_create`, `api_token_list`, `api_token_revoke`).
 * @module hostsig/whm
 */
export {
  formatWhmAccessHashAuthorization,
  formatWhmAuthorization,
  parseWhmAuthorization,
  WHM_ACCESS_HASH_RE,
  WHM_TOKEN_RE,
  WHM_USER_RE,
  type FormatWhmAuthorizationInput,
  type WhmAuthorization,
  type WhmCredentialKind,
  type WhmScheme,
} from './header.js';
export { digestWhmToken, generateWhmToken, isWhmToken, WHM_TOKEN_ALPHABET, WHM_TOKEN_LENGTH } from './token.js';
export { cidrContains, formatIpAddress, ipAllowed, isIpAddress, parseCidr, parseIpAddress, type IpAddress, type IpCidr } from './cidr.js';
export {
  cpanelPathAllowed,
  verifyWhmAuthorization,
  type VerifyWhmOptions,
  type WhmTokenRecord,
  type WhmVerified,
  type WhmVerifyFailure,
  type WhmVerifyResult,
} from './verify.js';
export {
  buildWhmTokenCreate,
  buildWhmTokenList,
  buildWhmTokenRevoke,
  parseWhmApiReply,
  parseWhmTokenCreate,
  parseWhmTokenCreateReply,
  parseWhmTokenListReply,
  parseWhmTokenRevokeReply,
  whmApiErrorReply,
  whmApiReply,
  whmTokenCreateReply,
  whmTokenListReply,
  WHM_TOKEN_NAME_RE,
  type WhmApiReply,
  type WhmApiRequest,
  type WhmTokenCreateInput,
  type WhmTokenInfo,
} from './sign.js';
export { HostsigError, type HostsigErrorCode } from '../../core/errors.js';
