/**
 * HostKey invapi: `auth.php` session tokens (by billing login or API key), `eq.php` PINs and
 * asynchronous callbacks. Client: request builders, reply parsers for both shapes, a session
 * that logs in lazily and once more on a refused token, a callback poller. Server: session
 * tokens stored as digests (expiry, `fix_ip`), scrypt PINs with a locking failure counter.
 * @module hostsig/hostkey
 */
export {
  buildHostKeyRequest,
  hostKeyApiKeyLogin,
  hostKeyCallbackCheck,
  hostKeyCheckPin,
  hostKeyInfo,
  hostKeyLogout,
  hostKeySetPin,
  hostKeyWhmcsLogin,
  HOSTKEY_BASE_URL,
  HOSTKEY_CALLBACK_RE,
  HOSTKEY_PIN_RE,
  HOSTKEY_TOKEN_RE,
  type HostKeyFieldValue,
  type HostKeyPasswordLogin,
  type HostKeyRequest,
} from './sign.js';
export {
  hostKeyErrorReplyBody,
  hostKeyLoginReplyBody,
  isHostKeyTokenError,
  parseHostKeyLoginReply,
  parseHostKeyReply,
  redactProviderMessage,
  type HostKeyLogin,
  type HostKeyReply,
} from './replies.js';
export { createHostKeySession, type HostKeyCredentials, type HostKeyFetch, type HostKeySession, type HostKeySessionOptions } from './session.js';
export { pollCallback, type PollCallbackOptions } from './poll.js';
export {
  digestHostKeyToken,
  generateHostKeyToken,
  issueHostKeyToken,
  MemoryHostKeyTokenStore,
  parseHostKeyLoginOptions,
  revokeHostKeyToken,
  verifyHostKeyRequest,
  verifyHostKeyToken,
  type HostKeySessionRecord,
  type HostKeyTokenFailure,
  type HostKeyTokenResult,
  type HostKeyTokenStore,
  type HostKeyTokenVerified,
  type IssueHostKeyTokenOptions,
  type VerifyHostKeyTokenOptions,
} from './verify.js';
export {
  createPinService,
  DEFAULT_PIN_PARAMS,
  defaultPinDelay,
  hashHostKeyPin,
  isHostKeyPin,
  MemoryPinAttemptStore,
  MemoryPinStore,
  pinNeedsRehash,
  verifyHostKeyPinHash,
  type HostKeyPinRecord,
  type HostKeyPinStore,
  type PinAttemptStore,
  type PinCheckResult,
  type PinDelay,
  type PinService,
  type PinServiceOptions,
  type ScryptParams,
} from './pin.js';
export { HostsigError, type HostsigErrorCode } from '../../core/errors.js';
