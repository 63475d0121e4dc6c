/**
 * A strict JSON reader for JWT headers and claims. Internal to `hostsig/jwt`.
 *
 * `JSON.parse` silently keeps the last of two equal keys, so `{"alg":"RS256","alg":"none"}`
 * means different things to different parsers. This scanner walks the text once, refuses
 * duplicate keys (compared after unescaping), nesting deeper than `maxDepth`, and anything
 * RFC 8259 does not allow; only then is the text handed to `JSON.parse`, which builds plain
 * objects with `CreateDataProperty`, so a `"__proto__"` key is an own property and never
 * touches `Object.prototype`.
 */
import { HostsigError } from '../core/errors.js';

const NUMBER_RE = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const HEX4_RE = /^[0-9a-fA-F]{4}$/;

/**
 * Parses JSON text, refusing duplicate object keys and deep nesting.
 * @param text JSON text
 * @param what name used in error messages ("header", "payload")
 * @param maxDepth deepest nesting of objects and arrays allowed (default 32)
 * @throws HostsigError `JWT_MALFORMED`
 * @example
 * parseJsonStrict('{"a":1,"a":2}') // throws JWT_MALFORMED (duplicate key)
 */
export function parseJsonStrict(text: string, what = 'JSON', maxDepth = 32): unknown {
  let i = 0;
  const n = text.length;
  const fail = (msg: string): never => {
    throw new HostsigError('JWT_MALFORMED', `${what}: ${msg} at offset ${i}`);
  };
  const ws = (): void => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) i++;
      else break;
    }
  };
  const string = (): string => {
    const start = i;
    i++; // opening quote
    let escaped = false;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        const raw = text.slice(start, i);
        return escaped ? (JSON.parse(raw) as string) : raw.slice(1, -1);
      }
      if (c === 0x5c) {
        escaped = true;
        const e = text[i + 1];
        if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else if (e === 'u' && HEX4_RE.test(text.slice(i + 2, i + 6))) i += 6;
        else fail('bad escape in string');
        continue;
      }
      if (c < 0x20) fail('control character in string');
      i++;
    }
    return fail('unterminated string');
  };
  const literal = (word: string): void => {
    if (text.startsWith(word, i)) i += word.length;
    else fail('unexpected token');
  };
  const value = (depth: number): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      if (depth >= maxDepth) fail('nested too deeply');
      i++;
      const keys = new Set<string>();
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('expected a string key');
        const key = string();
        if (keys.has(key)) fail(`duplicate key ${JSON.stringify(key).slice(0, 40)}`);
        keys.add(key);
        ws();
        if (text[i] !== ':') fail('expected ":"');
        i++;
        value(depth + 1);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return;
        }
        fail('expected "," or "}"');
      }
    } else if (c === '[') {
      if (depth >= maxDepth) fail('nested too deeply');
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value(depth + 1);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return;
        }
        fail('expected "," or "]"');
      }
    } else if (c === '"') {
      string();
    } else if (c === 't') {
      literal('true');
    } else if (c === 'f') {
      literal('false');
    } else if (c === 'n') {
      literal('null');
    } else {
      NUMBER_RE.lastIndex = i;
      if (!NUMBER_RE.test(text)) fail('unexpected token');
      i = NUMBER_RE.lastIndex;
    }
  };
  value(0);
  ws();
  if (i !== n) fail('trailing data');
  return JSON.parse(text) as unknown;
}

/** True for a JSON object (not null, not an array). */
export function isJsonObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
