/**
 * Formats a finite double the way PHP's zend_gcvt does: `precision` significant digits
 * (0 = shortest round-trip, PHP's serialize_precision -1), exponent form when the decimal
 * point would sit more than `precision` places right or more than 3 zeros left, `.0` added
 * to a one-digit mantissa (`1.0e+20`). Integral values in fixed form get no fraction.
 * @param x a finite double
 * @param precision significant digits; 0 for the shortest round-trip form
 * @param expChar `e` (json_encode) or `E` (string casts)
 * @example
 * ```ts
 * import { phpFormatDouble } from 'hostsig/core';
 *
 * // json_encode (serialize_precision -1): precision 0, the shortest round-trip form.
 * phpFormatDouble(0.1, 0, 'e') // => '0.1'
 * phpFormatDouble(1e25, 0, 'e') // => '1.0e+25'
 * // A (string) cast or http_build_query (precision 14, 'E').
 * phpFormatDouble(1e15, 14, 'E') // => '1.0E+15'
 * phpFormatDouble(0.1, 17, 'e') // => '0.10000000000000001'
 * ```
 */
export function phpFormatDouble(x: number, precision: number, expChar: 'e' | 'E'): string {
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const neg = x < 0;
  const [mant, expStr] = (precision === 0 ? Math.abs(x).toExponential() : Math.abs(x).toExponential(precision - 1)).split('e') as [string, string];
  let digits = mant.replace('.', '').replace(/0+$/, '');
  if (digits === '') digits = '0';
  const exp = Number(expStr);
  const decpt = exp + 1;
  const limit = precision === 0 ? 17 : precision;
  let s: string;
  if (decpt < -3 || decpt > limit) {
    s = `${digits[0]}.${digits.length > 1 ? digits.slice(1) : '0'}${expChar}${exp < 0 ? '-' : '+'}${Math.abs(exp)}`;
  } else if (decpt <= 0) {
    s = `0.${'0'.repeat(-decpt)}${digits}`;
  } else if (digits.length <= decpt) {
    s = digits + '0'.repeat(decpt - digits.length);
  } else {
    s = `${digits.slice(0, decpt)}.${digits.slice(decpt)}`;
  }
  return neg ? `-${s}` : s;
}
