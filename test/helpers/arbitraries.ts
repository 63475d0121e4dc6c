import fc from 'fast-check';
import { PhpArray, type PhpValue } from '../../src/core/php/array.js';
import { parseStr } from '../../src/core/php/query.js';

/** Characters that break naive signers: the OAuth-style traps, JSON escapes, PHP mangling. */
const TRAPS = ['/', '\\', '"', '+', '%', '&', '=', '[', ']', '.', ' ', '~', '*', "'", '\n', '\t', '\u0000', '\u0001', '\u007f', 'é', '中', '😀', '👩‍💻', '\u2028', '𝄞', ''];

/** Strings mixing ASCII, full Unicode (astral included) and the traps. */
export const anyText = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
  { weight: 3, arbitrary: fc.array(fc.constantFrom(...TRAPS), { maxLength: 6 }).map((a) => a.join('')) },
  { weight: 2, arbitrary: fc.string({ maxLength: 10 }) },
  { weight: 1, arbitrary: fc.constantFrom('5', '05', '-1', '0', '1.5', '__proto__', 'constructor', 'prototype', 'api_key', 'API_KEY', 'apikey') },
);

/** Param names: anything non-empty that survives PHP's name mangling unchanged at the top level. */
export const safeKey = anyText.filter((k) => k.length > 0 && !/^[ ]|[ .[\]\u0000]/.test(k) && !k.startsWith('api_'));

/** Names of nested keys: PHP keeps anything but ']' and NUL inside brackets. */
export const nestedKey = anyText.filter((k) => !/[\]\u0000]/.test(k) && k.length > 0);

/** String-only PHP values (what a form body can carry), nested up to depth 3. */
export const formValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, anyText, tie('list'), tie('map')),
  list: fc.array(tie('value'), { minLength: 1, maxLength: 3 }),
  map: fc.array(fc.tuple(nestedKey, tie('value')), { minLength: 1, maxLength: 3 }).map((pairs) => ({ $map: pairs })),
})).value;

/** Top-level string-valued params as ordered pairs, duplicates allowed. */
export const formParams = fc.array(fc.tuple(safeKey, formValue), { maxLength: 6 });

/** Typed scalars for json_encode: ints, doubles, booleans, null, strings. */
export const typedScalar = fc.oneof(
  anyText,
  fc.integer(),
  fc.constantFrom(0, -1, 2 ** 53 - 1, -(2 ** 53) + 1, 1e15, 1e16, 1e17, 1e20, 1e21, 0.1, 1.5, 1e-5, 0.0001),
  // JSON carries integral doubles between 2^53 and 2^63 to PHP as different ints: keep them out.
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !(Number.isInteger(d) && Math.abs(d) >= 2 ** 53 && Math.abs(d) < 2 ** 63)),
  fc.boolean(),
  fc.constant(null),
);

export const typedValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, typedScalar, tie('list'), tie('map')),
  list: fc.array(tie('value'), { maxLength: 3 }),
  map: fc.array(fc.tuple(nestedKey, tie('value')), { maxLength: 3 }).map((pairs) => ({ $map: pairs })),
})).value;

export const typedParams = fc.array(fc.tuple(anyText, typedValue), { maxLength: 5 });

/** Vector encoding -> PhpArray (lists are JS arrays, maps are {$map: pairs}). */
export function toPhp(pairs: readonly (readonly [string | number, unknown])[]): PhpArray {
  const out = new PhpArray();
  for (const [k, v] of pairs) out.set(k, toPhpValue(v));
  return out;
}

export function toPhpValue(v: unknown): PhpValue {
  if (Array.isArray(v)) {
    const list = new PhpArray();
    for (const x of v) list.append(toPhpValue(x));
    return list;
  }
  if (v !== null && typeof v === 'object' && '$map' in v) return toPhp((v as { $map: [string, unknown][] }).$map);
  return v as PhpValue;
}

/** PhpArray -> the oracle's pair form, keys as strings. */
export function toPairs(a: PhpArray): unknown[] {
  return [...a.entries()].map(([k, v]) => [k, v instanceof PhpArray ? { $map: toPairs(v) } : v]);
}

/** The oracle's pairs with keys normalized to strings, for comparison. */
export function normPairs(p: unknown): unknown {
  if (Array.isArray(p)) return p.map((kv: [unknown, unknown]) => [String(kv[0]), normPairs(kv[1])]);
  if (p !== null && typeof p === 'object' && '$map' in p) return { $map: normPairs((p as { $map: unknown }).$map) };
  return p;
}

/**
 * True when PHP's `$_POST`/`$_GET` of `query` holds fewer values than the query has pairs with
 * a name: two pairs landed on one key (a one-blank index `a[ ]` appends, then `a[0]` overwrites
 * it), so PHP and a reader of the pairs disagree, and a verifier refuses the request as
 * FIELD_DUPLICATE. Signed params of arbitrary shape can do this; PHP itself does not round-trip them.
 */
export function phpMergesPairs(query: string): boolean {
  const pairs = query.split('&').filter((p) => p !== '' && !p.startsWith('='));
  const leaves = (a: PhpArray): number => [...a.values()].reduce<number>((n, v) => n + (v instanceof PhpArray ? Math.max(1, leaves(v)) : 1), 0);
  return leaves(parseStr(query, { maxVars: Infinity })) < pairs.length;
}
