import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isHostsigError } from '../../src/core/errors.js';
import { decodeJwt, signJwt } from '../../src/jwt/index.js';
import { importPrivateKey } from '../../src/rsa/index.js';
import {
  HostBillSession,
  HostBillTokenIssuer,
  hostBillLoginRequest,
  hostBillRefreshRequest,
  MemoryRefreshTokenStore,
  parseHostBillTokenReply,
  refreshTokenDigest,
  type RefreshTokenRecord,
  verifyHostBillBearer,
} from '../../src/schemes/hostbill/index.js';
import { REPO_ROOT } from '../helpers/wycheproof.js';
import { codeOfAsync } from '../helpers/codes.js';

const key = importPrivateKey(readFileSync(join(REPO_ROOT, 'vectors', 'keys', 'rsa2048.pkcs1.pem'), 'utf8'));
const otherKey = importPrivateKey(readFileSync(join(REPO_ROOT, 'vectors', 'keys', 'hostbill4096.key'), 'utf8'));
const T0 = 1_700_000_000;

describe('client requests and replies', () => {
  it('login and refresh requests', () => {
    expect(hostBillLoginRequest('https://billing.example.com/api', { username: 'a@b.c', password: 'p:w' })).toEqual({
      method: 'POST',
      url: 'https://billing.example.com/api/login',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: '{"username":"a@b.c","password":"p:w"}',
    });
    expect(hostBillRefreshRequest('https://billing.example.com/api/', 'r1')).toMatchObject({ url: 'https://billing.example.com/api/token', body: '{"refresh_token":"r1"}' });
    expect(() => hostBillLoginRequest('billing.example.com', { username: 'a', password: 'b' })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => hostBillLoginRequest('ftp://x/', { username: 'a', password: 'b' })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('reads the token reply: exp decoded locally, either field spelling, error envelopes', () => {
    const jwt = signJwt({}, key, { now: T0, expiresIn: 600 });
    expect(parseHostBillTokenReply(JSON.stringify({ token: jwt, refresh_token: 'r' }))).toEqual({ accessToken: jwt, refreshToken: 'r', expiresAt: T0 + 600 });
    expect(parseHostBillTokenReply({ success: true, data: { access_token: jwt, refresh: 'r2' } })).toEqual({ accessToken: jwt, refreshToken: 'r2', expiresAt: T0 + 600 });
    const noExp = signJwt({}, key, { now: T0 });
    expect(parseHostBillTokenReply({ jwt: noExp, expires_in: 60 }, T0 + 5)).toEqual({ accessToken: noExp, expiresAt: T0 + 65 });
    expect(() => parseHostBillTokenReply('{"success":false,"error":["wronglogin"]}')).toThrow(expect.objectContaining({ code: 'PROVIDER_ERROR', details: { error: '["wronglogin"]' } }));
    expect(() => parseHostBillTokenReply('<html>')).toThrow(expect.objectContaining({ code: 'PROVIDER_ERROR' }));
    expect(() => parseHostBillTokenReply('{}')).toThrow(expect.objectContaining({ code: 'TOKEN_INVALID' }));
    expect(() => parseHostBillTokenReply('{"token":"not-a-jwt"}')).toThrow(expect.objectContaining({ code: 'TOKEN_INVALID' }));
  });
});

/** A HostBill stand-in: the issuer behind a fake fetch. */
function fakeServer(now: { t: number }) {
  const issuer = new HostBillTokenIssuer({ privateKey: key, store: new MemoryRefreshTokenStore(), issuer: 'https://billing.example.com', accessTokenTtl: 300, now: () => now.t });
  const calls: string[] = [];
  const fetch = async (url: string, init: { method: string; headers: Record<string, string>; body?: string }) => {
    const path = new URL(url).pathname;
    calls.push(`${init.method} ${path}`);
    const reply = (status: number, body: unknown) => ({ ok: status < 300, status, text: async () => JSON.stringify(body) });
    try {
      if (path === '/api/login') {
        const { username, password } = JSON.parse(init.body!) as { username: string; password: string };
        if (password !== 'secret') return reply(401, { success: false, error: ['wronglogin'] });
        return reply(200, await issuer.issue(username));
      }
      if (path === '/api/token') return reply(200, await issuer.refresh((JSON.parse(init.body!) as { refresh_token: string }).refresh_token));
      const r = issuer.verifyBearer(init.headers.authorization);
      return r.ok ? reply(200, { success: true, client: r.subject }) : reply(401, { error: r.code });
    } catch (e) {
      return reply(400, { error: isHostsigError(e) ? e.code : 'x' });
    }
  };
  return { issuer, fetch, calls };
}

describe('HostBillSession against a HostBill stand-in', () => {
  it('logs in once, reuses the token until exp - skew, then refreshes', async () => {
    const now = { t: T0 };
    const srv = fakeServer(now);
    const s = new HostBillSession({ baseUrl: 'https://billing.example.com/api/', credentials: { username: 'c@example.com', password: 'secret' }, fetch: srv.fetch, skewSec: 30, now: () => now.t });
    const [a1, a2] = await Promise.all([s.authorization(), s.authorization()]);
    expect(a1).toBe(a2);
    expect(a1).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
    expect(decodeJwt(a1.slice(7))).toMatchObject({ sub: 'c@example.com', exp: T0 + 300 });
    const res = await s.fetch('/details');
    expect(JSON.parse(await res.text())).toEqual({ success: true, client: 'c@example.com' });
    now.t = T0 + 269; // 300 - 30 - 1: still fresh
    expect(await s.authorization()).toBe(a1);
    now.t = T0 + 270; // due
    const a3 = await s.authorization();
    expect(a3).not.toBe(a1);
    expect(srv.calls).toEqual(['POST /api/login', 'GET /api/details', 'POST /api/token']);
  });

  it('falls back to login when the refresh is refused, and retries a 401 once', async () => {
    const now = { t: T0 };
    const srv = fakeServer(now);
    const s = new HostBillSession({ baseUrl: 'https://billing.example.com/api', credentials: { username: 'c', password: 'secret' }, fetch: srv.fetch, now: () => now.t });
    await s.authorization();
    // Someone else used our refresh token first: the family is revoked.
    await srv.issuer.refresh(s.refreshToken!);
    now.t = T0 + 1000;
    await s.authorization();
    expect(srv.calls).toEqual(['POST /api/login', 'POST /api/token', 'POST /api/login']);
  });

  it('a 401 on an API call drops the token and retries once with a new one', async () => {
    const now = { t: T0 };
    const srv = fakeServer(now);
    let rejected = 0;
    const fetch = async (url: string, init: { method: string; headers: Record<string, string>; body?: string }) => {
      if (url.endsWith('/details') && rejected++ === 0) return { ok: false, status: 401, text: async () => '{"error":"revoked"}' };
      return srv.fetch(url, init);
    };
    const s = new HostBillSession({ baseUrl: 'https://billing.example.com/api', credentials: { username: 'c', password: 'secret' }, fetch, now: () => now.t });
    const res = await s.fetch('details');
    expect(res.status).toBe(200);
    expect(srv.calls).toEqual(['POST /api/login', 'POST /api/token', 'GET /api/details']);
  });

  it('a wrong password surfaces as PROVIDER_ERROR with the status', async () => {
    const srv = fakeServer({ t: T0 });
    const s = new HostBillSession({ baseUrl: 'https://billing.example.com/api/', credentials: { username: 'c', password: 'nope' }, fetch: srv.fetch, now: T0 });
    await expect(s.authorization()).rejects.toMatchObject({ code: 'PROVIDER_ERROR', details: { status: 401 } });
  });
});

describe('server: issue, rotate, detect reuse, verify Bearer', () => {
  it('stores only the digest, rotates on use, and a reused token revokes the family', async () => {
    const store = new MemoryRefreshTokenStore();
    const seen: string[] = [];
    const spy = { put: async (d: string, r: RefreshTokenRecord) => (seen.push(d), store.put(d, r)), consume: store.consume.bind(store), revokeFamily: store.revokeFamily.bind(store) };
    const issuer = new HostBillTokenIssuer({ privateKey: key, store: spy, kid: 'k1', audience: 'api', now: T0 });
    const p1 = await issuer.issue('client-1', { role: 'user' });
    expect(p1).toMatchObject({ token_type: 'Bearer', expires_in: 900 });
    expect(p1.refresh_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(seen).toEqual([refreshTokenDigest(p1.refresh_token)]);
    expect(seen[0]).not.toContain(p1.refresh_token);
    expect(refreshTokenDigest('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    const p2 = await issuer.refresh(p1.refresh_token);
    expect(decodeJwt(p2.token)).toMatchObject({ sub: 'client-1', role: 'user', aud: 'api', exp: T0 + 900 });
    expect(await codeOfAsync(issuer.refresh(p1.refresh_token))).toBe('TOKEN_REVOKED');
    // ... and the whole family is gone, including the newest token.
    expect(await codeOfAsync(issuer.refresh(p2.refresh_token))).toBe('TOKEN_INVALID');
    expect(await codeOfAsync(issuer.refresh('x'))).toBe('TOKEN_INVALID');
    expect(await codeOfAsync(issuer.refresh('A'.repeat(43)))).toBe('TOKEN_INVALID');
  });

  it('expired refresh tokens and logout', async () => {
    const now = { t: T0 };
    const issuer = new HostBillTokenIssuer({ privateKey: key, store: new MemoryRefreshTokenStore(), refreshTokenTtl: '1h', now: () => now.t });
    const p = await issuer.issue('c');
    now.t = T0 + 3600;
    expect(await codeOfAsync(issuer.refresh(p.refresh_token))).toBe('TOKEN_EXPIRED');
    now.t = T0;
    const q = await issuer.issue('c');
    await issuer.revoke(q.refresh_token);
    expect(await codeOfAsync(issuer.refresh(q.refresh_token))).toBe('TOKEN_INVALID');
  });

  it('verifyBearer returns typed results and never throws on hostile input', async () => {
    const issuer = new HostBillTokenIssuer({ privateKey: key, store: new MemoryRefreshTokenStore(), issuer: 'iss-1', now: T0 });
    const { token } = await issuer.issue('c');
    expect(issuer.verifyBearer(`Bearer ${token}`)).toMatchObject({ ok: true, subject: 'c' });
    expect(issuer.verifyBearer(undefined)).toMatchObject({ ok: false, code: 'AUTH_HEADER_MALFORMED' });
    expect(issuer.verifyBearer(`Basic ${token}`)).toMatchObject({ ok: false, code: 'AUTH_SCHEME_UNSUPPORTED' });
    expect(issuer.verifyBearer('Bearer a.b.c')).toMatchObject({ ok: false, code: 'JWT_MALFORMED' });
    expect(issuer.verifyBearer(`Bearer ${token}`, { now: T0 + 900 })).toMatchObject({ ok: false, code: 'JWT_EXPIRED', details: { claim: 'exp' } });
    const foreign = signJwt({ sub: 'c' }, otherKey, { issuer: 'iss-1', now: T0, expiresIn: 60 });
    expect(issuer.verifyBearer(`Bearer ${foreign}`)).toMatchObject({ ok: false, code: 'SIGNATURE_INVALID' });
    const wrongIss = signJwt({ sub: 'c' }, key, { issuer: 'iss-2', now: T0, expiresIn: 60 });
    expect(issuer.verifyBearer(`Bearer ${wrongIss}`)).toMatchObject({ ok: false, code: 'CLAIM_INVALID', details: { claim: 'iss', reason: 'check_failed' } });
    expect(verifyHostBillBearer(`Bearer ${token}`, key.publicKey, { now: T0 })).toMatchObject({ ok: true });
    expect(verifyHostBillBearer(42 as never, key.publicKey)).toMatchObject({ ok: false, code: 'AUTH_HEADER_MALFORMED' });
    expect(verifyHostBillBearer(['Bearer x'] as never, key.publicKey)).toMatchObject({ ok: false, code: 'AUTH_HEADER_MALFORMED' });
  });
});
