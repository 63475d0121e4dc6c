import { describe, expect, it } from 'vitest';
import { HostsigError } from '../../src/core/errors.js';
import { MemoryNonceStore } from '../../src/core/nonce.js';

describe('MemoryNonceStore', () => {
  it('says true once, then false until the TTL passes', async () => {
    let now = 1000;
    const s = new MemoryNonceStore({ clock: () => now });
    expect(await s.checkAndStore('a', 10)).toBe(true);
    expect(await s.checkAndStore('a', 10)).toBe(false);
    expect(await s.checkAndStore('b', 10)).toBe(true);
    now = 1009.9;
    expect(await s.checkAndStore('a', 10)).toBe(false);
    now = 1010;
    expect(await s.checkAndStore('a', 10)).toBe(true);
  });

  it('fails closed when full of live keys, and makes room as they expire', async () => {
    let now = 0;
    const s = new MemoryNonceStore({ maxEntries: 3, clock: () => now });
    for (const k of ['a', 'b', 'c']) expect(await s.checkAndStore(k, 5)).toBe(true);
    await expect(s.checkAndStore('d', 5)).rejects.toMatchObject({ code: 'NONCE_STORE_FULL' });
    // The refusal forgot nothing: every key still reads as a replay.
    for (const k of ['a', 'b', 'c']) expect(await s.checkAndStore(k, 5)).toBe(false);
    now = 5;
    expect(await s.checkAndStore('d', 5)).toBe(true);
    expect(s.size).toBeLessThanOrEqual(3);
  });

  it('finds expired entries behind a long-lived head when full', async () => {
    let now = 0;
    const s = new MemoryNonceStore({ maxEntries: 3, clock: () => now });
    await s.checkAndStore('long', 1000);
    await s.checkAndStore('x', 1);
    await s.checkAndStore('y', 1);
    now = 2;
    expect(await s.checkAndStore('z', 1)).toBe(true);
    expect(await s.checkAndStore('long', 1000)).toBe(false);
  });

  it('keeps memory bounded under steady churn (100k live keys, 300k calls)', async () => {
    let now = 0;
    const s = new MemoryNonceStore({ maxEntries: 100_000, clock: () => now });
    let accepted = 0;
    for (let i = 0; i < 300_000; i++) {
      now = i / 1000; // 1000 requests per second with a 100 s TTL: 100k live keys
      if (s.checkAndStoreSync(`k${i}`, 99.9)) accepted++;
    }
    expect(accepted).toBe(300_000);
    expect(s.size).toBeLessThanOrEqual(100_000);
    expect(s.checkAndStoreSync('k299999', 99.9)).toBe(false);
  });

  it('rejects bad arguments with typed errors', async () => {
    const s = new MemoryNonceStore();
    await expect(s.checkAndStore('a', 0)).rejects.toBeInstanceOf(HostsigError);
    await expect(s.checkAndStore(1 as unknown as string, 1)).rejects.toBeInstanceOf(HostsigError);
    expect(() => new MemoryNonceStore({ maxEntries: 0 })).toThrow(HostsigError);
  });
});
