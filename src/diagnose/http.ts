/**
 * The one parser for a pasted HTTP request, for `hostsig diagnose|verify --request` and the web
 * page alike: a proxy dump or an `.http` file (VS Code / JetBrains: comment lines may come
 * first) shows the request line, the headers, a blank line and the body; `curl -v` output shows
 * the request as `> ` lines among its own `* `, `< `, `{ `, `} ` lines. CRLF or LF line ends.
 *
 * One rule for repeated headers, node:http's (the server `hostsig serve` runs on): the first of
 * two equal headers is the one read, and a second `Authorization` or `Content-Length` is
 * refused, since a request with two would mean two things.
 *
 * The text may come from anywhere (a bug report, a proxy), so parsing is linear in its size:
 * every regex here is anchored with no nested or adjacent repetition that could backtrack, and
 * the trailing newlines of a body are trimmed by a loop, not by `(\r?\n)+$` (quadratic on many
 * newlines followed by anything else).
 */
import { HostsigError, type HostsigErrorCode } from '../core/errors.js';
import { logSafe } from './safe-text.js';

/** A pasted request, its bytes as they were (nothing re-encoded). */
export interface PastedRequest {
  method: string;
  /** The request target as written (origin form `/a?b` or absolute `https://h/a?b`). */
  target: string;
  /** The path without the query. */
  path: string;
  /** The raw query after `?` (no fragment), or '' when there is none. */
  query: string;
  /** True when the target had a `?`. */
  hasQuery: boolean;
  headers: [string, string][];
  body: string;
  /** The host, from an absolute target or else the Host header. */
  host?: string;
}

/** Node's http server keeps at most 2000 headers (maxHeadersCount): a paste with more is no request a server saw. */
export const MAX_HEADER_LINES = 2000;

const REQUEST_LINE = /^([A-Z][A-Z0-9_-]*) (\S+)(?: HTTP\/[0-9.]+)?$/;
const CURL_REQUEST_LINE = /^> [A-Z]+ \S+ HTTP\//;
const ABSOLUTE = /^[a-z][a-z0-9+.-]*:\/\/([^/?#\s]*)/i;

/** Headers that must appear once: a second one would make the request mean two things. */
const SINGLE_HEADERS = new Map<string, { name: string; code: HostsigErrorCode }>([
  ['authorization', { name: 'Authorization', code: 'AUTH_HEADER_DUPLICATE' }],
  ['content-length', { name: 'Content-Length', code: 'FIELD_DUPLICATE' }],
]);

/**
 * A header's value by name, case-insensitive: the first one, as node:http keeps the first of
 * two singleton headers (Host, Content-Type, ...).
 */
export function headerValue(headers: readonly [string, string][], name: string): string | undefined {
  const n = name.toLowerCase();
  for (const [k, v] of headers) if (k.toLowerCase() === n) return v;
  return undefined;
}

/** The path, query and host of a request target (origin or absolute form); the fragment dropped. */
export function splitTarget(target: string): { path: string; query?: string; host?: string } {
  let rest = target;
  let host: string | undefined;
  const abs = ABSOLUTE.exec(target);
  if (abs) {
    host = abs[1];
    rest = target.slice(abs[0].length) || '/';
  }
  const hash = rest.indexOf('#');
  if (hash !== -1) rest = rest.slice(0, hash);
  const q = rest.indexOf('?');
  const out: { path: string; query?: string; host?: string } = { path: q === -1 ? rest : rest.slice(0, q) };
  if (q !== -1) out.query = rest.slice(q + 1);
  if (host !== undefined) out.host = host;
  return out;
}

/**
 * `Name: value` lines to pairs (both trimmed), refusing a line without a name and a second
 * Authorization or Content-Length.
 * @throws HostsigError `BODY_MALFORMED` for a line that is not a header or too many lines,
 *   `AUTH_HEADER_DUPLICATE` / `FIELD_DUPLICATE` for a repeated single header
 */
export function parseHeaderLines(lines: readonly string[]): [string, string][] {
  if (lines.length > MAX_HEADER_LINES) throw new HostsigError('BODY_MALFORMED', `more than ${MAX_HEADER_LINES} header lines: no HTTP server reads that many`);
  const headers: [string, string][] = [];
  const seen = new Set<string>();
  for (const l of lines) {
    const c = l.indexOf(':');
    if (c <= 0) throw new HostsigError('BODY_MALFORMED', `malformed header line "${logSafe(l, 80)}"`);
    const name = l.slice(0, c).trim();
    const single = SINGLE_HEADERS.get(name.toLowerCase());
    if (single !== undefined) {
      if (seen.has(single.name)) throw new HostsigError(single.code, `duplicated header "${single.name}": the request carries it more than once; keep the one that was sent`);
      seen.add(single.name);
    }
    headers.push([name, l.slice(c + 1).trim()]);
  }
  return headers;
}

/** The index of the request line: after leading blank and comment (`#`, `//`) lines. */
function requestLineIndex(lines: readonly string[]): number {
  let i = 0;
  while (i < lines.length && (lines[i]!.trim() === '' || lines[i]!.startsWith('#') || lines[i]!.startsWith('//'))) i++;
  return i;
}

/** True when the text reads as an HTTP request (a request line first, or `curl -v` output). */
export function isHttpRequest(text: string): boolean {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  if (lines.some((l) => CURL_REQUEST_LINE.test(l))) return true;
  return REQUEST_LINE.test(lines[requestLineIndex(lines)]?.trim() ?? '');
}

/** Head and body lines of `curl -v` output: the `> ` block (a bare `>` ends it), then the lines that are not curl's own. */
function curlParts(lines: readonly string[], start: number): { head: string[]; bodyLines: string[] } {
  const head: string[] = [];
  let i = start;
  for (; i < lines.length; i++) {
    const l = lines[i]!;
    if (l === '>' || l === '> ') {
      i++;
      break;
    }
    if (!l.startsWith('> ')) break;
    head.push(l.slice(2));
  }
  // curl does not echo the body: the lines after the block that are not curl's are taken as it.
  const bodyLines = lines.slice(i).filter((l) => !/^[*<>{}](?: |$)/.test(l));
  while (bodyLines.length && bodyLines[bodyLines.length - 1] === '') bodyLines.pop();
  return { head, bodyLines };
}

/** Head and body lines of a dump or `.http` file: up to the first blank line, then the rest. */
function plainParts(lines: readonly string[]): { head: string[]; bodyLines: string[] } {
  const i = requestLineIndex(lines);
  let blank = i + 1;
  while (blank < lines.length && lines[blank]!.trim() !== '') blank++;
  return { head: lines.slice(i, blank), bodyLines: lines.slice(blank + 1) };
}

/** `s` without its trailing `\n` / `\r\n` line ends (what `/(\r?\n)+$/` removes), in linear time. */
function trimTrailingNewlines(s: string): string {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 0x0a) {
    end--;
    if (end > 0 && s.charCodeAt(end - 1) === 0x0d) end--;
  }
  return s.slice(0, end);
}

/** The body as a server reads it: cut at a Content-Length it holds, else without trailing line ends. */
function bodyOf(text: string, lines: readonly string[], headers: readonly [string, string][]): string {
  const body = lines.join(text.includes('\r\n') ? '\r\n' : '\n');
  const len = headerValue(headers, 'content-length');
  if (len === undefined || !/^[0-9]+$/.test(len)) return trimTrailingNewlines(body);
  const bytes = new TextEncoder().encode(body);
  return Number(len) <= bytes.length ? new TextDecoder().decode(bytes.subarray(0, Number(len))) : trimTrailingNewlines(body);
}

/**
 * Parses a pasted HTTP request (a dump, an `.http` file or `curl -v` output).
 * @param text the pasted text
 * @throws HostsigError `BODY_MALFORMED` when it is not a request (no request line, a header
 *   line without a colon, more than {@link MAX_HEADER_LINES} headers), `AUTH_HEADER_DUPLICATE`
 *   for a second Authorization, `FIELD_DUPLICATE` for a second Content-Length
 */
export function parseHttpRequest(text: string): PastedRequest {
  const src = text.replace(/^\uFEFF/, '');
  const lines = src.split(/\r?\n/);
  const curl = lines.findIndex((l) => CURL_REQUEST_LINE.test(l));
  const { head, bodyLines } = curl !== -1 ? curlParts(lines, curl) : plainParts(lines);
  const requestLine = head[0]?.trim() ?? '';
  const m = REQUEST_LINE.exec(requestLine);
  if (!m) throw new HostsigError('BODY_MALFORMED', `not an HTTP request: the first line should look like "POST /v1/server/list.json HTTP/1.1", got "${logSafe(requestLine, 80)}"`);
  const headers = parseHeaderLines(head.slice(1));
  const t = splitTarget(m[2]!);
  const host = t.host ?? headerValue(headers, 'host');
  const out: PastedRequest = { method: m[1]!, target: m[2]!, path: t.path, query: t.query ?? '', hasQuery: t.query !== undefined, headers, body: bodyOf(src, bodyLines, headers) };
  if (host !== undefined) out.host = host;
  return out;
}
