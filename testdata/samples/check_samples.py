#!/usr/bin/env python3
"""Independent check of the samples made by make_samples.py (it imports nothing from it).

For every QR text: base45 → zlib → COSE_Sign1 → CWT; checks the HCERT structure, compares the DCC
with <name>.json, verifies the signature against the DSC found by kid in trust-list.json (or, for
the unlisted signer, in pki/), applies the verifier checks at 2026-06-01T00:00:00Z and compares the
failures found with the ones README.md promises. Also checks the trust list and the DSC chain.

Usage: python3 check_samples.py   (deps: requirements.txt); exit code 1 on any mismatch.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import sys
import unicodedata
import zlib
from pathlib import Path

import cbor2
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils
from cryptography.x509.oid import ExtensionOID, NameOID

HERE = Path(__file__).resolve().parent
NOW = dt.datetime(2026, 6, 1, tzinfo=dt.timezone.utc)

# What README.md says a verifier must answer, as the set of checks that fail.
EXPECTED = {
    "vn-vaccination-es256": set(),
    "vn-vaccination-ps256": set(),
    "vn-test-es256": set(),
    "vn-recovery-es256": set(),
    "vn-vaccination-expired": {"CWT_EXPIRED"},
    "vn-vaccination-unknown-signer": {"KID_NOT_IN_TRUST_LIST"},
    "vn-vaccination-test-only-dsc": {"KEY_USAGE"},
    "vn-vaccination-dsc-expired": {"IAT_OUTSIDE_DSC_VALIDITY", "EXP_AFTER_DSC_VALIDITY"},
    "vn-vaccination-dsc-not-yet-valid": {"IAT_OUTSIDE_DSC_VALIDITY"},
    "vn-vaccination-rsa1024": {"WEAK_KEY"},
    "vn-vaccination-es384": {"UNSUPPORTED_ALG"},
    "vn-vaccination-es256-de-dsc": {"ISSUER_COUNTRY_MISMATCH"},
    "vn-vaccination-tampered": {"BAD_SIGNATURE"},
}

EKU_FOR_TYPE = {"t": "1.3.6.1.4.1.1847.2021.1.1", "v": "1.3.6.1.4.1.1847.2021.1.2", "r": "1.3.6.1.4.1.1847.2021.1.3"}
B45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"


def base45_decode(text: str) -> bytes:
    values = [B45.index(c) for c in text]
    out = bytearray()
    for i in range(0, len(values), 3):
        chunk = values[i : i + 3]
        n = sum(v * 45**k for k, v in enumerate(chunk))
        if len(chunk) == 3:
            if n > 0xFFFF:
                raise ValueError("base45 triple out of range")
            out += n.to_bytes(2, "big")
        elif len(chunk) == 2 and n <= 0xFF:
            out.append(n)
        else:
            raise ValueError("bad base45 length or pair")
    return bytes(out)


def der(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.DER)


def country(cert: x509.Certificate) -> str:
    return cert.subject.get_attributes_for_oid(NameOID.COUNTRY_NAME)[0].value


def signature_ok(cert: x509.Certificate, alg: int, message: bytes, signature: bytes) -> bool:
    key = cert.public_key()
    try:
        if alg in (-7, -35) and isinstance(key, ec.EllipticCurvePublicKey):
            size = (key.curve.key_size + 7) // 8
            if len(signature) != 2 * size:
                return False
            r, s = int.from_bytes(signature[:size], "big"), int.from_bytes(signature[size:], "big")
            digest = hashes.SHA256() if alg == -7 else hashes.SHA384()
            key.verify(utils.encode_dss_signature(r, s), message, ec.ECDSA(digest))
            return True
        if alg == -37 and isinstance(key, rsa.RSAPublicKey):
            pss = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32)
            key.verify(signature, message, pss, hashes.SHA256())
            return True
    except InvalidSignature:
        return False
    return False


def algorithm_failures(cert: x509.Certificate, alg: int) -> set[str]:
    key = cert.public_key()
    if alg == -7:  # ES256: ECDSA on P-256
        ok = isinstance(key, ec.EllipticCurvePublicKey) and isinstance(key.curve, ec.SECP256R1)
        return set() if ok else {"KEY_ALG_MISMATCH"}
    if alg == -37:  # PS256: RSA, at least 2048 bits
        if not isinstance(key, rsa.RSAPublicKey):
            return {"KEY_ALG_MISMATCH"}
        return set() if key.key_size >= 2048 else {"WEAK_KEY"}
    return {"UNSUPPORTED_ALG"}


def key_usage_allows(cert: x509.Certificate, dcc: dict) -> bool:
    try:
        eku = cert.extensions.get_extension_for_oid(ExtensionOID.EXTENDED_KEY_USAGE).value
    except x509.ExtensionNotFound:
        return True  # no EKU: may sign every type
    oids = {o.dotted_string for o in eku}
    if not oids & set(EKU_FOR_TYPE.values()):
        return True
    return all(EKU_FOR_TYPE[t] in oids for t in EKU_FOR_TYPE if t in dcc)


def check_structure(sign1: cbor2.CBORTag, claims: dict, compressed: bytes, cert: x509.Certificate | None) -> list[str]:
    problems = []
    if compressed[:2] != b"\x78\xda":
        problems.append("zlib header is not level 9")
    if sign1.tag != 18 or len(sign1.value) != 4:
        return problems + ["not a tagged COSE_Sign1"]
    protected_raw, unprotected, _, signature = sign1.value
    protected = cbor2.loads(protected_raw)
    if set(protected) != {1, 4} or unprotected != {}:
        problems.append(f"headers: protected {sorted(protected)}, unprotected {unprotected}")
    if cert is not None and protected[4] != hashlib.sha256(der(cert)).digest()[:8]:
        problems.append("kid is not SHA-256(DSC DER)[:8]")
    expected_len = {-7: 64, -35: 96}.get(protected[1])
    if expected_len and len(signature) != expected_len:
        problems.append(f"ECDSA signature is {len(signature)} bytes, not raw r||s")
    if set(claims) != {1, 4, 6, -260} or not all(isinstance(claims[k], int) for k in (4, 6)):
        problems.append(f"CWT claims {sorted(claims)}")
    return problems


def check_sample(name: str, trusted: dict[bytes, x509.Certificate], unlisted: dict[bytes, x509.Certificate]) -> tuple[bool, str]:
    text = (HERE / f"{name}.txt").read_text(encoding="ascii").strip()
    if not text.startswith("HC1:") or "\n" in text:
        return False, "not a single HC1: line"
    compressed = base45_decode(text[4:])
    sign1 = cbor2.loads(zlib.decompress(compressed))
    protected_raw, _, payload, signature = sign1.value
    protected = cbor2.loads(protected_raw)
    alg, kid = protected[1], protected[4]
    claims = cbor2.loads(payload)
    dcc = claims[-260][1]

    notes = []
    if dcc != json.loads((HERE / f"{name}.json").read_text(encoding="utf-8")):
        notes.append("payload differs from .json")
    for part in ("fn", "gn"):
        value = dcc["nam"].get(part, "")
        if value != unicodedata.normalize("NFC", value):
            notes.append(f"nam.{part} is not NFC")

    cert = trusted.get(kid) or unlisted.get(kid)
    notes += check_structure(sign1, claims, compressed, cert)
    if cert is None:
        return False, "; ".join(notes + ["signer found nowhere"])

    failures = set()
    if kid not in trusted:
        failures.add("KID_NOT_IN_TRUST_LIST")
    failures |= algorithm_failures(cert, alg)
    sig_structure = cbor2.dumps(["Signature1", protected_raw, b"", payload])
    signed = signature_ok(cert, alg, sig_structure, signature)
    if not signed:
        failures.add("BAD_SIGNATURE")
    iat = dt.datetime.fromtimestamp(claims[6], dt.timezone.utc)
    exp = dt.datetime.fromtimestamp(claims[4], dt.timezone.utc)
    if not cert.not_valid_before_utc <= iat <= cert.not_valid_after_utc:
        failures.add("IAT_OUTSIDE_DSC_VALIDITY")
    if exp > cert.not_valid_after_utc:
        failures.add("EXP_AFTER_DSC_VALIDITY")
    if not key_usage_allows(cert, dcc):
        failures.add("KEY_USAGE")
    if claims[1] != country(cert):
        failures.add("ISSUER_COUNTRY_MISMATCH")
    if NOW >= exp:
        failures.add("CWT_EXPIRED")
    if iat > NOW:
        failures.add("CWT_ISSUED_IN_FUTURE")

    expected = EXPECTED[name]
    verdict = "valid" if not failures else "invalid: " + ", ".join(sorted(failures))
    detail = (
        f"alg {alg}, kid {base64.b64encode(kid).decode()}, signature {'verifies' if signed else 'FAILS'}"
        f" against {'pki/ (not trust-listed)' if kid not in trusted else 'trust list'} -> {verdict}"
    )
    ok = failures == expected and not notes
    if failures != expected:
        notes.append(f"expected {sorted(expected) or 'valid'}")
    return ok, "; ".join([detail] + notes)


def load_trust_list() -> tuple[dict[bytes, x509.Certificate], list[str]]:
    problems, trusted = [], {}
    for entry in json.loads((HERE / "trust-list.json").read_text())["certificates"]:
        raw = base64.b64decode(entry["rawData"])
        cert = x509.load_der_x509_certificate(raw)
        kid = base64.b64decode(entry["kid"])
        if kid != hashlib.sha256(raw).digest()[:8] or entry["thumbprint"] != hashlib.sha256(raw).hexdigest():
            problems.append(f"kid/thumbprint wrong for {cert.subject.rfc4514_string()}")
        if entry["country"] != country(cert) or entry["certificateType"] != "DSC":
            problems.append(f"country/type wrong for {cert.subject.rfc4514_string()}")
        trusted[kid] = cert
    return trusted, problems


def check_pki(trusted: dict[bytes, x509.Certificate]) -> tuple[dict[bytes, x509.Certificate], list[str]]:
    """Every DSC is signed by the CSCA of its country, matches its key file, has its kid in README.md;
    all but dsc-vn-unlisted are trust-listed."""
    pki = HERE / "pki"
    cscas = {country(c): c for c in (x509.load_der_x509_certificate(p.read_bytes()) for p in pki.glob("csca-*.crt.der"))}
    readme = (HERE / "README.md").read_text(encoding="utf-8")
    problems, unlisted, lines = [], {}, []
    for path in sorted(pki.glob("dsc-*.crt.der")):
        cert = x509.load_der_x509_certificate(path.read_bytes())
        name = path.name.removesuffix(".crt.der")
        csca = cscas[country(cert)]
        try:
            cert.verify_directly_issued_by(csca)
        except (ValueError, TypeError, InvalidSignature) as error:
            problems.append(f"{name} not issued by CSCA {country(cert)}: {error}")
        key = serialization.load_pem_private_key((pki / f"{name}.TEST-ONLY.key.pem").read_bytes(), None)
        if key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo) != cert.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo):
            problems.append(f"{name}: key file does not match certificate")
        kid = hashlib.sha256(der(cert)).digest()[:8]
        if f"`{base64.b64encode(kid).decode()}`" not in readme:
            problems.append(f"{name}: README.md does not show its kid")
        listed = kid in trusted
        if listed == (name == "dsc-vn-unlisted"):
            problems.append(f"{name}: trust-listed is {listed}")
        if not listed:
            unlisted[kid] = cert
        lines.append(f"  {name:22} kid {base64.b64encode(kid).decode()}  {'listed' if listed else 'NOT listed'}")
    print("DSCs (chain to their CSCA checked):")
    print("\n".join(lines))
    return unlisted, problems


def main() -> int:
    trusted, problems = load_trust_list()
    unlisted, pki_problems = check_pki(trusted)
    problems += pki_problems
    passed = failed = 0
    names = sorted(p.stem for p in HERE.glob("*.txt") if p.stem != "requirements")
    if set(names) != set(EXPECTED):
        problems.append(f"samples on disk {sorted(set(names) ^ set(EXPECTED))} differ from EXPECTED")
    print(f"Samples at {NOW.isoformat()}:")
    for name in names:
        if name not in EXPECTED:
            continue
        ok, detail = check_sample(name, trusted, unlisted)
        passed, failed = passed + ok, failed + (not ok)
        print(f"  {'PASS' if ok else 'FAIL'} {name}: {detail}")
    for problem in problems:
        print(f"  FAIL {problem}")
    failed += len(problems)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
