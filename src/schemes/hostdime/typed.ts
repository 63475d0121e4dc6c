import type { PhpScalar } from '../../core/php/array.js';
import { phpIntKey } from '../../core/php/array.js';

// Plain decimal only: an exponent, a leading zero, '+' or a space is another spelling of the
// number, which an app's parseInt reads differently (`5e1` is 5, `0.5e2` is 0).
const DECIMAL_RE = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?$/;

/**
 * The JSON number a client may have hashed for a form value (`typedNumbers`): a value that is
 * the canonical decimal spelling of a number becomes that number, anything else stays as it
 * is. The official clients (hdcore-php, -whmcs, -js, -rb) hash ints and floats as JSON numbers
 * and send them as plain decimal strings, which is what this accepts and all it accepts.
 * @param v a form value
 * @returns a number (a decimal string for integers beyond 2^53 that PHP holds as int), or `v`
 * @example
 * ```ts
 * import { typedHostDimeValue } from 'hostsig/hostdime';
 *
 * typedHostDimeValue('50') // => 50
 * typedHostDimeValue('1.5') // => 1.5
 * typedHostDimeValue('5e1') // => '5e1'
 * typedHostDimeValue('050') // => '050'
 * typedHostDimeValue('1.50') // => '1.50'
 * ```
 */
export function typedHostDimeValue(v: PhpScalar): PhpScalar {
  if (typeof v !== 'string' || !DECIMAL_RE.test(v)) return v;
  const asInt = phpIntKey(v);
  if (asInt !== null) return Number.isSafeInteger(Number(asInt)) ? Number(asInt) : asInt;
  // A float only where its own shortest spelling is this one: `1.50`, `1.0` or `-0` would
  // verify a hash over another text than the body carries.
  const n = Number(v);
  return Number.isFinite(n) && String(n) === v ? n : v;
}
