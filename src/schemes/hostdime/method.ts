import { HostsigError } from '../../core/errors.js';
import { pathEnd } from '../../core/uri.js';

const METHOD_RE = /^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*$/;

/** Response formats HostDime serves. */
export type HostDimeFormat = 'json' | 'xml' | 'yml';

/**
 * True for a dotted HostDime method name such as `domain.forwarder.add`.
 * @param method any value
 * @example
 * ```ts
 * import { isHostDimeMethod } from 'hostsig/hostdime';
 *
 * isHostDimeMethod('domain.forwarder.add') // => true
 * isHostDimeMethod('domain/list') // => false
 * ```
 */
export function isHostDimeMethod(method: unknown): method is string {
  return typeof method === 'string' && method.length <= 200 && METHOD_RE.test(method);
}

/**
 * The request path of a method: `domain.forwarder.add` -> `/v1/domain/forwarder/add.json`.
 * @param method dotted method name
 * @param format response format, default `json`
 * @throws HostsigError `INVALID_ARGUMENT` for a method that is not dotted words.
 * @example
 * ```ts
 * import { hostDimeMethodToPath } from 'hostsig/hostdime';
 *
 * hostDimeMethodToPath('domain.forwarder.add') // => '/v1/domain/forwarder/add.json'
 * hostDimeMethodToPath('server.list', 'xml') // => '/v1/server/list.xml'
 * hostDimeMethodToPath('server list') // => throws INVALID_ARGUMENT
 * ```
 */
export function hostDimeMethodToPath(method: string, format: HostDimeFormat = 'json'): string {
  if (!isHostDimeMethod(method)) throw new HostsigError('INVALID_ARGUMENT', '"method" must be dotted words like "server.list"');
  if (format !== 'json' && format !== 'xml' && format !== 'yml') throw new HostsigError('INVALID_ARGUMENT', '"format" must be json, xml or yml');
  return `/v1/${method.split('.').join('/')}.${format}`;
}

/**
 * The method named by a request path: `/v1/server/list.json` -> `server.list`. A query string
 * or fragment is ignored; a prefix before `/v1/` (a mount point) is allowed.
 * Returns null when the path names no method.
 * @param path the request path (a query or fragment is ignored)
 * @example
 * ```ts
 * import { hostDimePathToMethod } from 'hostsig/hostdime';
 *
 * hostDimePathToMethod('/api/v1/server/list.json?x=1') // => { method: 'server.list', format: 'json' }
 * hostDimePathToMethod('/v2/server/list') // => null
 * ```
 */
export function hostDimePathToMethod(path: string): {
  /** The dotted method, e.g. `server.list`. */
  method: string;
  /** The response format the path's extension names. */
  format: HostDimeFormat;
} | null {
  if (typeof path !== 'string') return null;
  const end = pathEnd(path);
  const dot = path.lastIndexOf('.', end - 1);
  if (dot === -1) return null;
  const format = path.slice(dot + 1, end);
  if (format !== 'json' && format !== 'xml' && format !== 'yml') return null;
  // Index scans, no regex: `/v1/` may stand anywhere (a mount point), and an unanchored
  // pattern would retry from every `/v1/` of a hostile path. Walk back over [A-Za-z0-9_/-]
  // to where the method part could start, noting the last `//` (no empty segment after /v1/).
  let from = dot;
  let lastDouble = -1;
  while (from > 0) {
    const c = path.charCodeAt(from - 1);
    if (!(wordChar(c) || c === 0x2f)) break;
    if (c === 0x2f && path.charCodeAt(from) === 0x2f && lastDouble === -1) lastDouble = from - 1;
    from--;
  }
  if (dot === 0 || !wordChar(path.charCodeAt(dot - 1))) return null;
  // The leftmost `/v1/` whose rest is words joined by single slashes, as the regex it replaces
  // (`\/v1\/(\w+(?:\/\w+)*)\.(json|xml|yml)$` over [A-Za-z0-9_-]) matched.
  for (let p = path.indexOf('/v1/', from); p !== -1 && p + 4 < dot; p = path.indexOf('/v1/', p + 1)) {
    if (p + 4 > lastDouble && path.charCodeAt(p + 4) !== 0x2f) {
      return { method: path.slice(p + 4, dot).split('/').join('.'), format };
    }
  }
  return null;
}

/** [A-Za-z0-9_-]: a method word's characters, and the form names the fast scan takes as they are. Internal. */
export function wordChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f || c === 0x2d;
}
