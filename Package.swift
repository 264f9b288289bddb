// swift-tools-version:5.9
// The Swift package of dcc-verify, at the repository root so that Xcode can add it by URL
// (File > Add Package Dependencies..., this repository's URL, a release tag).
//
// - DccVerify: the Swift bindings UniFFI generates (bindings/swift/generated, checked in;
//   bindings/test.sh fails when they differ from a fresh generation).
// - DccVerifyFFI: the static libraries and the C header as an XCFramework. A local build
//   (bindings/ios/build-xcframework.sh, on a Mac) leaves it in bindings/swift/ and the package
//   uses it from there; otherwise it comes from the release: the release job uploads the
//   zipped XCFramework and writes its URL and `swift package compute-checksum` here.

import Foundation
import PackageDescription

let releaseURL = "https://example.invalid/dcc-verify/releases/0.1.0/DccVerifyFFI.xcframework.zip"
let releaseChecksum = "0000000000000000000000000000000000000000000000000000000000000000"

let localXCFramework = "bindings/swift/DccVerifyFFI.xcframework"
let packageDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().path
let builtLocally = FileManager.default.fileExists(atPath: packageDirectory + "/" + localXCFramework)

let ffiTarget: Target = builtLocally
    ? .binaryTarget(name: "DccVerifyFFI", path: localXCFramework)
    : .binaryTarget(name: "DccVerifyFFI", url: releaseURL, checksum: releaseChecksum)

let package = Package(
    name: "DccVerify",
    platforms: [.iOS(.v13), .macOS(.v11)],
    products: [
        .library(name: "DccVerify", targets: ["DccVerify"]),
    ],
    targets: [
        ffiTarget,
        .target(
            name: "DccVerify",
            dependencies: ["DccVerifyFFI"],
            path: "bindings/swift/generated",
            exclude: ["DccVerifyFFI.h", "DccVerifyFFI.modulemap"],
            sources: ["DccVerify.swift"]
        ),
        .testTarget(
            name: "DccVerifyTests",
            dependencies: ["DccVerify"],
            path: "bindings/swift/Tests/DccVerifyTests"
        ),
    ]
)
