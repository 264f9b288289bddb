// Tests of the generated Kotlin bindings against the real library, as the jar ships them
// (bindings/test.sh builds dcc-verify-<version>.jar, compiles this against it and runs it with
// no -Djna.library.path). Plain `main`: no Gradle, no JUnit on this machine.
// Prints "N passed, N failed" and exits 1 on any failure.
//
// The Austrian list format is not exercised: there is no real Austrian list in testdata/ (the
// Rust tests cover it with lists signed by generated keys); the binding is the same call.

package eu.dcc.verify.test

import eu.dcc.verify.CacheLoadError
import eu.dcc.verify.CertificateContent
import eu.dcc.verify.CertificateKind
import eu.dcc.verify.EuDcc
import eu.dcc.verify.HealthCertificate
import eu.dcc.verify.CertificateType
import eu.dcc.verify.CheckStatus
import eu.dcc.verify.DecodeOutcome
import eu.dcc.verify.DecodeStage
import eu.dcc.verify.DisplayNames
import eu.dcc.verify.Entries
import eu.dcc.verify.InvalidReason
import eu.dcc.verify.OpenReason
import eu.dcc.verify.Outcome
import eu.dcc.verify.RecoveryNames
import eu.dcc.verify.RuleOutcome
import eu.dcc.verify.RuleType
import eu.dcc.verify.SchemaPolicy
import eu.dcc.verify.Settings
import eu.dcc.verify.SignatureAlgorithm
import eu.dcc.verify.SignedTrustList
import eu.dcc.verify.SkipReason
import eu.dcc.verify.TrustListFormat
import eu.dcc.verify.UndecidableReason
import eu.dcc.verify.UnsignedTrustList
import eu.dcc.verify.Verification
import eu.dcc.verify.Verifier
import eu.dcc.verify.VerifierException
import java.io.File
import java.nio.file.Files
import java.util.concurrent.Callable
import java.util.concurrent.CountDownLatch
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit
import kotlin.system.exitProcess

private val repo = File(System.getProperty("dcc.repo") ?: ".")

/** 2026-06-01T00:00:00Z: the samples' README states the expected answers at this time. */
private const val AT = 1_780_272_000L

private fun sample(name: String) = File(repo, "testdata/samples/$name.txt").readText()

private val sampleList = File(repo, "testdata/samples/trust-list.json").readBytes()
private val germanList = File(repo, "testdata/trustlists/de-dsc-list.signed").readBytes()
private val germanKey = File(repo, "testdata/trustlists/de-dsc-list-signing-key.pem").readBytes()
private val deEuRules = File(repo, "testdata/rules-samples/de-eu-rules.json").readText()
private const val DAY = 86_400L

private fun samples() = UnsignedTrustList.Json(sampleList)

private fun german() = SignedTrustList.De(germanList)

/** The German list with one byte of its signed JSON flipped. */
private fun tamperedGerman(): SignedTrustList {
    val bytes = germanList.copyOf()
    bytes[bytes.size / 2] = (bytes[bytes.size / 2].toInt() xor 1).toByte()
    return SignedTrustList.De(bytes)
}

private fun verifierWithSamples(): Verifier =
    Verifier(Settings()).also { verifier ->
        val report = verifier.loadUnsignedTrustList(samples())
        expect(8L to 0, report.taken to report.skipped.size, "sample list import")
    }

/** A verifier with the sample list and the DE+EU sample rules, arriving in DE. */
private fun arrivingInGermany(language: String = "en"): Verifier =
    Verifier(Settings(arrivalCountry = "DE", language = language)).also { verifier ->
        verifier.loadUnsignedTrustList(samples())
        val report = verifier.loadRules(deEuRules.toByteArray())
        expect(25L to 0, report.taken to report.rejected.size, "DE+EU sample rules")
    }

/** The JSON text of one of the DE+EU sample rules (the file has one rule per indented block). */
private fun sampleRule(identifier: String): String {
    val start = deEuRules.indexOf("{\n    \"Identifier\": \"$identifier\"")
    check(start >= 0, "no rule $identifier")
    return deEuRules.substring(start, deEuRules.indexOf("\n  }", start) + 4)
}

/**
 * A real NL certificate from the EU conformance corpus: genuinely signed, its dob outside the
 * 1.0.0 schema's pattern, its test type the placeholder "a test". Its QR text, its signer as a
 * PEM trust list, and an hour after it was signed.
 */
/** The EU DCC a certificate holds. */
private fun HealthCertificate.dcc(): EuDcc =
    (content as? CertificateContent.EuDcc)?.dcc ?: throw AssertionError("not an EU DCC: $content")

private fun nlSchemaViolations(): Triple<String, UnsignedTrustList, Long> {
    val case = File(repo, "testdata/dgc-testdata/NL/2DCode/raw/006-NL-test.json").readText()
    fun field(name: String) = Regex("\"$name\": \"([^\"]+)\"").find(case)?.groupValues?.get(1)
        ?: throw AssertionError("no $name in the NL case")
    val pem = "-----BEGIN CERTIFICATE-----\n${field("CERTIFICATE")}\n-----END CERTIFICATE-----\n"
    val qr = field("PREFIX")
    val decoded = Verifier().decode(qr) as DecodeOutcome.Decoded
    return Triple(qr, UnsignedTrustList.Pem(pem.toByteArray()), decoded.certificate.issuedAt!! + 3600)
}

private fun code(outcome: Outcome): String = when (outcome) {
    is Outcome.Valid -> "valid"
    is Outcome.Invalid -> outcome.code
    is Outcome.Undecidable -> outcome.code
}

/** Runs [body], which must throw a [T]; returns it. */
private inline fun <reified T : Throwable> thrown(what: String, body: () -> Unit): T {
    try {
        body()
    } catch (e: Throwable) {
        if (e is T) return e
        throw AssertionError("$what: expected ${T::class.simpleName}, got $e")
    }
    throw AssertionError("$what: nothing thrown")
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
        val whole = v.certificate ?: throw AssertionError("no certificate")
        expect("VN", whole.issuer, "issuer")
        expect(1_772_323_200L to 2_087_942_400L, whole.issuedAt to whole.expiresAt, "iat, exp")
        expect(CertificateKind.EU_DCC, whole.kind, "kind")
        expect(emptyList<String>(), v.deviations, "deviations")
        val cert = whole.dcc()
        expect(CertificateType.VACCINATION, cert.certificateType, "type")
        expect("Nguyễn", cert.name.familyName, "family name")
        expect("NGUYEN", cert.name.familyNameStandardised, "standardised family name")
        expect("THI<MINH<KHAI", cert.name.givenNameStandardised, "standardised given name")
        expect("1985-03-12", cert.dateOfBirth.text, "dob")
        expect(Triple(1985, 3, 12), Triple(cert.dateOfBirth.year, cert.dateOfBirth.month, cert.dateOfBirth.day), "dob parts")
        val entries = (cert.entries as? Entries.Vaccination)?.entries ?: throw AssertionError("not a vaccination")
        expect(2L to 2L, entries.single().doseNumber to entries.single().totalDoses, "doses")
        expect("EU/1/20/1528", entries.single().medicinalProduct, "product")
        check(whole.payloadJson.contains("\"ver\":\"1.3.0\""), "payload JSON has the version")
    }

    test("partial dates of birth keep their precision") {
        val test = verifier.verify(sample("vn-test-es256"), AT).certificate!!.dcc()
        expect(Triple(1990, 7, null), Triple(test.dateOfBirth.year, test.dateOfBirth.month, test.dateOfBirth.day), "test dob")
        check(test.entries is Entries.Test, "test entries")
        val recovery = verifier.verify(sample("vn-recovery-es256"), AT).certificate!!.dcc()
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
        expect("NGUYEM", v.certificate?.dcc()?.name?.familyNameStandardised, "the tampered byte")
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
        expect("NGUYEM", decoded.certificate.dcc().name.familyNameStandardised, "decoded name")
        expect("6+Dmto+Hqng=", decoded.kid, "decoded kid")
        val outcome = fresh.verify(sample("vn-vaccination-es256"), AT).outcome as? Outcome.Undecidable
            ?: throw AssertionError("not undecidable")
        expect("no-trust-list", outcome.code, "code")
        fresh.close()
    }

    test("an explicit time before 2020 is taken as given, not as an unset clock") {
        expect("not-yet-valid", invalid(verifier.verify(sample("vn-vaccination-es256"), 0L)).code, "code")
    }

    test("verify without a time uses the device clock") {
        val now = System.currentTimeMillis() / 1000
        for (name in listOf("vn-vaccination-es256", "vn-vaccination-expired")) {
            expect(verifier.verify(sample(name), now).outcome, verifier.verify(sample(name)).outcome, name)
        }
    }

    test("misuse throws typed exceptions; a refused list leaves the old one in force") {
        for ((bad, name) in listOf(
            Settings(clockSkewSeconds = -1) to "clock_skew_seconds",
            Settings(staleAfterSeconds = -1) to "stale_after_seconds",
            Settings(refuseAfterSeconds = -1) to "refuse_after_seconds",
        )) {
            val e = thrown<VerifierException.InvalidArgument>(name) { Verifier(bad) }
            check(e.detail.contains(name), "detail names $name")
        }
        val notJson = thrown<VerifierException.TrustListRefused>("not JSON") {
            verifier.loadUnsignedTrustList(UnsignedTrustList.Json("not json".toByteArray()))
        }
        expect("not-json", notJson.code, "refusal code")
        val badAnchor = thrown<VerifierException.InvalidAnchor>("bad anchor") {
            verifier.loadTrustList(german(), listOf(germanKey, "not a key".toByteArray()))
        }
        expect(1L, badAnchor.index, "bad anchor index")
        val noAnchors = thrown<VerifierException.TrustListRefused>("no anchors") { verifier.loadTrustList(german(), listOf()) }
        expect("no-anchors", noAnchors.code, "refusal code")
        thrown<VerifierException.NoCacheDirectory>("no cache") { verifier.updateCache(german()) }
        expect(null, verifier.cacheLoadError(), "no cache, no cache error")
        expect(8L, verifier.trustListInfo()?.certificateCount, "list in force")
        expect(Outcome.Valid, verifier.verify(sample("vn-vaccination-es256"), AT).outcome, "still verifies")
    }

    test("the import report lists skipped entries and why") {
        val real = String(sampleList).substringAfter("\"rawData\": \"").substringBefore('"')
        val scratch = Verifier()
        val report = scratch.loadUnsignedTrustList(UnsignedTrustList.Json(
            """[{"rawData":"AAAA"},{"rawData":"%%%"},{"kid":"AAAAAAAAAAA=","rawData":"$real"},{"kid":"6+Dmto+Hqng=","rawData":"$real","timestamp":"2026-03-01T00:00:00Z"}]""".toByteArray(),
        ))
        expect(1L, report.taken, "taken")
        expect(
            listOf(0L to SkipReason.NOT_A_CERTIFICATE, 1L to SkipReason.NOT_BASE64, 2L to SkipReason.KID_MISMATCH),
            report.skipped.map { it.index to it.reason },
            "skipped",
        )
        expect("AAAAAAAAAAA=", report.skipped[2].listedKid, "listed kid")
        check(report.skipped.all { it.message.isNotBlank() }, "messages")
        expect(1_772_323_200L, report.newestEntry, "newest entry")
        scratch.close()
    }

    test("the real German DSC list imports signed; test keys are unknown to it") {
        val german = Verifier()
        val report = german.loadTrustList(german(), listOf(germanKey))
        expect(827L to 2, report.taken to report.skipped.size, "taken, skipped (two CSCAs listed as DSCs: not-dsc)")
        val info = german.trustListInfo() ?: throw AssertionError("no list in force")
        expect(827L, info.certificateCount, "list in force")
        expect(Triple(TrustListFormat.DE, true, false), Triple(info.status.format, info.status.signed, info.status.stale), "status")
        expect(16, info.anchor?.length, "anchor id")
        expect(report.newestEntry, info.listTime, "list time")
        val issuers = info.issuers.associate { it.country to it.certificateCount }
        expect(827L, issuers.values.sum(), "per-issuer counts")
        check((issuers["VN"] ?: 0L) >= 1L, "a VN DSC is listed")
        val v = german.verify(sample("vn-vaccination-es256"), AT)
        expect(InvalidReason.UnknownSigner, invalid(v).reason, "sample")
        expect(TrustListFormat.DE to true, v.trustList?.format to v.trustList?.signed, "verification's list")
        german.loadUnsignedTrustList(samples())
        val back = german.verify(sample("vn-vaccination-es256"), AT)
        expect(Outcome.Valid, back.outcome, "after switching back")
        expect(TrustListFormat.JSON to false, back.trustList?.format to back.trustList?.signed, "unsigned list")
        german.close()
    }

    test("a tampered signed list is refused; the previous list stays") {
        val v = verifierWithSamples()
        val e = thrown<VerifierException.TrustListRefused>("tampered") { v.loadTrustList(tamperedGerman(), listOf(germanKey)) }
        expect("signature-invalid", e.code, "refusal code")
        expect(8L, v.trustListInfo()?.certificateCount, "list in force")
        expect(Outcome.Valid, v.verify(sample("vn-vaccination-es256"), AT).outcome, "still verifies")
        v.close()
    }

    test("WHO's production list verifies with its signer's DID document and names participants") {
        val who = File(repo, "testdata/who")
        val prodList = File(who, "trustlists/prod/v2-trustlist.did.json").readBytes()
        val prodDid = File(who, "signers/who-prod-signer.did.json").readBytes()
        val v = Verifier()
        val report = v.loadTrustList(SignedTrustList.Who(prodList), listOf(prodDid))
        expect(438L to 63, report.taken to report.skipped.size, "taken, skipped")
        check(report.skipped.all { it.reason == SkipReason.NOT_DSC }, "CSCA and DECA entries skipped as not-dsc")
        val info = v.trustListInfo() ?: throw AssertionError("no list in force")
        expect(TrustListFormat.WHO to "prod", info.status.format to info.environment, "format, environment")
        expect(1_787_418_301L, info.issuedAt, "proof.created 2026-08-22T17:05:01Z")
        expect(listOf("DCC" to 438L), info.domains.map { it.code to it.certificateCount }, "domains")
        expect(75L, info.participants.single { it.code == "NLD" }.certificateCount, "NLD DSCs")
        // A Spanish certificate of the EU test data, signed in 2021 by a DSC still listed.
        val es = Regex("\"PREFIX\":\\s*\"([^\"]+)\"").find(File(repo, "testdata/dgc-testdata/ES/2DCode/raw/203.json").readText())!!.groupValues[1]
        val result = v.verify(es, 1_622_505_600L) // 2021-06-01
        expect(Outcome.Valid, result.outcome, "ES certificate with the WHO list")
        expect(Triple("ES", "ESP", "DCC"), Triple(result.signer?.country, result.signer?.participant, result.signer?.domain), "signer")
        // Another environment's key, and a reference list, are refused; the list in force stays.
        val devKey = File(who, "signers/who-dev-signer.pem").readBytes()
        val wrongKey = thrown<VerifierException.TrustListRefused>("dev key") { v.loadTrustList(SignedTrustList.Who(prodList), listOf(devKey)) }
        expect("signature-invalid", wrongKey.code, "refusal code")
        val reference = File(who, "trustlists/prod/v2-trustlist-ref.did.json").readBytes()
        val refused = thrown<VerifierException.TrustListRefused>("reference list") { v.loadTrustList(SignedTrustList.Who(reference), listOf(prodDid)) }
        expect("reference-list", refused.code, "reference list code")
        expect(438L, v.trustListInfo()?.certificateCount, "list in force")
        v.close()
    }

    test("the WHO production list and the German list as two sources: the result names the signer's") {
        val who = File(repo, "testdata/who")
        val prodList = File(who, "trustlists/prod/v2-trustlist.did.json").readBytes()
        val prodKey = File(who, "signers/who-prod-signer.pem").readBytes()
        val v = Verifier()
        v.addSource("who-prod", SignedTrustList.Who(prodList), listOf(prodKey))
        v.addSource("de-2023-11", german(), listOf(germanKey))
        expect(listOf("who-prod", "de-2023-11"), v.sources().map { it.name }, "sources in order")
        // Uruguay never joined the GDHCN: its DSC is in the German list only.
        val uruguay = File(repo, "testdata/who-hcert/qr/gdhcn-validator-eu-uruguay2-ps256.txt").readText().trim()
        val fromGermany = v.verify(uruguay, 1_672_531_200L) // 2023-01-01
        expect(Outcome.Valid, fromGermany.outcome, "Uruguay with both sources")
        val source = fromGermany.signer?.source ?: throw AssertionError("no signer source")
        expect(Triple("de-2023-11", TrustListFormat.DE, true), Triple(source.name, source.format, source.signed), "German source")
        // Spain's DSC is in the WHO list.
        val es = Regex("\"PREFIX\":\\s*\"([^\"]+)\"").find(File(repo, "testdata/dgc-testdata/ES/2DCode/raw/203.json").readText())!!.groupValues[1]
        val fromWho = v.verify(es, 1_622_505_600L).signer?.source
        expect("who-prod" to "prod", fromWho?.name to fromWho?.environment, "WHO source")
        // A refused refresh of one source leaves both in force; removing it leaves the other.
        thrown<VerifierException.TrustListRefused>("German list with the WHO key") { v.addSource("de-2023-11", german(), listOf(prodKey)) }
        expect(Outcome.Valid, v.verify(uruguay, 1_672_531_200L).outcome, "German source still in force")
        check(v.removeSource("de-2023-11"), "removed")
        check(v.verify(uruguay, 1_672_531_200L).outcome is Outcome.Invalid, "unknown without the German source")
        expect(Outcome.Valid, v.verify(es, 1_622_505_600L).outcome, "WHO source untouched")
        v.close()
    }

    test("a list fetched three days ago is stale") {
        val now = System.currentTimeMillis() / 1000
        val v = Verifier()
        v.loadTrustList(german(), listOf(germanKey), fetchedAt = now - 3 * DAY)
        val info = v.trustListInfo()!!
        expect(now - 3 * DAY, info.fetchedAt, "fetched at")
        check(info.status.stale, "info says stale")
        val age = info.status.ageSeconds!!
        check(age >= 3 * DAY && age < 3 * DAY + 60, "info age $age")
        val status = v.verify(sample("vn-vaccination-es256"), now).trustList!!
        expect(Triple(3 * DAY, true, true), Triple(status.ageSeconds, status.stale, status.signed), "at now")
        val earlier = v.verify(sample("vn-vaccination-es256"), now - 3 * DAY + 3600).trustList!!
        expect(3600L to false, earlier.ageSeconds to earlier.stale, "an hour after the fetch")
        v.close()
    }

    test("refuseAfterSeconds makes an older list undecidable") {
        val strict = Verifier(Settings(staleAfterSeconds = DAY, refuseAfterSeconds = 2 * DAY))
        strict.loadUnsignedTrustList(samples(), fetchedAt = AT - 3 * DAY)
        val v = strict.verify(sample("vn-vaccination-es256"), AT)
        val outcome = v.outcome as? Outcome.Undecidable ?: throw AssertionError("not undecidable: ${v.outcome}")
        expect(UndecidableReason.TRUST_LIST_EXPIRED to "trust-list-expired", outcome.reason to outcome.code, "reason")
        expect(CheckStatus.PASSED, v.checks.signature, "the checks still ran")
        val younger = strict.verify(sample("vn-vaccination-es256"), AT - DAY - 3600)
        expect(Outcome.Valid, younger.outcome, "before the limit")
        expect(2 * DAY - 3600 to true, younger.trustList?.ageSeconds to younger.trustList?.stale, "age, stale")
        strict.close()
    }

    test("the cache directory keeps the last good list across restarts") {
        val valid = sample("vn-vaccination-es256")
        val tmp = Files.createTempDirectory("dcc-verify-cache").toFile()
        try {
            val directory = File(tmp, "trust").path
            val cacheFile = File(directory, "trust-list.cache")
            val first = Verifier.openCache(directory, listOf(germanKey), allowUnsigned = true)
            expect(CacheLoadError.Missing, first.cacheLoadError(), "empty cache")
            expect(null, first.trustListInfo(), "no list")
            expect("no-trust-list", code(first.verify(valid, AT).outcome), "before any update")

            expect(827L, first.updateCache(german()).taken, "German list")
            expect("unknown-signer", code(first.verify(valid, AT).outcome), "with the German list")
            expect(8L, first.updateCacheUnsigned(samples()).taken, "sample list (newer entries)")
            expect(Outcome.Valid, first.verify(valid, AT).outcome, "with the sample list")
            val onDisk = cacheFile.readBytes()

            val rollback = thrown<VerifierException.TrustListRefused>("older list") { first.updateCache(german()) }
            expect("rollback", rollback.code, "refusal code")
            val tampered = thrown<VerifierException.TrustListRefused>("tampered") { first.updateCache(tamperedGerman(), force = true) }
            expect("signature-invalid", tampered.code, "refusal code")
            expect(Outcome.Valid, first.verify(valid, AT).outcome, "the list in force stays")
            check(cacheFile.readBytes().contentEquals(onDisk), "the cache file is unchanged")

            val second = Verifier.openCache(directory, listOf(germanKey), allowUnsigned = true) // the app's next start
            expect(null, second.cacheLoadError(), "loaded")
            expect(8L, second.trustListInfo()?.certificateCount, "list loaded at start-up")
            expect(Outcome.Valid, second.verify(valid, AT).outcome, "verifies at start-up")

            expect(827L, first.updateCache(german(), force = true).taken, "forced")
            val third = Verifier.openCache(directory, listOf(germanKey))
            expect(827L to true, third.trustListInfo()?.certificateCount to third.trustListInfo()?.status?.signed, "signed list reloaded")
            val untrusting = Verifier.openCache(directory, listOf()) // the key is no longer an anchor
            expect(null, untrusting.trustListInfo(), "no list")
            val problem = untrusting.cacheLoadError() as? CacheLoadError.Rejected
                ?: throw AssertionError("not rejected: ${untrusting.cacheLoadError()}")
            expect("no-anchors", problem.code, "rejection code")
            listOf(first, second, third, untrusting).forEach { it.close() }
        } finally {
            tmp.deleteRecursively()
        }
    }

    test("an arrival country without acceptance rules is reported; an empty one is misuse") {
        check(arrivingInGermany().verify(sample("vn-vaccination-es256"), AT).rules!!.arrivalCountryHasRules, "DE has rules")
        val deu = Verifier(Settings(arrivalCountry = "DEU"))
        deu.loadUnsignedTrustList(samples())
        deu.loadRules(deEuRules.toByteArray())
        val rules = deu.verify(sample("vn-vaccination-es256"), AT).rules!!
        expect(false to 0, rules.arrivalCountryHasRules to rules.verdicts.size, "DEU: no rules, said so")
        thrown<VerifierException.InvalidArgument>("empty arrival country") { Verifier(Settings(arrivalCountry = "")) }
    }

    test("rules judge a genuine certificate") {
        val rules = arrivingInGermany()
        val v = rules.verify(sample("vn-vaccination-es256"), AT)
        expect(Outcome.Valid, v.outcome, "vaccination")
        val result = v.rules ?: throw AssertionError("no rules result")
        expect(Triple(4L, 0L, 0L), Triple(result.passed, result.failed, result.open), "passed, failed, open")
        expect(listOf("VR-DE-0001", "VR-DE-0002", "VR-DE-0003", "VR-DE-0004"), result.verdicts.map { it.identifier }, "applicable rules")
        val first = result.verdicts.first()
        expect(Triple(RuleType.ACCEPTANCE, "DE", "1.0.0"), Triple(first.ruleType, first.country, first.version), "first rule")
        expect("The vaccination schedule must be complete (e.g., 1/1, 2/2).", first.description, "description")
        check(result.verdicts.all { it.outcome == RuleOutcome.Passed }, "all passed")

        val test = rules.verify(sample("vn-test-es256"), AT) // a rapid test taken 3 months before
        val outcome = invalid(test)
        expect(InvalidReason.RulesFailed to "rules-failed", outcome.reason to outcome.code, "test")
        val testResult = test.rules!!
        expect(Triple(4L, 1L, 0L), Triple(testResult.passed, testResult.failed, testResult.open), "passed, failed, open")
        expect(listOf("TR-DE-0002"), testResult.verdicts.filter { it.outcome == RuleOutcome.Failed }.map { it.identifier }, "failed")
        expect(Outcome.Valid, rules.verify(sample("vn-test-es256"), 1_772_366_400L).outcome, "3.5 hours after the sample")

        val german = arrivingInGermany(language = "de")
        val failed = german.verify(sample("vn-test-es256"), AT).rules!!.verdicts.single { it.outcome == RuleOutcome.Failed }
        check(failed.description.startsWith("Die Probenahme"), "German description: ${failed.description}")

        rules.clearRules()
        val cleared = rules.verify(sample("vn-test-es256"), AT)
        expect(Outcome.Valid to null, cleared.outcome to cleared.rules, "rules cleared")
        listOf(rules, german).forEach { it.close() }
    }

    test("a rule for an unknown engine is open: undecidable") {
        val rules = arrivingInGermany()
        val unknown = sampleRule("VR-DE-0001")
            .replace("\"Engine\": \"CERTLOGIC\"", "\"Engine\": \"FUTURELOGIC\"")
            .replace("\"EngineVersion\": \"0.7.5\"", "\"EngineVersion\": \"2.0.0\"")
        val report = rules.loadRules("[$unknown, ${sampleRule("VR-DE-0002")}]".toByteArray())
        expect(2L to 0, report.taken to report.rejected.size, "taken, rejected")
        val v = rules.verify(sample("vn-vaccination-es256"), AT)
        val outcome = v.outcome as? Outcome.Undecidable ?: throw AssertionError("not undecidable: ${v.outcome}")
        expect(UndecidableReason.RULES_OPEN to "rules-open", outcome.reason to outcome.code, "outcome")
        val result = v.rules!!
        expect(Triple(1L, 0L, 1L), Triple(result.passed, result.failed, result.open), "passed, failed, open")
        val open = result.verdicts.single { it.outcome is RuleOutcome.Open }
        expect("VR-DE-0001", open.identifier, "open rule")
        val why = open.outcome as RuleOutcome.Open
        expect(OpenReason.UNSUPPORTED_ENGINE to "unsupported-engine", why.reason to why.code, "why")
        check(why.message.isNotBlank(), "message")
        rules.close()
    }

    test("a rule set reports what it leaves out; a non-array is refused") {
        val rules = arrivingInGermany()
        val badVersion = sampleRule("VR-DE-0002").replace("\"Version\": \"1.0.0\"", "\"Version\": \"one\"")
        val report = rules.loadRules("[${sampleRule("VR-DE-0001")}, $badVersion, {\"Identifier\": \"VR-XX-0001\"}, 42]".toByteArray())
        expect(1L, report.taken, "taken")
        expect(
            listOf(Triple(1L, "VR-DE-0002", "invalid-version"), Triple(2L, "VR-XX-0001", "not-a-rule"), Triple(3L, null, "not-a-rule")),
            report.rejected.map { Triple(it.index, it.identifier, it.code) },
            "rejected",
        )
        check(report.rejected.all { it.message.isNotBlank() }, "messages")
        for ((document, expected) in listOf("{\"rules\": []}" to "not-an-array", "[{" to "not-json")) {
            val e = thrown<VerifierException.RulesRefused>(document) { rules.loadRules(document.toByteArray()) }
            expect(expected, e.code, "refusal code")
        }
        // VR-DE-0001 alone is still in force.
        expect(listOf("VR-DE-0001"), rules.verify(sample("vn-vaccination-es256"), AT).rules?.verdicts?.map { it.identifier }, "rules in force")
        rules.close()
    }

    test("the schema policy decides what violations do") {
        val (qr, signer, at) = nlSchemaViolations()
        val found = listOf(null, SchemaPolicy.LENIENT, SchemaPolicy.STRICT, SchemaPolicy.OFF).associateWith { policy ->
            Verifier(Settings(schemaPolicy = policy)).use { verifier ->
                verifier.loadUnsignedTrustList(signer)
                verifier.verify(qr, at)
            }
        }
        val lenient = found.getValue(null)
        expect(Outcome.Valid, lenient.outcome, "lenient outcome")
        val schema = lenient.schema ?: throw AssertionError("not checked")
        expect("1.0.0", schema.version, "schema version")
        expect(listOf("/dob" to "pattern"), schema.violations.map { it.path to it.kind }, "violations")
        expect(
            listOf(Triple("/t/0/tt", "covid-19-lab-test-type", "not-in-value-set")),
            schema.valueSetViolations.map { Triple(it.path, it.valueSet, it.kind) },
            "value-set violations",
        )
        expect(lenient, found.getValue(SchemaPolicy.LENIENT), "LENIENT is the default")
        val strict = found.getValue(SchemaPolicy.STRICT)
        expect(InvalidReason.SchemaInvalid to "schema-invalid", invalid(strict).reason to invalid(strict).code, "strict")
        expect(schema, strict.schema, "strict reports the same")
        val off = found.getValue(SchemaPolicy.OFF)
        expect(Outcome.Valid to null, off.outcome to off.schema, "off")
        Verifier(Settings(schemaPolicy = SchemaPolicy.STRICT)).use { conforming ->
            conforming.loadUnsignedTrustList(samples())
            val v = conforming.verify(sample("vn-vaccination-es256"), AT)
            expect(Outcome.Valid, v.outcome, "a conforming certificate under STRICT")
            expect(Triple("1.3.0", 0, 0), Triple(v.schema?.version, v.schema?.violations?.size, v.schema?.valueSetViolations?.size), "its check")
        }
    }

    test("display names name the codes") {
        val vaccination = verifier.verify(sample("vn-vaccination-es256"), AT).certificate!!.dcc().displayNames as? DisplayNames.Vaccination
            ?: throw AssertionError("not a vaccination")
        val v = vaccination.entries.single()
        expect(
            listOf("COVID-19", "covid-19 vaccines (deprecated)", "Comirnaty", "Biontech Manufacturing GmbH", "Viet Nam"),
            listOf(v.disease, v.vaccine, v.product, v.manufacturer, v.country),
            "vaccination names",
        )
        val test = (verifier.verify(sample("vn-test-es256"), AT).certificate!!.dcc().displayNames as DisplayNames.Test).entries.single()
        expect(
            listOf("COVID-19", "Rapid immunoassay", "Not detected", "Abbott Rapid Diagnostics, Panbio COVID-19 Ag Rapid Test", "Viet Nam"),
            listOf(test.disease, test.testType, test.result, test.device, test.country),
            "test names",
        )
        val recovery = (Verifier().decode(sample("vn-recovery-es256")) as DecodeOutcome.Decoded).certificate.dcc().displayNames
        expect(DisplayNames.Recovery(listOf(RecoveryNames(disease = "COVID-19", country = "Viet Nam"))), recovery, "recovery names (decode)")
    }

    test("loaded value sets change the display names") {
        val v = verifierWithSamples()
        val qr = sample("vn-vaccination-es256")
        fun names(verification: Verification) = (verification.certificate!!.dcc().displayNames as DisplayNames.Vaccination).entries.single()
        v.loadValueSets(
            """{"valueSetId": "vaccines-covid-19-names", "valueSetDate": "2026-05-01", "valueSetValues":
               {"EU/1/20/1528": {"display": "Comirnaty (BioNTech)", "lang": "en", "active": true, "system": "x", "version": ""}}}""".toByteArray(),
        )
        val renamed = v.verify(qr, AT)
        expect("Comirnaty (BioNTech)" to "Viet Nam", names(renamed).product to names(renamed).country, "product renamed, the rest bundled")
        expect(0, renamed.schema?.valueSetViolations?.size, "value-set violations")
        expect(renamed.certificate?.dcc()?.displayNames, (v.decode(qr) as DecodeOutcome.Decoded).certificate.dcc().displayNames, "decode uses them too")
        v.loadValueSets("""{"country-2-codes": ["VN"]}""".toByteArray()) // the compressed form: codes, no names
        val compressed = v.verify(qr, AT)
        expect("Comirnaty" to null, names(compressed).product to names(compressed).country, "each load starts from the bundled sets")
        for ((document, expected) in listOf("\"text\"".toByteArray() to "not-value-sets", "{".toByteArray() to "not-json", byteArrayOf(0xff.toByte()) to "not-json")) {
            val e = thrown<VerifierException.ValueSetsRefused>(expected) { v.loadValueSets(document) }
            expect(expected, e.code, "refusal code")
        }
        expect(null, names(v.verify(qr, AT)).country, "the value sets in force stay")
        v.close()
    }

    test("every kind has its content case") {
        val who = File(repo, "testdata/who-hcert")
        val v = Verifier(Settings())
        v.loadUnsignedTrustList(UnsignedTrustList.Pem(File(who, "dsc.pem").readBytes()), null)
        val at = 1_782_864_000L // 2026-07-01T00:00:00Z
        fun verify(name: String) = v.verify(File(who, "qr/$name.txt").readText().trim(), at)

        val icvp = verify("who-itb-track2-icvp-XCL-2026")
        expect(Outcome.Valid, icvp.outcome, "ICVP outcome")
        val cert = icvp.certificate!!
        expect(CertificateKind.ICVP to null, cert.kind to cert.expiresAt, "kind, no exp")
        val vaccination = (cert.content as CertificateContent.Icvp).icvp.vaccinations.single()
        expect("Yellow Fever" to "2025-09-26", vaccination.vaccineType to vaccination.validFrom, "PreQual product, vls")
        check(vaccination.displayName.startsWith("yellow fever vaccination ("), vaccination.displayName)

        val linked = verify("who-itb-track1-vhl-XJ-2026")
        expect(listOf("text-kid", "text-claim-keys", "iat-milliseconds", "link-exp-milliseconds"), linked.deviations, "deviations")
        val link = (linked.certificate!!.content as CertificateContent.HealthLink).link
        expect("lacpass.create.cl:8182" to true, link.host to link.needsPasscode, "host, passcode")
        check(link.key.startsWith("ePhmJ1"), "the key for the app")
        for (shown in listOf(linked.toString(), link.toString(), linked.certificate.toString())) {
            check(!shown.contains("ePhmJ1"), "link key printed: $shown")
        }
        val meow = verify("who-itb-track3-meow-XCL-2026").certificate!!
        val overview = (meow.content as CertificateContent.MedicationOverview).overview
        expect("318956006", overview.medications.single().code, "medication")
        check(!meow.toString().contains("González"), "name printed")
        v.close()
    }

    test("printed results carry no personal data") {
        val rules = arrivingInGermany() // so that results hold rule verdicts too
        for (name in listOf("vn-vaccination-es256", "vn-test-es256", "vn-recovery-es256")) {
            val v = rules.verify(sample(name), AT)
            check(v.rules != null, "$name: rules evaluated")
            val whole = v.certificate!!
            val cert = whole.dcc()
            val secrets = listOfNotNull(cert.name.familyName, cert.name.familyNameStandardised, cert.name.givenName, cert.dateOfBirth.text, "URN:UVCI")
            for (shown in listOf(v.toString(), whole.toString(), cert.toString(), cert.name.toString(), cert.dateOfBirth.toString(), cert.entries.toString(), v.rules.toString(), v.schema.toString(), cert.displayNames.toString())) {
                for (secret in secrets) check(!shown.contains(secret), "$name prints personal data: $shown")
            }
        }
        rules.close()
    }

    test("4 threads verify while another updates the cache") {
        val tmp = Files.createTempDirectory("dcc-verify-threads").toFile()
        try {
            val shared = Verifier.openCache(tmp.path, listOf(germanKey), allowUnsigned = true)
            shared.updateCacheUnsigned(samples())
            val valid = sample("vn-vaccination-es256")
            val pool = Executors.newFixedThreadPool(5)
            val running = CountDownLatch(4)
            val verifiers = (1..4).map {
                pool.submit(Callable {
                    try {
                        (1..250).map { code(shared.verify(valid, AT).outcome) }
                    } finally {
                        running.countDown()
                    }
                })
            }
            // The real update path (verified, written to disk, swapped in), until the verifiers
            // are done: every verification runs while updates do. At least two updates, and the
            // last one back to the sample list.
            val updater = pool.submit(Callable {
                var i = 0
                while (running.count > 0 || i < 2 || i % 2 == 1) {
                    if (i % 2 == 0) shared.updateCache(german(), force = true) else shared.updateCacheUnsigned(samples(), force = true)
                    i++
                }
                i
            })
            val seen = verifiers.flatMap { it.get(120, TimeUnit.SECONDS) }
            val updates = updater.get(120, TimeUnit.SECONDS)
            pool.shutdown()
            expect(1000, seen.size, "verifications")
            println("     $updates updates; answers seen: ${seen.groupingBy { it }.eachCount()}")
            // Each verification sees one list, whole: the samples' (valid) or the German one.
            expect(emptySet<String>(), seen.toSet() - setOf("valid", "unknown-signer"), "other answers")
            expect(Outcome.Valid, shared.verify(valid, AT).outcome, "after the last update (sample list)")
            expect(8L, Verifier.openCache(tmp.path, listOf(germanKey), allowUnsigned = true).trustListInfo()?.certificateCount, "on disk")
            shared.close()
        } finally {
            tmp.deleteRecursively()
        }
    }

    verifier.close()
    println("kotlin: $passed passed, $failed failed")
    exitProcess(if (failed == 0 && passed > 0) 0 else 1)
}
