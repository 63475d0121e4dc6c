<?php
// Shared helpers for the vector generators (hostdime.php, sixconnect.php).
// Pure PHP 8.2, no extensions beyond the defaults of php-cli (json, hash, pcre).

// json_encode writes floats with serialize_precision; pin PHP's default (-1 = shortest
// round-trip form) so a tweaked php.ini cannot change the output.
ini_set('serialize_precision', '-1');
ini_set('precision', '14');
error_reporting(E_ALL);
set_error_handler(function (int $no, string $msg, string $file, int $line): bool {
    fail("PHP warning/notice at $file:$line: $msg");
});

const MAX_SAFE_INT = 9007199254740991; // 2^53 - 1

const FILE_FLAGS = JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE
    | JSON_THROW_ON_ERROR;

const ERROR_CODES = [
    'SIGNATURE_INVALID', 'HASH_MALFORMED', 'MISSING_FIELD', 'TIMESTAMP_STALE',
    'TIMESTAMP_FUTURE', 'TIMESTAMP_INVALID', 'INVALID_UTF8', 'UNKNOWN_KEY', 'METHOD_UNKNOWN',
    'HASH_MISSING', 'HASH_NOT_LAST', 'HASH_DUPLICATE', 'FIELD_DUPLICATE',
];

function fail(string $msg): never
{
    fwrite(STDERR, "GENERATOR FAILURE: $msg\n");
    exit(1);
}

function check(bool $cond, string $msg): void
{
    if (!$cond) {
        fail($msg);
    }
}

/** Builds the language-neutral encoding of a PHP associative array: {"$map": [[k, v], ...]}. */
function M(array ...$pairs): array
{
    return ['$map' => $pairs];
}

/**
 * Params encoding -> exact PHP value.
 *   string/bool/null -> itself
 *   number           -> int when it is an integer of magnitude <= 2^53-1, else float
 *                       (the same rule a JavaScript reader applies with Number.isSafeInteger)
 *   list             -> PHP list
 *   {"$map": pairs}  -> PHP associative array (keys go through PHP's own key normalisation,
 *                       so "5" becomes int 5 and "05" stays a string, as in any PHP array)
 */
function toPhp(mixed $v): mixed
{
    if (is_string($v) || is_bool($v) || $v === null) {
        return $v;
    }
    if (is_int($v)) {
        check(abs($v) <= MAX_SAFE_INT, "integer $v is outside +-(2^53-1): not language-neutral");
        return $v;
    }
    if (is_float($v)) {
        check(is_finite($v), 'non-finite float');
        if (floor($v) === $v && abs($v) <= MAX_SAFE_INT) {
            // 5.0 would be written "5" (or "5.0") and read back as an integer by JS readers.
            fail("float $v is integral and safe: ambiguous in the encoding, use an int");
        }
        return $v;
    }
    if (is_array($v)) {
        if (array_is_list($v)) {
            return array_map('toPhp', $v);
        }
        check(array_keys($v) === ['$map'] && is_array($v['$map']) && array_is_list($v['$map']),
            'value object must be exactly {"$map": [...]}');
        return pairsToPhp($v['$map']);
    }
    fail('unsupported value type ' . get_debug_type($v));
}

/** A params list of [key, value] pairs -> PHP associative array, in pair order. */
function pairsToPhp(array $pairs): array
{
    check(array_is_list($pairs), 'params must be a list of pairs');
    $out = [];
    foreach ($pairs as $p) {
        check(is_array($p) && array_is_list($p) && count($p) === 2 && is_string($p[0]),
            'each pair must be [string key, value]');
        check(!array_key_exists($p[0], $out), "duplicate key '{$p[0]}' in pairs");
        $out[$p[0]] = toPhp($p[1]);
    }
    return $out;
}

/** PHP value (e.g. from parse_str) -> params encoding. Lists stay lists. */
function phpToEnc(mixed $v): mixed
{
    if (!is_array($v)) {
        return $v;
    }
    if (array_is_list($v)) {
        return array_map('phpToEnc', $v);
    }
    return M(...phpToPairs($v));
}

function phpToPairs(array $a): array
{
    $pairs = [];
    foreach ($a as $k => $v) {
        $pairs[] = [(string) $k, phpToEnc($v)];
    }
    return $pairs;
}

/** Asserts that params survive the trip through the JSON file unchanged (types, order, keys). */
function assertParamsRoundTrip(array $pairs): array
{
    $php = pairsToPhp($pairs);
    $back = json_decode(json_encode($pairs, FILE_FLAGS), true, 512, JSON_THROW_ON_ERROR);
    check(pairsToPhp($back) === $php, 'params do not survive the JSON round trip: '
        . json_encode($pairs));
    return $php;
}

function isUtf8(string $s): bool
{
    return preg_match('//u', $s) === 1;
}

/** Recursively checks every key and string value of a PHP array for valid UTF-8. */
function allUtf8(array $a): bool
{
    foreach ($a as $k => $v) {
        if (is_string($k) && !isUtf8($k)) {
            return false;
        }
        if (is_string($v) && !isUtf8($v)) {
            return false;
        }
        if (is_array($v) && !allUtf8($v)) {
            return false;
        }
    }
    return true;
}

/**
 * One identity per request: true when a pair of the body is not what PHP's $_POST holds at its
 * place (a later pair overwrote it with another value, or turned it into or out of an array),
 * or when a credential named in $once is sent twice. Checked pair by pair with parse_str itself.
 */
function duplicateField(string $body, array $post, array $once): bool
{
    $seen = [];
    foreach (explode('&', $body) as $pair) {
        if ($pair === '') {
            continue;
        }
        parse_str($pair, $one);
        if ($one === []) {
            continue;
        }
        $top = array_key_first($one);
        if (in_array($top, $once, true)) {
            if (isset($seen[$top])) {
                return true;
            }
            $seen[$top] = true;
        }
        // Walk the pair's one path in $post; an append ([]) ends the check at the list.
        $want = $one;
        $have = $post;
        while (is_array($want)) {
            $k = array_key_first($want);
            $appends = str_contains(urldecode(explode('=', $pair, 2)[0]), '[]');
            if (!is_array($have) || !array_key_exists($k, $have)) {
                return !$appends;
            }
            $want = $want[$k];
            $have = $have[$k];
            if ($appends && is_array($want) && is_array($have)) {
                break;
            }
        }
        if (!is_array($want) && $have !== $want) {
            return true;
        }
    }
    return false;
}

/** Assigns tcIds, counts, checks, and writes the document (or prints it with --stdout). */
function emit(array $doc, string $fileName, array $argv): void
{
    $id = 0;
    $seenComments = [];
    foreach ($doc['testGroups'] as &$g) {
        foreach ($g['tests'] as &$t) {
            $t = ['tcId' => ++$id] + $t;
            check(in_array($t['result'], ['valid', 'invalid'], true), 'bad result');
            if ($t['result'] === 'invalid') {
                check(in_array($t['error'] ?? null, ERROR_CODES, true), "tc $id: bad error code");
            } else {
                check(!isset($t['error']), "tc $id: valid case with an error");
            }
            foreach ($t['flags'] as $f) {
                check(preg_match('/^[A-Z][A-Za-z0-9]*$/', $f) === 1, "tc $id: bad flag $f");
            }
            check(!isset($seenComments[$g['type'] . $t['comment']]), "tc $id: duplicate comment "
                . $t['comment']);
            $seenComments[$g['type'] . $t['comment']] = true;
        }
        unset($t);
    }
    unset($g);
    $doc['numberOfTests'] = $id;
    // Fix the key order of the top-level object.
    $ordered = [];
    foreach (['$schema', 'scheme', 'schemaVersion', 'generator', 'numberOfTests', 'notes',
        'testGroups'] as $k) {
        $ordered[$k] = $doc[$k];
    }
    $json = json_encode($ordered, FILE_FLAGS) . "\n";
    if (in_array('--stdout', $argv, true)) {
        echo $json;
    } else {
        $path = dirname(__DIR__) . '/' . $fileName;
        $tmp = $path . '.tmp';
        file_put_contents($tmp, $json);
        rename($tmp, $path);
        fwrite(STDERR, "wrote $path\n");
    }
    foreach ($ordered['testGroups'] as $g) {
        fwrite(STDERR, sprintf("  %-20s %4d cases\n", $g['type'], count($g['tests'])));
    }
    fwrite(STDERR, sprintf("  %-20s %4d cases\n", 'total', $id));
}

function generatorLine(string $script): string
{
    return "vectors/gen/$script, PHP " . PHP_VERSION;
}
