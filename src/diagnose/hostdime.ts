/**
 * HostDime: the mistakes real implementations make when building api_hash, each re-derived
 * from the request as the server sees it.
 */
import { jsJsonStringify, phpIntKey, phpJsonString, type PhpScalar, type PhpValue } from '../core/index.js';
import { canonicalHostDime, hashHostDime, hostDimeDoubleJson, hostDimePathToMethod, PhpArray, parseStr, phpJsonEncode, typedHostDimeValue } from '../schemes/hostdime/index.js';
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

function asBool(v: PhpScalar): PhpScalar {
  return v === '1' ? true : v === '0' ? false : v;
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

/** The gem's `params.to_json.to_json`, or null where Ruby would raise. */
function rubyDouble(params: PhpArray): string | null {
  try {
    return hostDimeDoubleJson(params, 'ruby');
  } catch {
    return null;
  }
}

/**
 * hdcore-rb's hashed JSON, over the body's strings and over the numbers a Ruby caller passes as
 * Integer/Float; only where it differs from the Node client's (a Hash keeps integer-like keys in
 * place, a JS object moves them first), so one hash is never named twice: where they agree,
 * `js-dialect` or `typed-values` names it.
 */
function rubyCandidates(ctx: HostDimeCtx): Candidate[] {
  const out: Candidate[] = [];
  for (const [label, params] of [
    ['to_json twice', ctx.params],
    ['to_json twice, numbers as Integer/Float', ctx.params.mapLeaves(typedHostDimeValue)],
  ] as const) {
    const ruby = rubyDouble(params);
    if (ruby !== null && ruby !== JSON.stringify(jsJsonStringify(params, { topLevelObject: true })) && !out.some((c) => c.signed === ctx.prefix + ruby)) out.push(cand(ctx, label, ruby));
  }
  return out;
}

function cand(ctx: HostDimeCtx, label: string, json: string, prefix = ctx.prefix) {
  const signed = prefix + json;
  return { label, signed, hash: hashHostDime(signed) };
}

export const HOSTDIME_MISTAKES: readonly Mistake<HostDimeCtx>[] = [
  {
    id: 'hash-uppercase',
    title: 'api_hash written in uppercase hex',
    fix: 'Send api_hash as lowercase hex (PHP hash() output), e.g. .toLowerCase() on the digest.',
    derive: (ctx) => [{ label: 'uppercase hex digest', signed: ctx.prefix + phpDouble(ctx.params), hash: ctx.expected.toUpperCase() }],
  },
  {
    id: 'js-dialect',
    title: 'JS dialect: JSON.stringify(JSON.stringify(params)) (the official Node client)',
    fix: "Encode the params with PHP's json_encode rules (slashes as \\/, non-ASCII as \\uXXXX, lists as objects), or use hostsig's signHostDime with the default php dialect.",
    derive: (ctx) => {
      const js = JSON.stringify(jsJsonStringify(ctx.params, { topLevelObject: true }));
      return [cand(ctx, js === rubyDouble(ctx.params) ? "JSON.stringify twice (also Ruby's params.to_json.to_json: the same bytes for these params)" : 'JSON.stringify twice', js)];
    },
  },
  {
    id: 'ruby-dialect',
    title: 'Ruby dialect: params.to_json.to_json (the official Ruby gem, hdcore-rb)',
    fix: "Encode the params with PHP's json_encode rules (slashes as \\/, non-ASCII as \\uXXXX, lists as objects), or have the server accept the gem's hash (verifyHostDime with dialects: ['php', 'ruby']).",
    derive: rubyCandidates,
  },
  {
    id: 'single-encode',
    title: 'params JSON-encoded once instead of twice',
    fix: 'Encode the params JSON a second time as a JSON string: json_encode(json_encode($params, JSON_FORCE_OBJECT)).',
    derive: (ctx) => [
      cand(ctx, 'json_encode($params, JSON_FORCE_OBJECT) once', phpJsonEncode(ctx.params, { forceObject: true })),
      cand(ctx, 'JSON.stringify(params) once', jsJsonStringify(ctx.params, { topLevelObject: true })),
    ],
  },
  {
    id: 'python-separators',
    title: 'Python json.dumps with its default ", " and ": " separators',
    fix: "Encode like PHP: json.dumps(..., separators=(',', ':')) and escape '/' as '\\/', lists as objects; better, port PHP's json_encode exactly.",
    derive: (ctx) => [cand(ctx, 'json.dumps(json.dumps(params))', pyDumps(pyDumps(ctx.params)))],
  },
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
  {
    id: 'typed-values',
    title: 'hashed typed values (numbers/booleans) while the body carries strings',
    fix: 'Hash exactly the strings the form body carries (what PHP\'s $_POST will hold): e.g. "1" for true, "5" for 5, or sign with typed: false.',
    derive: (ctx) => {
      const variants: [string, (v: PhpScalar) => PhpScalar][] = [
        ['booleans: "1"/"0" hashed as true/false', asBool],
        ['numbers and booleans typed', (v) => typedHostDimeValue(asBool(v))],
      ];
      const out = [];
      for (const [label, fn] of variants) {
        const p = ctx.params.mapLeaves(fn);
        out.push(cand(ctx, `${label} (php)`, phpDouble(p)));
        out.push(cand(ctx, `${label} (js)`, JSON.stringify(jsJsonStringify(p, { topLevelObject: true }))));
      }
      out.push(cand(ctx, 'numbers typed (js)', JSON.stringify(jsJsonStringify(ctx.params.mapLeaves(typedHostDimeValue), { topLevelObject: true }))));
      return out;
    },
  },
  {
    id: 'unescaped-slashes',
    title: 'json_encode with JSON_UNESCAPED_SLASHES ("/" not written as "\\/")',
    fix: 'Drop JSON_UNESCAPED_SLASHES: the server hashes "/" as "\\/" (and "\\\\\\/" after the second encode).',
    derive: (ctx) => [cand(ctx, 'JSON_UNESCAPED_SLASHES on both encodes', phpDouble(ctx.params, { slashes: true }))],
  },
  {
    id: 'unescaped-unicode',
    title: 'json_encode with JSON_UNESCAPED_UNICODE (non-ASCII written raw, not as \\uXXXX)',
    fix: 'Drop JSON_UNESCAPED_UNICODE: the server writes every non-ASCII character as a lowercase \\uXXXX escape.',
    derive: (ctx) => [cand(ctx, 'JSON_UNESCAPED_UNICODE on both encodes', phpDouble(ctx.params, { unicode: true }))],
  },
  {
    id: 'unescaped-slashes-unicode',
    title: 'json_encode with JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE',
    fix: 'Use json_encode with default flags (plus JSON_FORCE_OBJECT inside): escaped slashes and \\uXXXX for non-ASCII.',
    derive: (ctx) => [cand(ctx, 'both flags on both encodes', phpDouble(ctx.params, { slashes: true, unicode: true }))],
  },
  {
    id: 'no-force-object',
    title: 'JSON_FORCE_OBJECT missing (lists encoded as [..], no params as [])',
    fix: 'Pass JSON_FORCE_OBJECT to the inner json_encode so lists and empty params become objects.',
    derive: (ctx) => [cand(ctx, 'json_encode(json_encode($params))', phpDouble(ctx.params, { force: false }))],
  },
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
  const out = new PhpArray();
  for (const k of [...ints, ...[...a.keys()].filter((k) => !ints.includes(k))]) out.set(k, a.get(k)!);
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
  return { all, params, ts, unique, privateKey: input.privateKey, method, prefix, expected, path: input.path ?? '', received: input.received ?? get('api_hash') };
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
