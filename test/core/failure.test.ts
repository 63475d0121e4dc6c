// One way to build a failed verification (core/errors.ts verifyFailure): the schemes' failures
// keep what caused them (a store's or a lookup's error) for logs, never for the wire.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HostsigError, toFailure, verifyFailure } from '../../src/core/errors.js';
import { MemoryHostKeyTokenStore, createPinService, verifyHostKeyRequest, verifyHostKeyToken } from '../../src/schemes/hostkey/index.js';
import { verifySixConnect } from '../../src/schemes/sixconnect/index.js';
import { verifyWhmAuthorization } from '../../src/schemes/whm/index.js';

const boom = () => new Error('ECONNREFUSED 10.0.0.7:6379 password=hunter2');

function expectHiddenCause(f: object, cause: unknown): void {
  expect((f as { cause?: unknown }).cause).toBe(cause);
  expect(Object.keys(f)).not.toContain('cause');
  expect(JSON.stringify(f)).not.toContain('hunter2');
  expect(JSON.stringify({ ...f })).not.toContain('hunter2');
}

describe('verifyFailure', () => {
  it('builds { ok, code, status?, message, details? } and leaves empty details out', () => {
    expect(verifyFailure('REPLAYED', 'again')).toStrictEqual({ ok: false, code: 'REPLAYED', message: 'again' });
    expect(verifyFailure('TOKEN_INVALID', 'no', { status: 401 })).toStrictEqual({ ok: false, code: 'TOKEN_INVALID', status: 401, message: 'no' });
    expect(verifyFailure('TOKEN_INVALID', 'no', { details: {} })).toStrictEqual({ ok: false, code: 'TOKEN_INVALID', message: 'no' });
    expect(verifyFailure('TOKEN_EXPIRED', 'old', { status: 401, details: { tokenName: 't' } })).toStrictEqual({ ok: false, code: 'TOKEN_EXPIRED', status: 401, message: 'old', details: { tokenName: 't' } });
  });

  it('keeps any cause, not enumerable', () => {
    fc.assert(
      fc.property(fc.anything(), (cause) => {
        fc.pre(cause !== undefined);
        const f = verifyFailure('LOOKUP_FAILED', 'lookup failed', { status: 503, cause });
        expect(f.cause).toBe(cause);
        expect(Object.keys(f)).toEqual(['ok', 'code', 'status', 'message']);
      }),
    );
  });

  it('toFailure keeps the thrown value (or a HostsigError\'s own cause) as the cause', () => {
    const e = boom();
    expectHiddenCause(toFailure(e, 'LOOKUP_FAILED'), e);
    const inner = boom();
    expectHiddenCause(toFailure(new HostsigError('LOOKUP_FAILED', 'key lookup failed', {}, { cause: inner })), inner);
  });
});

describe('scheme failures keep the cause of a 503', () => {
  it('WHM: a token lookup that throws', async () => {
    const e = boom();
    const r = await verifyWhmAuthorization('whm root:U7HMR63FGY292DQZ4H5BFH16JLYMO01M', { lookup: () => { throw e; } });
    expect(r).toMatchObject({ ok: false, code: 'LOOKUP_FAILED', status: 503 });
    expectHiddenCause(r, e);
  });

  it('WHM: an access-hash lookup that rejects', async () => {
    const e = boom();
    const r = await verifyWhmAuthorization(`WHM root:${'abc123'.repeat(20)}`, { lookup: () => [], lookupAccessHash: () => Promise.reject(e) });
    expect(r).toMatchObject({ ok: false, code: 'LOOKUP_FAILED', status: 503 });
    expectHiddenCause(r, e);
  });

  it('HostKey: a session store that throws, through the token and the form body', async () => {
    const e = boom();
    const store = Object.assign(new MemoryHostKeyTokenStore(), { get: () => Promise.reject(e) });
    const token = 'a'.repeat(32);
    const r1 = await verifyHostKeyToken(token, { store });
    expect(r1).toMatchObject({ ok: false, code: 'LOOKUP_FAILED', status: 503 });
    expectHiddenCause(r1, e);
    const r2 = await verifyHostKeyRequest(`action=info&token=${token}`, { store });
    expectHiddenCause(r2, e);
  });

  it('HostKey PINs: a PIN store that throws; `remaining` stays a plain field', async () => {
    const e = boom();
    const pins = createPinService({ pins: { get: () => Promise.reject(e), put: async () => {} } });
    const r = await pins.checkPin('user-1', '1234');
    expect(r).toStrictEqual({ ok: false, code: 'LOOKUP_FAILED', status: 503, message: 'PIN store failed', remaining: 0 });
    expectHiddenCause(r, e);
  });

  it('6connect: a key lookup that throws (the cause used to be dropped)', async () => {
    const e = boom();
    const url = 'https://ipam.example.com/api/v1/api.php?target=ipam&action=get&type=IP&mask=24&apiKey=32-5DAYTJQY2TZHOFOB&hash=yneSFMyxPPe+3W4IOkVp50K3VStatBcRRak+2ygDUWQ=';
    const r = await verifySixConnect({ url }, { lookup: () => Promise.reject(e) });
    expect(r).toMatchObject({ ok: false, code: 'LOOKUP_FAILED' });
    expectHiddenCause(r, e);
  });
});
