// The `ruby` dialect against real Ruby: hdcore-rb (HostDime's official gem) hashes
// `(Digest::SHA2.new << [ts, uuid, private_key, action, params.to_json.to_json].join(':')).to_s`.
// Every expected hash here is computed by `ruby` (vectors/gen/ruby-dialect.rb, or the gem's
// request code inlined below), never by hostsig. Skips with a reason without `ruby`.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isWellFormed } from '../../src/core/bytes.js';
import { isHostsigError } from '../../src/core/errors.js';
import { PhpArray, type PhpValue } from '../../src/core/php/array.js';
import { httpBuildQuery, parseStr } from '../../src/core/php/query.js';
import { HOSTDIME_DIALECTS, hostDimeDoubleJson, signHostDime, verifyHostDime } from '../../src/schemes/hostdime/index.js';
import { formParams, phpMergesPairs, toPhp } from '../helpers/arbitraries.js';
import { rubyAvailable } from '../helpers/ruby.js';
import { REPO_ROOT } from '../helpers/wycheproof.js';

const ORACLE = join(REPO_ROOT, 'vectors', 'gen', 'ruby-dialect.rb');
const TS = 1369758680;
const call = { publicKey: 'foobar', privateKey: 'fazbaz', method: 'utility.echo', timestamp: TS, unique: 'ABCDEF' };

interface RubyCase {
  timestamp: number;
  unique: string;
  privateKey: string;
  method: string;
  params: unknown[];
}

/** hdcore-rb's stages for each case, from one ruby process (vectors/gen/ruby-dialect.rb). */
function ruby(cases: RubyCase[]): { paramsJson: string; doubleJson: string; hash: string }[] {
  return JSON.parse(execFileSync('ruby', [ORACLE], { input: JSON.stringify(cases), maxBuffer: 64 * 1024 * 1024 }).toString('utf8'));
}

/** The vectors' encoding of the Ruby value a gem caller holds: lists are Arrays, the rest Hashes. */
function enc(a: PhpArray): unknown[] {
  const value = (v: PhpValue): unknown => (v instanceof PhpArray ? (v.isList() ? [...v.values()].map(value) : { $map: enc(v) }) : v);
  return [...a.entries()].map(([k, v]) => [k, value(v)]);
}

function wellFormed(a: PhpArray): boolean {
  return [...a.entries()].every(([k, v]) => isWellFormed(k) && (v instanceof PhpArray ? wellFormed(v) : typeof v !== 'string' || isWellFormed(v)));
}

// The gem's request, in Ruby: generate_api_params over a Hash built in pair order, the body
// form-encoded by Ruby (URI.encode_www_form) with the api_* fields merged after the params.
const GEM = `
require 'json'; require 'digest'; require 'uri'
c = JSON.parse($stdin.read)
params = c['params'].each_with_object({}) { |(k, v), h| h[k] = v }
def generate_hash(*args) (Digest::SHA2.new << args.join(':')).to_s end
api = { 'api_key' => c['publicKey'], 'api_unique' => c['unique'], 'api_timestamp' => c['timestamp'],
        'api_hash' => generate_hash(c['timestamp'], c['unique'], c['privateKey'], c['method'], params.to_json.to_json) }
print URI.encode_www_form(params.merge(api))
`;

function gemBody(params: [string, unknown][]): string {
  return execFileSync('ruby', ['-e', GEM], { input: JSON.stringify({ ...call, params }) }).toString('utf8');
}

const PATH = '/v1/utility/echo.json';
const verify = (body: string, dialects: readonly ('php' | 'js' | 'ruby')[]) => verifyHostDime({ path: PATH, body }, { privateKey: 'fazbaz', publicKey: 'foobar', now: TS, dialects });

describe.skipIf(!rubyAvailable())('the ruby dialect is hdcore-rb, computed by real Ruby', () => {
  it('the issue\'s reproduction: {"a" => "x", "5" => "five"} signs as the gem, not as the Node client (nor as PHP once "/" or non-ASCII appear)', () => {
    const params = new Map([['a', 'x'], ['5', 'five']]);
    const [want] = ruby([{ ...call, params: [['a', 'x'], ['5', 'five']] }]);
    expect(want!.paramsJson).toBe('{"a":"x","5":"five"}');
    expect(signHostDime({ ...call, params, dialect: 'ruby' }).hash).toBe(want!.hash);
    expect(signHostDime({ ...call, params, dialect: 'js' }).hash).not.toBe(want!.hash);
    expect(hostDimeDoubleJson(params, 'ruby')).toBe(want!.doubleJson);
    // There the gem agrees with PHP; with "/" and non-ASCII it does not.
    const [raw] = ruby([{ ...call, params: [['a', 'x/é'], ['5', 'five']] }]);
    expect(raw!.paramsJson).toBe('{"a":"x/é","5":"five"}');
    const other = new Map([['a', 'x/é'], ['5', 'five']]);
    expect(signHostDime({ ...call, params: other, dialect: 'ruby' }).hash).toBe(raw!.hash);
    expect(signHostDime({ ...call, params: other }).hash).not.toBe(raw!.hash);
  });

  it('signHostDime({ dialect: "ruby" }) gives the gem\'s hash over what PHP rebuilds, on arbitrary form params', () => {
    const cases: { pairs: [string, unknown][]; rebuilt: PhpArray }[] = [];
    fc.assert(
      fc.property(formParams, (pairs) => {
        const query = httpBuildQuery(toPhp(pairs));
        if (phpMergesPairs(query)) return;
        const rebuilt = parseStr(query, { maxVars: Infinity, maxDepth: Infinity });
        if (wellFormed(rebuilt)) cases.push({ pairs: pairs as [string, unknown][], rebuilt });
      }),
      { numRuns: 200 },
    );
    const want = ruby(cases.map((c) => ({ ...call, params: enc(c.rebuilt) })));
    cases.forEach((c, i) => {
      const r = signHostDime({ ...call, params: toPhp(c.pairs), dialect: 'ruby' });
      expect(r.hash, JSON.stringify(enc(c.rebuilt))).toBe(want[i]!.hash);
    });
  });

  it('typed params (Integer, Float, true, nil) hash as the gem writes them', () => {
    const pairs: [string, unknown][] = [['id', 42], ['5', 'five'], ['f', 1e-5], ['g', 0.1], ['t', true], ['n', null], ['l', [1, 'é/']]];
    const [want] = ruby([{ ...call, params: pairs }]);
    expect(want!.paramsJson).toBe('{"id":42,"5":"five","f":1.0e-05,"g":0.1,"t":true,"n":null,"l":[1,"é/"]}');
    expect(signHostDime({ ...call, params: toPhp(pairs), dialect: 'ruby', typed: true }).hash).toBe(want!.hash);
  });

  it('a request the gem builds verifies under dialects [php, ruby] only: php alone and php+js refuse it', async () => {
    const body = gemBody([['name', 'José'], ['url', 'http://example.com/a'], ['5', 'five']]);
    expect(await verify(body, ['php', 'ruby'])).toMatchObject({ ok: true, dialect: 'ruby', typed: false });
    expect(await verify(body, ['ruby'])).toMatchObject({ ok: true, dialect: 'ruby' });
    expect(await verify(body, ['php'])).toMatchObject({ ok: false, code: 'SIGNATURE_INVALID' });
    expect(await verify(body, ['php', 'js'])).toMatchObject({ ok: false, code: 'SIGNATURE_INVALID' });
    // On ASCII params without lists the gem and PHP agree, integer-like keys included.
    expect(await verify(gemBody([['a', 'x'], ['5', 'five']]), ['php', 'ruby'])).toMatchObject({ ok: true, dialect: 'php' });
  });

  it('a gem request with Integer and Float values verifies through the typed retry', async () => {
    const body = gemBody([['id', 42], ['5', 'x/y'], ['price', 1.5]]);
    expect(body).toContain('id=42');
    expect(await verify(body, ['php', 'ruby'])).toMatchObject({ ok: true, dialect: 'ruby', typed: true });
    expect(await verify(body, ['php', 'js'])).toMatchObject({ ok: false, code: 'SIGNATURE_INVALID' });
  });
});

describe('the ruby dialect in the options', () => {
  it('is a known dialect: a verifier takes it, and the message for an unknown one names it', async () => {
    expect(HOSTDIME_DIALECTS).toContain('ruby');
    const r = signHostDime({ ...call, params: [['u', 'é']], dialect: 'ruby' });
    await expect(verifyHostDime({ path: r.path, body: r.body }, { privateKey: 'fazbaz', now: TS, dialects: ['ruby'] })).resolves.toMatchObject({ ok: true, dialect: 'ruby' });
    const bad = verifyHostDime({ path: r.path, body: r.body }, { privateKey: 'fazbaz', now: TS, dialects: ['python' as never] });
    await expect(bad).rejects.toSatisfy(isHostsigError);
    await expect(bad).rejects.toThrow(/"ruby"/);
  });
});
