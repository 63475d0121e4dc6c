import { HostsigError } from './errors.js';

/** Seconds since the Unix epoch (may be fractional). */
export type Clock = () => number;

/** The system clock, in seconds. */
export const systemClock: Clock = () => Date.now() / 1000;

/** What `now` options accept: fixed seconds, a Date, or a clock. */
export type NowOption = number | Date | Clock;

/** Resolves a `now` option to whole-or-fractional seconds, validating it. */
export function resolveNow(now: NowOption | undefined): number {
  const v = now === undefined ? systemClock() : typeof now === 'function' ? now() : now instanceof Date ? now.getTime() / 1000 : now;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new HostsigError('INVALID_ARGUMENT', '"now" must resolve to a finite number of seconds');
  return v;
}
