<?php
// Test oracle: real PHP computes what hostsig emulates. Reads a JSON list of cases on stdin,
// writes a JSON list of results. Params use the vector encoding: [[key, value], ...], where a
// value is a scalar, a JSON array (a PHP list) or {"$map": [[k, v], ...]}.
function to_php($v) {
    if (is_array($v) && array_key_exists('$map', $v)) {
        $out = [];
        foreach ($v['$map'] as [$k, $x]) $out[$k] = to_php($x);
        return $out;
    }
    if (is_array($v)) return array_map('to_php', $v);
    return $v;
}
function pairs_to_php($pairs) {
    $out = [];
    foreach ($pairs as [$k, $x]) $out[$k] = to_php($x);
    return $out;
}
// PHP array -> order-preserving pairs; keys keep their PHP type (int or string).
function to_pairs($a) {
    $out = [];
    foreach ($a as $k => $v) $out[] = [$k, is_array($v) ? ['$map' => to_pairs($v)] : $v];
    return $out;
}
$cases = json_decode(stream_get_contents(STDIN), true, 4096);
$results = [];
foreach ($cases as $c) {
    $r = [];
    if (isset($c['params'])) {
        $p = pairs_to_php($c['params']);
        $j = json_encode($p);
        $r['json'] = $j === false ? null : $j;
        $f = json_encode($p, JSON_FORCE_OBJECT);
        $r['jsonForce'] = $f === false ? null : $f;
        $r['query'] = http_build_query($p);
        parse_str($r['query'], $back);
        $r['roundTrip'] = to_pairs($back);
        $r['urlencode'] = array_map(fn($kv) => urlencode((string)$kv[0]), $c['params']);
    }
    if (isset($c['query'])) {
        parse_str($c['query'], $parsed);
        $r['parsed'] = to_pairs($parsed);
    }
    $results[] = $r;
}
echo json_encode($results, JSON_PRESERVE_ZERO_FRACTION | JSON_INVALID_UTF8_SUBSTITUTE);
