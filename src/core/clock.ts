import { HostsigError } from './errors.js';

/** Seconds since the Unix epoch (may be fractional). */
export type Clock = () => number;

/**
 * The system clock, in seconds.
 * @example
 * ```ts
 * import { systemClock } from 'hostsig/core';
 *
 * const seconds = systemClock();
 * Math.abs(seconds - Date.now() / 1000) < 5 // => true
 * ```
 */
export const systemClock: Clock = () => Date.now() / 1000;

/** What `now` options accept: fixed seconds, a Date, or a clock. */
export type NowOption = number | Date | Clock;

/**
 * Resolves a `now` option to whole-or-fractional seconds, validating it.
 * @param now seconds, a Date, a clock function, or undefined for the system clock
 * @returns seconds since the Unix epoch
 * @throws HostsigError `INVALID_ARGUMENT` when it does not resolve to a finite number
 * @example
 * ```ts
 * import { resolveNow } from 'hostsig/core';
 *
 * resolveNow(1369758680) // => 1369758680
 * resolveNow(new Date('2013-05-28T16:31:20Z')) // => 1369758680
 * resolveNow(() => 1369758680.5) // => 1369758680.5
 * resolveNow(Number.NaN) // => throws INVALID_ARGUMENT
 * ```
 */
export function resolveNow(now: NowOption | undefined): number {
  const v = now === undefined ? systemClock() : typeof now === 'function' ? now() : now instanceof Date ? now.getTime() / 1000 : now;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new HostsigError('INVALID_ARGUMENT', '"now" must resolve to a finite number of seconds');
  return v;
}
