#!/usr/bin/env bash
# Tests the Kotlin, Python and Swift bindings against the real library:
#   1. builds the cdylib (release profile, no CLI) and reports its stripped size;
#   2. generates the bindings from it with the pinned uniffi-bindgen;
#   3. Kotlin: compiles bindings/kotlin/BindingsTest.kt with the generated code, runs it on JNA;
#   4. Python: runs bindings/python/test_dcc_verify.py on the generated module;
#   5. Swift (no compiler on Linux): the checked-in bindings/swift/generated must equal a fresh
#      generation; the generated Swift and the XCTest file must parse (tree-sitter-swift); the C
#      header must compile (gcc) and declare only functions the library exports.
# Installs what it needs when missing (kotlin-compiler from npm into bindings/kotlin/node_modules,
# Debian's libjna-java, tree-sitter into a venv under target/). Ends with
# "bindings: N passed, N failed" and exits non-zero on any failure.
#
#   bindings/test.sh                 run everything
#   bindings/test.sh --update-swift  first copy the fresh Swift bindings into bindings/swift/generated
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/target/bindings
LIB=$ROOT/target/release/libdcc_verify.so
BINDGEN=$ROOT/target/bindgen/uniffi-bindgen
KOTLINC=$ROOT/bindings/kotlin/node_modules/kotlin-compiler/bin/kotlinc
KOTLIN_STDLIB=$ROOT/bindings/kotlin/node_modules/kotlin-compiler/lib/kotlin-stdlib.jar
JNA=/usr/share/java/jna.jar
VENV=$ROOT/target/bindings-venv

update_swift=false
[[ "${1:-}" == "--update-swift" ]] && update_swift=true

passed=0
failed=0
started=$SECONDS
step() { printf '\n== %s (at %ss)\n' "$*" $((SECONDS - started)); }

# Adds the "<lang>: N passed, M failed" line of a test run (in file $1) to the totals.
count() {
    local line
    line=$(grep -E '^[a-z]+: [0-9]+ passed, [0-9]+ failed' "$1" | tail -n 1) || true
    if [[ -z "$line" ]]; then
        echo "no result line in $1"
        failed=$((failed + 1))
        return
    fi
    read -r p f < <(sed -E 's/^[a-z]+: ([0-9]+) passed, ([0-9]+) failed.*/\1 \2/' <<<"$line")
    passed=$((passed + p))
    failed=$((failed + f))
}

as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }

step "build the cdylib (release, --no-default-features --features ring)"
# Only the cdylib: a staticlib would cost a second LTO pass.
cargo rustc --locked --release -p dcc-verify-ffi --lib --crate-type cdylib
cp "$LIB" "$ROOT/target/libdcc_verify.stripped.so"
strip --strip-all "$ROOT/target/libdcc_verify.stripped.so"
echo "cdylib: $(stat -c %s "$LIB") bytes; stripped: $(stat -c %s "$ROOT/target/libdcc_verify.stripped.so") bytes"

step "generate the bindings"
cargo build --locked --profile bindgen -p uniffi-bindgen
rm -rf "$OUT/generated"
for language in kotlin python swift; do
    "$BINDGEN" generate --library "$LIB" --language "$language" --no-format \
        --out-dir "$OUT/generated/$language" >/dev/null
done

step "kotlin"
[[ -x "$KOTLINC" ]] || npm ci --prefix "$ROOT/bindings/kotlin" --no-audit --no-fund
[[ -f "$JNA" ]] || as_root apt-get install -y libjna-java \
    || { as_root apt-get update && as_root apt-get install -y libjna-java; }
kotlin_sources=("$OUT/generated/kotlin/eu/dcc/verify/dcc_verify.kt" "$ROOT/bindings/kotlin/BindingsTest.kt")
kotlin_jar=$OUT/kotlin/bindings-test.jar
mkdir -p "$OUT/kotlin"
# kotlinc takes ~25 s: recompile only when the generated code or the test changed.
sha256sum "${kotlin_sources[@]}" "$KOTLINC" >"$OUT/kotlin/sources.sha256.new"
if [[ -f "$kotlin_jar" ]] && cmp -s "$OUT/kotlin/sources.sha256.new" "$OUT/kotlin/sources.sha256"; then
    echo "kotlin sources unchanged: reusing $kotlin_jar"
else
    rm -f "$kotlin_jar" "$OUT/kotlin/sources.sha256"
    "$KOTLINC" -nowarn -cp "$JNA" -d "$kotlin_jar" "${kotlin_sources[@]}" \
        && mv "$OUT/kotlin/sources.sha256.new" "$OUT/kotlin/sources.sha256"
fi
if [[ -f "$kotlin_jar" ]]; then
    java -Djna.library.path="$(dirname "$LIB")" -Ddcc.repo="$ROOT" \
        -cp "$kotlin_jar:$JNA:$KOTLIN_STDLIB" eu.dcc.verify.test.BindingsTestKt \
        | tee "$OUT/kotlin/result.txt" || true
else
    echo "kotlin: 0 passed, 1 failed (does not compile)" | tee "$OUT/kotlin/result.txt"
fi
count "$OUT/kotlin/result.txt"

step "python"
cp "$LIB" "$OUT/generated/python/"
mkdir -p "$OUT/python"
PYTHONPATH="$OUT/generated/python" python3 "$ROOT/bindings/python/test_dcc_verify.py" \
    2>&1 | tee "$OUT/python/result.txt" || true
count "$OUT/python/result.txt"

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
check "generated Swift, XCTest file and Package.swift parse (tree-sitter-swift)" \
    "$VENV/bin/python" "$ROOT/bindings/swift/check_syntax.py" "$OUT/generated/swift/DccVerify.swift" \
    "$ROOT/bindings/swift/Tests/DccVerifyTests/DccVerifyTests.swift" "$ROOT/bindings/swift/Package.swift"
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
