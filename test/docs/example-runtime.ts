// What a doc example's `// =>` comments turn into (see extract.ts).
import { expect } from 'vitest';
import { HostsigError } from '../../src/core/errors.js';

/** `actual` is the value shown after `// =>`: a plain object is matched, anything else equal. */
export function __expect(actual: unknown, expected: unknown, shown: string): void {
  const plain = typeof expected === 'object' && expected !== null && Object.getPrototypeOf(expected) === Object.prototype;
  if (plain) expect(actual, `// => ${shown}`).toMatchObject(expected as object);
  else expect(actual, `// => ${shown}`).toEqual(expected);
}

/** The block throws a HostsigError with this code. */
export async function __throws(fn: () => Promise<void>, code: string): Promise<void> {
  let err: unknown;
  try {
    await fn();
  } catch (e) {
    err = e;
  }
  expect(err, `expected HostsigError ${code}`).toBeInstanceOf(HostsigError);
  expect((err as HostsigError).code).toBe(code);
}
