<?php
// hostsig vector adapter in plain PHP 8 (no Composer, no extensions beyond php-cli's defaults).
//
// An independent implementation of HostDime and 6connect, written with PHP's own
// json_encode, parse_str, urlencode and hash_hmac, that speaks hostsig's JSON-lines vector
// protocol (docs/vector-protocol.md):
//
//   hostsig vectors --exec "php examples/adapters/php/hostsig-adapter.php"
//
// stdin:  one request per line  {"id":1,"scheme":"hostdime","type":"HostDimeCanonical","input":{...}}
// stdout: one response per line {"id":1,"result":"valid","stages":{...}} | {"id":1,"result":"invalid","error":"CODE"}
//         or {"id":1,"unsupported":true} for a group type this adapter does not implement.

ini_set('serialize_precision', '-1');
error_reporting(E_ALL);

const SIXCONNECT_BASE_URL = 'https://example.6connect.test/api/v1/api.php';

final class Invalid extends Exception {}

// ---- params: the vectors' language-neutral encoding -> PHP arrays --------------------------

function pairsToArray(array $pairs): array
{
    $out = [];
    foreach ($pairs as [$k, $v]) {
        $out[$k] = toValue($v);
    }
    return $out;
}

function toValue(mixed $v): mixed
{
    if (is_array($v)) {
        if (array_key_exists('$map', $v)) {
            return pairsToArray($v['$map']);
        }
        return array_map('toValue', $v);
    }
    return $v;
}

// ---- HostDime ---------------------------------------------------------------------------------

/** The official PHP client: json_encode(json_encode($params, JSON_FORCE_OBJECT)). */
function hdPhpInner(array $params): string
{
    $json = json_encode($params, JSON_FORCE_OBJECT);
    if ($json === false) {
        throw new Invalid(json_last_error() === JSON_ERROR_UTF8 ? 'INVALID_UTF8' : 'JSON_ENCODE_FAILED');
    }
    return $json;
}

/**
 * A finite float's shortest round-trip digits: [sign, digits without leading or trailing zeros
 * ('' for zero), n10] with |value| = 0.DIGITS * 10^n10.
 */
function floatDigits(float $n): array
{
    $s = json_encode($n); // PHP's shortest round-trip digits, e.g. 1.0e+25, 0.1, 1.5e-7
    preg_match('/^(-?)(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/i', $s, $m);
    $all = $m[2] . ($m[3] ?? '');
    $lz = strlen($all) - strlen(ltrim($all, '0'));
    $d = rtrim(ltrim($all, '0'), '0');
    return [$m[1], $d, strlen($m[2]) - $lz + (int) ($m[4] ?? 0)];
}

/** A JavaScript number as Number.prototype.toString writes it. */
function jsNumber(int|float $n): string
{
    if (is_int($n)) {
        return (string) $n;
    }
    if (!is_finite($n)) {
        return 'null';
    }
    [$sign, $d, $n10] = floatDigits($n);
    if ($d === '') {
        return '0';
    }
    $k = strlen($d);
    if ($k <= $n10 && $n10 <= 21) {
        return $sign . $d . str_repeat('0', $n10 - $k);
    }
    if (0 < $n10 && $n10 <= 21) {
        return $sign . substr($d, 0, $n10) . '.' . substr($d, $n10);
    }
    if (-6 < $n10 && $n10 <= 0) {
        return $sign . '0.' . str_repeat('0', -$n10) . $d;
    }
    $e = $n10 - 1;
    $es = ($e < 0 ? '-' : '+') . abs($e);
    return $sign . ($k === 1 ? $d : $d[0] . '.' . substr($d, 1)) . 'e' . $es;
}

/** JSON.stringify of the value the official Node client holds (object keys: array indexes first). */
function jsStringify(mixed $v, bool $asObject = false): string
{
    if (is_string($v)) {
        return json_encode($v, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_LINE_TERMINATORS);
    }
    if (is_int($v) || is_float($v)) {
        return jsNumber($v);
    }
    if (is_bool($v)) {
        return $v ? 'true' : 'false';
    }
    if ($v === null) {
        return 'null';
    }
    if (!$asObject && array_is_list($v)) {
        return '[' . implode(',', array_map(fn($x) => jsStringify($x), $v)) . ']';
    }
    $ints = [];
    $rest = [];
    foreach ($v as $k => $x) {
        $ks = (string) $k;
        $entry = jsStringify($ks) . ':' . jsStringify($x);
        if (preg_match('/^(0|[1-9][0-9]{0,9})$/', $ks) && (int) $ks < 4294967295) {
            $ints[(int) $ks] = $entry;
        } else {
            $rest[] = $entry;
        }
    }
    ksort($ints);
    return '{' . implode(',', [...array_values($ints), ...$rest]) . '}';
}

// ---- Ruby's to_json (the json gem's generator, as hdcore-rb calls it) --------------------------
// Not json_encode with JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE: Ruby writes floats its
// own way (1.0e-05, not 1.0e-5), keeps U+2028/U+2029 raw, and a Ruby Hash keeps insertion order.

const RUBY_ESCAPES = ['"' => '\\"', '\\' => '\\\\', "\x08" => '\\b', "\x0c" => '\\f', "\n" => '\\n', "\r" => '\\r', "\t" => '\\t'];

/** A JSON string as Ruby writes it: '"', '\\' and controls escaped (\u00XX lowercase), the rest raw UTF-8. */
function rubyString(string $s): string
{
    if (preg_match('//u', $s) !== 1) {
        throw new Invalid('INVALID_UTF8'); // Ruby's generator raises on invalid UTF-8
    }
    return '"' . preg_replace_callback('/[\x00-\x1f"\\\\]/', fn($m) => RUBY_ESCAPES[$m[0]] ?? sprintf('\\u%04x', ord($m[0])), $s) . '"';
}

/**
 * A Float as Ruby's Float#to_s writes it: the shortest round-trip digits, fixed notation from
 * 1e-4 up to 16 integer digits (always with a fraction: 1.5, 100.0), else d.ddde+XX (1.0e-05).
 */
function rubyFloat(float $n): string
{
    if (!is_finite($n)) {
        throw new Invalid('JSON_ENCODE_FAILED'); // Ruby's generator raises on NaN and Infinity
    }
    [$sign, $d, $n10] = floatDigits($n);
    if ($d === '') {
        return $sign . '0.0';
    }
    $k = strlen($d);
    if ($n10 > 0 && $n10 <= 16) {
        return $sign . substr($d, 0, $n10) . str_repeat('0', max(0, $n10 - $k)) . '.' . ($k > $n10 ? substr($d, $n10) : '0');
    }
    if ($n10 <= 0 && $n10 > -4) {
        return $sign . '0.' . str_repeat('0', -$n10) . $d;
    }
    $e = $n10 - 1;
    return $sign . $d[0] . '.' . ($k > 1 ? substr($d, 1) : '0') . 'e' . ($e < 0 ? '-' : '+') . str_pad((string) abs($e), 2, '0', STR_PAD_LEFT);
}

/** to_json of the value the official Ruby gem's caller holds: lists are Arrays, the rest Hashes, in insertion order. */
function rubyJson(mixed $v, bool $asObject = false): string
{
    if (is_string($v)) {
        return rubyString($v);
    }
    if (is_int($v)) {
        return (string) $v;
    }
    if (is_float($v)) {
        return rubyFloat($v);
    }
    if (is_bool($v)) {
        return $v ? 'true' : 'false';
    }
    if ($v === null) {
        return 'null';
    }
    if (!$asObject && array_is_list($v)) {
        return '[' . implode(',', array_map(fn($x) => rubyJson($x), $v)) . ']';
    }
    $members = [];
    foreach ($v as $k => $x) {
        $members[] = rubyString((string) $k) . ':' . rubyJson($x); // integer-like keys stay where they are
    }
    return '{' . implode(',', $members) . '}';
}

function hdStages(string $dialect, string $method, string $ts, string $unique, string $priv, array $params): array
{
    if ($dialect === 'ruby') {
        // hdcore-rb: params.to_json.to_json (params is always a Hash).
        $inner = rubyJson($params, true);
        $double = rubyString($inner);
    } elseif ($dialect === 'js') {
        $inner = jsStringify($params, true);
        $double = jsStringify($inner);
    } else {
        $inner = hdPhpInner($params);
        $double = json_encode($inner);
    }
    $canonical = "$ts:$unique:$priv:$method:$double";
    return ['paramsJson' => $inner, 'doubleJson' => $double, 'canonical' => $canonical, 'hash' => hash('sha256', $canonical)];
}

function hostDimeCanonical(array $in): array
{
    $s = hdStages($in['dialect'] ?? 'php', $in['method'], (string) $in['timestamp'], $in['unique'], $in['privateKey'], pairsToArray($in['params']));
    return ['result' => 'valid', 'stages' => $s];
}

function hostDimeSign(array $in): array
{
    $params = pairsToArray($in['params']);
    $query = http_build_query($params);
    parse_str($query, $post); // hash what the server's $_POST will hold
    $s = hdStages('php', $in['method'], (string) $in['timestamp'], $in['unique'], $in['privateKey'], $post);
    $auth = 'api_key=' . urlencode($in['publicKey']) . '&api_timestamp=' . $in['timestamp']
        . '&api_unique=' . urlencode($in['unique']) . '&api_hash=' . $s['hash'];
    return ['result' => 'valid', 'stages' => [
        'canonical' => $s['canonical'],
        'hash' => $s['hash'],
        'body' => $query === '' ? $auth : "$query&$auth",
        'path' => '/v1/' . str_replace('.', '/', $in['method']) . '.json',
    ]];
}

/**
 * Numbers a client may have hashed for the strings the body carries, only where the string is
 * the number's own decimal spelling: "5e1" or "050" is 50 to JSON but not to intval.
 */
function typed(array $a): array
{
    foreach ($a as $k => $v) {
        if (is_array($v)) {
            $a[$k] = typed($v);
        } elseif (is_string($v) && preg_match('/^-?(0|[1-9][0-9]{0,17})$/', $v) && (string) (int) $v === $v) {
            $a[$k] = (int) $v;
        } elseif (is_string($v) && preg_match('/^-?(0|[1-9][0-9]*)\.[0-9]+$/', $v) && json_encode((float) $v) === $v) {
            $a[$k] = (float) $v;
        }
    }
    return $a;
}

/**
 * One request, one identity: PHP keeps the last of two equal names, most other readers the
 * first. Refuses a credential in $once sent twice, and any pair that $post does not hold as
 * sent (overwritten with another value, or turned into or out of an array). `a[]` appends.
 */
function refuseDuplicates(string $query, array $post, array $once): void
{
    $seen = [];
    foreach (explode('&', $query) as $pair) {
        parse_str($pair, $one);
        if ($one === []) {
            continue;
        }
        $top = array_key_first($one);
        if (in_array($top, $once, true) && isset($seen[$top])) {
            throw new Invalid('FIELD_DUPLICATE');
        }
        $seen[$top] = true;
        $appends = str_contains(urldecode(explode('=', $pair, 2)[0]), '[]');
        [$want, $have] = [$one, $post];
        while (is_array($want)) {
            $k = array_key_first($want);
            if (!is_array($have) || !array_key_exists($k, $have)) {
                if (!$appends) {
                    throw new Invalid('FIELD_DUPLICATE');
                }
                $want = null;
                break;
            }
            [$want, $have] = [$want[$k], $have[$k]];
            if ($appends && is_array($want) && is_array($have)) {
                break;
            }
        }
        if (is_string($want) && $have !== $want) {
            throw new Invalid('FIELD_DUPLICATE');
        }
    }
}

function hostDimeVerify(array $in): array
{
    if (!preg_match('#/v1/([A-Za-z0-9_-]+(?:/[A-Za-z0-9_-]+)*)\.(json|xml|yml)$#', $in['path'], $m)) {
        throw new Invalid('METHOD_UNKNOWN');
    }
    $method = str_replace('/', '.', $m[1]);
    parse_str($in['body'], $post);
    refuseDuplicates($in['body'], $post, ['api_key', 'api_timestamp', 'api_unique', 'api_hash']);
    foreach (['api_key', 'api_timestamp', 'api_unique', 'api_hash'] as $f) {
        if (!isset($post[$f]) || !is_string($post[$f]) || ($post[$f] === '' && in_array($f, ['api_key', 'api_unique'], true))) {
            throw new Invalid('MISSING_FIELD');
        }
    }
    if (!preg_match('/^[0-9a-f]{64}$/', $post['api_hash'])) {
        throw new Invalid('HASH_MALFORMED');
    }
    if (isset($in['publicKey']) && $post['api_key'] !== $in['publicKey']) {
        throw new Invalid('UNKNOWN_KEY');
    }
    $ts = $post['api_timestamp'];
    if (!preg_match('/^[0-9]{1,15}$/', $ts)) {
        throw new Invalid('TIMESTAMP_INVALID');
    }
    $tol = $in['toleranceSec'] ?? 300;
    if ($in['now'] - (int) $ts > $tol) {
        throw new Invalid('TIMESTAMP_STALE');
    }
    if ((int) $ts - $in['now'] > $tol) {
        throw new Invalid('TIMESTAMP_FUTURE');
    }
    $params = array_filter($post, fn($k) => !(is_string($k) && str_starts_with($k, 'api_')), ARRAY_FILTER_USE_KEY);
    hdPhpInner($params); // INVALID_UTF8 before any hash is compared (never accept the "false" hash)
    foreach ($in['dialects'] ?? ['php'] as $dialect) {
        foreach ([$params, typed($params)] as $p) {
            $s = hdStages($dialect, $method, $ts, $post['api_unique'], $in['privateKey'], $p);
            if (hash_equals($s['hash'], $post['api_hash'])) {
                return ['result' => 'valid', 'stages' => ['paramsJson' => $s['paramsJson'], 'canonical' => $s['canonical'], 'hash' => $s['hash']]];
            }
        }
    }
    throw new Invalid('SIGNATURE_INVALID');
}

// ---- 6connect -----------------------------------------------------------------------------------

/** Nested params as name[sub] pairs, in order (the official SDK's serialization). */
function flattenParams(array $a, ?string $prefix = null): array
{
    $out = [];
    foreach ($a as $k => $v) {
        $name = $prefix === null ? (string) $k : "{$prefix}[{$k}]";
        if (is_array($v)) {
            array_push($out, ...flattenParams($v, $name));
        } else {
            $out[] = [$name, $v];
        }
    }
    return $out;
}

function sixConnectSign(array $in): array
{
    $q = 'target=' . urlencode($in['target']) . '&action=' . urlencode($in['action']);
    foreach (flattenParams(pairsToArray($in['params'] ?? [])) as [$k, $v]) {
        $q .= '&' . urlencode($k) . '=' . urlencode(trim((string) $v));
    }
    $q .= '&apiKey=' . urlencode($in['apiKey']);
    $hash = base64_encode(hash_hmac('sha256', $q, $in['secretKey'], true));
    return ['result' => 'valid', 'stages' => ['query' => $q, 'hash' => $hash, 'url' => SIXCONNECT_BASE_URL . "?$q&hash=$hash"]];
}

function sixConnectVerify(array $in): array
{
    $segs = explode('&', $in['query']);
    $at = [];
    foreach ($segs as $i => $s) {
        if ($s === 'hash' || str_starts_with($s, 'hash=')) {
            $at[] = $i;
        }
    }
    if (!$at) {
        throw new Invalid('HASH_MISSING');
    }
    if (count($at) > 1) {
        throw new Invalid('HASH_DUPLICATE');
    }
    if ($at[0] !== count($segs) - 1) {
        throw new Invalid('HASH_NOT_LAST');
    }
    $signed = implode('&', array_slice($segs, 0, $at[0]));
    parse_str($signed, $get);
    refuseDuplicates($signed, $get, ['apiKey']);
    // Raw, percent-encoded, or with + turned into a space on the way.
    $h = str_replace(' ', '+', rawurldecode(substr($segs[$at[0]], 5)));
    $mac = base64_decode($h, true);
    if ($mac === false || strlen($mac) !== 32 || base64_encode($mac) !== $h) {
        throw new Invalid('HASH_MALFORMED');
    }
    $keys = array_values(array_filter(array_slice($segs, 0, $at[0]), fn($s) => str_starts_with($s, 'apiKey=')));
    if (count($keys) !== 1 || $keys[0] === 'apiKey=') {
        throw new Invalid('MISSING_FIELD');
    }
    if (isset($in['apiKey']) && urldecode(substr($keys[0], 7)) !== $in['apiKey']) {
        throw new Invalid('UNKNOWN_KEY');
    }
    $mine = base64_encode(hash_hmac('sha256', $signed, $in['secretKey'], true));
    if (!hash_equals(base64_decode($mine), $mac)) {
        throw new Invalid('SIGNATURE_INVALID');
    }
    return ['result' => 'valid', 'stages' => ['query' => $signed, 'hash' => $mine]];
}

// ---- the protocol loop ----------------------------------------------------------------------

const HANDLERS = [
    'HostDimeCanonical' => 'hostDimeCanonical',
    'HostDimeSign' => 'hostDimeSign',
    'HostDimeVerify' => 'hostDimeVerify',
    'SixConnectSign' => 'sixConnectSign',
    'SixConnectVerify' => 'sixConnectVerify',
];

while (($line = fgets(STDIN)) !== false) {
    if (trim($line) === '') {
        continue;
    }
    $req = json_decode($line, true, 512, JSON_THROW_ON_ERROR);
    $fn = HANDLERS[$req['type']] ?? null;
    if ($fn === null) {
        $resp = ['unsupported' => true];
    } else {
        try {
            $resp = $fn($req['input']);
        } catch (Invalid $e) {
            $resp = ['result' => 'invalid', 'error' => $e->getMessage()];
        }
    }
    fwrite(STDOUT, json_encode(['id' => $req['id']] + $resp, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_INVALID_UTF8_SUBSTITUTE) . "\n");
}
