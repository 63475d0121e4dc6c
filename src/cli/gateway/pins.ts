/**
 * HostKey PINs in the gateway (`schemes.hostkey.pins`): `eq.php action=check_pin` is answered
 * here, because the gateway owns the session store and the attempt counter. The session token
 * is verified first, then the PIN with createPinService, whose attempts live in Redis (shared by
 * every worker) or in memory. The records come from the config, so `set_pin` is refused: the
 * gateway cannot write them. Nothing here returns or logs a PIN.
 */
import { HostsigError, type HostsigErrorCode } from '../../core/errors.js';
import { createPinService, type HostKeyPinRecord, type HostKeyPinStore, hostKeyErrorReplyBody, type HostKeyTokenStore, type PinAttemptStore, type PinDelay, type PinService, verifyHostKeyToken } from '../../schemes/hostkey/index.js';
import type { GatewayPins } from './config.js';

/** The PIN actions the gateway answers itself. */
export const PIN_ACTIONS: ReadonlySet<string> = new Set(['check_pin', 'set_pin']);

/** The configured records, read-only: a rehash or a set_pin cannot change the config. */
class ConfigPinStore implements HostKeyPinStore {
  constructor(readonly records: ReadonlyMap<string, HostKeyPinRecord>) {}
  async get(subject: string): Promise<HostKeyPinRecord | null> {
    return this.records.get(subject) ?? null;
  }
  async put(): Promise<void> {
    throw new HostsigError('INVALID_ARGUMENT', 'PIN records come from the gateway config');
  }
}

/** `min(baseMs * 2^(n-1), maxMs)`: the library's default policy with the config's numbers. */
export function pinDelay({ baseMs, maxMs }: GatewayPins['delay']): PinDelay {
  return (failures) => {
    const ms = Math.min(baseMs * 2 ** Math.max(0, failures - 1), maxMs);
    return ms <= 0 ? Promise.resolve() : new Promise<void>((resolve) => setTimeout(resolve, ms));
  };
}

// The weakest parameters: used only for new hashes (never made here), and with them no record
// "needs a rehash", so a correct PIN does not spend a second scrypt on a put that must fail.
const NO_REHASH = { N: 2, r: 1, p: 1, dkLen: 16 };

/** The PIN service over the configured records and an attempt store. */
export function gatewayPinService(pins: GatewayPins, attempts: PinAttemptStore): PinService {
  return createPinService({ pins: new ConfigPinStore(pins.records), attempts, maxFailures: pins.maxFailures, delay: pinDelay(pins.delay), params: NO_REHASH });
}

/** One eq.php PIN answer, and what the log and metrics take from it. */
export interface PinOutcome {
  status: number;
  /** HostKey's envelope: `{"result":"OK"}` or `{"result":-1,"error","code"}`. */
  body: string;
  /** `ok` or the failure code. */
  verdict: HostsigErrorCode | 'ok';
  /** The session's subject, once the token is verified. */
  subject?: string;
  /** Which store failed (503), for `hostsig_gateway_store_errors_total`. */
  storeFailed?: 'session' | 'pin';
}

function refuse(code: HostsigErrorCode, message: string, status: number, extra: Partial<PinOutcome> = {}): PinOutcome {
  return { status, body: hostKeyErrorReplyBody(message, code), verdict: code, ...extra };
}

/** The one value of a field; a repeated field is refused (which one would count?). */
function one(fields: URLSearchParams, name: string): string | null {
  const all = fields.getAll(name);
  if (all.length > 1) throw new HostsigError('FIELD_DUPLICATE', `eq.php field "${name}" appears more than once`, { field: name });
  return all.length ? all[0]! : null;
}

/** What a PIN call needs: the service, the session store, the client address. */
export interface PinCallContext {
  service: PinService;
  sessions: HostKeyTokenStore;
  clientIp?: string;
}

/**
 * `eq.php action=check_pin&token&pin` (token first, then the PIN) or `action=set_pin` (refused,
 * 403). Throws a HostsigError `FIELD_DUPLICATE` for a repeated field.
 */
export async function pinCall(fields: URLSearchParams, c: PinCallContext): Promise<PinOutcome> {
  const action = one(fields, 'action');
  if (action === 'set_pin') return refuse('PATH_NOT_ALLOWED', "PIN records come from the gateway's config: the gateway cannot set or change a PIN", 403);
  const v = await verifyHostKeyToken(one(fields, 'token'), { store: c.sessions, ...(c.clientIp ? { clientIp: c.clientIp } : {}) });
  if (!v.ok) return refuse(v.code, v.message, v.status, v.status === 503 ? { storeFailed: 'session' } : {});
  const subject = v.subject;
  const pin = one(fields, 'pin');
  if (pin === null) return refuse('MISSING_FIELD', 'pin is missing', 400, { subject });
  const r = await c.service.checkPin(subject, pin);
  if (r.ok) return { status: 200, body: JSON.stringify({ result: 'OK' }), verdict: 'ok', subject };
  return refuse(r.code, r.message, r.status, { subject, ...(r.status === 503 ? { storeFailed: 'pin' as const } : {}) });
}
