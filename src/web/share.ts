/**
 * The page's share links: `#<scheme>-<mode>&r=<base64url(JSON)>` carries the form's
 * non-secret fields, with every credential inside them (an Authorization value, `token=`,
 * `api_hash=`, a JWT, a `"password"` in JSON, ...) replaced by `<removed>`. Pure: no DOM.
 * Every scan here is one pass over the text (pre-auth input, linear time).
 */
import { base64urlToBytes, bytesToBase64url, bytesToUtf8, utf8ToBytes } from '../core/index.js';

/** The longest hash the page writes or reads. */
export const SHARE_MAX = 8192;
/** What stands where a secret was. */
export const REMOVED = '<removed>';

/** A field or parameter name that names a credential (or something derived from one). */
const SECRET_NAME = /key|token|secret|pass|pin|hash|sig|auth|cookie|session|otp|credential|jwt|bearer|private/i;

/** True when a form field, header or parameter of this name must never be shared. */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

const isB64urlChar = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 45 || c === 95;
const isSpace = (c: number) => c === 32 || c === 9 || c === 10 || c === 13;

/** The end of the JSON string that starts at `i` (a `"`): the index after its closing quote, or the text's end. */
function stringEnd(text: string, i: number): number {
  let j = i + 1;
  while (j < text.length) {
    const c = text.charCodeAt(j);
    if (c === 92) j += 2;
    else if (c === 34) return j + 1;
    else j++;
  }
  return text.length;
}

function skipSpace(text: string, i: number): number {
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  return i;
}

/** A JSON string's value (escapes decoded), or its raw text when it does not parse. */
function jsonName(quoted: string): string {
  try {
    const v: unknown = JSON.parse(quoted);
    return typeof v === 'string' ? v : quoted;
  } catch {
    return quoted;
  }
}

/** `"password": "x"` and `"token": 123` anywhere (JSON or JSON-like): the value becomes `"<removed>"`. */
export function maskJsonSecrets(text: string): string {
  let out = '';
  let from = 0;
  let i = 0;
  while (i < text.length) {
    if (text.charCodeAt(i) !== 34) {
      i++;
      continue;
    }
    const end = stringEnd(text, i);
    const name = jsonName(text.slice(i, end));
    let k = skipSpace(text, end);
    if (k >= text.length || text.charCodeAt(k) !== 58 || !isSecretName(name)) {
      i = end;
      continue;
    }
    k = skipSpace(text, k + 1);
    let v = k;
    if (text.charCodeAt(k) === 34) v = stringEnd(text, k);
    else while (v < text.length && !isSpace(text.charCodeAt(v)) && !',}]'.includes(text[v]!)) v++;
    if (v > k) {
      out += `${text.slice(from, k)}"${REMOVED}"`;
      from = v;
    }
    i = v > k ? v : k;
  }
  return out + text.slice(from);
}

function decodedName(raw: string): string {
  const s = raw.trim().replace(/\+/g, ' ');
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** `name=value` pieces of a line (split at `?`, `&`, `;`): a secret name's value, up to the next space, becomes `<removed>`. */
function maskParams(line: string): string {
  let out = '';
  let start = 0;
  for (let i = 0; i <= line.length; i++) {
    const c = line[i];
    if (i < line.length && c !== '?' && c !== '&' && c !== ';') continue;
    const piece = line.slice(start, i);
    const eq = piece.indexOf('=');
    if (eq > 0 && isSecretName(decodedName(piece.slice(piece.lastIndexOf(' ', eq) + 1, eq)))) {
      // To the piece's end (a + may have become a space), but a request line's " HTTP/1.1" stays.
      const proto = piece.lastIndexOf(' HTTP/');
      const end = proto > eq ? proto : piece.length;
      out += `${piece.slice(0, eq + 1)}${end > eq + 1 ? REMOVED : ''}${piece.slice(end)}`;
    } else out += piece;
    if (i < line.length) out += c;
    start = i + 1;
  }
  return out;
}

/** Every run of base64url characters with two dots that starts `eyJ` (a JWT or JWS) becomes `<removed>`. */
function maskJwts(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (!isB64urlChar(c)) {
      out += text[i];
      i++;
      continue;
    }
    let j = i;
    let dots = 0;
    while (j < text.length && (isB64urlChar(text.charCodeAt(j)) || text.charCodeAt(j) === 46)) {
      if (text.charCodeAt(j) === 46) dots++;
      j++;
    }
    const run = text.slice(i, j);
    out += run.startsWith('eyJ') && dots >= 2 ? REMOVED : run;
    i = j;
  }
  return out;
}

const TOKEN = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;

/** `Name: value` split by index into name, the colon with its blanks, and the value; null when the line is not a header. */
function headerLine(line: string): [string, string, string] | null {
  const colon = line.indexOf(':');
  if (colon <= 0 || !TOKEN.test(line.slice(0, colon))) return null;
  let v = colon + 1;
  while (v < line.length && (line.charCodeAt(v) === 32 || line.charCodeAt(v) === 9)) v++;
  return [line.slice(0, colon), line.slice(colon, v), line.slice(v)];
}
const AUTH_VALUE = /^(whm|cpanel|basic|bearer|digest|token|apikey)([ \t]+)\S/i;

/** One line: a credential header keeps its name (and auth scheme word), a bare `whm user:token` its scheme word, a lone long word goes. */
function maskLine(line: string): string {
  const h = headerLine(line);
  if (h && isSecretName(h[0])) {
    const scheme = /^([A-Za-z][A-Za-z0-9_-]*)[ \t]+\S/.exec(h[2]);
    return `${h[0]}${h[1]}${scheme && /auth/i.test(h[0]) ? `${scheme[1]} ` : ''}${h[2] ? REMOVED : ''}`;
  }
  const bare = AUTH_VALUE.exec(line.trimStart());
  if (bare) return `${line.slice(0, line.length - line.trimStart().length)}${bare[1]} ${REMOVED}`;
  const word = line.trim();
  if (word.length >= 16 && !/[\s:/?&]/.test(word) && !/=[^=]/.test(word)) return line.replace(word, REMOVED);
  return maskParams(line);
}

/**
 * A pasted request (or any shared field) with its credentials replaced by `<removed>`:
 * values of credential headers (Authorization keeps its scheme word), `name=value` pairs whose
 * name names a credential (`token`, `api_hash`, `hash`, `api_key`, `password`, `pin`, ...),
 * such keys in JSON, every JWT, a bare `whm user:token` / `Bearer x` value, and a line that is
 * one long opaque word (a bare token).
 * @param text what the person pasted
 * @returns the text with every credential masked
 * @example
 * ```ts
 * maskSecrets('Authorization: Bearer eyJa.eyJb.c') // => 'Authorization: Bearer <removed>'
 * maskSecrets('action=list&token=3f0c') // => 'action=list&token=<removed>'
 * ```
 */
export function maskSecrets(text: string): string {
  return maskJwts(maskJsonSecrets(text))
    .split('\n')
    .map((l) => (l.endsWith('\r') ? `${maskLine(l.slice(0, -1))}\r` : maskLine(l)))
    .join('\n');
}

/** A form field as the share rule sees it. */
export interface ShareField {
  id: string;
  /** Keys, secrets, tokens, passwords, PINs, records: never shared. */
  secret?: boolean;
}

/** The fields a link may carry: not marked secret and not named like a credential. */
export function shareableFields<F extends ShareField>(fields: readonly F[]): F[] {
  return fields.filter((f) => f.secret !== true && !isSecretName(f.id));
}

/** The link's payload: which form, and its shared values. */
export interface SharePayload {
  form: string;
  values: Map<string, string>;
}

/**
 * The share hash for a form: `#<scheme>-<mode>&r=<base64url(JSON)>`, with only the shareable
 * fields, each masked; `null` when it would be longer than {@link SHARE_MAX}.
 * @param view `<scheme>-<mode>`, e.g. `hostdime-verify`
 * @param form the form's id
 * @param fields the form's fields
 * @param values the form's values by field id
 * @example
 * ```ts
 * shareHash('whm-verify', 'whm-verify', [{ id: 'request' }, { id: 'record', secret: true }], { request: 'Authorization: whm root:TOKEN', record: 'TOKEN' })
 * ```
 */
export function shareHash(view: string, form: string, fields: readonly ShareField[], values: Readonly<Record<string, string>>): string | null {
  const v: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const f of shareableFields(fields)) {
    const value = Object.prototype.hasOwnProperty.call(values, f.id) ? values[f.id] : undefined;
    if (typeof value === 'string' && value !== '') {
      if (value.length > SHARE_MAX) return null;
      v[f.id] = maskSecrets(value);
    }
  }
  const hash = `#${view}&r=${bytesToBase64url(utf8ToBytes(JSON.stringify({ f: form, v })))}`;
  return hash.length > SHARE_MAX ? null : hash;
}

/** What a hash selects: `scheme-mode`, and the shared payload when a valid `r=` is there. */
export interface ParsedHash {
  view: string;
  shared?: SharePayload;
}

const VIEW = /^[a-z]{1,16}-(verify|sign)$/;
const MAX_SHARED_FIELDS = 32;

function payloadOf(r: string): SharePayload | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytesToUtf8(base64urlToBytes(r)));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const { f, v } = parsed as { f?: unknown; v?: unknown };
  if (typeof f !== 'string' || typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const values = new Map<string, string>();
  for (const [k, x] of Object.entries(v)) {
    if (values.size >= MAX_SHARED_FIELDS) break;
    if (typeof x === 'string') values.set(k, x);
  }
  return { form: f, values };
}

/**
 * Reads `#<scheme>-<mode>` and an optional `&r=` payload. `null` for anything else; a hash
 * over {@link SHARE_MAX}, or a payload that is not base64url JSON of `{f, v}`, keeps only the view.
 * Values come back in a Map: a `__proto__` key is just a key.
 * @param hash `location.hash`
 * @example
 * ```ts
 * parseHash('#hostbill-verify') // => { view: 'hostbill-verify' }
 * parseHash('#nonsense') // => null
 * ```
 */
export function parseHash(hash: string): ParsedHash | null {
  const h = hash.startsWith('#') ? hash.slice(1) : hash;
  const amp = h.indexOf('&');
  const view = amp === -1 ? h : h.slice(0, amp);
  if (!VIEW.test(view)) return null;
  const out: ParsedHash = { view };
  if (amp === -1 || h.length > SHARE_MAX) return out;
  for (const part of h.slice(amp + 1).split('&')) {
    if (!part.startsWith('r=')) continue;
    const shared = payloadOf(part.slice(2));
    if (shared) out.shared = shared;
    break;
  }
  return out;
}
