// Tests of the generated Swift bindings against the real library: the scenarios of the Kotlin
// and Python tests. Needs macOS (swift test, with DccVerifyFFI.xcframework built by
// bindings/ios/build-xcframework.sh); this repository's CI only syntax-checks this file.

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

private let day: Int64 = 86_400

private func data(_ path: String) throws -> Data {
    try Data(contentsOf: repo.appendingPathComponent(path))
}

private func sampleList() throws -> Data {
    try data("testdata/samples/trust-list.json")
}

private func samples() throws -> UnsignedTrustList {
    .json(list: try sampleList())
}

private func german() throws -> SignedTrustList {
    .de(list: try data("testdata/trustlists/de-dsc-list.signed"))
}

private func germanKey() throws -> Data {
    try data("testdata/trustlists/de-dsc-list-signing-key.pem")
}

/// The German list with one byte of its signed JSON flipped.
private func tamperedGerman() throws -> SignedTrustList {
    var bytes = try data("testdata/trustlists/de-dsc-list.signed")
    let middle = bytes.startIndex + bytes.count / 2
    bytes[middle] ^= 0x01
    return .de(list: bytes)
}

private func verifierWithSamples() throws -> Verifier {
    let verifier = try Verifier(settings: Settings())
    let report = try verifier.loadUnsignedTrustList(list: samples())
    XCTAssertEqual(report.taken, 8)
    XCTAssertEqual(report.skipped.count, 0)
    return verifier
}

private func deEuRules() throws -> Data {
    try data("testdata/rules-samples/de-eu-rules.json")
}

/// A verifier with the sample list and the DE+EU sample rules, arriving in DE.
private func arrivingInGermany(language: String = "en") throws -> Verifier {
    let verifier = try Verifier(settings: Settings(arrivalCountry: "DE", language: language))
    _ = try verifier.loadUnsignedTrustList(list: samples())
    let report = try verifier.loadRules(json: deEuRules())
    XCTAssertEqual(report.taken, 25)
    XCTAssertEqual(report.rejected.count, 0)
    return verifier
}

/// One of the DE+EU sample rules, as a JSON object.
private func sampleRule(_ identifier: String) throws -> [String: Any] {
    let rules = try JSONSerialization.jsonObject(with: deEuRules()) as? [[String: Any]]
    return try XCTUnwrap(rules?.first { $0["Identifier"] as? String == identifier })
}

/// A real NL certificate from the EU conformance corpus: genuinely signed, its dob outside the
/// 1.0.0 schema's pattern, its test type the placeholder "a test". Its QR text, its signer as a
/// PEM trust list, and an hour after it was signed.
private func nlSchemaViolations() throws -> (qr: String, signer: UnsignedTrustList, at: Int64) {
    let conformanceCase = try JSONSerialization.jsonObject(
        with: data("testdata/dgc-testdata/NL/2DCode/raw/006-NL-test.json")
    ) as? [String: Any]
    let qr = try XCTUnwrap(conformanceCase?["PREFIX"] as? String)
    let certificate = try XCTUnwrap((conformanceCase?["TESTCTX"] as? [String: Any])?["CERTIFICATE"] as? String)
    let pem = "-----BEGIN CERTIFICATE-----\n\(certificate)\n-----END CERTIFICATE-----\n"
    let decoded = try XCTUnwrap(decodedCertificate(try Verifier().decode(qr: qr)))
    return (qr, .pem(list: Data(pem.utf8)), (decoded.issuedAt ?? 0) + 3600)
}

/// The certificate of a decoded QR text, or nil.
private func decodedCertificate(_ outcome: DecodeOutcome) -> HealthCertificate? {
    if case let .decoded(certificate, _, _, _) = outcome {
        return certificate
    }
    return nil
}

extension HealthCertificate {
    /// The EU DCC the certificate holds, or nil.
    var dcc: EuDcc? {
        if case let .euDcc(dcc) = content {
            return dcc
        }
        return nil
    }
}

/// The vaccination names of a certificate, or a failure.
private func vaccinationNames(
    _ certificate: HealthCertificate?, file: StaticString = #filePath, line: UInt = #line
) -> VaccinationNames? {
    guard case let .vaccination(entries)? = certificate?.dcc?.displayNames, entries.count == 1 else {
        XCTFail("not one vaccination: \(String(describing: certificate?.dcc?.displayNames))", file: file, line: line)
        return nil
    }
    return entries[0]
}

/// The code of a `RulesRefused` or `ValueSetsRefused` error, or nil.
private func documentRefusalCode(_ error: Error) -> String? {
    switch error as? VerifierError {
    case let .RulesRefused(code, _)?, let .ValueSetsRefused(code, _)?: return code
    default: return nil
    }
}

/// "valid", or the code of the reason.
private func code(_ outcome: Outcome) -> String {
    switch outcome {
    case .valid: return "valid"
    case let .invalid(_, code, _): return code
    case let .undecidable(_, code, _): return code
    }
}

/// The code of a `TrustListRefused` error, or nil.
private func refusalCode(_ error: Error) -> String? {
    if let error = error as? VerifierError, case let .TrustListRefused(code, _) = error {
        return code
    }
    return nil
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
        let whole = try XCTUnwrap(v.certificate)
        XCTAssertEqual(whole.issuer, "VN")
        XCTAssertEqual(whole.issuedAt, 1_772_323_200)
        XCTAssertEqual(whole.expiresAt, 2_087_942_400)
        XCTAssertEqual(whole.kind, .euDcc)
        XCTAssertEqual(v.deviations, [])
        let cert = try XCTUnwrap(whole.dcc)
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
        let payload = try JSONSerialization.jsonObject(with: Data(whole.payloadJson.utf8)) as? NSDictionary
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
        XCTAssertEqual(v.certificate?.dcc?.name.familyNameStandardised, "NGUYEM")
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
        guard case let .decoded(certificate, kid, _, _) = fresh.decode(qr: try sample("vn-vaccination-tampered")) else {
            return XCTFail("does not decode")
        }
        XCTAssertEqual(certificate.dcc?.name.familyNameStandardised, "NGUYEM")
        XCTAssertEqual(kid, "6+Dmto+Hqng=")
        XCTAssertEqual(undecidableCode(fresh.verify(qr: try sample("vn-vaccination-es256"), at: at)), "no-trust-list")
    }

    func testAnExplicitTimeBefore2020IsNotAnUnsetClock() throws {
        let v = try verifierWithSamples().verify(qr: try sample("vn-vaccination-es256"), at: 0)
        XCTAssertEqual(code(v.outcome), "not-yet-valid")
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
        let cases: [(Settings, String)] = [
            (Settings(clockSkewSeconds: -1), "clock_skew_seconds"),
            (Settings(staleAfterSeconds: -1), "stale_after_seconds"),
            (Settings(refuseAfterSeconds: -1), "refuse_after_seconds"),
        ]
        for (bad, name) in cases {
            XCTAssertThrowsError(try Verifier(settings: bad)) { error in
                guard let error = error as? VerifierError, case let .InvalidArgument(detail) = error else {
                    return XCTFail("unexpected error \(error)")
                }
                XCTAssertTrue(detail.contains(name))
            }
        }
        let verifier = try verifierWithSamples()
        XCTAssertThrowsError(try verifier.loadUnsignedTrustList(list: .json(list: Data("not json".utf8)))) { error in
            XCTAssertEqual(refusalCode(error), "not-json")
        }
        XCTAssertThrowsError(
            try verifier.loadTrustList(list: german(), anchors: [germanKey(), Data("not a key".utf8)])
        ) { error in
            guard let error = error as? VerifierError, case let .InvalidAnchor(index, _) = error else {
                return XCTFail("unexpected error \(error)")
            }
            XCTAssertEqual(index, 1)
        }
        XCTAssertThrowsError(try verifier.loadTrustList(list: german(), anchors: [])) { error in
            XCTAssertEqual(refusalCode(error), "no-anchors")
        }
        XCTAssertThrowsError(try verifier.updateCache(list: german())) { error in
            XCTAssertEqual(error as? VerifierError, .NoCacheDirectory)
        }
        XCTAssertNil(verifier.cacheLoadError())
        XCTAssertEqual(verifier.trustListInfo()?.certificateCount, 8)
        XCTAssertEqual(verifier.verify(qr: try sample("vn-vaccination-es256"), at: at).outcome, .valid)
    }

    func testImportReportListsSkippedEntries() throws {
        let document = try JSONSerialization.jsonObject(with: sampleList()) as? [String: Any]
        let real = try XCTUnwrap((document?["certificates"] as? [[String: Any]])?.first)
        let rawData = try XCTUnwrap(real["rawData"] as? String)
        let entries: [[String: Any]] = [
            ["rawData": "AAAA"],
            ["rawData": "%%%"],
            ["kid": "AAAAAAAAAAA=", "rawData": rawData], // a real certificate, another kid
            real,
        ]
        let scratch = try Verifier()
        let report = try scratch.loadUnsignedTrustList(
            list: .json(list: JSONSerialization.data(withJSONObject: entries))
        )
        XCTAssertEqual(report.taken, 1)
        XCTAssertEqual(report.skipped.map { $0.index }, [0, 1, 2])
        XCTAssertEqual(report.skipped.map { $0.reason }, [.notACertificate, .notBase64, .kidMismatch])
        XCTAssertEqual(report.skipped.last?.listedKid, "AAAAAAAAAAA=")
        XCTAssertEqual(report.newestEntry, 1_772_323_200) // the entry's timestamp, 2026-03-01
    }

    func testTheRealGermanListImportsSignedAndTestKeysAreUnknownToIt() throws {
        let german = try Verifier()
        let report = try german.loadTrustList(list: german(), anchors: [germanKey()])
        XCTAssertEqual(report.taken, 829)
        XCTAssertEqual(report.skipped.count, 0)
        let info = try XCTUnwrap(german.trustListInfo())
        XCTAssertEqual(info.certificateCount, 829)
        XCTAssertEqual(info.status.format, .de)
        XCTAssertTrue(info.status.signed)
        XCTAssertFalse(info.status.stale)
        XCTAssertEqual(info.anchor?.count, 16)
        XCTAssertEqual(info.listTime, report.newestEntry)
        XCTAssertEqual(info.issuers.map { $0.certificateCount }.reduce(0, +), 829)
        XCTAssertGreaterThanOrEqual(info.issuers.first { $0.country == "VN" }?.certificateCount ?? 0, 1)
        let v = german.verify(qr: try sample("vn-vaccination-es256"), at: at)
        XCTAssertEqual(invalid(v)?.reason, .unknownSigner)
        XCTAssertEqual(v.trustList?.format, .de)
        XCTAssertEqual(v.trustList?.signed, true)
        _ = try german.loadUnsignedTrustList(list: samples())
        let back = german.verify(qr: try sample("vn-vaccination-es256"), at: at)
        XCTAssertEqual(back.outcome, .valid)
        XCTAssertEqual(back.trustList?.format, .json)
        XCTAssertEqual(back.trustList?.signed, false)
    }

    func testATamperedSignedListIsRefusedAndThePreviousListStays() throws {
        let verifier = try verifierWithSamples()
        XCTAssertThrowsError(try verifier.loadTrustList(list: tamperedGerman(), anchors: [germanKey()])) { error in
            XCTAssertEqual(refusalCode(error), "signature-invalid")
        }
        XCTAssertEqual(verifier.trustListInfo()?.certificateCount, 8)
        XCTAssertEqual(verifier.verify(qr: try sample("vn-vaccination-es256"), at: at).outcome, .valid)
    }

    func testAListFetchedThreeDaysAgoIsStale() throws {
        let now = Int64(Date().timeIntervalSince1970)
        let verifier = try Verifier()
        _ = try verifier.loadTrustList(list: german(), anchors: [germanKey()], fetchedAt: now - 3 * day)
        let info = try XCTUnwrap(verifier.trustListInfo())
        XCTAssertEqual(info.fetchedAt, now - 3 * day)
        XCTAssertTrue(info.status.stale)
        let age = try XCTUnwrap(info.status.ageSeconds)
        XCTAssertTrue(age >= 3 * day && age < 3 * day + 60, "\(age)")
        let status = try XCTUnwrap(verifier.verify(qr: try sample("vn-vaccination-es256"), at: now).trustList)
        XCTAssertEqual(status.ageSeconds, 3 * day)
        XCTAssertTrue(status.stale)
        XCTAssertTrue(status.signed)
        let earlier = try XCTUnwrap(
            verifier.verify(qr: try sample("vn-vaccination-es256"), at: now - 3 * day + 3600).trustList
        )
        XCTAssertEqual(earlier.ageSeconds, 3600)
        XCTAssertFalse(earlier.stale)
    }

    func testRefuseAfterMakesAnOlderListUndecidable() throws {
        let strict = try Verifier(settings: Settings(staleAfterSeconds: day, refuseAfterSeconds: 2 * day))
        _ = try strict.loadUnsignedTrustList(list: samples(), fetchedAt: at - 3 * day)
        let v = strict.verify(qr: try sample("vn-vaccination-es256"), at: at)
        guard case let .undecidable(reason, code, _) = v.outcome else {
            return XCTFail("not undecidable: \(v.outcome)")
        }
        XCTAssertEqual(reason, .trustListExpired)
        XCTAssertEqual(code, "trust-list-expired")
        XCTAssertEqual(v.checks.signature, .passed) // the checks still ran
        let younger = strict.verify(qr: try sample("vn-vaccination-es256"), at: at - day - 3600)
        XCTAssertEqual(younger.outcome, .valid)
        XCTAssertEqual(younger.trustList?.ageSeconds, 2 * day - 3600)
        XCTAssertEqual(younger.trustList?.stale, true)
    }

    func testTheCacheDirectoryKeepsTheLastGoodListAcrossRestarts() throws {
        let valid = try sample("vn-vaccination-es256")
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
        defer { try? FileManager.default.removeItem(at: tmp) }
        let directory = tmp.appendingPathComponent("trust").path
        let cacheFile = URL(fileURLWithPath: directory).appendingPathComponent("trust-list.cache")

        let first = try Verifier.openCache(directory: directory, anchors: [germanKey()], allowUnsigned: true)
        XCTAssertEqual(first.cacheLoadError(), .missing)
        XCTAssertNil(first.trustListInfo())
        XCTAssertEqual(code(first.verify(qr: valid, at: at).outcome), "no-trust-list")

        XCTAssertEqual(try first.updateCache(list: german()).taken, 829)
        XCTAssertEqual(code(first.verify(qr: valid, at: at).outcome), "unknown-signer")
        XCTAssertEqual(try first.updateCacheUnsigned(list: samples()).taken, 8) // newer entries
        XCTAssertEqual(first.verify(qr: valid, at: at).outcome, .valid)
        let onDisk = try Data(contentsOf: cacheFile)

        XCTAssertThrowsError(try first.updateCache(list: german())) { error in
            XCTAssertEqual(refusalCode(error), "rollback") // its newest entry is older
        }
        XCTAssertThrowsError(try first.updateCache(list: tamperedGerman(), force: true)) { error in
            XCTAssertEqual(refusalCode(error), "signature-invalid")
        }
        XCTAssertEqual(first.verify(qr: valid, at: at).outcome, .valid)
        XCTAssertEqual(try Data(contentsOf: cacheFile), onDisk)

        let second = try Verifier.openCache(directory: directory, anchors: [germanKey()], allowUnsigned: true) // the next start
        XCTAssertNil(second.cacheLoadError())
        XCTAssertEqual(second.trustListInfo()?.certificateCount, 8)
        XCTAssertEqual(second.verify(qr: valid, at: at).outcome, .valid)

        XCTAssertEqual(try first.updateCache(list: german(), force: true).taken, 829)
        let third = try Verifier.openCache(directory: directory, anchors: [germanKey()])
        XCTAssertEqual(third.trustListInfo()?.certificateCount, 829)
        XCTAssertEqual(third.trustListInfo()?.status.signed, true)
        let untrusting = try Verifier.openCache(directory: directory, anchors: []) // key no longer an anchor
        XCTAssertNil(untrusting.trustListInfo())
        guard case let .rejected(rejection, _) = untrusting.cacheLoadError() else {
            return XCTFail("not rejected: \(String(describing: untrusting.cacheLoadError()))")
        }
        XCTAssertEqual(rejection, "no-anchors")
    }

    func testRulesJudgeAGenuineCertificate() throws {
        let rules = try arrivingInGermany()
        let v = rules.verify(qr: try sample("vn-vaccination-es256"), at: at)
        XCTAssertEqual(v.outcome, .valid)
        let result = try XCTUnwrap(v.rules)
        XCTAssertEqual([result.passed, result.failed, result.open], [4, 0, 0])
        XCTAssertEqual(result.verdicts.map { $0.identifier }, ["VR-DE-0001", "VR-DE-0002", "VR-DE-0003", "VR-DE-0004"])
        let first = try XCTUnwrap(result.verdicts.first)
        XCTAssertEqual(first.ruleType, .acceptance)
        XCTAssertEqual(first.country, "DE")
        XCTAssertEqual(first.version, "1.0.0")
        XCTAssertEqual(first.description, "The vaccination schedule must be complete (e.g., 1/1, 2/2).")
        XCTAssertTrue(result.verdicts.allSatisfy { $0.outcome == .passed })

        let test = rules.verify(qr: try sample("vn-test-es256"), at: at) // a rapid test taken 3 months before
        XCTAssertEqual(invalid(test)?.reason, .rulesFailed)
        XCTAssertEqual(invalid(test)?.code, "rules-failed")
        let testResult = try XCTUnwrap(test.rules)
        XCTAssertEqual([testResult.passed, testResult.failed, testResult.open], [4, 1, 0])
        XCTAssertEqual(testResult.verdicts.filter { $0.outcome == .failed }.map { $0.identifier }, ["TR-DE-0002"])
        XCTAssertEqual(rules.verify(qr: try sample("vn-test-es256"), at: 1_772_366_400).outcome, .valid) // 3.5 h after

        let german = try arrivingInGermany(language: "de")
        let failed = german.verify(qr: try sample("vn-test-es256"), at: at).rules?.verdicts.first { $0.outcome == .failed }
        XCTAssertTrue(failed?.description.hasPrefix("Die Probenahme") ?? false, "\(String(describing: failed))")

        rules.clearRules()
        let cleared = rules.verify(qr: try sample("vn-test-es256"), at: at)
        XCTAssertEqual(cleared.outcome, .valid)
        XCTAssertNil(cleared.rules)
    }

    func testARuleForAnUnknownEngineIsOpen() throws {
        let rules = try arrivingInGermany()
        var unknown = try sampleRule("VR-DE-0001")
        unknown["Engine"] = "FUTURELOGIC"
        unknown["EngineVersion"] = "2.0.0"
        let document = try JSONSerialization.data(withJSONObject: [unknown, try sampleRule("VR-DE-0002")])
        let report = try rules.loadRules(json: document)
        XCTAssertEqual(report.taken, 2)
        XCTAssertEqual(report.rejected.count, 0)
        let v = rules.verify(qr: try sample("vn-vaccination-es256"), at: at)
        guard case let .undecidable(reason, code, _) = v.outcome else {
            return XCTFail("not undecidable: \(v.outcome)")
        }
        XCTAssertEqual(reason, .rulesOpen)
        XCTAssertEqual(code, "rules-open")
        let result = try XCTUnwrap(v.rules)
        XCTAssertEqual([result.passed, result.failed, result.open], [1, 0, 1])
        let open = try XCTUnwrap(result.verdicts.first { $0.identifier == "VR-DE-0001" })
        guard case let .open(why, whyCode, message) = open.outcome else {
            return XCTFail("not open: \(open.outcome)")
        }
        XCTAssertEqual(why, .unsupportedEngine)
        XCTAssertEqual(whyCode, "unsupported-engine")
        XCTAssertFalse(message.isEmpty)
    }

    func testARuleSetReportsWhatItLeavesOutAndRefusesANonArray() throws {
        let rules = try arrivingInGermany()
        var badVersion = try sampleRule("VR-DE-0002")
        badVersion["Version"] = "one"
        let document = try JSONSerialization.data(withJSONObject: [
            try sampleRule("VR-DE-0001"), badVersion, ["Identifier": "VR-XX-0001"], 42,
        ] as [Any])
        let report = try rules.loadRules(json: document)
        XCTAssertEqual(report.taken, 1)
        XCTAssertEqual(report.rejected.map { $0.index }, [1, 2, 3])
        XCTAssertEqual(report.rejected.map { $0.identifier }, ["VR-DE-0002", "VR-XX-0001", nil])
        XCTAssertEqual(report.rejected.map { $0.code }, ["invalid-version", "not-a-rule", "not-a-rule"])
        XCTAssertTrue(report.rejected.allSatisfy { !$0.message.isEmpty })
        for (text, expected) in [("{\"rules\": []}", "not-an-array"), ("[{", "not-json")] {
            XCTAssertThrowsError(try rules.loadRules(json: Data(text.utf8))) { error in
                XCTAssertEqual(documentRefusalCode(error), expected)
            }
        }
        // VR-DE-0001 alone is still in force.
        let inForce = rules.verify(qr: try sample("vn-vaccination-es256"), at: at).rules?.verdicts.map { $0.identifier }
        XCTAssertEqual(inForce, ["VR-DE-0001"])
    }

    func testTheSchemaPolicyDecidesWhatViolationsDo() throws {
        let (qr, signer, signedAt) = try nlSchemaViolations()
        func verification(_ policy: SchemaPolicy?) throws -> Verification {
            let verifier = try Verifier(settings: Settings(schemaPolicy: policy))
            _ = try verifier.loadUnsignedTrustList(list: signer)
            return verifier.verify(qr: qr, at: signedAt)
        }
        let lenient = try verification(nil)
        XCTAssertEqual(lenient.outcome, .valid)
        let schema = try XCTUnwrap(lenient.schema)
        XCTAssertEqual(schema.version, "1.0.0")
        XCTAssertEqual(schema.violations.map { $0.path }, ["/dob"])
        XCTAssertEqual(schema.violations.map { $0.kind }, ["pattern"])
        XCTAssertEqual(schema.valueSetViolations.map { $0.path }, ["/t/0/tt"])
        XCTAssertEqual(schema.valueSetViolations.map { $0.valueSet }, ["covid-19-lab-test-type"])
        XCTAssertEqual(schema.valueSetViolations.map { $0.kind }, ["not-in-value-set"])
        XCTAssertEqual(try verification(.lenient).schema, schema)
        let strict = try verification(.strict)
        XCTAssertEqual(invalid(strict)?.reason, .schemaInvalid)
        XCTAssertEqual(invalid(strict)?.code, "schema-invalid")
        XCTAssertEqual(strict.schema, schema)
        let off = try verification(.off)
        XCTAssertEqual(off.outcome, .valid)
        XCTAssertNil(off.schema)

        let conforming = try Verifier(settings: Settings(schemaPolicy: .strict))
        _ = try conforming.loadUnsignedTrustList(list: samples())
        let v = conforming.verify(qr: try sample("vn-vaccination-es256"), at: at)
        XCTAssertEqual(v.outcome, .valid)
        XCTAssertEqual(v.schema, SchemaCheck(version: "1.3.0", violations: [], valueSetViolations: []))
    }

    func testDisplayNamesNameTheCodes() throws {
        let verifier = try verifierWithSamples()
        let names = vaccinationNames(verifier.verify(qr: try sample("vn-vaccination-es256"), at: at).certificate)
        XCTAssertEqual(names, VaccinationNames(
            disease: "COVID-19", vaccine: "covid-19 vaccines (deprecated)", product: "Comirnaty",
            manufacturer: "Biontech Manufacturing GmbH", country: "Viet Nam"
        ))
        let test = verifier.verify(qr: try sample("vn-test-es256"), at: at).certificate?.dcc?.displayNames
        XCTAssertEqual(test, .test(entries: [TestNames(
            disease: "COVID-19", testType: "Rapid immunoassay", result: "Not detected",
            device: "Abbott Rapid Diagnostics, Panbio COVID-19 Ag Rapid Test", country: "Viet Nam"
        )]))
        let recovery = try XCTUnwrap(decodedCertificate(try Verifier().decode(qr: try sample("vn-recovery-es256"))))
        XCTAssertEqual(recovery.dcc?.displayNames, .recovery(entries: [RecoveryNames(disease: "COVID-19", country: "Viet Nam")]))
    }

    func testLoadedValueSetsChangeTheDisplayNames() throws {
        let verifier = try verifierWithSamples()
        let qr = try sample("vn-vaccination-es256")
        try verifier.loadValueSets(json: Data("""
            {"valueSetId": "vaccines-covid-19-names", "valueSetDate": "2026-05-01", "valueSetValues":
             {"EU/1/20/1528": {"display": "Comirnaty (BioNTech)", "lang": "en", "active": true,
                               "system": "x", "version": ""}}}
            """.utf8))
        let renamed = verifier.verify(qr: qr, at: at)
        XCTAssertEqual(vaccinationNames(renamed.certificate)?.product, "Comirnaty (BioNTech)")
        XCTAssertEqual(vaccinationNames(renamed.certificate)?.country, "Viet Nam") // the rest stays bundled
        XCTAssertEqual(renamed.schema?.valueSetViolations.count, 0)
        XCTAssertEqual(decodedCertificate(verifier.decode(qr: qr))?.dcc?.displayNames, renamed.certificate?.dcc?.displayNames)
        try verifier.loadValueSets(json: Data(#"{"country-2-codes": ["VN"]}"#.utf8)) // codes only, no names
        let compressed = verifier.verify(qr: qr, at: at)
        XCTAssertEqual(vaccinationNames(compressed.certificate)?.product, "Comirnaty") // each load starts from the bundled sets
        XCTAssertNil(vaccinationNames(compressed.certificate)?.country)
        for (document, expected) in [
            (Data("\"text\"".utf8), "not-value-sets"), (Data("{".utf8), "not-json"), (Data([0xFF]), "not-json"),
        ] {
            XCTAssertThrowsError(try verifier.loadValueSets(json: document)) { error in
                XCTAssertEqual(documentRefusalCode(error), expected)
            }
        }
        XCTAssertNil(vaccinationNames(verifier.verify(qr: qr, at: at).certificate)?.country) // the sets in force stay
    }

    func testEveryKindHasItsContentCase() throws {
        let verifier = try Verifier()
        _ = try verifier.loadUnsignedTrustList(list: .pem(list: try data("testdata/who-hcert/dsc.pem")))
        let july: Int64 = 1_782_864_000 // 2026-07-01T00:00:00Z
        func verify(_ name: String) throws -> Verification {
            let qr = try String(
                contentsOf: repo.appendingPathComponent("testdata/who-hcert/qr/\(name).txt"), encoding: .utf8
            )
            return verifier.verify(qr: qr.trimmingCharacters(in: .whitespacesAndNewlines), at: july)
        }
        let icvp = try verify("who-itb-track2-icvp-XCL-2026")
        XCTAssertEqual(icvp.outcome, .valid)
        XCTAssertEqual(icvp.certificate?.kind, .icvp)
        XCTAssertNil(icvp.certificate?.expiresAt)
        guard case let .icvp(content)? = icvp.certificate?.content, let vaccination = content.vaccinations.first else {
            return XCTFail("not an ICVP")
        }
        XCTAssertEqual(vaccination.vaccineType, "Yellow Fever")
        XCTAssertEqual(vaccination.validFrom, "2025-09-26")
        let linked = try verify("who-itb-track1-vhl-XJ-2026")
        XCTAssertEqual(linked.deviations, ["text-kid", "text-claim-keys", "iat-milliseconds", "link-exp-milliseconds"])
        guard case let .healthLink(link)? = linked.certificate?.content else {
            return XCTFail("not a health link")
        }
        XCTAssertEqual(link.host, "lacpass.create.cl:8182")
        XCTAssertTrue(link.key.hasPrefix("ePhmJ1"))
        for text in [String(describing: linked), String(describing: link)] {
            XCTAssertFalse(text.contains("ePhmJ1"), "link key printed")
        }
    }

    func testPrintedResultsCarryNoPersonalData() throws {
        let verifier = try arrivingInGermany() // so that results hold rule verdicts too
        for name in ["vn-vaccination-es256", "vn-test-es256", "vn-recovery-es256"] {
            let v = verifier.verify(qr: try sample(name), at: at)
            XCTAssertNotNil(v.rules, name)
            let whole = try XCTUnwrap(v.certificate)
            let cert = try XCTUnwrap(whole.dcc)
            let secrets = [
                cert.name.familyName, cert.name.familyNameStandardised, cert.name.givenName,
                cert.dateOfBirth.text, "URN:UVCI",
            ].compactMap { $0 }
            let shown = [
                String(describing: v), String(reflecting: v), String(describing: whole), String(describing: cert),
                String(describing: cert.name), String(reflecting: cert.dateOfBirth),
                String(describing: cert.entries), String(describing: v.rules), String(describing: v.schema),
                String(describing: cert.displayNames),
            ]
            for text in shown {
                for secret in secrets {
                    XCTAssertFalse(text.contains(secret), "\(name) prints personal data")
                }
            }
        }
    }

    func testFourThreadsVerifyWhileAnotherUpdatesTheCache() throws {
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
        defer { try? FileManager.default.removeItem(at: tmp) }
        let shared = try Verifier.openCache(directory: tmp.path, anchors: [germanKey()], allowUnsigned: true)
        _ = try shared.updateCacheUnsigned(list: samples())
        let valid = try sample("vn-vaccination-es256")
        let (signed, unsigned) = (try german(), try samples())
        let answers = Collector()
        let verifiers = DispatchGroup()
        for _ in 0..<4 {
            DispatchQueue.global().async(group: verifiers) {
                for _ in 0..<250 {
                    answers.add(code(shared.verify(qr: valid, at: at).outcome))
                }
            }
        }
        // The real update path (verified, written to disk, swapped in), until the verifiers are
        // done: every verification runs while updates do.
        let updater = DispatchGroup()
        let updates = Collector()
        DispatchQueue.global().async(group: updater) {
            var i = 0
            // At least two updates, and the last one back to the sample list.
            while verifiers.wait(timeout: .now()) == .timedOut || i < 2 || i % 2 == 1 {
                do {
                    if i % 2 == 0 {
                        _ = try shared.updateCache(list: signed, force: true)
                    } else {
                        _ = try shared.updateCacheUnsigned(list: unsigned, force: true)
                    }
                    updates.add("ok")
                } catch {
                    updates.add("error: \(error)")
                }
                i += 1
            }
        }
        XCTAssertEqual(verifiers.wait(timeout: .now() + 120), .success)
        XCTAssertEqual(updater.wait(timeout: .now() + 120), .success)
        XCTAssertEqual(Set(updates.all()), ["ok"])
        let seen = answers.all()
        XCTAssertEqual(seen.count, 1000)
        // Each verification sees one list, whole: the samples' (valid) or the German one.
        XCTAssertTrue(Set(seen).isSubset(of: ["valid", "unknown-signer"]), "\(Set(seen))")
        XCTAssertEqual(shared.verify(qr: valid, at: at).outcome, .valid)
        XCTAssertEqual(
            try Verifier.openCache(directory: tmp.path, anchors: [germanKey()], allowUnsigned: true).trustListInfo()?.certificateCount, 8
        )
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

/// A Rust panic forced through the Swift bindings. What happens in Swift: UniFFI calls the
/// methods that do not throw (`verify`, `decode`, `trustListInfo`, `cacheLoadError`,
/// `clearRules`) through `try!`, so a panic reported by Rust would crash the app; the library
/// catches it first and answers `Undecidable(internalError)` / `.internalError` / nil. Methods
/// that throw rethrow a panic as `UniffiInternalError.rustPanic`, which the app's `catch`
/// receives like any other error.
///
/// Needs the XCFramework built with the ffi crate's test-only feature
/// (`DCC_FFI_FEATURES=panic-test bindings/ios/build-xcframework.sh`), where `verify`, `decode`
/// and `loadRules` panic on `panicTrigger`. With the shipped library the trigger is only
/// malformed text, and these tests skip, saying so.
final class PanicTests: XCTestCase {
    /// Equals PANIC_TRIGGER in bindings/ffi/src/guard.rs.
    private let panicTrigger = "dcc-verify: panic for the binding tests"

    private func panicTestVerifier() throws -> Verifier {
        let verifier = try Verifier(settings: Settings())
        if case .invalid = verifier.verify(qr: panicTrigger, at: at).outcome {
            throw XCTSkip(
                "built without the panic-test feature: DCC_FFI_FEATURES=panic-test bindings/ios/build-xcframework.sh"
            )
        }
        return verifier
    }

    func testVerifyAnswersUndecidableInternalErrorAfterAPanic() throws {
        let verifier = try panicTestVerifier()
        let verification = verifier.verify(qr: panicTrigger, at: at)
        guard case let .undecidable(reason, code, _) = verification.outcome else {
            return XCTFail("expected undecidable, got \(verification.outcome)")
        }
        XCTAssertEqual(reason, .internalError)
        XCTAssertEqual(code, "internal-error")
        XCTAssertNil(verification.certificate)
    }

    func testDecodeAnswersInternalErrorAfterAPanic() throws {
        let verifier = try panicTestVerifier()
        guard case .internalError = verifier.decode(qr: panicTrigger) else {
            return XCTFail("expected internalError")
        }
    }

    func testAPanicInAThrowingMethodIsACatchableError() throws {
        let verifier = try panicTestVerifier()
        XCTAssertThrowsError(try verifier.loadRules(json: Data(panicTrigger.utf8)))
        let valid = try sample("vn-vaccination-es256").trimmingCharacters(in: .whitespacesAndNewlines)
        _ = try verifier.loadUnsignedTrustList(list: samples())
        XCTAssertEqual(verifier.verify(qr: valid, at: at).outcome, .valid)
    }
}
