import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isWellFormed, utf8ToBytes } from '../../src/core/bytes.js';
import type { HostsigErrorCode } from '../../src/core/errors.js';
import { type SixConnectVerified, type SixConnectVerifyResult, verifySixConnect } from '../../src/schemes/sixconnect/index.js';
import { createVerifierFor, sixconnect } from '../../src/server/index.js';
import { splitUrl } from '../../src/server/request.js';

const SECRET = '48b278ec873bda4738923dbc467f8669';
const nodeHash = (signed: string) => createHmac('sha256', SECRET).update(signed).digest('base64');

// The plug-in hands the query text to verifySixConnect (which hashes its UTF-8 bytes) instead
// of encoding it to bytes first. It must answer exactly as verifying those bytes does, on any
// query: non-ASCII raw or escaped, lone surrogates, '+', '%', duplicates, junk.
describe('the 6connect plug-in verifies the query text as its UTF-8 bytes', () => {
  const verifier = createVerifierFor({ sixconnect }, { schemes: { sixconnect: { secretKey: SECRET } }, select: () => 'sixconnect' });
  const text = fc.string({ unit: fc.constantFrom('a', 'é', '😀', '\ud83d', '\ude00', '%', '+', '&', '=', 'C3', 'A9', '[', ']', '.', ' ', 'apiKey', 'hash', '?'), maxLength: 12 });

  let accepted = 0;
  async function same(query: string): Promise<void> {
    const url = `/api/v1/api.php?${query}`;
    const q = splitUrl(url).query;
    const got = await verifier.verify({ method: 'GET', url, headers: {} });
    let want: SixConnectVerifyResult;
    try {
      want = await verifySixConnect({ query: utf8ToBytes(q) }, { secretKey: SECRET });
    } catch (e) {
      want = { ok: false, code: (e as { code: HostsigErrorCode }).code, message: '' };
    }
    if (!want.ok) {
      expect(got, query).toMatchObject({ ok: false, code: want.code });
      return;
    }
    expect(got.ok, query).toBe(true);
    if (!got.ok) return;
    accepted++;
    const d = got.detail as SixConnectVerified;
    expect([d.apiKey, d.target, d.action, d.signedQuery, d.params?.toJS()]).toEqual([want.apiKey, want.target, want.action, want.signedQuery, want.params?.toJS()]);
  }

  it('on signed queries with arbitrary raw and escaped values', async () => {
    await fc.assert(
      fc.asyncProperty(text, text, fc.boolean(), async (x, y, encode) => {
        const v = encode ? encodeURIComponent(x.replace(/[\ud800-\udfff]/g, '')) : x;
        const signed = `target=ipam&action=get&x=${v}&y${y}=1&apiKey=32-5DAYTJQY2TZHOFOB`;
        // A lone surrogate has no UTF-8 form, so no hash either.
        await same(`${signed}&hash=${isWellFormed(signed) ? nodeHash(signed) : 'x'}`);
      }),
      { numRuns: 400 },
    );
    // Most are valid (non-ASCII raw, escaped, '+', a second x or y...): the comparison is not only of refusals.
    expect(accepted).toBeGreaterThan(150);
  });

  it('on arbitrary queries', async () => {
    await fc.assert(
      fc.asyncProperty(text, text, async (a, b) => {
        await same(`${a}&apiKey=${b}&hash=${nodeHash(a)}`);
        await same(`${a}${b}`);
      }),
      { numRuns: 300 },
    );
    await same('target=t&action=a&apiKey=k\ud800&hash=x');
  });
});
