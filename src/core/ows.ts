/**
 * HTTP optional whitespace (RFC 9110 5.6.3: SP and HTAB), trimmed by index scans. A regex like
 * `/^[ \t]+|[ \t]+$/` re-scans every run of blanks from each of its positions: quadratic on a
 * header of many blanks followed by anything else, which any client can send before auth.
 * Also which scheme names an error may echo. Internal: not exported from `hostsig/core`.
 */

function isOws(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

/** `s` without leading and trailing SP/HTAB, in one pass from each end. */
export function trimOws(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && isOws(s.charCodeAt(a))) a++;
  while (b > a && isOws(s.charCodeAt(b - 1))) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

/** The index of the first SP/HTAB at or after `from`, or -1. */
export function indexOfOws(s: string, from = 0): number {
  for (let i = from; i < s.length; i++) if (isOws(s.charCodeAt(i))) return i;
  return -1;
}

// Registered HTTP authentication schemes (IANA) and common de-facto ones: only these are named
// back in an error's details. Any other first word may be a misplaced credential
// (`Authorization: TOKEN user`, a Basic value without `Basic `), which must never be echoed.
const KNOWN_SCHEMES = new Set(['basic', 'bearer', 'digest', 'dpop', 'gnap', 'hoba', 'mutual', 'negotiate', 'ntlm', 'oauth', 'privatetoken', 'scram-sha-1', 'scram-sha-256', 'vapid', 'concealed', 'token', 'apikey', 'aws4-hmac-sha256', 'whm', 'cpanel']);

/** `{ scheme }` for an error's details when `word` is a known auth scheme, else `{}`. */
export function authSchemeDetails(word: string): { scheme?: string } {
  return KNOWN_SCHEMES.has(word.toLowerCase()) ? { scheme: word } : {};
}
