/**
 * HostBill User API, server side (a HostBill-compatible API or a gateway in front of one):
 * issue RS256 access tokens plus opaque refresh tokens, rotate refresh tokens on use, and
 * verify `Authorization: Bearer` tokens.
 *
 * Refresh tokens are 32 random bytes (base64url); the store only ever sees their SHA-256.
 * Each refresh token is single-use: using it returns a new pair, and presenting an already
 * used one is treated as theft (RFC 9700 4.14.2): the whole chain ("family") is revoked and
 * the call fails with `TOKEN_REVOKED`.
 */
import { bytesToBase64url, bytesToHex, utf8ToBytes } from '../../core/bytes.js';
import { type NowOption, resolveNow } from '../../core/clock.js';
import { HostsigError, toFailure, type VerifyFailure, verifyFailure } from '../../core/errors.js';
import { sha256 } from '../../core/hmac.js';
import { randomBytes, randomUuid } from '../../core/random.js';
import { type Duration, durationSeconds } from '../../jwt/claims.js';
import { signJwt } from '../../jwt/sign.js';
import type { JwtHeader, JwtPayload } from '../../jwt/types.js';
import { type JwtVerifyOptions, type JwtVerifyResult, type VerifyKey, verifyJwt, verifyJwtAsync } from '../../jwt/verify.js';
import { isRsaPrivateKey, type RsaPrivateKey } from '../../rsa/keys.js';
import { parseBearerAuth } from './bearer.js';

/** What the store keeps per refresh token (keyed by the token's SHA-256, hex). */
export interface RefreshTokenRecord {
  /** Whom the tokens are for (`sub`). */
  subject: string;
  /** Extra access-token claims carried from the login. */
  claims?: Readonly<Record<string, unknown>>;
  /** All tokens rotated from one login share a family. */
  familyId: string;
  /** Seconds since the epoch. */
  expiresAt: number;
  /** Set (by `consume`) when the token has been used. */
  usedAt?: number;
}

/** Storage for refresh-token digests. Implementations must make `consume` atomic. */
export interface RefreshTokenStore {
  /** Stores a refresh-token record under the token's digest. */
  put(digest: string, record: RefreshTokenRecord): Promise<void>;
  /**
   * Marks the token used and returns its record as it was *before* (so `usedAt` set means it
   * had been used already); undefined when unknown or revoked.
   */
  consume(digest: string, now: number): Promise<RefreshTokenRecord | undefined>;
  /** Forgets every token of a family. */
  revokeFamily(familyId: string): Promise<void>;
}

/**
 * An in-memory {@link RefreshTokenStore} for one process (tests, single-node servers). Call
 * `sweep(now)` now and then to drop expired records.
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { HostBillTokenIssuer, MemoryRefreshTokenStore } from 'hostsig/hostbill';
 * import { importPrivateKey } from 'hostsig/rsa';
 *
 * const store = new MemoryRefreshTokenStore();
 * const issuer = new HostBillTokenIssuer({ privateKey: importPrivateKey(readFileSync('vectors/keys/rsa2048.pkcs1.pem', 'utf8')), store });
 * await issuer.issue('client-42');
 * store.size // => 1
 * ```
 */
export class MemoryRefreshTokenStore implements RefreshTokenStore {
  readonly #byDigest = new Map<string, RefreshTokenRecord>();

  /** Stores a refresh-token record under the token's digest. */
  async put(digest: string, record: RefreshTokenRecord): Promise<void> {
    this.#byDigest.set(digest, { ...record });
  }

  async consume(digest: string, now: number): Promise<RefreshTokenRecord | undefined> {
    const r = this.#byDigest.get(digest);
    if (!r) return undefined;
    const before = { ...r };
    if (r.usedAt === undefined) r.usedAt = now;
    return before;
  }

  async revokeFamily(familyId: string): Promise<void> {
    for (const [d, r] of this.#byDigest) if (r.familyId === familyId) this.#byDigest.delete(d);
  }

  /** Drops expired records. */
  sweep(now: number): void {
    for (const [d, r] of this.#byDigest) if (r.expiresAt <= now) this.#byDigest.delete(d);
  }

  /** Records held. */
  get size(): number {
    return this.#byDigest.size;
  }
}

/** The reply body for `/login` and `/token`. */
export interface HostBillTokenPair {
  /** The access token, a compact RS256 JWT: send it as `Authorization: Bearer <token>`. The field is `token`, not `access_token`. */
  token: string;
  /** The refresh token: 32 random bytes as base64url (43 characters), single-use; send it to `/token` for the next pair. */
  refresh_token: string;
  /** Always `Bearer`. */
  token_type: 'Bearer';
  /** Access-token lifetime in seconds. */
  expires_in: number;
}

/** What {@link HostBillTokenIssuer} takes. */
export interface HostBillTokenIssuerOptions {
  /** The RS256 signing key (from `importPrivateKey`); its public half verifies Bearer tokens. */
  privateKey: RsaPrivateKey;
  /** Where refresh-token digests live; its `consume` must be atomic. */
  store: RefreshTokenStore;
  /** Header `kid`. */
  kid?: string;
  /** `iss` of access tokens (and checked by `verifyBearer`). */
  issuer?: string;
  /** `aud` of access tokens (and checked by `verifyBearer`). */
  audience?: string;
  /** Access-token lifetime. Default `"15m"`. */
  accessTokenTtl?: Duration;
  /** Refresh-token lifetime. Default `"30d"`. */
  refreshTokenTtl?: Duration;
  /** The clock for `iat`/`exp` and refresh expiry: seconds since the epoch, a Date or a clock function. Default the system clock. */
  now?: NowOption;
}

/** A verified Bearer request. */
export interface HostBillBearerVerified {
  /** Always `true`: the discriminant against a `VerifyFailure`. */
  ok: true;
  /** The token's `sub` claim (the user), or undefined when it has none. */
  subject: string | undefined;
  /** All verified claims of the token. */
  payload: JwtPayload;
  /** The token's JOSE header (`alg` is `RS256`). */
  protectedHeader: JwtHeader;
}

/** What {@link verifyHostBillBearer} returns: the verified token, or a failure with a stable `code`. */
export type HostBillBearerResult = HostBillBearerVerified | VerifyFailure;

const REFRESH_RE = /^[A-Za-z0-9_-]{43}$/;

/**
 * SHA-256 (hex) of a refresh token: the only form the store sees.
 * @param token the refresh token text
 * @throws HostsigError `INVALID_UTF8` for a lone surrogate
 * @example
 * ```ts
 * import { refreshTokenDigest } from 'hostsig/hostbill';
 *
 * // SHA-256("abc"), FIPS 180-2's example.
 * refreshTokenDigest('abc') // => 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'
 * ```
 */
export function refreshTokenDigest(token: string): string {
  return bytesToHex(sha256(utf8ToBytes(token)));
}

/**
 * Verifies an `Authorization: Bearer` value as an RS256 JWT. Never throws on hostile input:
 * returns `{ ok: true, subject, payload, protectedHeader }` or a `VerifyFailure` with the code
 * (`AUTH_HEADER_MALFORMED`, `AUTH_SCHEME_UNSUPPORTED`, and every `verifyJwt` code).
 * @param authorization the header value
 * @param key the issuer's public key
 * @param options `verifyJwt` options (issuer, audience, clockTolerance, now, ...)
 * @throws HostsigError `INVALID_ARGUMENT` only for a missing key
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { verifyHostBillBearer } from 'hostsig/hostbill';
 * import { signJwt } from 'hostsig/jwt';
 * import { importPrivateKey } from 'hostsig/rsa';
 *
 * const key = importPrivateKey(readFileSync('vectors/keys/rsa2048.pkcs1.pem', 'utf8'));
 * const token = signJwt({ sub: 'client-42' }, key, { issuer: 'https://billing.example.com', expiresIn: '15m' });
 * verifyHostBillBearer(`Bearer ${token}`, key.publicKey, { issuer: 'https://billing.example.com' }) // => { ok: true, subject: 'client-42' }
 * verifyHostBillBearer(`Bearer ${token}`, key.publicKey, { issuer: 'https://other.example' }) // => { ok: false, code: 'CLAIM_INVALID' }
 * verifyHostBillBearer(undefined, key.publicKey) // => { ok: false, code: 'AUTH_HEADER_MALFORMED' }
 * ```
 */
export function verifyHostBillBearer(authorization: string | null | undefined, key: VerifyKey, options: JwtVerifyOptions = {}): HostBillBearerResult {
  const token = bearerToken(authorization, key);
  if (typeof token !== 'string') return token;
  try {
    return bearerVerified(verifyJwt(token, key, options));
  } catch (e) {
    return bearerFailure(e);
  }
}

/**
 * {@link verifyHostBillBearer} with the signature checked by `verifyJwtAsync`: Web Crypto where
 * the platform has it, so a server's RSA work runs off the event loop. Same results and codes.
 * @param authorization the header value
 * @param key the issuer's public key
 * @param options `verifyJwt` options (issuer, audience, clockTolerance, now, ...)
 * @returns a Promise of the same result as {@link verifyHostBillBearer}
 * @throws (rejects with) HostsigError `INVALID_ARGUMENT` only for a missing key
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { verifyHostBillBearerAsync } from 'hostsig/hostbill';
 * import { signJwt } from 'hostsig/jwt';
 * import { importPrivateKey } from 'hostsig/rsa';
 *
 * const key = importPrivateKey(readFileSync('vectors/keys/rsa2048.pkcs1.pem', 'utf8'));
 * const token = signJwt({ sub: 'client-42' }, key, { expiresIn: '15m' });
 * await verifyHostBillBearerAsync(`Bearer ${token}`, key.publicKey) // => { ok: true, subject: 'client-42' }
 * await verifyHostBillBearerAsync(`Bearer ${token.slice(0, -4)}AAAA`, key.publicKey) // => { ok: false, code: 'SIGNATURE_INVALID' }
 * ```
 */
export async function verifyHostBillBearerAsync(authorization: string | null | undefined, key: VerifyKey, options: JwtVerifyOptions = {}): Promise<HostBillBearerResult> {
  const token = bearerToken(authorization, key);
  if (typeof token !== 'string') return token;
  try {
    return bearerVerified(await verifyJwtAsync(token, key, options));
  } catch (e) {
    return bearerFailure(e);
  }
}

function bearerToken(authorization: unknown, key: VerifyKey): string | VerifyFailure {
  if (key === undefined || key === null) throw new HostsigError('INVALID_ARGUMENT', '"key" is required');
  if (authorization !== undefined && authorization !== null && typeof authorization !== 'string') {
    return verifyFailure('AUTH_HEADER_MALFORMED', 'Authorization header expected string');
  }
  try {
    return parseBearerAuth(authorization as string | null | undefined);
  } catch (e) {
    return bearerFailure(e);
  }
}

function bearerVerified({ payload, protectedHeader }: JwtVerifyResult): HostBillBearerVerified {
  return { ok: true, subject: payload.sub, payload, protectedHeader };
}

function bearerFailure(e: unknown): VerifyFailure {
  const f = toFailure(e, 'TOKEN_INVALID');
  if (f.code === 'INVALID_ARGUMENT') throw e;
  return f;
}

/**
 * Issues and rotates HostBill-style tokens.
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { HostBillTokenIssuer, MemoryRefreshTokenStore } from 'hostsig/hostbill';
 * import { importPrivateKey } from 'hostsig/rsa';
 *
 * const issuer = new HostBillTokenIssuer({
 *   privateKey: importPrivateKey(readFileSync('vectors/keys/rsa2048.pkcs1.pem', 'utf8')),
 *   store: new MemoryRefreshTokenStore(),
 *   issuer: 'https://billing.example.com',
 * });
 * const pair = await issuer.issue('client-42'); // after checking the password: POST /api/login
 * pair // => { token_type: 'Bearer', expires_in: 900 }
 * const next = await issuer.refresh(pair.refresh_token); // POST /api/token
 * issuer.verifyBearer(`Bearer ${next.token}`) // => { ok: true, subject: 'client-42' }
 * await issuer.refresh(pair.refresh_token) // => throws TOKEN_REVOKED
 * ```
 */
export class HostBillTokenIssuer {
  readonly #o: HostBillTokenIssuerOptions;
  readonly #accessTtl: number;
  readonly #refreshTtl: number;

  /**
   * Makes an issuer.
   * @param options the signing key, the refresh-token store, and optional `kid`, `iss`, `aud`, lifetimes and clock
   * @throws HostsigError `INVALID_ARGUMENT` (not an `RsaPrivateKey`, not a store, a lifetime that is not positive)
   */
  constructor(options: HostBillTokenIssuerOptions) {
    if (typeof options !== 'object' || options === null) throw new HostsigError('INVALID_ARGUMENT', '"options" expected object');
    if (!isRsaPrivateKey(options.privateKey)) throw new HostsigError('INVALID_ARGUMENT', '"privateKey" expected an RsaPrivateKey from importPrivateKey');
    const s = options.store;
    if (!s || typeof s.put !== 'function' || typeof s.consume !== 'function' || typeof s.revokeFamily !== 'function') throw new HostsigError('INVALID_ARGUMENT', '"store" expected a RefreshTokenStore');
    this.#o = options;
    this.#accessTtl = durationSeconds(options.accessTokenTtl ?? '15m', 'accessTokenTtl');
    this.#refreshTtl = durationSeconds(options.refreshTokenTtl ?? '30d', 'refreshTokenTtl');
    if (this.#accessTtl <= 0 || this.#refreshTtl <= 0) throw new HostsigError('INVALID_ARGUMENT', 'token lifetimes must be positive');
  }

  async #pair(subject: string, claims: Readonly<Record<string, unknown>> | undefined, familyId: string, now: number): Promise<HostBillTokenPair> {
    const o = this.#o;
    const token = signJwt({ ...claims }, o.privateKey, {
      subject,
      now,
      expiresIn: this.#accessTtl,
      jwtId: randomUuid(),
      ...(o.kid !== undefined ? { kid: o.kid } : {}),
      ...(o.issuer !== undefined ? { issuer: o.issuer } : {}),
      ...(o.audience !== undefined ? { audience: o.audience } : {}),
    });
    const refresh = bytesToBase64url(randomBytes(32));
    const record: RefreshTokenRecord = { subject, familyId, expiresAt: now + this.#refreshTtl };
    if (claims !== undefined) record.claims = claims;
    await o.store.put(refreshTokenDigest(refresh), record);
    return { token, refresh_token: refresh, token_type: 'Bearer', expires_in: this.#accessTtl };
  }

  /**
   * Issues an access token and a new refresh-token family for a user who just logged in.
   * @param subject the user (becomes `sub`)
   * @param claims extra access-token claims (kept for refreshes)
   * @throws HostsigError `INVALID_ARGUMENT`
   */
  async issue(subject: string, claims?: Readonly<Record<string, unknown>>): Promise<HostBillTokenPair> {
    if (typeof subject !== 'string' || subject.length === 0) throw new HostsigError('INVALID_ARGUMENT', '"subject" expected a non-empty string');
    if (claims !== undefined && (typeof claims !== 'object' || claims === null || Array.isArray(claims))) throw new HostsigError('INVALID_ARGUMENT', '"claims" expected object');
    return this.#pair(subject, claims, randomUuid(), Math.floor(resolveNow(this.#o.now)));
  }

  /**
   * Exchanges a refresh token for a new pair; the old refresh token stops working.
   * @param refreshToken the token from the last pair
   * @throws HostsigError `TOKEN_INVALID` (malformed or unknown), `TOKEN_EXPIRED`,
   *   `TOKEN_REVOKED` (already used: the family is revoked)
   */
  async refresh(refreshToken: string): Promise<HostBillTokenPair> {
    if (typeof refreshToken !== 'string' || !REFRESH_RE.test(refreshToken)) throw new HostsigError('TOKEN_INVALID', 'malformed refresh token');
    const now = Math.floor(resolveNow(this.#o.now));
    const rec = await this.#o.store.consume(refreshTokenDigest(refreshToken), now);
    if (!rec) throw new HostsigError('TOKEN_INVALID', 'unknown or revoked refresh token');
    if (rec.usedAt !== undefined) {
      await this.#o.store.revokeFamily(rec.familyId);
      throw new HostsigError('TOKEN_REVOKED', 'refresh token was already used; every token of this login is revoked');
    }
    if (rec.expiresAt <= now) throw new HostsigError('TOKEN_EXPIRED', 'refresh token expired');
    return this.#pair(rec.subject, rec.claims, rec.familyId, now);
  }

  /**
   * Revokes the login a refresh token belongs to (logout). Unknown tokens are ignored.
   * @param refreshToken any token of the family
   */
  async revoke(refreshToken: string): Promise<void> {
    if (typeof refreshToken !== 'string' || !REFRESH_RE.test(refreshToken)) return;
    const rec = await this.#o.store.consume(refreshTokenDigest(refreshToken), Math.floor(resolveNow(this.#o.now)));
    if (rec) await this.#o.store.revokeFamily(rec.familyId);
  }

  /**
   * Verifies `Authorization: Bearer` against this issuer's key, `iss` and `aud`; see
   * {@link verifyHostBillBearer}. Never throws on hostile input.
   * @param authorization the header value
   * @param options extra `verifyJwt` options (clockTolerance, requiredClaims, ...)
   */
  verifyBearer(authorization: string | null | undefined, options: JwtVerifyOptions = {}): HostBillBearerResult {
    return verifyHostBillBearer(authorization, this.#o.privateKey.publicKey, this.#bearerOptions(options));
  }

  /**
   * {@link HostBillTokenIssuer.verifyBearer} through {@link verifyHostBillBearerAsync}: Web
   * Crypto where the platform has it, off the event loop.
   * @param authorization the header value
   * @param options extra `verifyJwt` options (clockTolerance, requiredClaims, ...)
   */
  verifyBearerAsync(authorization: string | null | undefined, options: JwtVerifyOptions = {}): Promise<HostBillBearerResult> {
    return verifyHostBillBearerAsync(authorization, this.#o.privateKey.publicKey, this.#bearerOptions(options));
  }

  #bearerOptions(options: JwtVerifyOptions): JwtVerifyOptions {
    const o = this.#o;
    return {
      ...(o.issuer !== undefined ? { issuer: o.issuer } : {}),
      ...(o.audience !== undefined ? { audience: o.audience } : {}),
      ...(o.now !== undefined ? { now: o.now } : {}),
      ...options,
    };
  }
}
