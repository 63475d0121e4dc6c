/**
 * keys.json: what `serve` (and `verify --config`) knows per scheme. File paths inside it are
 * relative to the file. See docs/cli.md for the shape.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HostDimeDialect } from '../schemes/hostdime/index.js';
import { digestHostKeyToken, type HostKeySessionRecord, HOSTKEY_TOKEN_RE } from '../schemes/hostkey/index.js';
import { digestWhmToken, type WhmTokenRecord } from '../schemes/whm/index.js';
import { InputError } from './args.js';

/** A WHM/cPanel token in keys.json: the token itself (a local test config) or its digest. */
export interface WhmTokenConfig {
  name: string;
  token?: string;
  digest?: string;
  acls?: string[];
  expiresAt?: number | null;
  whitelistIps?: string[];
}

/** A HostKey session in keys.json (or a `--sessions` file): the token or its digest. */
export interface HostKeySessionConfig {
  token?: string;
  digest?: string;
  subject: string;
  expiresAt: number;
  createdAt?: number;
  ip?: string | null;
}

export interface KeysConfig {
  hostdime?: { keys: Record<string, string>; toleranceSec?: number; dialects?: HostDimeDialect[] };
  sixconnect?: { keys: Record<string, string>; time?: boolean; toleranceSec?: number };
  hostbill?: {
    /** The issuer's public key for Bearer JWTs: PEM/JWK text, or a file path (relative to keys.json). */
    publicKey?: string;
    issuer?: string | string[];
    audience?: string | string[];
    /** Seconds. */
    clockTolerance?: number;
    /** Basic users: e-mail -> password (a local test config only). */
    basic?: Record<string, string>;
  };
  whm?: {
    /** `Authorization: whm USER:TOKEN` tokens per user. */
    tokens?: Record<string, WhmTokenConfig[]>;
    /** `Authorization: cpanel USER:TOKEN` tokens per cPanel account. */
    cpanelTokens?: Record<string, WhmTokenConfig[]>;
  };
  hostkey?: {
    /** Sessions already issued. */
    sessions?: HostKeySessionConfig[];
    /** API keys `serve` accepts at `POST /auth.php action=login&key=...`: key -> session subject. */
    apiKeys?: Record<string, string>;
    /** Session lifetime `serve` gives at login, seconds (default 10800). */
    ttl?: number;
  };
}

export const CONFIG_SCHEMES = ['hostdime', 'sixconnect', 'hostbill', 'whm', 'hostkey'] as const;

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStrMap = (v: unknown): v is Record<string, string> => isObj(v) && Object.values(v).every((s) => typeof s === 'string');

/** The repo (package) root: paths in the built-in demo config are relative to it. */
export function packageRoot(): string {
  return fileURLToPath(new URL('../../', import.meta.url));
}

/** Reads a key given as text (PEM, JWK JSON) or as a path relative to `base`. */
export function keyTextOrFile(v: string, base: string, where: string): string {
  if (/-----BEGIN |^\s*\{|^\s*ssh-rsa /.test(v)) return v;
  const p = isAbsolute(v) ? v : resolve(base, v);
  try {
    return readFileSync(p, 'utf8');
  } catch (e) {
    throw new InputError(`${where}: cannot read key file "${v}": ${(e as Error).message}`);
  }
}

/** Checks a parsed keys.json and resolves its file paths against `base`. */
export function checkConfig(cfg: unknown, base: string, where: string): KeysConfig {
  if (!isObj(cfg)) throw new InputError(`${where} must be a JSON object keyed by scheme`);
  const bad = (m: string) => new InputError(`${where}: ${m}`);
  for (const [scheme, v] of Object.entries(cfg)) {
    if (scheme === '$comment') continue;
    if (!(CONFIG_SCHEMES as readonly string[]).includes(scheme)) throw bad(`unknown scheme "${scheme}" (schemes: ${CONFIG_SCHEMES.join(', ')})`);
    if (!isObj(v)) throw bad(`"${scheme}" must be an object`);
    if ((scheme === 'hostdime' || scheme === 'sixconnect') && !isStrMap(v.keys)) throw bad(`"${scheme}.keys" must map key ids to secret strings`);
  }
  const out = cfg as KeysConfig;
  if (out.hostbill) {
    const hb = out.hostbill;
    if (hb.publicKey === undefined && hb.basic === undefined) throw bad('"hostbill" needs "publicKey" (Bearer) or "basic" (users)');
    if (hb.publicKey !== undefined) {
      if (typeof hb.publicKey !== 'string') throw bad('"hostbill.publicKey" must be PEM text or a file path');
      hb.publicKey = keyTextOrFile(hb.publicKey, base, where);
    }
    if (hb.basic !== undefined && !isStrMap(hb.basic)) throw bad('"hostbill.basic" must map user names to passwords');
  }
  if (out.whm) {
    for (const field of ['tokens', 'cpanelTokens'] as const) {
      const t = out.whm[field];
      if (t === undefined) continue;
      if (!isObj(t) || !Object.values(t).every((l) => Array.isArray(l) && l.every((r) => isObj(r) && typeof r.name === 'string' && (typeof r.token === 'string' || typeof r.digest === 'string')))) {
        throw bad(`"whm.${field}" must map users to lists of {name, token|digest, expiresAt?, whitelistIps?, acls?}`);
      }
    }
  }
  if (out.hostkey) {
    const s = out.hostkey.sessions;
    if (s !== undefined && !(Array.isArray(s) && s.every((r) => isObj(r) && typeof r.subject === 'string' && typeof r.expiresAt === 'number' && (typeof r.token === 'string' || typeof r.digest === 'string')))) {
      throw bad('"hostkey.sessions" must be a list of {token|digest, subject, expiresAt, ip?}');
    }
    if (out.hostkey.apiKeys !== undefined && !isStrMap(out.hostkey.apiKeys)) throw bad('"hostkey.apiKeys" must map API keys to subjects');
  }
  return out;
}

export function loadConfig(path: string): KeysConfig {
  let raw: string;
  try {
    raw = readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputError(`cannot read config "${path}": ${(e as Error).message}`);
  }
  let cfg: unknown;
  try {
    cfg = JSON.parse(raw);
  } catch (e) {
    throw new InputError(`config "${path}" is not JSON: ${(e as Error).message}`);
  }
  return checkConfig(cfg, dirname(resolve(path)), `config "${path}"`);
}

/** WHM token records (digests only) from the config form. */
export function whmRecords(list: readonly WhmTokenConfig[] | undefined): WhmTokenRecord[] {
  return (list ?? []).map((r) => {
    const rec: WhmTokenRecord = { name: r.name, digest: r.digest ?? digestWhmToken(r.token!) };
    return { ...rec, ...(r.acls ? { acls: r.acls } : {}), ...(r.expiresAt !== undefined ? { expiresAt: r.expiresAt } : {}), ...(r.whitelistIps ? { whitelistIps: r.whitelistIps } : {}) };
  });
}

/** HostKey session records (digests only) from the config form. */
export function hostKeyRecords(list: readonly HostKeySessionConfig[] | undefined): HostKeySessionRecord[] {
  return (list ?? []).map((r) => {
    if (r.token !== undefined && !HOSTKEY_TOKEN_RE.test(r.token)) throw new InputError(`HostKey session token for "${r.subject}" is not 32 lowercase hex`);
    return { digest: r.digest ?? digestHostKeyToken(r.token!), subject: r.subject, expiresAt: r.expiresAt, createdAt: r.createdAt ?? 0, ip: r.ip ?? null };
  });
}
