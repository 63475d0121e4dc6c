/**
 * What a person pastes into the page, taken apart without changing a byte of it: a raw HTTP
 * request (a proxy dump, an `.http` file, `curl -v` output), a URL, a path, header lines, or a
 * bare body / query / token. Pure: no DOM, no `node:`, no URL parser that would re-encode.
 */

export type PastedKind = 'empty' | 'http' | 'url' | 'path' | 'headers' | 'text';

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
}

const REQUEST_LINE = /^(?:> )?([A-Z][A-Z0-9_-]*) (\S+)(?: HTTP\/[0-9.]+)?$/;
const HEADER_LINE = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+:[ \t]*\S/;
const ABSOLUTE = /^([a-z][a-z0-9+.-]*):\/\/([^/?#\s]*)/i;

/** A header's value by name (case-insensitive), last one wins as most servers do. */
export function headerValue(headers: readonly [string, string][], name: string): string | undefined {
  const n = name.toLowerCase();
  let v: string | undefined;
  for (const [k, x] of headers) if (k.toLowerCase() === n) v = x;
  return v;
}

function splitTarget(target: string): { path: string; query?: string; host?: string } {
  let rest = target;
  let host: string | undefined;
  const abs = ABSOLUTE.exec(target);
  if (abs) {
    host = abs[2];
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

function parseHeaders(lines: string[]): [string, string][] {
  const out: [string, string][] = [];
  for (const l of lines) {
    const c = l.indexOf(':');
    if (c > 0) out.push([l.slice(0, c).trim(), l.slice(c + 1).trim()]);
  }
  return out;
}

/**
 * Takes a paste apart. Bodies keep their bytes (only trailing line ends are dropped, and a
 * Content-Length shorter than the text cuts it, as a server would); a URL's query is kept
 * as typed, spaces and all, so a `+` that became a space stays visible.
 */
export function parsePasted(input: string): Pasted {
  const text = input.replace(/^\uFEFF/, '');
  const trimmed = text.trim();
  if (trimmed === '') return { kind: 'empty', headers: [], body: '' };
  const lines = text.replace(/^\s+/, '').split(/\r?\n/);
  const first = lines[0]!.trim();

  // A one-line URL may contain spaces (a hash whose + became a space): take the whole line.
  if (ABSOLUTE.test(first) && lines.filter((l) => l.trim() !== '').length === 1) {
    const t = splitTarget(first);
    return { kind: 'url', ...t, headers: [], body: '' };
  }

  const curl = lines.findIndex((l) => /^> [A-Z]+ \S+ HTTP\//.test(l));
  const m = REQUEST_LINE.exec(curl === -1 ? first : lines[curl]!.trim());
  if (m) {
    let head: string[];
    let bodyLines: string[];
    if (curl !== -1) {
      let i = curl + 1;
      head = [];
      for (; i < lines.length && lines[i]!.startsWith('> '); i++) head.push(lines[i]!.slice(2));
      bodyLines = lines.slice(i).filter((l) => !/^[*<>{}](?: |$)/.test(l));
    } else {
      const blank = lines.findIndex((l, i) => i > 0 && l.trim() === '');
      head = lines.slice(1, blank === -1 ? undefined : blank);
      bodyLines = blank === -1 ? [] : lines.slice(blank + 1);
    }
    const headers = parseHeaders(head);
    let body = trimTrailingNewlines(bodyLines.join(text.includes('\r\n') ? '\r\n' : '\n'));
    const len = headerValue(headers, 'content-length');
    if (len !== undefined && /^[0-9]+$/.test(len)) {
      const bytes = new TextEncoder().encode(body);
      if (Number(len) < bytes.length) body = new TextDecoder().decode(bytes.subarray(0, Number(len)));
    }
    const t = splitTarget(m[2]!);
    const host = t.host ?? headerValue(headers, 'host');
    const out: Pasted = { kind: 'http', method: m[1]!, path: t.path, headers, body };
    if (t.query !== undefined) out.query = t.query;
    if (host !== undefined) out.host = host;
    return out;
  }

  if (first.startsWith('/')) {
    const t = splitTarget(first);
    const rest = lines.slice(1).join('\n').trim();
    return { kind: 'path', ...t, headers: [], body: rest };
  }

  const nonEmpty = lines.filter((l) => l.trim() !== '');
  if (nonEmpty.every((l) => HEADER_LINE.test(l)) && !/^[a-z]+:\/\//i.test(first) && /^[A-Za-z-]+:/.test(first) && !/^[A-Za-z0-9_.-]+=/.test(first)) {
    return { kind: 'headers', headers: parseHeaders(nonEmpty), body: '' };
  }
  return { kind: 'text', headers: [], body: trimmed };
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

/** Without trailing `\n` / `\r\n` runs, by an index scan (`(?:\r?\n)+$` retries from every newline). */
function trimTrailingNewlines(s: string): string {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 0x0a) end -= end > 1 && s.charCodeAt(end - 2) === 0x0d ? 2 : 1;
  return s.slice(0, end);
}
