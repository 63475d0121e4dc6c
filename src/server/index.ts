/**
 * One entry point for servers: `createVerifier` picks the scheme from the request, reads the raw
 * body once under a cap, verifies, and resolves a typed result with the identity or, on
 * failure, the code, the HTTP status and a body in the provider's own error envelope.
 *
 * Runs on Web APIs only (Node, Bun, Deno, Workers): no `node:` import here. The framework
 * adapters are in `hostsig/server/node`, `/express`, `/fastify` and `/hono`.
 * @module hostsig/server
 */
import { hostbill } from './schemes/hostbill.js';
import { hostdime } from './schemes/hostdime.js';
import { hostkey } from './schemes/hostkey.js';
import { sixconnect } from './schemes/sixconnect.js';
import { whm } from './schemes/whm.js';
import { createVerifierFor, type Verifier, type VerifierOptions, type VerifierResult, type VerifierSuccess } from './verifier.js';

/**
 * The built-in schemes, in detection order (header-based schemes first, then query, then path).
 * To add one: write `src/server/schemes/<name>.ts` exporting a `SchemePlugin`, import it here
 * and list it below; its options type and result type follow from the plug-in.
 */
export const BUILTIN_SCHEMES = /* @__PURE__ */ Object.freeze({
  whm,
  hostbill,
  sixconnect,
  hostdime,
  hostkey,
});

/** The type of {@link BUILTIN_SCHEMES}. */
export type BuiltinSchemes = typeof BUILTIN_SCHEMES;
/** A built-in scheme's name: `whm`, `hostbill`, `sixconnect`, `hostdime` or `hostkey`. */
export type SchemeName = keyof BuiltinSchemes;
/** What {@link createVerifier} takes. */
export type CreateVerifierOptions = VerifierOptions<BuiltinSchemes>;
/** A verifier over the built-in schemes. */
export type HostsigVerifier = Verifier<BuiltinSchemes>;
/** What a built-in verifier's `verify` resolves to. */
export type HostsigVerifyResult = VerifierResult<BuiltinSchemes>;
/** A request a built-in verifier accepted. */
export type HostsigVerified = VerifierSuccess<BuiltinSchemes>;

/**
 * Builds a verifier over the built-in schemes you configure.
 * @param options the schemes to accept with their options, the nonce store, limits
 * @throws HostsigError `INVALID_ARGUMENT` for bad options (at start-up, never per request).
 * @example
 * ```ts
 * import { createVerifier, MemoryNonceStore } from 'hostsig/server';
 * import { signHostDime } from 'hostsig/hostdime';
 * import { signSixConnect } from 'hostsig/sixconnect';
 *
 * const verifier = createVerifier({
 *   schemes: {
 *     hostdime: { lookup: (k) => (k === 'pub' ? 'fazbaz' : null) },
 *     sixconnect: { lookup: (k) => (k === '32-5DAYTJQY2TZHOFOB' ? '48b278ec873bda4738923dbc467f8669' : null) },
 *   },
 *   nonces: new MemoryNonceStore(), // RedisNonceStore when several processes serve the same clients
 * });
 *
 * const hd = signHostDime({ publicKey: 'pub', privateKey: 'fazbaz', method: 'server.list' });
 * const request = new Request(hd.url, { method: 'POST', headers: hd.headers, body: hd.body });
 * await verifier.verify(request) // => { ok: true, scheme: 'hostdime', identity: { key: 'pub' } }
 *
 * const six = signSixConnect({ baseUrl: 'https://ipam.example.com/api/v1/api.php', target: 'ipam', action: 'get',
 *   apiKey: '32-5DAYTJQY2TZHOFOB', secretKey: 'wrong secret' });
 * const r = await verifier.verify({ method: 'GET', url: six.url, headers: {} });
 * r // => { ok: false, scheme: 'sixconnect', code: 'SIGNATURE_INVALID', status: 401 }
 * // On failure: return new Response(r.body, { status: r.status, headers: r.headers });
 * ```
 */
export function createVerifier(options: CreateVerifierOptions): HostsigVerifier {
  return createVerifierFor(BUILTIN_SCHEMES, options);
}

export { createVerifierFor, withTimeout } from './verifier.js';
export type { SchemeRegistry, SchemesConfig, Verifier, VerifierOptions, VerifierResult, VerifierSuccess } from './verifier.js';
export type { CommonSchemeOptions, Identity, NormalizedRequest, RequestHead, SchemeContext, SchemeHandler, SchemeOutcome, SchemePlugin, SchemeSuccess, VerifierFailure } from './types.js';
export { MAX_AUTHORIZATION_LENGTH, normalizeHead, normalizeHeaders, readBody, readStreamCapped, splitUrl } from './request.js';
export type { BodyInput, BodyReader, FetchRequestLike, HeadersInput, PlainRequest, VerifiableRequest } from './request.js';
export * from './envelopes.js';
export { hostdime, type HostDimeSchemeOptions } from './schemes/hostdime.js';
export { sixconnect, type SixConnectSchemeOptions } from './schemes/sixconnect.js';
export { whm, type WhmSchemeOptions } from './schemes/whm.js';
export { hostbill, type HostBillSchemeOptions, type HostBillVerified } from './schemes/hostbill.js';
export { hostkey, type HostKeySchemeOptions } from './schemes/hostkey.js';
export { RedisHostKeyTokenStore, RedisNonceStore, RedisPinAttemptStore, type RedisKvClient, type RedisNonceStoreOptions, type RedisSetClient, type RedisStoreOptions } from './redis.js';
export { MemoryNonceStore, type NonceStore } from '../core/nonce.js';
export { HostsigError, type HostsigErrorCode } from '../core/errors.js';
