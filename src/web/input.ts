/**
 * What a person pastes into the page, taken apart without changing a byte of it: a raw HTTP
 * request (a proxy dump, an `.http` file, `curl -v` output, read by the same parser as
 * `hostsig diagnose --request`), a URL, a path, header lines, or a bare body / query / token.
 * Pure: no DOM, no `node:`, no URL parser that would re-encode.
 */
import { isHostsigError } from '../core/errors.js';
import { base64urlToBytes } from '../core/bytes.js';
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

const isB64url = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 45 || c === 95;

/** The first JWT-shaped run in a paste (`eyJ...` with exactly two dots), in one pass; `undefined` when there is none. */
export function findJwt(text: string): string | undefined {
  let i = 0;
  while (i < text.length) {
    if (!isB64url(text.charCodeAt(i))) {
      i++;
      continue;
    }
    let j = i;
    let dots = 0;
    while (j < text.length && (isB64url(text.charCodeAt(j)) || text.charCodeAt(j) === 46)) {
      if (text.charCodeAt(j) === 46) dots++;
      j++;
    }
    if (dots === 2 && text.startsWith('eyJ', i)) return text.slice(i, j);
    i = j;
  }
  return undefined;
}

/** One decoded part of a token: pretty JSON, else the text, else why it does not decode. */
function decodePart(part: string): string {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(base64urlToBytes(part));
  } catch {
    return '(does not decode as base64url UTF-8)';
  }
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/** A compact JWT's three parts as written, and its header and payload decoded for display. */
export interface JwtView {
  header: string;
  payload: string;
  signature: string;
  headerJson: string;
  payloadJson: string;
}

/** Splits a compact JWT (two dots) for the coloured view; `undefined` for anything else. */
export function jwtView(token: string): JwtView | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const [header, payload, signature] = parts as [string, string, string];
  return { header, payload, signature, headerJson: decodePart(header), payloadJson: decodePart(payload) };
}
