#!/usr/bin/python3
"""Generates vectors/jwt-rs256.json with PyJWT (Debian python3-jwt), cryptography and the openssl CLI.

Run from anywhere: /usr/bin/python3 vectors/gen/jwt_rs256.py
Every verify case is also checked against PyJWT's own decode where PyJWT has an opinion,
so the expected results do not come from hostsig.
"""
import hashlib
import hmac
import json

import jwt
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

from common import b64u, b64u_decode, openssl_sign, read_key, write

NOW = 1767225600  # 2026-01-01T00:00:00Z, the "now" of every verify case
K2048 = 'rsa2048.pkcs1.pem'
K4096 = 'hostbill4096.key'
PUB2048 = 'rsa2048.spki.pem'


def stages_of(token: str) -> dict:
    h, p, s = token.split('.')
    return {'headerB64': h, 'payloadB64': p, 'signingInput': f'{h}.{p}', 'signatureB64': s}


def sign_raw(key_name: str, header: str, payload: str) -> str:
    """Compact JWS over exactly these texts, signed by the openssl CLI."""
    si = f'{b64u(header.encode())}.{b64u(payload.encode())}'
    return f'{si}.{b64u(openssl_sign(key_name, si.encode()))}'


def pyjwt_outcome(token: str, pub_pem: bytes, options: dict) -> str:
    kwargs = {'algorithms': ['RS256'], 'leeway': options.get('clockTolerance', 0)}
    if 'issuer' in options:
        kwargs['issuer'] = options['issuer']
    if 'audience' in options:
        kwargs['audience'] = options['audience']
    import time as _t
    real = _t.time
    _t.time = lambda: NOW  # PyJWT reads time.time() via datetime; patch both
    import datetime as _dt
    try:
        class FakeDT(_dt.datetime):
            @classmethod
            def now(cls, tz=None):
                return _dt.datetime.fromtimestamp(NOW, tz)

            @classmethod
            def utcnow(cls):
                return _dt.datetime.utcfromtimestamp(NOW)
        jwt.api_jwt.datetime = FakeDT
        jwt.decode(token, pub_pem, options={'verify_aud': 'audience' in options}, **kwargs)
        return 'valid'
    except jwt.ExpiredSignatureError:
        return 'JWT_EXPIRED'
    except jwt.ImmatureSignatureError:
        return 'JWT_NOT_YET_VALID'
    except (jwt.InvalidIssuerError, jwt.InvalidAudienceError):
        return 'CLAIM_INVALID'
    except jwt.InvalidAlgorithmError:
        return 'ALG_NOT_ALLOWED'
    except jwt.InvalidSignatureError:
        return 'SIGNATURE_INVALID'
    except jwt.PyJWTError as e:
        return 'rejected:' + type(e).__name__
    finally:
        _t.time = real
        jwt.api_jwt.datetime = _dt.datetime


def main() -> None:
    k2048 = read_key(K2048)
    k4096 = read_key(K4096)
    pub2048 = read_key(PUB2048)
    priv2048 = serialization.load_pem_private_key(k2048, password=None)

    # ---- signing: PyJWT output must be reproduced byte for byte ----
    sign_tests = []
    for comment, payload, headers, key_name, key in [
        ('claims only', {'sub': 'client-42', 'iat': NOW, 'exp': NOW + 900}, None, K2048, k2048),
        ('kid in the header (PyJWT sorts header keys: alg, kid, typ)', {'sub': 'client-42', 'iat': NOW}, {'kid': 'k1'}, K2048, k2048),
        ('empty claims', {}, None, K2048, k2048),
        ('non-ASCII claim (json.dumps escapes it as \\u00e9)', {'name': 'Andr\u00e9', 'n': [1, 2, {'x': None}]}, None, K2048, k2048),
        ('4096-bit key made by ssh-keygen -t rsa -b 4096 -m PEM (HostBill)', {'sub': 'client-42', 'aud': 'hostbill', 'iat': NOW, 'exp': NOW + 3600}, {'kid': 'hostbill'}, K4096, k4096),
    ]:
        token = jwt.encode(payload, key, algorithm='RS256', headers=headers)
        st = stages_of(token)
        sign_tests.append({
            'comment': comment,
            'flags': ['PyJWT'],
            'input': {'key': f'keys/{key_name}', 'header': b64u_decode(st['headerB64']).decode(), 'payload': b64u_decode(st['payloadB64']).decode()},
            'stages': st,
            'output': {'token': token},
            'result': 'valid',
        })
    openssl_tests = []
    for comment, header, payload in [
        ('header with spaces and CRLF payload, signed by the openssl CLI', '{"alg": "RS256"}', '{"iss":"joe",\r\n "exp":1300819380}'),
        ('payload that is not JSON (a JWS, not a JWT)', '{"alg":"RS256"}', 'hello'),
        ('empty payload', '{"alg":"RS256","typ":"JWT"}', ''),
    ]:
        token = sign_raw(K2048, header, payload)
        openssl_tests.append({
            'comment': comment,
            'flags': ['OpenSSL'],
            'input': {'key': f'keys/{K2048}', 'header': header, 'payload': payload},
            'stages': stages_of(token),
            'output': {'token': token},
            'result': 'valid',
        })

    # ---- verification ----
    verify_tests = []

    def add(comment, token, result, error=None, options=None, flags=(), pyjwt=True):
        options = dict(options or {})
        options.setdefault('now', NOW)
        t = {'comment': comment, 'flags': list(flags), 'input': {'token': token, 'key': f'keys/{PUB2048}', 'options': options}, 'stages': stages_of(token) if token.count('.') == 2 else {}, 'result': result}
        if error:
            t['error'] = error
        if pyjwt:
            got = pyjwt_outcome(token, pub2048, options)
            want = 'valid' if result == 'valid' else error
            if got != want and not (got.startswith('rejected:') and result == 'invalid'):
                raise SystemExit(f'PyJWT disagrees on {comment!r}: PyJWT {got}, vector {want}')
            t['flags'].append('PyJWT-agrees')
        verify_tests.append(t)

    good = jwt.encode({'sub': 'c', 'iss': 'https://billing.example.com', 'aud': 'api', 'iat': NOW - 10, 'exp': NOW + 600}, k2048, algorithm='RS256')
    add('valid token with iss and aud checked', good, 'valid', options={'issuer': 'https://billing.example.com', 'audience': 'api'})
    add('expired (exp == now)', jwt.encode({'exp': NOW}, k2048, algorithm='RS256'), 'invalid', 'JWT_EXPIRED')
    add('expired 5 s ago, tolerance 10 s', jwt.encode({'exp': NOW - 5}, k2048, algorithm='RS256'), 'valid', options={'clockTolerance': 10})
    add('not yet valid (nbf in 60 s)', jwt.encode({'nbf': NOW + 60}, k2048, algorithm='RS256'), 'invalid', 'JWT_NOT_YET_VALID')
    add('wrong issuer', good, 'invalid', 'CLAIM_INVALID', options={'issuer': 'https://evil.example'})
    add('wrong audience', good, 'invalid', 'CLAIM_INVALID', options={'audience': 'other'})
    add('signed with another key (the 4096-bit one)', jwt.encode({'sub': 'c'}, k4096, algorithm='RS256'), 'invalid', 'SIGNATURE_INVALID')
    add('alg none (PyJWT algorithm="none")', jwt.encode({'sub': 'admin'}, None, algorithm='none'), 'invalid', 'ALG_NOT_ALLOWED')

    # Key confusion: HS256 with the SPKI PEM as the HMAC secret (PyJWT refuses to make it, so hmac does).
    si = b64u(b'{"alg":"HS256","typ":"JWT"}') + '.' + b64u(b'{"sub":"admin"}')
    hs = f'{si}.{b64u(hmac.new(pub2048, si.encode(), hashlib.sha256).digest())}'
    add('HS256 MACed with the public key PEM (alg confusion)', hs, 'invalid', 'ALG_NOT_ALLOWED')
    si2 = b64u(b'{"alg":"RS256"}') + '.' + b64u(b'{"sub":"admin"}')
    add('RS256 header, HMAC-SHA256 signature with the public key PEM', f'{si2}.{b64u(hmac.new(pub2048, si2.encode(), hashlib.sha256).digest())}', 'invalid', 'SIGNATURE_INVALID')

    pss_si = b64u(b'{"alg":"PS256"}') + '.' + b64u(b'{}')
    pss = priv2048.sign(pss_si.encode(), padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32), hashes.SHA256())
    add('PS256 token under the same RSA key', pss_si + '.' + b64u(pss), 'invalid', 'ALG_NOT_ALLOWED')

    h, p, s = good.split('.')
    add('padding on the signature', f'{h}.{p}.{s}==', 'invalid', 'JWT_MALFORMED', options={'issuer': 'https://billing.example.com', 'audience': 'api'}, pyjwt=False)
    add('"+" and "/" (base64, not base64url) in the signature', f'{h}.{p}.{s.replace("-", "+").replace("_", "/")}' if ('-' in s or '_' in s) else f'{h}.{p}.{s}+', 'invalid', 'JWT_MALFORMED', pyjwt=False)
    add('whitespace in the payload part', f'{h}.{p[:5]} {p[5:]}.{s}', 'invalid', 'JWT_MALFORMED', pyjwt=False)
    # The signature (256 bytes) is 342 characters; the last one carries 4 spare bits.
    alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
    flipped = s[:-1] + alphabet[alphabet.index(s[-1]) ^ 1]
    add('non-zero trailing bits in the signature', f'{h}.{p}.{flipped}', 'invalid', 'JWT_MALFORMED', pyjwt=False)
    add('one byte of the signature changed', f'{h}.{p}.{b64u(bytes([b64u_decode(s)[0] ^ 1]) + b64u_decode(s)[1:])}', 'invalid', 'SIGNATURE_INVALID', options={'issuer': 'https://billing.example.com', 'audience': 'api'})

    add('duplicate "sub" in the claims (signed by openssl)', sign_raw(K2048, '{"alg":"RS256"}', '{"sub":"user","sub":"admin"}'), 'invalid', 'JWT_MALFORMED', pyjwt=False)
    add('duplicate "alg" in the header (signed by openssl)', sign_raw(K2048, '{"alg":"RS256","alg":"none"}', '{"sub":"user"}'), 'invalid', 'JWT_MALFORMED', pyjwt=False)
    add('claims are a JSON array', sign_raw(K2048, '{"alg":"RS256"}', '["sub"]'), 'invalid', 'JWT_MALFORMED')
    add('"exp" is a string', sign_raw(K2048, '{"alg":"RS256"}', json.dumps({'exp': str(NOW + 600)})), 'invalid', 'CLAIM_INVALID', pyjwt=False)
    add('"nbf" is a boolean', sign_raw(K2048, '{"alg":"RS256"}', '{"nbf":true}'), 'invalid', 'CLAIM_INVALID', pyjwt=False)
    add('unknown critical header parameter', sign_raw(K2048, '{"alg":"RS256","crit":["exp2"],"exp2":1}', '{}'), 'invalid', 'CRIT_UNSUPPORTED', pyjwt=False)
    add('__proto__ claim is plain data', sign_raw(K2048, '{"alg":"RS256"}', '{"__proto__":{"admin":true},"sub":"c"}'), 'valid')

    groups = [
        {'type': 'JwtRs256Sign', 'comment': 'PyJWT 2.6 jwt.encode(..., algorithm="RS256"): hostsig must produce the same token from the same header and payload text (PKCS#1 v1.5 is deterministic).', 'tests': sign_tests},
        {'type': 'JwtRs256Sign', 'comment': 'Compact JWS over exact texts, signature by `openssl dgst -sha256 -sign`.', 'tests': openssl_tests},
        {'type': 'JwtRs256Verify', 'comment': f'verifyJwt(token, key, options); options.now is {NOW} unless given. Expected results were checked against PyJWT decode where PyJWT has a matching rule (flag PyJWT-agrees).', 'tests': verify_tests},
    ]
    write('jwt-rs256.json', 'jwt-rs256', [
        'Keys are test keys from vectors/keys (see its README); key paths are relative to vectors/.',
        'JwtRs256Sign: input.header and input.payload are the exact UTF-8 texts that were base64url-encoded; output.token is the expected compact JWS.',
        'JwtRs256Verify: error is the HostsigErrorCode hostsig reports when result is invalid.',
    ], groups)


if __name__ == '__main__':
    main()
