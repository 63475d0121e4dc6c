<?php
// The official HostDime clients' bugs, made by real PHP: each case runs a client's own logic
// (its params, its hash, its body) and prints the request it would send, for
// test/diagnose/hostdime-clients.test.ts and the CLI test. Usage: php hostdime-clients.php
//
// The hash is hdcore-php's and hdcore-whmcs's generateHash:
//   hash('sha256', "$ts:$unique:$key:$method:" . json_encode(json_encode($params, JSON_FORCE_OBJECT)))
// The bodies are what their transports send:
// - hdcore-whmcs: http_build_query(array_merge($params, $api)) (drops nulls, true/false -> 1/0);
// - hdcore-php:   Guzzle 3 (composer "guzzle/guzzle": "~3.9") posting array_merge($params, $api).
//   Guzzle is not installed here; guzzle3Body() below is written from Guzzle 3.9's
//   QueryString (prepareData, convertKvp) and PhpAggregator: a top-level false or null is the
//   bare name with no "=" (CHANGELOG 3.9.0), a nested one an empty value, true is "1", names
//   and values rawurlencode()d. It never writes "off".

const TS = '1369758680';
const UNIQ = 'ABCDEF';
const PRIV = 'fazbaz';
const PUB = 'foobar';
const METHOD = 'utility.echo';

function apiHash(array $hashed): string
{
    return hash('sha256', TS . ':' . UNIQ . ':' . PRIV . ':' . METHOD . ':' . json_encode(json_encode($hashed, JSON_FORCE_OBJECT)));
}

function apiFields(string $hash): array
{
    return ['api_key' => PUB, 'api_timestamp' => TS, 'api_unique' => UNIQ, 'api_hash' => $hash];
}

/** name[key]=value pairs of a nested array, as Guzzle 3's PhpAggregator flattens it. */
function guzzle3Flatten(string $name, array $value): array
{
    $out = [];
    foreach ($value as $k => $v) {
        $n = $name . '[' . $k . ']';
        if (is_array($v)) {
            $out = array_merge($out, guzzle3Flatten($n, $v));
        } else {
            $out[] = rawurlencode($n) . '=' . rawurlencode((string) $v);
        }
    }
    return $out;
}

/** The form body Guzzle 3.9 posts for these fields. */
function guzzle3Body(array $fields): string
{
    $out = [];
    foreach ($fields as $k => $v) {
        if ($v === false || $v === null) {
            $out[] = rawurlencode((string) $k);
        } elseif (is_array($v)) {
            $out = array_merge($out, guzzle3Flatten((string) $k, $v));
        } else {
            $out[] = rawurlencode((string) $k) . '=' . rawurlencode((string) $v);
        }
    }
    return implode('&', $out);
}

/** hdcore-php: hash $params, post array_merge($params, api) through Guzzle 3. */
function hdcorePhp(array $params): string
{
    return guzzle3Body(array_merge($params, apiFields(apiHash($params))));
}

/** hdcore-whmcs: hash $params, post http_build_query(array_merge($params, api)). */
function hdcoreWhmcs(array $params): string
{
    return http_build_query(array_merge($params, apiFields(apiHash($params))));
}

$cases = [];
$add = function (string $name, array $ids, string $body) use (&$cases) {
    $cases[] = ['name' => $name, 'ids' => $ids, 'body' => $body];
};

// null params
$add('hdcore-php posts a null param (Guzzle 3: bare name), hashed as null', ['null-params'],
    hdcorePhp(['name' => 'web1', 'note' => null, 'count' => 3]));
$add('hdcore-whmcs: http_build_query drops a null from a list, the hash keeps it', ['null-params'],
    hdcoreWhmcs(['ids' => ['7', null, '9'], 'zone' => 'us']));
$params = ['name' => 'web1', 'note' => null];
$add('nulls filtered out of the hash, posted by Guzzle 3 as bare names', ['null-params'],
    guzzle3Body(array_merge($params, apiFields(apiHash(array_filter($params, fn ($v) => $v !== null))))));

// Guzzle 3's false
$add('hdcore-php posts false (Guzzle 3: bare name), hashed as false', ['guzzle3-false'],
    hdcorePhp(['enabled' => false, 'name' => 'web1']));
$add('hdcore-php posts false, true and an int: false bare, true as 1', ['guzzle3-false', 'typed-values'],
    hdcorePhp(['enabled' => false, 'backup' => true, 'count' => 3, 'name' => 'web1']));
$add('hdcore-php posts false inside an array (Guzzle 3: empty value)', ['guzzle3-false'],
    hdcorePhp(['flags' => ['a' => false, 'b' => 'x']]));

// names PHP mangles
$add('hdcore-whmcs: dotted and spaced names, hashed as given', ['mangled-names'],
    hdcoreWhmcs(['domain.name' => 'example.com', 'first name' => 'Ann', 'zone' => 'us']));
$add('hdcore-php: a dotted name over a nested array, and an int', ['mangled-names'],
    hdcorePhp(['opt.s' => ['a' => 'x', 'b' => 'y'], 'n' => 5]));

// array_merge renumbering, the direction a server can see: the hash over array_merge's
// renumbered keys, the body (built with +) with the keys as given
$defaults = ['zone' => 'us'];
$params = [10 => 'x', 20 => 'y'];
$add('hash over array_merge($defaults, $params), body from $defaults + $params', ['renumbered-keys'],
    http_build_query($defaults + $params + apiFields(apiHash(array_merge($defaults, $params)))));
// The other direction (hdcore-php and -whmcs with integer keys): the body is renumbered and
// the hash has keys the server never sees, so nothing can reproduce it: no finding at all.
$add('hdcore-whmcs with integer keys: the keys the hash has are not in the body', [],
    hdcoreWhmcs([10 => 'x', 'zone' => 'us']));

echo json_encode($cases, JSON_UNESCAPED_SLASHES | JSON_PRETTY_PRINT), "\n";
