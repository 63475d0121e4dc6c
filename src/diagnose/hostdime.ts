/**
 * HostDime: the mistakes real implementations make when building api_hash, each re-derived
 * from the request as the server sees it.
 */
import { jsJsonStringify, phpIntKey, phpJsonString, type PhpScalar, type PhpValue } from '../core/index.js';
import { canonicalHostDime, hashHostDime, hostDimeDoubleJson, hostDimePathToMethod, PhpArray, parseStr, phpJsonEncode, typedHostDimeValue } from '../schemes/hostdime/index.js';
import { bareNames, dropEmpty, gapsFilled, renumbered, rewriteLeaves, setTopLevel, unmangledParams } from './hostdime-body.js';
import { type Candidate, type DiagnoseReport, type Mistake, runMistakes } from './types.js';

export interface HostDimeDiagnoseInput {
  /** The raw form body as received. */
  body: string;
  /** Request path (`/v1/domain/list.json`), unless `method` is given. */
  path?: string;
  method?: string;
  privateKey: string;
  /** The hash to explain; default the body's api_hash. */
  received?: string;
}

export interface HostDimeCtx {
  /** The raw form body (what $_POST does not show: bare names, names before mangling). */
  body: string;
  params: PhpArray;
  all: PhpArray;
  ts: string;
  unique: string;
  privateKey: string;
  method: string;
  prefix: string;
  expected: string;
  path: string;
}

/** JSON text with `\/` written as `/` (PHP's JSON_UNESCAPED_SLASHES). */
export function unescapeSlashes(json: string): string {
  let out = '';
  for (let i = 0; i < json.length; i++) {
    const c = json[i]!;
    if (c === '\\') {
      const n = json[i + 1];
      out += n === '/' ? '/' : c + (n ?? '');
      i++;
    } else out += c;
  }
  return out;
}

/** JSON text with non-ASCII `\uXXXX` written raw (PHP's JSON_UNESCAPED_UNICODE; U+2028/9 stay escaped). */
export function unescapeUnicode(json: string): string {
  let out = '';
  for (let i = 0; i < json.length; i++) {
    const c = json[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const n = json[i + 1];
    if (n === 'u') {
      const code = parseInt(json.slice(i + 2, i + 6), 16);
      if (code >= 0x80 && code !== 0x2028 && code !== 0x2029) {
        out += String.fromCharCode(code);
        i += 5;
        continue;
      }
    }
    out += c + (n ?? '');
    i++;
  }
  return out;
}

/** Python's `json.dumps` string literal with `ensure_ascii=True`: `/` raw, non-ASCII and DEL as `\uXXXX`. */
function pyString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c === 0x08) out += '\\b';
    else if (c === 0x0c) out += '\\f';
    else if (c < 0x20 || c > 0x7e) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += s[i];
  }
  return `${out}"`;
}

/** Python `json.dumps(v)` with its default separators `", "` and `": "`. */
export function pyDumps(v: PhpValue): string {
  if (typeof v === 'string') return pyString(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v === null) return 'null';
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  if (v.isList()) return `[${[...v.values()].map(pyDumps).join(', ')}]`;
  return `{${[...v.entries()].map(([k, x]) => `${pyString(k)}: ${pyDumps(x)}`).join(', ')}}`;
}

function sortKeys(a: PhpArray, deep: boolean): PhpArray {
  const keys = [...a.keys()].sort((x, y) => {
    const xi = phpIntKey(x);
    const yi = phpIntKey(y);
    if (xi !== null && yi !== null) return xi < yi ? -1 : xi > yi ? 1 : 0;
    return x < y ? -1 : x > y ? 1 : 0;
  });
  const out = new PhpArray();
  for (const k of keys) {
    const v = a.get(k)!;
    out.set(k, deep && v instanceof PhpArray ? sortKeys(v, true) : v);
  }
  return out;
}

function phpDouble(params: PhpValue, flags: { slashes?: boolean; unicode?: boolean; force?: boolean } = {}): string {
  const post = (s: string) => {
    let r = s;
    if (flags.slashes) r = unescapeSlashes(r);
    if (flags.unicode) r = unescapeUnicode(r);
    return r;
  };
  const inner = post(phpJsonEncode(params, { forceObject: flags.force !== false }));
  return post(phpJsonString(inner));
}

function cand(ctx: HostDimeCtx, label: string, json: string, prefix = ctx.prefix) {
  const signed = prefix + json;
  return { label, signed, hash: hashHostDime(signed) };
}

// ---- Derivations as parts: each part is one finding (or none: what the verifier accepts) ----

/** One part of a mistaken derivation; `finding` is the mistake it stands for, none when the verifier accepts it. */
interface Part {
  readonly finding?: string;
  readonly label: string;
}

/** A change to the params before encoding; returns `p` itself when it changes nothing. */
interface Step extends Part {
  apply(p: PhpArray, ctx: HostDimeCtx): PhpArray;
}

/** How the params become the JSON part of the hashed string. */
interface Encoding extends Part {
  encode(p: PhpArray): string;
  /** Encodings this one adds to: it is only a finding where it differs from each of them. */
  readonly within?: readonly Encoding[];
}

interface Recipe {
  readonly steps: readonly Step[];
  readonly encoding: Encoding;
}

const PHP: Encoding = { label: 'json_encode twice', encode: (p) => phpDouble(p) };
const JS: Encoding = { finding: 'js-dialect', label: 'JSON.stringify twice', encode: (p) => JSON.stringify(jsJsonStringify(p, { topLevelObject: true })) };
/** hdcore-rb's `params.to_json.to_json`: a finding only where it differs from the Node client's bytes. */
const RUBY: Encoding = { finding: 'ruby-dialect', label: 'to_json twice', encode: (p) => hostDimeDoubleJson(p, 'ruby'), within: [JS] };
const SINGLE_PHP: Encoding = { finding: 'single-encode', label: 'json_encode($params, JSON_FORCE_OBJECT) once', encode: (p) => phpJsonEncode(p, { forceObject: true }) };
const SINGLE_JS: Encoding = { finding: 'single-encode', label: 'JSON.stringify(params) once', encode: (p) => jsJsonStringify(p, { topLevelObject: true }) };
/** A Python client's params are a dict: an object at the top even when empty or list-shaped. */
const pyParams = (p: PhpArray) => `{${[...p.entries()].map(([k, v]) => `${pyDumps(k)}: ${pyDumps(v)}`).join(', ')}}`;
const PYTHON: Encoding = { finding: 'python-separators', label: 'json.dumps(json.dumps(params))', encode: (p) => pyDumps(pyParams(p)) };
const SLASHES: Encoding = { finding: 'unescaped-slashes', label: 'JSON_UNESCAPED_SLASHES on both encodes', encode: (p) => phpDouble(p, { slashes: true }) };
const UNICODE: Encoding = { finding: 'unescaped-unicode', label: 'JSON_UNESCAPED_UNICODE on both encodes', encode: (p) => phpDouble(p, { unicode: true }) };
const BOTH_FLAGS: Encoding = {
  finding: 'unescaped-slashes-unicode',
  label: 'both flags on both encodes',
  encode: (p) => phpDouble(p, { slashes: true, unicode: true }),
  within: [SLASHES, UNICODE],
};
const NO_FORCE: Encoding = { finding: 'no-force-object', label: 'json_encode(json_encode($params))', encode: (p) => phpDouble(p, { force: false }) };

const leaves = (finding: string | undefined, label: string, fn: (v: PhpScalar) => PhpScalar): Step => ({
  ...(finding !== undefined ? { finding } : {}),
  label,
  apply: (p) => rewriteLeaves(p, fn),
});

/** Numbers hashed as numbers: the verifier accepts it (typedNumbers), so it is no finding. */
const NUMBERS = leaves(undefined, 'numbers typed', typedHostDimeValue);
/** http_build_query sends true/false as 1/0. */
const BOOLS = leaves('typed-values', '"1"/"0" hashed as true/false', (v) => (v === '1' ? true : v === '0' ? false : v));
/** Guzzle 3 sends true as 1 (false goes bare, see BARE_FALSE). */
const TRUE_ONLY = leaves('typed-values', '"1" hashed as true', (v) => (v === '1' ? true : v));
/** Node's querystring and URLSearchParams send booleans as the words. */
const BOOL_WORDS = leaves('typed-values', '"true"/"false" hashed as booleans', (v) => (v === 'true' ? true : v === 'false' ? false : v));

const EMPTY_NULL = leaves('null-params', 'empty values hashed as null', (v) => (v === '' ? null : v));
const BARE_NULL: Step = { finding: 'null-params', label: 'bare names (no "=", Guzzle 3) hashed as null', apply: (p, ctx) => setTopLevel(p, bareOf(ctx), null) };
const EMPTY_DROPPED: Step = { finding: 'null-params', label: 'empty values left out of the hash', apply: (p) => dropEmpty(p) };
const GAPS_NULL: Step = { finding: 'null-params', label: 'nulls http_build_query dropped from a list put back', apply: (p) => gapsFilled(p) };
const BARE_FALSE: Step = { finding: 'guzzle3-false', label: 'bare names (no "=", Guzzle 3) hashed as false', apply: (p, ctx) => setTopLevel(p, bareOf(ctx), false) };
const EMPTY_FALSE = leaves('guzzle3-false', 'empty values hashed as false', (v) => (v === '' ? false : v));
/** A source, not a change: first in its recipes. */
const UNMANGLED: Step = { finding: 'mangled-names', label: 'names as sent, before PHP turned "." and " " into "_"', apply: (p, ctx) => unmangledOf(ctx) ?? p };
const RENUMBERED: Step = { finding: 'renumbered-keys', label: 'integer keys renumbered from 0 (array_merge)', apply: (p) => renumbered(p) };

const recipes = (encoding: Encoding, ...stepLists: Step[][]): Recipe[] => stepLists.map((steps) => ({ steps, encoding }));

// How each family of clients types what it hashes: strings, numbers, and booleans as its
// transport sends them (http_build_query 1/0, Guzzle 3 1/bare, Node's querystring the words).
const HTTP_BUILD_QUERY_TYPES: Step[][] = [[], [NUMBERS], [BOOLS, NUMBERS]];
const GUZZLE3_TYPES: Step[][] = [[], [NUMBERS], [TRUE_ONLY, NUMBERS]];
const QUERYSTRING_TYPES: Step[][] = [[], [NUMBERS], [BOOL_WORDS, NUMBERS]];

/** Each change in `changes`, followed by each typing. */
const typed = (encoding: Encoding, changes: Step[], types: Step[][]): Recipe[] => changes.flatMap((c) => types.map((t) => ({ steps: [c, ...t], encoding })));

/** Per context, computed once: what the body shows beyond $_POST, the params after each chain of steps, encodings, candidates. */
interface Memo {
  bare?: Set<string>;
  unmangled?: PhpArray | null;
  params: Map<string, PhpArray>;
  json: Map<string, string>;
  candidates: Map<string, (Candidate & { ids: string[] }) | null>;
}
const MEMO = new WeakMap<HostDimeCtx, Memo>();

function memoOf(ctx: HostDimeCtx): Memo {
  let m = MEMO.get(ctx);
  if (m === undefined) {
    m = { params: new Map(), json: new Map(), candidates: new Map() };
    MEMO.set(ctx, m);
  }
  return m;
}

function bareOf(ctx: HostDimeCtx): Set<string> {
  const m = memoOf(ctx);
  return (m.bare ??= bareNames(ctx.body));
}

function unmangledOf(ctx: HostDimeCtx): PhpArray | null {
  const m = memoOf(ctx);
  if (m.unmangled === undefined) m.unmangled = unmangledParams(ctx.body, (k) => !k.startsWith('api_'));
  return m.unmangled;
}

/**
 * The steps that change something, in order, and the params they give. A step that returns its
 * input is dropped; one that changes a value, a key or whether a key is there always changes
 * what any of the encodings writes, so what is kept is minimal without encoding anything.
 */
function effective(ctx: HostDimeCtx, list: readonly Step[]): { steps: Step[]; params: PhpArray; key: string } {
  const memo = memoOf(ctx).params;
  const steps: Step[] = [];
  let p = ctx.params;
  let key = '';
  for (const s of list) {
    const k = `${key}\n${s.label}`;
    let q = memo.get(k);
    if (q === undefined) {
      q = s.apply(p, ctx);
      memo.set(k, q);
    }
    if (q === p) continue;
    steps.push(s);
    key = k;
    p = q;
  }
  return { steps, params: p, key };
}

/** `enc` over the params of the chain `key`, once per context. */
function encoded(ctx: HostDimeCtx, key: string, params: PhpArray, enc: Encoding): string {
  const memo = memoOf(ctx).json;
  const k = `${key}\n${enc.label}`;
  let json = memo.get(k);
  if (json === undefined) {
    json = enc.encode(params);
    memo.set(k, json);
  }
  return json;
}

/**
 * The candidate for a recipe, reduced to a minimal combination: the steps that change
 * something, and the weakest encoding (plain json_encode if it gives the same string) that
 * writes what the recipe's encoding writes. Its ids are the findings of what is left, the
 * deriving mistake's first; null when none of the deriving mistake's own parts changes anything.
 */
function minimal(ctx: HostDimeCtx, primary: string, r: Recipe): Candidate | null {
  const { steps, params, key } = effective(ctx, r.steps);
  if (r.encoding.finding !== primary && !steps.some((s) => s.finding === primary)) return null;
  const memo = memoOf(ctx).candidates;
  const mkey = `${key}\n${r.encoding.label}`;
  let c = memo.get(mkey);
  if (c === undefined) {
    c = reduced(ctx, steps, params, key, r.encoding);
    memo.set(mkey, c);
  }
  if (c === null) return null;
  return { ...c, ids: c.ids.includes(primary) ? [primary, ...c.ids.filter((id) => id !== primary)] : c.ids };
}

function reduced(ctx: HostDimeCtx, steps: Step[], params: PhpArray, key: string, encoding: Encoding): (Candidate & { ids: string[] }) | null {
  let enc = encoding;
  const json = encoded(ctx, key, params, enc);
  const weakerSame = (e: Encoding) => (e === PHP ? undefined : [...(e.within ?? []), PHP].find((w) => encoded(ctx, key, params, w) === json));
  for (let weaker = weakerSame(enc); weaker; weaker = weakerSame(enc)) enc = weaker;
  const parts: Part[] = enc === PHP ? steps : [...steps, enc];
  const ids = [...new Set(parts.flatMap((x) => (x.finding === undefined ? [] : [x.finding])))];
  if (ids.length === 0) return null;
  const signed = ctx.prefix + json;
  let label = parts.map((x) => x.label).join(' + ');
  // One hash, one finding: where the Ruby gem writes the Node client's bytes, js-dialect says so.
  if (enc === JS && sameAsRuby(ctx, key, params, json)) label += " (also Ruby's params.to_json.to_json: the same bytes for these params)";
  return { label, signed, hash: hashHostDime(signed), ids };
}

function sameAsRuby(ctx: HostDimeCtx, key: string, params: PhpArray, json: string): boolean {
  try {
    return encoded(ctx, key, params, RUBY) === json;
  } catch {
    return false; // Ruby would raise (a lone surrogate)
  }
}

/** Each recipe's minimal candidate; a recipe that cannot be encoded (a bigint for JSON.stringify) is skipped. */
function derived(ctx: HostDimeCtx, primary: string, list: readonly Recipe[]): Candidate[] {
  const out: Candidate[] = [];
  for (const r of list) {
    try {
      const c = minimal(ctx, primary, r);
      if (c !== null) out.push(c);
    } catch {
      // not encodable this way: not this mistake
    }
  }
  return out;
}

/** A mistake whose candidates are recipes. */
function byRecipes(m: Omit<Mistake<HostDimeCtx>, 'derive'>, list: readonly Recipe[]): Mistake<HostDimeCtx> {
  return { ...m, derive: (ctx) => derived(ctx, m.id, list) };
}

export const HOSTDIME_MISTAKES: readonly Mistake<HostDimeCtx>[] = [
  {
    id: 'hash-uppercase',
    title: 'api_hash written in uppercase hex',
    fix: 'Send api_hash as lowercase hex (PHP hash() output), e.g. .toLowerCase() on the digest.',
    derive: (ctx) => [{ label: 'uppercase hex digest', signed: ctx.prefix + phpDouble(ctx.params), hash: ctx.expected.toUpperCase() }],
  },
  byRecipes(
    {
      id: 'js-dialect',
      title: 'JS dialect: JSON.stringify(JSON.stringify(params)) (the official Node client)',
      fix: "Encode the params with PHP's json_encode rules (slashes as \\/, non-ASCII as \\uXXXX, lists as objects), or use hostsig's signHostDime with the default php dialect.",
    },
    recipes(JS, [], [NUMBERS]),
  ),
  byRecipes(
    {
      id: 'ruby-dialect',
      title: 'Ruby dialect: params.to_json.to_json (the official Ruby gem, hdcore-rb)',
      fix: "Encode the params with PHP's json_encode rules (slashes as \\/, non-ASCII as \\uXXXX, lists as objects), or have the server accept the gem's hash (verifyHostDime with dialects: ['php', 'ruby']).",
    },
    recipes(RUBY, [], [NUMBERS]),
  ),
  byRecipes(
    {
      id: 'single-encode',
      title: 'params JSON-encoded once instead of twice',
      fix: 'Encode the params JSON a second time as a JSON string: json_encode(json_encode($params, JSON_FORCE_OBJECT)).',
    },
    [...recipes(SINGLE_PHP, [], [NUMBERS]), ...recipes(SINGLE_JS, [], [NUMBERS])],
  ),
  byRecipes(
    {
      id: 'python-separators',
      title: 'Python json.dumps with its default ", " and ": " separators',
      fix: "Encode like PHP: json.dumps(..., separators=(',', ':')) and escape '/' as '\\/', lists as objects; better, port PHP's json_encode exactly.",
    },
    recipes(PYTHON, [], [NUMBERS]),
  ),
  {
    id: 'api-params-included',
    title: 'api_* fields (api_key, api_timestamp, api_unique) included in the hashed params',
    fix: 'Hash only the call params: add api_key, api_timestamp and api_unique to the body after hashing, never to the params that are encoded.',
    derive: (ctx) => {
      const withApi = ctx.all.filter((k) => k !== 'api_hash');
      const before = ctx.all.filter((k) => k !== 'api_hash' && k !== 'api_key' && k !== 'api_timestamp' && k !== 'api_unique');
      return [cand(ctx, 'every field but api_hash', phpDouble(withApi)), cand(ctx, 'only other api_* fields kept', phpDouble(before))].filter(
        (c, i, a) => a.findIndex((d) => d.signed === c.signed) === i && c.signed !== ctx.prefix + phpDouble(ctx.params),
      );
    },
  },
  byRecipes(
    {
      id: 'typed-values',
      title: 'hashed typed values (numbers/booleans) while the body carries strings',
      fix: 'Hash exactly the strings the form body carries (what PHP\'s $_POST will hold): e.g. "1" for true, "5" for 5, or sign with typed: false.',
    },
    [...recipes(PHP, [BOOLS], [BOOLS, NUMBERS], [TRUE_ONLY, NUMBERS]), ...recipes(JS, [BOOLS], [BOOLS, NUMBERS], [BOOL_WORDS], [BOOL_WORDS, NUMBERS])],
  ),
  byRecipes(
    {
      id: 'null-params',
      title: 'null params: hashed as null (or left out) while the body sends an empty value, or dropped from a list',
      fix: 'Drop null params before hashing and sending, or hash and send them as "": http_build_query drops a null, Guzzle 3 and Node\'s querystring send it empty, and PHP reads an empty or bare field as "".',
    },
    [
      ...typed(PHP, [BARE_NULL, EMPTY_NULL, EMPTY_DROPPED], GUZZLE3_TYPES),
      ...typed(PHP, [GAPS_NULL], HTTP_BUILD_QUERY_TYPES),
      ...typed(JS, [EMPTY_NULL, EMPTY_DROPPED], QUERYSTRING_TYPES),
    ],
  ),
  byRecipes(
    {
      id: 'guzzle3-false',
      title: 'false sent as a bare name with no "=" (Guzzle 3, as hdcore-php posts): PHP reads "" where the hash has false',
      fix: 'Cast booleans before hashing and posting, e.g. (int) $v to hash and send 1/0 (or (string) $v, "1"/""): Guzzle 3 writes false and null as a bare name, which PHP reads as "".',
    },
    typed(PHP, [BARE_FALSE, EMPTY_FALSE], GUZZLE3_TYPES),
  ),
  byRecipes(
    {
      id: 'mangled-names',
      title: 'a param name with "." or " " hashed as sent, but PHP renames it ("a.b" and "a b" become "a_b" in $_POST)',
      fix: 'Use param names without "." or spaces (or hash them with "_" in their place): PHP mangles top-level names before the server hashes them.',
    },
    [...typed(PHP, [UNMANGLED], [...HTTP_BUILD_QUERY_TYPES, ...GUZZLE3_TYPES.slice(2)]), ...typed(JS, [UNMANGLED], QUERYSTRING_TYPES)],
  ),
  byRecipes(
    {
      id: 'renumbered-keys',
      title: 'integer keys renumbered by array_merge (the hash has 0, 1, ... where the body has the keys as given)',
      fix: 'Hash and send the same array: array_merge() renumbers integer keys ([5 => "x"] becomes [0 => "x"]); merge with + or array_replace(), or use string keys.',
    },
    typed(PHP, [RENUMBERED], [...HTTP_BUILD_QUERY_TYPES, ...GUZZLE3_TYPES.slice(2)]),
  ),
  byRecipes(
    {
      id: 'unescaped-slashes',
      title: 'json_encode with JSON_UNESCAPED_SLASHES ("/" not written as "\\/")',
      fix: 'Drop JSON_UNESCAPED_SLASHES: the server hashes "/" as "\\/" (and "\\\\\\/" after the second encode).',
    },
    recipes(SLASHES, [], [NUMBERS]),
  ),
  byRecipes(
    {
      id: 'unescaped-unicode',
      title: 'json_encode with JSON_UNESCAPED_UNICODE (non-ASCII written raw, not as \\uXXXX)',
      fix: 'Drop JSON_UNESCAPED_UNICODE: the server writes every non-ASCII character as a lowercase \\uXXXX escape.',
    },
    recipes(UNICODE, [], [NUMBERS]),
  ),
  byRecipes(
    {
      id: 'unescaped-slashes-unicode',
      title: 'json_encode with JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE',
      fix: 'Use json_encode with default flags (plus JSON_FORCE_OBJECT inside): escaped slashes and \\uXXXX for non-ASCII.',
    },
    recipes(BOTH_FLAGS, [], [NUMBERS]),
  ),
  byRecipes(
    {
      id: 'no-force-object',
      title: 'JSON_FORCE_OBJECT missing (lists encoded as [..], no params as [])',
      fix: 'Pass JSON_FORCE_OBJECT to the inner json_encode so lists and empty params become objects.',
    },
    recipes(NO_FORCE, [], [NUMBERS]),
  ),
  {
    id: 'key-order',
    title: 'params hashed in a different key order than the body sends them',
    fix: 'Hash the params in the order they appear in the body; do not sort them or let a map reorder them.',
    derive: (ctx) => [
      cand(ctx, 'top-level keys sorted', phpDouble(sortKeys(ctx.params, false))),
      cand(ctx, 'keys sorted at every level', phpDouble(sortKeys(ctx.params, true))),
      cand(ctx, 'JS object order (integer-like keys first)', phpDouble(jsOrder(ctx.params))),
    ],
  },
  {
    id: 'method-as-path',
    title: 'the method hashed as a path instead of the dotted name',
    fix: 'Hash the dotted method name (domain.list), not the URL path.',
    derive: (ctx) => [
      cand(ctx, 'slashed method', phpDouble(ctx.params), `${ctx.ts}:${ctx.unique}:${ctx.privateKey}:${ctx.method.split('.').join('/')}:`),
      cand(ctx, 'the request path', phpDouble(ctx.params), `${ctx.ts}:${ctx.unique}:${ctx.privateKey}:${ctx.path}:`),
    ],
  },
];

function jsOrder(a: PhpArray): PhpArray {
  const ints = [...a.keys()].filter((k) => /^(?:0|[1-9][0-9]{0,9})$/.test(k)).sort((x, y) => Number(x) - Number(y));
  const first = new Set(ints);
  const out = new PhpArray();
  for (const k of [...ints, ...[...a.keys()].filter((k) => !first.has(k))]) out.set(k, a.get(k)!);
  return out;
}

/** Builds the context; throws HostsigError for a body that cannot be parsed. */
export function hostDimeContext(input: HostDimeDiagnoseInput): HostDimeCtx & { received: string } {
  const all = parseStr(input.body, { maxVars: Infinity });
  const get = (k: string) => {
    const v = all.get(k);
    return typeof v === 'string' ? v : '';
  };
  const method = input.method ?? (input.path ? hostDimePathToMethod(input.path)?.method : undefined) ?? '';
  const params = all.filter((k) => !k.startsWith('api_'));
  const ts = get('api_timestamp');
  const unique = get('api_unique');
  const prefix = `${ts}:${unique}:${input.privateKey}:${method}:`;
  const expected = hashHostDime(canonicalHostDime({ timestamp: ts, unique, privateKey: input.privateKey, method, params }));
  return { body: input.body, all, params, ts, unique, privateKey: input.privateKey, method, prefix, expected, path: input.path ?? '', received: input.received ?? get('api_hash') };
}

/** Tries every HostDime mistake on a request whose api_hash does not verify. */
export function diagnoseHostDime(input: HostDimeDiagnoseInput): DiagnoseReport {
  const ctx = hostDimeContext(input);
  const expectedSigned = ctx.prefix + phpDouble(ctx.params);
  const typedOk = ctx.prefix + phpDouble(ctx.params.mapLeaves(typedHostDimeValue));
  // The verifier accepts the php dialect over strings, and over numeric-looking strings as numbers.
  const correct = ctx.received === ctx.expected || ctx.received === hashHostDime(typedOk);
  return runMistakes('hostdime', HOSTDIME_MISTAKES, ctx, { signed: expectedSigned, hash: ctx.expected }, ctx.received, (a, b) => a === b, correct);
}
