/**
 * JSON nesting measured by one pass before `JSON.parse` sees the text: `[[[[...` a megabyte deep
 * makes the native parser build every level before it fails, in more than linear time.
 * Internal: not exported from `hostsig/core`.
 */

/** True when `text` opens more than `maxDepth` nested arrays/objects (brackets in strings skipped). */
export function jsonDeeperThan(text: string, maxDepth: number): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // a string: skip to its closing quote
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) i++;
        else if (d === 0x22) break;
      }
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > maxDepth) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}
