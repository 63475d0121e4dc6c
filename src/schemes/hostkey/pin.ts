import { scryptAsync } from '@noble/hashes/scrypt.js';
import { bytesToHex, hexToBytes, utf8ToBytes } from '../../core/bytes.js';
import { equalBytes } from '../../core/compare.js';
import { HostsigError, type HostsigErrorCode, verifyFailure } from '../../core/errors.js';
import { randomBytes } from '../../core/random.js';
import { HOSTKEY_PIN_RE } from './sign.js';

/** scrypt cost parameters. */
export interface ScryptParams {
  /** CPU/memory cost: a power of two, 2..2^22 (memory is 128 * N * r bytes). */
  readonly N: number;
  /** Block size, 1..32. */
  readonly r: number;
  /** Parallelism, 1..16. */
  readonly p: number;
  /** Derived key length in bytes, 16..64. */
  readonly dkLen: number;
}

/** A stored PIN: scrypt with its parameters, so they can be raised later without a reset. */
export interface HostKeyPinRecord {
  /** The KDF: always `'scrypt'`. */
  readonly alg: 'scrypt';
  /** scrypt's CPU/memory cost the hash was made with (see {@link ScryptParams}). */
  readonly N: number;
  /** scrypt's block size the hash was made with. */
  readonly r: number;
  /** scrypt's parallelism the hash was made with. */
  readonly p: number;
  /** Length of `hash` in bytes. */
  readonly dkLen: number;
  /** Hex, 16 random bytes. */
  readonly salt: string;
  /** Hex, `dkLen` bytes. */
  readonly hash: string;
}

/** N = 2^14, r = 8, p = 1 (16 MiB, tens of ms), 32-byte output. */
export const DEFAULT_PIN_PARAMS: ScryptParams = Object.freeze({ N: 2 ** 14, r: 8, p: 1, dkLen: 32 });

function validParams(x: Partial<ScryptParams>): x is ScryptParams {
  const { N, r, p, dkLen } = x;
  return (
    Number.isSafeInteger(N) && N! >= 2 && N! <= 2 ** 22 && (N! & (N! - 1)) === 0 &&
    Number.isSafeInteger(r) && r! >= 1 && r! <= 32 &&
    Number.isSafeInteger(p) && p! >= 1 && p! <= 16 &&
    Number.isSafeInteger(dkLen) && dkLen! >= 16 && dkLen! <= 64
  );
}

/**
 * True when `pin` has the PIN format: 4 to 16 ASCII digits.
 * @param pin any value
 * @example
 * ```ts
 * import { isHostKeyPin } from 'hostsig/hostkey';
 *
 * isHostKeyPin('0042') // => true
 * isHostKeyPin('12ab') // => false
 * ```
 */
export function isHostKeyPin(pin: unknown): pin is string {
  return typeof pin === 'string' && HOSTKEY_PIN_RE.test(pin);
}

/**
 * Hashes a PIN with scrypt and a fresh 16-byte salt. PINs have little entropy (10^4..10^16),
 * so unlike session tokens they need a slow, memory-hard KDF.
 * @param pin 4 to 16 digits
 * @param params scrypt parameters, default {@link DEFAULT_PIN_PARAMS}
 * @throws HostsigError `PIN_INVALID` (not a PIN; the message never holds it), `INVALID_ARGUMENT` (bad params)
 * @example
 * ```ts
 * import { hashHostKeyPin } from 'hostsig/hostkey';
 *
 * const rec = await hashHostKeyPin('482915');
 * rec // => { alg: 'scrypt', N: 16384, r: 8, p: 1, dkLen: 32 }
 * rec.salt.length // => 32
 * ```
 */
export async function hashHostKeyPin(pin: string, params: ScryptParams = DEFAULT_PIN_PARAMS): Promise<HostKeyPinRecord> {
  if (!isHostKeyPin(pin)) throw new HostsigError('PIN_INVALID', 'PIN must be 4 to 16 digits');
  if (!validParams(params)) throw new HostsigError('INVALID_ARGUMENT', 'scrypt parameters out of range');
  const salt = randomBytes(16);
  const { N, r, p, dkLen } = params;
  const hash = await scryptAsync(utf8ToBytes(pin), salt, { N, r, p, dkLen });
  return { alg: 'scrypt', N, r, p, dkLen, salt: bytesToHex(salt), hash: bytesToHex(hash) };
}

/**
 * Checks a PIN against its record with the record's own parameters, comparing in constant
 * time. A malformed PIN is simply false (after the same work, so format is not a timing oracle
 * beyond its length check).
 * @param pin the PIN entered
 * @param record the stored record
 * @throws HostsigError `LOOKUP_FAILED` when the record is malformed
 * @example
 * ```ts
 * import { hashHostKeyPin, verifyHostKeyPinHash } from 'hostsig/hostkey';
 *
 * const rec = await hashHostKeyPin('482915');
 * await verifyHostKeyPinHash('482915', rec) // => true
 * await verifyHostKeyPinHash('482916', rec) // => false
 * ```
 */
export async function verifyHostKeyPinHash(pin: unknown, record: HostKeyPinRecord): Promise<boolean> {
  if (!record || record.alg !== 'scrypt' || !validParams(record) || typeof record.salt !== 'string' || typeof record.hash !== 'string' || !/^[0-9a-f]+$/.test(record.salt) || !/^[0-9a-f]+$/.test(record.hash) || record.hash.length !== record.dkLen * 2 || record.salt.length % 2 !== 0)
    throw new HostsigError('LOOKUP_FAILED', 'PIN record is malformed');
  const ok = isHostKeyPin(pin);
  const { N, r, p, dkLen } = record;
  const got = await scryptAsync(utf8ToBytes(ok ? pin : '0000'), hexToBytes(record.salt), { N, r, p, dkLen });
  return equalBytes(got, hexToBytes(record.hash)) && ok;
}

/**
 * True when a record was made with weaker parameters than `params` (re-hash on next success).
 * @param record a stored record
 * @param params the parameters new hashes use
 * @example
 * ```ts
 * import { DEFAULT_PIN_PARAMS, hashHostKeyPin, pinNeedsRehash } from 'hostsig/hostkey';
 *
 * const rec = await hashHostKeyPin('482915');
 * pinNeedsRehash(rec) // => false
 * pinNeedsRehash(rec, { ...DEFAULT_PIN_PARAMS, N: 2 ** 15 }) // => true
 * ```
 */
export function pinNeedsRehash(record: HostKeyPinRecord, params: ScryptParams = DEFAULT_PIN_PARAMS): boolean {
  return record.N < params.N || record.r < params.r || record.p < params.p || record.dkLen < params.dkLen;
}

/** Where PIN records live. */
export interface HostKeyPinStore {
  /** The PIN record of `subject`, or null when none is set. */
  get(subject: string): Promise<HostKeyPinRecord | null>;
  /** Stores (or replaces) `subject`'s PIN record. */
  put(subject: string, record: HostKeyPinRecord): Promise<void>;
}

/** Failure counters. `begin` must be atomic (an increment), so parallel guesses each count. */
export interface PinAttemptStore {
  /**
   * Counts one attempt for `subject`; resolves the count including it (a safe integer >= 1)
   * and whether the subject is locked (a boolean). Anything else fails closed (`LOOKUP_FAILED`).
   */
  begin(subject: string): Promise<{
    /** Attempts counted so far, this one included. */
    attempts: number;
    /** True while the subject is locked. */
    locked: boolean;
  }>;
  /** Locks `subject` until {@link unlock}. */
  lock(subject: string): Promise<void>;
  /** Zeroes the count after a correct PIN (does not unlock). */
  reset(subject: string): Promise<void>;
  /** Support's action: clears the lock and the count. */
  unlock(subject: string): Promise<void>;
}

/**
 * In-memory {@link HostKeyPinStore}.
 * @example
 * ```ts
 * import { createPinService, MemoryPinStore } from 'hostsig/hostkey';
 *
 * const pins = new MemoryPinStore();
 * const service = createPinService({ pins, delay: async () => {} });
 * await service.setPin('user-42', '482915');
 * (await pins.get('user-42'))?.alg // => 'scrypt'
 * ```
 */
export class MemoryPinStore implements HostKeyPinStore {
  readonly #map = new Map<string, HostKeyPinRecord>();
  /** The PIN record of `subject`, or null when none is set. */
  async get(subject: string): Promise<HostKeyPinRecord | null> {
    return this.#map.get(subject) ?? null;
  }
  /** Stores (or replaces) `subject`'s PIN record. */
  async put(subject: string, record: HostKeyPinRecord): Promise<void> {
    this.#map.set(subject, { ...record });
  }
}

/**
 * In-memory {@link PinAttemptStore} (one process; `begin` is atomic because JS is single-threaded).
 * @example
 * ```ts
 * import { createPinService, MemoryPinAttemptStore } from 'hostsig/hostkey';
 *
 * const attempts = new MemoryPinAttemptStore();
 * const service = createPinService({ attempts, delay: async () => {} });
 * await service.setPin('user-42', '482915');
 * await service.checkPin('user-42', '000000') // => { ok: false, code: 'PIN_INVALID', remaining: 2 }
 * ```
 */
export class MemoryPinAttemptStore implements PinAttemptStore {
  readonly #map = new Map<string, { attempts: number; locked: boolean }>();
  async begin(subject: string): Promise<{
    /** Attempts counted so far, this one included. */
    attempts: number;
    /** True while the subject is locked. */
    locked: boolean;
  }> {
    const s = this.#map.get(subject) ?? { attempts: 0, locked: false };
    s.attempts++;
    this.#map.set(subject, s);
    return { ...s };
  }
  async lock(subject: string): Promise<void> {
    const s = this.#map.get(subject) ?? { attempts: 0, locked: false };
    s.locked = true;
    this.#map.set(subject, s);
  }
  async reset(subject: string): Promise<void> {
    const s = this.#map.get(subject);
    if (s) s.attempts = 0;
  }
  async unlock(subject: string): Promise<void> {
    this.#map.delete(subject);
  }
}

/**
 * What `begin` resolved, checked: a count that is a safe integer >= 1 (it includes this
 * attempt) and a boolean lock, else null. A `NaN`, negative, infinite or string count would
 * never reach the limit, so the caller fails closed on null.
 */
function attemptState(v: unknown): { attempts: number; locked: boolean } | null {
  if (typeof v !== 'object' || v === null) return null;
  const { attempts, locked } = v as { attempts?: unknown; locked?: unknown };
  if (typeof attempts !== 'number' || !Number.isSafeInteger(attempts) || attempts < 1) return null;
  if (typeof locked !== 'boolean') return null;
  return { attempts, locked };
}

/** How long to hold a failure before answering, given the failure count (1, 2, ...). */
export type PinDelay = (failures: number) => Promise<void>;

/**
 * The default delay: 1 s, 2 s, 4 s, ... capped at 30 s.
 * @param failures failures so far, counting this one
 * @example
 * ```ts
 * import { createPinService, defaultPinDelay } from 'hostsig/hostkey';
 *
 * // The default policy: the n-th failure waits 2^(n-1) s, at most 30 s. Pass your own in tests.
 * const service = createPinService({ delay: defaultPinDelay });
 * typeof service.checkPin // => 'function'
 * ```
 */
export const defaultPinDelay: PinDelay = (failures) => new Promise<void>((resolve) => setTimeout(resolve, Math.min(1000 * 2 ** Math.max(0, failures - 1), 30_000)));

/** A PIN check outcome. */
export type PinCheckResult =
  | {
      /** The PIN was right (or was set). */
      readonly ok: true;
    }
  | {
      /** Refused. */
      readonly ok: false;
      /** `PIN_INVALID`, `PIN_LOCKED`, `MISSING_FIELD` (no `old_pin`) or `LOOKUP_FAILED`. */
      readonly code: HostsigErrorCode;
      /** 403: the session is known, the PIN does not allow the action; 400: a bad new PIN; 503: a store broke. */
      readonly status: 400 | 403 | 503;
      /** For people; never holds the PIN. */
      readonly message: string;
      /** Wrong PINs left before the lock (0 when locked). */
      readonly remaining: number;
    };

/** What {@link createPinService} takes. */
export interface PinServiceOptions {
  /** Where PIN records live. Default a new {@link MemoryPinStore}. */
  pins?: HostKeyPinStore;
  /** Where failure counters and locks live. Default a new {@link MemoryPinAttemptStore}. */
  attempts?: PinAttemptStore;
  /** Wrong PINs before the lock. Default 3. */
  maxFailures?: number;
  /** Default {@link defaultPinDelay}; tests inject one that does not sleep. */
  delay?: PinDelay;
  /** Parameters for new hashes (old records keep theirs until re-hashed). Default {@link DEFAULT_PIN_PARAMS}. */
  params?: ScryptParams;
}

/** `check_pin` and `set_pin` on the server side. */
export interface PinService {
  /** Checks a PIN (`check_pin`): counts the attempt first, delays failures, locks after `maxFailures`. */
  checkPin(subject: string, pin: unknown): Promise<PinCheckResult>;
  /** Sets the first PIN, or changes it when `oldPin` is right (a wrong `oldPin` counts as a failure). */
  setPin(subject: string, newPin: unknown, oldPin?: unknown): Promise<PinCheckResult>;
  /** Clears `subject`'s failure counter and lock (what support does after a lock). */
  unlock(subject: string): Promise<void>;
}

/** What {@link createPinService}'s checks run with. */
interface PinContext {
  readonly pins: HostKeyPinStore;
  readonly attempts: PinAttemptStore;
  readonly max: number;
  readonly delay: PinDelay;
  readonly params: ScryptParams;
}

function fail(code: HostsigErrorCode, message: string, { remaining, ...o }: { status: 400 | 403 | 503; remaining: number; cause?: unknown }): PinCheckResult {
  return Object.assign(verifyFailure(code, message, o), { remaining });
}

async function checkPin({ pins, attempts, max, delay, params }: PinContext, subject: string, pin: unknown): Promise<PinCheckResult> {
  if (typeof subject !== 'string' || subject.length === 0) throw new HostsigError('INVALID_ARGUMENT', '"subject" must be a non-empty string');
  let record: HostKeyPinRecord | null;
  try {
    record = await pins.get(subject);
  } catch (e) {
    return fail('LOOKUP_FAILED', 'PIN store failed', { status: 503, remaining: 0, cause: e });
  }
  if (!record) return fail('PIN_INVALID', 'no PIN is set', { status: 403, remaining: max });
  let state: { attempts: number; locked: boolean } | null;
  try {
    state = attemptState(await attempts.begin(subject));
  } catch (e) {
    return fail('LOOKUP_FAILED', 'attempt store failed', { status: 503, remaining: 0, cause: e });
  }
  if (!state) return fail('LOOKUP_FAILED', 'attempt store answered an invalid count', { status: 503, remaining: 0 });
  if (state.locked || state.attempts > max) {
    await attempts.lock(subject).catch(() => undefined);
    await delay(state.attempts);
    return fail('PIN_LOCKED', 'PIN entry is locked; contact support', { status: 403, remaining: 0 });
  }
  let good: boolean;
  try {
    good = await verifyHostKeyPinHash(pin, record);
  } catch (e) {
    return fail('LOOKUP_FAILED', 'PIN record is malformed', { status: 503, remaining: 0, cause: e });
  }
  if (good) {
    // The count must go back to zero, or good PINs would lock the account: fail closed.
    try {
      await attempts.reset(subject);
    } catch (e) {
      return fail('LOOKUP_FAILED', 'attempt store failed', { status: 503, remaining: 0, cause: e });
    }
    // A rehash is an upgrade; the old record still holds if the store refuses it.
    if (pinNeedsRehash(record, params)) await hashHostKeyPin(pin as string, params).then((r) => pins.put(subject, r)).catch(() => undefined);
    return { ok: true };
  }
  if (state.attempts >= max) {
    // Locked either way: a store that fails to record it is locked again by the next count.
    await attempts.lock(subject).catch(() => undefined);
    await delay(state.attempts);
    return fail('PIN_LOCKED', 'wrong PIN; PIN entry is now locked', { status: 403, remaining: 0 });
  }
  await delay(state.attempts);
  return fail('PIN_INVALID', 'wrong PIN', { status: 403, remaining: max - state.attempts });
}

/**
 * The PIN service: scrypt hashes, a failure counter that locks after `maxFailures` wrong PINs
 * (the 3rd wrong PIN answers `PIN_LOCKED`), every failure delayed by `delay(failures)`, a
 * correct PIN resetting the counter unless locked. Attempts are counted *before* the PIN is
 * checked, so parallel guesses cannot get more than `maxFailures` PINs evaluated; a locked
 * subject's PINs are not evaluated at all. Nothing it returns contains a PIN.
 * @param options stores, limit, delay policy, scrypt parameters
 * @throws HostsigError `INVALID_ARGUMENT` for bad options
 * @example
 * ```ts
 * import { createPinService } from 'hostsig/hostkey';
 *
 * const pins = createPinService({ delay: async () => {} }); // no sleeping in the example
 * await pins.setPin('user-42', '482915') // => { ok: true }
 * await pins.checkPin('user-42', '000000') // => { ok: false, code: 'PIN_INVALID', status: 403, remaining: 2 }
 * await pins.checkPin('user-42', '482915') // => { ok: true }
 * await pins.checkPin('user-42', '000000');
 * await pins.checkPin('user-42', '000000');
 * await pins.checkPin('user-42', '000000') // => { ok: false, code: 'PIN_LOCKED', remaining: 0 }
 * await pins.checkPin('user-42', '482915') // => { ok: false, code: 'PIN_LOCKED' }
 * ```
 */
export function createPinService(options: PinServiceOptions = {}): PinService {
  const pins = options.pins ?? new MemoryPinStore();
  const attempts = options.attempts ?? new MemoryPinAttemptStore();
  const max = options.maxFailures ?? 3;
  const delay = options.delay ?? defaultPinDelay;
  const params = options.params ?? DEFAULT_PIN_PARAMS;
  if (!Number.isSafeInteger(max) || max < 1) throw new HostsigError('INVALID_ARGUMENT', '"maxFailures" must be a positive integer');
  if (typeof delay !== 'function') throw new HostsigError('INVALID_ARGUMENT', '"delay" must be a function');
  if (!validParams(params)) throw new HostsigError('INVALID_ARGUMENT', 'scrypt parameters out of range');

  const ctx: PinContext = { pins, attempts, max, delay, params };
  const check = (subject: string, pin: unknown): Promise<PinCheckResult> => checkPin(ctx, subject, pin);

  return {
    checkPin: check,
    async setPin(subject, newPin, oldPin) {
      if (typeof subject !== 'string' || subject.length === 0) throw new HostsigError('INVALID_ARGUMENT', '"subject" must be a non-empty string');
      if (!isHostKeyPin(newPin)) return fail('PIN_INVALID', 'new PIN must be 4 to 16 digits', { status: 400, remaining: max });
      let existing: HostKeyPinRecord | null;
      try {
        existing = await pins.get(subject);
      } catch (e) {
        return fail('LOOKUP_FAILED', 'PIN store failed', { status: 503, remaining: 0, cause: e });
      }
      if (existing) {
        if (oldPin === undefined) return fail('MISSING_FIELD', 'old_pin is required to change the PIN', { status: 400, remaining: max });
        const r = await check(subject, oldPin);
        if (!r.ok) return r;
      }
      await pins.put(subject, await hashHostKeyPin(newPin, params));
      return { ok: true };
    },
    unlock: (subject) => attempts.unlock(subject),
  };
}
