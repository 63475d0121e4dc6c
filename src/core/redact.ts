/**
 * Secrets scrubbed out of text a provider (or a proxy) sent back: an error that echoes the
 * request must not carry the caller's password, token or API key into an error or a log.
 * Internal: not exported from `hostsig/core`.
 */
import { phpUrlencode } from './php/query.js';

/** The spellings a secret takes in an echoed request: raw, form- and percent-encoded, JSON-escaped once and twice. */
function secretForms(s: string): string[] {
  const once = JSON.stringify(s).slice(1, -1);
  return [...new Set([s, once, JSON.stringify(once).slice(1, -1), encodeURIComponent(s), phpUrlencode(s)])].filter((f) => f.length >= 3);
}

/**
 * `text` with every form of every secret replaced by `[redacted]`. Provider texts are cut at
 * some length, so a secret cut off at the end is redacted by its prefix (3 characters or more).
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) {
    for (const f of secretForms(s)) {
      out = out.split(f).join('[redacted]');
      for (let k = Math.min(f.length - 1, out.length); k >= 3; k--) {
        if (out.endsWith(f.slice(0, k))) {
          out = `${out.slice(0, out.length - k)}[redacted]`;
          break;
        }
      }
    }
  }
  return out;
}
