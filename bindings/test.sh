#!/usr/bin/env bash
# Tests the Kotlin, Python and Swift bindings against the real library, as users install them:
#   1. builds the cdylib (the `mobile` profile of Cargo.toml, no CLI) and reports its stripped size; builds the
#      test-only library (ffi feature `panic-test`, dev profile) and checks that the shipped one
#      does not contain its panic trigger;
#   2. generates the bindings from the shipped library with the pinned uniffi-bindgen
#      (uniffi-bindgen/, a project of its own);
#   3. Python: builds the wheel with maturin (bindings/python/pyproject.toml), installs it into a
#      fresh venv and runs bindings/python/test_dcc_verify.py and the Python example of
#      docs/bindings.md against the installed package; then test_panic.py against the test-only
#      library;
#   4. Kotlin: builds dcc-verify-<version>.jar (bindings/kotlin/build-jar.sh: the compiled
#      bindings and the library at JNA's resource path) and its Maven repository (checked:
#      coordinates, dependencies, checksums), runs BindingsTest.kt and the Kotlin example of
#      docs/bindings.md against the repository's jar with no -Djna.library.path, then
#      PanicTest.kt against the test-only library;
#   5. Swift (no compiler on Linux): the checked-in bindings/swift/generated must equal a fresh
#      generation; the generated Swift, the XCTest file, the Swift example of docs/bindings.md
#      and the root Package.swift must parse
#      (tree-sitter-swift); the C header must compile (gcc) and declare only functions the
#      library exports.
# Installs what it needs when missing (maturin from PyPI and tree-sitter into venvs under
# target/, kotlin-compiler from npm into bindings/kotlin/node_modules, Debian's libjna-java).
# Ends with "bindings: N passed, N failed" and exits non-zero on any failure.
#
#   bindings/test.sh                 run everything
#   bindings/test.sh --update-swift  first copy the fresh Swift bindings into bindings/swift/generated
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/target/bindings
LIB=$ROOT/target/mobile/libdcc_verify.so
BINDGEN_DIR=$ROOT/target/uniffi-bindgen/bindgen
BINDGEN=$BINDGEN_DIR/uniffi-bindgen
KOTLINC=$ROOT/bindings/kotlin/node_modules/kotlin-compiler/bin/kotlinc
KOTLIN_STDLIB=$ROOT/bindings/kotlin/node_modules/kotlin-compiler/lib/kotlin-stdlib.jar
JNA=/usr/share/java/jna.jar
VENV=$ROOT/target/bindings-venv
MATURIN_VENV=$ROOT/target/maturin-venv
MATURIN_VERSION=1.16.0
PANIC_LIB_DIR=$OUT/panic-test
# Equals PANIC_TRIGGER in bindings/ffi/src/guard.rs.
PANIC_TRIGGER="dcc-verify: panic for the binding tests"

update_swift=false
[[ "${1:-}" == "--update-swift" ]] && update_swift=true

passed=0
failed=0
started=$SECONDS
step() { printf '\n== %s (at %ss)\n' "$*" $((SECONDS - started)); }

# Adds the "<lang>: N passed, M failed" line of a test run (in file $1) to the totals.
count() {
    local line
    line=$(grep -E '^[a-z-]+: [0-9]+ passed, [0-9]+ failed' "$1" | tail -n 1) || true
    if [[ -z "$line" ]]; then
        echo "no result line in $1"
        failed=$((failed + 1))
        return
    fi
    read -r p f < <(sed -E 's/^[a-z-]+: ([0-9]+) passed, ([0-9]+) failed.*/\1 \2/' <<<"$line")
    passed=$((passed + p))
    failed=$((failed + f))
}

as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }

step "build the cdylib (profile mobile: release at opt-level z; ring, no CLI)"
# Only the cdylib: a staticlib would cost a second LTO pass.
cargo rustc --locked --profile mobile -p dcc-verify-ffi --lib --crate-type cdylib
cp "$LIB" "$ROOT/target/libdcc_verify.stripped.so"
strip --strip-all "$ROOT/target/libdcc_verify.stripped.so"
STRIPPED=$(stat -c %s "$ROOT/target/libdcc_verify.stripped.so")
echo "cdylib: $(stat -c %s "$LIB") bytes; stripped: $STRIPPED bytes"
# The size budget of issue 11 (the stripped x86_64 library as it was before the WHO list format
# and the new payload kinds): docs/performance.md says what it is made of and what it costs.
SIZE_BUDGET=1272216
if ((STRIPPED > SIZE_BUDGET)); then
    echo "the stripped mobile library is over its budget of $SIZE_BUDGET bytes by $((STRIPPED - SIZE_BUDGET)): see docs/performance.md" >&2
    exit 1
fi

step "build the test-only library (feature panic-test, dev profile)"
cargo rustc --locked -p dcc-verify-ffi --features panic-test --lib --crate-type cdylib
rm -rf "$PANIC_LIB_DIR"
mkdir -p "$PANIC_LIB_DIR"
cp "$ROOT/target/debug/libdcc_verify.so" "$PANIC_LIB_DIR/"
release_passed=0
release_failed=0
# The trigger is in the test-only library (so the check can see it) and not in the shipped one.
if grep -qF "$PANIC_TRIGGER" "$PANIC_LIB_DIR/libdcc_verify.so" && ! grep -qF "$PANIC_TRIGGER" "$LIB"; then
    release_passed=1
    echo "ok   the shipped library does not contain the panic-test trigger"
else
    release_failed=1
    echo "FAIL the panic-test trigger: in the test-only library, not in the shipped one"
fi
echo "release: $release_passed passed, $release_failed failed" >"$OUT/release-result.txt"
count "$OUT/release-result.txt"

step "generate the bindings"
cargo build --locked --profile bindgen --manifest-path "$ROOT/uniffi-bindgen/Cargo.toml" \
    --target-dir "$ROOT/target/uniffi-bindgen"
rm -rf "$OUT/generated"
for language in kotlin python swift; do
    "$BINDGEN" generate --library "$LIB" --language "$language" --no-format \
        --out-dir "$OUT/generated/$language" >/dev/null
done

step "python: build the wheel, install it into a fresh venv, test the installed package"
if [[ "$("$MATURIN_VENV/bin/maturin" --version 2>/dev/null)" != "maturin $MATURIN_VERSION" ]]; then
    rm -rf "$MATURIN_VENV"
    python3 -m venv "$MATURIN_VENV"
    "$MATURIN_VENV/bin/pip" install -q "maturin==$MATURIN_VERSION"
fi
rm -rf "$OUT/wheels" "$OUT/python-venv"
mkdir -p "$OUT/python"
# maturin runs the uniffi-bindgen it finds on PATH: the pinned one.
# The release profile and aws-lc, as pyproject.toml says (not the mobile library's build).
(cd "$ROOT/bindings/python" && PATH="$BINDGEN_DIR:$PATH" "$MATURIN_VENV/bin/maturin" build \
    --release --out "$OUT/wheels")
python3 -m venv "$OUT/python-venv"
"$OUT/python-venv/bin/pip" install -q --no-index "$OUT"/wheels/dcc_verify-*.whl
# -P: the script's directory is not on sys.path, so only the installed package can be imported.
installed=$("$OUT/python-venv/bin/python" -P -c 'import dcc_verify; print(dcc_verify.__file__)')
echo "testing $installed"
if [[ "$installed" == "$OUT/python-venv/"* ]]; then
    "$OUT/python-venv/bin/python" -P "$ROOT/bindings/python/test_dcc_verify.py" 2>&1 \
        | tee "$OUT/python/result.txt" || true
else
    echo "python: 0 passed, 1 failed (dcc_verify imported from $installed, not the venv)" \
        | tee "$OUT/python/result.txt"
fi
count "$OUT/python/result.txt"

step "python: the example of docs/bindings.md, against the installed package"
"$ROOT/scripts/check-docs" --extract python >"$OUT/python/docs_example.py"
if (cd "$ROOT" && "$OUT/python-venv/bin/python" -P "$OUT/python/docs_example.py"); then
    echo "docs-python: 1 passed, 0 failed" | tee "$OUT/python/docs-result.txt"
else
    echo "docs-python: 0 passed, 1 failed" | tee "$OUT/python/docs-result.txt"
fi
count "$OUT/python/docs-result.txt"

step "python: a panic forced through the bindings (test-only library)"
mkdir -p "$PANIC_LIB_DIR/python"
cp "$OUT/generated/python/dcc_verify.py" "$PANIC_LIB_DIR/libdcc_verify.so" "$PANIC_LIB_DIR/python/"
PYTHONPATH="$PANIC_LIB_DIR/python" python3 -P "$ROOT/bindings/python/test_panic.py" 2>&1 \
    | tee "$OUT/python/panic-result.txt" || true
count "$OUT/python/panic-result.txt"

step "kotlin: build the jar, test against it"
[[ -x "$KOTLINC" ]] || npm ci --prefix "$ROOT/bindings/kotlin" --no-audit --no-fund
[[ -f "$JNA" ]] || as_root apt-get install -y libjna-java \
    || { as_root apt-get update && as_root apt-get install -y libjna-java; }
built=$("$ROOT/bindings/kotlin/build-jar.sh" "$LIB" "$OUT/generated/kotlin")
echo "built $built ($(stat -c %s "$built") bytes)"
# The tests take the jar from the Maven repository build-jar.sh lays out, as Gradle would, after
# checking the repository: coordinates, dependencies, checksums.
version=$(sed -nE 's/^version = "([^"]+)"/\1/p' "$ROOT/bindings/ffi/Cargo.toml" | head -n 1)
jar=$OUT/maven/eu/dcc/verify/dcc-verify-jvm/$version/dcc-verify-jvm-$version.jar
python3 - "$OUT/maven" "$version" "$built" <<'MAVEN' | tee "$OUT/kotlin-maven-result.txt"
import hashlib, pathlib, sys, xml.etree.ElementTree as ET
repo, version, built = pathlib.Path(sys.argv[1]), sys.argv[2], pathlib.Path(sys.argv[3])
base = repo / "eu/dcc/verify/dcc-verify-jvm"
ns = {"m": "http://maven.apache.org/POM/4.0.0"}
problems = []
pom = ET.parse(base / version / f"dcc-verify-jvm-{version}.pom").getroot()
coordinates = [pom.findtext(f"m:{tag}", namespaces=ns) for tag in ("groupId", "artifactId", "version")]
if coordinates != ["eu.dcc.verify", "dcc-verify-jvm", version]:
    problems.append(f"coordinates {coordinates}")
dependencies = {d.findtext("m:artifactId", namespaces=ns) for d in pom.iterfind("m:dependencies/m:dependency", ns)}
if dependencies != {"jna", "kotlin-stdlib"}:
    problems.append(f"dependencies {sorted(dependencies)}")
jar = base / version / f"dcc-verify-jvm-{version}.jar"
if jar.read_bytes() != built.read_bytes():
    problems.append("the repository's jar is not the one built")
meta = ET.parse(base / "maven-metadata.xml").getroot()
if meta.findtext("versioning/release") != version:
    problems.append("maven-metadata.xml names another release")
for file in [jar, base / version / f"dcc-verify-jvm-{version}.pom", base / "maven-metadata.xml"]:
    for algorithm in ("sha256", "sha1"):
        expected = pathlib.Path(f"{file}.{algorithm}").read_text().strip()
        if hashlib.new(algorithm, file.read_bytes()).hexdigest() != expected:
            problems.append(f"{file.name}.{algorithm} is wrong")
for problem in problems:
    print(f"maven repository: {problem}")
print(f"kotlin-maven: {1 - bool(problems)} passed, {int(bool(problems))} failed")
MAVEN
count "$OUT/kotlin-maven-result.txt"
mkdir -p "$OUT/kotlin"
# The Kotlin example of docs/bindings.md, a program of its own (class DocsExampleKt).
"$ROOT/scripts/check-docs" --extract kotlin >"$OUT/kotlin/DocsExample.kt"
kotlin_sources=("$ROOT/bindings/kotlin/BindingsTest.kt" "$ROOT/bindings/kotlin/PanicTest.kt"
    "$OUT/kotlin/DocsExample.kt")
tests_jar=$OUT/kotlin/tests.jar
# kotlinc takes ~25 s: recompile only when the tests or the bindings' classes changed.
sha256sum "${kotlin_sources[@]}" "$OUT/jvm/classes.sha256" >"$OUT/kotlin/sources.sha256.new"
if [[ -f "$tests_jar" ]] && cmp -s "$OUT/kotlin/sources.sha256.new" "$OUT/kotlin/sources.sha256"; then
    echo "kotlin tests unchanged: reusing $tests_jar"
else
    rm -f "$tests_jar" "$OUT/kotlin/sources.sha256"
    "$KOTLINC" -nowarn -cp "$jar:$JNA" -d "$tests_jar" "${kotlin_sources[@]}" \
        && mv "$OUT/kotlin/sources.sha256.new" "$OUT/kotlin/sources.sha256"
fi
if [[ -f "$tests_jar" ]]; then
    # No -Djna.library.path: JNA finds the library inside the jar.
    java -Ddcc.repo="$ROOT" -cp "$tests_jar:$jar:$JNA:$KOTLIN_STDLIB" \
        eu.dcc.verify.test.BindingsTestKt | tee "$OUT/kotlin/result.txt" || true
    if (cd "$ROOT" && java -cp "$tests_jar:$jar:$JNA:$KOTLIN_STDLIB" DocsExampleKt); then
        echo "docs-kotlin: 1 passed, 0 failed" | tee "$OUT/kotlin/docs-result.txt"
    else
        echo "docs-kotlin: 0 passed, 1 failed" | tee "$OUT/kotlin/docs-result.txt"
    fi
    # jna.library.path is searched before the jar: the test-only library wins.
    java -Djna.library.path="$PANIC_LIB_DIR" -Ddcc.repo="$ROOT" \
        -cp "$tests_jar:$jar:$JNA:$KOTLIN_STDLIB" eu.dcc.verify.panictest.PanicTestKt \
        | tee "$OUT/kotlin/panic-result.txt" || true
else
    echo "kotlin: 0 passed, 1 failed (does not compile)" | tee "$OUT/kotlin/result.txt"
    echo "kotlin-panic: 0 passed, 1 failed (does not compile)" | tee "$OUT/kotlin/panic-result.txt"
    echo "docs-kotlin: 0 passed, 1 failed (does not compile)" | tee "$OUT/kotlin/docs-result.txt"
fi
count "$OUT/kotlin/result.txt"
count "$OUT/kotlin/docs-result.txt"
count "$OUT/kotlin/panic-result.txt"

step "swift (checks only: no Swift compiler here)"
swift_passed=0
swift_failed=0
check() { # check NAME COMMAND...: one Swift check, counted
    if "${@:2}"; then
        swift_passed=$((swift_passed + 1))
        echo "ok   $1"
    else
        swift_failed=$((swift_failed + 1))
        echo "FAIL $1"
    fi
}
checked_in=$ROOT/bindings/swift/generated
if $update_swift; then
    rm -rf "$checked_in"
    cp -r "$OUT/generated/swift" "$checked_in"
fi
check "checked-in Swift bindings equal a fresh generation (fix: bindings/test.sh --update-swift)" \
    diff -ru "$checked_in" "$OUT/generated/swift"
if ! cmp -s "$ROOT/bindings/swift/requirements.txt" "$VENV/requirements.txt"; then
    rm -rf "$VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q -r "$ROOT/bindings/swift/requirements.txt"
    cp "$ROOT/bindings/swift/requirements.txt" "$VENV/requirements.txt"
fi
"$ROOT/scripts/check-docs" --extract swift >"$OUT/DocsExample.swift"
check "generated Swift, XCTest file, docs/bindings.md's example and Package.swift parse (tree-sitter-swift)" \
    "$VENV/bin/python" "$ROOT/bindings/swift/check_syntax.py" "$OUT/generated/swift/DccVerify.swift" \
    "$ROOT/bindings/swift/Tests/DccVerifyTests/DccVerifyTests.swift" "$OUT/DocsExample.swift" \
    "$ROOT/Package.swift"
header_compiles() {
    # GCC does not know clang's nullability qualifiers, which only annotate.
    echo '#include "DccVerifyFFI.h"' | gcc -fsyntax-only -std=c11 -Wall -Wextra -Werror \
        -D_Nullable= -D_Nonnull= -I "$OUT/generated/swift" -x c -
}
check "C header compiles (gcc -fsyntax-only -Wall -Wextra -Werror)" header_compiles
header_matches_library() {
    local declared exported missing
    declared=$(grep -oE '\b(uniffi|ffi)_dcc_verify_[a-z0-9_]+\(' "$OUT/generated/swift/DccVerifyFFI.h" \
        | tr -d '(' | sort -u)
    exported=$(nm -D --defined-only "$LIB" | awk '{print $3}' | sort -u)
    missing=$(comm -23 <(echo "$declared") <(echo "$exported"))
    echo "$(wc -l <<<"$declared") functions declared; missing from the library: ${missing:-none}"
    [[ -n "$declared" && -z "$missing" ]]
}
check "every function the C header declares is exported by the library" header_matches_library
echo "swift: $swift_passed passed, $swift_failed failed" | tee "$OUT/swift-result.txt"
count "$OUT/swift-result.txt"

step "done in $((SECONDS - started)) s"
echo "bindings: $passed passed, $failed failed"
[[ $failed -eq 0 && $passed -gt 0 ]]
