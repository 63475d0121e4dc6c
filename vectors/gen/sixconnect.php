<?php
// 6connect ProVision APIv1 golden vectors. Usage (from the repo root):
//   php vectors/gen/sixconnect.php            writes vectors/sixconnect.json
//   php vectors/gen/sixconnect.php --stdout   prints it instead
// Deterministic. No strict_types on purpose: the SDK passes ints/floats through trim(), which
// casts them to strings ("100", "1.5", "1.0E+20").

require __DIR__ . '/common.php';

const KEY = '32-5DAYTJQY2TZHOFOB';
const SECRET = '48b278ec873bda4738923dbc467f8669';
const BASE_URL = 'https://example.6connect.test/api/v1/api.php?';

// ---------------------------------------------------------------------------------------------
// The scheme, as the official PHP SDK builds it.

/** Nested arrays become k[sub] names (lists k[0]), in insertion order. */
function flatten(array $a, ?string $prefix = null): array
{
    $out = [];
    foreach ($a as $k => $v) {
        $name = $prefix === null ? (string) $k : $prefix . '[' . $k . ']';
        if (is_array($v)) {
            check($v !== [], 'empty nested array has no representation');
            array_push($out, ...flatten($v, $name));
        } else {
            $out[] = [$name, $v];
        }
    }
    return $out;
}

function signedQuery(string $target, string $action, array $params, string $apiKey): string
{
    $q = 'target=' . urlencode($target) . '&action=' . urlencode($action);
    foreach (flatten($params) as [$k, $v]) {
        $q .= '&' . urlencode($k) . '=' . urlencode(trim($v));
    }
    return $q . '&apiKey=' . urlencode($apiKey);
}

function sixHash(string $query, string $secret): string
{
    return base64_encode(hash_hmac('sha256', $query, $secret, true));
}

// ---------------------------------------------------------------------------------------------
// Verifier oracle: collects every defect (see hostdime.php).

function verifyOracle(array $in): array
{
    $segs = explode('&', $in['query']);
    $hashIdx = [];
    foreach ($segs as $i => $s) {
        if ($s === 'hash' || str_starts_with($s, 'hash=')) {
            $hashIdx[] = $i;
        }
    }
    $defects = [];
    if (count($hashIdx) === 0) {
        return [['HASH_MISSING'], null];
    }
    if (count($hashIdx) > 1) {
        return [['HASH_DUPLICATE'], null];
    }
    if ($hashIdx[0] !== count($segs) - 1) {
        return [['HASH_NOT_LAST'], null];
    }
    $signed = implode('&', array_slice($segs, 0, $hashIdx[0]));
    parse_str($signed, $get);
    if (duplicateField($signed, $get, ['apiKey'])) {
        return [['FIELD_DUPLICATE'], null];
    }
    $h = str_replace(' ', '+', rawurldecode(substr($segs[$hashIdx[0]], 5)));
    $bin = base64_decode($h, true);
    $hashOk = $bin !== false && strlen($bin) === 32 && base64_encode($bin) === $h;
    if (!$hashOk) {
        $defects[] = 'HASH_MALFORMED';
    }
    $keys = [];
    foreach (array_slice($segs, 0, $hashIdx[0]) as $s) {
        if (str_starts_with($s, 'apiKey=')) {
            $keys[] = urldecode(substr($s, 7));
        }
    }
    if (count($keys) !== 1) {
        $defects[] = 'MISSING_FIELD';
    } elseif ($keys[0] !== $in['apiKey']) {
        $defects[] = 'UNKNOWN_KEY';
    }
    $stages = null;
    if ($hashOk) {
        $mine = sixHash($signed, $in['secretKey']);
        if (hash_equals(base64_decode($mine), $bin)) {
            $stages = ['query' => $signed, 'hash' => $mine];
        } else {
            $defects[] = 'SIGNATURE_INVALID';
        }
    }
    return [$defects, $stages];
}

// ---------------------------------------------------------------------------------------------
// Case builders.

function signCase(string $comment, array $flags, string $target, string $action, array $pairs,
    string $apiKey = KEY, string $secret = SECRET, ?string $expectQuery = null,
    ?string $expectHash = null): array
{
    $params = assertParamsRoundTrip($pairs);
    $q = signedQuery($target, $action, $params, $apiKey);
    $h = sixHash($q, $secret);
    if ($expectQuery !== null) {
        check($q === $expectQuery, "SCHEMES.md query differs from the PHP SDK build for '$comment':\n  doc: $expectQuery\n  php: $q");
    }
    if ($expectHash !== null) {
        check($h === $expectHash, "SCHEMES.md hash differs from PHP for '$comment': doc $expectHash, php $h");
    }
    return [
        'comment' => $comment,
        'flags' => $flags,
        'input' => ['target' => $target, 'action' => $action, 'params' => $pairs, 'apiKey' => $apiKey,
            'secretKey' => $secret],
        'stages' => ['query' => $q, 'hash' => $h, 'url' => BASE_URL . $q . '&hash=' . $h],
        'result' => 'valid',
    ];
}

function verifyCase(string $comment, array $flags, string $query, string $expect, string $apiKey = KEY,
    string $secret = SECRET): array
{
    $in = ['query' => $query, 'apiKey' => $apiKey, 'secretKey' => $secret];
    [$defects, $stages] = verifyOracle($in);
    $case = ['comment' => $comment, 'flags' => $flags, 'input' => $in];
    if ($expect === 'valid') {
        check($defects === [], "verify case '$comment': expected valid, oracle says " . implode(',', $defects));
        $case['stages'] = $stages;
        $case['result'] = 'valid';
    } else {
        check($defects === [$expect], "verify case '$comment': expected [$expect], oracle says ["
            . implode(',', $defects) . ']');
        $case['result'] = 'invalid';
        $case['error'] = $expect;
    }
    return $case;
}

// ---------------------------------------------------------------------------------------------
// Group 1: SixConnectSign

$sign = [
    // SCHEMES.md section 2, all four, byte for byte.
    signCase('SCHEMES.md documented vector: ipam get type=IP mask=24', ['Documented'], 'ipam', 'get',
        [['type', 'IP'], ['mask', '24']], KEY, SECRET,
        'target=ipam&action=get&type=IP&mask=24&apiKey=32-5DAYTJQY2TZHOFOB',
        'yneSFMyxPPe+3W4IOkVp50K3VStatBcRRak+2ygDUWQ='),
    signCase('SCHEMES.md table: test helloWorld param1=100', ['Documented'], 'test', 'helloWorld',
        [['param1', '100']], KEY, SECRET,
        'target=test&action=helloWorld&param1=100&apiKey=32-5DAYTJQY2TZHOFOB',
        '6onK7BpNr5xgTxPCFWXBzl2FYOKDvtbJDTkhP0u74mk='),
    signCase('SCHEMES.md table: resource add with meta[type], meta[section], meta[name] nesting',
        ['Documented', 'Nested'], 'resource', 'add',
        [['meta', M(['type', 'entry'], ['section', 'resource-holder'], ['name', 'API Test Resource'])]],
        KEY, SECRET,
        'target=resource&action=add&meta%5Btype%5D=entry&meta%5Bsection%5D=resource-holder&meta%5Bname%5D=API+Test+Resource&apiKey=32-5DAYTJQY2TZHOFOB',
        'dm+91kU8dcQNvT62rfzdkm2O+mzoRcWBB3PT9CQkhWc='),
    signCase('SCHEMES.md table: ipam get resourceQuery={"name":"API Test Resource"} (hash has + and /)',
        ['Documented'], 'ipam', 'get', [['resourceQuery', '{"name":"API Test Resource"}']], KEY, SECRET,
        'target=ipam&action=get&resourceQuery=%7B%22name%22%3A%22API+Test+Resource%22%7D&apiKey=32-5DAYTJQY2TZHOFOB',
        '+Wiuqjh8ShbSnYpPpDmPG/F1ilI8GiBr2cIBOr1xGLw='),
    signCase('values are trimmed with PHP trim(): space, \t, \n, \r, \0, \v at both ends; inner space kept', ['Trim'], 'ipam', 'get',
        [['a', ' x '], ['b', "\t y \n"], ['c', "\0 in z \x0B"]]),
    signCase('all-whitespace value trims to empty', ['Trim', 'Empty'], 'ipam', 'get', [['a', "  \t "]]),
    signCase('empty value', ['Empty'], 'ipam', 'get', [['type', 'IP'], ['note', '']]),
    signCase('tilde is %7E (PHP urlencode), not left raw', ['Tilde'], 'ipam', 'get', [['path', '~user/~x']]),
    signCase('space -> +, + -> %2B, / -> %2F, and . - _ stay raw', ['PlusVsPercent20', 'Slash'], 'ipam', 'get',
        [['q', 'a b+c/d'], ['r', 'x.y-z_w'], ['s', '*@!(),;:$\'']]),
    signCase('unicode values: UTF-8 percent-encoded, uppercase hex', ['Unicode', 'Astral'], 'resource', 'add',
        [['name', 'José'], ['city', '北京市'], ['emoji', '😀'], ['family', '👨‍👩‍👧‍👦']]),
    signCase('keys are urlencoded too (not trimmed)', ['KeyEncoding'], 'ipam', 'get',
        [['my key', 'v'], ['k~/+', 'w'], ['é', 'x'], [' pad ', 'y']]),
    signCase('list -> a[0], a[1]', ['List'], 'ipam', 'get', [['tags', ['red', 'green']]]),
    signCase('deep nesting -> meta[a][b], with list inside a map', ['Nested', 'List'], 'resource', 'update',
        [['id', '7'], ['meta', M(['a', M(['b', 'deep'])], ['list', ['x', ' y ']])]]),
    signCase('typed values pass through trim(): int 100, float 1.5, 0.1, 1e20 -> 1.0E+20', ['Typed'],
        'test', 'helloWorld', [['param1', 100], ['f', 1.5], ['g', 0.1], ['h', 1e20], ['neg', -3]]),
    signCase('no params', ['Empty'], 'test', 'helloWorld', []),
    signCase('api key needing urlencode', [], 'ipam', 'get', [['type', 'IP']], 'key with space/+=', SECRET),
    signCase('secret used as its literal bytes, even when non-hex and non-ASCII', ['Unicode'], 'ipam', 'get',
        [['type', 'IP']], KEY, 'sécret with spaces & 😀'),
    signCase('long value: 2,000 characters', ['Long'], 'ipam', 'get', [['blob', str_repeat('abc def/', 250)]]),
];

// ---------------------------------------------------------------------------------------------
// Group 2: SixConnectVerify

$ver = [];
foreach ($sign as $s) {
    $ver[] = verifyCase('sign case URL, raw hash: ' . $s['comment'], $s['flags'],
        explode('?', $s['stages']['url'], 2)[1], 'valid', $s['input']['apiKey'], $s['input']['secretKey']);
}
$q1 = $sign[0]['stages']['query'];
$h1 = $sign[0]['stages']['hash'];
$q4 = $sign[3]['stages']['query'];
$h4 = $sign[3]['stages']['hash']; // +Wiuqjh8ShbSnYpPpDmPG/F1ilI8GiBr2cIBOr1xGLw=
check(str_contains($h4, '+') && str_contains($h4, '/') && str_ends_with($h4, '='), 'h4 shape');
$pct = fn(string $h) => strtr($h, ['+' => '%2B', '/' => '%2F', '=' => '%3D']);

array_push($ver,
    verifyCase('hash percent-encoded (%2B %2F %3D)', ['HashEncoding'], "$q4&hash=" . $pct($h4), 'valid'),
    verifyCase('hash percent-encoded with lowercase hex (%2b %2f %3d)', ['HashEncoding'],
        "$q4&hash=" . strtr($h4, ['+' => '%2b', '/' => '%2f', '=' => '%3d']),
        'valid'),
    verifyCase('hash whose + became %20 (proxy form-decoded and re-encoded it)', ['HashEncoding', 'PlusVsPercent20'],
        "$q4&hash=" . str_replace('+', '%20', $h4), 'valid'),
    verifyCase('hash whose + became a literal space', ['HashEncoding', 'PlusVsPercent20'],
        "$q4&hash=" . str_replace('+', ' ', $h4), 'valid'),
    verifyCase('hash with both + and /, mixed: + raw, / percent-encoded', ['HashEncoding'],
        "$q4&hash=" . str_replace('/', '%2F', $h4), 'valid'),
    verifyCase('the signed bytes are the query as sent: [ ] unencoded is fine when signed that way', ['RawBytes'],
        ($q = 'target=resource&action=add&meta[type]=entry&apiKey=' . KEY) . '&hash=' . sixHash($q, SECRET), 'valid'),
    // SIGNATURE_INVALID.
    verifyCase('param changed (mask=24 -> 25)', ['Tamper'], str_replace('mask=24', 'mask=25', $q1) . "&hash=$h1",
        'SIGNATURE_INVALID'),
    verifyCase('param added before apiKey', ['Tamper'], str_replace('&apiKey=', '&extra=1&apiKey=', $q1) . "&hash=$h1",
        'SIGNATURE_INVALID'),
    verifyCase('param removed', ['Tamper'], str_replace('&mask=24', '', $q1) . "&hash=$h1", 'SIGNATURE_INVALID'),
    verifyCase('params reordered', ['Tamper'], str_replace('type=IP&mask=24', 'mask=24&type=IP', $q1) . "&hash=$h1",
        'SIGNATURE_INVALID'),
    verifyCase('wrong secret', ['Tamper'], "$q1&hash=" . sixHash($q1, '48b278ec873bda4738923dbc467f8668'),
        'SIGNATURE_INVALID'),
    verifyCase('signed with the secret hex-decoded by mistake', ['Tamper'],
        "$q1&hash=" . sixHash($q1, hex2bin(SECRET)), 'SIGNATURE_INVALID'),
    verifyCase('percent-encoding normalised after signing (%5B -> [): raw bytes differ', ['RawBytes'],
        str_replace(['%5B', '%5D'], ['[', ']'], $sign[2]['stages']['query']) . '&hash=' . $sign[2]['stages']['hash'],
        'SIGNATURE_INVALID'),
    verifyCase('value + re-encoded as %20 after signing: raw bytes differ', ['RawBytes', 'PlusVsPercent20'],
        str_replace('API+Test+Resource', 'API%20Test%20Resource', $q4) . "&hash=$h4", 'SIGNATURE_INVALID'),
    verifyCase('hash of the full query including hash=', ['Tamper'],
        "$q1&hash=" . sixHash("$q1&hash=", SECRET), 'SIGNATURE_INVALID'),
    // HASH_MISSING / NOT_LAST / DUPLICATE.
    verifyCase('no hash param', [], $q1, 'HASH_MISSING'),
    verifyCase('hash not last: unsigned param after it', [], "$q1&hash=$h1&x=1", 'HASH_NOT_LAST'),
    verifyCase('hash first', [], "hash=$h1&$q1", 'HASH_NOT_LAST'),
    verifyCase('hash twice (same value), duplicate wins over not-last', [], "$q1&hash=$h1&hash=$h1", 'HASH_DUPLICATE'),
    verifyCase('hash twice: a decoy early in the query and the real one last', [],
        "target=ipam&action=get&hash=AAAA&type=IP&mask=24&apiKey=" . KEY . "&hash=$h1", 'HASH_DUPLICATE'),
    // One identity: a name sent twice with other values, or a second apiKey (hash correct).
    verifyCase('apiKey twice: the holder of one key names another first (hash correct)', ['Duplicate'],
        ($q = 'apiKey=99-OTHERKEY&' . $q1) . '&hash=' . sixHash($q, SECRET), 'FIELD_DUPLICATE'),
    verifyCase('target twice with other values (hash correct): PHP reads the last, URLSearchParams the first', ['Duplicate'],
        ($q = 'target=dns&' . $q1) . '&hash=' . sixHash($q, SECRET), 'FIELD_DUPLICATE'),
    verifyCase('a.b and a_b are one PHP name with two values (hash correct)', ['Duplicate'],
        ($q = 'a.b=1&a_b=2&' . $q1) . '&hash=' . sixHash($q, SECRET), 'FIELD_DUPLICATE'),
    verifyCase('a name twice with the same value: every reader agrees (hash correct)', ['Duplicate'],
        ($q = 'x=1&x=1&' . $q1) . '&hash=' . sixHash($q, SECRET), 'valid'),
    verifyCase('a[]=1&a[]=2 is a list, not a duplicate (hash correct)', ['Duplicate'],
        ($q = 'a%5B%5D=1&a%5B%5D=2&' . $q1) . '&hash=' . sixHash($q, SECRET), 'valid'),
    // HASH_MALFORMED.
    verifyCase('hash not base64', [], "$q1&hash=!!!not-base64!!!", 'HASH_MALFORMED'),
    verifyCase('hash truncated to 40 characters', [], "$q1&hash=" . substr($h1, 0, 40), 'HASH_MALFORMED'),
    verifyCase('hash of 31 bytes', [], "$q1&hash=" . base64_encode(substr(base64_decode($h1), 0, 31)), 'HASH_MALFORMED'),
    verifyCase('hash of 33 bytes', [], "$q1&hash=" . base64_encode(base64_decode($h1) . "\0"), 'HASH_MALFORMED'),
    verifyCase('hash as 64 hex characters instead of base64', [], "$q1&hash=" . hash_hmac('sha256', $q1, SECRET),
        'HASH_MALFORMED'),
    verifyCase('hash empty', ['Empty'], "$q1&hash=", 'HASH_MALFORMED'),
    // MISSING_FIELD / UNKNOWN_KEY.
    verifyCase('no apiKey param (hash correct over the query as sent)', [],
        ($q = 'target=ipam&action=get&type=IP&mask=24') . '&hash=' . sixHash($q, SECRET), 'MISSING_FIELD'),
    verifyCase('apiKey in the query is not the verifier\'s key (hash correct)', [],
        ($q = signedQuery('ipam', 'get', ['type' => 'IP', 'mask' => '24'], '99-OTHERKEY')) . '&hash=' . sixHash($q, SECRET),
        'UNKNOWN_KEY'),
);

// ---------------------------------------------------------------------------------------------

emit([
    '$schema' => './schema/vectors.schema.json',
    'scheme' => 'sixconnect',
    'schemaVersion' => 1,
    'generator' => generatorLine('sixconnect.php'),
    'notes' => [
        'H = base64_encode(hash_hmac("sha256", $signedQuery, $secretKey, true)); the secret is used as its literal bytes (UTF-8), never hex-decoded.',
        'Signed query as the official PHP SDK builds it: "target=" . urlencode(target) . "&action=" . urlencode(action), then for each param in order "&" . urlencode(name) . "=" . urlencode(trim(value)), then "&apiKey=" . urlencode(apiKey). PHP urlencode: space -> +, ~ -> %7E, only [A-Za-z0-9._-] raw, uppercase hex.',
        'Nested params are flattened in order to name[sub] (lists name[0], name[1]); the name is urlencoded as a whole (meta[type] -> meta%5Btype%5D). Ints and floats go through trim(), i.e. PHP string conversion (1e20 -> "1.0E+20").',
        'params: an array of [key, value] pairs, in order; a value is a string, a number (int when an integer of magnitude <= 2^53-1, else float), an array (a PHP list) or {"$map": [[k, v], ...]}.',
        'url = "' . BASE_URL . '" + query + "&hash=" + H, H appended raw (not encoded), as the SDK does.',
        'SixConnectVerify: input.query is the raw query string after "?". The signed bytes are everything before "&hash=" exactly as sent. The received H may be raw, percent-encoded (either hex case) or have + turned into space (%20 or literal): percent-decode it (no + -> space), turn spaces into +, then strict base64 of exactly 32 bytes. stages of valid cases: the signed query and the recomputed H.',
        'SixConnectVerify: every invalid case has exactly one defect, except where the comment says which code wins (two hash params: HASH_DUPLICATE, not HASH_NOT_LAST).',
    ],
    'testGroups' => [
        ['type' => 'SixConnectSign', 'comment' => 'The SDK pipeline: signed query, base64 HMAC-SHA256, full URL.', 'tests' => $sign],
        ['type' => 'SixConnectVerify', 'comment' => 'Raw query strings as a server receives them.', 'tests' => $ver],
    ],
], 'sixconnect.json', $argv);
