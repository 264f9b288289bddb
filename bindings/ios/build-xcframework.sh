#!/usr/bin/env bash
# Builds bindings/swift/DccVerifyFFI.xcframework: the static library and the C header of
# dcc-verify for
#   - iOS devices (aarch64-apple-ios),
#   - the iOS simulator (aarch64-apple-ios-sim + x86_64-apple-ios, one fat library),
#   - macOS (aarch64-apple-darwin + x86_64-apple-darwin), so `swift test` runs the XCTest
#     suite in bindings/swift/Tests on a Mac.
# With it, the root Package.swift builds locally (without it, the package takes the released
# XCFramework from its URL): add the repository to an app by path, or run `swift test` at the
# repository root.
#
# NOT exercised by this repository's CI (Linux, no Xcode). Needs macOS with Xcode and rustup
# (the script adds the Apple targets). The Swift sources and the header are the ones checked
# in under bindings/swift/generated, which CI keeps equal to a fresh generation.
set -euo pipefail

cd "$(dirname "$0")/../.."
ROOT=$PWD
OUT=$ROOT/target/apple
XCFRAMEWORK=$ROOT/bindings/swift/DccVerifyFFI.xcframework
export IPHONEOS_DEPLOYMENT_TARGET=13.0 MACOSX_DEPLOYMENT_TARGET=11.0

DEVICE=aarch64-apple-ios
SIMULATOR=(aarch64-apple-ios-sim x86_64-apple-ios)
MACOS=(aarch64-apple-darwin x86_64-apple-darwin)
rustup target add "$DEVICE" "${SIMULATOR[@]}" "${MACOS[@]}"

for target in "$DEVICE" "${SIMULATOR[@]}" "${MACOS[@]}"; do
    # Only the staticlib: built with the rlib and the cdylib it comes out larger.
    # DCC_FFI_FEATURES=panic-test builds the test-only library of PanicTests (never ship it).
    cargo rustc --locked --release -p dcc-verify-ffi ${DCC_FFI_FEATURES:+--features "$DCC_FFI_FEATURES"} \
        --lib --crate-type staticlib --target "$target"
done

lib() { echo "$ROOT/target/$1/release/libdcc_verify.a"; }
rm -rf "$OUT" "$XCFRAMEWORK"
mkdir -p "$OUT/headers" "$OUT/ios" "$OUT/ios-simulator" "$OUT/macos"
cp "$ROOT/bindings/swift/generated/DccVerifyFFI.h" "$OUT/headers/"
cp "$ROOT/bindings/swift/generated/DccVerifyFFI.modulemap" "$OUT/headers/module.modulemap"
cp "$(lib "$DEVICE")" "$OUT/ios/"
lipo -create "$(lib "${SIMULATOR[0]}")" "$(lib "${SIMULATOR[1]}")" -output "$OUT/ios-simulator/libdcc_verify.a"
lipo -create "$(lib "${MACOS[0]}")" "$(lib "${MACOS[1]}")" -output "$OUT/macos/libdcc_verify.a"

xcodebuild -create-xcframework \
    -library "$OUT/ios/libdcc_verify.a" -headers "$OUT/headers" \
    -library "$OUT/ios-simulator/libdcc_verify.a" -headers "$OUT/headers" \
    -library "$OUT/macos/libdcc_verify.a" -headers "$OUT/headers" \
    -output "$XCFRAMEWORK"
echo "built $XCFRAMEWORK"
