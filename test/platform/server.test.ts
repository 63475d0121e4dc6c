// The server's HostBill bearer plug-in verifies through the async path: crypto.subtle.verify runs
// for every token that gets past the header checks, and the verifier answers what it answers on
// the pure path (crypto.subtle taken away) and the codes verifyHostBillBearer gives.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { verifyHostBillBearer } from '../../src/schemes/hostbill/index.js';
import { createVerifier } from '../../src/server/index.js';
import { b64u, bearerCorpus, type BearerCase, pureWithReach } from '../helpers/differential.js';

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

function verifierFor(c: BearerCase) {
  const now = c.options.now as number;
  return createVerifier({ clock: () => now, schemes: { hostbill: { bearer: { key: c.key, ...(c.options.issuer ? { issuer: c.options.issuer as string } : {}) } } } });
}
const request = (c: BearerCase) => ({ method: 'GET', url: '/api/client/details', headers: c.authorization === undefined ? {} : { authorization: c.authorization } });

describe('createVerifier + hostbill bearer: the async path, the same answers', () => {
  const cases = bearerCorpus();
  // (A valid token with its signature cut by one byte: in the header checks' eyes a token, not in range.)
  const valid = cases.find((c) => c.expected === 'ok')!;
  const cut = valid.authorization!.replace(/\.([^.]+)$/, (_m, s: string) => `.${b64u(Uint8Array.from(Buffer.from(s, 'base64url')).subarray(1))}`);
  const all: BearerCase[] = [...cases, { ...valid, label: 'signature one byte short', authorization: cut, expected: 'SIGNATURE_INVALID' }];

  it('crypto.subtle.verify runs for every token past the header checks; the codes are verifyHostBillBearer\'s', async () => {
    const verify = vi.spyOn(globalThis.crypto.subtle, 'verify');
    let reaching = 0;
    for (const c of all) {
      const { value: want, reached } = pureWithReach(() => verifyHostBillBearer(c.authorization, c.key, c.options));
      reaching += reached;
      const before = verify.mock.calls.length;
      const r = await verifierFor(c).verify(request(c));
      expect(verify.mock.calls.length - before, c.label).toBe(reached);
      // Requests the plug-in does not claim (no header, Basic on a bearer-only verifier) never reach it.
      const detected = /^bearer(?:[ \t]|$)/i.test(c.authorization ?? '');
      if (!detected) expect(r, c.label).toMatchObject({ ok: false, code: 'SCHEME_UNKNOWN' });
      else if (want.ok) expect(r, c.label).toMatchObject({ ok: true, scheme: 'hostbill', identity: { user: want.subject, claims: want.payload } });
      else expect(r, c.label).toMatchObject({ ok: false, scheme: 'hostbill', code: want.code, status: 401 });
    }
    expect(reaching).toBeGreaterThanOrEqual(4);
  });

  it('the whole result (status, headers, body) is the one the pure path gives, crypto.subtle taken away', async () => {
    const withSubtle = [];
    for (const c of all) withSubtle.push(await verifierFor(c).verify(request(c)));
    const realCrypto = globalThis.crypto;
    vi.stubGlobal('crypto', { getRandomValues: realCrypto.getRandomValues.bind(realCrypto), randomUUID: realCrypto.randomUUID.bind(realCrypto) });
    expect(globalThis.crypto.subtle).toBeUndefined();
    const pure = [];
    for (const c of all) pure.push(await verifierFor(c).verify(request(c)));
    expect(withSubtle).toEqual(pure);
    expect(pure.filter((r) => r.ok).length).toBe(cases.filter((c) => c.expected === 'ok').length);
  });
});
