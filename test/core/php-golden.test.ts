// Golden outputs printed by PHP 8.2.36 (php-cli, serialize_precision=-1), so these run without PHP.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HostsigError } from '../../src/core/errors.js';
import { httpBuildQuery, parseStr, PhpArray, phpJsonEncode, phpRawurlencode, phpUrlencode } from '../../src/core/php/index.js';
import { typedParams, toPhp } from '../helpers/arbitraries.js';

describe('phpJsonEncode', () => {
  it('formats floats as PHP does (integral JS numbers under 2^63 are PHP ints)', () => {
    const cases: [number, string][] = [
      [0.1, '0.1'], [1e15, '1000000000000000'], [1e17, '100000000000000000'], [1e20, '1.0e+20'], [-1.5, '-1.5'], [1e-4, '0.0001'], [1e-5, '1.0e-5'],
      [0.00012, '0.00012'], [1.5e300, '1.5e+300'], [5e-324, '5.0e-324'], [0.1 + 0.2, '0.30000000000000004'], [2.5e-5, '2.5e-5'],
    ];
    for (const [f, s] of cases) expect(phpJsonEncode(f), String(f)).toBe(s);
  });

  it('escapes strings as PHP does', () => {
    expect(phpJsonEncode(PhpArray.from({ a: 'é/\u007f\u0000\u001f"\\', b: '😀', c: '\u2028' }))).toBe('{"a":"\\u00e9\\/\u007f\\u0000\\u001f\\"\\\\","b":"\\ud83d\\ude00","c":"\\u2028"}');
    expect(phpJsonEncode('\b\f\n\r\t')).toBe('"\\b\\f\\n\\r\\t"');
  });

  it('lists vs objects, with and without JSON_FORCE_OBJECT', () => {
    expect(phpJsonEncode(new PhpArray())).toBe('[]');
    expect(phpJsonEncode(new PhpArray(), { forceObject: true })).toBe('{}');
    expect(phpJsonEncode(new PhpArray().set(1, 'a'))).toBe('{"1":"a"}');
    expect(phpJsonEncode(PhpArray.from([[0, 'a'], [1, 'b']]))).toBe('["a","b"]');
    expect(phpJsonEncode(PhpArray.from({ a: { x: [] } }), { forceObject: true })).toBe('{"a":{"x":{}}}');
    expect(phpJsonEncode(PhpArray.from([[0, [1, 2]]]), { forceObject: true })).toBe('{"0":{"0":1,"1":2}}');
  });

  it('fails with typed errors where PHP fails', () => {
    for (const bad of [NaN, Infinity, '\ud800', 'a\udc00', 2n ** 63n]) {
      expect(() => phpJsonEncode(bad as never)).toThrow(HostsigError);
    }
  });

  it('output is ASCII and JSON.parse gives the strings back', () => {
    fc.assert(
      fc.property(typedParams, (pairs) => {
        let out: string;
        try {
          out = phpJsonEncode(toPhp(pairs), { forceObject: true });
        } catch (e) {
          expect(e).toBeInstanceOf(HostsigError);
          return;
        }
        expect(out).toMatch(/^[\x20-\x7f]*$/);
        const back = JSON.parse(out) as Record<string, unknown>;
        for (const [k, v] of toPhp(pairs).entries()) if (typeof v === 'string') expect(back[k]).toBe(v);
      }),
    );
  });
});

describe('parseStr / httpBuildQuery / urlencode', () => {
  it('mangles names as PHP does', () => {
    const cases: [string, string][] = [
      ['a.b=1&a b=2&a[b.c]=3&foo[bar.baz=4&x[=5&__proto__=6&5=x&a[]=1&a[]=2&z[5]=1&z[]=2&z[-3]=q&z[]=r',
        '{"a_b":"2","a":{"b.c":"3","0":"1","1":"2"},"foo_bar_baz":"4","x_":"5","__proto__":"6","5":"x","z":{"5":"1","6":"2","-3":"q","7":"r"}}'],
      ['+a=1', '{"a":"1"}'], ['a[+b]=1', '{"a":{" b":"1"}}'], ['a[b]xyz=1', '{"a":{"b":"1"}}'], ['a[b][c.d=1', '{"a":{"b":"1"}}'],
      ['%00x=1', '[]'], ['x%00y=2', '{"x":"2"}'], ['a[9223372036854775807]=1&a[]=2', '{"a":{"9223372036854775807":"1"}}'],
      ['a=1&a[x]=2', '{"a":{"x":"2"}}'], ['a[x]=1&a=2', '{"a":"2"}'], ['-0=a&05=b&-5=c&9223372036854775808=d', '{"-0":"a","05":"b","-5":"c","9223372036854775808":"d"}'],
      ['=x&&b&c=', '{"b":"","c":""}'], ['a[%5D=1', '{"a":["1"]}'], ['a]b=1', '{"a]b":"1"}'], ['a%5Bb%5D=1', '{"a":{"b":"1"}}'], ['a[b[c]=1', '{"a":{"b[c":"1"}}'],
      ['a[]]=1', '{"a":["1"]}'], ['%20%20a=1', '{"a":"1"}'], ['a[-3]=q&a[]=r', '{"a":{"-3":"q","-2":"r"}}'], ['a[][b=1', '{"a":["1"]}'],
      ['a[%09]=1&a[%09]=2', '{"a":["1","2"]}'], ['a[%20%20]=1', '{"a":{"  ":"1"}}'], ['a[%00]=1', '{"a_":"1"}'], ['%09a=1', '{"\\ta":"1"}'],
    ];
    for (const [q, json] of cases) expect(phpJsonEncode(parseStr(q)), q).toBe(json.replace(/\//g, '\\/'));
  });

  it('builds queries and urlencodes as PHP does', () => {
    expect(httpBuildQuery(PhpArray.from({ a: [1, 2, { x: true, y: false, n: null }], 'sp ace': 'a b~*', f: 1.5 }))).toBe('a%5B0%5D=1&a%5B1%5D=2&a%5B2%5D%5Bx%5D=1&a%5B2%5D%5By%5D=0&sp+ace=a+b%7E%2A&f=1.5');
    expect(httpBuildQuery(PhpArray.from([['a', []], ['b', 'x'], ['c', null], [5, 'five'], ['e', 0.1 + 0.2]]))).toBe('b=x&5=five&e=0.3');
    const floats: [number, string][] = [[1e20, '1.0E%2B20'], [1.5e-7, '1.5E-7'], [123456789012345, '123456789012345'], [1 / 3, '0.33333333333333'], [1e-5, '1.0E-5'], [-2.5, '-2.5']];
    for (const [f, s] of floats) expect(httpBuildQuery([['f', f]])).toBe(`f=${s}`);
    expect(phpUrlencode("a b~*-_.!'()ü")).toBe('a+b%7E%2A-_.%21%27%28%29%C3%BC');
    expect(phpRawurlencode('a b~*')).toBe('a%20b~%2A');
  });
});
