/**
 * What `serve` and `gateway` both build from a keys config: the `createVerifier` options, and
 * HostKey's `auth.php` (login, logout, info), which the verifier leaves to the server that owns
 * the session store.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { HostsigError, type HostsigErrorCode, isHostsigError } from '../core/errors.js';
import type { NonceStore } from '../core/nonce.js';
import { importPublicKey } from '../rsa/index.js';
import { hostKeyErrorReplyBody, hostKeyLoginReplyBody, type HostKeyTokenStore, issueHostKeyToken, revokeHostKeyToken, verifyHostKeyToken } from '../schemes/hostkey/index.js';
import type { CreateVerifierOptions } from '../server/index.js';
import { type KeysConfig, whmRecords } from './config.js';

/** Compares two secrets in constant time (over their SHA-256, so lengths do not leak). */
export function sameSecret(a: string, b: string): boolean {
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y);
}

/** What the verifier options take besides the keys. */
export interface VerifierSetup {
  /** HostKey's session store (used when `cfg.hostkey` is set). */
  store: HostKeyTokenStore;
  maxBodyBytes: number;
  clock?: () => number;
  nonces?: NonceStore;
  nonceTimeoutMs?: number;
  lookupTimeoutMs?: number;
  clientIp?: CreateVerifierOptions['clientIp'];
}

type MutableSchemes = { -readonly [K in keyof CreateVerifierOptions['schemes']]: CreateVerifierOptions['schemes'][K] };

/** `createVerifier` options over the schemes of a keys config. */
export function verifierOptions(cfg: KeysConfig, setup: VerifierSetup): CreateVerifierOptions {
  const schemes: MutableSchemes = {};
  const own = (m: Record<string, string>) => (k: string) => (Object.hasOwn(m, k) ? m[k] : undefined);
  if (cfg.hostdime) schemes.hostdime = { lookup: own(cfg.hostdime.keys), ...(cfg.hostdime.toleranceSec !== undefined ? { toleranceSec: cfg.hostdime.toleranceSec } : {}), ...(cfg.hostdime.dialects ? { dialects: cfg.hostdime.dialects } : {}) };
  if (cfg.sixconnect) schemes.sixconnect = { lookup: own(cfg.sixconnect.keys), ...(cfg.sixconnect.time ? { time: { toleranceSec: cfg.sixconnect.toleranceSec ?? 300 } } : {}) };
  if (cfg.hostbill) {
    const hb = cfg.hostbill;
    schemes.hostbill = {
      ...(hb.publicKey !== undefined
        ? { bearer: { key: importPublicKey(hb.publicKey), ...(hb.issuer !== undefined ? { issuer: hb.issuer } : {}), ...(hb.audience !== undefined ? { audience: hb.audience } : {}), ...(hb.clockTolerance !== undefined ? { clockTolerance: hb.clockTolerance } : {}) } }
        : {}),
      ...(hb.basic ? { basic: { verify: (u: string, p: string) => Object.hasOwn(hb.basic!, u) && sameSecret(hb.basic![u]!, p) } } : {}),
    };
  }
  if (cfg.whm) {
    const w = cfg.whm;
    const whmT = new Map(Object.entries(w.tokens ?? {}).map(([u, l]) => [u, whmRecords(l)]));
    const cpT = new Map(Object.entries(w.cpanelTokens ?? {}).map(([u, l]) => [u, whmRecords(l)]));
    schemes.whm = { lookup: (user: string, scheme: 'whm' | 'cpanel') => (scheme === 'cpanel' ? cpT : whmT).get(user) ?? null };
  }
  if (cfg.hostkey) schemes.hostkey = { store: setup.store };
  return {
    schemes,
    maxBodyBytes: setup.maxBodyBytes,
    ...(setup.clock ? { clock: setup.clock } : {}),
    ...(setup.nonces ? { nonces: setup.nonces } : {}),
    ...(setup.nonceTimeoutMs !== undefined ? { nonceTimeoutMs: setup.nonceTimeoutMs } : {}),
    ...(setup.lookupTimeoutMs !== undefined ? { lookupTimeoutMs: setup.lookupTimeoutMs } : {}),
    ...(setup.clientIp ? { clientIp: setup.clientIp } : {}),
  };
}

/** A store call in auth.php: a failure that is not already typed is the store's (503). */
export async function storeCall<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw isHostsigError(e) ? e : new HostsigError('LOOKUP_FAILED', 'session store failed', {}, { cause: e });
  }
}

/** The one value of an auth.php form field; a repeated field is refused (which one would count?). */
export function oneField(f: URLSearchParams, name: string): string | null {
  const all = f.getAll(name);
  if (all.length > 1) throw new HostsigError('FIELD_DUPLICATE', `auth.php field "${name}" appears more than once`, { field: name });
  return all.length ? all[0]! : null;
}

/** The answer to one auth.php call, and what the caller logs about it. */
export interface AuthPhpOutcome {
  action: 'login' | 'logout' | 'info' | 'other';
  ok: boolean;
  status: number;
  body: unknown;
  /** `valid` or the failure code. */
  verdict: HostsigErrorCode | 'valid' | 'UNKNOWN_KEY';
  message?: string;
  /** The session's subject (login, info). */
  subject?: string;
}

/** What auth.php needs: the API keys (key -> subject), the session store and the client. */
export interface AuthPhpContext {
  apiKeys: Readonly<Record<string, string>>;
  ttl?: number;
  store: HostKeyTokenStore;
  clientIp?: string;
  clock?: () => number;
}

/**
 * HostKey's `auth.php`: `action=login&key=...` issues a session, `logout&token=...` revokes it,
 * `info&token=...` checks it. Throws a HostsigError for a repeated field (400) or a store
 * failure (`LOOKUP_FAILED`, 503).
 */
export async function hostKeyAuthPhp(fields: URLSearchParams, c: AuthPhpContext): Promise<AuthPhpOutcome> {
  const action = oneField(fields, 'action');
  if (action === 'login') {
    const key = oneField(fields, 'key') ?? '';
    if (!Object.hasOwn(c.apiKeys, key)) return { action, ok: false, status: 401, body: hostKeyErrorReplyBody('Wrong API key', 'auth'), verdict: 'UNKNOWN_KEY', message: 'unknown API key' };
    const subject = c.apiKeys[key]!;
    const ttl = Number(oneField(fields, 'ttl') ?? c.ttl ?? 10800);
    const fixIp = oneField(fields, 'fix_ip') === '1';
    const { token, tokenExpire } = await storeCall(() =>
      issueHostKeyToken({ store: c.store, subject, ttl: Number.isSafeInteger(ttl) && ttl > 0 ? ttl : 10800, ...(fixIp && c.clientIp ? { fixIp, clientIp: c.clientIp } : {}), ...(c.clock ? { now: c.clock } : {}) }),
    );
    return { action, ok: true, status: 200, body: hostKeyLoginReplyBody({ token, tokenExpire }), verdict: 'valid', subject };
  }
  if (action === 'logout') {
    const token = oneField(fields, 'token');
    const gone = await storeCall(() => revokeHostKeyToken(token, c.store));
    return gone ? { action, ok: true, status: 200, body: { result: 'OK' }, verdict: 'valid' } : { action, ok: false, status: 401, body: hostKeyErrorReplyBody('invalid token', 'TOKEN_INVALID'), verdict: 'TOKEN_INVALID' };
  }
  if (action === 'info') {
    const v = await verifyHostKeyToken(oneField(fields, 'token'), { store: c.store, ...(c.clientIp ? { clientIp: c.clientIp } : {}), ...(c.clock ? { now: c.clock } : {}) });
    if (!v.ok) return { action, ok: false, status: v.status, body: hostKeyErrorReplyBody(v.message, v.code), verdict: v.code, message: v.message };
    // The same answer as any verified call (invapi's own adds the account's details).
    return { action, ok: true, status: 200, body: { result: 'OK', subject: v.subject, token_expire: v.expiresAt }, verdict: 'valid', subject: v.subject };
  }
  return { action: 'other', ok: false, status: 400, body: hostKeyErrorReplyBody('supported: action=login, logout and info', 'INVALID_ARGUMENT'), verdict: 'INVALID_ARGUMENT', message: `unsupported auth.php action "${action}"` };
}
