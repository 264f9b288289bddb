#!/usr/bin/env python3
"""Test oracle for the WHO trust-list canonicaliser (src/trust/formats/who/canon.rs).

Runs a generic JSON-LD processor (PyLD, URDNA2015) over every list in trustlists/, with the
pinned contexts in contexts/ (never the network), and writes what the signer hashed:

    nquads/<env>/<name>.doc.nq    URDNA2015 N-Quads of the document without "proof"
    nquads/<env>/<name>.proof.nq  URDNA2015 N-Quads of the proof without "jws", under the
                                  document's @context

It also checks each proof with the construction the Rust code implements (header segment "."
SHA-256(proof) SHA-256(doc), DER ECDSA P-256) against the signer keys in signers/, so the
expected output is known to be what WHO signed. PyLD is a tool of this script, not a dependency
of the project:

    python3 -m venv target/pyld-venv
    target/pyld-venv/bin/pip install pyld==3.3.0 cryptography
    target/pyld-venv/bin/python testdata/who/make_nquads.py
"""

import base64
import copy
import hashlib
import json
import pathlib
import sys

from pyld import jsonld
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

HERE = pathlib.Path(__file__).resolve().parent
CONTEXTS = json.loads((HERE / "contexts/index.json").read_text())["contexts"]


def loader(url, options=None):
    entry = CONTEXTS.get(url)
    if entry is None:
        raise RuntimeError(f"context not pinned: {url}")
    raw = (HERE / "contexts" / entry["file"]).read_bytes()
    if hashlib.sha256(raw).hexdigest() != entry["sha256"]:
        raise RuntimeError(f"pinned context changed: {url}")
    return {
        "contextUrl": None,
        "documentUrl": url,
        "document": json.loads(raw),
        "contentType": "application/ld+json",
    }


def canonical(obj):
    return jsonld.normalize(
        obj,
        {
            "algorithm": "URDNA2015",
            "format": "application/n-quads",
            "documentLoader": loader,
        },
    )


def b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def main():
    keys = {
        env: serialization.load_pem_public_key((HERE / f"signers/who-{env}-signer.pem").read_bytes())
        for env in ("prod", "uat", "dev")
    }
    for path in sorted((HERE / "trustlists").glob("*/*.did.json")):
        env = path.parent.name
        document = json.loads(path.read_bytes())
        proof = document.pop("proof")
        jws = proof.pop("jws")
        proof_with_context = {"@context": document["@context"], **proof}
        c_doc = canonical(document)
        c_proof = canonical(proof_with_context)
        out = HERE / "nquads" / env
        out.mkdir(parents=True, exist_ok=True)
        stem = path.name.removesuffix(".did.json")
        (out / f"{stem}.doc.nq").write_text(c_doc, encoding="utf-8")
        (out / f"{stem}.proof.nq").write_text(c_proof, encoding="utf-8")
        header, empty, signature = jws.split(".")
        assert empty == ""
        message = (
            header.encode("ascii")
            + b"."
            + hashlib.sha256(c_proof.encode()).digest()
            + hashlib.sha256(c_doc.encode()).digest()
        )
        keys[env].verify(b64url_decode(signature), message, ec.ECDSA(hashes.SHA256()))
        print(f"{env}/{path.name}: {c_doc.count(chr(10))} + {c_proof.count(chr(10))} quads, proof verifies")
    return 0


if __name__ == "__main__":
    sys.exit(main())
