import { HostsigError } from './errors.js';

/**
 * IP addresses and CIDR ranges, strictly parsed.
 *
 * Every address lives in one 128-bit space: IPv6 as itself, IPv4 `a.b.c.d` as the
 * IPv4-mapped `::ffff:a.b.c.d` (and an IPv4 prefix `/p` as `/p+96`). So an IPv4 range matches
 * a client that shows up IPv4-mapped on a dual-stack socket, a mapped range matches a plain
 * IPv4 client, and `::/0` matches every address, IPv4 included. `0.0.0.0/0` matches IPv4 only.
 *
 * Shared by the WHM whitelist and HostKey `fix_ip`, hence in core (schemes never import each
 * other).
 */

/** A parsed address: `family` as written (a mapped `::ffff:a.b.c.d` reports 4), `value` in the 128-bit space. */
export interface IpAddress {
  /** 4 for a dotted quad or an IPv4-mapped `::ffff:a.b.c.d`, 6 for any other IPv6 address. */
  readonly family: 4 | 6;
  /** The address as an unsigned 128-bit integer; IPv4 `a.b.c.d` is stored as `::ffff:a.b.c.d`. */
  readonly value: bigint;
}

/** A parsed range: `prefix` counts bits of the 128-bit space (an IPv4 `/8` is 104). */
export interface IpCidr {
  /** The family of the range's address as {@link IpAddress} reports it (an IPv4-mapped range is 4). */
  readonly family: 4 | 6;
  /** Network address (host bits cleared) in the 128-bit space. */
  readonly network: bigint;
  /** Prefix length in the 128-bit space, 0..128. */
  readonly prefix: number;
}

const MAPPED = 0xffffn << 32n;
const MAPPED_MASK = ((1n << 96n) - 1n) << 32n;
const ALL = (1n << 128n) - 1n;
const MAX_TEXT = 64;

function bad(what: string): never {
  throw new HostsigError('INVALID_ARGUMENT', `not a valid ${what}`);
}

/** Strict dotted quad: four decimal parts 0..255, no leading zeros, no sign, nothing else. */
function parseV4(s: string): bigint | null {
  const parts = s.split('.');
  if (parts.length !== 4) return null;
  let v = 0n;
  for (const p of parts) {
    if (!/^(?:0|[1-9][0-9]{0,2})$/.test(p)) return null;
    const n = Number(p);
    if (n > 255) return null;
    v = (v << 8n) | BigInt(n);
  }
  return v;
}

/** IPv6 text (RFC 4291 2.2): 8 groups of 1-4 hex digits, one `::`, an optional IPv4 tail. */
function parseV6(s: string): bigint | null {
  if (s.length < 2 || s.includes('%')) return null;
  const dbl = s.indexOf('::');
  if (dbl !== -1 && s.indexOf('::', dbl + 1) !== -1) return null;
  const groups: number[] = [];
  const parseSide = (side: string, allowV4Tail: boolean): number[] | null => {
    if (side === '') return [];
    const out: number[] = [];
    const parts = side.split(':');
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!;
      if (allowV4Tail && i === parts.length - 1 && p.includes('.')) {
        const v4 = parseV4(p);
        if (v4 === null) return null;
        out.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(p)) return null;
        out.push(parseInt(p, 16));
      }
    }
    return out;
  };
  if (dbl === -1) {
    const all = parseSide(s, true);
    if (all === null || all.length !== 8) return null;
    groups.push(...all);
  } else {
    const head = parseSide(s.slice(0, dbl), false);
    const tail = parseSide(s.slice(dbl + 2), true);
    // `::` stands for at least one group of zeros.
    if (head === null || tail === null || head.length + tail.length > 7) return null;
    groups.push(...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail);
  }
  let v = 0n;
  for (const g of groups) v = (v << 16n) | BigInt(g);
  return v;
}

/**
 * Parses one IP address: a strict dotted quad, or IPv6 with `::` compression and an optional
 * dotted-quad tail. Zone ids (`%eth0`), brackets, leading zeros in IPv4 parts, octal, hex and
 * short IPv4 forms are refused. `::ffff:a.b.c.d` (any spelling) reports family 4.
 * @param text the address
 * @throws HostsigError `INVALID_ARGUMENT` when `text` is not an address
 * @example
 * ```ts
 * import { parseIpAddress } from 'hostsig/core';
 *
 * parseIpAddress('::ffff:10.0.0.1').family // => 4
 * parseIpAddress('2001:db8::1').family // => 6
 * parseIpAddress('10.0.0.256') // => throws INVALID_ARGUMENT
 * ```
 */
export function parseIpAddress(text: string): IpAddress {
  if (typeof text !== 'string' || text.length === 0 || text.length > MAX_TEXT) bad('IP address');
  if (!text.includes(':')) {
    const v4 = parseV4(text);
    if (v4 === null) bad('IP address');
    return { family: 4, value: MAPPED | v4 };
  }
  const v6 = parseV6(text);
  if (v6 === null) bad('IP address');
  return { family: (v6 & MAPPED_MASK) === MAPPED ? 4 : 6, value: v6 };
}

/**
 * True when `text` parses with {@link parseIpAddress}.
 * @param text any value
 * @example
 * ```ts
 * import { isIpAddress } from 'hostsig/core';
 *
 * isIpAddress('192.0.2.1') // => true
 * isIpAddress('fe80::1%eth0') // => false
 * ```
 */
export function isIpAddress(text: unknown): boolean {
  try {
    parseIpAddress(text as string);
    return true;
  } catch {
    return false;
  }
}

/**
 * Parses `address/prefix` or a bare address (a full-length range). The prefix is decimal
 * without leading zeros, 0..32 after an IPv4 address and 0..128 after an IPv6 one (a mapped
 * `::ffff:a.b.c.d/p` counts in IPv6 bits, so `/96` is all of IPv4). Host bits may be set and
 * are cleared (`10.1.2.3/8` is `10.0.0.0/8`).
 * @param text the range
 * @throws HostsigError `INVALID_ARGUMENT` when `text` is not a range
 * @example
 * ```ts
 * import { parseCidr } from 'hostsig/core';
 *
 * // IPv4 ranges live in the IPv4-mapped part of one 128-bit space: /16 becomes /112.
 * parseCidr('192.168.0.0/16').prefix // => 112
 * parseCidr('2001:db8::/32').prefix // => 32
 * ```
 */
export function parseCidr(text: string): IpCidr {
  if (typeof text !== 'string' || text.length === 0 || text.length > MAX_TEXT + 4) bad('CIDR range');
  const slash = text.indexOf('/');
  const addrText = slash === -1 ? text : text.slice(0, slash);
  const addr = parseIpAddress(addrText);
  const v4Text = !addrText.includes(':');
  let prefix = 128;
  if (slash !== -1) {
    const p = text.slice(slash + 1);
    if (!/^(?:0|[1-9][0-9]{0,2})$/.test(p)) bad('CIDR prefix');
    const n = Number(p);
    if (n > (v4Text ? 32 : 128)) bad('CIDR prefix');
    prefix = v4Text ? n + 96 : n;
  }
  const mask = prefix === 0 ? 0n : (ALL >> BigInt(128 - prefix)) << BigInt(128 - prefix);
  return { family: addr.family, network: addr.value & mask, prefix };
}

/**
 * True when `address` lies inside `range`.
 * @param range a parsed range
 * @param address a parsed address
 * @example
 * ```ts
 * import { cidrContains, parseCidr, parseIpAddress } from 'hostsig/core';
 *
 * cidrContains(parseCidr('10.0.0.0/8'), parseIpAddress('::ffff:10.9.8.7')) // => true
 * cidrContains(parseCidr('10.0.0.0/8'), parseIpAddress('11.0.0.1')) // => false
 * ```
 */
export function cidrContains(range: IpCidr, address: IpAddress): boolean {
  const shift = BigInt(128 - range.prefix);
  return address.value >> shift === range.network >> shift;
}

/**
 * The canonical text of an address: dotted quad for IPv4 and mapped, RFC 5952 for IPv6.
 * @param address a parsed address
 * @example
 * ```ts
 * import { formatIpAddress, parseIpAddress } from 'hostsig/core';
 *
 * formatIpAddress(parseIpAddress('2001:0db8:0:0:0:0:0:1')) // => '2001:db8::1'
 * formatIpAddress(parseIpAddress('::ffff:10.0.0.1')) // => '10.0.0.1'
 * ```
 */
export function formatIpAddress(address: IpAddress): string {
  const v = address.value;
  if ((v & MAPPED_MASK) === MAPPED) {
    const n = Number(v & 0xffffffffn);
    return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
  }
  const g: number[] = [];
  for (let i = 7; i >= 0; i--) g.push(Number((v >> BigInt(i * 16)) & 0xffffn));
  // Longest run (>= 2) of zero groups, first one on a tie.
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = g.map((x) => x.toString(16));
  if (best === -1) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}
