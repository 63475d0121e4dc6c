// The HostsigError code a call throws, for tests that compare codes. Anything else thrown (a
// TypeError from deep inside) is rethrown, so the test fails on it.
import { isHostsigError } from '../../src/core/errors.js';

/** The code `f` throws, or 'ok' when it returns. */
export function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (!isHostsigError(e)) throw e;
    return e.code;
  }
  return 'ok';
}

/** The code `p` (or what `f` returns) rejects with, or 'ok' when it resolves. */
export async function codeOfAsync(p: Promise<unknown> | (() => unknown)): Promise<string> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    if (!isHostsigError(e)) throw e;
    return e.code;
  }
  return 'ok';
}
