/**
 * Serves the built web debugger (`docs/playground/`, made by `npm run build:playground`) for
 * `hostsig serve`: `GET /` redirects to `/playground/`, which serves index.html, style.css and
 * app.js and nothing else. Node-only (the CLI's side of the page).
 */
import { existsSync, readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';

/** Where the build lives: `<package>/docs/playground/`, from both `src/web` and `dist/web`. */
export const PLAYGROUND_DIR = fileURLToPath(new URL('../../docs/playground/', import.meta.url));

const FILES: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'style.css': 'text/css; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
};

const CSP = "default-src 'self'; connect-src 'none'; img-src 'self' data:; form-action 'none'; base-uri 'none'; frame-ancestors 'none'";

/** True when the page has been built. */
export function playgroundBuilt(dir = PLAYGROUND_DIR): boolean {
  return existsSync(`${dir}index.html`) && existsSync(`${dir}app.js`);
}

/**
 * Answers a GET for the page; false when `path` is not the page's (or it is not built), so the
 * caller routes the request on.
 */
export function servePlayground(method: string, path: string, res: ServerResponse, dir = PLAYGROUND_DIR): boolean {
  if (method !== 'GET' && method !== 'HEAD') return false;
  if (path !== '/' && path !== '/playground' && !path.startsWith('/playground/')) return false;
  if (!playgroundBuilt(dir)) return false;
  if (path === '/' || path === '/playground') {
    res.writeHead(302, { location: '/playground/', 'content-length': 0 });
    res.end();
    return true;
  }
  const name = path.slice('/playground/'.length) || 'index.html';
  const type = FILES[name];
  if (type === undefined) {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('not found\n');
    return true;
  }
  const body = readFileSync(`${dir}${name}`);
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
