// Findings are the mistakes that reproduce the hash, and only those: over random params, with
// and without booleans and numbers, every finding diagnose lists is a mistake that changes the
// hashed string for those params (its trait is in them: a "/" for unescaped-slashes, a
// boolean for typed-values, ...). The hashes are made by independent implementations: Node's
// JSON.stringify and querystring as hdcore-js calls them, and php-cli's json_encode with the
// flags a mistaken PHP client passes.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { stringify } from 'node:querystring';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diagnoseHostDime } from '../../src/diagnose/index.js';
import { phpAvailable } from '../helpers/php.js';

const PREFIX = '1369758680:ABCDEF:fazbaz:utility.echo:';
const API: [string, string][] = [['api_key', 'foobar'], ['api_timestamp', '1369758680'], ['api_unique', 'ABCDEF']];

type Value = string | number | boolean | null | undefined | Value[];
type Entries = [string, Value][];

// ---- what each finding's mistake needs in the params to change the hashed string ----------

function anyLeaf(entries: Entries, test: (v: Value) => boolean): boolean {
  const walk = (v: Value): boolean => (Array.isArray(v) ? v.some(walk) : test(v));
  return entries.some(([, v]) => walk(v));
}

function anyText(entries: Entries, test: (s: string) => boolean): boolean {
  return entries.some(([k]) => test(k)) || anyLeaf(entries, (v) => typeof v === 'string' && test(v));
}

const isIndex = (k: string) => /^(0|[1-9][0-9]{0,8})$/.test(k);

/** The findings whose mistake changes the hash for these params (the client's own values). */
function changing(entries: Entries): Set<string> {
  const slash = anyText(entries, (s) => s.includes('/'));
  const nonAscii = anyText(entries, (s) => /[^\x00-\x7f]/.test(s));
  const keys = entries.map(([k]) => k);
  const list = keys.length === 0 || keys.every((k, i) => k === String(i)) || entries.some(([, v]) => Array.isArray(v));
  const ints = keys.filter(isIndex);
  const jsOrder = [...ints.sort((a, b) => Number(a) - Number(b)), ...keys.filter((k) => !isIndex(k))];
  const reordered = keys.some((k, i) => k !== jsOrder[i]);
  const unsorted = keys.some((k, i) => i > 0 && keys[i - 1]! > k);
  const bool = anyLeaf(entries, (v) => typeof v === 'boolean');
  const nullish = anyLeaf(entries, (v) => v === null || v === undefined);
  // These change every hash: another digest text, encoding, prefix or field set.
  const out = new Set<string>(['hash-uppercase', 'single-encode', 'api-params-included', 'method-as-path']);
  const add = (id: string, yes: boolean) => yes && out.add(id);
  add('python-separators', keys.length > 0);
  add('js-dialect', slash || nonAscii || list || reordered);
  // The Ruby gem writes PHP's bytes but for slashes, non-ASCII and nested lists, and is named only
  // where it differs from the Node client's, i.e. where JS would move integer-like keys.
  add('ruby-dialect', (slash || nonAscii || entries.some(([, v]) => Array.isArray(v))) && reordered);
  add('typed-values', bool);
  add('null-params', nullish);
  add('guzzle3-false', anyLeaf(entries, (v) => v === false) && (nullish || anyLeaf(entries, (v) => v === '')));
  add('mangled-names', keys.some((k) => k.includes('.') || k.includes(' ')));
  add('renumbered-keys', keys.filter(isIndex).some((k, i) => k !== String(i)));
  add('unescaped-slashes', slash);
  add('unescaped-unicode', nonAscii);
  add('unescaped-slashes-unicode', slash && nonAscii);
  add('no-force-object', list);
  add('key-order', reordered || unsorted);
  return out;
}

const listed = (body: string) => diagnoseHostDime({ body, path: '/v1/utility/echo.json', privateKey: 'fazbaz' });

// ---- params: strings that matter to the encodings, with and without typed values ----------

const KEYS = ['a', 'b', 'url', 'name', 'z', '0', '1', '5', '10', 'é', 'x.y', 'p q'];
const TEXTS = ['', 'x', 'a/b', 'Jos\u00e9', '\u{1F600}', '1', '0', '5', '2.5', 'true', 'x y', 'a"b'];

const text = fc.constantFrom(...TEXTS);

/**
 * Flat params (plus `extra` values): strings, booleans, and numbers that a client either types
 * all (hashed as JSON numbers) or none (sent and hashed as strings).
 */
function entriesArb(extra: fc.Arbitrary<Value>[] = []): fc.Arbitrary<Entries> {
  const entry = fc.tuple(fc.constantFrom(...KEYS), fc.oneof(text, fc.boolean(), fc.constantFrom(0, 1, 5, 42, 2.5), ...extra));
  return fc
    .tuple(fc.uniqueArray(entry, { selector: ([k]) => k, maxLength: 5 }), fc.boolean())
    .map(([e, typed]) => e.map(([k, v]) => [k, typeof v === 'number' && !typed ? String(v) : v]) as Entries);
}

describe('hdcore-js hashes (JSON.stringify twice, body by querystring): only findings that change the hash', () => {
  /** What hdcore-js sends for these params: the JS object's order for both the hash and the body. */
  function hdcoreJs(entries: Entries): { body: string; order: Entries } {
    const obj: Record<string, Value> = {};
    for (const [k, v] of entries) obj[k] = v;
    const order = Object.entries(obj) as Entries;
    const hash = createHash('sha256').update(PREFIX + JSON.stringify(JSON.stringify(obj))).digest('hex');
    return { body: `${stringify(obj as Parameters<typeof stringify>[0])}${entries.length ? '&' : ''}${stringify({ ...Object.fromEntries(API), api_hash: hash })}`, order };
  }

  it('every finding listed changes the hash; js-dialect and typed-values are listed when they do', () => {
    fc.assert(
      fc.property(entriesArb([fc.constant(null), fc.constant(undefined)]), (raw) => {
        const { body, order } = hdcoreJs(raw);
        const rep = listed(body);
        const ids = rep.matches.map((m) => m.id);
        const may = changing(order);
        for (const id of ids) expect(may.has(id), `${id} listed for ${body}`).toBe(true);
        // Not vacuous: the two mistakes hdcore-js makes are named exactly when they change the
        // hash, where one derivation can reproduce it (no nulls or names PHP mangles, which
        // have findings of their own, and no string beside a typed value of its look).
        const other = anyLeaf(order, (v) => v === null || v === undefined) || order.some(([k]) => k.includes('.') || k.includes(' '));
        const mixed =
          (anyLeaf(order, (v) => typeof v === 'number') && anyLeaf(order, (v) => typeof v === 'string' && /^(0|[1-9][0-9]*)(\.[0-9]+)?$/.test(v))) ||
          (anyLeaf(order, (v) => typeof v === 'boolean') && anyLeaf(order, (v) => v === 'true' || v === 'false'));
        if (!other && !mixed) {
          const jsMatters = anyText(order, (s) => s.includes('/') || /[^\x00-\x7f]/.test(s));
          expect(ids.includes('typed-values'), body).toBe(may.has('typed-values'));
          expect(ids.includes('js-dialect'), body).toBe(jsMatters);
          expect(rep.correct, body).toBe(!jsMatters && !may.has('typed-values'));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('the issue-16 case: a JS-dialect hash over params with no booleans lists no typed-values', () => {
    const { body } = hdcoreJs([
      ['url', 'http://example.com/a'],
      ['n', 5],
    ]);
    expect(listed(body).matches.map((m) => m.id)).toEqual(['js-dialect', 'unescaped-slashes']);
  });
});

interface PhpCase {
  entries: Entries;
  slashes: boolean;
  unicode: boolean;
  force: boolean;
}

describe.skipIf(!phpAvailable())('PHP json_encode hashes with mistaken flags and typed values: only findings that change the hash', () => {
  it('every finding listed changes the hash', () => {
    const arb = fc.record({ entries: entriesArb([fc.constantFrom(['1', '2'], ['a/b'], [true, 'x'])]), slashes: fc.boolean(), unicode: fc.boolean(), force: fc.boolean() });
    const cases: PhpCase[] = fc.sample(arb, { numRuns: 200, seed: 16 });
    // Each client: json_encode with its flags, http_build_query (true/false as 1/0) for the body.
    const script = `
      $out = [];
      foreach (json_decode(stream_get_contents(STDIN), true) as $c) {
        $p = [];
        foreach ($c['entries'] as [$k, $v]) $p[$k] = $v;
        $f = ($c['slashes'] ? JSON_UNESCAPED_SLASHES : 0) | ($c['unicode'] ? JSON_UNESCAPED_UNICODE : 0);
        $hash = hash('sha256', '${PREFIX}' . json_encode(json_encode($p, $f | ($c['force'] ? JSON_FORCE_OBJECT : 0)), $f));
        $out[] = http_build_query($p + ['api_key' => 'foobar', 'api_timestamp' => '1369758680', 'api_unique' => 'ABCDEF', 'api_hash' => $hash]);
      }
      echo json_encode($out);`;
    const bodies = JSON.parse(execFileSync('php', ['-d', 'serialize_precision=-1', '-r', script], { input: JSON.stringify(cases), encoding: 'utf8' })) as string[];
    expect(bodies).toHaveLength(cases.length);
    let found = 0;
    cases.forEach((c, i) => {
      const ids = listed(bodies[i]!).matches.map((m) => m.id);
      const may = changing(c.entries);
      for (const id of ids) expect(may.has(id), `${id} listed for ${JSON.stringify(c)}`).toBe(true);
      found += ids.length;
    });
    expect(found).toBeGreaterThan(50);
  });

  it('JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE over params with a "/" and no non-ASCII is unescaped-slashes only', () => {
    const script = `$p = ['url' => 'http://example.com/a', 'n' => 'x']; $f = JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE;
      echo http_build_query($p + ['api_key' => 'foobar', 'api_timestamp' => '1369758680', 'api_unique' => 'ABCDEF', 'api_hash' => hash('sha256', '${PREFIX}' . json_encode(json_encode($p, $f | JSON_FORCE_OBJECT), $f))]);`;
    const body = execFileSync('php', ['-r', script], { encoding: 'utf8' });
    expect(listed(body).matches.map((m) => m.id)).toEqual(['js-dialect', 'unescaped-slashes']);
  });
});
