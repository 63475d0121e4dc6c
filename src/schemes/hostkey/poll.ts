import { HostsigError } from '../../core/errors.js';
import type { SafeJsonObject } from '../../core/json-safe.js';
import { providerError } from './replies.js';
import { HOSTKEY_CALLBACK_RE } from './sign.js';
import type { HostKeySession } from './session.js';

/** Pacing of {@link pollCallback}. */
export interface PollCallbackOptions {
  /** First wait between checks, ms. Default 2000. */
  intervalMs?: number;
  /** Most checks (the first included). Default 30. */
  maxAttempts?: number;
  /** Each wait is the previous one times this. Default 1.5. */
  backoff?: number;
  /** Longest wait, ms. Default 30000. */
  maxIntervalMs?: number;
  /** How to wait; tests inject one that does not. Default `setTimeout`. */
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Polls `eq_callback.php action=check&key=<callback>` until it stops answering `Not ready`,
 * waiting `intervalMs`, then `intervalMs * backoff`, ... (capped at `maxIntervalMs`) between
 * checks, at most `maxAttempts` checks.
 * @param session a {@link HostKeySession} (only `request` is used)
 * @param key the `callback` of an asynchronous reply
 * @param options interval, attempts, backoff, sleep
 * @returns the final reply's data
 * @throws HostsigError `INVALID_ARGUMENT` (bad key or options), `PROVIDER_ERROR` (an error
 *   reply, or still not ready after `maxAttempts`: `details.reason` = `poll-limit`), and
 *   whatever `session.request` rejects with
 * @example
 * ```ts
 * import { parseHostKeyReply, pollCallback } from 'hostsig/hostkey';
 *
 * // A session stand-in whose callback is ready on the third check.
 * let checks = 0;
 * const session = {
 *   request: async (_module: string, _action: string, fields?: Readonly<Record<string, string | number | boolean>>) =>
 *     parseHostKeyReply(++checks < 3 ? '{"result":-1,"error":"Not ready"}' : JSON.stringify({ result: { key: fields?.['key'], status: 'done' } })),
 * };
 * await pollCallback(session, '0123456789abcdef0123456789abcdef', { intervalMs: 1, sleep: async () => {} }) // => { status: 'done' }
 * checks // => 3
 * ```
 */
export async function pollCallback(session: Pick<HostKeySession, 'request'>, key: string, options: PollCallbackOptions = {}): Promise<SafeJsonObject> {
  if (typeof key !== 'string' || !HOSTKEY_CALLBACK_RE.test(key)) throw new HostsigError('INVALID_ARGUMENT', '"key" must be 32 hex characters');
  const maxAttempts = options.maxAttempts ?? 30;
  const backoff = options.backoff ?? 1.5;
  const maxInterval = options.maxIntervalMs ?? 30_000;
  let interval = options.intervalMs ?? 2000;
  const sleep = options.sleep ?? defaultSleep;
  if (!Number.isSafeInteger(maxAttempts) || maxAttempts < 1) throw new HostsigError('INVALID_ARGUMENT', '"maxAttempts" must be a positive integer');
  if (!(backoff >= 1) || !Number.isFinite(backoff)) throw new HostsigError('INVALID_ARGUMENT', '"backoff" must be a finite number >= 1');
  if (!(interval >= 0) || !Number.isFinite(interval) || !(maxInterval >= 0)) throw new HostsigError('INVALID_ARGUMENT', '"intervalMs" and "maxIntervalMs" must be non-negative');
  for (let attempt = 1; ; attempt++) {
    const r = await session.request('eq_callback', 'check', { key });
    if (r.ok) return r.data;
    if (!r.pending) throw providerError('asynchronous action failed', r);
    if (attempt >= maxAttempts) throw new HostsigError('PROVIDER_ERROR', `HostKey callback not ready after ${maxAttempts} checks`, { reason: 'poll-limit', attempts: maxAttempts });
    await sleep(Math.min(interval, maxInterval));
    interval = Math.min(interval * backoff, maxInterval);
  }
}
