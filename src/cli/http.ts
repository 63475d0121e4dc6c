/**
 * Parses a raw HTTP request as `curl -v` shows it (`> ` prefixed request lines, `* ` and `< `
 * lines ignored) or as a proxy dump / `.http` file shows it: request line, headers, a blank
 * line, the body. CRLF or LF line ends.
 *
 * The file may come from anywhere (a proxy dump, a bug report), so parsing is linear in its
 * size: every regex here is anchored with no nested or adjacent repetition that could
 * backtrack, and the trailing newlines of a body are trimmed by a loop, not by `(\r?\n)+$`
 * (quadratic on many newlines followed by anything else).
 */
import { InputError } from './args.js';
import { logSafe } from './output.js';

export interface RawHttpRequest {
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
}

export function header(req: { headers: [string, string][] }, name: string): string | undefined {
  const n = name.toLowerCase();
  return req.headers.find(([k]) => k.toLowerCase() === n)?.[1];
}

const REQUEST_LINE = /^([A-Z][A-Z0-9_-]*) (\S+)(?: (HTTP\/[0-9.]+))?$/;

const MAX_HEADERS = 2000;

/** Headers that must appear once: a second one would make the request mean two things. */
const SINGLE_HEADERS = new Map([
  ['authorization', 'Authorization'],
  ['content-length', 'Content-Length'],
]);

/** `s` without its trailing `\n` / `\r\n` line ends (what `/(\r?\n)+$/` removes), in linear time. */
function trimTrailingNewlines(s: string): string {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 0x0a) {
    end--;
    if (end > 0 && s.charCodeAt(end - 1) === 0x0d) end--;
  }
  return s.slice(0, end);
}

/** Refuses a second Authorization or Content-Length rather than silently keeping one of them. */
function checkSingleHeaders(headers: [string, string][]): void {
  const seen = new Set<string>();
  for (const [k] of headers) {
    const n = k.toLowerCase();
    const name = SINGLE_HEADERS.get(n);
    if (name === undefined) continue;
    if (seen.has(n)) throw new InputError(`duplicated header "${name}": the request carries it more than once; keep the one that was sent`);
    seen.add(n);
  }
}

export function parseHttpRequest(text: string): RawHttpRequest {
  const src = text.replace(/^\uFEFF/, '');
  const lines = src.split(/\r?\n/);
  const curl = lines.some((l) => /^> [A-Z]+ \S+ HTTP\//.test(l));
  let head: string[];
  let bodyLines: string[];
  if (curl) {
    // curl -v: the request is the "> " block; a bare ">" ends its headers. curl does not echo
    // the body, so lines after the block that are not curl's own (* < { }) are taken as it.
    const start = lines.findIndex((l) => /^> [A-Z]+ \S+ HTTP\//.test(l));
    head = [];
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
    bodyLines = lines.slice(i).filter((l) => !/^[*<>{}](?: |$)/.test(l));
    while (bodyLines.length && bodyLines[bodyLines.length - 1] === '') bodyLines.pop();
  } else {
    let i = 0;
    while (i < lines.length && lines[i]!.trim() === '') i++;
    // .http files (VS Code / JetBrains) may start with comments.
    while (i < lines.length && /^(#|\/\/)/.test(lines[i]!)) i++;
    const blank = lines.indexOf('', i);
    head = lines.slice(i, blank === -1 ? undefined : blank);
    bodyLines = blank === -1 ? [] : lines.slice(blank + 1);
  }
  const requestLine = head[0]?.trim() ?? '';
  const m = REQUEST_LINE.exec(requestLine);
  if (!m) throw new InputError(`not an HTTP request: the first line should look like "POST /v1/server/list.json HTTP/1.1", got "${logSafe(requestLine, 80)}"`);
  // Node's http server keeps at most 2000 headers (maxHeadersCount): a dump with more is no
  // request a server would have seen, and refusing it keeps the work bounded.
  if (head.length > MAX_HEADERS + 1) throw new InputError(`more than ${MAX_HEADERS} header lines: no HTTP server reads that many`);
  const headers: [string, string][] = [];
  for (const l of head.slice(1)) {
    const c = l.indexOf(':');
    if (c <= 0) throw new InputError(`malformed header line "${logSafe(l, 80)}"`);
    headers.push([l.slice(0, c).trim(), l.slice(c + 1).trim()]);
  }
  checkSingleHeaders(headers);
  let body = bodyLines.join(src.includes('\r\n') ? '\r\n' : '\n');
  const len = header({ headers }, 'content-length');
  const bytes = Buffer.from(body, 'utf8');
  if (len !== undefined && /^[0-9]+$/.test(len) && Number(len) <= bytes.length) {
    body = bytes.subarray(0, Number(len)).toString('utf8');
  } else {
    body = trimTrailingNewlines(body);
  }
  const target = m[2]!;
  let pathAndQuery = target;
  const abs = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(target);
  if (abs) pathAndQuery = target.slice(abs[0].length) || '/';
  const hashAt = pathAndQuery.indexOf('#');
  if (hashAt !== -1) pathAndQuery = pathAndQuery.slice(0, hashAt);
  const q = pathAndQuery.indexOf('?');
  return {
    method: m[1]!,
    target,
    path: q === -1 ? pathAndQuery : pathAndQuery.slice(0, q),
    query: q === -1 ? '' : pathAndQuery.slice(q + 1),
    hasQuery: q !== -1,
    headers,
    body,
  };
}

/** A request written out as an `.http` file / proxy dump (CRLF). */
export function formatHttpRequest(r: { method: string; target: string; headers: [string, string][]; body?: string }): string {
  const head = [`${r.method} ${r.target} HTTP/1.1`, ...r.headers.map(([k, v]) => `${k}: ${v}`)];
  return `${head.join('\r\n')}\r\n\r\n${r.body ?? ''}`;
}
