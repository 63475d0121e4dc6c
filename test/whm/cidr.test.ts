import { isIP } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HostsigError } from '../../src/core/errors.js';
import { cidrContains, formatIpAddress, ipAllowed, parseCidr, parseIpAddress } from '../../src/schemes/whm/index.js';

/** 128 bits, most significant first, of a v4 (mapped into ::ffff:0:0/96) or v6 byte array. */
function bits128(bytes: number[]): number[] {
  const full = bytes.length === 4 ? [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, ...bytes] : bytes;
  const out: number[] = [];
  for (const b of full) for (let i = 7; i >= 0; i--) out.push((b >> i) & 1);
  return out;
}

/** Brute-force reference: the first `prefix` bits agree, one by one. */
function refContains(net: number[], prefix: number, addr: number[]): boolean {
  const a = bits128(addr);
  const n = bits128(net);
  const p = net.length === 4 ? prefix + 96 : prefix;
  for (let i = 0; i < p; i++) if (a[i] !== n[i]) return false;
  return true;
}

const v4 = (b: number[]) => b.join('.');
/** IPv6 spellings, none produced by hostsig: full with random leading zeros and case, WHATWG-compressed, mixed tail. */
function v6Spellings(b: number[], pad: number, upper: boolean): string[] {
  const groups = [];
  for (let i = 0; i < 16; i += 2) groups.push(((b[i]! << 8) | b[i + 1]!).toString(16).padStart(pad, '0'));
  const full = groups.join(':');
  const compressed = new URL(`http://[${full}]/`).hostname.slice(1, -1);
  const mixed = `${groups.slice(0, 6).join(':')}:${b.slice(12).join('.')}`;
  return [upper ? full.toUpperCase() : full, compressed, mixed];
}

const byteArr = (n: number) => fc.array(fc.integer({ min: 0, max: 255 }), { minLength: n, maxLength: n });
// Addresses that often share a prefix with the network, so both outcomes are exercised.
const near = (net: number[]) =>
  fc.tuple(fc.integer({ min: 0, max: net.length * 8 }), byteArr(net.length)).map(([keep, rnd]) => net.map((x, i) => (i * 8 + 8 <= keep ? x : i * 8 >= keep ? rnd[i]! : (x & (0xff << (8 - (keep % 8)))) | (rnd[i]! & (0xff >> keep % 8)))));

describe('CIDR matcher', () => {
  it('agrees with a bit-by-bit reference on IPv4', () => {
    fc.assert(
      fc.property(byteArr(4).chain((net) => fc.tuple(fc.constant(net), fc.integer({ min: 0, max: 32 }), near(net))), ([net, prefix, addr]) => {
        const expected = refContains(net, prefix, addr);
        const range = parseCidr(`${v4(net)}/${prefix}`);
        expect(cidrContains(range, parseIpAddress(v4(addr)))).toBe(expected);
        // IPv4-mapped client, both ways.
        expect(cidrContains(range, parseIpAddress(`::ffff:${v4(addr)}`))).toBe(expected);
        expect(cidrContains(parseCidr(`::ffff:${v4(net)}/${prefix + 96}`), parseIpAddress(v4(addr)))).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('agrees with a bit-by-bit reference on IPv6, in every spelling', () => {
    fc.assert(
      fc.property(
        byteArr(16).chain((net) => fc.tuple(fc.constant(net), fc.integer({ min: 0, max: 128 }), near(net), fc.integer({ min: 1, max: 4 }), fc.boolean())),
        ([net, prefix, addr, pad, upper]) => {
          const expected = refContains(net, prefix, addr);
          for (const n of v6Spellings(net, pad, upper))
            for (const a of v6Spellings(addr, pad, !upper)) expect(cidrContains(parseCidr(`${n}/${prefix}`), parseIpAddress(a))).toBe(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a bare address is a full-length range; /0 matches its whole family space', () => {
    expect(ipAllowed('10.0.0.1', ['10.0.0.1'])).toBe(true);
    expect(ipAllowed('10.0.0.2', ['10.0.0.1'])).toBe(false);
    expect(ipAllowed('2001:db8::1', ['2001:db8::1'])).toBe(true);
    expect(ipAllowed('2001:db8::2', ['2001:db8::1'])).toBe(false);
    expect(ipAllowed('255.255.255.255', ['0.0.0.0/0'])).toBe(true);
    expect(ipAllowed('2001:db8::1', ['0.0.0.0/0'])).toBe(false);
    expect(ipAllowed('2001:db8::1', ['::/0'])).toBe(true);
    expect(ipAllowed('1.2.3.4', ['::/0'])).toBe(true);
    expect(ipAllowed('1.2.3.4', ['::ffff:0:0/96'])).toBe(true);
    expect(ipAllowed('::ffff:1.2.3.4', ['1.2.3.4/32'])).toBe(true);
    expect(ipAllowed('::FFFF:0102:0304', ['1.2.3.4'])).toBe(true);
    expect(ipAllowed('1.2.3.4', ['::1.2.3.4'])).toBe(false); // IPv4-compatible is not mapped
    expect(ipAllowed('10.255.0.1', ['10.1.2.3/8'])).toBe(true); // host bits cleared
    expect(ipAllowed('10.0.0.1', [])).toBe(false);
  });

  it('parses compression at every position', () => {
    expect(parseIpAddress('::').value).toBe(0n);
    expect(parseIpAddress('::1').value).toBe(1n);
    expect(parseIpAddress('1::').value).toBe(1n << 112n);
    expect(parseIpAddress('1:2:3:4:5:6:7::').value).toBe(parseIpAddress('1:2:3:4:5:6:7:0').value);
    expect(parseIpAddress('::2:3:4:5:6:7:8').value).toBe(parseIpAddress('0:2:3:4:5:6:7:8').value);
    expect(formatIpAddress(parseIpAddress('2001:0db8:0000:0000:0000:0000:0000:0001'))).toBe('2001:db8::1');
    expect(formatIpAddress(parseIpAddress('::ffff:7f00:1'))).toBe('127.0.0.1');
  });

  const badAddr = [
    '', '1.2.3', '1.2.3.4.5', '01.2.3.4', '1.2.3.04', '256.1.1.1', '1.2.3.-1', '0x1.2.3.4', '1.2.3.4 ', ' 1.2.3.4', '1e2.1.1.1',
    '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7', '1::2::3', ':::', ':1:2:3:4:5:6:7', '1:2:3:4:5:6:7:', '12345::', 'g::',
    'fe80::1%eth0', 'fe80::1%25eth0', '[::1]', '::ffff:1.2.3', '::ffff:01.2.3.4', '1:2:3:4:5:6:7:1.2.3.4', '1.2.3.4::', '::1.2.3.4:5',
    '1:2:3:4:5:6:7:8::', '١.٢.٣.٤',
  ];
  it.each(badAddr)('refuses address %j', (a) => {
    expect(() => parseIpAddress(a)).toThrow(HostsigError);
  });

  const badCidr = ['1.2.3.4/33', '1.2.3.4/-1', '1.2.3.4/', '1.2.3.4/08', '::/129', '::/1.0', '1.2.3.4/8/8', '/8', '1.2.3.4/ 8'];
  it.each(badCidr)('refuses range %j', (c) => {
    expect(() => parseCidr(c)).toThrow(HostsigError);
  });

  it('accepts exactly what node:net accepts (zone ids aside) on random address-like strings', () => {
    const ch = fc.constantFrom(...'0123456789abcdefABCDEF:.'.split(''), '::', '::ffff:', '1.2.3.4', '255', '0');
    fc.assert(
      fc.property(fc.array(ch, { maxLength: 16 }).map((a) => a.join('')), (s) => {
        let ours = true;
        try {
          parseIpAddress(s);
        } catch (e) {
          expect(e).toBeInstanceOf(HostsigError);
          ours = false;
        }
        expect(ours).toBe(isIP(s) !== 0);
      }),
      { numRuns: 3000 },
    );
  });

  it('arbitrary strings only ever produce HostsigError', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        for (const f of [parseIpAddress, parseCidr]) {
          try {
            f(s);
          } catch (e) {
            expect(e).toBeInstanceOf(HostsigError);
          }
        }
      }),
    );
  });
});
