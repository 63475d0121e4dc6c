/**
 * hostsig: canonicalize, sign and verify the API requests of HostDime, 6connect ProVision,
 * HostBill, cPanel & WHM and HostKey. Each scheme also has its own subpath
 * (`hostsig/hostdime`, `hostsig/sixconnect`, ...) for the smallest bundles.
 * @module hostsig
 */
export * from './core/index.js';
export * from './schemes/hostdime/index.js';
export * from './schemes/sixconnect/index.js';
export * from './schemes/whm/index.js';
export * from './schemes/hostkey/index.js';
export * from './schemes/hostbill/index.js';
export * from './rsa/index.js';
export * from './jwt/index.js';
