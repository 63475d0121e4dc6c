/**
 * HostDime API v1: SHA-256 over `timestamp:unique:private_key:method:` + the params
 * JSON-encoded twice, PHP style.
 * @module hostsig/hostdime
 */
export {
  canonicalHostDime,
  hashHostDime,
  hostDimeDoubleJson,
  hostDimeHashBytes,
  hostDimeParamsJson,
  HOSTDIME_DIALECTS,
  type HostDimeCanonicalInput,
  type HostDimeDialect,
} from './canonical.js';
export { typedHostDimeValue } from './typed.js';
export { hostDimeMethodToPath, hostDimePathToMethod, isHostDimeMethod, type HostDimeFormat } from './method.js';
export { HOSTDIME_BASE_URL, signHostDime, type SignedHostDimeRequest, type SignedHostDimeRequestDebug, type SignHostDimeOptions } from './sign.js';
export {
  verifyHostDime,
  verifyHostDimeSync,
  type HostDimeRequest,
  type HostDimeVerified,
  type HostDimeVerifyFailure,
  type HostDimeVerifyResult,
  type VerifyHostDimeOptions,
} from './verify.js';
export { PhpArray, phpJsonEncode, parseStr, httpBuildQuery, type ParamsInput, type ParamValue } from '../../core/php/index.js';
export { HostsigError, type HostsigErrorCode } from '../../core/errors.js';
