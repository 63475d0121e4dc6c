import { HostsigError } from '../../core/errors.js';
import { cidrContains, type IpAddress, type IpCidr, parseCidr, parseIpAddress } from '../../core/ip.js';

export { cidrContains, formatIpAddress, isIpAddress, parseCidr, parseIpAddress, type IpAddress, type IpCidr } from '../../core/ip.js';

/**
 * True when `ip` matches one entry of a `whitelist_ips` list (addresses or CIDR ranges, IPv4
 * or IPv6; IPv4-mapped IPv6 matches IPv4 both ways). An empty list allows nothing here:
 * callers treat "no whitelist" before calling.
 * @param ip the client address
 * @param list addresses and ranges
 * @throws HostsigError `INVALID_ARGUMENT` when `ip` or an entry does not parse
 * @example ipAllowed('10.1.2.3', ['10.0.0.0/8', '2001:db8::/32']) // true
 */
export function ipAllowed(ip: string | IpAddress, list: readonly (string | IpCidr)[]): boolean {
  const addr = typeof ip === 'string' ? parseIpAddress(ip) : ip;
  if (!Array.isArray(list)) throw new HostsigError('INVALID_ARGUMENT', '"list" expected an array');
  let hit = false;
  for (const entry of list) {
    const range = typeof entry === 'string' ? parseCidr(entry) : entry;
    if (cidrContains(range, addr)) hit = true;
  }
  return hit;
}
