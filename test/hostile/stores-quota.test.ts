// One tenant (one API key) filling the in-memory nonce store must not lock every other tenant
// out with 503: a per-tenant quota refuses only the one over it, and a full store still fails
// closed without forgetting a live nonce.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isHostsigError } from '../../src/core/errors.js';
import { MemoryNonceStore } from '../../src/core/nonce.js';
import { signHostDime } from '../../src/schemes/hostdime/index.js';
import { createVerifier } from '../../src/server/index.js';

const NOW = 1_700_000_000;

/** The outcome of one call: true, false, or the HostsigError code. */
function call(s: MemoryNonceStore, key: string, ttl: number): boolean | string {
  try {
    return s.checkAndStoreSync(key, ttl);
  } catch (e) {
    if (!isHostsigError(e)) throw e;
    return e.code;
  }
}

/**
 * The tenant rule as docs/server.md states it, written independently: a `scheme:n:` prefix whose
 * next n characters are followed by `:` names the tenant `scheme:n:<those n characters>`; else
 * everything before the last `:`; no `:` at all, no tenant.
 */
function tenantOf(key: string): string | null {
  const m = /^([^:]*):(\d{1,9}):/.exec(key);
  if (m) {
    const start = m[0].length;
    const n = Number(m[2]);
    if (key.length > start + n && key[start + n] === ':') return key.slice(0, start + n);
  }
  const parts = key.split(':');
  return parts.length === 1 ? null : parts.slice(0, -1).join(':');
}

describe('MemoryNonceStore per-tenant quota', () => {
  it('one API key filling its quota gets NONCE_STORE_FULL; other keys are still accepted; nothing is forgotten', () => {
    const s = new MemoryNonceStore({ maxEntries: 100, maxPerTenant: 25, clock: () => NOW });
    const flood = Array.from({ length: 200 }, (_, i) => `hostdime:3:pub:u${i}`);
    const out = flood.map((k) => call(s, k, 300));
    expect(out.slice(0, 25)).toEqual(Array(25).fill(true));
    expect(new Set(out.slice(25))).toEqual(new Set(['NONCE_STORE_FULL']));
    // A colon in the nonce or in the key itself does not make a new tenant.
    expect(call(s, 'hostdime:3:pub:a:b:c', 300)).toBe('NONCE_STORE_FULL');
    expect(call(s, 'hostdime:3:pub::', 300)).toBe('NONCE_STORE_FULL');
    for (const other of ['hostdime:5:other:u0', 'sixconnect:3:pub:mac', 'hostdime:7:pub:x:y:u0', 'hostdime:9:__proto__:u', 'hostdime:11:constructor:u']) {
      expect(call(s, other, 300)).toBe(true);
    }
    for (const k of flood.slice(0, 25)) expect(call(s, k, 300)).toBe(false);
    expect(s.size).toBe(30);
  });

  it('through createVerifier: one HostDime key flooding the default in-memory store, the other key still gets 200', async () => {
    const keys: Record<string, string> = { flood: 'p1', calm: 'p2' };
    const v = createVerifier({ clock: () => NOW, nonces: new MemoryNonceStore({ maxEntries: 40, clock: () => NOW }), schemes: { hostdime: { lookup: (k: string) => keys[k] ?? null } } });
    const send = (pub: string) => {
      const s = signHostDime({ publicKey: pub, privateKey: keys[pub]!, method: 'server.list', timestamp: NOW });
      return v.verify({ method: 'POST', url: s.path, headers: s.headers, body: s.body });
    };
    const flood = [];
    for (let i = 0; i < 60; i++) flood.push(await send('flood'));
    expect(flood.filter((r) => r.ok)).toHaveLength(10); // the default quota: maxEntries / 4
    expect(flood.filter((r) => !r.ok).every((r) => !r.ok && r.code === 'NONCE_STORE_FULL' && r.status === 503)).toBe(true);
    for (let i = 0; i < 10; i++) expect(await send('calm')).toMatchObject({ ok: true });
  });

  it('matches a model: refuses exactly when the store or the tenant is full of live keys, never forgets a live key', () => {
    const tenantPart = fc.oneof(
      fc.constantFrom('hostdime:3:pub', 'hostdime:3:p:b', 'sixconnect:2:ab', 'hostdime:9:__proto__', 'x', 'x:y', '', 'hostdime:3:pu'),
      fc.string({ maxLength: 4 }),
    );
    const op = fc.record({ tenant: tenantPart, nonce: fc.oneof(fc.constantFrom('n1', 'n2', 'a:b', ':', ''), fc.string({ maxLength: 3 })), bare: fc.boolean(), ttl: fc.integer({ min: 1, max: 5 }), dt: fc.constantFrom(0, 0, 0, 1, 2.5) });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 8 }), fc.array(op, { maxLength: 120 }), (maxEntries, maxPerTenant, ops) => {
        let now = 0;
        const s = new MemoryNonceStore({ maxEntries, maxPerTenant, clock: () => now });
        const model = new Map<string, number>();
        for (const o of ops) {
          now += o.dt;
          const key = o.bare ? o.nonce.replaceAll(':', '') : `${o.tenant}:${o.nonce}`;
          const live = [...model].filter(([, exp]) => exp > now);
          const t = tenantOf(key);
          let want: boolean | string;
          if ((model.get(key) ?? -1) > now) want = false;
          else if (live.length >= maxEntries) want = 'NONCE_STORE_FULL';
          else if (t !== null && live.filter(([k]) => tenantOf(k) === t).length >= maxPerTenant) want = 'NONCE_STORE_FULL';
          else want = true;
          expect(call(s, key, o.ttl)).toBe(want);
          if (want === true) model.set(key, now + o.ttl);
          expect(s.size).toBeLessThanOrEqual(maxEntries);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('memory stays bounded while one key floods: 30k calls, size never above maxEntries, other keys served', () => {
    let now = 0;
    const s = new MemoryNonceStore({ maxEntries: 2000, clock: () => now });
    let others = 0;
    let maxSize = 0;
    const codes = new Set<boolean | string>();
    for (let i = 0; i < 30_000; i++) {
      now = i / 1000; // 1000 calls per second, 10 s TTL: the flooder would hold 10k keys
      codes.add(call(s, `hostdime:5:flood:${i}`, 10));
      if (i % 10 === 0 && call(s, `hostdime:4:k${i % 7}:${i}:x`, 10) === true) others++;
      maxSize = Math.max(maxSize, s.size);
    }
    expect(codes).toEqual(new Set([true, 'NONCE_STORE_FULL']));
    expect(others).toBe(3000);
    expect(maxSize).toBeLessThanOrEqual(2000);
  });

  it('reading the tenant is linear: a 10x longer key of colons and digits takes well under 40x the time', () => {
    const time = (n: number) => {
      const keys = [`hostdime:${'9'.repeat(9)}:${':'.repeat(n)}`, `${'1:'.repeat(n)}x`, `a:${String(n)}:${'b'.repeat(n)}`];
      let best = Infinity;
      for (let r = 0; r < 5; r++) {
        const s = new MemoryNonceStore({ clock: () => 0 });
        const t0 = performance.now();
        for (const k of keys) s.checkAndStoreSync(k, 10);
        best = Math.min(best, performance.now() - t0);
      }
      return best;
    };
    time(1000); // warm-up
    const small = time(20_000);
    const large = time(200_000);
    expect(large).toBeLessThan(40 * Math.max(small, 0.05));
  });

  it('bad quotas are INVALID_ARGUMENT', () => {
    for (const maxPerTenant of [0, -1, 1.5, Number.NaN, '3']) {
      expect(() => new MemoryNonceStore({ maxPerTenant: maxPerTenant as number })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    }
  });
});
