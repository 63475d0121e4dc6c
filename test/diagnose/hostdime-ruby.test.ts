// `ruby-dialect`: diagnose names the official Ruby gem (hdcore-rb, `params.to_json.to_json`) when
// the received hash is Ruby's and not the Node client's, the Node client when it is the Node
// client's, and one of them, once, when the params make both the same bytes. Ruby's hashes come
// from real Ruby (vectors/gen/ruby-dialect.rb), the Node client's from JSON.stringify and
// node:crypto, never from hostsig.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { diagnoseHostDime } from '../../src/diagnose/index.js';
import { rubyAvailable } from '../helpers/ruby.js';
import { HOSTDIME_RUBY_CASE, rubyGemHash as rubyHash } from './cases.js';

const PREFIX = '1369758680:ABCDEF:fazbaz:utility.echo:';
const API = 'api_key=foobar&api_timestamp=1369758680&api_unique=ABCDEF';

/** The official Node client's api_hash: JSON.stringify twice of a plain object, node:crypto. */
function jsHash(params: Record<string, unknown>): string {
  return createHash('sha256').update(PREFIX + JSON.stringify(JSON.stringify(params)), 'utf8').digest('hex');
}

function diagnose(form: string, hash: string) {
  return diagnoseHostDime({ body: `${form}&${API}&api_hash=${hash}`, path: '/v1/utility/echo.json', privateKey: 'fazbaz' });
}

/**
 * The client-dialect findings, [id, label], first finding first. (Other mistakes that happen to
 * write the same bytes, e.g. JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE on these params,
 * are another question, left to their own tests.)
 */
function dialects(rep: ReturnType<typeof diagnose>): [string, string][] {
  expect(rep.matches[0]?.id).toMatch(/-dialect$/);
  return rep.matches.filter((m) => m.id.endsWith('-dialect')).map((m) => [m.id, m.label]);
}

const { form: FORM, pairs: PAIRS } = HOSTDIME_RUBY_CASE;

describe.skipIf(!rubyAvailable())('diagnose hostdime: the Ruby gem', () => {
  it('names ruby-dialect for the gem\'s hash, js-dialect for the Node client\'s hash of the same params', () => {
    const rep = diagnose(FORM, rubyHash(PAIRS));
    expect(dialects(rep)).toEqual([['ruby-dialect', 'to_json twice']]);
    expect(rep.matches[0]!.title).toContain('hdcore-rb');
    expect(rep.matches[0]!.fix).toContain("dialects: ['php', 'ruby']");
    const js = diagnose(FORM, jsHash({ name: 'José', url: 'http://example.com/a', 5: 'five' }));
    expect(dialects(js)).toEqual([['js-dialect', 'JSON.stringify twice']]);
  });

  it('says it once when both clients hash the same bytes (no integer-like key), naming both', () => {
    const ruby = rubyHash([['name', 'José'], ['url', 'http://example.com/a']]);
    expect(ruby).toBe(jsHash({ name: 'José', url: 'http://example.com/a' }));
    const rep = diagnose('name=Jos%C3%A9&url=http%3A%2F%2Fexample.com%2Fa', ruby);
    expect(dialects(rep)).toEqual([['js-dialect', "JSON.stringify twice (also Ruby's params.to_json.to_json: the same bytes for these params)"]]);
  });

  it('names ruby-dialect for a gem caller who passed an Integer (the body carries "42")', () => {
    const rep = diagnose('a=%C3%A9&5=x&id=42', rubyHash([['a', 'é'], ['5', 'x'], ['id', 42]]));
    expect(dialects(rep)).toEqual([['ruby-dialect', 'numbers typed + to_json twice']]);
  });
});
