#!/usr/bin/env python3
"""Seeds the fuzz corpora (fuzz/corpus/<target>/) from the project's test data: every stage of
the EU conformance cases (testdata/dgc-testdata: PREFIX, BASE45, COMPRESSED, COSE, its CWT
payload, CBOR, CERTIFICATE), the samples (testdata/samples), and trust lists in every format
built from the real German list (testdata/trustlists), the sample list and the conformance
certificates; the signed ones are signed with the TEST-ONLY key the targets trust (see
fuzz_targets/trust_harness.rs). Standard library only (hence the small ECDSA and CBOR writers)."""

import base64
import hashlib
import json
import pathlib
import sys
import zlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = pathlib.Path(__file__).resolve().parent / "corpus"


def head(data, at):
    """A CBOR head at `at`: (major type, argument, offset after the head)."""
    initial = data[at]
    major, info = initial >> 5, initial & 0x1F
    if info < 24:
        return major, info, at + 1
    size = {24: 1, 25: 2, 26: 4, 27: 8}[info]
    return major, int.from_bytes(data[at + 1 : at + 1 + size], "big"), at + 1 + size


def skip(data, at):
    """Offset after the (definite-length) CBOR item at `at`."""
    major, arg, at = head(data, at)
    if major in (2, 3):
        return at + arg
    if major in (4, 5):
        for _ in range(arg * (2 if major == 5 else 1)):
            at = skip(data, at)
        return at
    if major == 6:
        return skip(data, at)
    return at


def cose_payload(cose):
    """The payload bstr of a COSE_Sign1 (tagged or not)."""
    at = 0
    while cose[at] >> 5 == 6:
        _, _, at = head(cose, at)
    _, _, at = head(cose, at)  # the array
    at = skip(cose, skip(cose, at))  # protected, unprotected
    major, length, at = head(cose, at)
    if major != 2:
        raise ValueError("payload is not a byte string")
    return cose[at : at + length]


BASE45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"


def base45_decode(text):
    out = bytearray()
    for i in range(0, len(text), 3):
        group = [BASE45.index(c) for c in text[i : i + 3]]
        value = sum(d * 45**k for k, d in enumerate(group))
        out += value.to_bytes(2 if len(group) == 3 else 1, "big")
    return bytes(out)


# The list-signing key of the fuzz targets (fuzz_targets/trust_harness.rs): TEST-ONLY.
TEST_KEY_PEM = ROOT / "testdata/samples/pki/dsc-vn-es256.TEST-ONLY.key.pem"
NOW = 1_780_272_000  # 2026-06-01T00:00:00Z, the targets' "now"
CACHE_MAGIC = b"dcc-verify trust-list cache 1\n"

# NIST P-256.
P = 2**256 - 2**224 + 2**192 + 2**96 - 1
N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
G = (
    0x6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296,
    0x4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5,
)


def point_add(a, b):
    if a is None:
        return b
    if b is None:
        return a
    if a[0] == b[0] and (a[1] + b[1]) % P == 0:
        return None
    if a == b:
        slope = (3 * a[0] * a[0] - 3) * pow(2 * a[1], -1, P) % P
    else:
        slope = (b[1] - a[1]) * pow(b[0] - a[0], -1, P) % P
    x = (slope * slope - a[0] - b[0]) % P
    return x, (slope * (a[0] - x) - a[1]) % P


def point_mul(k, point):
    result = None
    while k:
        if k & 1:
            result = point_add(result, point)
        point = point_add(point, point)
        k >>= 1
    return result


def test_private_key():
    """The private scalar of the PKCS#8 TEST-ONLY key (ECPrivateKey: version 1, 32-byte key)."""
    body = "".join(l for l in TEST_KEY_PEM.read_text().splitlines() if not l.startswith("-----"))
    der = base64.b64decode(body)
    at = der.index(bytes([0x02, 0x01, 0x01, 0x04, 0x20])) + 5
    return int.from_bytes(der[at : at + 32], "big")


def sign(message):
    """Raw r||s ECDSA P-256/SHA-256 signature (nonce derived from key and message: test seeds
    only)."""
    d = test_private_key()
    z = int.from_bytes(hashlib.sha256(message).digest(), "big")
    k = int.from_bytes(hashlib.sha256(d.to_bytes(32, "big") + message).digest(), "big") % N
    r = point_mul(k, G)[0] % N
    s = pow(k, -1, N) * (z + r * d) % N
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")


def cbor(value):
    """Definite-length CBOR of ints, bytes, text, lists, dicts (keys in insertion order) and
    (tag, value) pairs given as Tag."""

    def head(major, arg):
        if arg < 24:
            return bytes([major << 5 | arg])
        for info, size in [(24, 1), (25, 2), (26, 4), (27, 8)]:
            if arg < 1 << (8 * size):
                return bytes([major << 5 | info]) + arg.to_bytes(size, "big")
        raise ValueError(arg)

    if isinstance(value, Tag):
        return head(6, value.tag) + cbor(value.value)
    if isinstance(value, int):
        return head(0, value) if value >= 0 else head(1, -1 - value)
    if isinstance(value, bytes):
        return head(2, len(value)) + value
    if isinstance(value, str):
        return head(3, len(value.encode())) + value.encode()
    if isinstance(value, list):
        return head(4, len(value)) + b"".join(cbor(v) for v in value)
    if isinstance(value, dict):
        return head(5, len(value)) + b"".join(cbor(k) + cbor(v) for k, v in value.items())
    raise TypeError(value)


class Tag:
    def __init__(self, tag, value):
        self.tag, self.value = tag, value


def kid(der):
    return hashlib.sha256(der).digest()[:8]


def de_signed(document):
    """A German-format list signed with the test key: base64 signature line, newline, JSON."""
    return base64.b64encode(sign(document)) + b"\n" + document


def at_content(certificates):
    return cbor({"c": [{"i": kid(der), "c": der} for der in certificates]})


def at_signature(content, nbf=NOW - 86_400, exp=NOW + 86_400, alg=-7):
    """The Austrian COSE_Sign1 over {2: SHA-256(content), 4: exp, 5: nbf}, as
    tests/trust_fixtures writes it."""
    protected = cbor({1: alg, 4: b"\xa7" * 8})
    claims = cbor({2: hashlib.sha256(content).digest(), 4: exp, 5: nbf})
    to_sign = cbor(["Signature1", protected, b"", claims])
    return cbor(Tag(18, [protected, {}, claims, sign(to_sign)]))


def at_framed(content, signature):
    """The trust_list_at target's input: u16 signature length, signature, content."""
    return len(signature).to_bytes(2, "big") + signature + content


def cache_file(format_code, parts, fetched_at=NOW - 3600):
    """A TrustStore cache file (src/trust/store.rs): magic, header line, the parts."""
    header = {
        "format": format_code,
        "fetched_at": fetched_at,
        "parts": [len(p) for p in parts],
        "sha256": None if format_code in ("de", "at") else hashlib.sha256(b"".join(parts)).hexdigest(),
    }
    return CACHE_MAGIC + json.dumps(header, separators=(",", ":")).encode() + b"\n" + b"".join(parts)


def pem(der, label="CERTIFICATE"):
    body = base64.b64encode(der).decode()
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    return f"-----BEGIN {label}-----\n" + "\n".join(lines) + f"\n-----END {label}-----\n"


def main():
    seeds = {}

    def add(target, data):
        if isinstance(data, str):
            data = data.encode()
        if data:
            seeds.setdefault(target, {})[hashlib.sha1(data).hexdigest()] = data

    certificates = []
    for path in sorted((ROOT / "testdata/dgc-testdata").rglob("*.json")):
        try:
            case = json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError):
            continue
        if not isinstance(case, dict):
            continue
        add("verify", case.get("PREFIX") or "")
        add("base45", case.get("BASE45") or "")
        for field, target in [("COMPRESSED", "inflate"), ("COSE", "cose"), ("CBOR", "payload")]:
            try:
                add(target, bytes.fromhex(case.get(field) or ""))
            except ValueError:
                pass
        try:
            cwt = cose_payload(bytes.fromhex(case.get("COSE") or ""))
            add("cwt", cwt)
            add("verify_signed_cwt", cwt)
        except (ValueError, IndexError, KeyError):
            pass
        cert = (case.get("TESTCTX") or {}).get("CERTIFICATE")
        if isinstance(cert, str):
            try:
                der = base64.b64decode(cert, validate=False)
            except ValueError:
                continue
            add("dsc", der)
            certificates.append((case.get("TESTCTX", {}).get("COUNTRY", ""), der))

    samples = ROOT / "testdata/samples"
    for path in sorted(samples.glob("vn-*.txt")):
        qr = path.read_text().strip()
        add("verify", qr)
        add("base45", qr[4:])
        compressed = base45_decode(qr[4:])
        cose = zlib.decompress(compressed)
        add("inflate", compressed)
        add("cose", cose)
        add("cwt", cose_payload(cose))
        add("verify_signed_cwt", cose_payload(cose))
    # Every HCERT kind of the WHO GDHCN (ICVP, health links, medication overview, DDCC demos).
    for path in sorted((ROOT / "testdata/who-hcert/qr").glob("*.txt")):
        qr = path.read_text().strip()
        add("verify", qr)
        try:
            cose = zlib.decompress(base45_decode(qr[4:] if qr.startswith("HC1:") else qr))
        except (ValueError, OverflowError, zlib.error):  # base64 texts and base45 without its spaces
            continue
        add("cose", cose)
        add("cwt", cose_payload(cose))
        add("verify_signed_cwt", cose_payload(cose))
    for link in ["shlink:/eyJ1cmwiOiJodHRwczovL2guZXhhbXBsZS9tIiwia2V5IjoiayIsImV4cCI6MTkwMDAwMDAwMCwiZmxhZyI6IlAifQ",
                 "vhlink:/eyJ1cmwiOiJ1Iiwia2V5IjoiayIsImV4cCI6bnVsbH0",
                 "https://viewer.example/#shlink://eyJ1cmwiOiJ1Iiwia2V5IjoiayJ9"]:
        add("health_link", link)
    for path in sorted((samples / "pki").glob("*.crt.der")):
        add("dsc", path.read_bytes())
        certificates.append(("VN", path.read_bytes()))
    add("trust_list_unsigned_json", (samples / "trust-list.json").read_bytes())
    for instant in ["2026-06-01T00:00:00Z", "2021-05-29T21:21:13.5+0200", "2000-02-29 00:00:00"]:
        add("instant", instant)
    # Small lists of conformance certificates, in both shapes the importer reads.
    for i in range(0, min(len(certificates), 40), 4):
        entries = [
            {
                "kid": base64.b64encode(hashlib.sha256(der).digest()[:8]).decode(),
                "country": country,
                "rawData": base64.b64encode(der).decode(),
            }
            for country, der in certificates[i : i + 4]
        ]
        add("trust_list_unsigned_json", json.dumps(entries))
        add("trust_list_unsigned_json", json.dumps({"certificates": entries}))

    trust_lists(add, certificates)
    who_lists(add)

    for target, files in sorted(seeds.items()):
        directory = CORPUS / target
        directory.mkdir(parents=True, exist_ok=True)
        for name, data in files.items():
            (directory / name).write_bytes(data)
        print(f"seeded {target}: {len(files)} inputs", file=sys.stderr)


def who_lists(add):
    """Seeds of trust_list_who: the real DEV filtered list (one DSC, verifies) as published and
    re-serialised, the reference list, and the first entries of each real list (their proofs no
    longer verify, but they reach the shape and canonical-form code with every kind of entry)."""
    who = ROOT / "testdata/who/trustlists"
    small = (who / "dev/v2-trustlist-PH4H-XCL-DSC.did.json").read_bytes()
    add("trust_list_who", small)
    document = json.loads(small)
    add("trust_list_who", json.dumps(document, sort_keys=True))
    add("trust_list_who", json.dumps(document, indent=2))
    add("trust_list_who", (who / "prod/v2-trustlist-ref.did.json").read_bytes())
    for path in sorted(who.glob("*/v2-trustlist*.did.json")):
        document = json.loads(path.read_bytes())
        methods = document["verificationMethod"]
        for start in range(0, min(len(methods), 60), 12):
            add("trust_list_who", json.dumps(dict(document, verificationMethod=methods[start : start + 12]), separators=(",", ":")))


def trust_lists(add, certificates):
    """Seeds of the trust-list and store targets. `certificates` are (country, DER) pairs of the
    conformance cases and samples."""
    real = (ROOT / "testdata/trustlists/de-dsc-list.signed").read_bytes()
    real_document = real.split(b"\n", 1)[1]
    real_entries = json.loads(real_document)["certificates"]
    sample_json = (ROOT / "testdata/samples/trust-list.json").read_bytes()
    sample_pems = [p.read_text() for p in sorted((ROOT / "testdata/samples/pki").glob("*.crt.pem"))]
    sample_ders = [p.read_bytes() for p in sorted((ROOT / "testdata/samples/pki").glob("*.crt.der"))]

    # German lists: the first N real entries re-serialized the way the real list is written,
    # also without the 3 KB per-entry CMS signature verifiers skip, so that more fit a small input.
    documents = [sample_json]
    for n in [1, 2, 4, 8]:
        documents.append(json.dumps({"certificates": real_entries[:n]}).encode())
    for n in [4, 16, 32]:
        lean = [{k: v for k, v in e.items() if k != "signature"} for e in real_entries[:n]]
        documents.append(json.dumps({"certificates": lean}).encode())
    lean_bare = [{"kid": e["kid"], "rawData": e["rawData"]} for e in real_entries[8:20]]
    documents.append(json.dumps(lean_bare).encode())
    for document in documents:
        add("trust_list_de_signed", document)
        add("trust_list_unsigned_json", document)
        add("trust_list_de", de_signed(document))
    # The real list, truncated (its signature then fails): the raw target's max_len keeps only a
    # prefix of it anyway, and the prefixes show the real framing.
    for size in [100, 4096, 65536]:
        add("trust_list_de", real[:size])
    add("trust_list_de", real[:89] + json.dumps({"certificates": real_entries[:2]}).encode())

    # Austrian lists: contents of sample, conformance and real DSCs; one of 600 entries that
    # are not certificates (a list past the size of the real ones, in few bytes).
    real_ders = [base64.b64decode(e["rawData"]) for e in real_entries]
    contents = [
        at_content(sample_ders),
        at_content([der for _, der in certificates[:12]]),
        at_content(real_ders[:4]),
        at_content(real_ders[100:130]),
        cbor({"c": [{"i": b"\x00" * 8, "c": b"\x30\x00"} for _ in range(600)]}),
        cbor({"c": [{"i": kid(der), "c": der, "x": "extra"} for der in sample_ders[:3]]}),
        cbor({"c": []}),
    ]
    for content in contents:
        add("trust_list_at_signed", content)
        add("trust_list_at", at_framed(content, at_signature(content)))
    content = contents[0]
    add("trust_list_at", at_framed(content, at_signature(content, nbf=NOW + 10**6, exp=NOW + 10**7)))
    add("trust_list_at", at_framed(content, at_signature(content, nbf=0, exp=NOW - 10**6)))
    add("trust_list_at", at_framed(content, at_signature(content, alg=-35)))
    add("trust_list_at", at_framed(content, at_signature(contents[1])))

    # PEM bundles.
    for text in sample_pems:
        add("trust_list_pem", text)
    add("trust_list_pem", "".join(sample_pems))
    add("trust_list_pem", (ROOT / "testdata/trustlists/de-dsc-list-signing-key.pem").read_text()
        + sample_pems[0] + "-----BEGIN CERTIFICATE-----\n%%\n-----END CERTIFICATE-----\n")
    add("trust_list_pem", "".join(pem(der) for _, der in certificates[:10]))
    add("trust_list_pem", "".join(pem(der) for der in real_ders[:8]))

    # Store caches of every format.
    add("trust_store", cache_file("json", [sample_json]))
    add("trust_store", cache_file("json", [documents[2]], fetched_at=None))
    add("trust_store", cache_file("pem", ["".join(sample_pems).encode()]))
    add("trust_store", cache_file("de", [de_signed(documents[3])]))
    add("trust_store", cache_file("de", [de_signed(sample_json)]))
    add("trust_store", cache_file("at", [contents[0], at_signature(contents[0])]))
    add("trust_store", cache_file("at", [contents[2], at_signature(contents[2], nbf=0, exp=1)]))
    add("trust_store", cache_file("de", [real[:30000]]))


if __name__ == "__main__":
    main()
