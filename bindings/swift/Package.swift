// swift-tools-version:5.9
// The Swift package of dcc-verify. `generated/` is what uniffi-bindgen writes (checked in, and
// bindings/test.sh fails when it differs from a fresh generation); DccVerifyFFI.xcframework
// (the static libraries and the C header) is built by bindings/ios/build-xcframework.sh.

import PackageDescription

let package = Package(
    name: "DccVerify",
    platforms: [.iOS(.v13), .macOS(.v11)],
    products: [
        .library(name: "DccVerify", targets: ["DccVerify"]),
    ],
    targets: [
        .binaryTarget(name: "DccVerifyFFI", path: "DccVerifyFFI.xcframework"),
        .target(
            name: "DccVerify",
            dependencies: ["DccVerifyFFI"],
            path: "generated",
            exclude: ["DccVerifyFFI.h", "DccVerifyFFI.modulemap"],
            sources: ["DccVerify.swift"]
        ),
        .testTarget(
            name: "DccVerifyTests",
            dependencies: ["DccVerify"],
            path: "Tests/DccVerifyTests"
        ),
    ]
)
