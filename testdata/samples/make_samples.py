#!/usr/bin/env python3
"""Make the dcc-verify sample certificates (HC1 QR texts), their test PKI and trust list.

ALL KEYS MADE HERE ARE TEST KEYS: they are published in this repository and must never be
trusted by anything but tests.

Re-runnable: a key or certificate that already exists under pki/ is reused (and checked against
what this script would make), so kids and the trust list stay stable; delete pki/<name>.* to make
that one anew. The QR texts, their .json payloads and trust-list.json are rewritten every run.
ECDSA signatures are deterministic (RFC 6979), so ES256 QR texts are byte-stable across runs;
PS256 ones are not (PSS draws a random salt).

Usage: python3 make_samples.py   (deps: requirements.txt)
"""

from __future__ import annotations

import base64
import copy
import datetime as dt
import hashlib
import json
import unicodedata
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import cbor2
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils
from cryptography.x509.oid import NameOID

HERE = Path(__file__).resolve().parent
PKI = HERE / "pki"


def utc(year: int, month: int = 1, day: int = 1) -> dt.datetime:
    return dt.datetime(year, month, day, tzinfo=dt.timezone.utc)


# ---------------------------------------------------------------------------------------------
# Base45 (RFC 9285): every 2 bytes become 3 characters (c + 45 d + 45² e = n), a last odd byte 2.

BASE45_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"


def base45_encode(data: bytes) -> str:
    out = []
    for i in range(0, len(data) - 1, 2):
        n = data[i] * 256 + data[i + 1]
        n, c = divmod(n, 45)
        e, d = divmod(n, 45)
        out += [BASE45_ALPHABET[c], BASE45_ALPHABET[d], BASE45_ALPHABET[e]]
    if len(data) % 2:
        d, c = divmod(data[-1], 45)
        out += [BASE45_ALPHABET[c], BASE45_ALPHABET[d]]
    return "".join(out)


# ---------------------------------------------------------------------------------------------
# COSE_Sign1 (RFC 9052) with the HCERT profile: tag 18, protected {1: alg, 4: kid}, unprotected {}.

ES256, ES384, PS256 = -7, -35, -37


def cose_signature(key, alg: int, to_be_signed: bytes) -> bytes:
    if alg in (ES256, ES384):
        digest = hashes.SHA256() if alg == ES256 else hashes.SHA384()
        der = key.sign(to_be_signed, ec.ECDSA(digest, deterministic_signing=True))
        r, s = utils.decode_dss_signature(der)
        size = (key.curve.key_size + 7) // 8
        # COSE wants the fixed-size r‖s, not the DER SEQUENCE X.509 uses.
        return r.to_bytes(size, "big") + s.to_bytes(size, "big")
    if alg == PS256:
        pss = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32)
        return key.sign(to_be_signed, pss, hashes.SHA256())
    raise ValueError(f"unsupported alg {alg}")


def cose_sign1(payload: bytes, key, alg: int, kid: bytes) -> list:
    """Returns [protected, unprotected, payload, signature], still unencoded."""
    protected = cbor2.dumps({1: alg, 4: kid})
    sig_structure = cbor2.dumps(["Signature1", protected, b"", payload])
    return [protected, {}, payload, cose_signature(key, alg, sig_structure)]


def cose_encode(sign1: list) -> bytes:
    return cbor2.dumps(cbor2.CBORTag(18, sign1))


def cwt_claims(iss: str, iat: dt.datetime, exp: dt.datetime, dcc: dict) -> bytes:
    return cbor2.dumps({1: iss, 4: int(exp.timestamp()), 6: int(iat.timestamp()), -260: {1: dcc}})


def hc1_text(cose: bytes) -> str:
    return "HC1:" + base45_encode(zlib.compress(cose, 9))


# ---------------------------------------------------------------------------------------------
# Test PKI

DCC_EKU = {
    "test": x509.ObjectIdentifier("1.3.6.1.4.1.1847.2021.1.1"),
    "vaccination": x509.ObjectIdentifier("1.3.6.1.4.1.1847.2021.1.2"),
    "recovery": x509.ObjectIdentifier("1.3.6.1.4.1.1847.2021.1.3"),
}
ALL_TYPES = ("test", "vaccination", "recovery")


@dataclass(frozen=True)
class Party:
    name: str  # file stem under pki/
    key_type: str  # "p256" | "p384" | "rsa2048" | "rsa1024"
    country: str
    not_before: dt.datetime
    not_after: dt.datetime
    issuer: str | None = None  # CSCA name; None = self-signed CSCA
    eku: tuple[str, ...] | None = None  # None = no EKU extension (may sign every type)
    listed: bool = True  # in trust-list.json

    @property
    def subject(self) -> x509.Name:
        return x509.Name(
            [
                x509.NameAttribute(NameOID.COUNTRY_NAME, self.country),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, "dcc-verify TEST ONLY"),
                x509.NameAttribute(NameOID.COMMON_NAME, common_name(self)),
            ]
        )


def common_name(party: Party) -> str:
    if party.issuer is None:
        return f"dcc-verify TEST CSCA {party.country}"
    return f"dcc-verify TEST DSC {party.name}"


VALID = (utc(2021), utc(2041))
CSCAS = [
    Party("csca-vn", "p256", "VN", utc(2019), utc(2046)),
    Party("csca-de", "p256", "DE", utc(2019), utc(2046)),
]
DSCS = [
    Party("dsc-vn-es256", "p256", "VN", *VALID, issuer="csca-vn", eku=ALL_TYPES),
    Party("dsc-vn-ps256", "rsa2048", "VN", *VALID, issuer="csca-vn"),
    Party("dsc-vn-test-only", "p256", "VN", *VALID, issuer="csca-vn", eku=("test",)),
    Party("dsc-vn-expired", "p256", "VN", utc(2020), utc(2021), issuer="csca-vn", eku=ALL_TYPES),
    Party("dsc-vn-not-yet-valid", "p256", "VN", utc(2035), utc(2040), issuer="csca-vn", eku=ALL_TYPES),
    Party("dsc-vn-rsa1024", "rsa1024", "VN", *VALID, issuer="csca-vn"),
    Party("dsc-vn-p384", "p384", "VN", *VALID, issuer="csca-vn", eku=ALL_TYPES),
    Party("dsc-vn-unlisted", "p256", "VN", *VALID, issuer="csca-vn", eku=ALL_TYPES, listed=False),
    Party("dsc-de-es256", "p256", "DE", *VALID, issuer="csca-de", eku=ALL_TYPES),
]


def key_path(name: str) -> Path:
    return PKI / f"{name}.TEST-ONLY.key.pem"


def new_key(key_type: str):
    if key_type == "p256":
        return ec.generate_private_key(ec.SECP256R1())
    if key_type == "p384":
        return ec.generate_private_key(ec.SECP384R1())
    if key_type in ("rsa2048", "rsa1024"):
        return rsa.generate_private_key(public_exponent=65537, key_size=int(key_type[3:]))
    raise ValueError(key_type)


def key_matches(key, key_type: str) -> bool:
    if key_type in ("p256", "p384"):
        curve = ec.SECP256R1 if key_type == "p256" else ec.SECP384R1
        return isinstance(key, ec.EllipticCurvePrivateKey) and isinstance(key.curve, curve)
    return isinstance(key, rsa.RSAPrivateKey) and key.key_size == int(key_type[3:])


def load_or_make_key(party: Party):
    path = key_path(party.name)
    if path.exists():
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not key_matches(key, party.key_type):
            raise SystemExit(f"{path.name} is not a {party.key_type} key; delete it to regenerate")
        return key
    key = new_key(party.key_type)
    # PKCS#8 unencrypted; for EC keys the inner ECPrivateKey carries the public key too.
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return key


def public_der(key) -> bytes:
    return key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def make_certificate(party: Party, key, issuer: Party | None, issuer_key, issuer_cert) -> x509.Certificate:
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    builder = (
        x509.CertificateBuilder()
        .subject_name(party.subject)
        .issuer_name(issuer.subject if issuer else party.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(party.not_before)
        .not_valid_after(party.not_after)
        .add_extension(ski, critical=False)
    )
    if issuer is None:  # CSCA
        builder = builder.add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        builder = builder.add_extension(key_usage(cert_sign=True), critical=True)
        return builder.sign(key, hashes.SHA256())
    aki = x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_cert.public_key())
    builder = builder.add_extension(aki, critical=False)
    builder = builder.add_extension(key_usage(cert_sign=False), critical=True)
    if party.eku is not None:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([DCC_EKU[t] for t in party.eku]), critical=False
        )
    return builder.sign(issuer_key, hashes.SHA256())


def key_usage(cert_sign: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not cert_sign,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=cert_sign,
        crl_sign=cert_sign,
        encipher_only=False,
        decipher_only=False,
    )


def load_or_make_certificate(party: Party, key, issuer: Party | None, issuer_key, issuer_cert):
    der_path = PKI / f"{party.name}.crt.der"
    if der_path.exists():
        cert = x509.load_der_x509_certificate(der_path.read_bytes())
        expected = (party.subject, party.not_before, party.not_after, public_der(key))
        actual = (
            cert.subject,
            cert.not_valid_before_utc,
            cert.not_valid_after_utc,
            cert.public_key().public_bytes(
                serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
            ),
        )
        if actual != expected:
            raise SystemExit(f"{der_path.name} differs from its definition; delete pki/{party.name}.* to regenerate")
    else:
        cert = make_certificate(party, key, issuer, issuer_key, issuer_cert)
        der_path.write_bytes(cert.public_bytes(serialization.Encoding.DER))
    (PKI / f"{party.name}.crt.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return cert


def make_pki() -> dict[str, tuple[Party, object, x509.Certificate]]:
    PKI.mkdir(exist_ok=True)
    made: dict[str, tuple[Party, object, x509.Certificate]] = {}
    for party in CSCAS + DSCS:
        key = load_or_make_key(party)
        issuer, issuer_key, issuer_cert = (None, None, None)
        if party.issuer:
            issuer, issuer_key, issuer_cert = made[party.issuer]
        cert = load_or_make_certificate(party, key, issuer, issuer_key, issuer_cert)
        made[party.name] = (party, key, cert)
    return made


def kid_of(cert: x509.Certificate) -> bytes:
    return hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).digest()[:8]


TRUST_LIST_TIMESTAMP = "2026-03-01T00:00:00Z"


def trust_list(pki) -> dict:
    entries = []
    for party in DSCS:
        if not party.listed:
            continue
        _, _, cert = pki[party.name]
        der = cert.public_bytes(serialization.Encoding.DER)
        country = cert.subject.get_attributes_for_oid(NameOID.COUNTRY_NAME)[0].value
        entries.append(
            {
                "certificateType": "DSC",
                "country": country,
                "kid": base64.b64encode(kid_of(cert)).decode(),
                "rawData": base64.b64encode(der).decode(),
                "signature": "",
                "thumbprint": hashlib.sha256(der).hexdigest(),
                "timestamp": TRUST_LIST_TIMESTAMP,
            }
        )
    return {"certificates": entries}


# ---------------------------------------------------------------------------------------------
# DCC payloads (schema 1.3.0)

ISSUER = "Ministry of Health of Viet Nam"
ISSUED_AT, EXPIRES = utc(2026, 3, 1), utc(2036, 3, 1)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def luhn_mod_n(text: str) -> str:
    """UVCI check character (Luhn mod N over the UVCI charset, see the DCC schema FAQ)."""
    charset = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/:"
    n, factor, total = len(charset), 2, 0
    for char in reversed(text):
        addend = factor * charset.index(char)
        factor = 1 if factor == 2 else 2
        total += addend // n + addend % n
    return charset[(n - total % n) % n]


def uvci(body: str) -> str:
    text = f"URN:UVCI:01:VN:{body}"
    return f"{text}#{luhn_mod_n(text)}"


def vaccination(dt_: str, ci_body: str) -> dict:
    return {
        "ver": "1.3.0",
        "nam": {"fn": nfc("Nguyễn"), "fnt": "NGUYEN", "gn": nfc("Thị Minh Khai"), "gnt": "THI<MINH<KHAI"},
        "dob": "1985-03-12",
        "v": [
            {
                "tg": "840539006",
                "vp": "J07BX03",
                "mp": "EU/1/20/1528",
                "ma": "ORG-100030215",
                "dn": 2,
                "sd": 2,
                "dt": dt_,
                "co": "VN",
                "is": ISSUER,
                "ci": uvci(ci_body),
            }
        ],
    }


VACCINATION = vaccination("2026-02-10", "MOH/V2026/0210/48213")
VACCINATION_2021 = vaccination("2021-09-20", "MOH/V2021/0920/17342")

TEST = {
    "ver": "1.3.0",
    "nam": {"fn": nfc("Trần"), "fnt": "TRAN", "gn": nfc("Văn An"), "gnt": "VAN<AN"},
    "dob": "1990-07",
    "t": [
        {
            "tg": "840539006",
            "tt": "LP217198-3",
            "ma": "1232",
            "sc": "2026-03-01T08:30:00Z",
            "tr": "260415000",
            "tc": nfc("Bệnh viện Bạch Mai, Hà Nội"),
            "co": "VN",
            "is": ISSUER,
            "ci": uvci("MOH/T2026/0301/00931"),
        }
    ],
}

RECOVERY = {
    "ver": "1.3.0",
    "nam": {"fn": nfc("Lê"), "fnt": "LE", "gn": nfc("Thị Hồng"), "gnt": "THI<HONG"},
    "dob": "1979",
    "r": [
        {
            "tg": "840539006",
            "fr": "2026-02-14",
            "co": "VN",
            "is": ISSUER,
            "df": "2026-02-25",
            "du": "2026-08-13",
            "ci": uvci("MOH/R2026/0225/00577"),
        }
    ],
}

# The tampered sample flips one byte of the signed payload: "NGUYEN" becomes "NGUYEM".
TAMPER_FROM, TAMPER_TO = b"NGUYEN", b"NGUYEM"
VACCINATION_TAMPERED = copy.deepcopy(VACCINATION)
VACCINATION_TAMPERED["nam"]["fnt"] = TAMPER_TO.decode()


@dataclass(frozen=True)
class Sample:
    name: str
    signer: str
    alg: int
    signed_dcc: dict
    iat: dt.datetime = ISSUED_AT
    exp: dt.datetime = EXPIRES
    iss: str = "VN"
    decoded_dcc: dict | None = None  # what decoding gives back, if not signed_dcc (tampering)
    tamper: tuple[bytes, bytes] | None = field(default=None)


SAMPLES = [
    Sample("vn-vaccination-es256", "dsc-vn-es256", ES256, VACCINATION),
    Sample("vn-vaccination-ps256", "dsc-vn-ps256", PS256, VACCINATION),
    Sample("vn-test-es256", "dsc-vn-es256", ES256, TEST),
    Sample("vn-recovery-es256", "dsc-vn-es256", ES256, RECOVERY),
    Sample("vn-vaccination-expired", "dsc-vn-es256", ES256, VACCINATION_2021, iat=utc(2021, 10, 1), exp=utc(2022, 10, 1)),
    Sample("vn-vaccination-unknown-signer", "dsc-vn-unlisted", ES256, VACCINATION),
    Sample("vn-vaccination-test-only-dsc", "dsc-vn-test-only", ES256, VACCINATION),
    Sample("vn-vaccination-dsc-expired", "dsc-vn-expired", ES256, VACCINATION),
    Sample("vn-vaccination-dsc-not-yet-valid", "dsc-vn-not-yet-valid", ES256, VACCINATION),
    Sample("vn-vaccination-rsa1024", "dsc-vn-rsa1024", PS256, VACCINATION),
    Sample("vn-vaccination-es384", "dsc-vn-p384", ES384, VACCINATION),
    Sample("vn-vaccination-es256-de-dsc", "dsc-de-es256", ES256, VACCINATION),
    Sample(
        "vn-vaccination-tampered",
        "dsc-vn-es256",
        ES256,
        VACCINATION,
        decoded_dcc=VACCINATION_TAMPERED,
        tamper=(TAMPER_FROM, TAMPER_TO),
    ),
]


def make_sample(sample: Sample, pki) -> None:
    _, key, cert = pki[sample.signer]
    payload = cwt_claims(sample.iss, sample.iat, sample.exp, sample.signed_dcc)
    sign1 = cose_sign1(payload, key, sample.alg, kid_of(cert))
    if sample.tamper:
        old, new = sample.tamper
        if sign1[2].count(old) != 1:
            raise SystemExit(f"{sample.name}: {old!r} must occur exactly once in the payload")
        sign1[2] = sign1[2].replace(old, new)  # after signing: the signature no longer matches
    decoded = sample.decoded_dcc or sample.signed_dcc
    if cbor2.loads(sign1[2])[-260][1] != decoded:
        raise SystemExit(f"{sample.name}: payload does not decode to its .json")
    (HERE / f"{sample.name}.txt").write_text(hc1_text(cose_encode(sign1)) + "\n", encoding="ascii")
    (HERE / f"{sample.name}.json").write_text(
        json.dumps(decoded, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )


def main() -> None:
    pki = make_pki()
    for sample in SAMPLES:
        make_sample(sample, pki)
    (HERE / "trust-list.json").write_text(json.dumps(trust_list(pki), indent=2) + "\n", encoding="ascii")
    for party in DSCS:
        _, _, cert = pki[party.name]
        listed = "" if party.listed else "  (not in trust-list.json)"
        print(f"{party.name:22} kid {base64.b64encode(kid_of(cert)).decode()}{listed}")
    print(f"wrote {len(SAMPLES)} samples and trust-list.json to {HERE}")


if __name__ == "__main__":
    main()
