// Diagnose cases shared by the CLI's test (test/cli/diagnose.test.ts) and the CLI-vs-page
// parity test: the same wrong hashes, made by php-cli (and by ruby for the Ruby gem).
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT } from '../helpers/wycheproof.js';

/** [mistake id, form body (params only), the PHP expression whose JSON the mistaken client hashed]. */
export const HOSTDIME_PHP_CASES: [string, string, string][] = [
  ['single-encode', 'status=registered', `json_encode(['status' => 'registered'], JSON_FORCE_OBJECT)`],
  ['api-params-included', 'status=registered', `json_encode(json_encode(['status' => 'registered', 'api_key' => 'foobar', 'api_timestamp' => '1369758680', 'api_unique' => 'ABCDEF'], JSON_FORCE_OBJECT))`],
  ['typed-values', 'flag=1&n=5', `json_encode(json_encode(['flag' => true, 'n' => 5], JSON_FORCE_OBJECT))`],
  ['unescaped-slashes', 'url=http%3A%2F%2Fexample.com%2Fa&foo%5B0%5D=1&foo%5B1%5D=2', `json_encode(json_encode(['url' => 'http://example.com/a', 'foo' => ['1', '2']], JSON_FORCE_OBJECT | JSON_UNESCAPED_SLASHES), JSON_UNESCAPED_SLASHES)`],
  ['unescaped-unicode', 'name=Jos%C3%A9&foo%5B0%5D=1', `json_encode(json_encode(['name' => "Jos\\u{e9}", 'foo' => ['1']], JSON_FORCE_OBJECT | JSON_UNESCAPED_UNICODE), JSON_UNESCAPED_UNICODE)`],
  ['key-order', 'b=2&a=1', `(function () { $p = ['b' => '2', 'a' => '1']; ksort($p); return json_encode(json_encode($p, JSON_FORCE_OBJECT)); })()`],
  ['no-force-object', 'foo%5B0%5D=1&foo%5B1%5D=2&u=a%2Fb', `json_encode(json_encode(['foo' => ['1', '2'], 'u' => 'a/b']))`],
];

/**
 * hdcore-rb's api_hash (`params.to_json.to_json`) for utility.echo at 1369758680, unique
 * ABCDEF, key fazbaz, computed by ruby (vectors/gen/ruby-dialect.rb); params in the vectors'
 * [key, value] pair encoding.
 */
export function rubyGemHash(params: unknown[]): string {
  const input = JSON.stringify([{ timestamp: 1369758680, unique: 'ABCDEF', privateKey: 'fazbaz', method: 'utility.echo', params }]);
  return JSON.parse(execFileSync('ruby', [join(REPO_ROOT, 'vectors', 'gen', 'ruby-dialect.rb')], { input }).toString('utf8'))[0].hash;
}

/** The gem's params where all three dialects differ: non-ASCII, slashes, then the integer-like key "5". */
export const HOSTDIME_RUBY_CASE = {
  form: 'name=Jos%C3%A9&url=http%3A%2F%2Fexample.com%2Fa&5=five',
  pairs: [['name', 'José'], ['url', 'http://example.com/a'], ['5', 'five']],
};

/** A request an official HostDime client makes with one of its bugs, and the findings that name it. */
export interface ClientCase {
  name: string;
  /** The findings diagnose must list, in order; none when nothing can reproduce the hash. */
  ids: string[];
  body: string;
}

/** The requests hostdime-clients.php makes: real PHP running hdcore-php's and hdcore-whmcs's logic. */
export function phpClientCases(): ClientCase[] {
  const script = join(dirname(fileURLToPath(import.meta.url)), 'hostdime-clients.php');
  return JSON.parse(execFileSync('php', [script], { encoding: 'utf8' })) as ClientCase[];
}
