// Tests of the generated Swift bindings against the real library: the scenarios of the Kotlin
// and Python tests. Needs macOS (swift test, with DccVerifyFFI.xcframework built by
// bindings/ios/build-xcframework.sh); this repository's CI only syntax-checks this file.
//
// Staleness of the trust list is not tested yet: the core has none until the TrustStore of
// the trust branch lands (then: Settings.maxTrustListAgeSeconds, Verification.trustListStale).

import DccVerify
import Foundation
import XCTest

/// The repository root: this file is bindings/swift/Tests/DccVerifyTests/DccVerifyTests.swift.
private let repo = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent()
    .deletingLastPathComponent()
    .deletingLastPathComponent()
    .deletingLastPathComponent()
    .deletingLastPathComponent()

/// 2026-06-01T00:00:00Z: the samples' README states the expected answers at this time.
private let at: Int64 = 1_780_272_000

private func sample(_ name: String) throws -> String {
    try String(contentsOf: repo.appendingPathComponent("testdata/samples/\(name).txt"), encoding: .utf8)
}

private func sampleList() throws -> Data {
    try Data(contentsOf: repo.appendingPathComponent("testdata/samples/trust-list.json"))
}

private func verifierWithSamples() throws -> Verifier {
    let verifier = try Verifier(settings: Settings())
    let report = try verifier.loadUnsignedTrustList(json: sampleList())
    XCTAssertEqual(report.taken, 8)
    XCTAssertEqual(report.skipped.count, 0)
    return verifier
}

/// Loads the real German DSC list (829 certificates from 77 issuers) into `verifier`.
///
/// Today its JSON part is imported as an unsigned list: line 1 of the file is the signature,
/// the rest the JSON it signs. WHEN TrustStore LANDS this becomes
/// `verifier.loadTrustList(bytes: file, format: .deDscList)` on the whole file, verified with
/// testdata/trustlists/de-dsc-list-signing-key.pem, and a tampered copy must be refused.
private func importGermanList(_ verifier: Verifier) throws -> Int64 {
    let file = try Data(contentsOf: repo.appendingPathComponent("testdata/trustlists/de-dsc-list.signed"))
    guard let newline = file.firstIndex(of: UInt8(ascii: "\n")) else {
        XCTFail("no signature line")
        return 0
    }
    let report = try verifier.loadUnsignedTrustList(json: file.suffix(from: newline + 1))
    XCTAssertEqual(report.skipped.count, 0)
    return report.taken
}

/// The reason and code of an invalid outcome, or a failure.
private func invalid(
    _ verification: Verification, file: StaticString = #filePath, line: UInt = #line
) -> (reason: InvalidReason, code: String)? {
    guard case let .invalid(reason, code, message) = verification.outcome else {
        XCTFail("expected invalid, got \(verification.outcome)", file: file, line: line)
        return nil
    }
    XCTAssertFalse(message.isEmpty, file: file, line: line)
    return (reason, code)
}

/// The code of an undecidable outcome, or nil.
private func undecidableCode(_ verification: Verification) -> String? {
    if case let .undecidable(_, code, _) = verification.outcome {
        return code
    }
    return nil
}

final class DccVerifyTests: XCTestCase {
    func testValidSamplesVerifyWithSignerAndEveryCheckPassed() throws {
        let verifier = try verifierWithSamples()
        for name in ["vn-vaccination-es256", "vn-vaccination-ps256", "vn-test-es256", "vn-recovery-es256"] {
            let v = verifier.verify(qr: try sample(name), at: at)
            XCTAssertEqual(v.outcome, .valid, name)
            XCTAssertEqual(v.signer?.country, "VN", name)
            let c = v.checks
            for status in [c.signature, c.signerValidity, c.keyUsage, c.issuedAt, c.expiry, c.issuerCountry] {
                XCTAssertEqual(status, .passed, name)
            }
        }
    }

    func testValidCertificateDecodesIntoTypedRecords() throws {
        let v = try verifierWithSamples().verify(qr: try sample("vn-vaccination-es256"), at: at)
        XCTAssertEqual(v.kid, "6+Dmto+Hqng=")
        XCTAssertEqual(v.algorithm, .es256)
        let cert = try XCTUnwrap(v.certificate)
        XCTAssertEqual(cert.issuer, "VN")
        XCTAssertEqual(cert.issuedAt, 1_772_323_200)
        XCTAssertEqual(cert.expiresAt, 2_087_942_400)
        XCTAssertEqual(cert.certificateType, .vaccination)
        XCTAssertEqual(cert.name.familyName, "Nguyễn")
        XCTAssertEqual(cert.name.givenNameStandardised, "THI<MINH<KHAI")
        XCTAssertEqual(cert.dateOfBirth.text, "1985-03-12")
        XCTAssertEqual(cert.dateOfBirth.year, 1985)
        XCTAssertEqual(cert.dateOfBirth.month, 3)
        XCTAssertEqual(cert.dateOfBirth.day, 12)
        guard case let .vaccination(entries) = cert.entries, let entry = entries.first else {
            return XCTFail("not a vaccination: \(cert.entries)")
        }
        XCTAssertEqual(entries.count, 1)
        XCTAssertEqual(entry.doseNumber, 2)
        XCTAssertEqual(entry.totalDoses, 2)
        XCTAssertEqual(entry.medicinalProduct, "EU/1/20/1528")
        let payload = try JSONSerialization.jsonObject(with: Data(cert.payloadJson.utf8)) as? NSDictionary
        let expected = try JSONSerialization.jsonObject(
            with: Data(contentsOf: repo.appendingPathComponent("testdata/samples/vn-vaccination-es256.json"))
        ) as? NSDictionary
        XCTAssertEqual(payload, expected)
    }

    func testPartialDatesOfBirthKeepTheirPrecision() throws {
        let verifier = try verifierWithSamples()
        let test = try XCTUnwrap(verifier.verify(qr: try sample("vn-test-es256"), at: at).certificate)
        XCTAssertEqual(test.dateOfBirth.year, 1990)
        XCTAssertEqual(test.dateOfBirth.month, 7)
        XCTAssertNil(test.dateOfBirth.day)
        guard case .test = test.entries else {
            return XCTFail("not a test: \(test.entries)")
        }
        let recovery = try XCTUnwrap(verifier.verify(qr: try sample("vn-recovery-es256"), at: at).certificate)
        XCTAssertEqual(recovery.dateOfBirth.year, 1979)
        XCTAssertNil(recovery.dateOfBirth.month)
        guard case let .recovery(entries) = recovery.entries else {
            return XCTFail("not a recovery: \(recovery.entries)")
        }
        XCTAssertEqual(entries.first?.validUntil, "2026-08-13")
    }

    func testEachInvalidSampleFailsForItsStatedReason() throws {
        let verifier = try verifierWithSamples()
        let expected: [(String, InvalidReason, String)] = [
            ("vn-vaccination-tampered", .signatureInvalid, "signature-invalid"),
            ("vn-vaccination-expired", .expired, "expired"),
            ("vn-vaccination-unknown-signer", .unknownSigner, "unknown-signer"),
            ("vn-vaccination-test-only-dsc", .keyUsage(certificateType: .vaccination), "key-usage"),
            ("vn-vaccination-dsc-expired", .signerNotValid, "signer-not-valid"),
            ("vn-vaccination-dsc-not-yet-valid", .signerNotValid, "signer-not-valid"),
            ("vn-vaccination-rsa1024", .unusableSignerKey, "unusable-signer-key"),
            ("vn-vaccination-es384", .unsupportedAlgorithm, "unsupported-algorithm"),
        ]
        for (name, reason, code) in expected {
            let outcome = invalid(verifier.verify(qr: try sample(name), at: at))
            XCTAssertEqual(outcome?.reason, reason, name)
            XCTAssertEqual(outcome?.code, code, name)
        }
    }

    func testTamperedIsInvalidAndItsContentStillShown() throws {
        let v = try verifierWithSamples().verify(qr: try sample("vn-vaccination-tampered"), at: at)
        XCTAssertEqual(invalid(v)?.reason, .signatureInvalid)
        XCTAssertEqual(v.checks.signature, .failed)
        XCTAssertNil(v.signer)
        XCTAssertEqual(v.certificate?.name.familyNameStandardised, "NGUYEM")
    }

    func testExpiredDependsOnTheTimeGiven() throws {
        let verifier = try verifierWithSamples()
        let qr = try sample("vn-vaccination-expired") // iat 2021-10-01, exp 2022-10-01
        XCTAssertEqual(invalid(verifier.verify(qr: qr, at: at))?.reason, .expired)
        XCTAssertEqual(verifier.verify(qr: qr, at: at).checks.expiry, .failed)
        XCTAssertEqual(verifier.verify(qr: qr, at: 1_654_041_600).outcome, .valid) // 2022-06-01
        XCTAssertEqual(invalid(verifier.verify(qr: qr, at: 1_630_454_400))?.reason, .notYetValid) // 2021-09-01
    }

    func testUnknownSignerHasNoSignerAndTheKidItClaimed() throws {
        let v = try verifierWithSamples().verify(qr: try sample("vn-vaccination-unknown-signer"), at: at)
        XCTAssertEqual(invalid(v)?.reason, .unknownSigner)
        XCTAssertNil(v.signer)
        XCTAssertEqual(v.kid, "HVvQZ1F0g+c=")
        XCTAssertNotNil(v.certificate)
    }

    func testIssuerCountryDifferingFromTheSignersIsReported() throws {
        let v = try verifierWithSamples().verify(qr: try sample("vn-vaccination-es256-de-dsc"), at: at)
        XCTAssertEqual(v.checks.issuerCountry, .failed)
        XCTAssertEqual(v.signer?.country, "DE")
    }

    func testMalformedInputIsAResultNamingTheStage() throws {
        let verifier = try verifierWithSamples()
        let cases: [(String, DecodeStage, String)] = [
            ("", .prefix, "malformed-prefix"),
            ("hello", .prefix, "malformed-prefix"),
            ("HC2:ABC", .prefix, "unsupported-prefix"),
            ("HC1:!!!", .base45, "malformed-base45"),
            ("HC1:B/DSUEKLFNED", .inflate, "malformed-compression"),
            ("HC1:6BFVMB000-FKQ3", .cose, "malformed-cose"),
            ("HC1:" + String(repeating: "A", count: 100_000), .prefix, "input-too-long"),
            (String(try sample("vn-vaccination-es256").prefix(202)), .inflate, "malformed-compression"),
        ]
        for (qr, stage, code) in cases {
            let label = String(qr.prefix(20))
            let outcome = invalid(verifier.verify(qr: qr, at: at))
            XCTAssertEqual(outcome?.reason, .malformed(stage: stage), label)
            XCTAssertEqual(outcome?.code, code, label)
            guard case let .malformed(decodedStage, decodedCode, _) = verifier.decode(qr: qr) else {
                return XCTFail("decodes: \(label)")
            }
            XCTAssertEqual(decodedStage, stage, label)
            XCTAssertEqual(decodedCode, code, label)
        }
    }

    func testDecodeNeedsNoTrustListAndVerifyWithoutOneIsUndecidable() throws {
        let fresh = try Verifier()
        XCTAssertNil(fresh.trustListInfo())
        guard case let .decoded(certificate, kid, _) = fresh.decode(qr: try sample("vn-vaccination-tampered")) else {
            return XCTFail("does not decode")
        }
        XCTAssertEqual(certificate.name.familyNameStandardised, "NGUYEM")
        XCTAssertEqual(kid, "6+Dmto+Hqng=")
        XCTAssertEqual(undecidableCode(fresh.verify(qr: try sample("vn-vaccination-es256"), at: at)), "no-trust-list")
    }

    func testAClockNeverSetMakesTheAnswerUndecidable() throws {
        let v = try verifierWithSamples().verify(qr: try sample("vn-vaccination-es256"), at: 0)
        XCTAssertEqual(undecidableCode(v), "clock-not-set")
    }

    func testVerifyWithoutATimeUsesTheDeviceClock() throws {
        let verifier = try verifierWithSamples()
        let now = Int64(Date().timeIntervalSince1970)
        for name in ["vn-vaccination-es256", "vn-vaccination-expired"] {
            let qr = try sample(name)
            XCTAssertEqual(verifier.verify(qr: qr).outcome, verifier.verify(qr: qr, at: now).outcome, name)
        }
    }

    func testMisuseThrowsTypedErrorsAndKeepsTheList() throws {
        XCTAssertThrowsError(try Verifier(settings: Settings(clockSkewSeconds: -1))) { error in
            guard let error = error as? VerifierError, case let .InvalidArgument(message) = error else {
                return XCTFail("unexpected error \(error)")
            }
            XCTAssertTrue(message.contains("clock_skew_seconds"))
        }
        let verifier = try verifierWithSamples()
        XCTAssertThrowsError(try verifier.loadUnsignedTrustList(json: Data("not json".utf8))) { error in
            guard let error = error as? VerifierError, case .TrustListUnreadable = error else {
                return XCTFail("unexpected error \(error)")
            }
        }
        XCTAssertEqual(verifier.trustListInfo()?.certificateCount, 8)
        XCTAssertEqual(verifier.verify(qr: try sample("vn-vaccination-es256"), at: at).outcome, .valid)
    }

    func testImportReportListsSkippedEntries() throws {
        let scratch = try Verifier()
        let report = try scratch.loadUnsignedTrustList(
            json: Data(#"[{"rawData":"AAAA"},{"rawData":"%%%"},{"kid":"AAAAAAAAAAA=","rawData":"AAAA"}]"#.utf8)
        )
        XCTAssertEqual(report.taken, 0)
        XCTAssertEqual(report.skipped.map { $0.index }, [0, 1, 2])
        XCTAssertEqual(report.skipped.map { $0.reason }, [.notACertificate, .notBase64, .kidMismatch])
        XCTAssertEqual(report.skipped.last?.listedKid, "AAAAAAAAAAA=")
    }

    func testTheRealGermanListImportsAndTestKeysAreUnknownToIt() throws {
        let german = try Verifier()
        XCTAssertEqual(try importGermanList(german), 829)
        XCTAssertEqual(german.trustListInfo()?.certificateCount, 829)
        XCTAssertEqual(invalid(german.verify(qr: try sample("vn-vaccination-es256"), at: at))?.reason, .unknownSigner)
        _ = try german.loadUnsignedTrustList(json: sampleList())
        XCTAssertEqual(german.verify(qr: try sample("vn-vaccination-es256"), at: at).outcome, .valid)
    }

    func testPrintedResultsCarryNoPersonalData() throws {
        let verifier = try verifierWithSamples()
        for name in ["vn-vaccination-es256", "vn-test-es256", "vn-recovery-es256"] {
            let v = verifier.verify(qr: try sample(name), at: at)
            let cert = try XCTUnwrap(v.certificate)
            let secrets = [
                cert.name.familyName, cert.name.familyNameStandardised, cert.name.givenName,
                cert.dateOfBirth.text, "URN:UVCI",
            ].compactMap { $0 }
            let shown = [
                String(describing: v), String(reflecting: v), String(describing: cert),
                String(describing: cert.name), String(reflecting: cert.dateOfBirth),
                String(describing: cert.entries),
            ]
            for text in shown {
                for secret in secrets {
                    XCTAssertFalse(text.contains(secret), "\(name) prints personal data")
                }
            }
        }
    }

    func testFourThreadsVerifyWhileAnotherReplacesTheList() throws {
        let shared = try verifierWithSamples()
        let valid = try sample("vn-vaccination-es256")
        let list = try sampleList()
        let emptyList = Data(#"{"certificates":[]}"#.utf8)
        let answers = Collector()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) {
            for i in 0..<100 {
                do {
                    _ = try shared.loadUnsignedTrustList(json: i % 2 == 0 ? emptyList : list)
                } catch {
                    answers.add("error: \(error)")
                }
            }
        }
        for _ in 0..<4 {
            DispatchQueue.global().async(group: group) {
                for _ in 0..<250 {
                    switch shared.verify(qr: valid, at: at).outcome {
                    case .valid: answers.add("valid")
                    case let .invalid(_, code, _): answers.add(code)
                    case let .undecidable(_, code, _): answers.add(code)
                    }
                }
            }
        }
        XCTAssertEqual(group.wait(timeout: .now() + 120), .success)
        let seen = answers.all()
        XCTAssertEqual(seen.count, 1000)
        // Each verification sees one list, whole: the samples' (valid) or the empty one.
        XCTAssertTrue(Set(seen).isSubset(of: ["valid", "unknown-signer"]), "\(Set(seen))")
        XCTAssertEqual(shared.verify(qr: valid, at: at).outcome, .valid)
    }
}

/// Answers gathered from several threads.
private final class Collector: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []

    func add(_ item: String) {
        lock.lock()
        items.append(item)
        lock.unlock()
    }

    func all() -> [String] {
        lock.lock()
        defer { lock.unlock() }
        return items
    }
}
