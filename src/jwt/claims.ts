/**
 * JWT claim checks (RFC 7519 section 4.1) with jose's option names and semantics.
 */
import { type NowOption, resolveNow } from '../core/clock.js';
import { HostsigError } from '../core/errors.js';
import type { JwtHeader, JwtPayload } from './types.js';

/** A duration: seconds as a number, or text like `"30s"`, `"15m"`, `"2h"`, `"7d"`, `"1w"`. */
export type Duration = number | string;

const UNITS: Record<string, number> = { s: 1, sec: 1, secs: 1, second: 1, seconds: 1, m: 60, min: 60, mins: 60, minute: 60, minutes: 60, h: 3600, hr: 3600, hrs: 3600, hour: 3600, hours: 3600, d: 86400, day: 86400, days: 86400, w: 604800, week: 604800, weeks: 604800 };
const DURATION_RE = /^(\d+(?:\.\d+)?) ?([a-z]+)$/i;

/**
 * Seconds in a {@link Duration}.
 * @param d seconds, or text such as `"90s"`, `"15m"`, `"2h"`, `"7d"`, `"1w"`
 * @param name the option name, for the error message
 * @throws HostsigError `INVALID_ARGUMENT` for a negative, non-finite or unreadable value
 * @example
 * durationSeconds('15m', 'expiresIn') // 900
 */
export function durationSeconds(d: Duration, name: string): number {
  if (typeof d === 'number') {
    if (!Number.isFinite(d) || d < 0) throw new HostsigError('INVALID_ARGUMENT', `"${name}" must be a non-negative number of seconds`);
    return d;
  }
  const m = typeof d === 'string' ? DURATION_RE.exec(d.trim()) : null;
  const unit = m ? UNITS[m[2]!.toLowerCase()] : undefined;
  if (!m || unit === undefined) throw new HostsigError('INVALID_ARGUMENT', `"${name}" must be seconds or a duration like "15m"`);
  return Number(m[1]) * unit;
}

/** Options shared by every verify function (jose's names). */
export interface JwtClaimsOptions {
  /** Accepted `iss`: one or any of several. Makes `iss` required. */
  issuer?: string | readonly string[];
  /** Accepted `aud`: the token must name at least one. Makes `aud` required. */
  audience?: string | readonly string[];
  /** Required `sub`. */
  subject?: string;
  /** Required header `typ`, compared like jose (case-insensitive, `application/` prefix optional). */
  typ?: string;
  /** Leeway for `exp`, `nbf` and `iat`. Default 0. */
  clockTolerance?: Duration;
  /** Oldest acceptable `iat`. Makes `iat` required. */
  maxTokenAge?: Duration;
  /** Claims that must be present. */
  requiredClaims?: readonly string[];
  /** The time to check against (jose's name). Wins over `now`. */
  currentDate?: Date;
  /** The time to check against: seconds, a Date, or a clock. Default: the system clock. */
  now?: NowOption;
}

function claimError(code: 'CLAIM_INVALID' | 'JWT_EXPIRED' | 'JWT_NOT_YET_VALID', claim: string, reason: 'missing' | 'invalid' | 'check_failed', message: string): HostsigError {
  return new HostsigError(code, message, { claim, reason });
}

function normalizeTyp(t: string): string {
  const l = t.toLowerCase();
  return l.startsWith('application/') ? l.slice('application/'.length) : l;
}

const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

/**
 * Checks claims and header `typ` against the options. Called only after the signature holds.
 * @throws HostsigError `CLAIM_INVALID` (details `{ claim, reason }`), `JWT_EXPIRED`,
 *   `JWT_NOT_YET_VALID`, `INVALID_ARGUMENT` (bad options)
 */
export function validateClaims(payload: JwtPayload, header: JwtHeader, options: JwtClaimsOptions): void {
  const o = options;
  let now: number;
  if (o.currentDate !== undefined) {
    if (!(o.currentDate instanceof Date) || !Number.isFinite(o.currentDate.getTime())) throw new HostsigError('INVALID_ARGUMENT', '"currentDate" expected a valid Date');
    now = o.currentDate.getTime() / 1000;
  } else {
    now = resolveNow(o.now);
  }
  const tolerance = o.clockTolerance === undefined ? 0 : durationSeconds(o.clockTolerance, 'clockTolerance');
  const maxAge = o.maxTokenAge === undefined ? undefined : durationSeconds(o.maxTokenAge, 'maxTokenAge');

  if (o.typ !== undefined) {
    if (typeof o.typ !== 'string') throw new HostsigError('INVALID_ARGUMENT', '"typ" expected string');
    if (typeof header.typ !== 'string' || normalizeTyp(header.typ) !== normalizeTyp(o.typ)) {
      throw claimError('CLAIM_INVALID', 'typ', 'check_failed', 'unexpected "typ" header value');
    }
  }

  const required = new Set<string>();
  if (o.requiredClaims !== undefined) {
    if (!isStringArray(o.requiredClaims)) throw new HostsigError('INVALID_ARGUMENT', '"requiredClaims" expected array of strings');
    for (const c of o.requiredClaims) required.add(c);
  }
  if (o.issuer !== undefined) required.add('iss');
  if (o.audience !== undefined) required.add('aud');
  if (o.subject !== undefined) required.add('sub');
  if (maxAge !== undefined) required.add('iat');
  for (const c of required) {
    if (!Object.prototype.hasOwnProperty.call(payload, c)) throw claimError('CLAIM_INVALID', c, 'missing', `missing required "${c}" claim`);
  }

  // Types of the registered claims, whether or not an option asks about them.
  for (const c of ['iss', 'sub', 'jti'] as const) {
    if (payload[c] !== undefined && typeof payload[c] !== 'string') throw claimError('CLAIM_INVALID', c, 'invalid', `"${c}" claim must be a string`);
  }
  if (payload.aud !== undefined && typeof payload.aud !== 'string' && !isStringArray(payload.aud)) {
    throw claimError('CLAIM_INVALID', 'aud', 'invalid', '"aud" claim must be a string or an array of strings');
  }
  for (const c of ['exp', 'nbf', 'iat'] as const) {
    const v = payload[c];
    if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v))) throw claimError('CLAIM_INVALID', c, 'invalid', `"${c}" claim must be a number`);
  }

  if (o.issuer !== undefined) {
    const allowed = typeof o.issuer === 'string' ? [o.issuer] : o.issuer;
    if (!isStringArray(allowed)) throw new HostsigError('INVALID_ARGUMENT', '"issuer" expected string or array of strings');
    if (!allowed.includes(payload.iss as string)) throw claimError('CLAIM_INVALID', 'iss', 'check_failed', 'unexpected "iss" claim value');
  }
  if (o.subject !== undefined) {
    if (typeof o.subject !== 'string') throw new HostsigError('INVALID_ARGUMENT', '"subject" expected string');
    if (payload.sub !== o.subject) throw claimError('CLAIM_INVALID', 'sub', 'check_failed', 'unexpected "sub" claim value');
  }
  if (o.audience !== undefined) {
    const wanted = typeof o.audience === 'string' ? [o.audience] : o.audience;
    if (!isStringArray(wanted)) throw new HostsigError('INVALID_ARGUMENT', '"audience" expected string or array of strings');
    const got = typeof payload.aud === 'string' ? [payload.aud] : (payload.aud as string[]);
    if (!got.some((a) => wanted.includes(a))) throw claimError('CLAIM_INVALID', 'aud', 'check_failed', 'unexpected "aud" claim value');
  }

  if (payload.nbf !== undefined && payload.nbf > now + tolerance) {
    throw claimError('JWT_NOT_YET_VALID', 'nbf', 'check_failed', '"nbf" claim timestamp check failed');
  }
  if (payload.exp !== undefined && payload.exp <= now - tolerance) {
    throw claimError('JWT_EXPIRED', 'exp', 'check_failed', '"exp" claim timestamp check failed');
  }
  if (maxAge !== undefined) {
    const age = now - payload.iat!;
    if (age - tolerance > maxAge) throw claimError('JWT_EXPIRED', 'iat', 'check_failed', '"iat" claim timestamp check failed (too far in the past)');
    if (age < -tolerance) throw claimError('CLAIM_INVALID', 'iat', 'check_failed', '"iat" claim timestamp check failed (it should be in the past)');
  }
}
