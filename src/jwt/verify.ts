/**
 * JWS/JWT verification, RS256 only. Throws `HostsigError` on every failure, like jose's
 * `jwtVerify` rejects; returns `{ payload, protectedHeader }` on success.
 *
 * Two shapes: `verifyJwt(token, key, options)` is synchronous; `verifyJwtAsync` also takes
 * a key lookup `(header) => key | Promise<key>` (JWKS, a database), verifies the signature
 * through Web Crypto where the platform has it (off the event loop), and returns a Promise.
 */
import { HostsigError, isHostsigError } from '../core/errors.js';
import { publicOf, type RsaPrivateKey, type RsaPublicKey } from '../rsa/keys.js';
import { rsaVerify } from '../rsa/pkcs1v15.js';
import { rsaVerifyAsync } from '../rsa/webcrypto.js';
import { type JwtClaimsOptions, validateClaims } from './claims.js';
import { type CompactParts, parseClaims, splitCompact } from './decode.js';
import type { JwtHeader, JwtPayload } from './types.js';

/** Header parameters RFC 7515 4.1 defines; they may not be listed in `crit`. */
const REGISTERED_HEADER = /* @__PURE__ */ new Set(['alg', 'jku', 'jwk', 'kid', 'x5u', 'x5c', 'x5t', 'x5t#S256', 'typ', 'cty', 'crit', 'enc', 'zip']);

/** Options of {@link verifyCompactJws}. */
export interface JwsVerifyOptions {
  /** Allowed `alg` values. Only `["RS256"]` (the default) is possible; anything else is an error. */
  algorithms?: readonly string[];
  /** Extension header parameters this caller understands, as jose: `{ name: true }`. */
  crit?: Readonly<Record<string, boolean>>;
}

/** Options of {@link verifyJwt}: the JWS options plus the claim checks. */
export interface JwtVerifyOptions extends JwsVerifyOptions, JwtClaimsOptions {}

/** What a successful {@link verifyJwt} returns. */
export interface JwtVerifyResult {
  /** The verified claims, as parsed from the token's JSON (unknown claims kept). */
  payload: JwtPayload;
  /** The token's JOSE header, as parsed (its `alg` is `"RS256"`). */
  protectedHeader: JwtHeader;
}

/** What a successful {@link verifyCompactJws} returns: the payload as bytes. */
export interface JwsVerifyResult {
  /** The verified payload: the base64url-decoded bytes, not parsed. */
  payload: Uint8Array;
  /** The JWS's JOSE header, as parsed (its `alg` is `"RS256"`). */
  protectedHeader: JwtHeader;
}

/** A verification key, or the public half of a private key. */
export type VerifyKey = RsaPublicKey | RsaPrivateKey;

/** Finds the key for a token from its (unverified) header; null/undefined: no such key. */
export type KeyLookup = (protectedHeader: JwtHeader) => VerifyKey | null | undefined | Promise<VerifyKey | null | undefined>;

function checkAlgorithmsOption(algorithms: unknown): void {
  if (algorithms === undefined) return;
  if (!Array.isArray(algorithms) || algorithms.length === 0 || !algorithms.every((a) => a === 'RS256')) {
    throw new HostsigError('INVALID_ARGUMENT', '"algorithms" may only be ["RS256"]: hostsig verifies RS256 and nothing else');
  }
}

/** Header checks that need no key: alg allow-list, crit, b64. */
function checkHeader(header: JwtHeader, options: JwsVerifyOptions): void {
  checkAlgorithmsOption(options.algorithms);
  // Fixed allow-list: "none", HS256 (the public-key-as-HMAC-secret confusion), ES*, PS*,
  // RS384/512 and any spelling variant are all refused before a key is touched.
  if (header.alg !== 'RS256') {
    throw new HostsigError('ALG_NOT_ALLOWED', `alg ${JSON.stringify(header.alg).slice(0, 40)} is not allowed; only RS256`, { alg: String(header.alg).slice(0, 40) });
  }
  if (header.crit !== undefined) {
    const crit = header.crit as unknown;
    if (!Array.isArray(crit) || crit.length === 0 || !crit.every((c) => typeof c === 'string')) throw new HostsigError('JWT_MALFORMED', '"crit" must be a non-empty array of strings');
    const understood = options.crit ?? {};
    if (typeof understood !== 'object' || understood === null) throw new HostsigError('INVALID_ARGUMENT', '"crit" option expected an object');
    for (const name of crit as string[]) {
      if (REGISTERED_HEADER.has(name)) throw new HostsigError('JWT_MALFORMED', `"crit" may not list the registered parameter "${name}"`);
      if (!Object.prototype.hasOwnProperty.call(header, name)) throw new HostsigError('JWT_MALFORMED', `"crit" lists "${name.slice(0, 40)}" but the header does not carry it`);
      if (!Object.prototype.hasOwnProperty.call(understood, name) || understood[name] !== true) {
        throw new HostsigError('CRIT_UNSUPPORTED', `critical header parameter "${name.slice(0, 40)}" is not understood`, { parameter: name.slice(0, 40) });
      }
    }
  }
  // RFC 7797 unencoded payloads change what is signed; not supported.
  if (header.b64 !== undefined && header.b64 !== true) throw new HostsigError('CRIT_UNSUPPORTED', 'unencoded payloads ("b64": false) are not supported', { parameter: 'b64' });
}

function signatureInvalid(): HostsigError {
  return new HostsigError('SIGNATURE_INVALID', 'signature verification failed');
}

function optionsObject<T extends object>(options: T | undefined): T {
  if (options === undefined) return {} as T;
  if (typeof options !== 'object' || options === null) throw new HostsigError('INVALID_ARGUMENT', '"options" expected object');
  return options;
}

/**
 * Verifies a compact JWS signed with RS256 and returns its payload bytes (which need not be
 * JSON). Use {@link verifyJwt} for JWTs.
 * @param token compact JWS
 * @param key public key (or a private key's public half)
 * @param options `algorithms`, `crit`
 * @throws HostsigError `JWT_MALFORMED`, `ALG_NOT_ALLOWED`, `CRIT_UNSUPPORTED`,
 *   `SIGNATURE_INVALID`, `INVALID_ARGUMENT`
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { signCompactJws, verifyCompactJws } from 'hostsig/jwt';
 * import { importPrivateKey } from 'hostsig/rsa';
 *
 * const key = importPrivateKey(readFileSync('vectors/keys/rsa2048.pkcs1.pem', 'utf8'));
 * const jws = signCompactJws({ alg: 'RS256' }, 'payload bytes', key);
 * verifyCompactJws(jws, key.publicKey).protectedHeader // => { alg: 'RS256' }
 * verifyCompactJws(jws.slice(0, -2) + 'AA', key.publicKey) // => throws SIGNATURE_INVALID
 * ```
 */
export function verifyCompactJws(token: string, key: VerifyKey, options?: JwsVerifyOptions): JwsVerifyResult {
  const parts = verifiedParts(token, key, optionsObject(options));
  return { payload: parts.payloadBytes, protectedHeader: parts.header };
}

/** The sync path's order: key, structure, header, signature. */
function verifiedParts(token: string, key: VerifyKey, o: JwsVerifyOptions): CompactParts {
  const pub = publicOf(key);
  const parts = splitCompact(token);
  checkHeader(parts.header, o);
  if (!rsaVerify(pub, parts.signingInput, parts.signature)) throw signatureInvalid();
  return parts;
}

function finishJwt(parts: CompactParts, o: JwtVerifyOptions): JwtVerifyResult {
  const payload = parseClaims(parts.payloadBytes);
  validateClaims(payload, parts.header, o);
  return { payload, protectedHeader: parts.header };
}

/**
 * Verifies an RS256 JWT: structure and strict base64url, duplicate-free JSON, `alg` (RS256
 * only), `crit`, the signature, then the claims (`exp`, `nbf`, `iat` with `clockTolerance`,
 * `iss`, `aud`, `sub`, `typ`, `maxTokenAge`, `requiredClaims`).
 * @param token compact JWT
 * @param key public key (or a private key's public half)
 * @param options jose-named options; see {@link JwtVerifyOptions}
 * @returns `{ payload, protectedHeader }`
 * @throws HostsigError `JWT_MALFORMED`, `ALG_NOT_ALLOWED`, `CRIT_UNSUPPORTED`,
 *   `SIGNATURE_INVALID`, `JWT_EXPIRED`, `JWT_NOT_YET_VALID`, `CLAIM_INVALID`
 *   (details `{ claim, reason }`), `INVALID_ARGUMENT`
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { signJwt, verifyJwt } from 'hostsig/jwt';
 * import { importPrivateKey } from 'hostsig/rsa';
 *
 * const key = importPrivateKey(readFileSync('vectors/keys/rsa2048.pkcs1.pem', 'utf8'));
 * const token = signJwt({}, key, { issuer: 'https://billing.example', audience: 'api', expiresIn: '15m', now: 1700000000 });
 * const at = (s: number) => ({ issuer: 'https://billing.example', audience: 'api', currentDate: new Date(s * 1000) });
 * verifyJwt(token, key.publicKey, at(1700000060)).payload.iss // => 'https://billing.example'
 * verifyJwt(token, key.publicKey, at(1700000900)) // => throws JWT_EXPIRED
 * verifyJwt(token, key.publicKey, { ...at(1700000060), audience: 'other' }) // => throws CLAIM_INVALID
 * ```
 */
export function verifyJwt(token: string, key: VerifyKey, options?: JwtVerifyOptions): JwtVerifyResult {
  const o = optionsObject(options);
  return finishJwt(verifiedParts(token, key, o), o);
}

/**
 * {@link verifyJwt} with a key or a key lookup, for keys found by `kid` (a JWKS, a database),
 * and the signature checked by {@link rsaVerifyAsync}: Web Crypto where the platform has it, so
 * a server's RSA work runs off the event loop (the pure path elsewhere, with the same verdict
 * and the same error codes as {@link verifyJwt}). The lookup sees the header only after its
 * `alg` and `crit` passed.
 * @param token compact JWT
 * @param keyOrLookup a key, or `(header) => key | null | Promise<key | null>`
 * @param options as {@link verifyJwt}
 * @returns a Promise of `{ payload, protectedHeader }`
 * @throws (rejects with) HostsigError: the codes of {@link verifyJwt}, plus `UNKNOWN_KEY`
 *   (the lookup found nothing) and `LOOKUP_FAILED` (the lookup threw)
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { signJwt, verifyJwtAsync } from 'hostsig/jwt';
 * import { importPrivateKey, type RsaPublicKey } from 'hostsig/rsa';
 *
 * const key = importPrivateKey(readFileSync('vectors/keys/rsa2048.pkcs1.pem', 'utf8'));
 * const keysByKid = new Map<string, RsaPublicKey>([['k1', key.publicKey]]);
 * const token = signJwt({ sub: 'client-42' }, key, { kid: 'k1' });
 * (await verifyJwtAsync(token, ({ kid }) => keysByKid.get(kid ?? '') ?? null)).payload.sub // => 'client-42'
 * await verifyJwtAsync(signJwt({}, key, { kid: 'k2' }), ({ kid }) => keysByKid.get(kid ?? '') ?? null) // => throws UNKNOWN_KEY
 * ```
 */
export async function verifyJwtAsync(token: string, keyOrLookup: VerifyKey | KeyLookup, options?: JwtVerifyOptions): Promise<JwtVerifyResult> {
  const o = optionsObject(options);
  // A key is checked before the token is read, as verifyJwt does, so both fail alike.
  let pub = typeof keyOrLookup === 'function' ? undefined : publicOf(keyOrLookup);
  const parts = splitCompact(token);
  checkHeader(parts.header, o);
  if (pub === undefined) pub = publicOf(await lookupKey(keyOrLookup as KeyLookup, parts.header));
  if (!(await rsaVerifyAsync(pub, parts.signingInput, parts.signature))) throw signatureInvalid();
  return finishJwt(parts, o);
}

async function lookupKey(lookup: KeyLookup, header: JwtHeader): Promise<VerifyKey> {
  let found: VerifyKey | null | undefined;
  try {
    found = await lookup(header);
  } catch (e) {
    if (isHostsigError(e)) throw e;
    throw new HostsigError('LOOKUP_FAILED', 'key lookup failed', {}, { cause: e });
  }
  if (found === null || found === undefined) {
    throw new HostsigError('UNKNOWN_KEY', 'no key for this token', typeof header.kid === 'string' ? { kid: header.kid.slice(0, 200) } : {});
  }
  return found;
}
