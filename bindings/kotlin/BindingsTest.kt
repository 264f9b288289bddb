// Tests of the generated Kotlin bindings against the real library (bindings/test.sh builds,
// generates, compiles and runs this). Plain `main`: no Gradle, no JUnit on this machine.
// Prints "N passed, N failed" and exits 1 on any failure.
//
// Staleness of the trust list is not tested yet: the core has none until the TrustStore of
// the trust branch lands (then: Settings.maxTrustListAgeSeconds, Verification.trustListStale).

package eu.dcc.verify.test

import eu.dcc.verify.CertificateType
import eu.dcc.verify.CheckStatus
import eu.dcc.verify.DecodeOutcome
import eu.dcc.verify.DecodeStage
import eu.dcc.verify.Entries
import eu.dcc.verify.InvalidReason
import eu.dcc.verify.Outcome
import eu.dcc.verify.Settings
import eu.dcc.verify.SignatureAlgorithm
import eu.dcc.verify.SkipReason
import eu.dcc.verify.Verification
import eu.dcc.verify.Verifier
import eu.dcc.verify.VerifierException
import java.io.File
import java.util.concurrent.Callable
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit
import kotlin.system.exitProcess

private val repo = File(System.getProperty("dcc.repo") ?: ".")

/** 2026-06-01T00:00:00Z: the samples' README states the expected answers at this time. */
private const val AT = 1_780_272_000L

private fun sample(name: String) = File(repo, "testdata/samples/$name.txt").readText()

private val sampleList = File(repo, "testdata/samples/trust-list.json").readBytes()

private fun verifierWithSamples(): Verifier =
    Verifier(Settings()).also { verifier ->
        val report = verifier.loadUnsignedTrustList(sampleList)
        expect(8L to 0, report.taken to report.skipped.size, "sample list import")
    }

/**
 * Loads the real German DSC list (829 certificates from 77 issuers) into [verifier].
 *
 * Today its JSON part is imported as an unsigned list: line 1 of the file is the signature,
 * the rest the JSON it signs. WHEN TrustStore LANDS this becomes
 * `verifier.loadTrustList(file.readBytes(), TrustListFormat.DE_DSC_LIST)` on the whole file,
 * verified with testdata/trustlists/de-dsc-list-signing-key.pem, and the test also expects a
 * tampered copy to be refused.
 */
private fun importGermanList(verifier: Verifier): Long {
    val file = File(repo, "testdata/trustlists/de-dsc-list.signed").readBytes()
    val json = file.copyOfRange(file.indexOf('\n'.code.toByte()) + 1, file.size)
    val report = verifier.loadUnsignedTrustList(json)
    expect(0, report.skipped.size, "skipped entries of the German list")
    return report.taken
}

private fun invalid(v: Verification): Outcome.Invalid =
    v.outcome as? Outcome.Invalid ?: throw AssertionError("expected invalid, got ${v.outcome}")

private fun <T> expect(expected: T, actual: T, what: String) {
    if (expected != actual) throw AssertionError("$what: expected <$expected>, got <$actual>")
}

private fun check(condition: Boolean, what: String) {
    if (!condition) throw AssertionError(what)
}

private var passed = 0
private var failed = 0

private fun test(name: String, body: () -> Unit) {
    try {
        body()
        passed++
        println("ok   $name")
    } catch (e: Throwable) {
        failed++
        println("FAIL $name: $e")
    }
}

fun main() {
    val verifier = verifierWithSamples()

    test("the valid samples verify, with signer and every check passed") {
        for (name in listOf("vn-vaccination-es256", "vn-vaccination-ps256", "vn-test-es256", "vn-recovery-es256")) {
            val v = verifier.verify(sample(name), AT)
            expect(Outcome.Valid, v.outcome, name)
            expect("VN", v.signer?.country, "$name signer country")
            val checks = v.checks
            for (status in listOf(checks.signature, checks.signerValidity, checks.keyUsage, checks.issuedAt, checks.expiry, checks.issuerCountry)) {
                expect(CheckStatus.PASSED, status, "$name checks")
            }
        }
    }

    test("a valid certificate decodes into typed records") {
        val v = verifier.verify(sample("vn-vaccination-es256"), AT)
        expect("6+Dmto+Hqng=", v.kid, "kid")
        expect(SignatureAlgorithm.Es256, v.algorithm, "algorithm")
        val cert = v.certificate ?: throw AssertionError("no certificate")
        expect("VN", cert.issuer, "issuer")
        expect(1_772_323_200L to 2_087_942_400L, cert.issuedAt to cert.expiresAt, "iat, exp")
        expect(CertificateType.VACCINATION, cert.certificateType, "type")
        expect("Nguyễn", cert.name.familyName, "family name")
        expect("NGUYEN", cert.name.familyNameStandardised, "standardised family name")
        expect("THI<MINH<KHAI", cert.name.givenNameStandardised, "standardised given name")
        expect("1985-03-12", cert.dateOfBirth.text, "dob")
        expect(Triple(1985, 3, 12), Triple(cert.dateOfBirth.year, cert.dateOfBirth.month, cert.dateOfBirth.day), "dob parts")
        val entries = (cert.entries as? Entries.Vaccination)?.entries ?: throw AssertionError("not a vaccination")
        expect(2L to 2L, entries.single().doseNumber to entries.single().totalDoses, "doses")
        expect("EU/1/20/1528", entries.single().medicinalProduct, "product")
        check(cert.payloadJson.contains("\"ver\":\"1.3.0\""), "payload JSON has the version")
    }

    test("partial dates of birth keep their precision") {
        val test = verifier.verify(sample("vn-test-es256"), AT).certificate!!
        expect(Triple(1990, 7, null), Triple(test.dateOfBirth.year, test.dateOfBirth.month, test.dateOfBirth.day), "test dob")
        check(test.entries is Entries.Test, "test entries")
        val recovery = verifier.verify(sample("vn-recovery-es256"), AT).certificate!!
        expect(Triple(1979, null, null), Triple(recovery.dateOfBirth.year, recovery.dateOfBirth.month, recovery.dateOfBirth.day), "recovery dob")
        val r = (recovery.entries as Entries.Recovery).entries.single()
        expect("2026-08-13", r.validUntil, "recovery valid until")
    }

    test("each invalid sample fails for its stated reason") {
        val expected = listOf(
            Triple("vn-vaccination-tampered", InvalidReason.SignatureInvalid, "signature-invalid"),
            Triple("vn-vaccination-expired", InvalidReason.Expired, "expired"),
            Triple("vn-vaccination-unknown-signer", InvalidReason.UnknownSigner, "unknown-signer"),
            Triple("vn-vaccination-test-only-dsc", InvalidReason.KeyUsage(CertificateType.VACCINATION), "key-usage"),
            Triple("vn-vaccination-dsc-expired", InvalidReason.SignerNotValid, "signer-not-valid"),
            Triple("vn-vaccination-dsc-not-yet-valid", InvalidReason.SignerNotValid, "signer-not-valid"),
            Triple("vn-vaccination-rsa1024", InvalidReason.UnusableSignerKey, "unusable-signer-key"),
            Triple("vn-vaccination-es384", InvalidReason.UnsupportedAlgorithm, "unsupported-algorithm"),
        )
        for ((name, reason, code) in expected) {
            val outcome = invalid(verifier.verify(sample(name), AT))
            expect(reason, outcome.reason, name)
            expect(code, outcome.code, "$name code")
            check(outcome.message.isNotBlank(), "$name message")
        }
    }

    test("tampered: invalid signature, content still shown") {
        val v = verifier.verify(sample("vn-vaccination-tampered"), AT)
        expect(InvalidReason.SignatureInvalid, invalid(v).reason, "reason")
        expect(CheckStatus.FAILED, v.checks.signature, "signature check")
        expect(null, v.signer, "signer")
        expect("NGUYEM", v.certificate?.name?.familyNameStandardised, "the tampered byte")
    }

    test("expired: the answer depends on the time given") {
        val qr = sample("vn-vaccination-expired") // iat 2021-10-01, exp 2022-10-01
        expect(InvalidReason.Expired, invalid(verifier.verify(qr, AT)).reason, "at 2026-06-01")
        expect(CheckStatus.FAILED, verifier.verify(qr, AT).checks.expiry, "expiry check")
        expect(Outcome.Valid, verifier.verify(qr, 1_654_041_600L).outcome, "at 2022-06-01")
        expect(InvalidReason.NotYetValid, invalid(verifier.verify(qr, 1_630_454_400L)).reason, "at 2021-09-01")
    }

    test("unknown signer: no signer, the kid it claimed") {
        val v = verifier.verify(sample("vn-vaccination-unknown-signer"), AT)
        expect(InvalidReason.UnknownSigner, invalid(v).reason, "reason")
        expect(null, v.signer, "signer")
        expect("HVvQZ1F0g+c=", v.kid, "kid")
        check(v.certificate != null, "content still decoded")
    }

    test("issuer country differing from the signer's is reported") {
        val v = verifier.verify(sample("vn-vaccination-es256-de-dsc"), AT)
        expect(CheckStatus.FAILED, v.checks.issuerCountry, "issuer country check")
        expect("DE", v.signer?.country, "signer country")
    }

    test("malformed input is a result naming the stage, never an exception") {
        val cases = listOf(
            Triple("", DecodeStage.PREFIX, "malformed-prefix"),
            Triple("hello", DecodeStage.PREFIX, "malformed-prefix"),
            Triple("HC2:ABC", DecodeStage.PREFIX, "unsupported-prefix"),
            Triple("HC1:!!!", DecodeStage.BASE45, "malformed-base45"),
            Triple("HC1:B/DSUEKLFNED", DecodeStage.INFLATE, "malformed-compression"),
            Triple("HC1:6BFVMB000-FKQ3", DecodeStage.COSE, "malformed-cose"),
            Triple("HC1:" + "A".repeat(100_000), DecodeStage.PREFIX, "input-too-long"),
            Triple(sample("vn-vaccination-es256").take(202), DecodeStage.INFLATE, "malformed-compression"),
        )
        for ((qr, stage, code) in cases) {
            val outcome = invalid(verifier.verify(qr, AT))
            expect(InvalidReason.Malformed(stage), outcome.reason, qr.take(20))
            expect(code, outcome.code, qr.take(20))
            val decoded = verifier.decode(qr) as? DecodeOutcome.Malformed ?: throw AssertionError("decodes: ${qr.take(20)}")
            expect(stage to code, decoded.stage to decoded.code, "decode ${qr.take(20)}")
        }
    }

    test("decode needs no trust list; verify without one is undecidable") {
        val fresh = Verifier()
        expect(null, fresh.trustListInfo(), "no list yet")
        val decoded = fresh.decode(sample("vn-vaccination-tampered")) as? DecodeOutcome.Decoded
            ?: throw AssertionError("does not decode")
        expect("NGUYEM", decoded.certificate.name.familyNameStandardised, "decoded name")
        expect("6+Dmto+Hqng=", decoded.kid, "decoded kid")
        val outcome = fresh.verify(sample("vn-vaccination-es256"), AT).outcome as? Outcome.Undecidable
            ?: throw AssertionError("not undecidable")
        expect("no-trust-list", outcome.code, "code")
        fresh.close()
    }

    test("a clock that was never set makes the answer undecidable") {
        val outcome = verifier.verify(sample("vn-vaccination-es256"), 0L).outcome as? Outcome.Undecidable
            ?: throw AssertionError("not undecidable")
        expect("clock-not-set", outcome.code, "code")
    }

    test("verify without a time uses the device clock") {
        val now = System.currentTimeMillis() / 1000
        for (name in listOf("vn-vaccination-es256", "vn-vaccination-expired")) {
            expect(verifier.verify(sample(name), now).outcome, verifier.verify(sample(name)).outcome, name)
        }
    }

    test("misuse throws typed exceptions; a refused list leaves the old one in force") {
        try {
            Verifier(Settings(clockSkewSeconds = -1))
            throw AssertionError("negative clock skew accepted")
        } catch (e: VerifierException.InvalidArgument) {
            check(e.message!!.contains("clock_skew_seconds"), "message names the setting")
        }
        try {
            verifier.loadUnsignedTrustList("not json".toByteArray())
            throw AssertionError("not-JSON accepted")
        } catch (e: VerifierException.TrustListUnreadable) {
        }
        expect(8L, verifier.trustListInfo()?.certificateCount, "list in force")
        expect(Outcome.Valid, verifier.verify(sample("vn-vaccination-es256"), AT).outcome, "still verifies")
    }

    test("the import report lists skipped entries and why") {
        val scratch = Verifier()
        val report = scratch.loadUnsignedTrustList(
            """[{"rawData":"AAAA"},{"rawData":"%%%"},{"kid":"AAAAAAAAAAA=","rawData":"AAAA"}]""".toByteArray(),
        )
        expect(0L, report.taken, "taken")
        expect(
            listOf(0L to SkipReason.NOT_A_CERTIFICATE, 1L to SkipReason.NOT_BASE64, 2L to SkipReason.KID_MISMATCH),
            report.skipped.map { it.index to it.reason },
            "skipped",
        )
        expect("AAAAAAAAAAA=", report.skipped[2].listedKid, "listed kid")
        scratch.close()
    }

    test("the real German DSC list imports; test keys are unknown to it") {
        val german = Verifier()
        val taken = importGermanList(german)
        expect(829L, taken, "certificates taken")
        expect(829L, german.trustListInfo()?.certificateCount, "list in force")
        expect(InvalidReason.UnknownSigner, invalid(german.verify(sample("vn-vaccination-es256"), AT)).reason, "sample")
        german.loadUnsignedTrustList(sampleList)
        expect(Outcome.Valid, german.verify(sample("vn-vaccination-es256"), AT).outcome, "after switching back")
        german.close()
    }

    test("printed results carry no personal data") {
        for (name in listOf("vn-vaccination-es256", "vn-test-es256", "vn-recovery-es256")) {
            val v = verifier.verify(sample(name), AT)
            val cert = v.certificate!!
            val secrets = listOfNotNull(cert.name.familyName, cert.name.familyNameStandardised, cert.name.givenName, cert.dateOfBirth.text, "URN:UVCI")
            for (shown in listOf(v.toString(), cert.toString(), cert.name.toString(), cert.dateOfBirth.toString(), cert.entries.toString())) {
                for (secret in secrets) check(!shown.contains(secret), "$name prints personal data: $shown")
            }
        }
    }

    test("4 threads verify while another replaces the trust list") {
        val shared = verifierWithSamples()
        val valid = sample("vn-vaccination-es256")
        val emptyList = """{"certificates":[]}""".toByteArray()
        val pool = Executors.newFixedThreadPool(5)
        val updater = pool.submit(Callable {
            repeat(100) { i -> shared.loadUnsignedTrustList(if (i % 2 == 0) emptyList else sampleList) }
        })
        val verifiers = (1..4).map {
            pool.submit(Callable {
                (1..250).map {
                    when (val outcome = shared.verify(valid, AT).outcome) {
                        is Outcome.Valid -> "valid"
                        is Outcome.Invalid -> outcome.code
                        is Outcome.Undecidable -> outcome.code
                    }
                }
            })
        }
        updater.get(120, TimeUnit.SECONDS)
        val seen = verifiers.flatMap { it.get(120, TimeUnit.SECONDS) }
        pool.shutdown()
        expect(1000, seen.size, "verifications")
        println("     answers seen: ${seen.groupingBy { it }.eachCount()}")
        // Each verification sees one list, whole: the samples' (valid) or the empty one.
        expect(emptySet<String>(), seen.toSet() - setOf("valid", "unknown-signer"), "other answers")
        expect(Outcome.Valid, shared.verify(valid, AT).outcome, "after the last update (sample list)")
        shared.close()
    }

    verifier.close()
    println("kotlin: $passed passed, $failed failed")
    exitProcess(if (failed == 0 && passed > 0) 0 else 1)
}
