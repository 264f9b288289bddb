#!/bin/sh
# Regenerates the certificates of this directory (TEST keys only; see SOURCE.md).
set -eu
cd "$(dirname "$0")"
PKI=../samples/pki
make_cert() { # name extensions
  openssl ecparam -name prime256v1 -genkey -noout -out "$1.TEST-ONLY.key.pem"
  openssl req -new -key "$1.TEST-ONLY.key.pem" -subj "/C=VN/O=dcc-verify tests/CN=$1" -out "$1.csr"
  printf '%s\n' "$2" > "$1.ext"
  openssl x509 -req -in "$1.csr" -CA $PKI/csca-vn.crt.pem -CAkey $PKI/csca-vn.TEST-ONLY.key.pem \
    -set_serial 0x$(openssl rand -hex 8) -days 3650 -sha256 -extfile "$1.ext" -out "$1.crt.pem"
  openssl x509 -in "$1.crt.pem" -outform der -out "$1.crt.der"
  rm "$1.csr" "$1.ext" "$1.TEST-ONLY.key.pem" # only the certificates are needed
}
# A certificate authority that also claims digitalSignature: basicConstraints alone rules it out.
make_cert ca-with-digital-signature "basicConstraints=critical,CA:TRUE
keyUsage=critical,digitalSignature,keyCertSign,cRLSign"
# No CA, but a key usage without digitalSignature.
make_cert key-encipherment-only "basicConstraints=critical,CA:FALSE
keyUsage=critical,keyEncipherment"
# A document signer with both extensions, as real DSCs carry them (the control).
make_cert dsc-with-both-extensions "basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature"
