import { bytesToUtf8, isBytes } from './bytes.js';
import { HostsigError } from './errors.js';
import { jsonDeeperThan } from './json-depth.js';

/** A JSON object parsed by {@link parseJsonSafe}: null prototype, own keys only. */
export type SafeJsonObject = { readonly [key: string]: SafeJsonValue };
/** Any value {@link parseJsonSafe} returns. */
export type SafeJsonValue = null | boolean | number | string | readonly SafeJsonValue[] | SafeJsonObject;

/** Limits for {@link parseJsonSafe}. */
export interface ParseJsonSafeOptions {
  /** Largest accepted input, in UTF-16 code units or bytes. Default 1 MiB. */
  maxLength?: number;
  /** Deepest accepted nesting. Default 64. */
  maxDepth?: number;
}

/**
 * Parses untrusted JSON into values whose objects have a null prototype, so keys like
 * `__proto__`, `constructor` and `prototype` are plain data and reading a missing key never
 * reaches `Object.prototype`.
 * @param input JSON text or its UTF-8 bytes
 * @param options size and depth limits
 * @throws HostsigError `BODY_MALFORMED` (not JSON, not UTF-8, too deep), `BODY_TOO_LARGE`
 * @example
 * ```ts
 * import { parseJsonSafe } from 'hostsig/core';
 *
 * const v = parseJsonSafe('{"__proto__":{"x":1}}') as Record<string, any>;
 * v['__proto__'].x // => 1
 * Object.getPrototypeOf(v) // => null
 * parseJsonSafe('{"a":1,}') // => throws BODY_MALFORMED
 * ```
 */
export function parseJsonSafe(input: string | Uint8Array, options: ParseJsonSafeOptions = {}): SafeJsonValue {
  const maxLength = options.maxLength ?? 1 << 20;
  const maxDepth = options.maxDepth ?? 64;
  let text: string;
  if (typeof input === 'string') text = input;
  else if (isBytes(input)) {
    if (input.length > maxLength) throw new HostsigError('BODY_TOO_LARGE', 'JSON body is too large', { maxLength });
    try {
      text = bytesToUtf8(input);
    } catch {
      throw new HostsigError('BODY_MALFORMED', 'JSON body is not UTF-8');
    }
  } else throw new HostsigError('BODY_MALFORMED', 'JSON body must be a string or bytes');
  if (text.length > maxLength) throw new HostsigError('BODY_TOO_LARGE', 'JSON body is too large', { maxLength });
  // Before the native parser, which would build every level of `[[[[...` before failing.
  if (jsonDeeperThan(text, maxDepth)) throw new HostsigError('BODY_MALFORMED', `JSON nested deeper than ${maxDepth}`, { maxDepth });
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new HostsigError('BODY_MALFORMED', 'body is not JSON');
  }
  return copy(raw, 0, maxDepth);
}

function copy(v: unknown, depth: number, maxDepth: number): SafeJsonValue {
  if (v === null || typeof v !== 'object') return v as SafeJsonValue;
  if (depth >= maxDepth) throw new HostsigError('BODY_MALFORMED', `JSON nested deeper than ${maxDepth}`, { maxDepth });
  if (Array.isArray(v)) return v.map((x) => copy(x, depth + 1, maxDepth));
  const out = Object.create(null) as Record<string, SafeJsonValue>;
  for (const k of Object.keys(v)) {
    Object.defineProperty(out, k, { value: copy((v as Record<string, unknown>)[k], depth + 1, maxDepth), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/**
 * True for a parsed JSON object (not an array, not null).
 * @param v any value
 * @example
 * ```ts
 * import { isJsonObject, parseJsonSafe } from 'hostsig/core';
 *
 * isJsonObject(parseJsonSafe('{"a":1}')) // => true
 * isJsonObject(parseJsonSafe('[]')) // => false
 * ```
 */
export function isJsonObject(v: unknown): v is SafeJsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Own property of a parsed object, or undefined (never an inherited one).
 * @param o a parsed object
 * @param key the key
 * @example
 * ```ts
 * import { own, parseJsonSafe, type SafeJsonObject } from 'hostsig/core';
 *
 * const o = parseJsonSafe('{"token":"t"}') as SafeJsonObject;
 * own(o, 'token') // => 't'
 * own(o, 'constructor') // => undefined
 * ```
 */
export function own(o: SafeJsonObject, key: string): SafeJsonValue | undefined {
  return Object.prototype.hasOwnProperty.call(o, key) ? o[key] : undefined;
}
