import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { HostsigError } from '../../src/core/errors.js';
import { digestWhmToken, generateWhmToken, isWhmToken } from '../../src/schemes/whm/index.js';

describe('WHM tokens', () => {
  it('generates 32 characters of [A-Z0-9]', () => {
    for (let i = 0; i < 200; i++) expect(generateWhmToken()).toMatch(/^[A-Z0-9]{32}$/);
  });

  it('maps bytes by rejection sampling: >= 252 is skipped, the rest mod 36', () => {
    // Bytes 252..255 must be dropped; 0 -> 'A', 35 -> '9', 36 -> 'A', 251 -> '9' (251 % 36 = 35).
    const feed = [252, 253, 254, 255, 0, 35, 36, 251, 25, 26];
    let n = 0;
    const rnd = (len: number) => Uint8Array.from({ length: len }, () => feed[n++ % feed.length]!);
    const t = generateWhmToken(rnd);
    expect(t.slice(0, 6)).toBe('A9A9Z0');
    expect(t).toHaveLength(32);
  });

  it('is uniform over the 36 characters (chi-square)', () => {
    const counts = new Map<string, number>();
    const N = 2000;
    for (let i = 0; i < N; i++) for (const c of generateWhmToken()) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect(counts.size).toBe(36);
    const expected = (N * 32) / 36;
    let chi = 0;
    for (const v of counts.values()) chi += (v - expected) ** 2 / expected;
    // 35 degrees of freedom: P(chi2 > 80) is about 1e-5; a mod-256 bias would give ~600.
    expect(chi).toBeLessThan(80);
  });

  it('fails cleanly on a broken random source', () => {
    expect(() => generateWhmToken(() => new Uint8Array(48).fill(255))).toThrow(HostsigError);
  });

  it('digests with SHA-256 hex (node:crypto oracle)', () => {
    const t = 'U7HMR63FGY292DQZ4H5BFH16JLYMO01M';
    expect(digestWhmToken(t)).toBe(createHash('sha256').update(t, 'utf8').digest('hex'));
    expect(() => digestWhmToken('')).toThrow(HostsigError);
    expect(() => digestWhmToken(5 as unknown as string)).toThrow(HostsigError);
  });

  it('isWhmToken', () => {
    expect(isWhmToken('U7HMR63FGY292DQZ4H5BFH16JLYMO01M')).toBe(true);
    expect(isWhmToken('u7HMR63FGY292DQZ4H5BFH16JLYMO01M')).toBe(false);
    expect(isWhmToken(null)).toBe(false);
  });
});
