// typedNumbers: a hash over JSON numbers verifies only the body that spells each number the one
// canonical decimal way. `5e1`, `0.5e2`, `500e-1` are 50 to JSON but 5, 0 and 500 to parseInt.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { typedHostDimeValue, verifyHostDimeSync } from '../../src/schemes/hostdime/index.js';

const NOW = 1_700_000_000;
const PRIV = 'priv';

/** A body whose hash (node:crypto) covers `{"amount":<json>}`, the JSON number an official client hashes. */
function body(sent: string, json: string): string {
  const inner = `{"amount":${json}}`;
  const outer = `"${inner.replace(/[\\"/]/g, (c) => `\\${c}`)}"`;
  const hash = createHash('sha256').update(`${NOW}:U:${PRIV}:a.b:${outer}`).digest('hex');
  return `amount=${encodeURIComponent(sent)}&api_key=k&api_timestamp=${NOW}&api_unique=U&api_hash=${hash}`;
}
const verify = (b: string) => verifyHostDimeSync({ path: '/v1/a/b.json', body: b }, { privateKey: PRIV, now: NOW });

describe('typed numbers do not re-spell', () => {
  it('accepts the canonical spelling official clients send', () => {
    expect(verify(body('50', '50'))).toMatchObject({ ok: true, typed: true });
    expect(verify(body('-7', '-7'))).toMatchObject({ ok: true, typed: true });
    expect(verify(body('1.5', '1.5'))).toMatchObject({ ok: true, typed: true });
    expect(verify(body('0', '0'))).toMatchObject({ ok: true, typed: true });
  });

  it('refuses every other spelling of the hashed number', () => {
    for (const s of ['5e1', '0.5e2', '500e-1', '5E1', '050', '+50', ' 50', '50 ', '50.0', '50.', '0x32', '-0', '1.50', '01.5', '.5']) {
      const json = s === '1.50' || s === '01.5' ? '1.5' : s === '.5' ? '0.5' : s === '-0' ? '0' : '50';
      expect(verify(body(s, json)), s).toMatchObject({ ok: false, code: 'SIGNATURE_INVALID' });
    }
  });

  it('property: an integer verifies only as its decimal string', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e9, max: 1e9 }), fc.constantFrom('e0', 'E0', '.0', 'x'), fc.boolean(), (n, suffix, zero) => {
        expect(verify(body(String(n), String(n)))).toMatchObject({ ok: true });
        const respelled = suffix === 'x' ? (zero && n >= 0 ? `0${n}` : `+${n}`) : `${n}${suffix}`;
        expect(verify(body(respelled, String(n))).ok).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('typedHostDimeValue: numbers only from their own shortest spelling', () => {
    expect(typedHostDimeValue('9007199254740993')).toBe(9007199254740993n);
    expect(typedHostDimeValue('0.1')).toBe(0.1);
    expect(typedHostDimeValue('1e21')).toBe('1e21');
    expect(typedHostDimeValue('0.0000001')).toBe('0.0000001'); // JS spells 1e-7
    expect(typedHostDimeValue(true)).toBe(true);
  });
});
