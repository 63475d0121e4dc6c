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
 * ```ts
 * import { parseJsonStrict } from 'hostsig/jwt';
 *
 * parseJsonStrict('{"a":1}') // => { a: 1 }
 * parseJsonStrict('{"a":1,"a":2}') // => throws JWT_MALFORMED
 * ```
 */
export function parseJsonStrict(text: string, what = 'JSON', maxDepth = 32): unknown {
  const scan = new StrictScan(text, what, maxDepth);
  scan.value(0);
  scan.ws();
  if (scan.i !== text.length) scan.fail('trailing data');
  return JSON.parse(text) as unknown;
}

/** One pass over the text: every method leaves `i` after what it read, or throws. */
class StrictScan {
  i = 0;

  constructor(
    readonly text: string,
    readonly what: string,
    readonly maxDepth: number,
  ) {}

  fail(msg: string): never {
    throw new HostsigError('JWT_MALFORMED', `${this.what}: ${msg} at offset ${this.i}`);
  }

  ws(): void {
    const { text } = this;
    while (this.i < text.length) {
      const c = text.charCodeAt(this.i);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) this.i++;
      else break;
    }
  }

  /** A string at `i` (on its opening quote), unescaped. */
  string(): string {
    const { text } = this;
    const start = this.i++;
    let escaped = false;
    while (this.i < text.length) {
      const c = text.charCodeAt(this.i);
      if (c === 0x22) {
        const raw = text.slice(start, ++this.i);
        return escaped ? (JSON.parse(raw) as string) : raw.slice(1, -1);
      }
      if (c === 0x5c) {
        escaped = true;
        const e = text[this.i + 1];
        if (e !== undefined && '"\\/bfnrt'.includes(e)) this.i += 2;
        else if (e === 'u' && HEX4_RE.test(text.slice(this.i + 2, this.i + 6))) this.i += 6;
        else this.fail('bad escape in string');
        continue;
      }
      if (c < 0x20) this.fail('control character in string');
      this.i++;
    }
    return this.fail('unterminated string');
  }

  /** After a member or element: true at `,` (more follow), false at `close`. */
  next(close: string): boolean {
    this.ws();
    const c = this.text[this.i++];
    if (c === ',') return true;
    if (c === close) return false;
    this.i--;
    return this.fail(`expected "," or "${close}"`);
  }

  /** `true` when the container closes right away (`{}`, `[]`). */
  opens(depth: number, close: string): boolean {
    if (depth >= this.maxDepth) this.fail('nested too deeply');
    this.i++;
    this.ws();
    if (this.text[this.i] !== close) return false;
    this.i++;
    return true;
  }

  object(depth: number): void {
    if (this.opens(depth, '}')) return;
    const keys = new Set<string>();
    do {
      this.ws();
      if (this.text[this.i] !== '"') this.fail('expected a string key');
      const key = this.string();
      if (keys.has(key)) this.fail(`duplicate key ${JSON.stringify(key).slice(0, 40)}`);
      keys.add(key);
      this.ws();
      if (this.text[this.i] !== ':') this.fail('expected ":"');
      this.i++;
      this.value(depth + 1);
    } while (this.next('}'));
  }

  array(depth: number): void {
    if (this.opens(depth, ']')) return;
    do this.value(depth + 1);
    while (this.next(']'));
  }

  value(depth: number): void {
    this.ws();
    const c = this.text[this.i];
    if (c === '{') this.object(depth);
    else if (c === '[') this.array(depth);
    else if (c === '"') this.string();
    else if (c === 't') this.literal('true');
    else if (c === 'f') this.literal('false');
    else if (c === 'n') this.literal('null');
    else {
      NUMBER_RE.lastIndex = this.i;
      if (!NUMBER_RE.test(this.text)) this.fail('unexpected token');
      this.i = NUMBER_RE.lastIndex;
    }
  }

  literal(word: string): void {
    if (this.text.startsWith(word, this.i)) this.i += word.length;
    else this.fail('unexpected token');
  }
}

/** True for a JSON object (not null, not an array). */
export function isJsonObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
