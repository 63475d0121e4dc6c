/**
 * What a person pastes into the page, taken apart without changing a byte of it: a raw HTTP
 * request (a proxy dump, an `.http` file, `curl -v` output, read by the same parser as
 * `hostsig diagnose --request`), a URL, a path, header lines, or a bare body / query / token.
 * Pure: no DOM, no `node:`, no URL parser that would re-encode.
 */
import { isHostsigError } from '../core/errors.js';
import { headerValue, isHttpRequest, parseHeaderLines, parseHttpRequest, type PastedRequest, splitTarget } from '../diagnose/index.js';

export { headerValue };

export type PastedKind = 'empty' | 'http' | 'url' | 'path' | 'headers' | 'text' | 'invalid';

export interface Pasted {
  kind: PastedKind;
  /** HTTP method from a request line. */
  method?: string;
  /** The path without query, from a request line, a URL or a path. */
  path?: string;
  /** The raw query after `?` (no fragment), exactly as pasted. */
  query?: string;
  headers: [string, string][];
  /** The body (HTTP), or the whole text when it is none of the above. */
  body: string;
  /** The host, when a URL or a Host header named one. */
  host?: string;
  /** Why a request or header lines were refused (kind `invalid`): the parser's code and message. */
  error?: { code: string; message: string };
}

const ABSOLUTE_URL = /^[a-z][a-z0-9+.-]*:\/\//i;
const HEADER_LINE = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+:[ \t]*\S/;

function fromRequest(r: PastedRequest): Pasted {
  const out: Pasted = { kind: 'http', method: r.method, path: r.path, headers: r.headers, body: r.body };
  if (r.hasQuery) out.query = r.query;
  if (r.host !== undefined) out.host = r.host;
  return out;
}

/** Lines that are all `Name: value` header lines (and not a URL or a form body). */
function headerLines(lines: string[], first: string): string[] | null {
  const nonEmpty = lines.filter((l) => l.trim() !== '');
  const all = nonEmpty.every((l) => HEADER_LINE.test(l)) && !ABSOLUTE_URL.test(first) && /^[A-Za-z-]+:/.test(first) && !/^[A-Za-z0-9_.-]+=/.test(first);
  return all ? nonEmpty : null;
}

/** The shapes that are not a whole request; the parser's refusals (two Authorization headers) surface as they are. */
function parseShapes(text: string, lines: string[], first: string): Pasted | null {
  if (isHttpRequest(text)) return fromRequest(parseHttpRequest(text));
  if (first.startsWith('/')) return { kind: 'path', ...splitTarget(first), headers: [], body: lines.slice(1).join('\n').trim() };
  const h = headerLines(lines, first);
  return h === null ? null : { kind: 'headers', headers: parseHeaderLines(h), body: '' };
}

/**
 * Takes a paste apart. Bodies keep their bytes (a Content-Length shorter than the text cuts
 * it, as a server would; else only trailing line ends are dropped); a URL's query is kept as
 * typed, spaces and all, so a `+` that became a space stays visible.
 */
export function parsePasted(input: string): Pasted {
  const text = input.replace(/^\uFEFF/, '');
  const trimmed = text.trim();
  if (trimmed === '') return { kind: 'empty', headers: [], body: '' };
  const lines = text.replace(/^\s+/, '').split(/\r?\n/);
  const first = lines[0]!.trim();
  // A one-line URL may contain spaces (a hash whose + became a space): take the whole line.
  if (ABSOLUTE_URL.test(first) && lines.filter((l) => l.trim() !== '').length === 1) return { kind: 'url', ...splitTarget(first), headers: [], body: '' };
  try {
    return parseShapes(text, lines, first) ?? { kind: 'text', headers: [], body: trimmed };
  } catch (e) {
    if (!isHostsigError(e)) throw e;
    return { kind: 'invalid', headers: [], body: '', error: { code: e.code, message: e.message } };
  }
}

/** The query a paste carries: a URL's or request line's, else a bare text that looks like one. */
export function pastedQuery(p: Pasted): string {
  if (p.query !== undefined) return p.query;
  if (p.kind === 'text') return p.body.replace(/^\?/, '');
  return '';
}

/** The form body a paste carries: an HTTP body, else a bare text. */
export function pastedBody(p: Pasted): string {
  if (p.kind === 'http' || p.kind === 'text' || p.kind === 'path') return p.body;
  return '';
}

/** The Authorization value a paste carries: a header line, an HTTP header, or a bare `scheme credentials` text. */
export function pastedAuthorization(p: Pasted): string | undefined {
  const h = headerValue(p.headers, 'authorization');
  if (h !== undefined) return h;
  if (p.kind === 'text' && !p.body.includes('\n')) return p.body;
  return undefined;
}
