import { expect } from 'vitest';

/** Every view of a thrown or returned value a log line could show. */
export function views(v: unknown): string[] {
  const out: string[] = [];
  try {
    out.push(JSON.stringify(v) ?? '');
  } catch {
    out.push('<unserializable>');
  }
  out.push(String(v));
  if (v instanceof Error) {
    out.push(v.message, v.stack ?? '', JSON.stringify((v as { details?: unknown }).details ?? null));
    if ('cause' in v) out.push(String(v.cause), JSON.stringify(v.cause ?? null));
  }
  if (v && typeof v === 'object') {
    for (const k of Reflect.ownKeys(v)) {
      const x = (v as Record<PropertyKey, unknown>)[k];
      try {
        out.push(typeof x === 'object' ? JSON.stringify(x) ?? '' : String(x));
      } catch {
        /* ignore */
      }
    }
  }
  return out;
}

/** Asserts no view of `v` contains any of `secrets`. */
export function expectNoSecret(v: unknown, secrets: readonly string[]): void {
  for (const s of secrets) {
    if (s.length < 4) continue;
    for (const text of views(v)) expect(text.includes(s), `secret leaked in ${text.slice(0, 200)}`).toBe(false);
  }
}

/** Runs `fn`, returning what it threw (or its value when it did not throw). */
export async function caught(fn: () => unknown): Promise<unknown> {
  try {
    return await fn();
  } catch (e) {
    return e;
  }
}
