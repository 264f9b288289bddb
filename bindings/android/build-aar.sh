#!/usr/bin/env bash
# Lays out an Android library module, ready for Gradle to turn into an AAR:
#
#   target/android/dcc-verify/
#     build.gradle.kts, consumer-rules.pro   (from bindings/android/)
#     src/main/AndroidManifest.xml
#     src/main/kotlin/eu/dcc/verify/dcc_verify.kt   (generated; the same code bindings/test.sh tests on the JVM)
#     src/main/jniLibs/{arm64-v8a,armeabi-v7a,x86_64}/libdcc_verify.so
#
# Include it in an app's settings.gradle.kts (include(":dcc-verify"), with projectDir set to
# this folder) or run `gradle assembleRelease` in a project that does, to get the .aar.
#
# NOT exercised by this repository's CI (no Android NDK there). Needs:
#   - the Android NDK r27 or later, with ANDROID_NDK_HOME set;
#   - cargo-ndk 3 or later: cargo install cargo-ndk;
#   - rustup (the script adds the Android targets).
# Libraries are linked for 16 KB memory pages (-z max-page-size=16384), which Android 15
# devices may use and Google Play requires of apps targeting Android 15; the script checks
# the alignment of every LOAD segment.
set -euo pipefail

cd "$(dirname "$0")/../.."
ROOT=$PWD
MODULE=${1:-$ROOT/target/android/dcc-verify}
MIN_SDK=${MIN_SDK:-21}
: "${ANDROID_NDK_HOME:?set ANDROID_NDK_HOME to the Android NDK (r27 or later)}"
LLVM_BIN=$(echo "$ANDROID_NDK_HOME"/toolchains/llvm/prebuilt/*/bin)

declare -A TRIPLES=(
    [arm64-v8a]=aarch64-linux-android
    [armeabi-v7a]=armv7-linux-androideabi
    [x86_64]=x86_64-linux-android
)
rustup target add "${TRIPLES[@]}"

rm -rf "$MODULE"
mkdir -p "$MODULE/src/main/kotlin" "$MODULE/src/main/jniLibs"

# 16 KB page alignment of the ELF segments.
export RUSTFLAGS="${RUSTFLAGS:-} -C link-arg=-Wl,-z,max-page-size=16384"
for abi in "${!TRIPLES[@]}"; do
    triple=${TRIPLES[$abi]}
    # Only the cdylib (`cargo rustc --crate-type cdylib`): built together with the rlib and the
    # staticlib (plain `cargo build`) it comes out about 30% larger.
    cargo ndk --target "$abi" --platform "$MIN_SDK" \
        rustc --locked --release -p dcc-verify-ffi --lib --crate-type cdylib
    so=$MODULE/src/main/jniLibs/$abi/libdcc_verify.so
    mkdir -p "$(dirname "$so")"
    "$LLVM_BIN/llvm-strip" --strip-all -o "$so" "$ROOT/target/$triple/release/libdcc_verify.so"
    while read -r align; do
        ((align >= 16384)) || { echo "$abi: a LOAD segment is aligned to $align only"; exit 1; }
    done < <("$LLVM_BIN/llvm-readelf" -lW "$so" | awk '$1 == "LOAD" { print $NF }')
    echo "$abi: $(wc -c <"$so") bytes, 16 KB aligned"
done

# The Kotlin bindings, generated from the host build of the same source.
cargo rustc --locked --release -p dcc-verify-ffi --lib --crate-type cdylib
cargo run --locked --profile bindgen --manifest-path "$ROOT/uniffi-bindgen/Cargo.toml" \
    --target-dir "$ROOT/target/uniffi-bindgen" -- generate --library "$ROOT/target/release/libdcc_verify.so" \
    --language kotlin --no-format --out-dir "$MODULE/src/main/kotlin"

cp "$ROOT/bindings/android/build.gradle.kts" "$ROOT/bindings/android/consumer-rules.pro" "$MODULE/"
cat >"$MODULE/src/main/AndroidManifest.xml" <<'XML'
<?xml version="1.0" encoding="utf-8"?>
<manifest />
XML
echo "Android library module in $MODULE"
