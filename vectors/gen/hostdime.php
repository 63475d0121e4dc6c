<?php
// HostDime golden vectors. Usage (from the repo root):
//   php vectors/gen/hostdime.php            writes vectors/hostdime.json
//   php vectors/gen/hostdime.php --stdout   prints it instead
// Needs `node` on PATH for the js dialect (vectors/gen/js-dialect.mjs, node:crypto only) and
// `ruby` for the ruby dialect (vectors/gen/ruby-dialect.rb, Ruby's stdlib json and digest only).
// Deterministic: no clock, no unseeded randomness.

require __DIR__ . '/common.php';

const TS = 1369758680;
const UNIQ = 'ABCDEF';
const PRIV = 'fazbaz';
const PUB = 'foobar';
const TOL = 300;
const SEED = 20240523;

// ---------------------------------------------------------------------------------------------
// The scheme, as the official PHP client computes it.

/** php dialect: stages of hash('sha256', "$ts:$unique:$key:$method:" . json_encode(json_encode($p, JSON_FORCE_OBJECT))) */
function phpStages(string $method, string|int $ts, string $unique, string $priv, array $params,
    bool $allowFailure = false): array
{
    $inner = json_encode($params, JSON_FORCE_OBJECT);
    if ($inner === false) {
        check($allowFailure, 'json_encode failed: ' . json_last_error_msg());
    }
    $outer = json_encode($inner); // json_encode(false) === "false": the naive-server behaviour
    $canonical = "$ts:$unique:$priv:$method:" . $outer;
    return [
        'paramsJson' => $inner,
        'doubleJson' => $outer,
        'canonical' => $canonical,
        'hash' => hash('sha256', $canonical),
    ];
}

/**
 * Stages from an independent oracle process (js-dialect.mjs, ruby-dialect.rb): one case in,
 * { paramsJson, doubleJson, canonical, hash } out, the hash cross-checked by PHP's sha256.
 */
function oracleStages(array $cmd, string $name, string $method, string|int $ts, string $unique,
    string $priv, array $pairs): array
{
    $req = json_encode([[
        'timestamp' => $ts, 'unique' => $unique, 'privateKey' => $priv, 'method' => $method,
        'params' => $pairs,
    ]], JSON_THROW_ON_ERROR | JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES);
    $proc = proc_open($cmd, [0 => ['pipe', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
    check(is_resource($proc), "cannot start $name");
    fwrite($pipes[0], $req);
    fclose($pipes[0]);
    $out = stream_get_contents($pipes[1]);
    $err = stream_get_contents($pipes[2]);
    fclose($pipes[1]);
    fclose($pipes[2]);
    check(proc_close($proc) === 0, "$name failed: $err");
    $res = json_decode($out, true, 512, JSON_THROW_ON_ERROR)[0];
    // Cross-check the oracle's sha256 with PHP's on the same bytes.
    check(hash('sha256', $res['canonical']) === $res['hash'], "$name/PHP sha256 disagree");
    check($res['canonical'] === "$ts:$unique:$priv:$method:" . $res['doubleJson'], "$name canonical");
    return $res;
}

/** js dialect: stages from node's JSON.stringify + node:crypto (independent oracle). */
function jsStages(string $method, string|int $ts, string $unique, string $priv, array $pairs): array
{
    return oracleStages(['node', __DIR__ . '/js-dialect.mjs'], 'node', $method, $ts, $unique, $priv, $pairs);
}

/** ruby dialect: stages from Ruby's params.to_json.to_json + Digest::SHA2, as hdcore-rb hashes. */
function rubyStages(string $method, string|int $ts, string $unique, string $priv, array $pairs): array
{
    $res = oracleStages(['ruby', __DIR__ . '/ruby-dialect.rb'], 'ruby', $method, $ts, $unique, $priv, $pairs);
    // The second to_json only quotes the first: decoding it gives the first back.
    check(json_decode($res['doubleJson'], false, 512, JSON_THROW_ON_ERROR) === $res['paramsJson'], 'ruby doubleJson');
    return $res;
}

/** Stages of one dialect: php by PHP itself, js by node, ruby by Ruby. */
function dialectStages(string $dialect, string $method, string|int $ts, string $unique, string $priv,
    array $params, array $pairs): array
{
    return match ($dialect) {
        'php' => phpStages($method, $ts, $unique, $priv, $params),
        'js' => jsStages($method, $ts, $unique, $priv, $pairs),
        'ruby' => rubyStages($method, $ts, $unique, $priv, $pairs),
    };
}

function methodPath(string $method, string $fmt = 'json'): string
{
    return '/v1/' . str_replace('.', '/', $method) . '.' . $fmt;
}

function apiFields(?string $pub, ?string $ts, ?string $unique, ?string $hash): string
{
    $f = [];
    foreach (['api_key' => $pub, 'api_timestamp' => $ts, 'api_unique' => $unique,
        'api_hash' => $hash] as $k => $v) {
        if ($v !== null) {
            $f[] = $k . '=' . urlencode($v);
        }
    }
    return implode('&', $f);
}

function joinBody(string $paramPart, string $apiPart, bool $apiFirst = false): string
{
    $parts = $apiFirst ? [$apiPart, $paramPart] : [$paramPart, $apiPart];
    return implode('&', array_filter($parts, fn($p) => $p !== ''));
}

/** What a PHP server has in $_POST for this body. */
function post(string $body): array
{
    parse_str($body, $out);
    return $out;
}

/** $_POST minus every top-level key starting with "api_" (case-sensitive, after mangling). */
function stripApi(array $post): array
{
    return array_filter($post, fn($k) => !(is_string($k) && str_starts_with($k, 'api_')),
        ARRAY_FILTER_USE_KEY);
}

// ---------------------------------------------------------------------------------------------
// Verifier oracle. Collects *every* defect (not just the first) so the generator can assert
// that each invalid case has exactly one, and each valid case none.

/** Numeric-looking strings -> the numbers PHP would have encoded (the "Typed" retry). */
function typedRetry(array $a): array
{
    foreach ($a as $k => $v) {
        if (is_array($v)) {
            $a[$k] = typedRetry($v);
        } elseif (is_string($v) && preg_match('/^-?(0|[1-9][0-9]{0,14})$/', $v)) {
            $a[$k] = (int) $v;
        } elseif (is_string($v) && preg_match('/^-?(0|[1-9][0-9]*)\.[0-9]*[1-9]$/', $v)) {
            $a[$k] = (float) $v;
        }
    }
    return $a;
}

function verifyOracle(array $in): array
{
    $defects = [];
    $method = null;
    if (preg_match('#^/v1/([A-Za-z0-9_]+(?:/[A-Za-z0-9_]+)*)\.(json|xml|yml)$#', $in['path'], $m)) {
        $method = str_replace('/', '.', $m[1]);
    } else {
        $defects[] = 'METHOD_UNKNOWN';
    }
    $post = post($in['body']);
    if (duplicateField($in['body'], $post, ['api_key', 'api_timestamp', 'api_unique', 'api_hash'])) {
        $defects[] = 'FIELD_DUPLICATE';
    }
    $fieldsOk = true;
    foreach (['api_key', 'api_timestamp', 'api_unique', 'api_hash'] as $f) {
        if (!isset($post[$f]) || !is_string($post[$f])) {
            $fieldsOk = false;
        }
    }
    if (!$fieldsOk) {
        $defects[] = 'MISSING_FIELD';
    }
    $hashOk = false;
    if (isset($post['api_key']) && is_string($post['api_key'])
        && $post['api_key'] !== $in['publicKey']) {
        $defects[] = 'UNKNOWN_KEY';
    }
    if (isset($post['api_hash']) && is_string($post['api_hash'])) {
        $hashOk = preg_match('/^[0-9a-f]{64}$/', $post['api_hash']) === 1;
        if (!$hashOk) {
            $defects[] = 'HASH_MALFORMED';
        }
    }
    if (isset($post['api_timestamp']) && is_string($post['api_timestamp'])) {
        $ts = $post['api_timestamp'];
        if (preg_match('/^[0-9]{1,15}$/', $ts) !== 1) {
            $defects[] = 'TIMESTAMP_INVALID';
        } elseif ($in['now'] - (int) $ts > $in['toleranceSec']) {
            $defects[] = 'TIMESTAMP_STALE';
        } elseif ((int) $ts - $in['now'] > $in['toleranceSec']) {
            $defects[] = 'TIMESTAMP_FUTURE';
        }
    }
    $params = stripApi($post);
    $utf8 = allUtf8($params);
    if (!$utf8) {
        $defects[] = 'INVALID_UTF8';
    }
    $matched = null;
    if ($method !== null && $fieldsOk && $hashOk && $utf8) {
        $cands = [];
        foreach ($in['dialects'] as $d) {
            $cands[] = [$d, $params];
            if ($d === 'php') {
                $cands[] = [$d, typedRetry($params)];
            }
        }
        foreach ($cands as [$d, $p]) {
            $st = dialectStages($d, $method, $post['api_timestamp'], $post['api_unique'],
                $in['privateKey'], $p, phpToPairs($p));
            if (hash_equals($st['hash'], $post['api_hash'])) {
                $matched = ['dialect' => $d, 'typed' => $p !== $params, 'stages' => $st];
                break;
            }
        }
        if ($matched === null) {
            $defects[] = 'SIGNATURE_INVALID';
        }
    }
    return [$defects, $matched];
}

// ---------------------------------------------------------------------------------------------
// Case builders.

function canonicalCase(string $comment, array $flags, string $method, array $pairs,
    string $dialect = 'php', int $ts = TS, string $unique = UNIQ, string $priv = PRIV,
    ?string $expectCanonical = null, ?string $expectHash = null): array
{
    $php = assertParamsRoundTrip($pairs);
    $st = dialectStages($dialect, $method, $ts, $unique, $priv, $php, $pairs);
    if ($expectCanonical !== null) {
        check($st['canonical'] === $expectCanonical,
            "SCHEMES.md canonical string differs from PHP for '$comment':\n  doc: $expectCanonical\n  php: {$st['canonical']}");
    }
    if ($expectHash !== null) {
        check($st['hash'] === $expectHash,
            "SCHEMES.md hash differs from PHP for '$comment': doc $expectHash, php {$st['hash']}");
    }
    return [
        'comment' => $comment,
        'flags' => $flags,
        'input' => ['method' => $method, 'timestamp' => $ts, 'unique' => $unique,
            'privateKey' => $priv, 'params' => $pairs, 'dialect' => $dialect],
        'stages' => ['paramsJson' => $st['paramsJson'], 'doubleJson' => $st['doubleJson'],
            'canonical' => $st['canonical'], 'hash' => $st['hash']],
        'result' => 'valid',
    ];
}

/** The PHP client's whole pipeline; also returns the body for reuse by verify cases. */
function signCase(string $comment, array $flags, string $method, array $pairs, int $ts = TS,
    string $unique = UNIQ, string $priv = PRIV, string $pub = PUB): array
{
    $php = assertParamsRoundTrip($pairs);
    array_walk_recursive($php, fn($v) => check(is_string($v), "sign case '$comment': strings only"));
    $st = phpStages($method, $ts, $unique, $priv, $php);
    $body = joinBody(http_build_query($php), apiFields($pub, (string) $ts, $unique, $st['hash']));
    // The same body as PHP builds it in one go, with the api_* fields appended to the params.
    $all = $php;
    foreach (['api_key' => $pub, 'api_timestamp' => (string) $ts, 'api_unique' => $unique,
        'api_hash' => $st['hash']] as $k => $v) {
        check(!array_key_exists($k, $all), 'api_* key in sign params');
        $all[$k] = $v;
    }
    check(http_build_query($all) === $body, "sign case '$comment': body differs from one-shot http_build_query");
    // Round trip: what the server rebuilds is exactly what the client hashed.
    check(stripApi(post($body)) === $php, "sign case '$comment': body does not round-trip through parse_str");
    return [
        'comment' => $comment,
        'flags' => $flags,
        'input' => ['method' => $method, 'timestamp' => $ts, 'unique' => $unique,
            'privateKey' => $priv, 'publicKey' => $pub, 'params' => $pairs],
        'stages' => ['canonical' => $st['canonical'], 'hash' => $st['hash'], 'body' => $body,
            'path' => methodPath($method)],
        'result' => 'valid',
    ];
}

/**
 * A verify case. $expect is 'valid' or an error code. The oracle must agree, and find exactly
 * one defect in an invalid case.
 */
function verifyCase(string $comment, array $flags, string $path, string $body, string $expect,
    int $now, string $priv = PRIV, string $pub = PUB, array $dialects = ['php'],
    ?string $expectDialect = null, bool $expectTyped = false): array
{
    check(preg_match('/^[\x20-\x7e]*$/', $body) === 1, "verify case '$comment': body not printable ASCII");
    $in = ['path' => $path, 'body' => $body, 'privateKey' => $priv, 'publicKey' => $pub,
        'now' => $now, 'toleranceSec' => TOL, 'dialects' => $dialects];
    [$defects, $matched] = verifyOracle($in);
    $case = ['comment' => $comment, 'flags' => $flags, 'input' => $in];
    if ($expect === 'valid') {
        check($defects === [], "verify case '$comment': expected valid, oracle says " . implode(',', $defects));
        check($matched['dialect'] === ($expectDialect ?? 'php'), "verify case '$comment': matched dialect {$matched['dialect']}");
        check($matched['typed'] === $expectTyped, "verify case '$comment': typed retry mismatch");
        $post = post($body);
        check(hash_equals($matched['stages']['hash'], $post['api_hash']), 'stage hash');
        $case['stages'] = ['paramsJson' => $matched['stages']['paramsJson'],
            'canonical' => $matched['stages']['canonical'], 'hash' => $matched['stages']['hash']];
        $case['result'] = 'valid';
    } else {
        check($defects === [$expect], "verify case '$comment': expected [$expect], oracle says ["
            . implode(',', $defects) . ']');
        $case['result'] = 'invalid';
        $case['error'] = $expect;
    }
    return $case;
}

/** Body from a hand-written params part: hashes what the server will rebuild from it. */
function bodyFor(string $paramPart, string $method = 'utility.echo', string|int $ts = TS,
    string $unique = UNIQ, string $priv = PRIV, string $pub = PUB, bool $apiFirst = false,
    ?array $hashParams = null, string $dialect = 'php'): array
{
    $params = $hashParams ?? stripApi(post($paramPart));
    $st = dialectStages($dialect, $method, $ts, $unique, $priv, $params, phpToPairs($params));
    return [joinBody($paramPart, apiFields($pub, (string) $ts, $unique, $st['hash']), $apiFirst),
        $st['hash']];
}

// ---------------------------------------------------------------------------------------------
// Group 1: HostDimeCanonical

$P = TS . ':' . UNIQ . ':' . PRIV; // the "..." of SCHEMES.md
$canon = [];

// SCHEMES.md section 1: the documented vector and the seven of the table, byte for byte.
$canon[] = canonicalCase('SCHEMES.md documented vector: domain.list, status=registered&order=desc',
    ['Documented'], 'domain.list', [['status', 'registered'], ['order', 'desc']], 'php', TS, UNIQ, PRIV,
    $P . ':domain.list:"{\"status\":\"registered\",\"order\":\"desc\"}"',
    '499b5d8b8bce0f66d829d9186fb475c16b505ef7e6238c3b43c3342902ce27dd');
$canon[] = canonicalCase('SCHEMES.md table: server.list, no params -> "{}"', ['Documented', 'Empty'],
    'server.list', [], 'php', TS, UNIQ, PRIV, $P . ':server.list:"{}"',
    '4279db7777096dcb45480574ca95b67430dfe431f8581a7d26c3fb41a4fbdec8');
$canon[] = canonicalCase('SCHEMES.md table: utility.echo, url with slashes (\/ escaped twice)',
    ['Documented', 'Slash'], 'utility.echo', [['url', 'http://example.com/a']], 'php', TS, UNIQ, PRIV,
    $P . ':utility.echo:"{\"url\":\"http:\\\\\\/\\\\\\/example.com\\\\\\/a\"}"',
    '732fb3575dc27844e1131c7d3d3f527e4db8b5257cba50572657ca1f57e93111');
$canon[] = canonicalCase('SCHEMES.md table: utility.echo, name=José (\u00e9)', ['Documented', 'Unicode'],
    'utility.echo', [['name', 'José']], 'php', TS, UNIQ, PRIV,
    $P . ':utility.echo:"{\"name\":\"Jos\\\\u00e9\"}"',
    '766a77d90c0d8d057f715b70aef2b44921bb453616c806cb6fab98cb5b47c3ee');
$canon[] = canonicalCase('SCHEMES.md table: utility.echo, foo[]=1&foo[]=2 (list forced to object)',
    ['Documented', 'List'], 'utility.echo', [['foo', ['1', '2']]], 'php', TS, UNIQ, PRIV,
    $P . ':utility.echo:"{\"foo\":{\"0\":\"1\",\"1\":\"2\"}}"',
    '8324653669fc2f25a05bab86315710695fb35408a8017b77cc445edaa413bd6c');
$canon[] = canonicalCase('SCHEMES.md table: utility.echo, n = integer 5', ['Documented', 'Typed'],
    'utility.echo', [['n', 5]], 'php', TS, UNIQ, PRIV, $P . ':utility.echo:"{\"n\":5}"',
    'fd435ec50197aedb21be00dee794ebb25f43a431e4404fa120403b3a99df27c1');
$canon[] = canonicalCase('SCHEMES.md table: utility.echo, n = string "5"', ['Documented'],
    'utility.echo', [['n', '5']], 'php', TS, UNIQ, PRIV, $P . ':utility.echo:"{\"n\":\"5\"}"',
    '047a06c2ec9abb93fa0cf11bf63ed0913a7f298611a32861918f5f4a7f4b7881');
$canon[] = canonicalCase('SCHEMES.md table: utility.echo, emoji=😀 (surrogate pair, lowercase hex)',
    ['Documented', 'Astral'], 'utility.echo', [['emoji', '😀']], 'php', TS, UNIQ, PRIV,
    $P . ':utility.echo:"{\"emoji\":\"\\\\ud83d\\\\ude00\"}"',
    '04ef0577e21d0016e97efe489284010d17e54518a89e028bc9ee352decb8c4c3');

$unicodePairs = [['name', 'José'], ['city', '北京市'], ['note', 'naïve café']];
$cjkKeyPairs = [['名前', '値'], ['ключ', 'значение']];
$lineSepPairs = [['text', "a\u{2028}b\u{2029}c"]];
$astralPairs = [['emoji', '😀'], ['clef', '𝄞'], ['mixed', 'a😀b𝄞c']];
$zwjPairs = [['family', '👨‍👩‍👧‍👦'], ['flag', '🇧🇷'], ['skin', '👍🏽']];
$slashPairs = [['url', 'https://example.com/a/b?c=d'], ['path', '/'], ['both', 'a/b\\c']];
$listPairs = [['ids', ['10', '20', '30']], ['tags', ['a/b', 'é']]];
$nestedListPairs = [['matrix', [['a', 'b'], ['c'], []]], ['deep', [[['x']]]]];
$typedFloatPairs = [['f1', 0.1], ['f2', 1.5], ['f3', 1e20], ['f4', 1e-7], ['f5', -2.5],
    ['f6', 123456.789], ['f7', 1.7976931348623157e308]];
$boolNullPairs = [['t', true], ['f', false], ['n', null], ['list', [true, null, 0]]];
$controlPairs = [['ctl', "a\nb\tc\u{1}d\u{7f}e"], ['all', "\u{0}\u{8}\u{c}\r\u{1f}"]];
$numericKeyPairs = [['b', 'x'], ['5', 'five'], ['1', 'one'], ['05', 'zero-five'], ['-1', 'minus']];

array_push($canon,
    canonicalCase('Latin-1 and CJK values: every non-ASCII code point as \uXXXX', ['Unicode'],
        'utility.echo', $unicodePairs),
    canonicalCase('non-ASCII keys are escaped like values', ['Unicode'], 'utility.echo', $cjkKeyPairs),
    canonicalCase('U+2028/U+2029 are escaped like any other non-ASCII', ['Unicode'], 'utility.echo',
        $lineSepPairs),
    canonicalCase('astral code points (😀 U+1F600, 𝄞 U+1D11E) as surrogate pairs', ['Astral', 'Unicode'],
        'utility.echo', $astralPairs),
    canonicalCase('ZWJ family, regional-indicator flag, skin-tone modifier', ['Astral', 'Unicode'],
        'utility.echo', $zwjPairs),
    canonicalCase('slashes escaped as \/ and backslash as \\\\, then escaped again', ['Slash'],
        'utility.echo', $slashPairs),
    canonicalCase('backslash and double quote', ['Slash'], 'utility.echo',
        [['bs', '\\'], ['q', 'say "hi"'], ['mix', '\\"/']]),
    canonicalCase('form metacharacters + % & = ? # are plain characters in JSON', ['PlusVsPercent20'],
        'utility.echo', [['expr', '1+1=2'], ['pct', '100% %20 %2B'], ['amp', 'a&b=c?d#e'], ['sp', 'a b']]),
    canonicalCase('control characters: \n \t as short escapes, others \u00XX, DEL raw', ['Controls'],
        'utility.echo', $controlPairs),
    canonicalCase('empty string values', ['Empty'], 'utility.echo', [['a', ''], ['b', ''], ['c', 'x']]),
    canonicalCase('empty params on a method taking params -> "{}"', ['Empty'], 'domain.list', []),
    canonicalCase('empty nested map and empty list both become {}', ['Empty', 'Nested', 'List'],
        'utility.echo', [['m', M()], ['l', []]]),
    canonicalCase('nested maps (3 levels), order kept', ['Nested'], 'domain.forwarder.add',
        [['domain', 'example.com'], ['meta', M(['type', 'entry'], ['inner', M(['z', '1'], ['a', M(['k', 'v'])])])]]),
    canonicalCase('lists forced to objects with "0","1",... keys', ['List'], 'utility.echo', $listPairs),
    canonicalCase('nested lists and an empty inner list', ['List', 'Nested'], 'utility.echo',
        $nestedListPairs),
    canonicalCase('list of maps', ['List', 'Nested'], 'utility.echo',
        [['items', [M(['sku', 'A1'], ['qty', '2']), M(['sku', 'B2'])]]]),
    canonicalCase('numeric keys keep insertion order ("5" and "-1" are int keys in PHP, "05" is not)',
        ['NumericKey'], 'utility.echo', $numericKeyPairs),
    canonicalCase('params that form a PHP list (keys "0","1") are still an object', ['NumericKey', 'List'],
        'utility.echo', [['0', 'a'], ['1', 'b']]),
    canonicalCase('integer keys out of order: PHP keeps insertion order', ['NumericKey'],
        'utility.echo', [['2', 'two'], ['0', 'zero'], ['1', 'one']]),
    canonicalCase('typed integers', ['Typed'], 'utility.echo',
        [['zero', 0], ['neg', -42], ['max', 9007199254740991], ['min', -9007199254740991]]),
    canonicalCase('typed floats: shortest round-trip form, 1e20 -> 1.0e+20, 1e-7 -> 1.0e-7', ['Typed'],
        'utility.echo', $typedFloatPairs),
    canonicalCase('booleans and null (also inside a list)', ['Typed'], 'utility.echo', $boolNullPairs),
    canonicalCase('long value: 10,000 ASCII characters', ['Long'], 'utility.echo',
        [['blob', str_repeat('0123456789', 1000)]]),
    canonicalCase('three-part method, UUID v4 unique, other timestamp and key', [],
        'domain.forwarder.add', [['domain', 'example.com'], ['source', 'info'], ['dest', 'me@example.org']],
        'php', 1700000000, '3f2c8a9e-4b7d-4e1a-9c3b-8d2f6a1e0b57', 'S3cr3t:with:colons'),
    canonicalCase('private key and unique with non-ASCII are hashed as raw UTF-8', ['Unicode'],
        'server.list', [], 'php', 1700000001, 'uniq-é', 'clé-😀'),
);

// js dialect (JSON.stringify twice, as npm hdcore does), via node.
array_push($canon,
    canonicalCase('js dialect: documented domain.list vector, same hash as php (plain ASCII)',
        ['Documented'], 'domain.list', [['status', 'registered'], ['order', 'desc']], 'js', TS, UNIQ, PRIV,
        null, '499b5d8b8bce0f66d829d9186fb475c16b505ef7e6238c3b43c3342902ce27dd'),
    canonicalCase('js dialect: no params', ['Empty'], 'server.list', [], 'js', TS, UNIQ, PRIV, null,
        '4279db7777096dcb45480574ca95b67430dfe431f8581a7d26c3fb41a4fbdec8'),
    canonicalCase('js dialect: José, raw UTF-8 instead of \u00e9', ['Unicode'], 'utility.echo',
        [['name', 'José']], 'js'),
    canonicalCase('js dialect: Latin-1 and CJK values raw', ['Unicode'], 'utility.echo', $unicodePairs, 'js'),
    canonicalCase('js dialect: U+2028/U+2029 stay raw', ['Unicode'], 'utility.echo', $lineSepPairs, 'js'),
    canonicalCase('js dialect: astral raw', ['Astral', 'Unicode'], 'utility.echo', $astralPairs, 'js'),
    canonicalCase('js dialect: ZWJ sequences raw', ['Astral', 'Unicode'], 'utility.echo', $zwjPairs, 'js'),
    canonicalCase('js dialect: url, / not escaped', ['Slash'], 'utility.echo',
        [['url', 'http://example.com/a']], 'js'),
    canonicalCase('js dialect: slashes and backslashes', ['Slash'], 'utility.echo', $slashPairs, 'js'),
    canonicalCase('js dialect: foo list stays a JSON array', ['List'], 'utility.echo',
        [['foo', ['1', '2']]], 'js'),
    canonicalCase('js dialect: lists', ['List'], 'utility.echo', $listPairs, 'js'),
    canonicalCase('js dialect: nested lists', ['List', 'Nested'], 'utility.echo', $nestedListPairs, 'js'),
    canonicalCase('js dialect: controls (\u0001 lowercase hex, DEL raw, as php)', ['Controls'],
        'utility.echo', $controlPairs, 'js'),
    canonicalCase('js dialect: floats (1e20 -> 100000000000000000000, 1e-7 -> 1e-7)', ['Typed'],
        'utility.echo', $typedFloatPairs, 'js'),
    canonicalCase('js dialect: booleans and null', ['Typed'], 'utility.echo', $boolNullPairs, 'js'),
    canonicalCase('js dialect: a plain JS object puts integer-like keys first, ascending ("05", "-1" are not integer-like)',
        ['NumericKey', 'JsKeyOrder'], 'utility.echo', $numericKeyPairs, 'js'),
);

// ruby dialect (params.to_json.to_json, as hdcore-rb hashes), via ruby. Strings as JSON.stringify
// writes them; a Hash keeps insertion order; floats are Float#to_s. No integral float here (1e20):
// the encoding reads it as a PHP float, Ruby would print 1.0e+20, while a JS reader of the
// vectors (hostsig) holds an integral number and writes it as an Integer.
$rubyFloatPairs = [['f1', 0.1], ['f2', 1.5], ['f3', 1e-5], ['f4', 1e-7], ['f5', -2.5],
    ['f6', 123456.789], ['f7', 0.0001], ['f8', 0.00011], ['f9', -1.5e-7], ['f10', 1000000000000000.5]];
array_push($canon,
    canonicalCase('ruby dialect: documented domain.list vector, same hash as php (plain ASCII)',
        ['Documented'], 'domain.list', [['status', 'registered'], ['order', 'desc']], 'ruby', TS, UNIQ, PRIV,
        null, '499b5d8b8bce0f66d829d9186fb475c16b505ef7e6238c3b43c3342902ce27dd'),
    canonicalCase('ruby dialect: no params', ['Empty'], 'server.list', [], 'ruby', TS, UNIQ, PRIV, null,
        '4279db7777096dcb45480574ca95b67430dfe431f8581a7d26c3fb41a4fbdec8'),
    canonicalCase('ruby dialect: José, raw UTF-8 instead of \u00e9', ['Unicode'], 'utility.echo',
        [['name', 'José']], 'ruby'),
    canonicalCase('ruby dialect: Latin-1 and CJK values raw', ['Unicode'], 'utility.echo', $unicodePairs, 'ruby'),
    canonicalCase('ruby dialect: non-ASCII keys raw', ['Unicode'], 'utility.echo', $cjkKeyPairs, 'ruby'),
    canonicalCase('ruby dialect: U+2028/U+2029 stay raw (the json gem escapes them only when script_safe)',
        ['Unicode'], 'utility.echo', $lineSepPairs, 'ruby'),
    canonicalCase('ruby dialect: astral raw', ['Astral', 'Unicode'], 'utility.echo', $astralPairs, 'ruby'),
    canonicalCase('ruby dialect: ZWJ sequences raw', ['Astral', 'Unicode'], 'utility.echo', $zwjPairs, 'ruby'),
    canonicalCase('ruby dialect: url, / not escaped', ['Slash'], 'utility.echo',
        [['url', 'http://example.com/a']], 'ruby'),
    canonicalCase('ruby dialect: slashes and backslashes', ['Slash'], 'utility.echo', $slashPairs, 'ruby'),
    canonicalCase('ruby dialect: backslash and double quote', ['Slash'], 'utility.echo',
        [['bs', '\\'], ['q', 'say "hi"'], ['mix', '\\"/']], 'ruby'),
    canonicalCase('ruby dialect: foo list stays a JSON array', ['List'], 'utility.echo',
        [['foo', ['1', '2']]], 'ruby'),
    canonicalCase('ruby dialect: lists', ['List'], 'utility.echo', $listPairs, 'ruby'),
    canonicalCase('ruby dialect: nested lists', ['List', 'Nested'], 'utility.echo', $nestedListPairs, 'ruby'),
    canonicalCase('ruby dialect: list of maps', ['List', 'Nested'], 'utility.echo',
        [['items', [M(['sku', 'A1'], ['qty', '2']), M(['sku', 'B2'])]]], 'ruby'),
    canonicalCase('ruby dialect: controls (\u0001 lowercase hex, DEL raw)', ['Controls'],
        'utility.echo', $controlPairs, 'ruby'),
    canonicalCase('ruby dialect: floats as Float#to_s (1e-5 -> 1.0e-05, 0.0001 fixed, 1.5e-7 -> 1.5e-07)',
        ['Typed'], 'utility.echo', $rubyFloatPairs, 'ruby'),
    canonicalCase('ruby dialect: typed integers', ['Typed'], 'utility.echo',
        [['zero', 0], ['neg', -42], ['max', 9007199254740991], ['min', -9007199254740991]], 'ruby'),
    canonicalCase('ruby dialect: booleans and null', ['Typed'], 'utility.echo', $boolNullPairs, 'ruby'),
    canonicalCase('ruby dialect: a Ruby Hash keeps integer-like keys where they were inserted (the js dialect moves them first)',
        ['NumericKey', 'JsKeyOrder'], 'utility.echo', $numericKeyPairs, 'ruby'),
    canonicalCase('ruby dialect: "a" then "5" stays in that order (SCHEMES.md)', ['NumericKey', 'JsKeyOrder'],
        'utility.echo', [['a', 'x'], ['5', 'five']], 'ruby'),
    canonicalCase('ruby dialect: integer keys out of order stay out of order', ['NumericKey', 'JsKeyOrder'],
        'utility.echo', [['2', 'two'], ['0', 'zero'], ['1', 'one']], 'ruby'),
    canonicalCase('ruby dialect: params with keys "0","1" are a Hash, so an object', ['NumericKey', 'List'],
        'utility.echo', [['0', 'a'], ['1', 'b']], 'ruby'),
    canonicalCase('ruby dialect: nested maps keep their order, integer-like keys included', ['Nested', 'NumericKey', 'JsKeyOrder'],
        'domain.forwarder.add', [['domain', 'example.com'], ['meta', M(['type', 'entry'], ['7', 'seven'], ['inner', M(['z', '1'], ['3', 'three'])])]], 'ruby'),
    canonicalCase('ruby dialect: private key and unique with non-ASCII are joined as raw UTF-8', ['Unicode'],
        'server.list', [['a', '1']], 'ruby', 1700000001, 'uniq-é', 'clé-😀'),
);

// ---------------------------------------------------------------------------------------------
// Group 2: HostDimeSign

$sign = [
    signCase('documented domain.list vector, whole pipeline', ['Documented'], 'domain.list',
        [['status', 'registered'], ['order', 'desc']]),
    signCase('no params: body is just the api_* fields', ['Empty'], 'server.list', []),
    signCase('url value: / percent-encoded in the body, \/ in the hash', ['Slash'], 'utility.echo',
        [['url', 'http://example.com/a']]),
    signCase('unicode and astral values: UTF-8 percent-encoded', ['Unicode', 'Astral'], 'utility.echo',
        [['name', 'José'], ['city', '北京市'], ['emoji', '😀'], ['family', '👨‍👩‍👧‍👦']]),
    signCase('form metacharacters in values: space -> +, + & = % ~ [ ] encoded', ['PlusVsPercent20'],
        'utility.echo', [['q', 'a b+c&d=e%f~g[h]i'], ['bs', 'back\\slash "quoted"']]),
    signCase('nested map and list: a[b]=..., ids[0]=...', ['Nested', 'List'], 'domain.forwarder.add',
        [['domain', 'example.com'], ['meta', M(['type', 'entry'], ['inner', M(['k', 'v'])])],
            ['ids', ['10', '20']]]),
    signCase('list of lists and list of maps', ['Nested', 'List'], 'utility.echo',
        [['m', [['a', 'b'], ['c']]], ['items', [M(['sku', 'A1'], ['qty', '2'])]]]),
    signCase('numeric keys "5", "05", "-1"', ['NumericKey'], 'utility.echo',
        [['b', 'x'], ['5', 'five'], ['05', 'zero-five'], ['-1', 'minus']]),
    signCase('empty value and control characters', ['Empty', 'Controls'], 'utility.echo',
        [['empty', ''], ['ctl', "line1\nline2\tend"]]),
    signCase('public key and unique that need urlencode', [], 'server.list', [['a', '1']],
        1700000000, 'u n/i+q=u&e', 'fazbaz', 'pub key/+='),
    signCase('keys with . and space inside brackets are not mangled', ['Nested'],
        'utility.echo', [['opt', M(['a.b', '1'], ['c d', '2'])]]),
    signCase('UUID v4 unique, current-era timestamp', [], 'server.info',
        [['id', '12345']], 1716465600, '9b2f0c4e-1d3a-4f6b-8e7c-5a4b3c2d1e0f'),
];

// ---------------------------------------------------------------------------------------------
// Group 3: HostDimeVerify

$ver = [];
$signBodies = [];
foreach ($sign as $s) {
    $ver[] = verifyCase('sign case body: ' . $s['comment'], $s['flags'], $s['stages']['path'],
        $s['stages']['body'], 'valid', $s['input']['timestamp'] + 5, $s['input']['privateKey'],
        $s['input']['publicKey']);
    $signBodies[] = $s;
}
$doc = $sign[0]; // documented domain.list
$docBody = $doc['stages']['body'];
$docHash = $doc['stages']['hash'];
$docPath = $doc['stages']['path'];
$now = TS + 5;

// Spaces as + and as %20.
[$b] = bodyFor('q=a+b+c&r=x');
$ver[] = verifyCase('space written as +', ['PlusVsPercent20'], '/v1/utility/echo.json', $b, 'valid', $now);
$ver[] = verifyCase('space written as %20 (same hash as +)', ['PlusVsPercent20'], '/v1/utility/echo.json',
    str_replace('q=a+b+c', 'q=a%20b%20c', $b), 'valid', $now);
$ver[] = verifyCase('literal plus as %2B is a plus', ['PlusVsPercent20'], '/v1/utility/echo.json',
    bodyFor('expr=1%2B1%3D2')[0], 'valid', $now);
// Key mangling.
foreach ([
    ['a.b=1&c=2', 'a.b mangled to a_b'],
    ['a+b=1&c=2', 'a b (space as +) mangled to a_b'],
    ['a%20b=1&c=2', 'a b (space as %20) mangled to a_b'],
    ['foo[bar.baz=1', 'unmatched [ mangled: foo[bar.baz -> foo_bar_baz'],
    ['x.y[z.w]=1', 'top-level part mangled (x_y), bracketed part kept (z.w)'],
] as [$part, $c]) {
    $ver[] = verifyCase("key mangling: $c", ['KeyMangling'], '/v1/utility/echo.json', bodyFor($part)[0],
        'valid', $now);
}
$ver[] = verifyCase('duplicate key with another value: PHP reads the last, URLSearchParams the first, so refused', ['Duplicate'],
    '/v1/utility/echo.json', bodyFor('a=1&b=2&a=3')[0], 'FIELD_DUPLICATE', $now);
$ver[] = verifyCase('duplicate key with the same value: every reader agrees', ['Duplicate'],
    '/v1/utility/echo.json', bodyFor('a=1&b=2&a=1')[0], 'valid', $now);
$ver[] = verifyCase('a scalar then the same name as an array: refused', ['Duplicate'],
    '/v1/utility/echo.json', bodyFor('a=1&a%5Bb%5D=2')[0], 'FIELD_DUPLICATE', $now);
$ver[] = verifyCase('a second api_key, even after the hashed one: refused', ['Duplicate', 'ApiLookalike'],
    '/v1/utility/echo.json', bodyFor('x=1')[0] . '&api_key=' . PUB, 'FIELD_DUPLICATE', $now);
$ver[] = verifyCase('a[]=1&a[]=2 is a list', ['List'], '/v1/utility/echo.json',
    bodyFor('a%5B%5D=1&a%5B%5D=2')[0], 'valid', $now);
$ver[] = verifyCase('a[]=1&a[]=2 with unencoded brackets', ['List'], '/v1/utility/echo.json',
    bodyFor('a[]=1&a[]=2')[0], 'valid', $now);
$ver[] = verifyCase('api.key and api key mangle to api_key: a second api_key, refused (PHP keeps the last, a reader of api_key the real one)',
    ['ApiLookalike', 'KeyMangling', 'Duplicate'], '/v1/utility/echo.json',
    bodyFor('x=1&api.key=evil&api+key=evil2')[0], 'FIELD_DUPLICATE', $now);
$ver[] = verifyCase('API_KEY, apikey and foo[api_key] are ordinary params (kept and hashed)', ['ApiLookalike'],
    '/v1/utility/echo.json', bodyFor('API_KEY=x&apikey=y&foo%5Bapi_key%5D=z')[0], 'valid', $now);
$ver[] = verifyCase('any api_ prefix is excluded, not just the four fields (api_version)', ['ApiLookalike'],
    '/v1/utility/echo.json', bodyFor('x=1&api_version=2')[0], 'valid', $now);
$ver[] = verifyCase('api_* fields first, params after', [], $docPath,
    bodyFor('status=registered&order=desc', 'domain.list', apiFirst: true)[0], 'valid', $now);
$ver[] = verifyCase('api_* fields in the middle of the params', [], $docPath,
    'status=registered&' . apiFields(PUB, (string) TS, UNIQ, $docHash) . '&order=desc', 'valid', $now);
$ver[] = verifyCase('typed: client hashed integer 5, body says n=5', ['Typed'], '/v1/utility/echo.json',
    bodyFor('n=5', hashParams: ['n' => 5])[0], 'valid', $now, expectTyped: true);
$ver[] = verifyCase('typed: client hashed ints and a float, strings stay strings', ['Typed'],
    '/v1/utility/echo.json',
    bodyFor('id=42&page=-1&price=1.5&code=007&name=abc',
        hashParams: ['id' => 42, 'page' => -1, 'price' => 1.5, 'code' => '007', 'name' => 'abc'])[0],
    'valid', $now, expectTyped: true);
$jsParams = ['name' => 'José', 'url' => 'http://example.com/a'];
[$jsBody] = bodyFor(http_build_query($jsParams), dialect: 'js');
$ver[] = verifyCase('js dialect hash accepted when dialects include js', ['JsDialect', 'Unicode', 'Slash'],
    '/v1/utility/echo.json', $jsBody, 'valid', $now, dialects: ['php', 'js'], expectDialect: 'js');
$ver[] = verifyCase('ASCII-only js client passes a php-only verifier (dialects agree)', ['JsDialect'],
    $docPath, bodyFor('status=registered&order=desc', 'domain.list', dialect: 'js')[0], 'valid', $now);
$ver[] = verifyCase('php hash still accepted by a php+js verifier', ['JsDialect'], $docPath, $docBody,
    'valid', $now, dialects: ['php', 'js']);
// ruby dialect (hdcore-rb): non-ASCII and "/" make it differ from php, the integer-like key "5"
// after "name" from js.
$rubyParams = ['name' => 'José', 'url' => 'http://example.com/a', '5' => 'five'];
[$rubyBody] = bodyFor(http_build_query($rubyParams), dialect: 'ruby');
$ver[] = verifyCase('ruby dialect hash accepted when dialects include ruby', ['RubyDialect', 'Unicode', 'Slash', 'NumericKey'],
    '/v1/utility/echo.json', $rubyBody, 'valid', $now, dialects: ['php', 'ruby'], expectDialect: 'ruby');
$ver[] = verifyCase('ruby dialect hash accepted by a verifier of every dialect', ['RubyDialect', 'JsDialect', 'NumericKey'],
    '/v1/utility/echo.json', $rubyBody, 'valid', $now, dialects: ['php', 'js', 'ruby'], expectDialect: 'ruby');
$ver[] = verifyCase('ASCII-only ruby client passes a php-only verifier, integer-like key included (dialects agree)',
    ['RubyDialect', 'NumericKey'], '/v1/utility/echo.json',
    bodyFor('a=x&5=five', dialect: 'ruby')[0], 'valid', $now);
$ver[] = verifyCase('js hash without integer-like keys is also the ruby hash: a php+ruby verifier accepts it',
    ['RubyDialect', 'JsDialect', 'Unicode', 'Slash'], '/v1/utility/echo.json', $jsBody, 'valid', $now,
    dialects: ['php', 'ruby'], expectDialect: 'ruby');
$ver[] = verifyCase('format .xml in the path', ['Format'], '/v1/domain/list.xml', $docBody, 'valid', $now);
$ver[] = verifyCase('format .yml in the path', ['Format'], '/v1/domain/list.yml', $docBody, 'valid', $now);
// Tolerance edges.
$ver[] = verifyCase('edge: ts = now - 300', ['Timestamp'], $docPath, $docBody, 'valid', TS + 300);
$ver[] = verifyCase('edge: ts = now - 301', ['Timestamp'], $docPath, $docBody, 'TIMESTAMP_STALE', TS + 301);
$ver[] = verifyCase('edge: ts = now + 300', ['Timestamp'], $docPath, $docBody, 'valid', TS - 300);
$ver[] = verifyCase('edge: ts = now + 301', ['Timestamp'], $docPath, $docBody, 'TIMESTAMP_FUTURE', TS - 301);
$ver[] = verifyCase('a day old', ['Timestamp'], $docPath, $docBody, 'TIMESTAMP_STALE', TS + 86400);
$ver[] = verifyCase('an hour ahead', ['Timestamp'], $docPath, $docBody, 'TIMESTAMP_FUTURE', TS - 3600);

// Random valid cases.
mt_srand(SEED, MT_RAND_MT19937);
function pick(array $a): mixed
{
    return $a[mt_rand(0, count($a) - 1)];
}
function randStr(int $n, string $alpha = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'): string
{
    $s = '';
    for ($i = 0; $i < $n; $i++) {
        $s .= $alpha[mt_rand(0, strlen($alpha) - 1)];
    }
    return $s;
}
const VALUE_ATOMS = ['', 'a', 'abc', 'Hello World', '/', '\\', '"', '+', '%', '&', '=', '[', ']', '.',
    ' ', 'é', '中文', '😀', '👩‍💻', '👨‍👩‍👧‍👦', 'a/b\\c', '100%', '1+1=2', 'x&y=z', '[0]', 'a.b c', '0',
    '05', '-1', "\t", "\n", '~', "'", '<>', '#?', 'Ünïcödé', '𝄞'];
// Top-level names must survive parse_str unmangled: no '.', ' ', '[' and no leading 'api_'.
const KEY_ATOMS = ['a', 'b', 'id', 'name', 'q', 'x_y', 'Key', 'é', '中文', '😀', 'k/1', 'k\\2', 'k"3',
    'k+4', 'k%5', 'k&6', 'k=7', '5', '05', '-1', '0', 'zz', 'k]8', 'ok~'];
// Bracketed names are not mangled, but must not contain '[' or ']'.
const SUBKEY_ATOMS = ['a', 'b', 'id', 'é', '中文', '😀', 'k/1', 'k\\2', 'k+4', 'k%5', 'k&6', '5', '05', '-1',
    'a.b', 'd e', ' lead', '.', 'x_y'];
function randValue(int $depth): mixed
{
    $r = mt_rand(0, 9);
    if ($depth < 3 && $r === 0) {
        $n = mt_rand(1, 3);
        $l = [];
        for ($i = 0; $i < $n; $i++) {
            $l[] = randValue($depth + 1);
        }
        return $l;
    }
    if ($depth < 3 && $r === 1) {
        return M(...randPairs(mt_rand(1, 3), SUBKEY_ATOMS, $depth + 1));
    }
    if (mt_rand(0, 7) === 0) {
        return '';
    }
    $s = '';
    $n = mt_rand(1, 3);
    for ($i = 0; $i < $n; $i++) {
        $s .= pick(VALUE_ATOMS);
    }
    return $s;
}
function randPairs(int $n, array $keyAtoms, int $depth): array
{
    $pairs = [];
    $seen = [];
    while (count($pairs) < $n) {
        $k = pick($keyAtoms) . (mt_rand(0, 2) === 0 ? pick($keyAtoms) : '');
        if (str_starts_with($k, 'api_') || isset($seen[$k])) {
            continue;
        }
        // PHP array key normalisation ("5" is 5) could merge two distinct strings: avoid.
        $norm = array_key_first([$k => 1]);
        if (isset($seen[$norm])) {
            continue;
        }
        $seen[$k] = $seen[$norm] = true;
        $pairs[] = [$k, randValue($depth)];
    }
    return $pairs;
}
$methods = ['server.list', 'domain.list', 'utility.echo', 'domain.forwarder.add', 'server.info'];
for ($i = 1; $i <= 40; $i++) {
    $pairs = randPairs(mt_rand(0, 5), KEY_ATOMS, 0);
    $params = assertParamsRoundTrip($pairs);
    $method = pick($methods);
    $ts = 1700000000 + mt_rand(0, 1000000);
    $now = $ts + mt_rand(-TOL, TOL);
    $unique = randStr(mt_rand(6, 16));
    $priv = randStr(32, '0123456789abcdef');
    $pub = randStr(mt_rand(8, 20));
    $apiFirst = mt_rand(0, 3) === 0;
    $part = http_build_query($params);
    $pct20 = mt_rand(0, 3) === 0;
    if ($pct20) {
        $part = str_replace('+', '%20', $part); // a literal '+' is %2B, so every '+' here is a space
    }
    $st = phpStages($method, $ts, $unique, $priv, $params);
    $body = joinBody($part, apiFields($pub, (string) $ts, $unique, $st['hash']), $apiFirst);
    check(stripApi(post($body)) === $params, "random case $i does not round-trip");
    $flags = ['Random'];
    if ($pct20) {
        $flags[] = 'PlusVsPercent20';
    }
    if ($apiFirst) {
        $flags[] = 'ApiFirst';
    }
    if ($params === []) {
        $flags[] = 'Empty';
    }
    $ver[] = verifyCase("random #$i (seed " . SEED . ')', $flags, methodPath($method), $body, 'valid', $now,
        $priv, $pub);
}

// Invalid: SIGNATURE_INVALID.
$nowD = TS + 5;
$ver[] = verifyCase('value changed after signing (order=desc -> asc)', ['Tamper'], $docPath,
    str_replace('order=desc', 'order=asc', $docBody), 'SIGNATURE_INVALID', $nowD);
$ver[] = verifyCase('key renamed after signing (status -> statuz)', ['Tamper'], $docPath,
    str_replace('status=', 'statuz=', $docBody), 'SIGNATURE_INVALID', $nowD);
$ver[] = verifyCase('two params swapped (order is signed)', ['Tamper'], $docPath,
    str_replace('status=registered&order=desc', 'order=desc&status=registered', $docBody),
    'SIGNATURE_INVALID', $nowD);
$ver[] = verifyCase('param added after signing', ['Tamper'], $docPath, 'extra=1&' . $docBody,
    'SIGNATURE_INVALID', $nowD);
$ver[] = verifyCase('param removed after signing', ['Tamper'], $docPath,
    str_replace('&order=desc', '', $docBody), 'SIGNATURE_INVALID', $nowD);
$ver[] = verifyCase('wrong method in path (signed domain.list, sent to server.list)', ['Tamper'],
    '/v1/server/list.json', $docBody, 'SIGNATURE_INVALID', $nowD);
$ver[] = verifyCase('verifier holds a different private key', ['Tamper'], $docPath, $docBody,
    'SIGNATURE_INVALID', $nowD, 'fazbaz2');
$ver[] = verifyCase('timestamp changed after signing (still fresh)', ['Tamper'], $docPath,
    str_replace('api_timestamp=' . TS, 'api_timestamp=' . (TS + 1), $docBody), 'SIGNATURE_INVALID', $nowD);
$ver[] = verifyCase('unique changed after signing', ['Tamper'], $docPath,
    str_replace('api_unique=ABCDEF', 'api_unique=ABCDEG', $docBody), 'SIGNATURE_INVALID', $nowD);
$ver[] = verifyCase('js-dialect hash, verifier accepts php only', ['JsDialect', 'Unicode', 'Slash'],
    '/v1/utility/echo.json', $jsBody, 'SIGNATURE_INVALID', $nowD);
$ver[] = verifyCase('ruby-dialect hash, verifier accepts php only', ['RubyDialect', 'Unicode', 'Slash'],
    '/v1/utility/echo.json', $rubyBody, 'SIGNATURE_INVALID', $nowD);
$ver[] = verifyCase('ruby-dialect hash with an integer-like key, verifier accepts php and js: the gem is not the Node client',
    ['RubyDialect', 'JsDialect', 'NumericKey', 'JsKeyOrder'], '/v1/utility/echo.json', $rubyBody, 'SIGNATURE_INVALID', $nowD,
    dialects: ['php', 'js']);
$ver[] = verifyCase('js-dialect hash with an integer-like key, verifier accepts php and ruby: the Node client is not the gem',
    ['RubyDialect', 'JsDialect', 'NumericKey', 'JsKeyOrder'], '/v1/utility/echo.json',
    bodyFor(http_build_query($rubyParams), dialect: 'js')[0], 'SIGNATURE_INVALID', $nowD, dialects: ['php', 'ruby']);
$ver[] = verifyCase('client hashed api_version=2 as a param, server excludes it', ['ApiLookalike'],
    '/v1/utility/echo.json', bodyFor('x=1&api_version=2', hashParams: ['x' => '1', 'api_version' => '2'])[0],
    'SIGNATURE_INVALID', $nowD);
$ver[] = verifyCase('client hashed the unmangled name a.b, server sees a_b', ['KeyMangling'],
    '/v1/utility/echo.json', bodyFor('a.b=1', hashParams: ['a.b' => '1'])[0], 'SIGNATURE_INVALID', $nowD);
$ver[] = verifyCase('hash of the params with the api_* fields included', ['Tamper'], '/v1/utility/echo.json',
    bodyFor('x=1', hashParams: ['x' => '1', 'api_key' => PUB])[0], 'SIGNATURE_INVALID', $nowD);
// HASH_MALFORMED.
$ver[] = verifyCase('hash uppercased', ['Tamper'], $docPath,
    str_replace($docHash, strtoupper($docHash), $docBody), 'HASH_MALFORMED', $nowD);
$ver[] = verifyCase('hash 63 hex chars', [], $docPath, str_replace($docHash, substr($docHash, 0, 63), $docBody),
    'HASH_MALFORMED', $nowD);
$ver[] = verifyCase('hash 65 hex chars', [], $docPath, str_replace($docHash, $docHash . '0', $docBody),
    'HASH_MALFORMED', $nowD);
$ver[] = verifyCase('hash with a non-hex character', [], $docPath,
    str_replace($docHash, 'g' . substr($docHash, 1), $docBody), 'HASH_MALFORMED', $nowD);
$ver[] = verifyCase('hash empty', ['Empty'], $docPath, str_replace($docHash, '', $docBody), 'HASH_MALFORMED',
    $nowD);
$ver[] = verifyCase('hash as base64 of the digest', [], $docPath,
    str_replace($docHash, urlencode(base64_encode(hex2bin($docHash))), $docBody), 'HASH_MALFORMED', $nowD);
// MISSING_FIELD.
$docParams = 'status=registered&order=desc';
foreach (['api_key', 'api_timestamp', 'api_unique', 'api_hash'] as $f) {
    $vals = ['api_key' => PUB, 'api_timestamp' => (string) TS, 'api_unique' => UNIQ, 'api_hash' => $docHash];
    $vals[$f] = null;
    $ver[] = verifyCase("$f missing", [], $docPath, $docParams . '&' . apiFields(...array_values($vals)),
        'MISSING_FIELD', $nowD);
}
$ver[] = verifyCase('api_hash sent as an array (api_hash[]=...)', [], $docPath,
    str_replace('api_hash=', 'api_hash%5B%5D=', $docBody), 'MISSING_FIELD', $nowD);
$ver[] = verifyCase('api_key sent as a map (api_key[k]=...)', [], $docPath,
    str_replace('api_key=', 'api_key[k]=', $docBody), 'MISSING_FIELD', $nowD);
// TIMESTAMP_*.
foreach ([['abc', 'letters'], ['', 'empty'], ['1e9', 'exponent notation']] as [$t, $c]) {
    [$b] = bodyFor($docParams, 'domain.list', $t);
    $ver[] = verifyCase("api_timestamp $c ('$t'), correctly signed over that string", ['Timestamp'], $docPath, $b,
        'TIMESTAMP_INVALID', $nowD);
}
// INVALID_UTF8: hashed as a naive PHP server would (json_encode fails -> the string "false").
foreach ([['v=%FF', 'value %FF'], ['v=%C3', 'value %C3 (truncated sequence)'], ['%FF=1', 'key %FF'],
    ['v=%ED%A0%80', 'value is an encoded surrogate (CESU)'], ['a[%FF]=1', 'nested key %FF']] as [$part, $c]) {
    $p = stripApi(post($part));
    $st = phpStages('utility.echo', TS, UNIQ, PRIV, $p, true);
    check($st['doubleJson'] === 'false', 'naive false hash');
    $body = joinBody($part, apiFields(PUB, (string) TS, UNIQ, $st['hash']));
    $ver[] = verifyCase("invalid UTF-8: $c; api_hash is the naive-PHP hash over the literal false",
        ['InvalidUtf8'], '/v1/utility/echo.json', $body, 'INVALID_UTF8', $nowD);
}
// UNKNOWN_KEY.
[$b] = bodyFor($docParams, 'domain.list', pub: 'otherkey');
$ver[] = verifyCase('api_key differs from the verifier\'s public key (signature itself correct)', [], $docPath,
    $b, 'UNKNOWN_KEY', $nowD);
// METHOD_UNKNOWN.
$ver[] = verifyCase('path /v2/x.json', [], '/v2/x.json', $docBody, 'METHOD_UNKNOWN', $nowD);
$ver[] = verifyCase('path /v1/.json', [], '/v1/.json', $docBody, 'METHOD_UNKNOWN', $nowD);

// ---------------------------------------------------------------------------------------------

emit([
    '$schema' => './schema/vectors.schema.json',
    'scheme' => 'hostdime',
    'schemaVersion' => 1,
    'generator' => generatorLine('hostdime.php'),
    'notes' => [
        'Generated by real PHP: php dialect = hash("sha256", "$ts:$unique:$privateKey:$method:" . json_encode(json_encode($params, JSON_FORCE_OBJECT))), serialize_precision -1.',
        'js dialect = sha256 of the same prefix + JSON.stringify(JSON.stringify(params)) where params is a plain JS object built in pair order (so integer-like keys come first, ascending, as in the official Node client); computed by node (vectors/gen/js-dialect.mjs), not by hostsig.',
        'ruby dialect = what the official Ruby gem hdcore-rb hashes: (Digest::SHA2.new << [ts, unique, privateKey, method, params.to_json.to_json].join(":")).to_s where params is a Ruby Hash built in pair order (insertion order kept, integer-like keys included; lists are Arrays; a JSON integer is an Integer, any other number a Float, written by Float#to_s: 1.0e-05); computed by ruby with its stdlib json (vectors/gen/ruby-dialect.rb), not by hostsig.',
        'params: an array of [key, value] pairs, in order. A value is a string, a number, a boolean, null, an array (a PHP list) or {"$map": [[k, v], ...]} (a PHP associative array). A number is a PHP int when it is an integer of magnitude <= 2^53-1, otherwise a PHP float (so 1e20 is a float; no vector uses an integral float such as 1.0).',
        'Keys go through PHP array-key normalisation: "5" and "-1" are int keys, "05" is not; json_encode writes both as strings in insertion order.',
        'HostDimeSign body = http_build_query($params) (RFC 1738: space -> +) then api_key, api_timestamp, api_unique, api_hash, each urlencode()d, joined by "&"; no leading "&" when params are empty. Sign params are strings only so that the body round-trips through parse_str.',
        'HostDimeVerify: PARAMS = parse_str($body) minus every top-level key starting with "api_" (case-sensitive, after name mangling), in body order. stages are those of the interpretation that matched the received api_hash: for "Typed" cases that is the retry with numeric-looking strings as PHP numbers, for "JsDialect" / "RubyDialect" cases whose hash is a js or ruby hash and whose dialects list that dialect, that dialect (php first when it also matches).',
        'HostDimeVerify: every invalid case has exactly one defect (checked by the generator\'s oracle), so the order in which a verifier checks does not matter. Timestamps: valid iff |now - ts| <= toleranceSec. A timestamp must be decimal digits only.',
        'INVALID_UTF8 cases carry the api_hash a naive PHP server would compute (json_encode fails, json_encode(false) is "false", so the string hashed ends in ":false"): it must still be rejected.',
        'Random cases: mt_srand(' . SEED . ', MT_RAND_MT19937), bodies from http_build_query of random params (nested up to depth 3), sometimes with %20 instead of + or with the api_* fields first.',
    ],
    'testGroups' => [
        ['type' => 'HostDimeCanonical', 'comment' => 'The string hashed and its hash, from params (php dialect by PHP, js dialect by node, ruby dialect by ruby).', 'tests' => $canon],
        ['type' => 'HostDimeSign', 'comment' => 'The PHP client pipeline: canonical, hash, form body, request path.', 'tests' => $sign],
        ['type' => 'HostDimeVerify', 'comment' => 'Raw request bodies as a PHP server receives them; PARAMS rebuilt with parse_str.', 'tests' => $ver],
    ],
], 'hostdime.json', $argv);
