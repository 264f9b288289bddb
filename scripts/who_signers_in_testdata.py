#!/usr/bin/env python3
"""Which QR texts of the test material are signed by a DSC of the real lists?

For every HC1 text in testdata/dgc-testdata, testdata/samples and (when present)
/work/shared/testdata/{who/hcert-samples/qr, qr-images/expect.tsv}: decode it (base45, zlib,
COSE_Sign1), look its kid up in WHO's production list and in the German list of 2023-11, verify
the signature with every certificate under that kid, and say whether a time exists at which the
certificate and its DSC are both valid (DSC validity overlaps [iat, exp], iat inside it).

    target/pyld-venv/bin/pip install cryptography cbor2
    target/pyld-venv/bin/python scripts/who_signers_in_testdata.py
"""

import base64
import datetime
import glob
import hashlib
import json
import os
import pathlib
import sys
import zlib

import cbor2
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils

ROOT = pathlib.Path(__file__).resolve().parent.parent
SHARED = pathlib.Path("/work/shared/testdata")
B45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"


def b45decode(text):
    out = bytearray()
    for i in range(0, len(text), 3):
        chunk = [B45.index(c) for c in text[i : i + 3]]
        if len(chunk) == 3:
            n = chunk[0] + chunk[1] * 45 + chunk[2] * 2025
            out += n.to_bytes(2, "big")
        else:
            out.append(chunk[0] + chunk[1] * 45)
    return bytes(out)


def lists():
    signers = {}
    who = json.loads((ROOT / "testdata/who/trustlists/prod/v2-trustlist.did.json").read_bytes())
    for entry in who["verificationMethod"]:
        if entry["keyusage"]["code"] != "#DSC":
            continue
        der = base64.b64decode(entry["publicKeyJwk"]["x5c"][0])
        signers.setdefault(hashlib.sha256(der).digest()[:8], []).append(("WHO prod", der))
    de = (ROOT / "testdata/trustlists/de-dsc-list.signed").read_bytes()
    document = json.loads(de[de.index(b"\n") + 1 :])
    for entry in document["certificates"]:
        der = base64.b64decode(entry["rawData"])
        signers.setdefault(hashlib.sha256(der).digest()[:8], []).append(("DE 2023-11", der))
    return signers


def qr_texts():
    for path in sorted(glob.glob(str(ROOT / "testdata/dgc-testdata/**/*.json"), recursive=True)):
        try:
            data = json.loads(pathlib.Path(path).read_bytes())
        except Exception:
            continue
        if isinstance(data, dict) and isinstance(data.get("PREFIX"), str):
            yield os.path.relpath(path, ROOT), data["PREFIX"]
    for path in sorted(glob.glob(str(ROOT / "testdata/samples/*.txt"))):
        yield os.path.relpath(path, ROOT), pathlib.Path(path).read_text().strip()
    for path in sorted(glob.glob(str(SHARED / "who/hcert-samples/qr/*.txt"))):
        yield "shared/" + os.path.relpath(path, SHARED), pathlib.Path(path).read_text().strip()
    tsv = SHARED / "qr-images/expect.tsv"
    if tsv.exists():
        for line in tsv.read_text().splitlines():
            name, _, text = line.partition("\t")
            if text.startswith("HC1:"):
                yield "shared/qr-images/" + name, text.strip()


def cose(text):
    body = text[4:] if text.startswith("HC1:") else text
    raw = b45decode(body)
    try:
        raw = zlib.decompress(raw)
    except zlib.error:
        pass
    message = cbor2.loads(raw)
    if isinstance(message, cbor2.CBORTag):
        message = message.value
    protected_bytes, unprotected, payload, signature = message
    protected = cbor2.loads(protected_bytes) if protected_bytes else {}
    kid = protected.get(4) or unprotected.get(4)
    alg = protected.get(1) or unprotected.get(1)
    sig_structure = cbor2.dumps(["Signature1", protected_bytes, b"", payload])
    claims = cbor2.loads(payload)
    return kid, alg, sig_structure, signature, claims


def verifies(der, alg, message, signature):
    key = x509.load_der_x509_certificate(der).public_key()
    try:
        if alg == -7 and isinstance(key, ec.EllipticCurvePublicKey):
            half = len(signature) // 2
            r, s = int.from_bytes(signature[:half], "big"), int.from_bytes(signature[half:], "big")
            key.verify(utils.encode_dss_signature(r, s), message, ec.ECDSA(hashes.SHA256()))
        elif alg == -37 and isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, message, padding.PSS(padding.MGF1(hashes.SHA256()), 32), hashes.SHA256())
        else:
            return False
        return True
    except InvalidSignature:
        return False


def main():
    signers = lists()
    found = 0
    for name, text in qr_texts():
        try:
            kid, alg, message, signature, claims = cose(text)
        except Exception:
            continue
        if not isinstance(kid, bytes):
            continue
        for source, der in signers.get(kid, []):
            if not verifies(der, alg, message, signature):
                print(f"{name}: kid {base64.b64encode(kid).decode()} in {source}, signature does NOT verify")
                continue
            cert = x509.load_der_x509_certificate(der)
            nb, na = cert.not_valid_before_utc.timestamp(), cert.not_valid_after_utc.timestamp()
            iat, exp = claims.get(6), claims.get(4)
            numbers = (int, float)
            valid = isinstance(iat, numbers) and isinstance(exp, numbers) and nb <= iat <= na and iat <= exp
            floats = " (iat/exp are CBOR floats, not integers)" if isinstance(iat, float) or isinstance(exp, float) else ""
            window = ""
            if valid:
                start = datetime.datetime.fromtimestamp(iat, datetime.timezone.utc)
                end = datetime.datetime.fromtimestamp(min(exp, na), datetime.timezone.utc)
                window = f", valid {start:%Y-%m-%dT%H:%M:%SZ} .. {end:%Y-%m-%dT%H:%M:%SZ}{floats}"
            found += 1
            print(
                f"{name}: kid {base64.b64encode(kid).decode()} in {source}, signature verifies, "
                f"DSC {cert.subject.rfc4514_string()[:60]} {cert.not_valid_before_utc:%Y-%m-%d}..{cert.not_valid_after_utc:%Y-%m-%d}"
                f"{window if valid else ', NEVER valid (iat outside the DSC validity or exp < iat)'}"
            )
    print(f"{found} signatures by a listed DSC")
    return 0


if __name__ == "__main__":
    sys.exit(main())
