export * from './errors.js';
export * from './bytes.js';
export { equalBytes } from './compare.js';
export * from './clock.js';
export * from './nonce.js';
export { randomBytes, randomUuid } from './random.js';
export { hmacSha256, verifyHmacSha256, sha256 } from './hmac.js';
export * from './php/index.js';
