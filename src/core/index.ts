/**
 * `hostsig/core`: the scheme-independent building blocks every scheme shares. Strict codecs
 * (UTF-8, hex, base64, base64url), constant-time byte comparison, SHA-256 and HMAC-SHA256,
 * PHP's own codecs as the providers' servers run them (`json_encode`, `parse_str`,
 * `http_build_query`, `urlencode`, `PhpArray`), clocks and replay stores (`MemoryNonceStore`),
 * IPv4/IPv6 CIDR matching, prototype-free JSON parsing, and the one error type
 * (`HostsigError`, `VerifyFailure`) with its stable codes.
 * @module hostsig/core
 */
export * from './errors.js';
export * from './bytes.js';
export { equalBytes } from './compare.js';
export * from './clock.js';
export * from './nonce.js';
export { randomBytes, randomUuid } from './random.js';
export { hmacSha256, prepareHmacSha256, verifyHmacSha256, sha256 } from './hmac.js';
export { type HashBackend, registerHashBackend, hashBackend } from './backend.js';
export * from './php/index.js';
export * from './ip.js';
export * from './json-safe.js';
