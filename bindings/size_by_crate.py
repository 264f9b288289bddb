#!/usr/bin/env python3
"""What a build of libdcc_verify.so is made of: symbol sizes (`nm -S`), grouped by crate, with
dcc-verify itself split by concept. Give one library, or several to compare (columns in order,
deltas against the first). Use the unstripped library (the release profile keeps its symbols);
`strip --strip-all` removes the symbol table, not the code the groups measure.

    python3 bindings/size_by_crate.py target/mobile/libdcc_verify.so [other.so ...]

Symbols that are not Rust (C and assembly) count as ring's unless UniFFI's or std's by name.
Standard-library generics instantiated for a dcc-verify type (`drop_in_place`, `Vec`, sorting)
count for that type's part of dcc-verify.
"""

import collections
import re
import subprocess
import sys

STD = {"core", "alloc", "std", "__rustc", "str", "char", "bool", "f32", "f64", "hashbrown", "std_detect"}
STD |= {f"{sign}{bits}" for sign in "iu" for bits in ("8", "16", "32", "64", "128", "size")}
BACKTRACE = {"gimli", "addr2line", "rustc_demangle", "miniz_oxide", "object", "memchr"}
CRATES = {
    "ring": "ring",
    "ciborium": "ciborium, coset", "ciborium_ll": "ciborium, coset", "coset": "ciborium, coset",
    "x509_parser": "x509-parser, der-parser, asn1-rs", "der_parser": "x509-parser, der-parser, asn1-rs",
    "asn1_rs": "x509-parser, der-parser, asn1-rs",
    "zlib_rs": "zlib-rs, flate2", "flate2": "zlib-rs, flate2",
    "serde_json": "serde_json, serde", "serde_core": "serde_json, serde", "serde": "serde_json, serde",
    "zmij": "serde_json, serde", "itoa": "serde_json, serde", "ryu": "serde_json, serde",
    "regex_lite": "regex-lite (schema patterns)",
}
OWN = {
    "ffi": "UniFFI scaffolding and bindings/ffi",
    "rules": "dcc-verify: rules (CertLogic, rule sets)",
    "schema": "dcc-verify: schema, value sets", "valuesets": "dcc-verify: schema, value sets",
    "embedded": "dcc-verify: schema, value sets",
    "trust": "dcc-verify: trust lists, cache",
}


def group(mangled, demangled):
    if not mangled.startswith(("_ZN", "_R")):
        name = mangled.lower()
        if "uniffi" in name or name.startswith("ffi_dcc_verify"):
            return "UniFFI scaffolding and bindings/ffi"
        if name.startswith(("__rust", "rust_")):
            return "core, alloc, std"
        return "ring"
    if "std::backtrace" in demangled or "std::sys::backtrace" in demangled:
        return "std backtrace printing (gimli, addr2line, demangle, miniz)"
    path = re.sub(r"^[<&*\[ ]+|mut |dyn ", "", demangled)
    match = re.match(r"([A-Za-z_]\w*)(?:::([A-Za-z_]\w*))?", path)
    crate, module = (match.group(1), match.group(2)) if match else ("?", None)
    if crate == "dcc_verify":
        return OWN.get(module or "", "dcc-verify: the rest of the core")
    if crate.startswith("uniffi"):
        return "UniFFI scaffolding and bindings/ffi"
    if crate in BACKTRACE:
        return "std backtrace printing (gimli, addr2line, demangle, miniz)"
    if crate in STD or len(crate) == 1:  # generic parameters: <T as ...>
        # Standard-library code instantiated for a dcc-verify type counts for that type's part.
        own = re.search(r"dcc_verify::(\w+)", path)
        return OWN.get(own.group(1), "dcc-verify: the rest of the core") if own else "core, alloc, std"
    return CRATES.get(crate, crate)


def sizes(library):
    def nm(*flags):
        return subprocess.run(["nm", "-S", *flags, library], capture_output=True, text=True, check=True).stdout
    totals = collections.Counter()
    for raw, readable in zip(nm().splitlines(), nm("-C").splitlines()):
        fields, readable_fields = raw.split(None, 3), readable.split(None, 3)
        if len(fields) == 4:
            totals[group(fields[3], readable_fields[3])] += int(fields[1], 16)
    return totals


def main(libraries):
    columns = [sizes(library) for library in libraries]
    groups = sorted(set().union(*columns), key=lambda g: -max(c[g] for c in columns))
    kib = lambda n: f"{n / 1024:8.1f}"
    header = "".join(f"{'KiB':>9}" for _ in columns) + ("   delta" if len(columns) > 1 else "")
    print(f"{'group':60}{header}")
    for name in groups + ["total"]:
        values = [sum(c.values()) if name == "total" else c[name] for c in columns]
        if name != "total" and max(values) < 1024:
            continue
        delta = f" {(values[-1] - values[0]) / 1024:+7.1f}" if len(columns) > 1 else ""
        print(f"{name:60}{''.join(kib(v) + ' ' for v in values)}{delta}")


if __name__ == "__main__":
    main(sys.argv[1:] or ["target/mobile/libdcc_verify.so"])
