#!/usr/bin/env bash
# Builds target/bindings/jvm/dcc-verify-<version>.jar for the JVM (desktop and server Kotlin or
# Java): the generated Kotlin bindings, compiled, and the native library at JNA's resource path
# (linux-x86-64/libdcc_verify.so on x86-64 Linux), so that
#
#   java -cp dcc-verify-<version>.jar:jna.jar:kotlin-stdlib.jar your.MainKt
#
# finds the library with no -Djna.library.path. Its dependencies are JNA and the Kotlin
# standard library. (Android apps take the AAR of bindings/android instead.)
#
#   bindings/kotlin/build-jar.sh LIBRARY GENERATED_KOTLIN_DIR
#
# LIBRARY is the release cdylib, GENERATED_KOTLIN_DIR what uniffi-bindgen generated from it;
# bindings/test.sh builds both and calls this. Needs kotlinc (bindings/kotlin/node_modules, from
# npm) and JNA (/usr/share/java/jna.jar, Debian's libjna-java). Prints the jar's path.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
LIB=${1:?usage: build-jar.sh LIBRARY GENERATED_KOTLIN_DIR}
GENERATED=${2:?usage: build-jar.sh LIBRARY GENERATED_KOTLIN_DIR}
KOTLINC=$ROOT/bindings/kotlin/node_modules/kotlin-compiler/bin/kotlinc
JNA=${JNA:-/usr/share/java/jna.jar}
OUT=$ROOT/target/bindings/jvm

version=$(sed -nE 's/^version = "([^"]+)"/\1/p' "$ROOT/bindings/ffi/Cargo.toml" | head -n 1)
case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) platform=linux-x86-64 ;;
    Linux-aarch64) platform=linux-aarch64 ;;
    Darwin-x86_64) platform=darwin-x86-64 ;;
    Darwin-arm64) platform=darwin-aarch64 ;;
    *) echo "build-jar.sh: no JNA resource prefix known for $(uname -s)-$(uname -m)" >&2; exit 2 ;;
esac
jar=$OUT/dcc-verify-$version.jar

mkdir -p "$OUT"
sources=$(find "$GENERATED" -name '*.kt' | sort)
[[ -n "$sources" ]] || { echo "build-jar.sh: no Kotlin sources in $GENERATED" >&2; exit 2; }

# kotlinc takes ~25 s: recompile only when the generated code or the compiler changed.
# shellcheck disable=SC2086
sha256sum $sources "$KOTLINC" >"$OUT/classes.sha256.new"
if [[ -d "$OUT/classes" ]] && cmp -s "$OUT/classes.sha256.new" "$OUT/classes.sha256"; then
    echo "generated Kotlin unchanged: reusing the compiled classes" >&2
else
    rm -rf "$OUT/classes" "$OUT/classes.sha256"
    # shellcheck disable=SC2086
    "$KOTLINC" -nowarn -cp "$JNA" -d "$OUT/classes" $sources >&2
    mv "$OUT/classes.sha256.new" "$OUT/classes.sha256"
fi

# The library goes in fresh every time: it changes without the generated code changing.
rm -rf "$OUT/classes/$platform"
mkdir -p "$OUT/classes/$platform"
cp "$LIB" "$OUT/classes/$platform/$(basename "$LIB")"
rm -f "$jar"
jar --create --file "$jar" -C "$OUT/classes" .
echo "$jar"
