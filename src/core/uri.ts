/**
 * Character-level helpers for request targets, shared by the scheme parsers that read paths
 * and escapes by index (no regex). Internal: not exported from `hostsig/core`.
 */

/** The value of a hex digit's char code (either case), or -1. */
export function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const l = c | 0x20;
  return l >= 0x61 && l <= 0x66 ? l - 0x61 + 10 : -1;
}

/** Where a request target's path ends: at its first `?` or `#`, else its length. */
export function pathEnd(target: string): number {
  for (let i = 0; i < target.length; i++) {
    const c = target.charCodeAt(i);
    if (c === 0x3f || c === 0x23) return i;
  }
  return target.length;
}
