/**
 * 6connect ProVision APIv1: base64 HMAC-SHA256 over the raw query string.
 * @module hostsig/sixconnect
 */
export { canonicalSixConnect, sixConnectHash, sixConnectMac, sixConnectSecretBytes, type SixConnectCanonicalInput } from './canonical.js';
export { signSixConnect, signSixConnectQuery, type SignedSixConnectRequest, type SignSixConnectOptions } from './sign.js';
export {
  verifySixConnect,
  verifySixConnectSync,
  type SixConnectRequest,
  type SixConnectVerified,
  type SixConnectVerifyResult,
  type VerifySixConnectOptions,
} from './verify.js';
export { HostsigError, type HostsigErrorCode } from '../../core/errors.js';
