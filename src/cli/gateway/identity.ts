/**
 * What the gateway adds to a verified request on its way upstream: the identity headers, and
 * the client's address as `X-Forwarded-For` and `trustedProxies` make it out.
 */
import { cidrContains, type IpCidr, parseIpAddress } from '../../core/ip.js';
import { decodeProtectedHeader } from '../../jwt/decode.js';
import { parseBearerAuth } from '../../schemes/hostbill/bearer.js';
import type { HostsigVerified } from '../../server/index.js';

/**
 * A header value from verified but client-chosen text: printable ASCII stays, a backslash and
 * everything else (controls, DEL, non-ASCII) become `\\` and `\uXXXX`, so the value can neither
 * break the header nor be read two ways.
 */
export function asciiHeader(s: string): string {
  return s.replace(/[^\x20-\x5b\x5d-\x7e]/g, (c) => (c === '\\' ? '\\\\' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

/** JSON with every non-ASCII (and DEL) character as `\uXXXX`: still the same JSON value, and a legal header. */
export function asciiJson(v: unknown): string {
  return JSON.stringify(v).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The JWT's `kid` when its (already verified) header has a string one. */
function bearerKid(authorization: string | undefined): string | undefined {
  try {
    const kid = decodeProtectedHeader(parseBearerAuth(authorization)).kid;
    return typeof kid === 'string' ? kid : undefined;
  } catch {
    return undefined;
  }
}

/** The identity of a verified request: scheme, subject, key, params (each absent when the scheme has none). */
export interface ForwardIdentity {
  scheme: string;
  subject?: string;
  key?: string;
  /** JSON, ASCII only. */
  params?: string;
}

export function identityOf(v: HostsigVerified): ForwardIdentity {
  switch (v.scheme) {
    case 'hostdime':
      return { scheme: 'hostdime', key: v.detail.publicKey, params: asciiJson(v.detail.params.toJS()) };
    case 'sixconnect': {
      const params = v.detail.params;
      return { scheme: 'sixconnect', key: v.detail.apiKey, ...(params !== undefined ? { params: asciiJson(params.toJS()) } : {}) };
    }
    case 'hostbill': {
      if (v.detail.method === 'basic') return { scheme: 'hostbill', subject: v.detail.username };
      const kid = bearerKid(v.request.headers['authorization']);
      return { scheme: 'hostbill', ...(v.detail.subject !== undefined ? { subject: v.detail.subject } : {}), ...(kid !== undefined ? { key: kid } : {}) };
    }
    case 'whm':
      return { scheme: 'whm', subject: v.detail.user, ...(v.detail.tokenName !== null && v.detail.tokenName !== undefined ? { key: v.detail.tokenName } : {}) };
    case 'hostkey':
      return { scheme: 'hostkey', subject: v.detail.subject };
  }
}

/** The identity as headers (names as sent upstream). */
export function identityHeaders(id: ForwardIdentity): [string, string][] {
  const out: [string, string][] = [['X-Hostsig-Scheme', id.scheme]];
  if (id.subject !== undefined) out.push(['X-Hostsig-Subject', asciiHeader(id.subject)]);
  if (id.key !== undefined) out.push(['X-Hostsig-Key', asciiHeader(id.key)]);
  if (id.params !== undefined) out.push(['X-Hostsig-Params', id.params]);
  return out;
}

// A header of 16 KiB holds at most ~8k hops; past this many, the rest is not looked at.
const MAX_HOPS = 64;

function trustedAddr(ip: string, trusted: readonly IpCidr[]): boolean {
  try {
    const a = parseIpAddress(ip);
    return trusted.some((r) => cidrContains(r, a));
  } catch {
    return false;
  }
}

/**
 * The client's address: the socket's, unless the socket is a trusted proxy; then the right-most
 * `X-Forwarded-For` hop that is not a trusted proxy (undefined when that hop is not an address:
 * nobody can say who the client is, so WHM whitelists and HostKey IP binding fail closed).
 */
export function clientAddress(socketIp: string | undefined, xff: string | undefined, trusted: readonly IpCidr[]): string | undefined {
  if (socketIp === undefined || trusted.length === 0 || xff === undefined || !trustedAddr(socketIp, trusted)) return socketIp;
  let end = xff.length;
  let client = socketIp;
  for (let n = 0; n < MAX_HOPS && end > 0; n++) {
    const comma = xff.lastIndexOf(',', end - 1);
    const hop = xff.slice(comma + 1, end).trim();
    end = comma === -1 ? 0 : comma;
    if (hop === '') continue;
    if (!trustedAddr(hop, trusted)) {
      try {
        parseIpAddress(hop);
        return hop;
      } catch {
        return undefined;
      }
    }
    client = hop;
  }
  return client;
}
