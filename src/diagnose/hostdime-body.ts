/**
 * HostDime: what the official clients' transports do to params between the hash and the body,
 * undone on the params the server read, so a diagnosis can re-derive what the client hashed.
 * Each rewrite returns its input itself when it changes nothing (the diagnosis then skips it
 * without encoding anything). Linear in the body: these run on unauthenticated requests.
 */
import { PhpArray, type PhpScalar, parseStr, phpIntKey, phpUrldecode, phpUrlencode } from '../core/index.js';

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

/** Every `""` leaf left out (a JS `undefined`, or a null filtered before hashing); `p` when there is none. */
export function dropEmpty(p: PhpArray): PhpArray {
  let out: PhpArray | null = null;
  for (const [k, v] of p) {
    const w = v instanceof PhpArray ? dropEmpty(v) : v;
    if (out === null && (w !== v || w === '')) out = copyUntil(p, k);
    if (out !== null && w !== '') out.set(k, w);
  }
  return out ?? p;
}

/** The top-level keys listed in `keys` whose value is `""`, set to `value`; `p` when none is. */
export function setTopLevel(p: PhpArray, keys: ReadonlySet<string>, value: null | false): PhpArray {
  let out: PhpArray | null = null;
  for (const [k, v] of p) {
    const hit = v === '' && keys.has(k);
    if (out === null && hit) out = copyUntil(p, k);
    out?.set(k, hit ? value : v);
  }
  return out ?? p;
}

/**
 * PHP's `array_merge($params, ...)`: top-level integer keys renumbered 0, 1, 2, ... in order,
 * string keys kept. `p` when the integer keys already are 0, 1, 2, ...
 */
export function renumbered(p: PhpArray): PhpArray {
  let next = 0;
  let changed = false;
  for (const k of p.keys()) {
    if (phpIntKey(k) === null) continue;
    if (k !== String(next++)) changed = true;
  }
  if (!changed) return p;
  const out = new PhpArray();
  for (const [k, v] of p) {
    if (phpIntKey(k) === null) out.set(k, v);
    else out.append(v);
  }
  return out;
}

/**
 * Lists with holes given their nulls back: `http_build_query` drops a null, so `[a, null, c]`
 * arrives as `0=a&2=c`. Only arrays whose keys are ascending small integers, at most about
 * twice as many as the entries, so a sparse index (`a[99999999]=x`) costs nothing.
 */
export function gapsFilled(p: PhpArray): PhpArray {
  let out: PhpArray | null = null;
  for (const [k, v] of p) {
    const w = v instanceof PhpArray ? gapsFilled(v) : v;
    if (out === null && w !== v) out = copyUntil(p, k);
    out?.set(k, w);
  }
  const a = out ?? p;
  return withNulls(a) ?? a;
}

function withNulls(a: PhpArray): PhpArray | null {
  let last = -1;
  for (const k of a.keys()) {
    const n = smallIndex(k);
    if (n === null || n <= last) return null;
    last = n;
  }
  if (last === a.size - 1 || last > 2 * a.size + 8) return null;
  const out = new PhpArray();
  for (let i = 0; i <= last; i++) out.set(i, a.get(i) ?? null);
  return out;
}

function smallIndex(k: string): number | null {
  if (k.length > 9 || phpIntKey(k) === null || k.startsWith('-')) return null;
  return Number(k);
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

/** Top-level names sent with no `=` at all (`flag&a=1`): Guzzle 3.9 writes false and null that way. */
export function bareNames(body: string): Set<string> {
  const out = new Set<string>();
  let start = 0;
  while (start <= body.length) {
    let amp = body.indexOf('&', start);
    if (amp === -1) amp = body.length;
    const seg = body.slice(start, amp);
    if (seg !== '' && !seg.includes('=')) {
      const entry = firstEntry(seg);
      if (entry && typeof entry[1] === 'string') out.add(entry[0]);
    }
    start = amp + 1;
  }
  return out;
}

function firstEntry(seg: string): [string, unknown] | undefined {
  try {
    return parseStr(seg, { maxVars: 1 }).entries().next().value;
  } catch {
    return undefined;
  }
}

const MAY_MANGLE = /[.+ [%]/;

// Stand-ins for names PHP would mangle: private-use code points, used only when absent.
const OPEN = '\uE000';
const CLOSE = '\uE001';

/**
 * The params as the client named them: PHP turns `.` and ` ` in a top-level name into `_`
 * (and drops leading spaces, and mangles all of a name whose `[` is never closed), so `a.b=1`
 * arrives as `$_POST['a_b']` while the client hashed `a.b`. Null when no name was mangled
 * (or the body holds the stand-in code points). Nesting, order and last-wins are PHP's: the
 * body is parsed by the same parser, with each mangled name swapped for a stand-in first.
 * @param body the raw form body
 * @param keep which unmangled top-level names are params (the api_* fields are not)
 */
export function unmangledParams(body: string, keep: (name: string) => boolean): PhpArray | null {
  const tokens = new Map<string, string>();
  const names = new Map<string, string>();
  const segs = body.split('&');
  for (let i = 0; i < segs.length; i++) {
    const seg = segs[i]!;
    const eq = seg.indexOf('=');
    const raw = eq === -1 ? seg : seg.slice(0, eq);
    // Only a name with '.', ' ', '[' (or an escape or '+' that may spell one) can be mangled.
    if (!MAY_MANGLE.test(raw)) continue;
    let name: string;
    try {
      name = phpUrldecode(raw);
    } catch {
      return null;
    }
    if (name.includes(OPEN) || name.includes(CLOSE)) return null;
    const nul = name.indexOf('\0');
    if (nul !== -1) name = name.slice(0, nul);
    const [base, rest] = splitName(name);
    if (!mangled(base)) continue;
    let token = tokens.get(base);
    if (token === undefined) {
      token = `${OPEN}${tokens.size}${CLOSE}`;
      tokens.set(base, token);
      names.set(token, base);
    }
    segs[i] = phpUrlencode(token + rest) + (eq === -1 ? '' : seg.slice(eq));
  }
  if (tokens.size === 0) return null;
  const out = new PhpArray();
  for (const [k, v] of parseStr(segs.join('&'), { maxVars: Infinity })) {
    const name = names.get(k) ?? k;
    if (keep(name)) out.set(name, v);
  }
  return out;
}

/** The top-level name and the `[...]` after it; all of it is the name when no `]` closes a `[`. */
function splitName(name: string): [string, string] {
  const open = name.indexOf('[');
  if (open === -1 || name.indexOf(']', open) === -1) return [name, ''];
  return [name.slice(0, open), name.slice(open)];
}

/** True when PHP would change this top-level name: a `.`, a space, a `[`, or leading spaces. */
function mangled(base: string): boolean {
  return base.includes('.') || base.includes(' ') || base.includes('[');
}
