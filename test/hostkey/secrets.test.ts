import fc from 'fast-check';
import { describe, it } from 'vitest';
import {
  createHostKeySession,
  createPinService,
  hashHostKeyPin,
  hostKeyCheckPin,
  hostKeySetPin,
  hostKeyWhmcsLogin,
  issueHostKeyToken,
  MemoryHostKeyTokenStore,
  verifyHostKeyRequest,
} from '../../src/schemes/hostkey/index.js';
import { formatWhmAuthorization, parseWhmAuthorization, verifyWhmAuthorization } from '../../src/schemes/whm/index.js';
import { caught, expectNoSecret } from '../helpers/secrets.js';

// Secrets long enough that an accidental substring match is impossible.
const secret = fc.string({ unit: fc.constantFrom(...'ABCDEFGHJKLMNPQRSTUVWXYZ23456789abcdefghijkmnpqrstuvwxyz!$%&*+,./:;=?@^_~ '), minLength: 12, maxLength: 40 });
const pin = fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 6, maxLength: 16 });
const FAST = { N: 2, r: 1, p: 1, dkLen: 16 };

describe('no secret in any failure', () => {
  it('WHM: parse, format and verify failures', async () => {
    await fc.assert(
      fc.asyncProperty(secret, fc.constantFrom('whm root:', 'whm Root:', 'cpanel  bob:', 'Bearer ', 'whm root:x', ''), async (s, prefix) => {
        expectNoSecret(await caught(() => parseWhmAuthorization(`${prefix}${s}`)), [s]);
        expectNoSecret(await caught(() => formatWhmAuthorization({ user: 'root', token: s })), [s]);
        expectNoSecret(await verifyWhmAuthorization(`${prefix}${s}`, { lookup: () => [{ name: 'n', digest: '0'.repeat(64) }], path: '/x', clientIp: '::1' }), [s]);
      }),
      { numRuns: 200 },
    );
  });

  it('HostKey: builders, session errors, token server, PIN service', async () => {
    const store = new MemoryHostKeyTokenStore();
    const pins = createPinService({ params: FAST, delay: async () => {} });
    await pins.setPin('u', '73915173');
    await fc.assert(
      fc.asyncProperty(secret, pin, fc.constantFrom(200, 401, 500), async (pw, p, status) => {
        expectNoSecret(await caught(() => hostKeyWhmcsLogin({ user: 'u', password: pw, ttl: -1 })), [pw]);
        expectNoSecret(await caught(() => hostKeyCheckPin({ token: pw, pin: p })), [pw, p]);
        expectNoSecret(await caught(() => hostKeySetPin({ token: '0'.repeat(32), newPin: `${p}x` })), [p]);
        expectNoSecret(await caught(() => hashHostKeyPin(`${p}0000000000000000`, FAST)), [p]);
        // A provider that echoes everything it received back in its error.
        const s = createHostKeySession({
          fetch: async (_u, init) => ({ status, text: async () => JSON.stringify({ result: -1, error: `bad request ${init.body}`, code: init.body }) }),
          credentials: { user: 'me', password: pw },
        });
        expectNoSecret(await caught(() => s.call('eq', 'check_pin', { pin: p })), [pw, p]);
        expectNoSecret(await verifyHostKeyRequest(`token=${encodeURIComponent(pw)}`, { store }), [pw]);
        expectNoSecret(await pins.checkPin('u', p), [p, '73915173']);
        expectNoSecret(await pins.setPin('u', p, `${p}1`), [p, `${p}1`, '73915173']);
        await pins.unlock('u');
      }),
      { numRuns: 60 },
    );
    const { token } = await issueHostKeyToken({ store, subject: 'x', ttl: 1, now: 0 });
    expectNoSecret(await verifyHostKeyRequest(`token=${token}`, { store, now: 5 }), [token]);
  });
});

describe('truncated echoes', () => {
  it('a secret cut by the 300-character cap leaves no prefix behind', async () => {
    const pw = 'Zq9-long-secret-password-that-straddles-the-cap';
    for (let pad = 240; pad < 300; pad += 7) {
      const s = createHostKeySession({
        fetch: async () => ({ status: 200, text: async () => JSON.stringify({ result: -1, error: `${'x'.repeat(pad)}${pw}` }) }),
        credentials: { user: 'me', password: pw },
      });
      const e = await caught(() => s.token());
      expectNoSecret(e, [pw, pw.slice(0, 12)]);
    }
  });
});
