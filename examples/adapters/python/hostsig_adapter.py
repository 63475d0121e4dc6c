#!/usr/bin/env python3
"""hostsig vector adapter in Python 3: the standard library, plus PyJWT for the JWT types.

An independent implementation of HostDime, 6connect ProVision and RS256 JWTs (with HostBill's
Basic and Bearer headers, and the WHM and HostKey token digests and PIN hash) that speaks
hostsig's JSON-lines vector protocol (docs/vector-protocol.md):

    hostsig vectors --exec "/usr/bin/python3 examples/adapters/python/hostsig_adapter.py"

stdin:  one request per line  {"id":1,"scheme":"hostdime","type":"HostDimeCanonical","input":{...}}
stdout: one response per line {"id":1,"result":"valid","stages":{...}}
        | {"id":1,"result":"invalid","error":"CODE"} | {"id":1,"unsupported":true}

The PHP reference adapter gets json_encode, parse_str, http_build_query and urlencode from PHP
itself. Python's own json.dumps and urllib.parse differ from them (slashes, \\uXXXX case,
floats, empty arrays, integer-like keys, name mangling, "~"), so the PHP 8 rules the HostDime
and 6connect signatures depend on are written out below, byte for byte.
PyJWT (Debian: python3-jwt) signs and verifies RS256; the strict JWS rules PyJWT leaves open
(padding, trailing bits, duplicate JSON members, "crit") are checked here first. Without PyJWT
the JWT and HostBill Bearer types answer "unsupported".
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import sys
import time
import traceback
from decimal import Decimal

SIXCONNECT_BASE_URL = 'https://example.6connect.test/api/v1/api.php'
MAX_INPUT_VARS = 1000  # PHP's max_input_vars
MAX_NESTING = 64  # PHP's max_input_nesting_level
LONG_MIN, LONG_MAX = -(2**63), 2**63 - 1
PHP_TRIM = b' \t\n\r\0\x0b'  # what PHP's trim() strips


class Invalid(Exception):
    """The case is invalid with this hostsig error code (and, for JWTs, the token's parts)."""

    def __init__(self, code: str, stages: dict | None = None):
        super().__init__(code)
        self.code = code
        self.stages = stages


class Unsupported(Exception):
    """This adapter does not implement the case (a type, an option or a dialect it lacks)."""


# ---- PHP arrays ---------------------------------------------------------------------------------

_NUMERIC_KEY = re.compile(rb'-?(?:0|[1-9][0-9]{0,18})')


def php_key(key: bytes | int) -> bytes | int:
    """PHP's array-key normalisation: "5" and "-1" become ints, "05" and "-0" stay strings."""
    if isinstance(key, int) or not _NUMERIC_KEY.fullmatch(key) or key == b'-0':
        return key
    n = int(key)
    return n if LONG_MIN <= n <= LONG_MAX else key


def key_bytes(key: bytes | int) -> bytes:
    return str(key).encode() if isinstance(key, int) else key


class PhpArray:
    """An ordered PHP array: int or bytes keys, insertion order, PHP's next free index for []."""

    __slots__ = ('items', 'next_free', 'list_hint')

    def __init__(self, list_hint: bool | None = None):
        self.items: dict = {}
        self.next_free: int | None = None  # None = no int key yet (PHP's ZEND_LONG_MIN)
        # True/False when the array came from the vectors (a JSON list or a $map): the js
        # dialect writes a list as a JSON array and a map as an object, as the Node client did.
        self.list_hint = list_hint

    def get(self, key):
        return self.items.get(php_key(key))

    def set(self, key, value) -> None:
        k = php_key(key)
        if isinstance(k, int) and (self.next_free is None or k >= self.next_free):
            self.next_free = k + 1
        self.items[k] = value

    def append(self, value) -> bool:
        """$a[] = value; False when PHP refuses (the next index would overflow)."""
        k = 0 if self.next_free is None else self.next_free
        if k > LONG_MAX:
            return False
        self.set(k, value)
        return True

    def is_list(self) -> bool:
        """PHP's array_is_list: keys are exactly 0, 1, 2, ... in order."""
        return all(k == i for i, k in enumerate(self.items))

    def first_key(self):
        return next(iter(self.items), None)


def from_vector(v):
    """A vector value -> a PHP value: strings as UTF-8 bytes, ints up to 2^53-1, else floats."""
    if isinstance(v, str):
        return v.encode('utf-8', 'surrogatepass')
    if isinstance(v, bool) or v is None:
        return v
    if isinstance(v, int):
        return v if abs(v) <= 2**53 - 1 else float(v)
    if isinstance(v, float):
        return v
    if isinstance(v, list):
        out = PhpArray(list_hint=True)
        for x in v:
            out.append(from_vector(x))
        return out
    if isinstance(v, dict) and list(v) == ['$map']:
        return pairs_to_array(v['$map'])
    raise ValueError(f'not a params value: {v!r}')


def pairs_to_array(pairs) -> PhpArray:
    """The vectors' [[key, value], ...] params -> a PHP associative array, in pair order."""
    out = PhpArray(list_hint=False)
    for k, v in pairs:
        out.set(k.encode('utf-8', 'surrogatepass'), from_vector(v))
    return out


# ---- PHP numbers as text --------------------------------------------------------------------------


def _digits(d: Decimal) -> tuple[str, int]:
    """Significant digits without trailing zeros, and decpt (value = 0.DIGITS * 10^decpt)."""
    _, digits, exp = d.as_tuple()
    s = ''.join(map(str, digits)).lstrip('0')
    return (s.rstrip('0'), len(s) + exp) if s else ('0', 1)


def php_gcvt(f: float, precision: int, exp_char: str) -> str:
    """PHP's php_gcvt: precision 17 = shortest round-trip digits (serialize_precision -1, as
    json_encode uses), 14 = 14 significant digits (precision, as (string) and http_build_query use)."""
    if f == 0:
        return '-0' if str(f).startswith('-') else '0'
    text = repr(abs(f)) if precision == 17 else f'{abs(f):.{precision - 1}e}'
    digits, decpt = _digits(Decimal(text))
    sign = '-' if f < 0 else ''
    if (decpt < -3) if decpt < 0 else (decpt > precision):
        e = decpt - 1
        mantissa = digits[0] + '.' + (digits[1:] or '0')
        return f'{sign}{mantissa}{exp_char}{"-" if e < 0 else "+"}{abs(e)}'
    if decpt <= 0:
        return f'{sign}0.{"0" * -decpt}{digits}'
    whole = digits[:decpt].ljust(decpt, '0')
    frac = digits[decpt:]
    return sign + whole + ('.' + frac if frac else '')


def php_string(v) -> bytes:
    """PHP's (string) cast of a scalar (precision 14 for floats)."""
    if isinstance(v, bytes):
        return v
    if v is True:
        return b'1'
    if v is False or v is None:
        return b''
    if isinstance(v, int):
        return str(v).encode()
    if v != v:
        return b'NAN'
    if v in (float('inf'), float('-inf')):
        return b'INF' if v > 0 else b'-INF'
    return php_gcvt(v, 14, 'E').encode()


# ---- PHP url encoding and parse_str -----------------------------------------------------------------

_URL_RAW = frozenset(b'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.')
_PCT = re.compile(rb'%([0-9A-Fa-f]{2})')


def urlencode(b: bytes) -> str:
    """PHP urlencode (RFC 1738): [A-Za-z0-9._-] raw, space -> +, the rest %XX uppercase ("~" too)."""
    return ''.join(chr(c) if c in _URL_RAW else '+' if c == 0x20 else f'%{c:02X}' for c in b)


def rawurldecode(b: bytes) -> bytes:
    """PHP rawurldecode: %XX (either case) decoded; a stray % stays; + stays +."""
    return _PCT.sub(lambda m: bytes([int(m.group(1), 16)]), b)


def urldecode(b: bytes) -> bytes:
    """PHP urldecode: + -> space, then %XX."""
    return rawurldecode(b.replace(b'+', b' '))


_SPACE_INDEX = frozenset(bytes([c]) + b']' for c in b' \t\n\x0b\x0c\r')


def _mangle(name: bytes, chars: bytes) -> bytes:
    return bytes(0x5F if c in chars else c for c in name)


def parse_str(query: bytes) -> PhpArray:
    """PHP parse_str (what fills $_POST/$_GET): split on &, decode, mangle names, nest a[b][].

    Where PHP would silently drop data (over max_input_vars or max_input_nesting_level) this
    refuses with BODY_MALFORMED, so a verifier never hashes less than the client sent.
    """
    out = PhpArray()
    count = 0
    for pair in query.split(b'\0', 1)[0].split(b'&'):  # PHP works on a C string: a raw NUL ends it
        if not pair:
            continue
        count += 1
        if count > MAX_INPUT_VARS:
            raise Invalid('BODY_MALFORMED')
        name, eq, value = pair.partition(b'=')
        register_variable(out, urldecode(name), urldecode(value) if eq else b'')
    return out


def register_variable(track: PhpArray, name: bytes, value: bytes) -> None:
    """php_register_variable_ex: one decoded name=value into the array, as PHP does it."""
    name = name.lstrip(b' ').split(b'\0', 1)[0]  # leading spaces dropped; a NUL ends the name
    bracket = name.find(b'[')
    top = _mangle(name if bracket < 0 else name[:bracket], b' .')
    if not top:
        return
    if bracket < 0:
        track.set(top, value)
        return
    table, index, pos, depth = track, top, bracket, 0
    while True:
        depth += 1
        if depth > MAX_NESTING:
            raise Invalid('BODY_MALFORMED')
        pos += 1  # just after the '['
        if name[pos:pos + 1] == b']':
            close, sub = pos, None  # a[] appends
        elif name[pos:pos + 2] in _SPACE_INDEX:
            close, sub = pos + 1, None  # so does a[ ], one whitespace character (PHP does so)
        else:
            close = name.find(b']', pos)
            if close < 0:
                # No closing bracket: at the top, the rest is part of a mangled plain name
                # (foo[bar.baz -> foo_bar_baz); deeper, PHP drops the unterminated part.
                if depth == 1:
                    index = top + b'_' + _mangle(name[pos:], b' .[')
                break
            sub = name[pos:close]
        if index is None:
            child = PhpArray()
            if not table.append(child):
                return
        else:
            child = table.get(index)
            if not isinstance(child, PhpArray):
                child = PhpArray()
                table.set(index, child)
        table, index, pos = child, sub, close + 1
        if name[pos:pos + 1] != b'[':
            break  # anything after ']' that is not '[' is ignored
    if index is None:
        table.append(value)
    else:
        table.set(index, value)


def http_build_query(arr: PhpArray, prefix: str | None = None) -> list[str]:
    """PHP http_build_query's pairs: nested a%5Bb%5D=..., null dropped, true 1, false 0."""
    parts = []
    for k, v in arr.items.items():
        ek = urlencode(key_bytes(k))
        name = ek if prefix is None else f'{prefix}%5B{ek}%5D'
        if isinstance(v, PhpArray):
            parts.extend(http_build_query(v, name))
        elif v is not None:
            parts.append(f'{name}={urlencode(b"0" if v is False else php_string(v))}')
    return parts


# ---- json_encode (PHP) and JSON.stringify (JavaScript) ------------------------------------------

_PHP_ESC = {'"': '\\"', '\\': '\\\\', '/': '\\/', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t'}
_JS_ESC = {'"': '\\"', '\\': '\\\\', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t'}


def _utf8(b: bytes, errors: str = 'strict') -> str:
    """Strict UTF-8 (no overlongs, no encoded surrogates, nothing past U+10FFFF), as json_encode wants."""
    try:
        return b.decode('utf-8', errors)
    except UnicodeDecodeError:
        raise Invalid('INVALID_UTF8') from None


def php_json_string(b: bytes) -> str:
    """json_encode of a string, default flags: \\/ and every non-ASCII code point as lowercase \\uXXXX."""
    out = ['"']
    for ch in _utf8(b):
        c = ord(ch)
        if ch in _PHP_ESC:
            out.append(_PHP_ESC[ch])
        elif 0x20 <= c < 0x80:
            out.append(ch)
        elif c < 0x10000:
            out.append(f'\\u{c:04x}')
        else:
            c -= 0x10000
            out.append(f'\\u{0xD800 | c >> 10:04x}\\u{0xDC00 | c & 0x3FF:04x}')
    out.append('"')
    return ''.join(out)


def php_json_encode(v, force_object: bool = False) -> str:
    """json_encode($v) (force_object: JSON_FORCE_OBJECT, every array an object, [] -> {})."""
    if isinstance(v, PhpArray):
        if not force_object and v.is_list():
            return '[' + ','.join(php_json_encode(x) for x in v.items.values()) + ']'
        members = (php_json_string(key_bytes(k)) + ':' + php_json_encode(x, force_object) for k, x in v.items.items())
        return '{' + ','.join(members) + '}'
    if v is None or isinstance(v, bool):
        return {None: 'null', True: 'true', False: 'false'}[v]
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if v != v or v in (float('inf'), float('-inf')):
            raise Invalid('JSON_ENCODE_FAILED')  # json_encode fails on INF and NAN
        return php_gcvt(v, 17, 'e')
    return php_json_string(v)


def js_string(s: str) -> str:
    """JSON.stringify of a string: only " \\ and controls escaped; lone surrogates as \\udxxx."""
    out = ['"']
    for ch in s:
        c = ord(ch)
        if ch in _JS_ESC:
            out.append(_JS_ESC[ch])
        elif c < 0x20 or 0xD800 <= c <= 0xDFFF:
            out.append(f'\\u{c:04x}')
        else:
            out.append(ch)
    out.append('"')
    return ''.join(out)


def js_number(n) -> str:
    """Number.prototype.toString (what JSON.stringify writes for a number)."""
    if isinstance(n, int):
        return str(n)
    if n != n or n in (float('inf'), float('-inf')):
        return 'null'
    if n == 0:
        return '0'
    digits, decpt = _digits(Decimal(repr(abs(n))))
    sign, k = '-' if n < 0 else '', len(digits)
    if k <= decpt <= 21:
        return sign + digits + '0' * (decpt - k)
    if 0 < decpt <= 21:
        return f'{sign}{digits[:decpt]}.{digits[decpt:]}'
    if -6 < decpt <= 0:
        return f'{sign}0.{"0" * -decpt}{digits}'
    e = decpt - 1
    return f'{sign}{digits[0]}{"." + digits[1:] if k > 1 else ""}e{"-" if e < 0 else "+"}{abs(e)}'


_JS_INDEX = re.compile(r'0|[1-9][0-9]{0,9}')


def _js_index(key: str) -> int | None:
    """The array index a JS object key is, if it is one (a plain object lists those first)."""
    return int(key) if _JS_INDEX.fullmatch(key) and int(key) < 2**32 - 1 else None


def js_stringify(v, as_object: bool = False) -> str:
    """JSON.stringify of the plain JS value the official Node client holds.

    A plain object lists integer-like keys (array indexes) first, ascending, then the others in
    insertion order. `__proto__` never becomes an own property by assignment, so it is not written.
    """
    if isinstance(v, PhpArray):
        is_list = v.list_hint if v.list_hint is not None else v.is_list()
        if is_list and not as_object:
            return '[' + ','.join(js_stringify(x) for x in v.items.values()) + ']'
        entries = [(_utf8(key_bytes(k), 'surrogatepass'), x) for k, x in v.items.items()]
        indexes = sorted((e for e in entries if _js_index(e[0]) is not None), key=lambda e: _js_index(e[0]))
        others = [e for e in entries if _js_index(e[0]) is None and e[0] != '__proto__']
        return '{' + ','.join(js_string(k) + ':' + js_stringify(x) for k, x in indexes + others) + '}'
    if v is None or isinstance(v, bool):
        return {None: 'null', True: 'true', False: 'false'}[v]
    if isinstance(v, (int, float)):
        return js_number(v)
    return js_string(_utf8(v, 'surrogatepass'))  # a vector string may hold a lone surrogate


# ---- to_json (Ruby: the json gem's generator, as hdcore-rb calls it) -------------------------------


def ruby_string(s: str) -> str:
    """String#to_json: " \\ and controls escaped (\\u00XX lowercase), the rest raw, U+2028/9 included."""
    out = ['"']
    for ch in s:
        c = ord(ch)
        if ch in _JS_ESC:
            out.append(_JS_ESC[ch])
        elif c < 0x20:
            out.append(f'\\u{c:04x}')
        else:
            out.append(ch)
    out.append('"')
    return ''.join(out)


def ruby_float(n: float) -> str:
    """Float#to_s: shortest round-trip digits, fixed from 1e-4 up to 16 integer digits (1.5, 100.0),
    else d.ddde+XX with at least two exponent digits (1.0e-05, 1.0e+20)."""
    if n != n or n in (float('inf'), float('-inf')):
        raise Invalid('JSON_ENCODE_FAILED')  # Ruby's generator raises on NaN and Infinity
    sign = '-' if str(n).startswith('-') else ''
    if n == 0:
        return sign + '0.0'
    digits, decpt = _digits(Decimal(repr(abs(n))))
    k = len(digits)
    if 0 < decpt <= 16:
        return f'{sign}{digits[:decpt]}{"0" * (decpt - k)}.{digits[decpt:] or "0"}'
    if -4 < decpt <= 0:
        return f'{sign}0.{"0" * -decpt}{digits}'
    e = decpt - 1
    return f'{sign}{digits[0]}.{digits[1:] or "0"}e{"-" if e < 0 else "+"}{abs(e):02d}'


def ruby_json(v, as_object: bool = False) -> str:
    """to_json of the value the official Ruby gem's caller holds: lists are Arrays, maps Hashes,
    which keep insertion order (integer-like keys stay where they are). Invalid UTF-8 raises."""
    if isinstance(v, PhpArray):
        is_list = v.list_hint if v.list_hint is not None else v.is_list()
        if is_list and not as_object:
            return '[' + ','.join(ruby_json(x) for x in v.items.values()) + ']'
        return '{' + ','.join(ruby_string(_utf8(key_bytes(k))) + ':' + ruby_json(x) for k, x in v.items.items()) + '}'
    if v is None or isinstance(v, bool):
        return {None: 'null', True: 'true', False: 'false'}[v]
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return ruby_float(v)
    return ruby_string(_utf8(v))


# ---- HostDime -----------------------------------------------------------------------------------


def hd_stages(dialect: str, method: str, ts: bytes, unique: bytes, priv: bytes, params: PhpArray) -> dict:
    """paramsJson, doubleJson, canonical, hash for one dialect (php = hdcore-php, js = hdcore, ruby = hdcore-rb)."""
    if dialect == 'php':
        inner = php_json_encode(params, force_object=True)
        double = php_json_string(inner.encode())
    elif dialect == 'js':
        inner = js_stringify(params, as_object=True)
        double = js_string(inner)
    elif dialect == 'ruby':
        inner = ruby_json(params, as_object=True)
        double = ruby_string(inner)
    else:
        raise Unsupported(f'dialect {dialect!r}')
    canonical = b':'.join([ts, unique, priv, method.encode(), double.encode('utf-8', 'surrogatepass')])
    return {
        'paramsJson': inner,
        'doubleJson': double,
        'canonical': canonical.decode('utf-8', 'replace'),
        'hash': hashlib.sha256(canonical).hexdigest(),
    }


def _text(v) -> bytes:
    return str(v).encode('utf-8') if isinstance(v, int) else v.encode('utf-8', 'surrogatepass')


def hostdime_canonical(inp: dict, files: dict) -> dict:
    params = pairs_to_array(inp['params'])
    s = hd_stages(inp.get('dialect', 'php'), inp['method'], _text(inp['timestamp']), _text(inp['unique']), _text(inp['privateKey']), params)
    return {'result': 'valid', 'stages': s}


def hostdime_sign(inp: dict, files: dict) -> dict:
    """hdcore-php: hash the params as given, POST them as http_build_query plus the api_* fields."""
    params = pairs_to_array(inp['params'])
    s = hd_stages('php', inp['method'], _text(inp['timestamp']), _text(inp['unique']), _text(inp['privateKey']), params)
    auth = (f'api_key={urlencode(_text(inp["publicKey"]))}&api_timestamp={inp["timestamp"]}'
            f'&api_unique={urlencode(_text(inp["unique"]))}&api_hash={s["hash"]}')
    query = '&'.join(http_build_query(params))
    return {'result': 'valid', 'stages': {
        'canonical': s['canonical'],
        'hash': s['hash'],
        'body': f'{query}&{auth}' if query else auth,
        'path': '/v1/' + inp['method'].replace('.', '/') + '.json',
    }}


_INT_TEXT = re.compile(rb'-?(?:0|[1-9][0-9]{0,17})')
_DEC_TEXT = re.compile(rb'-?(?:0|[1-9][0-9]*)\.[0-9]+')


def typed(arr: PhpArray) -> PhpArray:
    """The numbers a client may have hashed for the body's strings: only where the string is the
    number's own PHP spelling ("5", "-1", "1.5"; not "05", "5e1", "1.0")."""
    out = PhpArray(arr.list_hint)
    for k, v in arr.items.items():
        if isinstance(v, PhpArray):
            v = typed(v)
        elif _INT_TEXT.fullmatch(v) and str(int(v)).encode() == v:
            v = int(v)
        elif _DEC_TEXT.fullmatch(v) and php_gcvt(float(v), 17, 'e').encode() == v:
            v = float(v)
        out.set(k, v)
    return out


def refuse_duplicates(query: bytes, parsed: PhpArray, once: list[bytes]) -> None:
    """One request, one identity: PHP keeps the last of two equal names, most other readers the
    first. Refuses a credential in `once` sent twice, and any pair that `parsed` does not hold as
    sent (overwritten with another value, or turned into or out of an array). `a[]` appends."""
    seen = set()
    for pair in query.split(b'&'):
        one = parse_str(pair)
        if not one.items:
            continue
        top = one.first_key()
        if top in once and top in seen:
            raise Invalid('FIELD_DUPLICATE')
        seen.add(top)
        appends = b'[]' in urldecode(pair.split(b'=', 1)[0])
        want, have = one, parsed
        while isinstance(want, PhpArray):
            k = want.first_key()
            if not isinstance(have, PhpArray) or k not in have.items:
                if not appends:
                    raise Invalid('FIELD_DUPLICATE')
                want = None
                break
            want, have = want.get(k), have.get(k)
            if appends and isinstance(want, PhpArray) and isinstance(have, PhpArray):
                break
        if isinstance(want, bytes) and have != want:
            raise Invalid('FIELD_DUPLICATE')


_HD_PATH = re.compile(r'/v1/([A-Za-z0-9_-]+(?:/[A-Za-z0-9_-]+)*)\.(?:json|xml|yml)\Z')
_HD_FIELDS = [b'api_key', b'api_timestamp', b'api_unique', b'api_hash']


def hostdime_verify(inp: dict, files: dict) -> dict:
    """A PHP server's view: $_POST from the raw body, minus every api_* key, hashed per dialect."""
    m = _HD_PATH.search(inp['path'])
    if not m:
        raise Invalid('METHOD_UNKNOWN')
    method = m.group(1).replace('/', '.')
    body = inp['body'].encode('utf-8', 'surrogatepass')
    post = parse_str(body)
    refuse_duplicates(body, post, _HD_FIELDS)
    for f in _HD_FIELDS:
        v = post.get(f)
        if not isinstance(v, bytes) or (v == b'' and f in (b'api_key', b'api_unique')):
            raise Invalid('MISSING_FIELD')
    api_hash = post.get(b'api_hash')
    if not re.fullmatch(rb'[0-9a-f]{64}', api_hash):
        raise Invalid('HASH_MALFORMED')
    if 'publicKey' in inp and inp['publicKey'] is not None and post.get(b'api_key') != _text(inp['publicKey']):
        raise Invalid('UNKNOWN_KEY')
    ts = post.get(b'api_timestamp')
    if not re.fullmatch(rb'[0-9]{1,15}', ts):
        raise Invalid('TIMESTAMP_INVALID')
    tolerance = inp.get('toleranceSec', 300)
    if inp['now'] - int(ts) > tolerance:
        raise Invalid('TIMESTAMP_STALE')
    if int(ts) - inp['now'] > tolerance:
        raise Invalid('TIMESTAMP_FUTURE')
    params = PhpArray()
    for k, v in post.items.items():
        if not (isinstance(k, bytes) and k.startswith(b'api_')):
            params.set(k, v)
    php_json_encode(params, force_object=True)  # INVALID_UTF8 before any hash is compared
    priv, unique = _text(inp['privateKey']), post.get(b'api_unique')
    for dialect in inp.get('dialects') or ['php']:
        for p in (params, typed(params)):
            s = hd_stages(dialect, method, ts, unique, priv, p)
            if hmac.compare_digest(s['hash'].encode(), api_hash):
                return {'result': 'valid', 'stages': {k: s[k] for k in ('paramsJson', 'canonical', 'hash')}}
    raise Invalid('SIGNATURE_INVALID')


# ---- 6connect -----------------------------------------------------------------------------------


def sixconnect_hash(signed: bytes, secret: str) -> str:
    """base64(HMAC-SHA256(key = the secret's literal UTF-8 bytes, never hex-decoded))."""
    return base64.b64encode(hmac.new(secret.encode('utf-8'), signed, hashlib.sha256).digest()).decode()


def flatten(arr: PhpArray, prefix: bytes | None = None) -> list[tuple[bytes, object]]:
    """Nested params as name[sub] pairs, in order (the official SDK's serialization)."""
    out = []
    for k, v in arr.items.items():
        name = key_bytes(k) if prefix is None else prefix + b'[' + key_bytes(k) + b']'
        out.extend(flatten(v, name) if isinstance(v, PhpArray) else [(name, v)])
    return out


def sixconnect_sign(inp: dict, files: dict) -> dict:
    q = f'target={urlencode(_text(inp["target"]))}&action={urlencode(_text(inp["action"]))}'
    for name, v in flatten(pairs_to_array(inp.get('params') or [])):
        q += f'&{urlencode(name)}={urlencode(php_string(v).strip(PHP_TRIM))}'
    q += f'&apiKey={urlencode(_text(inp["apiKey"]))}'
    h = sixconnect_hash(q.encode(), inp['secretKey'])
    return {'result': 'valid', 'stages': {'query': q, 'hash': h, 'url': f'{SIXCONNECT_BASE_URL}?{q}&hash={h}'}}


def sixconnect_verify(inp: dict, files: dict) -> dict:
    """The server's check over the raw query: cut at the one, last hash param, HMAC the rest."""
    segs = inp['query'].encode('utf-8', 'surrogatepass').split(b'&')
    at = [i for i, s in enumerate(segs) if s == b'hash' or s.startswith(b'hash=')]
    if not at:
        raise Invalid('HASH_MISSING')
    if len(at) > 1:
        raise Invalid('HASH_DUPLICATE')
    if at[0] != len(segs) - 1:
        raise Invalid('HASH_NOT_LAST')
    signed = b'&'.join(segs[:-1])
    refuse_duplicates(signed, parse_str(signed), [b'apiKey'])
    # Raw, percent-encoded, or with + turned into a space on the way.
    h = rawurldecode(segs[-1][5:]).replace(b' ', b'+')
    try:
        mac = base64.b64decode(h, validate=True)
    except ValueError:
        raise Invalid('HASH_MALFORMED') from None
    if len(mac) != 32 or base64.b64encode(mac) != h:
        raise Invalid('HASH_MALFORMED')
    keys = [s for s in segs[:-1] if s.startswith(b'apiKey=')]
    if len(keys) != 1 or keys[0] == b'apiKey=':
        raise Invalid('MISSING_FIELD')
    if inp.get('apiKey') is not None and urldecode(keys[0][7:]) != _text(inp['apiKey']):
        raise Invalid('UNKNOWN_KEY')
    mine = sixconnect_hash(signed, inp['secretKey'])
    if not hmac.compare_digest(base64.b64decode(mine), mac):
        raise Invalid('SIGNATURE_INVALID')
    return {'result': 'valid', 'stages': {'query': signed.decode('utf-8', 'replace'), 'hash': mine}}


# ---- RS256 JWTs (PyJWT) ----------------------------------------------------------------------------

_pyjwt = None


def pyjwt_rs256():
    """PyJWT's RS256 algorithm object, imported on first use; Unsupported when PyJWT is missing."""
    global _pyjwt
    if _pyjwt is None:
        try:
            from jwt.algorithms import RSAAlgorithm
        except ImportError as e:
            print(f'hostsig_adapter.py: PyJWT unavailable ({e}); JWT cases answer "unsupported"', file=sys.stderr)
            _pyjwt = False
        else:
            _pyjwt = RSAAlgorithm(RSAAlgorithm.SHA256)
    if _pyjwt is False:
        raise Unsupported('PyJWT is not installed')
    return _pyjwt


def b64u(b: bytes) -> str:
    return base64.urlsafe_b64encode(b).rstrip(b'=').decode('ascii')


def b64u_strict(s: str) -> bytes:
    """RFC 7515 base64url: no padding, no + or /, no whitespace, zero trailing bits."""
    if not re.fullmatch(r'[A-Za-z0-9_-]*', s) or len(s) % 4 == 1:
        raise Invalid('JWT_MALFORMED')
    b = base64.urlsafe_b64decode(s + '=' * (-len(s) % 4))
    if b64u(b) != s:
        raise Invalid('JWT_MALFORMED')
    return b


def _no_duplicates(pairs):
    obj = {}
    for k, v in pairs:
        if k in obj:
            raise ValueError(f'duplicate member {k!r}')
        obj[k] = v
    return obj


def _no_constant(name):
    raise ValueError(f'{name} is not JSON')


def json_object(b: bytes) -> dict:
    """Strict JSON: UTF-8, no duplicate member names, no NaN/Infinity, an object at the top."""
    try:
        v = json.loads(b.decode('utf-8'), object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    except ValueError:
        raise Invalid('JWT_MALFORMED') from None
    if not isinstance(v, dict):
        raise Invalid('JWT_MALFORMED')
    return v


_keys: dict = {}


def load_key(alg, inp: dict, files: dict):
    """The RSA key named by input.key, from the request's files (PEM or an ssh-rsa line)."""
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives.asymmetric import rsa
    from jwt.exceptions import InvalidKeyError

    text = files.get(inp['key'])
    if text is None:
        raise Unsupported(f'key file {inp["key"]!r} not sent')
    if text not in _keys:  # loading a private key runs OpenSSL's slow RSA_check_key: once per key
        try:
            _keys[text] = alg.prepare_key(text)
        except (ValueError, TypeError, InvalidKeyError, UnsupportedAlgorithm):  # unreadable, or encrypted
            raise Invalid('KEY_INVALID') from None
    key = _keys[text]
    if not isinstance(key, (rsa.RSAPrivateKey, rsa.RSAPublicKey)):
        raise Invalid('KEY_FORMAT_UNSUPPORTED')
    if key.key_size < 2048:
        raise Invalid('KEY_TOO_SMALL')
    return key


def jwt_sign(inp: dict, files: dict) -> dict:
    alg = pyjwt_rs256()
    key = load_key(alg, inp, files)
    if not hasattr(key, 'sign'):
        raise Invalid('KEY_INVALID')  # a public key cannot sign
    h, p = b64u(inp['header'].encode('utf-8')), b64u(inp['payload'].encode('utf-8'))
    si = f'{h}.{p}'
    sig = b64u(alg.sign(si.encode('ascii'), key))
    stages = {'headerB64': h, 'payloadB64': p, 'signingInput': si, 'signatureB64': sig}
    return {'result': 'valid', 'stages': stages, 'output': {'token': f'{si}.{sig}'}}


def _is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and v == v and abs(v) != float('inf')


def _str_or_list(v, name: str) -> list:
    if isinstance(v, str):
        return [v]
    if isinstance(v, list) and all(isinstance(x, str) for x in v):
        return v
    raise Unsupported(f'option {name} is neither a string nor a list of strings')


_CLAIM_OPTIONS = {'issuer', 'audience', 'subject', 'typ', 'clockTolerance', 'maxTokenAge', 'requiredClaims', 'now'}


def check_claims(claims: dict, header: dict, o: dict) -> None:
    """RFC 7519 claims with jose's option names (the subset the vectors use, and a little more)."""
    unknown = set(o) - _CLAIM_OPTIONS
    if unknown or not all(_is_number(o[k]) for k in ('now', 'clockTolerance', 'maxTokenAge') if k in o):
        raise Unsupported(f'verify options {sorted(unknown) or o}')  # e.g. durations as text
    now, tol, max_age = o.get('now', time.time()), o.get('clockTolerance', 0), o.get('maxTokenAge')
    if 'typ' in o:
        norm = lambda t: t.lower()[12:] if t.lower().startswith('application/') else t.lower()  # noqa: E731
        if not isinstance(header.get('typ'), str) or norm(header['typ']) != norm(o['typ']):
            raise Invalid('CLAIM_INVALID')
    required = set(o.get('requiredClaims', []))
    required |= {c for c, opt in (('iss', 'issuer'), ('aud', 'audience'), ('sub', 'subject'), ('iat', 'maxTokenAge')) if opt in o}
    if any(c not in claims for c in required):
        raise Invalid('CLAIM_INVALID')
    if any(c in claims and not isinstance(claims[c], str) for c in ('iss', 'sub', 'jti')):
        raise Invalid('CLAIM_INVALID')
    aud = claims.get('aud')
    if 'aud' in claims and not (isinstance(aud, str) or (isinstance(aud, list) and all(isinstance(a, str) for a in aud))):
        raise Invalid('CLAIM_INVALID')
    if any(c in claims and not _is_number(claims[c]) for c in ('exp', 'nbf', 'iat')):
        raise Invalid('CLAIM_INVALID')
    if 'issuer' in o and claims['iss'] not in _str_or_list(o['issuer'], 'issuer'):
        raise Invalid('CLAIM_INVALID')
    if 'subject' in o and claims['sub'] != o['subject']:
        raise Invalid('CLAIM_INVALID')
    if 'audience' in o and not set([aud] if isinstance(aud, str) else aud) & set(_str_or_list(o['audience'], 'audience')):
        raise Invalid('CLAIM_INVALID')
    if 'nbf' in claims and claims['nbf'] > now + tol:
        raise Invalid('JWT_NOT_YET_VALID')
    if 'exp' in claims and claims['exp'] <= now - tol:
        raise Invalid('JWT_EXPIRED')
    if max_age is not None:
        age = now - claims['iat']
        if age - tol > max_age:
            raise Invalid('JWT_EXPIRED')
        if age < -tol:
            raise Invalid('CLAIM_INVALID')


def verify_jwt(token: str, key_inp: dict, files: dict, options: dict) -> dict:
    """Structure, alg (RS256 only), crit, the signature (PyJWT), then the claims."""
    parts = token.split('.')
    if len(parts) != 3:
        raise Invalid('JWT_MALFORMED')
    h, p, s = parts
    stages = {'headerB64': h, 'payloadB64': p, 'signingInput': f'{h}.{p}', 'signatureB64': s}
    try:
        alg = pyjwt_rs256()
        header, payload, sig = json_object(b64u_strict(h)), b64u_strict(p), b64u_strict(s)
        if header.get('alg') != 'RS256':
            raise Invalid('ALG_NOT_ALLOWED' if isinstance(header.get('alg'), str) else 'JWT_MALFORMED')
        if 'crit' in header:
            crit = header['crit']
            ok = isinstance(crit, list) and crit and all(isinstance(c, str) for c in crit)
            raise Invalid('CRIT_UNSUPPORTED' if ok else 'JWT_MALFORMED')  # no extension is understood
        claims = json_object(payload)
        key = load_key(alg, key_inp, files)
        if hasattr(key, 'public_key'):
            key = key.public_key()
        if not alg.verify(f'{h}.{p}'.encode('ascii'), key, sig):
            raise Invalid('SIGNATURE_INVALID')
        check_claims(claims, header, options)
    except Invalid as e:
        raise Invalid(e.code, stages) from None
    return {'result': 'valid', 'stages': stages}


def jwt_verify(inp: dict, files: dict) -> dict:
    return verify_jwt(inp['token'], inp, files, inp.get('options') or {})


# ---- HostBill -------------------------------------------------------------------------------------

_OWS = ' \t'
_CTL = re.compile('[\x00-\x1f\x7f]')


def split_authorization(header) -> tuple[str, str]:
    """Authorization: scheme word, one or more spaces, credentials; surrounding spaces/tabs allowed."""
    if header is None or not header.strip(_OWS):
        raise Invalid('AUTH_HEADER_MALFORMED')
    scheme, _, rest = header.strip(_OWS).replace('\t', ' ').partition(' ')
    return scheme, rest.strip(_OWS)


def basic_format(inp: dict, files: dict) -> dict:
    user, password = inp['username'], inp['password']
    if ':' in user or _CTL.search(user + password):
        raise Invalid('INVALID_ARGUMENT')
    up = f'{user}:{password}'
    return {'result': 'valid', 'stages': {'userPass': up}, 'output': {'header': 'Basic ' + base64.b64encode(up.encode('utf-8')).decode()}}


def basic_parse(inp: dict, files: dict) -> dict:
    scheme, cred = split_authorization(inp['header'])
    if scheme.lower() != 'basic':
        raise Invalid('AUTH_SCHEME_UNSUPPORTED')
    if not re.fullmatch(r'[A-Za-z0-9+/]+=*', cred):
        raise Invalid('AUTH_HEADER_MALFORMED')
    try:
        raw = base64.b64decode(cred, validate=True)
        text = raw.decode('utf-8')
    except ValueError:
        raise Invalid('AUTH_HEADER_MALFORMED') from None
    user, colon, password = text.partition(':')
    if base64.b64encode(raw).decode() != cred or not colon or not user or _CTL.search(text):
        raise Invalid('AUTH_HEADER_MALFORMED')
    return {'result': 'valid', 'output': {'username': user, 'password': password}}


def bearer_verify(inp: dict, files: dict) -> dict:
    pyjwt_rs256()  # the whole type is unsupported without PyJWT, not half of it
    scheme, cred = split_authorization(inp['authorization'])
    if scheme.lower() != 'bearer':
        raise Invalid('AUTH_SCHEME_UNSUPPORTED')
    if not re.fullmatch(r'[A-Za-z0-9._~+/-]+=*', cred):  # RFC 6750 b64token
        raise Invalid('AUTH_HEADER_MALFORMED')
    r = verify_jwt(cred, inp, files, inp.get('options') or {})
    return {'result': r['result']}


def sha256_hex(s: str) -> str:
    return hashlib.sha256(s.encode('utf-8')).hexdigest()


def refresh_digest(inp: dict, files: dict) -> dict:
    return {'result': 'valid', 'output': {'digest': sha256_hex(inp['refreshToken'])}}


# ---- WHM and HostKey tokens, HostKey PINs --------------------------------------------------------


def token_digest(pattern: str):
    def handler(inp: dict, files: dict) -> dict:
        if not isinstance(inp['token'], str) or not re.fullmatch(pattern, inp['token']):
            raise Invalid('TOKEN_INVALID')
        return {'result': 'valid', 'stages': {'digest': sha256_hex(inp['token'])}}
    return handler


def pin_hash(inp: dict, files: dict) -> dict:
    dk = hashlib.scrypt(inp['pin'].encode('utf-8'), salt=bytes.fromhex(inp['salt']), n=inp['N'], r=inp['r'], p=inp['p'],
                        dklen=inp['dkLen'], maxmem=2**26)
    return {'result': 'valid', 'stages': {'hash': dk.hex()}}


# ---- the protocol loop ------------------------------------------------------------------------------

HANDLERS = {
    'HostDimeCanonical': hostdime_canonical,
    'HostDimeSign': hostdime_sign,
    'HostDimeVerify': hostdime_verify,
    'SixConnectSign': sixconnect_sign,
    'SixConnectVerify': sixconnect_verify,
    'JwtRs256Sign': jwt_sign,
    'JwtRs256Verify': jwt_verify,
    'HostBillBasicFormat': basic_format,
    'HostBillBasicParse': basic_parse,
    'HostBillBearerVerify': bearer_verify,
    'HostBillRefreshDigest': refresh_digest,
    'WhmTokenFormat': token_digest(r'[A-Z0-9]{32}'),
    'HostKeyTokenFormat': token_digest(r'[0-9a-f]{32}'),
    'HostKeyPinHash': pin_hash,
}


def answer(req: dict) -> dict:
    handler = HANDLERS.get(req.get('type'))
    if handler is None:
        return {'unsupported': True}
    try:
        return handler(req['input'], req.get('files') or {})
    except Invalid as e:
        return {'result': 'invalid', 'error': e.code, **({'stages': e.stages} if e.stages else {})}
    except Unsupported:
        return {'unsupported': True}
    except Exception as e:  # a bug here must fail the case loudly, never pass it
        traceback.print_exc(file=sys.stderr)
        return {'result': 'invalid', 'error': f'ADAPTER_EXCEPTION {type(e).__name__}: {e}'}


def main() -> None:
    out = sys.stdout
    for line in sys.stdin.buffer:
        if not line.strip():
            continue
        req = json.loads(line)
        out.write(json.dumps({'id': req['id'], **answer(req)}, separators=(',', ':')) + '\n')
        out.flush()


if __name__ == '__main__':
    main()
