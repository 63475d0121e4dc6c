#!/bin/sh
# Generates the TEST-ONLY keys in vectors/keys/ with OpenSSL and ssh-keygen.
# Run from the repo root: sh vectors/gen/keys.sh  (overwrites the keys; vectors must then be
# regenerated with vectors/gen/jwt_rs256.py and vectors/gen/hostbill.py).
set -eu
cd "$(dirname "$0")/../keys"
openssl version > TOOLS.txt
ssh -V 2>> TOOLS.txt || true

# 2048-bit key: PKCS#1 (traditional) and PKCS#8 private, SPKI and PKCS#1 public, PEM and DER.
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rsa2048.pkcs8.pem
openssl pkey -in rsa2048.pkcs8.pem -traditional -out rsa2048.pkcs1.pem
openssl pkey -in rsa2048.pkcs8.pem -outform DER -out rsa2048.pkcs8.der
openssl rsa -in rsa2048.pkcs8.pem -outform DER -traditional -out rsa2048.pkcs1.der 2>/dev/null
openssl pkey -in rsa2048.pkcs8.pem -pubout -out rsa2048.spki.pem
openssl pkey -in rsa2048.pkcs8.pem -pubout -outform DER -out rsa2048.spki.der
openssl rsa -in rsa2048.pkcs8.pem -RSAPublicKey_out -out rsa2048.pkcs1pub.pem 2>/dev/null
openssl rsa -in rsa2048.pkcs8.pem -RSAPublicKey_out -outform DER -out rsa2048.pkcs1pub.der 2>/dev/null
ssh-keygen -y -f rsa2048.pkcs1.pem > rsa2048.ssh.pub

# The HostBill way: ssh-keygen -t rsa -b 4096 -m PEM (PKCS#1 "BEGIN RSA PRIVATE KEY").
rm -f hostbill4096.key hostbill4096.key.pub
ssh-keygen -t rsa -b 4096 -m PEM -f hostbill4096.key -q -N "" -C "hostbill-test@example.invalid"
openssl pkey -in hostbill4096.key -pubout -out hostbill4096.spki.pem

# 3072-bit key, e = 3 (odd and >= 3: accepted).
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:3072 -pkeyopt rsa_keygen_pubexp:3 -out rsa3072e3.pkcs8.pem

# Keys that must be refused.
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out bad-rsa1024.pem
openssl rsa -in rsa2048.pkcs8.pem -aes128 -passout pass:test -traditional -out bad-encrypted-pkcs1.pem 2>/dev/null
openssl pkcs8 -topk8 -in rsa2048.pkcs8.pem -passout pass:test -out bad-encrypted-pkcs8.pem
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out bad-ec.pem
openssl pkey -in bad-ec.pem -pubout -out bad-ec.spki.pem
openssl genpkey -algorithm ED25519 -out bad-ed25519.pem
openssl genpkey -algorithm RSA-PSS -pkeyopt rsa_keygen_bits:2048 -out bad-rsapss.pem
rm -f bad-openssh bad-openssh.pub bad-ed25519-ssh bad-ed25519-ssh.pub
ssh-keygen -t rsa -b 2048 -f bad-openssh -q -N "" -C "openssh-format@example.invalid"
ssh-keygen -t ed25519 -f bad-ed25519-ssh -q -N "" -C "ed25519@example.invalid"
rm -f bad-openssh.pub bad-ed25519-ssh
