/**
 * HostDime: what the official clients' transports do to params between the hash and the body,
 * undone on the params the server read, so a diagnosis can re-derive what the client hashed.
 * Each rewrite returns its input itself when it changes nothing (the diagnosis then skips it
 * without encoding anything). Linear in the body: these run on unauthenticated requests.
 */
import { PhpArray, type PhpScalar } from '../core/index.js';

/** `fn` over every scalar leaf; `p` itself when no leaf changes. */
export function rewriteLeaves(p: PhpArray, fn: (v: PhpScalar) => PhpScalar): PhpArray {
  let out: PhpArray | null = null;
  for (const [k, v] of p) {
    const w = v instanceof PhpArray ? rewriteLeaves(v, fn) : fn(v);
    if (out === null && w !== v) out = copyUntil(p, k);
    out?.set(k, w);
  }
  return out ?? p;
}

/** A new array holding `p`'s entries before key `stop`. */
function copyUntil(p: PhpArray, stop: string): PhpArray {
  const out = new PhpArray();
  for (const [k, v] of p) {
    if (k === stop) break;
    out.set(k, v);
  }
  return out;
}
