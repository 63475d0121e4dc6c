// The case runners of the scheme vector files (vectors/hostdime.json, sixconnect.json, whm.json,
// hostkey.json), shared by their own tests and by the differential suite, which runs them again
// with the node:crypto hash backend registered (test/platform/node-backend.test.ts).
// (The wycheproof.js import is spelled with helpers/ so the browser project's alias matches it.)
import { describe, expect, it } from 'vitest';
import {
  canonicalHostDime,
  hashHostDime,
  hostDimeDoubleJson,
  hostDimeParamsJson,
  signHostDime,
  verifyHostDime,
} from '../../src/schemes/hostdime/index.js';
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
import { signSixConnect, verifySixConnect } from '../../src/schemes/sixconnect/index.js';
import {
  digestWhmToken,
  ipAllowed,
  isWhmToken,
  parseWhmAuthorization,
  parseWhmTokenCreateReply,
  parseWhmTokenListReply,
  parseWhmTokenRevokeReply,
  verifyWhmAuthorization,
} from '../../src/schemes/whm/index.js';
import { toPhp } from './arbitraries.js';
import { codeOf, codeOfAsync } from './codes.js';
import type { VectorCase } from './vector-file.js';
import { loadVectors } from '../helpers/wycheproof.js';

type Runners = Record<string, (c: VectorCase) => Promise<void> | void>;

type Case = { tcId: number; comment: string; input: any; stages?: any; result: 'valid' | 'invalid'; error?: string };
type File = { scheme: string; numberOfTests: number; testGroups: { type: string; tests: Case[] }[] };

function cases(file: File, type: string): Case[] {
  return file.testGroups.filter((g) => g.type === type).flatMap((g) => g.tests);
}

/** Every case of vectors/hostdime.json (canonical, sign, verify). */
export function describeHostDimeVectors(): void {
  const hostdime = loadVectors<File>('hostdime.json');
  describe('vectors/hostdime.json', () => {
    it('counts add up', () => {
      expect(hostdime.testGroups.reduce((n, g) => n + g.tests.length, 0)).toBe(hostdime.numberOfTests);
    });

    it.each(cases(hostdime, 'HostDimeCanonical').map((c) => [c.tcId, c.comment, c] as const))('canonical #%i %s', (_id, _c, c) => {
      const params = toPhp(c.input.params);
      const dialect = c.input.dialect;
      expect(hostDimeParamsJson(params, dialect)).toBe(c.stages.paramsJson);
      expect(hostDimeDoubleJson(params, dialect)).toBe(c.stages.doubleJson);
      const canonical = canonicalHostDime({ ...c.input, params });
      expect(canonical).toBe(c.stages.canonical);
      expect(hashHostDime(canonical)).toBe(c.stages.hash);
    });

    it.each(cases(hostdime, 'HostDimeSign').map((c) => [c.tcId, c.comment, c] as const))('sign #%i %s', (_id, _c, c) => {
      const r = signHostDime({ ...c.input, params: toPhp(c.input.params), debug: true });
      expect(r.canonical).toBe(c.stages.canonical);
      expect(r.hash).toBe(c.stages.hash);
      expect(r.body).toBe(c.stages.body);
      expect(r.path).toBe(c.stages.path);
    });

    it.each(cases(hostdime, 'HostDimeVerify').map((c) => [c.tcId, c.comment, c] as const))('verify #%i %s', async (_id, _c, c) => {
      const { path, body, privateKey, publicKey, now, toleranceSec, dialects } = c.input;
      const r = await verifyHostDime({ path, body }, { privateKey, publicKey, now, toleranceSec, dialects });
      if (c.result === 'valid') expect(r).toMatchObject({ ok: true, publicKey });
      else expect(r).toMatchObject({ ok: false, code: c.error });
    });
  });
}

/** Every case of vectors/sixconnect.json (sign, verify). */
export function describeSixConnectVectors(): void {
  const sixconnect = loadVectors<File>('sixconnect.json');
  describe('vectors/sixconnect.json', () => {
    it('counts add up', () => {
      expect(sixconnect.testGroups.reduce((n, g) => n + g.tests.length, 0)).toBe(sixconnect.numberOfTests);
    });

    it.each(cases(sixconnect, 'SixConnectSign').map((c) => [c.tcId, c.comment, c] as const))('sign #%i %s', (_id, _c, c) => {
      const r = signSixConnect({ ...c.input, params: toPhp(c.input.params), baseUrl: 'https://example.6connect.test/api/v1/api.php' });
      expect(r.signedQuery).toBe(c.stages.query);
      expect(r.hash).toBe(c.stages.hash);
      expect(r.url).toBe(c.stages.url);
    });

    it.each(cases(sixconnect, 'SixConnectVerify').map((c) => [c.tcId, c.comment, c] as const))('verify #%i %s', async (_id, _c, c) => {
      const r = await verifySixConnect({ query: c.input.query }, { secretKey: c.input.secretKey, apiKey: c.input.apiKey });
      if (c.result === 'valid') expect(r).toMatchObject({ ok: true, apiKey: c.input.apiKey });
      else expect(r).toMatchObject({ ok: false, code: c.error });
    });
  });
}

/** The runners of vectors/whm.json, for describeVectorFile. */
export const whmRunners: Runners = {
  WhmHeaderParse(c) {
    if (c.result === 'valid') expect(parseWhmAuthorization(c.input.header)).toEqual(c.stages);
    else expect(codeOf(() => parseWhmAuthorization(c.input.header))).toBe(c.error);
  },
  async WhmTokenFormat(c) {
    const token = c.input.token as string;
    if (c.result === 'valid') {
      expect(isWhmToken(token)).toBe(true);
      expect(digestWhmToken(token)).toBe(c.stages!.digest);
      const r = await verifyWhmAuthorization(`whm root:${token}`, { lookup: () => [{ name: 'v', digest: c.stages!.digest! }] });
      expect(r.ok).toBe(true);
    } else {
      expect(isWhmToken(token)).toBe(false);
      const r = await verifyWhmAuthorization(`whm root:${token}`, { lookup: () => [] });
      expect(r).toMatchObject({ ok: false, code: c.error });
    }
  },
  WhmCidrMatch(c) {
    if (c.result === 'valid') expect(String(ipAllowed(c.input.ip, [c.input.cidr]))).toBe(c.stages!.match);
    else expect(codeOf(() => ipAllowed(c.input.ip, [c.input.cidr]))).toBe(c.error);
  },
  WhmTokenApiReply(c) {
    const { command, body } = c.input;
    const parse = () => {
      if (command === 'api_token_create') {
        const r = parseWhmTokenCreateReply(body);
        return { result: '1', token: r.token, name: r.info.name, expiresAt: r.info.expiresAt === null ? 'never' : String(r.info.expiresAt) };
      }
      if (command === 'api_token_list') return { result: '1', names: parseWhmTokenListReply(body).map((t) => t.name).join(',') };
      parseWhmTokenRevokeReply(body);
      return { result: '1' };
    };
    if (c.result === 'valid') expect(parse()).toEqual(c.stages);
    else expect(codeOf(parse)).toBe(c.error);
  },
};

const builders: Record<string, (a: any) => { url: string; body: string }> = {
  whmcslogin: (a) => hostKeyWhmcsLogin(a),
  login: (a) => hostKeyApiKeyLogin(a.apiKey),
  logout: (a) => hostKeyLogout(a.token),
  info: (a) => hostKeyInfo(a.token),
  set_pin: (a) => hostKeySetPin(a),
  check_pin: (a) => hostKeyCheckPin(a),
  callback_check: (a) => hostKeyCallbackCheck(a),
};

/** The runners of vectors/hostkey.json, for describeVectorFile. */
export const hostkeyRunners: Runners = {
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
