/**
 * gateway.json: read, checked field by field, secrets resolved. Every mistake is a
 * {@link GatewayConfigError} naming the file and the JSON path (`schemes.hostdime.keys.pub`), so
 * the operator finds it without reading the code; unknown fields are mistakes too (a typo in an
 * optional field would otherwise silently fall back to its default).
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { type IpAddress, type IpCidr, parseCidr, parseIpAddress } from '../../core/ip.js';
import { importPublicKey } from '../../rsa/index.js';
import { HOSTKEY_TOKEN_RE, type HostKeyPinRecord } from '../../schemes/hostkey/index.js';
import { checkConfig, type KeysConfig } from '../config.js';

/** A config mistake: exit code 2, the message names the file and the JSON path. */
export class GatewayConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GatewayConfigError';
  }
}

export interface GatewayConfig {
  listen: { host: string; port: number };
  upstream: { url: URL; connectTimeoutMs: number; timeoutMs: number };
  maxBodyBytes: number;
  trustedProxies: IpCidr[];
  metrics: { host: string; port: number } | null;
  redis: { url: string; prefix: string; commandTimeoutMs: number } | null;
  drainTimeoutMs: number;
  /** Longest `X-Hostsig-Params` value forwarded (bytes); over it a verified request is 413. */
  maxParamsHeaderBytes: number;
  schemes: KeysConfig;
  /** HostKey PINs (`schemes.hostkey.pins`): the gateway answers `eq.php` check_pin itself. */
  pins: GatewayPins | null;
}

/** `schemes.hostkey.pins`, checked: records by session subject, the PIN service's limits. */
export interface GatewayPins {
  /** Session subject -> its PIN record (a Map: subjects are names from the config, `__proto__` included). */
  records: Map<string, HostKeyPinRecord>;
  /** Wrong PINs before the lock (createPinService's `maxFailures`). Default 3. */
  maxFailures: number;
  /** The n-th failure waits `min(baseMs * 2^(n-1), maxMs)` (createPinService's `delay`). Default 1000 / 30000. */
  delay: { baseMs: number; maxMs: number };
}

type Obj = Record<string, unknown>;
/** A plain record from untrusted names: defined, never assigned, so `__proto__` is an ordinary key. */
export function ownRecord<T>(entries: Iterable<readonly [string, T]>): Record<string, T> {
  const out = {} as Record<string, T>;
  for (const [k, v] of entries) Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  return out;
}

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A JSON path segment: `.name` for plain names, `["odd name"]` otherwise, `[3]` for indexes. */
function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  const seg = /^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(key) ? key : `[${JSON.stringify(key)}]`;
  return path === '' ? seg : seg.startsWith('[') ? `${path}${seg}` : `${path}.${seg}`;
}

/** Reads and checks one config; `file` is how the config is named in messages. */
class Reader {
  constructor(
    readonly file: string,
    readonly base: string,
  ) {}

  fail(path: string, msg: string): never {
    throw new GatewayConfigError(`${this.file}: ${path === '' ? '' : `${path}: `}${msg}`);
  }

  /** The object at `path`, with only `allowed` fields (and `$comment`). */
  obj(v: unknown, path: string, allowed: readonly string[]): Obj {
    if (!isObj(v)) this.fail(path, 'must be a JSON object');
    for (const k of Object.keys(v)) if (k !== '$comment' && !allowed.includes(k)) this.fail(join(path, k), `unknown field (fields here: ${allowed.join(', ')})`);
    return v;
  }

  str(v: unknown, path: string, nonEmpty = true): string {
    if (typeof v !== 'string' || (nonEmpty && v.length === 0)) this.fail(path, nonEmpty ? 'must be a non-empty string' : 'must be a string');
    return v;
  }

  int(v: unknown, path: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) this.fail(path, `must be an integer ${min}..${max}`);
    return v;
  }

  num(v: unknown, path: string): number {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) this.fail(path, 'must be a non-negative number');
    return v;
  }

  strList(v: unknown, path: string): string[] {
    if (!Array.isArray(v)) this.fail(path, 'must be a list of strings');
    return v.map((s, i) => this.str(s, join(path, i)));
  }

  /** A string, or `{"env": NAME}` / `{"file": path}`; `pem` keeps a file's trailing newline. */
  secret(v: unknown, path: string, pem = false): string {
    if (typeof v === 'string') {
      if (v.length === 0) this.fail(path, 'must be a non-empty string, {"env": NAME} or {"file": PATH}');
      return v;
    }
    const shown = () => JSON.stringify(v);
    if (!isObj(v) || Object.keys(v).length !== 1 || !(typeof v.env === 'string' || typeof v.file === 'string')) this.fail(path, 'must be a string, {"env": NAME} or {"file": PATH}');
    if (typeof v.env === 'string') {
      const val = process.env[v.env];
      if (val === undefined) this.fail(path, `${shown()}: environment variable ${v.env} is not set`);
      if (val === '') this.fail(path, `${shown()}: environment variable ${v.env} is empty`);
      return val;
    }
    const f = v.file as string;
    let text: string;
    try {
      text = readFileSync(isAbsolute(f) ? f : resolve(this.base, f), 'utf8');
    } catch (e) {
      this.fail(path, `${shown()}: cannot read the file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    const val = pem ? text : withoutTrailingNewlines(text);
    if (val.length === 0) this.fail(path, `${shown()}: the file is empty`);
    return val;
  }

  /** A map of names to secrets (keys, passwords). */
  secretMap(v: unknown, path: string): Record<string, string> {
    if (!isObj(v)) this.fail(path, 'must be a JSON object mapping names to secrets');
    return ownRecord(Object.entries(v).map(([k, s]) => [k, this.secret(s, join(path, k))]));
  }
}

const TOP = ['listen', 'upstream', 'maxBodyBytes', 'maxParamsHeaderBytes', 'trustedProxies', 'metrics', 'redis', 'drainTimeoutMs', 'schemes'] as const;
const SCHEMES = ['hostdime', 'sixconnect', 'hostbill', 'whm', 'hostkey'] as const;

function address(r: Reader, v: unknown, path: string, dflt: { host: string; port: number }): { host: string; port: number } {
  if (v === undefined) return dflt;
  const o = r.obj(v, path, ['host', 'port']);
  return { host: o.host === undefined ? dflt.host : r.str(o.host, join(path, 'host')), port: o.port === undefined ? dflt.port : r.int(o.port, join(path, 'port'), 0, 65535) };
}

function upstream(r: Reader, v: unknown): GatewayConfig['upstream'] {
  if (v === undefined) r.fail('upstream', 'is required ({"url": "http://127.0.0.1:9000"})');
  const o = r.obj(v, 'upstream', ['url', 'connectTimeoutMs', 'timeoutMs']);
  const text = r.str(o.url, 'upstream.url');
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    r.fail('upstream.url', `${JSON.stringify(text)} is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') r.fail('upstream.url', 'must be an http: or https: URL');
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') r.fail('upstream.url', 'must have no query, fragment or credentials');
  return {
    url,
    connectTimeoutMs: o.connectTimeoutMs === undefined ? 2000 : r.int(o.connectTimeoutMs, 'upstream.connectTimeoutMs', 1),
    timeoutMs: o.timeoutMs === undefined ? 30000 : r.int(o.timeoutMs, 'upstream.timeoutMs', 1),
  };
}

/** An IP or a CIDR as a range (an address is its own /32 or /128). */
export function proxyRange(text: string): IpCidr {
  if (text.includes('/')) return parseCidr(text);
  const a: IpAddress = parseIpAddress(text);
  return { family: a.family, network: a.value, prefix: 128 };
}

function trusted(r: Reader, v: unknown): IpCidr[] {
  if (v === undefined) return [];
  return r.strList(v, 'trustedProxies').map((s, i) => {
    try {
      return proxyRange(s);
    } catch {
      return r.fail(join('trustedProxies', i), `${JSON.stringify(s)} is not an IP address or CIDR range`);
    }
  });
}

function redis(r: Reader, v: unknown): GatewayConfig['redis'] {
  if (v === undefined) return null;
  const o = r.obj(v, 'redis', ['url', 'prefix', 'commandTimeoutMs']);
  const url = r.str(o.url, 'redis.url');
  if (!/^rediss?:\/\//.test(url)) r.fail('redis.url', 'must be a redis:// or rediss:// URL');
  return { url, prefix: o.prefix === undefined ? 'hostsig:' : r.str(o.prefix, 'redis.prefix', false), commandTimeoutMs: o.commandTimeoutMs === undefined ? 250 : r.int(o.commandTimeoutMs, 'redis.commandTimeoutMs', 1) };
}

function strOrList(r: Reader, v: unknown, path: string): string | string[] {
  return Array.isArray(v) ? r.strList(v, path) : r.str(v, path);
}

function hostdime(r: Reader, v: unknown, p: string): NonNullable<KeysConfig['hostdime']> {
  const o = r.obj(v, p, ['keys', 'toleranceSec', 'dialects']);
  const out: NonNullable<KeysConfig['hostdime']> = { keys: r.secretMap(o.keys, join(p, 'keys')) };
  if (o.toleranceSec !== undefined) out.toleranceSec = r.int(o.toleranceSec, join(p, 'toleranceSec'), 1);
  if (o.dialects !== undefined) {
    const d = r.strList(o.dialects, join(p, 'dialects'));
    d.forEach((x, i) => (x === 'php' || x === 'js' || x === 'ruby' ? null : r.fail(join(join(p, 'dialects'), i), 'must be php, js or ruby')));
    out.dialects = d as ('php' | 'js' | 'ruby')[];
  }
  return out;
}

function sixconnect(r: Reader, v: unknown, p: string): NonNullable<KeysConfig['sixconnect']> {
  const o = r.obj(v, p, ['keys', 'time', 'toleranceSec']);
  const out: NonNullable<KeysConfig['sixconnect']> = { keys: r.secretMap(o.keys, join(p, 'keys')) };
  if (o.time !== undefined) {
    if (typeof o.time !== 'boolean') r.fail(join(p, 'time'), 'must be true or false');
    out.time = o.time;
  }
  if (o.toleranceSec !== undefined) out.toleranceSec = r.int(o.toleranceSec, join(p, 'toleranceSec'), 1);
  return out;
}

/** The issuer key: PEM/JWK text, a path (relative to the config), or a secret reference. */
function publicKey(r: Reader, v: unknown, p: string): string {
  let text = r.secret(v, p, true);
  if (typeof v === 'string' && !/-----BEGIN |^\s*\{/.test(v)) text = r.secret({ file: v }, p, true);
  try {
    importPublicKey(text);
  } catch (e) {
    r.fail(p, `not a usable RSA public key: ${(e as Error).message}`);
  }
  return text;
}

function hostbill(r: Reader, v: unknown, p: string): NonNullable<KeysConfig['hostbill']> {
  const o = r.obj(v, p, ['publicKey', 'issuer', 'audience', 'clockTolerance', 'basic']);
  if (o.publicKey === undefined && o.basic === undefined) r.fail(p, 'needs "publicKey" (Bearer) or "basic" (users)');
  const out: NonNullable<KeysConfig['hostbill']> = {};
  if (o.publicKey !== undefined) out.publicKey = publicKey(r, o.publicKey, join(p, 'publicKey'));
  if (o.issuer !== undefined) out.issuer = strOrList(r, o.issuer, join(p, 'issuer'));
  if (o.audience !== undefined) out.audience = strOrList(r, o.audience, join(p, 'audience'));
  if (o.clockTolerance !== undefined) out.clockTolerance = r.num(o.clockTolerance, join(p, 'clockTolerance'));
  if (o.basic !== undefined) out.basic = r.secretMap(o.basic, join(p, 'basic'));
  return out;
}

type WhmList = NonNullable<NonNullable<KeysConfig['whm']>['tokens']>;

function whmTokens(r: Reader, v: unknown, p: string): WhmList {
  if (!isObj(v)) r.fail(p, 'must map users to lists of {name, token|digest, expiresAt?, whitelistIps?, acls?}');
  const entries: [string, WhmList[string]][] = [];
  for (const [user, list] of Object.entries(v)) {
    const lp = join(p, user);
    if (!Array.isArray(list)) r.fail(lp, 'must be a list of {name, token|digest, expiresAt?, whitelistIps?, acls?}');
    const recs = list.map((t, i) => {
      const ip = join(lp, i);
      const o = r.obj(t, ip, ['name', 'token', 'digest', 'acls', 'expiresAt', 'whitelistIps']);
      if ((o.token === undefined) === (o.digest === undefined)) r.fail(ip, 'needs exactly one of "token" and "digest"');
      const rec: WhmList[string][number] = { name: r.str(o.name, join(ip, 'name')) };
      if (o.token !== undefined) rec.token = r.secret(o.token, join(ip, 'token'));
      if (o.digest !== undefined && !/^[0-9a-f]{64}$/.test(r.str(o.digest, join(ip, 'digest')))) r.fail(join(ip, 'digest'), 'must be 64 lowercase hex (SHA-256 of the token)');
      if (o.digest !== undefined) rec.digest = o.digest as string;
      if (o.acls !== undefined) rec.acls = r.strList(o.acls, join(ip, 'acls'));
      if (o.expiresAt !== undefined) rec.expiresAt = o.expiresAt === null ? null : r.num(o.expiresAt, join(ip, 'expiresAt'));
      if (o.whitelistIps !== undefined) {
        rec.whitelistIps = r.strList(o.whitelistIps, join(ip, 'whitelistIps'));
        rec.whitelistIps.forEach((s, j) => {
          try {
            proxyRange(s);
          } catch {
            r.fail(join(join(ip, 'whitelistIps'), j), `${JSON.stringify(s)} is not an IP address or CIDR range`);
          }
        });
      }
      return rec;
    });
    entries.push([user, recs]);
  }
  return ownRecord(entries);
}

function whm(r: Reader, v: unknown, p: string): NonNullable<KeysConfig['whm']> {
  const o = r.obj(v, p, ['tokens', 'cpanelTokens']);
  if (o.tokens === undefined && o.cpanelTokens === undefined) r.fail(p, 'needs "tokens" or "cpanelTokens"');
  return { ...(o.tokens !== undefined ? { tokens: whmTokens(r, o.tokens, join(p, 'tokens')) } : {}), ...(o.cpanelTokens !== undefined ? { cpanelTokens: whmTokens(r, o.cpanelTokens, join(p, 'cpanelTokens')) } : {}) };
}

/** `apiKeys`: `{KEY: subject}`, or `[{"key": KEY|{"env"}|{"file"}, "subject": s}]` (a key from the environment cannot be a JSON name). */
function apiKeys(r: Reader, v: unknown, p: string): Record<string, string> {
  const out = new Map<string, string>();
  if (Array.isArray(v)) {
    v.forEach((e, i) => {
      const o = r.obj(e, join(p, i), ['key', 'subject']);
      out.set(r.secret(o.key, join(join(p, i), 'key')), r.str(o.subject, join(join(p, i), 'subject')));
    });
  } else {
    if (!isObj(v)) r.fail(p, 'must map API keys to subjects, or be a list of {key, subject}');
    // The names here are the API keys themselves: a message names the entry, never the key.
    Object.entries(v).forEach(([k, s], i) => {
      const at = `${p}[entry ${i + 1}, key not shown]`;
      if (k === '') r.fail(at, 'an API key must not be empty');
      out.set(k, r.str(s, at));
    });
  }
  return ownRecord(out);
}

function hostkey(r: Reader, v: unknown, p: string): NonNullable<KeysConfig['hostkey']> {
  const o = r.obj(v, p, ['sessions', 'apiKeys', 'ttl', 'pins']);
  const out: NonNullable<KeysConfig['hostkey']> = {};
  if (o.apiKeys !== undefined) out.apiKeys = apiKeys(r, o.apiKeys, join(p, 'apiKeys'));
  if (o.ttl !== undefined) out.ttl = r.int(o.ttl, join(p, 'ttl'), 1);
  if (o.sessions !== undefined) {
    if (!Array.isArray(o.sessions)) r.fail(join(p, 'sessions'), 'must be a list of {token|digest, subject, expiresAt, ip?}');
    out.sessions = o.sessions.map((s, i) => {
      const sp = join(join(p, 'sessions'), i);
      const so = r.obj(s, sp, ['token', 'digest', 'subject', 'expiresAt', 'createdAt', 'ip']);
      if ((so.token === undefined) === (so.digest === undefined)) r.fail(sp, 'needs exactly one of "token" and "digest"');
      const rec: NonNullable<NonNullable<KeysConfig['hostkey']>['sessions']>[number] = { subject: r.str(so.subject, join(sp, 'subject')), expiresAt: r.num(so.expiresAt, join(sp, 'expiresAt')) };
      if (so.token !== undefined) {
        rec.token = r.secret(so.token, join(sp, 'token'));
        if (!HOSTKEY_TOKEN_RE.test(rec.token)) r.fail(join(sp, 'token'), 'must be 32 lowercase hex characters');
      }
      if (so.digest !== undefined) rec.digest = r.str(so.digest, join(sp, 'digest'));
      if (so.createdAt !== undefined) rec.createdAt = r.num(so.createdAt, join(sp, 'createdAt'));
      if (so.ip !== undefined) rec.ip = so.ip === null ? null : r.str(so.ip, join(sp, 'ip'));
      return rec;
    });
  }
  return out;
}

const HEX = /^[0-9a-f]+$/;

/** A PIN record as hashHostKeyPin makes it (JSON text), checked as verifyHostKeyPinHash will read it. */
function pinRecord(r: Reader, v: unknown, p: string): HostKeyPinRecord {
  const text = r.secret(v, p);
  const shape = 'a PIN record {"alg":"scrypt","N","r","p","dkLen","salt","hash"} as JSON text (hashHostKeyPin, or the web debugger\'s "PIN record")';
  let rec: unknown;
  try {
    rec = JSON.parse(text);
  } catch {
    r.fail(p, `not JSON: must be ${shape}`);
  }
  if (!isObj(rec)) r.fail(p, `must be ${shape}`);
  const { alg, N, r: bs, p: par, dkLen, salt, hash } = rec;
  const int = (x: unknown, lo: number, hi: number) => typeof x === 'number' && Number.isSafeInteger(x) && x >= lo && x <= hi;
  if (alg !== 'scrypt') r.fail(p, `"alg" must be "scrypt": must be ${shape}`);
  if (!int(N, 2, 2 ** 22) || ((N as number) & ((N as number) - 1)) !== 0) r.fail(p, '"N" must be a power of two, 2..2^22');
  if (!int(bs, 1, 32)) r.fail(p, '"r" must be an integer 1..32');
  if (!int(par, 1, 16)) r.fail(p, '"p" must be an integer 1..16');
  if (!int(dkLen, 16, 64)) r.fail(p, '"dkLen" must be an integer 16..64');
  if (typeof salt !== 'string' || !HEX.test(salt) || salt.length % 2 !== 0) r.fail(p, '"salt" must be lowercase hex');
  if (typeof hash !== 'string' || !HEX.test(hash) || hash.length !== (dkLen as number) * 2) r.fail(p, '"hash" must be lowercase hex, dkLen bytes');
  return { alg, N: N as number, r: bs as number, p: par as number, dkLen: dkLen as number, salt, hash };
}

/** `schemes.hostkey.pins`: `{"records": {subject: record}, "maxFailures"?, "delay"?: {"baseMs", "maxMs"}}`. */
function pins(r: Reader, v: unknown, p: string): GatewayPins {
  const o = r.obj(v, p, ['records', 'maxFailures', 'delay']);
  const rp = join(p, 'records');
  if (!isObj(o.records)) r.fail(rp, 'must map session subjects to PIN records');
  const records = new Map<string, HostKeyPinRecord>();
  for (const [subject, rec] of Object.entries(o.records)) {
    if (subject === '') r.fail(join(rp, subject), 'a subject must not be empty');
    records.set(subject, pinRecord(r, rec, join(rp, subject)));
  }
  const delay = { baseMs: 1000, maxMs: 30_000 };
  if (o.delay !== undefined) {
    const d = r.obj(o.delay, join(p, 'delay'), ['baseMs', 'maxMs']);
    if (d.baseMs !== undefined) delay.baseMs = r.int(d.baseMs, join(join(p, 'delay'), 'baseMs'), 0, 60_000);
    if (d.maxMs !== undefined) delay.maxMs = r.int(d.maxMs, join(join(p, 'delay'), 'maxMs'), 0, 600_000);
  }
  return { records, maxFailures: o.maxFailures === undefined ? 3 : r.int(o.maxFailures, join(p, 'maxFailures'), 1, 1000), delay };
}

function schemes(r: Reader, v: unknown): KeysConfig {
  if (v === undefined) r.fail('schemes', `is required: at least one of ${SCHEMES.join(', ')}`);
  const o = r.obj(v, 'schemes', SCHEMES);
  const out: KeysConfig = {};
  if (o.hostdime !== undefined) out.hostdime = hostdime(r, o.hostdime, 'schemes.hostdime');
  if (o.sixconnect !== undefined) out.sixconnect = sixconnect(r, o.sixconnect, 'schemes.sixconnect');
  if (o.hostbill !== undefined) out.hostbill = hostbill(r, o.hostbill, 'schemes.hostbill');
  if (o.whm !== undefined) out.whm = whm(r, o.whm, 'schemes.whm');
  if (o.hostkey !== undefined) out.hostkey = hostkey(r, o.hostkey, 'schemes.hostkey');
  if (Object.keys(out).length === 0) r.fail('schemes', `configure at least one of ${SCHEMES.join(', ')}`);
  // serve's own checks on top (same shapes): one source of truth for what a keys config is.
  try {
    return checkConfig(out, r.base, `${r.file}: schemes`);
  } catch (e) {
    return r.fail('schemes', (e as Error).message);
  }
}

/** Checks a parsed gateway.json; `file` names it in messages, `base` resolves its relative paths. */
export function checkGatewayConfig(raw: unknown, file: string, base: string): GatewayConfig {
  const r = new Reader(file, base);
  const o = r.obj(raw, '', TOP);
  const cfg: GatewayConfig = {
    listen: address(r, o.listen, 'listen', { host: '127.0.0.1', port: 8080 }),
    upstream: upstream(r, o.upstream),
    maxBodyBytes: o.maxBodyBytes === undefined ? 1048576 : r.int(o.maxBodyBytes, 'maxBodyBytes', 1),
    trustedProxies: trusted(r, o.trustedProxies),
    metrics: o.metrics === undefined ? null : address(r, o.metrics, 'metrics', { host: '127.0.0.1', port: 9464 }),
    redis: redis(r, o.redis),
    drainTimeoutMs: o.drainTimeoutMs === undefined ? 10000 : r.int(o.drainTimeoutMs, 'drainTimeoutMs', 0),
    maxParamsHeaderBytes: o.maxParamsHeaderBytes === undefined ? 8000 : r.int(o.maxParamsHeaderBytes, 'maxParamsHeaderBytes', 0, 65536),
    schemes: schemes(r, o.schemes),
    pins: null,
  };
  // PINs stay out of the keys config (serve's checkConfig does not know them).
  const hk = isObj(o.schemes) && isObj(o.schemes.hostkey) ? o.schemes.hostkey : null;
  if (hk && hk.pins !== undefined) cfg.pins = pins(r, hk.pins, 'schemes.hostkey.pins');
  return cfg;
}

/** Reads gateway.json from disk: unreadable or not JSON is a config error too. */
export function loadGatewayConfig(path: string): GatewayConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new GatewayConfigError(`${path}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new GatewayConfigError(`${path}: not JSON: ${(e as Error).message}`);
  }
  return checkGatewayConfig(raw, path, dirname(resolve(path)));
}

/** `s` without its trailing CR/LF run (an index scan: `/[\r\n]+$/` backtracks on long runs). */
function withoutTrailingNewlines(s: string): string {
  let end = s.length;
  while (end > 0 && (s.charCodeAt(end - 1) === 10 || s.charCodeAt(end - 1) === 13)) end--;
  return s.slice(0, end);
}
