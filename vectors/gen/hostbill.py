#!/usr/bin/python3
"""Generates vectors/hostbill.json: Basic headers with Python's base64, Bearer tokens with PyJWT
and the ssh-keygen-made 4096-bit key HostBill uses, refresh-token digests with hashlib.

Run: /usr/bin/python3 vectors/gen/hostbill.py
"""
import base64
import hashlib

import jwt

from common import b64u, read_key, write

NOW = 1767225600
KEY = 'hostbill4096.key'
PUB = 'hostbill4096.spki.pem'
ISS = 'https://billing.example.com'


def basic(user: str, password: str) -> str:
    return 'Basic ' + base64.b64encode(f'{user}:{password}'.encode('utf-8')).decode('ascii')


def main() -> None:
    fmt = []
    for comment, user, pw in [
        ('RFC 7617 section 2 example', 'Aladdin', 'open sesame'),
        ('RFC 7617 section 2.1 example (UTF-8)', 'test', '123\u00a3'),
        ('HostBill client e-mail, password with colons', 'client@example.com', 'pa:ss:word'),
        ('empty password', 'client@example.com', ''),
        ('non-BMP characters', 'm\u00fcller@example.com', 'p\U0001F511ss'),
    ]:
        h = basic(user, pw)
        fmt.append({'comment': comment, 'flags': ['Python-base64'], 'input': {'username': user, 'password': pw}, 'stages': {'userPass': f'{user}:{pw}'}, 'output': {'header': h}, 'result': 'valid'})

    parse = []
    for comment, header, result, err, out in [
        ('scheme is case-insensitive, extra spaces allowed', '  bAsIc   ' + basic('u', 'p:q')[6:], 'valid', None, {'username': 'u', 'password': 'p:q'}),
        ('no header', None, 'invalid', 'AUTH_HEADER_MALFORMED', None),
        ('scheme only', 'Basic', 'invalid', 'AUTH_HEADER_MALFORMED', None),
        ('another scheme', 'Bearer abc', 'invalid', 'AUTH_SCHEME_UNSUPPORTED', None),
        ('no colon', 'Basic ' + base64.b64encode(b'user').decode(), 'invalid', 'AUTH_HEADER_MALFORMED', None),
        ('empty username', 'Basic ' + base64.b64encode(b':pw').decode(), 'invalid', 'AUTH_HEADER_MALFORMED', None),
        ('padding missing', basic('Aladdin', 'open sesame').rstrip('='), 'invalid', 'AUTH_HEADER_MALFORMED', None),
        ('not UTF-8', 'Basic ' + base64.b64encode(b'u:\xff').decode(), 'invalid', 'AUTH_HEADER_MALFORMED', None),
        ('control character in the password', 'Basic ' + base64.b64encode(b'u:p\x00').decode(), 'invalid', 'AUTH_HEADER_MALFORMED', None),
        ('two tokens', 'Basic YTpi YTpi', 'invalid', 'AUTH_HEADER_MALFORMED', None),
    ]:
        t = {'comment': comment, 'flags': [], 'input': {'header': header}, 'result': result}
        if out:
            t['output'] = out
        if err:
            t['error'] = err
        parse.append(t)

    key = read_key(KEY)
    other = read_key('rsa2048.pkcs1.pem')
    bearer = []

    def add(comment, auth, result, err=None, flags=()):
        t = {'comment': comment, 'flags': list(flags), 'input': {'authorization': auth, 'key': f'keys/{PUB}', 'options': {'issuer': ISS, 'now': NOW}}, 'result': result}
        if err:
            t['error'] = err
        bearer.append(t)

    good = jwt.encode({'sub': 'client@example.com', 'iss': ISS, 'iat': NOW - 60, 'exp': NOW + 840, 'jti': 'a1'}, key, algorithm='RS256', headers={'kid': 'hostbill'})
    add('access token signed with the ssh-keygen -m PEM key', f'Bearer {good}', 'valid', flags=['PyJWT'])
    add('lower-case scheme', f'bearer {good}', 'valid', flags=['PyJWT'])
    add('expired', 'Bearer ' + jwt.encode({'sub': 'c', 'iss': ISS, 'exp': NOW - 1}, key, algorithm='RS256'), 'invalid', 'JWT_EXPIRED', ['PyJWT'])
    add('wrong issuer', 'Bearer ' + jwt.encode({'sub': 'c', 'iss': 'https://other.example', 'exp': NOW + 60}, key, algorithm='RS256'), 'invalid', 'CLAIM_INVALID', ['PyJWT'])
    add('signed by another key', 'Bearer ' + jwt.encode({'sub': 'c', 'iss': ISS, 'exp': NOW + 60}, other, algorithm='RS256'), 'invalid', 'SIGNATURE_INVALID', ['PyJWT'])
    add('alg none', 'Bearer ' + jwt.encode({'sub': 'c', 'iss': ISS}, None, algorithm='none'), 'invalid', 'ALG_NOT_ALLOWED', ['PyJWT'])
    add('Basic instead of Bearer', basic('client@example.com', 'pw'), 'invalid', 'AUTH_SCHEME_UNSUPPORTED')
    add('no header', None, 'invalid', 'AUTH_HEADER_MALFORMED')
    add('Bearer without a token', 'Bearer', 'invalid', 'AUTH_HEADER_MALFORMED')
    add('token is not a JWT', 'Bearer abc', 'invalid', 'JWT_MALFORMED')

    digests = []
    for tok in [b64u(bytes(32)), b64u(bytes(range(32))), 'abc']:
        digests.append({'comment': 'SHA-256 (hex) of the refresh token text: the only form the store keeps', 'flags': ['hashlib'], 'input': {'refreshToken': tok}, 'output': {'digest': hashlib.sha256(tok.encode()).hexdigest()}, 'result': 'valid'})

    groups = [
        {'type': 'HostBillBasicFormat', 'comment': 'formatBasicAuth(username, password); expected header from Python base64 over UTF-8.', 'tests': fmt},
        {'type': 'HostBillBasicParse', 'comment': 'parseBasicAuth(header); input.header null means no header.', 'tests': parse},
        {'type': 'HostBillBearerVerify', 'comment': f'verifyHostBillBearer(authorization, key, options); tokens by PyJWT with the ssh-keygen -t rsa -b 4096 -m PEM key; now = {NOW}.', 'tests': bearer},
        {'type': 'HostBillRefreshDigest', 'comment': 'refreshTokenDigest(token) = hex(SHA-256(UTF-8 token)), computed with hashlib.', 'tests': digests},
    ]
    write('hostbill.json', 'hostbill', [
        'Keys are test keys from vectors/keys (see its README); key paths are relative to vectors/.',
        'HostBill documents neither claims nor lifetimes; these cases pin hostsig behaviour (SCHEMES.md section 3).',
    ], groups)


if __name__ == '__main__':
    main()
