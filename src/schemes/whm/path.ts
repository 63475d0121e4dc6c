/**
 * The cPanel token path rule, as cpsrvd decides it (`Cpanel/Server/Auth/HTTP.pm`,
 * `handle_cpanel_api_token`, over the document `Cpanel/Server/Request.pm` builds).
 *
 * cpsrvd decodes the path once, folds `//`, `.` and `..`, strips a `/cpsess…/` segment, then
 * matches. hostsig sits in front of servers that may normalise differently (decode twice, split
 * at `;`, treat `\` or `%2f` as `/`), so it decodes once and then refuses every path that any of
 * those normalisations could turn into another path; what is left is matched exactly.
 */

import { hexDigit, pathEnd } from '../../core/uri.js';

/** Why a path was refused; `details.reason` of `PATH_NOT_ALLOWED`. */
export type CpanelPathRefusal =
  | 'not-a-string'
  | 'not-absolute'
  | 'bad-escape'
  | 'encoded-separator'
  | 'forbidden-character'
  | 'double-encoding'
  | 'path-parameter'
  | 'empty-segment'
  | 'dot-segment'
  | 'not-allowed';

/** A path checked by `checkCpanelPath`: the decoded path, or why it was refused. */
export type CpanelPathCheck = { readonly ok: true; readonly path: string } | { readonly ok: false; readonly reason: CpanelPathRefusal };

/** cpsrvd's exact documents (`$doc eq './…'`). */
const EXACT = ['/json-api/cpanel', '/websocket/MysqlDump', '/cpxfer/acctxferrsync', '/cpxfer/dsync'];
/** UAPI: `rindex($doc, './execute/', 0) == 0`; hostsig also wants a function after the `/`. */
const EXECUTE = '/execute/';
/** WP Toolkit: cpsrvd matches `index($doc, './3rdparty/wpt/index.php') == 0`; its REST API is `index.php/v1/…`. */
const WPT = '/3rdparty/wpt/index.php';

const SLASH = 0x2f;
const PERCENT = 0x25;

/** After decoding, only printable ASCII minus the characters some server reads as structure. */
function refusedChar(c: number): CpanelPathRefusal | null {
  if (c < 0x21 || c > 0x7e) return 'forbidden-character'; // controls, NUL, space, DEL, non-ASCII (overlong UTF-8 too)
  if (c === 0x5c || c === 0x3f || c === 0x23) return 'forbidden-character'; // `\`, and `?` `#` that were encoded
  if (c === PERCENT) return 'double-encoding'; // `%25…`: a second decode would see another escape
  if (c === 0x3b) return 'path-parameter'; // `;`: `..;/` is `..` to Tomcat-style servers
  return null;
}

/** Ends a segment of `len` characters, `dots` of them `.`: refuses `//`, `.`, `..` (and `...`, which some servers trim to `..`). */
function refusedSegment(len: number, dots: number, last: boolean): CpanelPathRefusal | null {
  if (len === 0) return last ? null : 'empty-segment'; // a trailing `/` is kept, as cpsrvd does
  if (dots === len) return 'dot-segment';
  return null;
}

/**
 * Decodes a request path once and checks it is already normal, in one pass (linear time, no
 * regular expression). A query string or fragment is cut off first. Refused: a path not
 * starting with `/`; a `%` not followed by two hex digits; an encoded `/` or `\`; after
 * decoding, controls, space, non-ASCII, `\`, `?`, `#`, `%` (double encoding) and `;`; empty
 * segments (`//`) except a trailing `/`; segments of dots only (`.`, `..`, `...`).
 * @param path the raw request path
 */
export function normalizeCpanelPath(path: unknown): CpanelPathCheck {
  if (typeof path !== 'string') return { ok: false, reason: 'not-a-string' };
  const end = pathEnd(path);
  if (end === 0 || path.charCodeAt(0) !== SLASH) return { ok: false, reason: 'not-absolute' };
  // Decoded text is collected as raw slices between escapes plus one character per escape.
  const pieces: string[] = [];
  let copyFrom = 0;
  let segLen = 0;
  let dots = 0;
  for (let i = 1; i < end; i++) {
    let c = path.charCodeAt(i);
    if (c === SLASH) {
      const bad = refusedSegment(segLen, dots, false);
      if (bad) return { ok: false, reason: bad };
      segLen = 0;
      dots = 0;
      continue;
    }
    if (c === PERCENT) {
      const hi = i + 2 < end ? hexDigit(path.charCodeAt(i + 1)) : -1;
      const lo = hi === -1 ? -1 : hexDigit(path.charCodeAt(i + 2));
      if (lo === -1) return { ok: false, reason: 'bad-escape' };
      c = hi * 16 + lo;
      if (c === SLASH || c === 0x5c) return { ok: false, reason: 'encoded-separator' };
      const bad = refusedChar(c);
      if (bad) return { ok: false, reason: bad };
      pieces.push(path.slice(copyFrom, i), String.fromCharCode(c));
      i += 2;
      copyFrom = i + 1;
    } else {
      const bad = refusedChar(c);
      if (bad) return { ok: false, reason: bad };
    }
    segLen++;
    if (c === 0x2e) dots++;
  }
  const bad = refusedSegment(segLen, dots, true);
  if (bad) return { ok: false, reason: bad };
  pieces.push(path.slice(copyFrom, end));
  return { ok: true, path: pieces.join('') };
}

function matchesExtra(p: string, prefix: string): boolean {
  if (typeof prefix !== 'string' || prefix === '') return false;
  return prefix.endsWith('/') ? p.startsWith(prefix) && p.length > prefix.length : p === prefix || p.startsWith(`${prefix}/`);
}

/** True when a decoded, normal path is one a cPanel token may reach. */
function allowedDecoded(p: string, extra: readonly string[]): boolean {
  if (p.startsWith(EXECUTE) && p.length > EXECUTE.length) return true;
  if (EXACT.includes(p)) return true;
  if (p === WPT || p.startsWith(`${WPT}/`)) return true;
  for (const prefix of extra) if (matchesExtra(p, prefix)) return true;
  return false;
}

/**
 * Checks a raw request path against the cPanel token rule: decode once, refuse anything not
 * normal, then match.
 * @param path the raw request path (a query string or fragment is cut off)
 * @param extra further allowed prefixes, matched against the decoded path
 */
export function checkCpanelPath(path: unknown, extra: readonly string[] = []): CpanelPathCheck {
  const n = normalizeCpanelPath(path);
  if (!n.ok) return n;
  return allowedDecoded(n.path, Array.isArray(extra) ? extra : []) ? n : { ok: false, reason: 'not-allowed' };
}

/**
 * True when a cPanel API token may reach `path`, as cpsrvd's `handle_cpanel_api_token`
 * decides: below `/execute/` (UAPI), exactly `/json-api/cpanel` (API 2), `/websocket/MysqlDump`,
 * `/cpxfer/acctxferrsync`, `/cpxfer/dsync`, and `/3rdparty/wpt/index.php` (WP Toolkit, with
 * its `/…` routes), plus `extra` prefixes. The path is percent-decoded once and must then be
 * normal: no dot segments, no `//`, no `;`, no `\`, no controls or non-ASCII, no encoded `/`,
 * no `%` left (double encoding), and no `/cpsess…/` session prefix (tokens carry no session).
 * Matching is case-sensitive. Runs in linear time.
 * @param path the raw request path (a query string or fragment is cut off)
 * @param extra further allowed prefixes (a trailing `/` means "below", none means "this or below")
 * @example
 * ```ts
 * import { cpanelPathAllowed } from 'hostsig/whm';
 *
 * cpanelPathAllowed('/execute/Email/list_pops') // => true
 * cpanelPathAllowed('/json-api/cpanel?cpanel_jsonapi_module=Email') // => true
 * cpanelPathAllowed('/websocket/MysqlDump') // => true
 * cpanelPathAllowed('/execute/../json-api/listaccts') // => false
 * cpanelPathAllowed('/execute/%252e%252e/json-api/listaccts') // => false
 * cpanelPathAllowed('/execute/..;/json-api/listaccts') // => false
 * cpanelPathAllowed('/json-api/cpanel/x') // => false
 * cpanelPathAllowed('/json-api/listaccts') // => false
 * ```
 */
export function cpanelPathAllowed(path: string, extra: readonly string[] = []): boolean {
  return checkCpanelPath(path, extra).ok;
}
