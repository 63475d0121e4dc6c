/**
 * `hostsig/rsa`: RSA keys (PKCS#1, PKCS#8, SPKI, JWK, OpenSSH) and RSASSA-PKCS1-v1_5 with
 * SHA-256 (RFC 8017), in pure TypeScript on bigints, with Web Crypto (`rsaSignAsync`,
 * `rsaVerifyAsync`) and registered native backends as faster paths. Knows nothing of JWT.
 * @module hostsig/rsa
 */
export {
  type RsaPublicKey,
  type RsaPrivateKey,
  type RsaJwk,
  type KeyInput,
  MIN_MODULUS_BITS,
  MAX_MODULUS_BITS,
  importPublicKey,
  importPrivateKey,
  isRsaPublicKey,
  isRsaPrivateKey,
  rsaPublicKey,
  rsaPrivateKey,
  exportSpkiDer,
  exportSpkiPem,
  exportPublicJwk,
  jwkThumbprint,
} from './keys.js';
export { rsaSign, rsaVerify, emsaPkcs1v15Sha256 } from './pkcs1v15.js';
export { rsaRecoverBlock } from './recover.js';
export { rsaSignAsync, rsaVerifyAsync } from './webcrypto.js';
export { type RsaBackend, registerRsaBackend, rsaBackend } from './backend.js';
