/**
 * `--request FILE`: a raw HTTP request (a `.http` file, a proxy dump, `curl -v` output), read
 * by the one pasted-request parser in src/diagnose/http.ts; here only its refusals become the
 * CLI's input errors (exit 3), and a request is written back out as an `.http` file.
 */
import { isHostsigError } from '../core/errors.js';
import { headerValue, parseHttpRequest as parsePastedRequest, type PastedRequest } from '../diagnose/http.js';
import { InputError } from './args.js';

export type RawHttpRequest = PastedRequest;

/** A header's value by name, case-insensitive: the first one (see diagnose/http.ts). */
export function header(req: { headers: [string, string][] }, name: string): string | undefined {
  return headerValue(req.headers, name);
}

/** Parses a pasted request; what it refuses is an InputError naming why. */
export function parseHttpRequest(text: string): RawHttpRequest {
  try {
    return parsePastedRequest(text);
  } catch (e) {
    if (isHostsigError(e)) throw new InputError(e.message, { cause: e });
    throw e;
  }
}

/** A request written out as an `.http` file / proxy dump (CRLF). */
export function formatHttpRequest(r: { method: string; target: string; headers: [string, string][]; body?: string }): string {
  const head = [`${r.method} ${r.target} HTTP/1.1`, ...r.headers.map(([k, v]) => `${k}: ${v}`)];
  return `${head.join('\r\n')}\r\n\r\n${r.body ?? ''}`;
}
