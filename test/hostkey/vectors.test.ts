import { expect } from 'vitest';
import {
  digestHostKeyToken,
  HOSTKEY_TOKEN_RE,
  hostKeyApiKeyLogin,
  hostKeyCallbackCheck,
  hostKeyCheckPin,
  hostKeyInfo,
  hostKeyLogout,
  hostKeySetPin,
  hostKeyWhmcsLogin,
  MemoryHostKeyTokenStore,
  parseHostKeyLoginReply,
  parseHostKeyReply,
  verifyHostKeyPinHash,
  verifyHostKeyToken,
} from '../../src/schemes/hostkey/index.js';
import { describeVectorFile, type VectorCase } from '../helpers/vector-file.js';
import { codeOfAsync } from '../helpers/codes.js';

type Case = VectorCase;

const builders: Record<string, (a: any) => { url: string; body: string }> = {
  whmcslogin: (a) => hostKeyWhmcsLogin(a),
  login: (a) => hostKeyApiKeyLogin(a.apiKey),
  logout: (a) => hostKeyLogout(a.token),
  info: (a) => hostKeyInfo(a.token),
  set_pin: (a) => hostKeySetPin(a),
  check_pin: (a) => hostKeyCheckPin(a),
  callback_check: (a) => hostKeyCallbackCheck(a),
};

const runners: Record<string, (c: Case) => Promise<void> | void> = {
  async HostKeyRequest(c) {
    const b = builders[c.input.builder]!;
    expect(b).toBeDefined();
    if (c.result === 'valid') {
      const r = b(c.input.args);
      expect({ url: r.url, body: r.body }).toEqual(c.stages);
    } else expect(await codeOfAsync(() => b(c.input.args))).toBe(c.error);
  },
  async HostKeyReply(c) {
    if (c.result === 'invalid') {
      expect(await codeOfAsync(() => parseHostKeyLoginReply(c.input.body))).toBe(c.error);
      return;
    }
    const r = parseHostKeyReply(c.input.body);
    const got: Record<string, string> = {};
    if (r.ok) {
      got.shape = r.data === r.top ? 'top' : 'nested';
      if (r.callback) got.callback = r.callback;
      if (c.stages!.token) {
        const l = parseHostKeyLoginReply(c.input.body);
        got.token = l.token;
        got.tokenExpire = String(l.tokenExpire);
      }
    } else {
      expect(r.pending).toBe(true);
      got.shape = 'top';
      got.pending = 'true';
    }
    expect(got).toEqual(c.stages);
  },
  async HostKeyTokenFormat(c) {
    const store = new MemoryHostKeyTokenStore();
    if (c.result === 'valid') {
      expect(HOSTKEY_TOKEN_RE.test(c.input.token)).toBe(true);
      expect(digestHostKeyToken(c.input.token)).toBe(c.stages!.digest);
      await store.put({ digest: c.stages!.digest!, subject: 's', expiresAt: 10, createdAt: 0, ip: null });
      expect(await verifyHostKeyToken(c.input.token, { store, now: 1 })).toMatchObject({ ok: true, subject: 's' });
    } else {
      expect(HOSTKEY_TOKEN_RE.test(c.input.token)).toBe(false);
      expect(await verifyHostKeyToken(c.input.token, { store, now: 1 })).toMatchObject({ ok: false, code: c.error });
    }
  },
  async HostKeyPinHash(c) {
    const { pin, salt, N, r, p, dkLen } = c.input;
    const rec = { alg: 'scrypt' as const, N, r, p, dkLen, salt, hash: c.stages!.hash! };
    expect(await verifyHostKeyPinHash(pin, rec)).toBe(true);
    expect(await verifyHostKeyPinHash(pin === '0000' ? '0001' : '0000', rec)).toBe(false);
  },
};

describeVectorFile('hostkey.json', 'hostkey', runners);
