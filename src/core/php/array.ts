import { typeName } from '../bytes.js';
import { HostsigError } from '../errors.js';

/** A PHP scalar as hostsig models it: JS numbers that are integers are PHP ints. */
export type PhpScalar = string | number | bigint | boolean | null;
/** Any PHP value hostsig handles. */
export type PhpValue = PhpScalar | PhpArray;

/** What callers may pass where params are expected. Top-level arrays are `[key, value]` pairs. */
export type ParamsInput =
  | PhpArray
  | ReadonlyMap<string | number, ParamValue>
  | URLSearchParams
  | ReadonlyArray<readonly [string | number, ParamValue]>
  | { readonly [key: string]: ParamValue };

/** A nested param value: scalars, lists (JS arrays), maps (objects, `Map`s, `PhpArray`s). */
export type ParamValue =
  | PhpScalar
  | PhpArray
  | ReadonlyArray<ParamValue>
  | ReadonlyMap<string | number, ParamValue>
  | { readonly [key: string]: ParamValue };

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;
const MAX_DEPTH = 512;

/**
 * PHP turns a string key that is a canonical decimal integer within int64 into an int key
 * (`"5"` -> 5, but not `"05"`, `"-0"` or `"9223372036854775808"`). Returns the int, or null.
 * @param key a string key
 * @example
 * ```ts
 * import { phpIntKey } from 'hostsig/core';
 *
 * phpIntKey('5') // => 5n
 * phpIntKey('05') // => null
 * phpIntKey('9223372036854775808') // => null
 * ```
 */
export function phpIntKey(key: string): bigint | null {
  if (key.length === 0 || key.length > 20) return null;
  if (!/^(?:0|-?[1-9][0-9]*)$/.test(key)) return null;
  const n = BigInt(key);
  return n >= INT64_MIN && n <= INT64_MAX ? n : null;
}

/**
 * An ordered PHP array: keys keep insertion order (a plain JS object would move integer-like
 * keys to the front), integer-like string keys are normalized as PHP does, and appending
 * follows PHP's next-free-index rule.
 * @example
 * ```ts
 * import { PhpArray } from 'hostsig/core';
 *
 * const a = new PhpArray().set('b', '1').set('5', 'x');
 * a.append('y'); // PHP's next free index: 6
 * [...a.keys()] // => ['b', '5', '6']
 * PhpArray.from({ b: '1', 5: 'x' }).toJS() // => { 5: 'x', b: '1' }
 * PhpArray.from([['b', '1'], ['5', 'x']]).toJS() // => { b: '1', 5: 'x' }
 * ```
 */
export class PhpArray {
  readonly #map = new Map<string, PhpValue>();
  // PHP's nNextFreeElement; null until an int key or an append sets it.
  #next: bigint | null = null;

  /** Number of entries. */
  get size(): number {
    return this.#map.size;
  }

  /** The value at `key` (string or int key). */
  get(key: string | number | bigint): PhpValue | undefined {
    return this.#map.get(normKey(key));
  }

  /** True when `key` (string or int key, normalized as PHP does) is present. */
  has(key: string | number | bigint): boolean {
    return this.#map.has(normKey(key));
  }

  /** Sets `key`; an existing key keeps its position, as in PHP. */
  set(key: string | number | bigint, value: PhpValue): this {
    const k = normKey(key);
    const n = phpIntKey(k);
    if (n !== null && (this.#next === null || n >= this.#next)) this.#next = n < INT64_MAX ? n + 1n : INT64_MAX;
    this.#map.set(k, value);
    return this;
  }

  /** `$a[] = value`. Returns false when PHP would refuse (the next index is taken). */
  append(value: PhpValue): boolean {
    const n = this.#next ?? 0n;
    const k = n.toString();
    if (this.#map.has(k)) return false;
    this.set(k, value);
    return true;
  }

  /** Removes `key`; true when it was present. The next free index does not move back, as in PHP. */
  delete(key: string | number | bigint): boolean {
    return this.#map.delete(normKey(key));
  }

  /** Keys in order, as strings (int keys in decimal). */
  keys(): IterableIterator<string> {
    return this.#map.keys();
  }

  /** The values, in order. */
  values(): IterableIterator<PhpValue> {
    return this.#map.values();
  }

  /** The `[key, value]` pairs, in order; keys as strings. */
  entries(): IterableIterator<[string, PhpValue]> {
    return this.#map.entries();
  }

  /** Same as {@link entries}. */
  [Symbol.iterator](): IterableIterator<[string, PhpValue]> {
    return this.#map.entries();
  }

  /** True when the keys are 0, 1, 2, ... in order: PHP encodes such an array as a JSON list. */
  isList(): boolean {
    let i = 0;
    for (const k of this.#map.keys()) if (k !== String(i++)) return false;
    return true;
  }

  /** A copy without the entries for which `drop` is true. */
  filter(keep: (key: string, value: PhpValue) => boolean): PhpArray {
    const out = new PhpArray();
    for (const [k, v] of this.#map) if (keep(k, v)) out.set(k, v);
    return out;
  }

  /** A copy with `fn` applied to every scalar leaf. */
  mapLeaves(fn: (v: PhpScalar) => PhpScalar): PhpArray {
    const out = new PhpArray();
    for (const [k, v] of this.#map) out.set(k, v instanceof PhpArray ? v.mapLeaves(fn) : fn(v));
    return out;
  }

  /**
   * A plain JS view: lists become arrays, maps become objects with a null prototype
   * (so untrusted keys like `__proto__` are ordinary keys). Integer-like keys lose their order.
   */
  toJS(): unknown {
    if (this.isList()) return [...this.#map.values()].map((v) => (v instanceof PhpArray ? v.toJS() : v));
    const o: Record<string, unknown> = Object.create(null);
    for (const [k, v] of this.#map) o[k] = v instanceof PhpArray ? v.toJS() : v;
    return o;
  }

  /** Builds a PhpArray from any {@link ParamsInput}, validating every value. */
  static from(input: ParamsInput): PhpArray {
    return fromInput(input, 0);
  }
}

function normKey(key: string | number | bigint): string {
  if (typeof key === 'string') return key;
  if (typeof key === 'bigint') return key.toString();
  if (typeof key === 'number' && Number.isSafeInteger(key)) return String(key);
  throw new HostsigError('INVALID_ARGUMENT', `array key must be a string or an integer, got ${typeName(key)}`);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const p = Object.getPrototypeOf(v);
  return p === Object.prototype || p === null;
}

function fromInput(input: unknown, depth: number): PhpArray {
  if (depth > MAX_DEPTH) throw new HostsigError('INVALID_ARGUMENT', 'params nested too deep');
  if (input instanceof PhpArray) return input;
  const out = new PhpArray();
  if (input instanceof Map) {
    for (const [k, v] of input) out.set(normKey(k), toValue(v, depth + 1));
  } else if (typeof URLSearchParams !== 'undefined' && input instanceof URLSearchParams) {
    for (const [k, v] of input) out.set(k, v);
  } else if (Array.isArray(input)) {
    for (const pair of input) {
      if (!Array.isArray(pair) || pair.length !== 2) throw new HostsigError('INVALID_ARGUMENT', 'params array must hold [key, value] pairs');
      out.set(normKey(pair[0]), toValue(pair[1], depth + 1));
    }
  } else if (isPlainObject(input)) {
    for (const k of Object.keys(input)) out.set(k, toValue(input[k], depth + 1));
  } else {
    throw new HostsigError('INVALID_ARGUMENT', `params must be pairs, a Map, URLSearchParams, a PhpArray or a plain object, got ${typeName(input)}`);
  }
  return out;
}

function toValue(v: unknown, depth: number): PhpValue {
  switch (typeof v) {
    case 'string':
    case 'boolean':
    case 'bigint':
      return v;
    case 'number':
      return v;
    case 'object':
      if (v === null) return null;
      if (v instanceof PhpArray) return v;
      if (Array.isArray(v)) {
        if (depth > MAX_DEPTH) throw new HostsigError('INVALID_ARGUMENT', 'params nested too deep');
        const list = new PhpArray();
        for (const item of v) list.append(toValue(item, depth + 1));
        return list;
      }
      return fromInput(v, depth);
    default:
      throw new HostsigError('INVALID_ARGUMENT', `param value of type ${typeName(v)} is not supported`);
  }
}
