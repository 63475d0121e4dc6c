"""Shared helpers for the vector generators (run with Debian's /usr/bin/python3)."""
import base64
import json
import os
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
VECTORS = os.path.dirname(HERE)
KEYS = os.path.join(VECTORS, 'keys')


def b64u(b: bytes) -> str:
    return base64.urlsafe_b64encode(b).rstrip(b'=').decode('ascii')


def b64u_decode(s: str) -> bytes:
    return base64.urlsafe_b64decode(s + '=' * (-len(s) % 4))


def key_path(name: str) -> str:
    return os.path.join(KEYS, name)


def read_key(name: str) -> bytes:
    with open(key_path(name), 'rb') as f:
        return f.read()


def openssl_sign(key_name: str, data: bytes) -> bytes:
    """RSASSA-PKCS1-v1_5 SHA-256 with the openssl CLI (independent of PyJWT and cryptography)."""
    return subprocess.run(['openssl', 'dgst', '-sha256', '-sign', key_path(key_name)], input=data, capture_output=True, check=True).stdout


def tool_versions() -> str:
    import cryptography
    import jwt
    import sys
    ossl = subprocess.run(['openssl', 'version'], capture_output=True, text=True).stdout.strip()
    ssh = subprocess.run(['ssh', '-V'], capture_output=True, text=True).stderr.strip()
    return f'PyJWT {jwt.__version__} (Debian python3-jwt), cryptography {cryptography.__version__}, Python {sys.version.split()[0]}, {ossl}, {ssh}'


def write(file: str, scheme: str, notes, groups) -> None:
    tc = 0
    for g in groups:
        for t in g['tests']:
            tc += 1
            t['tcId'] = tc
            # tcId first for readability
            items = list(t.items())
            t.clear()
            t['tcId'] = tc
            for k, v in items:
                if k != 'tcId':
                    t[k] = v
    doc = {
        '$schema': './schema/vectors.schema.json',
        'scheme': scheme,
        'schemaVersion': 1,
        'generator': f'vectors/gen/{os.path.basename(file).replace("-", "_").replace(".json", ".py")} with ' + tool_versions(),
        'numberOfTests': tc,
        'notes': notes,
        'testGroups': groups,
    }
    with open(os.path.join(VECTORS, file), 'w', encoding='utf-8') as f:
        json.dump(doc, f, indent=2, ensure_ascii=False)
        f.write('\n')
    print(f'{file}: {tc} tests')
