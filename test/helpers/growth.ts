import { isHostsigError } from '../../src/core/errors.js';

// How a function's time grows with its input, for linear-time tests that hold on a noisy machine:
// the time of one call at n and at 10n, each the best of a few rounds of enough calls to be
// measurable. Linear code gives a ratio near 10, quadratic near 100; tests assert < 40.

function perCall(f: () => void): number {
  let calls = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < calls; i++) f();
    const dt = performance.now() - t0;
    if (dt >= 15 || calls >= 1 << 16) return dt / calls;
    calls *= 4;
  }
}

/** Time at 10n over time at n (best of `rounds` each). */
export function growth(make: (n: number) => () => void, n: number, rounds = 3): number {
  const small = make(n);
  const large = make(10 * n);
  let a = Infinity;
  let b = Infinity;
  for (let r = 0; r < rounds; r++) {
    a = Math.min(a, perCall(small));
    b = Math.min(b, perCall(large));
  }
  return b / a;
}

/** Runs `f`, swallowing a HostsigError (refusals must be fast too); anything else fails the test. */
export function attempt(f: () => unknown): () => void {
  return () => {
    try {
      f();
    } catch (e) {
      if (!isHostsigError(e)) throw e;
    }
  };
}
