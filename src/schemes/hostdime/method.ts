import { HostsigError } from '../../core/errors.js';

const METHOD_RE = /^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*$/;
const PATH_RE = /\/v1\/([A-Za-z0-9_-]+(?:\/[A-Za-z0-9_-]+)*)\.(json|xml|yml)$/;

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
export function hostDimePathToMethod(path: string): { method: string; format: HostDimeFormat } | null {
  if (typeof path !== 'string') return null;
  const cut = path.search(/[?#]/);
  const m = PATH_RE.exec(cut === -1 ? path : path.slice(0, cut));
  if (!m) return null;
  return { method: m[1]!.split('/').join('.'), format: m[2] as HostDimeFormat };
}
