#!/usr/bin/env python3
"""Seeds the fuzz corpora (fuzz/corpus/<target>/) from the project's test data: every stage of
the EU conformance cases (testdata/dgc-testdata: PREFIX, BASE45, COMPRESSED, COSE, its CWT
payload, CBOR, CERTIFICATE) and the samples (testdata/samples). Standard library only."""

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

    for target, files in sorted(seeds.items()):
        directory = CORPUS / target
        directory.mkdir(parents=True, exist_ok=True)
        for name, data in files.items():
            (directory / name).write_bytes(data)
        print(f"seeded {target}: {len(files)} inputs", file=sys.stderr)


if __name__ == "__main__":
    main()
