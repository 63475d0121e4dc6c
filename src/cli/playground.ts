/**
 * Serves the built web debugger (`docs/playground/`, made by `npm run build:playground`) for
 * `hostsig serve`: a browser's `GET /` (no query, `Accept: text/html`) redirects to
 * `/playground/`, which serves index.html, style.css and app.js and nothing else. Everything
 * else (API calls, `curl /`, a 6connect `/?...&hash=`) is left to the verifier. Node-only.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';

/** Where the build lives: `<package>/docs/playground/`, from both `src/cli` and `dist/cli`. */
export const PLAYGROUND_DIR = fileURLToPath(new URL('../../docs/playground/', import.meta.url));

// A Map: a name from the URL (`constructor`, `__proto__`, `toString`) never reaches Object.prototype.
const FILES: ReadonlyMap<string, string> = new Map([
  ['index.html', 'text/html; charset=utf-8'],
  ['style.css', 'text/css; charset=utf-8'],
  ['app.js', 'text/javascript; charset=utf-8'],
]);

function notFound(res: ServerResponse): void {
  res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', 'content-length': 10 });
  res.end('not found\n');
}

const CSP = "default-src 'self'; connect-src 'none'; img-src 'self' data:; form-action 'none'; base-uri 'none'; frame-ancestors 'none'";

/** True when the page has been built. */
export function playgroundBuilt(dir = PLAYGROUND_DIR): boolean {
  return existsSync(`${dir}index.html`) && existsSync(`${dir}app.js`);
}

/**
 * Answers a request for the page; false when it is not one (or the page is not built), so the
 * caller routes the request on.
 */
export function servePlayground(req: IncomingMessage, res: ServerResponse, dir = PLAYGROUND_DIR): boolean {
  const method = req.method ?? 'GET';
  if (method !== 'GET' && method !== 'HEAD') return false;
  const target = req.url ?? '/';
  const q = target.indexOf('?');
  const path = q === -1 ? target : target.slice(0, q);
  if (path === '/') {
    if (q !== -1 || !/\btext\/html\b/.test(req.headers.accept ?? '')) return false;
  } else if (path !== '/playground' && !path.startsWith('/playground/')) return false;
  if (!playgroundBuilt(dir)) return false;
  if (path === '/' || path === '/playground') {
    res.writeHead(302, { location: '/playground/', 'content-length': 0 });
    res.end();
    return true;
  }
  const name = path.slice('/playground/'.length) || 'index.html';
  const type = FILES.get(name);
  if (type === undefined) {
    notFound(res);
    return true;
  }
  let body: Buffer;
  try {
    body = readFileSync(`${dir}${name}`);
  } catch {
    // A build without style.css, or a file removed while serving: still a quiet 404.
    notFound(res);
    return true;
  }
  res.writeHead(200, {
    'content-type': type,
    'content-length': body.length,
    'content-security-policy': CSP,
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
  });
  res.end(method === 'HEAD' ? undefined : body);
  return true;
}
