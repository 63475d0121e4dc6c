// splitCompact decodes the token parts with its own strict base64url reader (src/jwt/decode.ts);
// it must accept and reject exactly what core's base64urlToBytes does, with the same bytes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { base64urlToBytes, bytesToBase64url } from '../../src/core/bytes.js';
import { splitCompact } from '../../src/jwt/decode.js';

const HEADER = bytesToBase64url(new TextEncoder().encode('{"alg":"RS256"}'));

/** What the token reader makes of `part` as the signature: bytes, or null when refused. */
function viaToken(part: string): Uint8Array | null {
  try {
    return splitCompact(`${HEADER}.${part}.${part}`).signature;
  } catch (e) {
    expect((e as { code?: string }).code).toBe('JWT_MALFORMED');
    return null;
  }
}

function viaCore(part: string): Uint8Array | null {
  try {
    return base64urlToBytes(part);
  } catch {
    return null;
  }
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

describe('token base64url reader', () => {
  it('agrees with core on every length 0..12 and each trailing-bits case', () => {
    for (let len = 0; len <= 12; len++) {
      for (const last of ALPHABET) {
        const s = 'Ab9_-z'.repeat(3).slice(0, Math.max(0, len - 1)) + (len > 0 ? last : '');
        expect(viaToken(s)).toEqual(viaCore(s));
      }
    }
  });

  it('agrees with core on random bytes, and on mutations with foreign characters', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(), fc.constantFrom('=', '+', '/', ' ', '\n', '.', '\u00e9', '\u0100', '\ud83d', 'A', '_', '-', '\0', '\x7f'), (bytes, pos, ch) => {
        const good = bytesToBase64url(bytes);
        expect(viaToken(good)).toEqual(bytes);
        const i = good.length === 0 ? 0 : pos % (good.length + 1);
        for (const s of [good.slice(0, i) + ch + good.slice(i), good.slice(0, i) + ch + good.slice(i + 1), good + ch, good.slice(0, -1)]) {
          if (s.includes('.')) continue;
          expect(viaToken(s)).toEqual(viaCore(s));
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('agrees with core on arbitrary strings over a mixed alphabet', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...ALPHABET, '=', '+', '/', '\u00ff', ' '), maxLength: 40 }), (s) => {
        expect(viaToken(s)).toEqual(viaCore(s));
      }),
      { numRuns: 5000 },
    );
  });

  it('signing input is the token up to the second dot, byte for byte', () => {
    const p = bytesToBase64url(new TextEncoder().encode('{"sub":"x"}'));
    const parts = splitCompact(`${HEADER}.${p}.AAAA`);
    expect(new TextDecoder().decode(parts.signingInput)).toBe(`${HEADER}.${p}`);
  });
});
