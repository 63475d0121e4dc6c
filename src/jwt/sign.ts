/**
 * Signing compact JWS and JWTs with RS256.
 */
import { bytesToBase64url, isBytes, utf8ToBytes } from '../core/bytes.js';
import { type NowOption, resolveNow } from '../core/clock.js';
import { HostsigError } from '../core/errors.js';
import { isRsaPrivateKey, type RsaPrivateKey } from '../rsa/keys.js';
import { rsaSign } from '../rsa/pkcs1v15.js';
import { rsaSignAsync } from '../rsa/webcrypto.js';
import { type Duration, durationSeconds } from './claims.js';
import { isJsonObject, parseJsonStrict } from './json.js';
import type { JwtPayload } from './types.js';

function stringify(v: unknown, what: string): string {
  let s: string | undefined;
  try {
    s = JSON.stringify(v);
  } catch (e) {
    throw new HostsigError('INVALID_ARGUMENT', `"${what}" cannot be serialized as JSON`, {}, { cause: e });
  }
  if (s === undefined) throw new HostsigError('INVALID_ARGUMENT', `"${what}" cannot be serialized as JSON`);
  return s;
}

function assertPrivate(key: unknown): asserts key is RsaPrivateKey {
  if (!isRsaPrivateKey(key)) throw new HostsigError('INVALID_ARGUMENT', '"privateKey" expected an RsaPrivateKey from importPrivateKey');
}

/**
 * Signs a compact JWS with RS256 over exactly the header text and payload bytes given (so RFC
 * examples with their own spacing and CRLFs can be reproduced byte for byte).
 * @param protectedHeader header JSON text (used verbatim) or object (serialized with
 *   `JSON.stringify`); its `alg` must be `"RS256"`
 * @param payload payload bytes, or text (UTF-8)
 * @param privateKey the signing key
 * @returns `BASE64URL(header).BASE64URL(payload).BASE64URL(signature)`
 * @throws HostsigError `INVALID_ARGUMENT` (bad header, alg not RS256, wrong types)
 * @example
 * signCompactJws('{"alg":"RS256"}', '{"iss":"joe"}', privateKey);
 */
export function signCompactJws(protectedHeader: string | Readonly<Record<string, unknown>>, payload: Uint8Array | string, privateKey: RsaPrivateKey): string {
  const signingInput = compactSigningInput(protectedHeader, payload, privateKey);
  return `${signingInput}.${bytesToBase64url(rsaSign(privateKey, utf8ToBytes(signingInput)))}`;
}

/**
 * {@link signCompactJws} with the signature made by {@link rsaSignAsync}: Web Crypto where the
 * platform has it, the pure path otherwise. Same output, byte for byte.
 * @param protectedHeader header JSON text or object, as {@link signCompactJws}
 * @param payload payload bytes, or text (UTF-8)
 * @param privateKey the signing key
 * @returns a Promise of the compact JWS
 * @throws (rejects with) HostsigError `INVALID_ARGUMENT`, as {@link signCompactJws}
 * @example
 * const jws = await signCompactJwsAsync('{"alg":"RS256"}', '{"iss":"joe"}', privateKey);
 */
export async function signCompactJwsAsync(protectedHeader: string | Readonly<Record<string, unknown>>, payload: Uint8Array | string, privateKey: RsaPrivateKey): Promise<string> {
  const signingInput = compactSigningInput(protectedHeader, payload, privateKey);
  return `${signingInput}.${bytesToBase64url(await rsaSignAsync(privateKey, utf8ToBytes(signingInput)))}`;
}

/** Checks the arguments of signCompactJws and returns `BASE64URL(header).BASE64URL(payload)`. */
function compactSigningInput(protectedHeader: string | Readonly<Record<string, unknown>>, payload: Uint8Array | string, privateKey: RsaPrivateKey): string {
  assertPrivate(privateKey);
  const headerText = typeof protectedHeader === 'string' ? protectedHeader : stringify(protectedHeader, 'protectedHeader');
  let parsed: unknown;
  try {
    parsed = parseJsonStrict(headerText, 'header');
  } catch (e) {
    throw new HostsigError('INVALID_ARGUMENT', '"protectedHeader" is not a duplicate-free JSON object', {}, { cause: e });
  }
  if (!isJsonObject(parsed) || parsed.alg !== 'RS256') throw new HostsigError('INVALID_ARGUMENT', '"protectedHeader" must be a JSON object with "alg": "RS256"');
  let payloadBytes: Uint8Array;
  if (isBytes(payload)) payloadBytes = payload;
  else if (typeof payload === 'string') payloadBytes = utf8ToBytes(payload);
  else throw new HostsigError('INVALID_ARGUMENT', '"payload" expected Uint8Array or string');
  return `${bytesToBase64url(utf8ToBytes(headerText))}.${bytesToBase64url(payloadBytes)}`;
}

/** Options of {@link signJwt}. Each registered claim set here overrides the payload's. */
export interface SignJwtOptions {
  /** Header `kid`. */
  kid?: string;
  /** Header `typ`; default `"JWT"`; `null` leaves it out. */
  typ?: string | null;
  /** Sets `exp` to `iat` + this duration. */
  expiresIn?: Duration;
  /** Sets `nbf` to `iat` + this duration (0: valid from now). */
  notBefore?: Duration;
  /** `iss` claim. */
  issuer?: string;
  /** `aud` claim. */
  audience?: string | string[];
  /** `sub` claim. */
  subject?: string;
  /** `jti` claim. */
  jwtId?: string;
  /** Signing time for `iat` (whole seconds, rounded down). Default: the system clock. */
  now?: NowOption;
}

function optString(v: unknown, name: string): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new HostsigError('INVALID_ARGUMENT', `"${name}" expected string`);
  return v;
}

/**
 * Signs a JWT with RS256. The header is `{"alg":"RS256","kid":...,"typ":"JWT"}` (keys in
 * sorted order, as PyJWT writes them); `iat` is set to now unless the payload has one.
 * @param payload claims: a plain JSON object
 * @param privateKey the signing key
 * @param options `kid`, `typ`, `expiresIn`, `notBefore`, `issuer`, `audience`, `subject`, `jwtId`, `now`
 * @returns the compact JWT
 * @throws HostsigError `INVALID_ARGUMENT` (payload not an object, non-numeric `exp`/`nbf`/`iat`,
 *   bad options, wrong key type)
 * @example
 * const token = signJwt({ scope: 'api' }, privateKey, { subject: 'client-42', expiresIn: '15m', kid: 'k1' });
 */
export function signJwt(payload: JwtPayload, privateKey: RsaPrivateKey, options: SignJwtOptions = {}): string {
  const [header, claims] = jwtParts(payload, privateKey, options);
  return signCompactJws(header, claims, privateKey);
}

/**
 * {@link signJwt} with the signature made by {@link rsaSignAsync}: Web Crypto where the
 * platform has it (several times faster), the pure path otherwise. Same token, byte for byte.
 * @param payload claims: a plain JSON object
 * @param privateKey the signing key
 * @param options as {@link signJwt}
 * @returns a Promise of the compact JWT
 * @throws (rejects with) HostsigError `INVALID_ARGUMENT`, as {@link signJwt}
 * @example
 * const token = await signJwtAsync({ scope: 'api' }, privateKey, { expiresIn: '15m', kid: 'k1' });
 */
export async function signJwtAsync(payload: JwtPayload, privateKey: RsaPrivateKey, options: SignJwtOptions = {}): Promise<string> {
  const [header, claims] = jwtParts(payload, privateKey, options);
  return signCompactJwsAsync(header, claims, privateKey);
}

/** The header text and claims bytes signJwt signs, after every argument check. */
function jwtParts(payload: JwtPayload, privateKey: RsaPrivateKey, options: SignJwtOptions): [string, Uint8Array] {
  assertPrivate(privateKey);
  if (!isJsonObject(payload) || (Object.getPrototypeOf(payload) !== Object.prototype && Object.getPrototypeOf(payload) !== null)) {
    throw new HostsigError('INVALID_ARGUMENT', '"payload" expected a plain object');
  }
  if (typeof options !== 'object' || options === null) throw new HostsigError('INVALID_ARGUMENT', '"options" expected object');
  const claims: JwtPayload = { ...payload };
  const now = Math.floor(resolveNow(options.now));
  if (claims.iat === undefined) claims.iat = now;
  const iat = claims.iat;
  if (typeof iat !== 'number' || !Number.isFinite(iat)) throw new HostsigError('INVALID_ARGUMENT', '"iat" claim must be a number');
  if (options.expiresIn !== undefined) claims.exp = iat + durationSeconds(options.expiresIn, 'expiresIn');
  if (options.notBefore !== undefined) claims.nbf = iat + durationSeconds(options.notBefore, 'notBefore');
  const iss = optString(options.issuer, 'issuer');
  const sub = optString(options.subject, 'subject');
  const jti = optString(options.jwtId, 'jwtId');
  if (iss !== undefined) claims.iss = iss;
  if (sub !== undefined) claims.sub = sub;
  if (jti !== undefined) claims.jti = jti;
  if (options.audience !== undefined) {
    const aud = options.audience;
    if (typeof aud !== 'string' && !(Array.isArray(aud) && aud.every((a) => typeof a === 'string'))) throw new HostsigError('INVALID_ARGUMENT', '"audience" expected string or array of strings');
    claims.aud = aud;
  }
  for (const c of ['exp', 'nbf'] as const) {
    const v = claims[c];
    if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v))) throw new HostsigError('INVALID_ARGUMENT', `"${c}" claim must be a number`);
  }
  const header: Record<string, unknown> = { alg: 'RS256' };
  const kid = optString(options.kid, 'kid');
  if (kid !== undefined) header.kid = kid;
  const typ = options.typ === undefined ? 'JWT' : options.typ;
  if (typ !== null) header.typ = optString(typ, 'typ');
  return [stringify(header, 'header'), utf8ToBytes(stringify(claims, 'payload'))];
}
