"""Tests of the generated Python bindings against the real library.

bindings/test.sh builds the wheel (pyproject.toml), installs it into a fresh venv and runs this
file with that venv's Python, so `dcc_verify` is the installed package. Run directly, this
prints "python: N passed, N failed".

The Austrian list format is not exercised here: there is no real Austrian list in testdata/
(the Rust tests cover it with lists signed by generated keys); the binding is the same call.
"""

import json
import sys
import tempfile
import threading
import time
import unittest
from pathlib import Path

import dcc_verify as dcc

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "testdata" / "samples"
SAMPLE_LIST = (SAMPLES / "trust-list.json").read_bytes()
GERMAN_LIST = (REPO / "testdata" / "trustlists" / "de-dsc-list.signed").read_bytes()
GERMAN_KEY = (REPO / "testdata" / "trustlists" / "de-dsc-list-signing-key.pem").read_bytes()
DE_EU_RULES = (REPO / "testdata" / "rules-samples" / "de-eu-rules.json").read_bytes()
# 2026-06-01T00:00:00Z: the samples' README states the expected answers at this time.
AT = 1_780_272_000
DAY = 86_400


def sample(name):
    return (SAMPLES / f"{name}.txt").read_text()


def samples_list():
    return dcc.UnsignedTrustList.JSON(SAMPLE_LIST)


def german_list(bytes_=GERMAN_LIST):
    return dcc.SignedTrustList.DE(bytes_)


def tampered_german_list():
    """The German list with one byte of its signed JSON flipped."""
    tampered = bytearray(GERMAN_LIST)
    tampered[len(tampered) // 2] ^= 0x01
    return german_list(bytes(tampered))


def verifier_with_samples():
    verifier = dcc.Verifier(dcc.Settings())
    report = verifier.load_unsigned_trust_list(samples_list())
    assert (report.taken, len(report.skipped)) == (8, 0), report
    return verifier


def code_of(outcome):
    return "valid" if outcome.is_valid() else outcome.code


def arriving_in_germany(**settings):
    """A verifier with the sample list and the DE+EU sample rules, arriving in DE."""
    verifier = dcc.Verifier(dcc.Settings(arrival_country="DE", **settings))
    verifier.load_unsigned_trust_list(samples_list())
    report = verifier.load_rules(DE_EU_RULES)
    assert (report.taken, report.rejected) == (25, []), report
    return verifier


def sample_rule(identifier, **changes):
    """A copy of one of the DE+EU sample rules, with some fields changed."""
    rule = next(r for r in json.loads(DE_EU_RULES) if r["Identifier"] == identifier)
    return {**rule, **changes}


def nl_schema_violations():
    """A real NL certificate from the EU conformance corpus: genuinely signed, its dob outside
    the 1.0.0 schema's pattern, its test type the placeholder "a test". Its QR text, its signer
    as a PEM trust list, and an hour after it was signed."""
    case = json.loads((REPO / "testdata" / "dgc-testdata" / "NL" / "2DCode" / "raw" / "006-NL-test.json").read_text())
    pem = f"-----BEGIN CERTIFICATE-----\n{case['TESTCTX']['CERTIFICATE']}\n-----END CERTIFICATE-----\n"
    qr = case["PREFIX"]
    at = dcc.Verifier().decode(qr).certificate.issued_at + 3600
    return qr, dcc.UnsignedTrustList.PEM(pem.encode()), at


class Bindings(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.verifier = verifier_with_samples()

    def invalid(self, verification):
        self.assertTrue(verification.outcome.is_invalid(), verification.outcome)
        return verification.outcome

    def test_valid_samples_verify_with_signer_and_every_check_passed(self):
        for name in ["vn-vaccination-es256", "vn-vaccination-ps256", "vn-test-es256", "vn-recovery-es256"]:
            v = self.verifier.verify(sample(name), AT)
            self.assertEqual(v.outcome, dcc.Outcome.VALID(), name)
            self.assertEqual(v.signer.country, "VN", name)
            c = v.checks
            for status in [c.signature, c.signer_validity, c.key_usage, c.issued_at, c.expiry, c.issuer_country]:
                self.assertEqual(status, dcc.CheckStatus.PASSED, name)

    def test_valid_certificate_decodes_into_typed_records(self):
        v = self.verifier.verify(sample("vn-vaccination-es256"), AT)
        self.assertEqual(v.kid, "6+Dmto+Hqng=")
        self.assertEqual(v.algorithm, dcc.SignatureAlgorithm.ES256())
        whole = v.certificate
        self.assertEqual((whole.issuer, whole.issued_at, whole.expires_at), ("VN", 1_772_323_200, 2_087_942_400))
        self.assertEqual(whole.kind, dcc.CertificateKind.EU_DCC)
        self.assertTrue(whole.content.is_eu_dcc())
        self.assertEqual(v.deviations, [])
        cert = whole.content.dcc
        self.assertEqual(cert.certificate_type, dcc.CertificateType.VACCINATION)
        self.assertEqual(cert.name.family_name, "Nguyễn")
        self.assertEqual(cert.name.given_name_standardised, "THI<MINH<KHAI")
        dob = cert.date_of_birth
        self.assertEqual((dob.text, dob.year, dob.month, dob.day), ("1985-03-12", 1985, 3, 12))
        self.assertTrue(cert.entries.is_vaccination())
        [entry] = cert.entries.entries
        self.assertEqual((entry.dose_number, entry.total_doses, entry.medicinal_product), (2, 2, "EU/1/20/1528"))
        expected = json.loads((SAMPLES / "vn-vaccination-es256.json").read_text())
        self.assertEqual(json.loads(whole.payload_json), expected)

    def test_partial_dates_of_birth_keep_their_precision(self):
        test = self.verifier.verify(sample("vn-test-es256"), AT).certificate.content.dcc
        self.assertEqual((test.date_of_birth.year, test.date_of_birth.month, test.date_of_birth.day), (1990, 7, None))
        self.assertTrue(test.entries.is_test())
        recovery = self.verifier.verify(sample("vn-recovery-es256"), AT).certificate.content.dcc
        self.assertEqual((recovery.date_of_birth.year, recovery.date_of_birth.month), (1979, None))
        self.assertEqual(recovery.entries.entries[0].valid_until, "2026-08-13")

    def test_each_invalid_sample_fails_for_its_stated_reason(self):
        expected = [
            ("vn-vaccination-tampered", dcc.InvalidReason.SIGNATURE_INVALID(), "signature-invalid"),
            ("vn-vaccination-expired", dcc.InvalidReason.EXPIRED(), "expired"),
            ("vn-vaccination-unknown-signer", dcc.InvalidReason.UNKNOWN_SIGNER(), "unknown-signer"),
            ("vn-vaccination-test-only-dsc", dcc.InvalidReason.KEY_USAGE(dcc.CertificateType.VACCINATION), "key-usage"),
            ("vn-vaccination-dsc-expired", dcc.InvalidReason.SIGNER_NOT_VALID(), "signer-not-valid"),
            ("vn-vaccination-dsc-not-yet-valid", dcc.InvalidReason.SIGNER_NOT_VALID(), "signer-not-valid"),
            ("vn-vaccination-rsa1024", dcc.InvalidReason.UNUSABLE_SIGNER_KEY(), "unusable-signer-key"),
            ("vn-vaccination-es384", dcc.InvalidReason.UNSUPPORTED_ALGORITHM(), "unsupported-algorithm"),
        ]
        for name, reason, code in expected:
            outcome = self.invalid(self.verifier.verify(sample(name), AT))
            self.assertEqual((outcome.reason, outcome.code), (reason, code), name)
            self.assertTrue(outcome.message, name)

    def test_tampered_is_invalid_and_its_content_still_shown(self):
        v = self.verifier.verify(sample("vn-vaccination-tampered"), AT)
        self.assertEqual(self.invalid(v).reason, dcc.InvalidReason.SIGNATURE_INVALID())
        self.assertEqual(v.checks.signature, dcc.CheckStatus.FAILED)
        self.assertIsNone(v.signer)
        self.assertEqual(v.certificate.content.dcc.name.family_name_standardised, "NGUYEM")

    def test_expired_depends_on_the_time_given(self):
        qr = sample("vn-vaccination-expired")  # iat 2021-10-01, exp 2022-10-01
        self.assertEqual(self.invalid(self.verifier.verify(qr, AT)).reason, dcc.InvalidReason.EXPIRED())
        self.assertEqual(self.verifier.verify(qr, AT).checks.expiry, dcc.CheckStatus.FAILED)
        self.assertEqual(self.verifier.verify(qr, 1_654_041_600).outcome, dcc.Outcome.VALID())  # 2022-06-01
        self.assertEqual(
            self.invalid(self.verifier.verify(qr, 1_630_454_400)).reason, dcc.InvalidReason.NOT_YET_VALID()
        )  # 2021-09-01

    def test_unknown_signer_has_no_signer_and_the_kid_it_claimed(self):
        v = self.verifier.verify(sample("vn-vaccination-unknown-signer"), AT)
        self.assertEqual(self.invalid(v).reason, dcc.InvalidReason.UNKNOWN_SIGNER())
        self.assertIsNone(v.signer)
        self.assertEqual(v.kid, "HVvQZ1F0g+c=")
        self.assertIsNotNone(v.certificate)

    def test_issuer_country_differing_from_the_signers_is_reported(self):
        v = self.verifier.verify(sample("vn-vaccination-es256-de-dsc"), AT)
        self.assertEqual(v.checks.issuer_country, dcc.CheckStatus.FAILED)
        self.assertEqual(v.signer.country, "DE")

    def test_malformed_input_is_a_result_naming_the_stage(self):
        cases = [
            ("", dcc.DecodeStage.PREFIX, "malformed-prefix"),
            ("hello", dcc.DecodeStage.PREFIX, "malformed-prefix"),
            ("HC2:ABC", dcc.DecodeStage.PREFIX, "unsupported-prefix"),
            ("HC1:!!!", dcc.DecodeStage.BASE45, "malformed-base45"),
            ("HC1:B/DSUEKLFNED", dcc.DecodeStage.INFLATE, "malformed-compression"),
            ("HC1:6BFVMB000-FKQ3", dcc.DecodeStage.COSE, "malformed-cose"),
            ("HC1:" + "A" * 100_000, dcc.DecodeStage.PREFIX, "input-too-long"),
            (sample("vn-vaccination-es256")[:202], dcc.DecodeStage.INFLATE, "malformed-compression"),
        ]
        for qr, stage, code in cases:
            outcome = self.invalid(self.verifier.verify(qr, AT))
            self.assertEqual((outcome.reason, outcome.code), (dcc.InvalidReason.MALFORMED(stage), code), qr[:20])
            decoded = self.verifier.decode(qr)
            self.assertTrue(decoded.is_malformed(), qr[:20])
            self.assertEqual((decoded.stage, decoded.code), (stage, code), qr[:20])

    def test_decode_needs_no_trust_list_and_verify_without_one_is_undecidable(self):
        fresh = dcc.Verifier()
        self.assertIsNone(fresh.trust_list_info())
        decoded = fresh.decode(sample("vn-vaccination-tampered"))
        self.assertTrue(decoded.is_decoded())
        self.assertEqual(decoded.certificate.content.dcc.name.family_name_standardised, "NGUYEM")
        self.assertEqual(decoded.kid, "6+Dmto+Hqng=")
        outcome = fresh.verify(sample("vn-vaccination-es256"), AT).outcome
        self.assertTrue(outcome.is_undecidable())
        self.assertEqual((outcome.reason, outcome.code), (dcc.UndecidableReason.NO_TRUST_LIST, "no-trust-list"))

    def test_an_explicit_time_before_2020_is_not_an_unset_clock(self):
        # Issue 10, item 19: only the device clock can be "not set"; a time the app passes is
        # taken as given (in 1970 the certificate was not yet issued).
        outcome = self.verifier.verify(sample("vn-vaccination-es256"), 0).outcome
        self.assertEqual((outcome.is_invalid(), outcome.code), (True, "not-yet-valid"))

    def test_verify_without_a_time_uses_the_device_clock(self):
        now = int(time.time())
        for name in ["vn-vaccination-es256", "vn-vaccination-expired"]:
            self.assertEqual(self.verifier.verify(sample(name)).outcome, self.verifier.verify(sample(name), now).outcome)

    def test_misuse_raises_typed_errors_and_keeps_the_list(self):
        for bad, name in [
            (dcc.Settings(clock_skew_seconds=-1), "clock_skew_seconds"),
            (dcc.Settings(stale_after_seconds=-1), "stale_after_seconds"),
            (dcc.Settings(refuse_after_seconds=-1), "refuse_after_seconds"),
        ]:
            with self.assertRaises(dcc.VerifierError.InvalidArgument) as raised:
                dcc.Verifier(bad)
            self.assertIn(name, raised.exception.detail)
        with self.assertRaises(dcc.VerifierError.TrustListRefused) as raised:
            self.verifier.load_unsigned_trust_list(dcc.UnsignedTrustList.JSON(b"not json"))
        self.assertEqual(raised.exception.code, "not-json")
        with self.assertRaises(dcc.VerifierError.InvalidAnchor) as raised:
            self.verifier.load_trust_list(german_list(), [GERMAN_KEY, b"not a key"])
        self.assertEqual(raised.exception.index, 1)
        with self.assertRaises(dcc.VerifierError.TrustListRefused) as raised:
            self.verifier.load_trust_list(german_list(), [])
        self.assertEqual(raised.exception.code, "no-anchors")
        with self.assertRaises(dcc.VerifierError.NoCacheDirectory):
            self.verifier.update_cache(german_list())
        self.assertIsNone(self.verifier.cache_load_error())
        self.assertEqual(self.verifier.trust_list_info().certificate_count, 8)
        self.assertEqual(self.verifier.verify(sample("vn-vaccination-es256"), AT).outcome, dcc.Outcome.VALID())

    def test_import_report_lists_skipped_entries(self):
        real = json.loads(SAMPLE_LIST)["certificates"][0]
        entries = [
            {"rawData": "AAAA"},
            {"rawData": "%%%"},
            {"kid": "AAAAAAAAAAA=", "rawData": real["rawData"]},  # a real certificate, another kid
            real,
        ]
        scratch = dcc.Verifier()
        report = scratch.load_unsigned_trust_list(dcc.UnsignedTrustList.JSON(json.dumps(entries).encode()))
        self.assertEqual(report.taken, 1)
        self.assertEqual(
            [(s.index, s.reason) for s in report.skipped],
            [(0, dcc.SkipReason.NOT_A_CERTIFICATE), (1, dcc.SkipReason.NOT_BASE64), (2, dcc.SkipReason.KID_MISMATCH)],
        )
        self.assertEqual(report.skipped[2].listed_kid, "AAAAAAAAAAA=")
        self.assertTrue(all(s.message for s in report.skipped))
        self.assertEqual(report.newest_entry, 1_772_323_200)  # the entry's timestamp, 2026-03-01

    def test_the_real_german_list_imports_signed_and_test_keys_are_unknown_to_it(self):
        german = dcc.Verifier()
        report = german.load_trust_list(german_list(), [GERMAN_KEY])
        self.assertEqual((report.taken, [s.reason for s in report.skipped]), (827, [dcc.SkipReason.NOT_DSC] * 2))  # two CSCAs listed as DSCs (GE, SM)
        info = german.trust_list_info()
        self.assertEqual(info.certificate_count, 827)
        self.assertEqual((info.status.format, info.status.signed, info.status.stale), (dcc.TrustListFormat.DE, True, False))
        self.assertEqual(len(info.anchor), 16)
        self.assertEqual(info.list_time, report.newest_entry)
        issuers = {i.country: i.certificate_count for i in info.issuers}
        self.assertEqual(sum(issuers.values()), 827)
        self.assertGreaterEqual(issuers.get("VN", 0), 1)
        v = german.verify(sample("vn-vaccination-es256"), AT)
        self.assertEqual(self.invalid(v).reason, dcc.InvalidReason.UNKNOWN_SIGNER())
        self.assertEqual((v.trust_list.format, v.trust_list.signed), (dcc.TrustListFormat.DE, True))
        german.load_unsigned_trust_list(samples_list())
        v = german.verify(sample("vn-vaccination-es256"), AT)
        self.assertEqual(v.outcome, dcc.Outcome.VALID())
        self.assertEqual((v.trust_list.format, v.trust_list.signed), (dcc.TrustListFormat.JSON, False))

    def test_whos_production_list_verifies_with_its_signers_did_document(self):
        who = REPO / "testdata" / "who"
        prod_list = (who / "trustlists" / "prod" / "v2-trustlist.did.json").read_bytes()
        prod_did = (who / "signers" / "who-prod-signer.did.json").read_bytes()
        verifier = dcc.Verifier(dcc.Settings())
        report = verifier.load_trust_list(dcc.SignedTrustList.WHO(prod_list), [prod_did])
        self.assertEqual((report.taken, len(report.skipped)), (438, 63))
        self.assertEqual({s.reason for s in report.skipped}, {dcc.SkipReason.NOT_DSC})
        info = verifier.trust_list_info()
        self.assertEqual((info.status.format, info.environment), (dcc.TrustListFormat.WHO, "prod"))
        self.assertEqual(info.issued_at, 1_787_418_301)  # proof.created 2026-08-22T17:05:01Z
        self.assertEqual([(d.code, d.certificate_count) for d in info.domains], [("DCC", 438)])
        self.assertEqual({p.code: p.certificate_count for p in info.participants}["NZL"], 39)
        # A Spanish certificate of the EU test data, signed in 2021 by a DSC still listed.
        es = json.loads((REPO / "testdata/dgc-testdata/ES/2DCode/raw/203.json").read_bytes())["PREFIX"]
        result = verifier.verify(es, 1_622_505_600)  # 2021-06-01
        self.assertTrue(result.outcome.is_valid(), result.outcome)
        self.assertEqual(
            (result.signer.country, result.signer.participant, result.signer.domain), ("ES", "ESP", "DCC")
        )
        dev_key = (who / "signers" / "who-dev-signer.pem").read_bytes()
        with self.assertRaises(dcc.VerifierError.TrustListRefused) as raised:
            verifier.load_trust_list(dcc.SignedTrustList.WHO(prod_list), [dev_key])
        self.assertEqual(raised.exception.code, "signature-invalid")
        reference = (who / "trustlists" / "prod" / "v2-trustlist-ref.did.json").read_bytes()
        with self.assertRaises(dcc.VerifierError.TrustListRefused) as raised:
            verifier.load_trust_list(dcc.SignedTrustList.WHO(reference), [prod_did])
        self.assertEqual(raised.exception.code, "reference-list")
        self.assertEqual(verifier.trust_list_info().certificate_count, 438)

    def test_the_who_production_and_german_lists_as_two_sources_name_the_signers(self):
        who = REPO / "testdata" / "who"
        prod_list = (who / "trustlists" / "prod" / "v2-trustlist.did.json").read_bytes()
        prod_key = (who / "signers" / "who-prod-signer.pem").read_bytes()
        verifier = dcc.Verifier(dcc.Settings())
        verifier.add_source("who-prod", dcc.SignedTrustList.WHO(prod_list), [prod_key])
        verifier.add_source("de-2023-11", german_list(), [GERMAN_KEY])
        self.assertEqual([s.name for s in verifier.sources()], ["who-prod", "de-2023-11"])
        # Uruguay never joined the GDHCN: its DSC is in the German list only.
        uruguay = (REPO / "testdata/who-hcert/qr/gdhcn-validator-eu-uruguay2-ps256.txt").read_text().strip()
        result = verifier.verify(uruguay, 1_672_531_200)  # 2023-01-01
        self.assertTrue(result.outcome.is_valid(), result.outcome)
        source = result.signer.source
        self.assertEqual((source.name, source.format, source.signed), ("de-2023-11", dcc.TrustListFormat.DE, True))
        es = json.loads((REPO / "testdata/dgc-testdata/ES/2DCode/raw/203.json").read_bytes())["PREFIX"]
        from_who = verifier.verify(es, 1_622_505_600).signer.source  # 2021-06-01
        self.assertEqual((from_who.name, from_who.environment), ("who-prod", "prod"))
        # A refused refresh of one source leaves both in force; removing one leaves the other.
        with self.assertRaises(dcc.VerifierError.TrustListRefused):
            verifier.add_source("de-2023-11", german_list(), [prod_key])
        self.assertTrue(verifier.verify(uruguay, 1_672_531_200).outcome.is_valid())
        self.assertTrue(verifier.remove_source("de-2023-11"))
        self.assertTrue(verifier.verify(uruguay, 1_672_531_200).outcome.is_invalid())
        self.assertTrue(verifier.verify(es, 1_622_505_600).outcome.is_valid())

    def test_a_tampered_signed_list_is_refused_and_the_previous_list_stays(self):
        verifier = verifier_with_samples()
        with self.assertRaises(dcc.VerifierError.TrustListRefused) as raised:
            verifier.load_trust_list(tampered_german_list(), [GERMAN_KEY])
        self.assertEqual(raised.exception.code, "signature-invalid")
        self.assertEqual(verifier.trust_list_info().certificate_count, 8)
        self.assertEqual(verifier.verify(sample("vn-vaccination-es256"), AT).outcome, dcc.Outcome.VALID())

    def test_a_list_fetched_three_days_ago_is_stale(self):
        now = int(time.time())
        verifier = dcc.Verifier()
        verifier.load_trust_list(german_list(), [GERMAN_KEY], fetched_at=now - 3 * DAY)
        info = verifier.trust_list_info()
        self.assertEqual(info.fetched_at, now - 3 * DAY)
        self.assertTrue(info.status.stale)
        self.assertTrue(3 * DAY <= info.status.age_seconds < 3 * DAY + 60, info.status.age_seconds)
        status = verifier.verify(sample("vn-vaccination-es256"), now).trust_list
        self.assertEqual((status.age_seconds, status.stale, status.signed), (3 * DAY, True, True))
        status = verifier.verify(sample("vn-vaccination-es256"), now - 3 * DAY + 3600).trust_list
        self.assertEqual((status.age_seconds, status.stale), (3600, False))

    def test_refuse_after_makes_an_older_list_undecidable(self):
        strict = dcc.Verifier(dcc.Settings(stale_after_seconds=DAY, refuse_after_seconds=2 * DAY))
        strict.load_unsigned_trust_list(samples_list(), fetched_at=AT - 3 * DAY)
        v = strict.verify(sample("vn-vaccination-es256"), AT)
        self.assertTrue(v.outcome.is_undecidable(), v.outcome)
        self.assertEqual(
            (v.outcome.reason, v.outcome.code), (dcc.UndecidableReason.TRUST_LIST_EXPIRED, "trust-list-expired")
        )
        self.assertEqual(v.checks.signature, dcc.CheckStatus.PASSED)  # the checks still ran
        v = strict.verify(sample("vn-vaccination-es256"), AT - DAY - 3600)
        self.assertEqual(v.outcome, dcc.Outcome.VALID())
        self.assertEqual((v.trust_list.age_seconds, v.trust_list.stale), (2 * DAY - 3600, True))

    def test_the_cache_directory_keeps_the_last_good_list(self):
        valid = sample("vn-vaccination-es256")
        with tempfile.TemporaryDirectory() as tmp:
            directory = str(Path(tmp) / "trust")
            first = dcc.Verifier.open_cache(directory, [GERMAN_KEY], allow_unsigned=True)
            self.assertEqual(first.cache_load_error(), dcc.CacheLoadError.MISSING())
            self.assertIsNone(first.trust_list_info())
            self.assertEqual(first.verify(valid, AT).outcome.code, "no-trust-list")

            self.assertEqual(first.update_cache(german_list()).taken, 827)
            self.assertEqual(code_of(first.verify(valid, AT).outcome), "unknown-signer")
            self.assertEqual(first.update_cache_unsigned(samples_list()).taken, 8)  # newer entries
            self.assertEqual(first.verify(valid, AT).outcome, dcc.Outcome.VALID())
            on_disk = (Path(directory) / "trust-list.cache").read_bytes()

            with self.assertRaises(dcc.VerifierError.TrustListRefused) as raised:
                first.update_cache(german_list())  # its newest entry is older: a rollback
            self.assertEqual(raised.exception.code, "rollback")
            with self.assertRaises(dcc.VerifierError.TrustListRefused) as raised:
                first.update_cache(tampered_german_list(), force=True)
            self.assertEqual(raised.exception.code, "signature-invalid")
            self.assertEqual(first.verify(valid, AT).outcome, dcc.Outcome.VALID())
            self.assertEqual((Path(directory) / "trust-list.cache").read_bytes(), on_disk)

            signed_only = dcc.Verifier.open_cache(directory, [GERMAN_KEY])  # unsigned lists not allowed
            self.assertEqual(signed_only.cache_load_error(), dcc.CacheLoadError.UNSIGNED_NOT_ALLOWED())
            second = dcc.Verifier.open_cache(directory, [GERMAN_KEY], allow_unsigned=True)  # the next start of the app
            self.assertIsNone(second.cache_load_error())
            self.assertEqual(second.trust_list_info().certificate_count, 8)
            self.assertEqual(second.verify(valid, AT).outcome, dcc.Outcome.VALID())

            self.assertEqual(first.update_cache(german_list(), force=True).taken, 827)
            third = dcc.Verifier.open_cache(directory, [GERMAN_KEY])
            self.assertEqual(third.trust_list_info().status.signed, True)
            self.assertEqual(third.trust_list_info().certificate_count, 827)
            untrusting = dcc.Verifier.open_cache(directory, [])  # the key is no longer an anchor
            self.assertIsNone(untrusting.trust_list_info())
            problem = untrusting.cache_load_error()
            self.assertTrue(problem.is_rejected(), problem)
            self.assertEqual(problem.code, "no-anchors")

    def test_printed_results_carry_no_personal_data(self):
        verifier = arriving_in_germany()  # so that results hold rule verdicts too
        for name in ["vn-vaccination-es256", "vn-test-es256", "vn-recovery-es256"]:
            v = verifier.verify(sample(name), AT)
            self.assertIsNotNone(v.rules, name)
            whole = v.certificate
            cert = whole.content.dcc
            secrets = [cert.name.family_name, cert.name.family_name_standardised, cert.name.given_name,
                       cert.date_of_birth.text, "URN:UVCI"]
            for shown in [str(v), repr(v), str(whole), repr(whole), str(cert), repr(cert), str(cert.name), repr(cert.date_of_birth),
                          str(cert.entries), str(v.rules), str(v.schema), str(cert.display_names)]:
                for secret in secrets:
                    self.assertNotIn(secret, shown, name)

    def test_an_arrival_country_without_acceptance_rules_is_reported(self):
        # Issue 10, item 15: "DEU" has no acceptance rules; the result says so, and "" is misuse.
        self.assertTrue(arriving_in_germany().verify(sample("vn-vaccination-es256"), AT).rules.arrival_country_has_rules)
        deu = dcc.Verifier(dcc.Settings(arrival_country="DEU"))
        deu.load_unsigned_trust_list(samples_list())
        deu.load_rules(DE_EU_RULES)
        rules = deu.verify(sample("vn-vaccination-es256"), AT).rules
        self.assertEqual((rules.arrival_country_has_rules, rules.verdicts), (False, []))
        with self.assertRaises(dcc.VerifierError.InvalidArgument):
            dcc.Verifier(dcc.Settings(arrival_country=""))

    def test_rules_judge_a_genuine_certificate(self):
        verifier = arriving_in_germany()
        v = verifier.verify(sample("vn-vaccination-es256"), AT)
        self.assertEqual(v.outcome, dcc.Outcome.VALID())
        self.assertEqual((v.rules.passed, v.rules.failed, v.rules.open), (4, 0, 0))
        self.assertEqual([r.identifier for r in v.rules.verdicts], ["VR-DE-0001", "VR-DE-0002", "VR-DE-0003", "VR-DE-0004"])
        first = v.rules.verdicts[0]
        self.assertEqual((first.rule_type, first.country, first.version), (dcc.RuleType.ACCEPTANCE, "DE", "1.0.0"))
        self.assertEqual(first.description, "The vaccination schedule must be complete (e.g., 1/1, 2/2).")
        self.assertTrue(all(r.outcome == dcc.RuleOutcome.PASSED() for r in v.rules.verdicts))

        v = verifier.verify(sample("vn-test-es256"), AT)  # a rapid test taken 3 months before
        self.assertEqual((v.outcome.reason, v.outcome.code), (dcc.InvalidReason.RULES_FAILED(), "rules-failed"))
        self.assertEqual((v.rules.passed, v.rules.failed, v.rules.open), (4, 1, 0))
        self.assertEqual([r.identifier for r in v.rules.verdicts if r.outcome.is_failed()], ["TR-DE-0002"])
        self.assertEqual(verifier.verify(sample("vn-test-es256"), 1_772_366_400).outcome, dcc.Outcome.VALID())  # 3.5 h after

        german = arriving_in_germany(language="de")
        [failed] = [r for r in german.verify(sample("vn-test-es256"), AT).rules.verdicts if r.outcome.is_failed()]
        self.assertTrue(failed.description.startswith("Die Probenahme"), failed.description)

        verifier.clear_rules()
        v = verifier.verify(sample("vn-test-es256"), AT)
        self.assertEqual((v.outcome, v.rules), (dcc.Outcome.VALID(), None))

    def test_a_rule_for_an_unknown_engine_is_open(self):
        verifier = arriving_in_germany()
        unknown = sample_rule("VR-DE-0001", Engine="FUTURELOGIC", EngineVersion="2.0.0")
        report = verifier.load_rules(json.dumps([unknown, sample_rule("VR-DE-0002")]).encode())
        self.assertEqual((report.taken, report.rejected), (2, []))
        v = verifier.verify(sample("vn-vaccination-es256"), AT)
        self.assertEqual((v.outcome.reason, v.outcome.code), (dcc.UndecidableReason.RULES_OPEN, "rules-open"))
        self.assertEqual((v.rules.passed, v.rules.failed, v.rules.open), (1, 0, 1))
        [open_] = [r for r in v.rules.verdicts if r.outcome.is_open()]
        self.assertEqual(open_.identifier, "VR-DE-0001")
        self.assertEqual((open_.outcome.reason, open_.outcome.code), (dcc.OpenReason.UNSUPPORTED_ENGINE, "unsupported-engine"))
        self.assertTrue(open_.outcome.message)

    def test_a_rule_set_reports_what_it_leaves_out_and_refuses_a_non_array(self):
        verifier = arriving_in_germany()
        rules = json.loads(DE_EU_RULES)
        rules[1]["Version"] = "one"  # RR-DE-0002, recoveries only
        del rules[2]["Logic"]  # TR-DE-0001
        report = verifier.load_rules(json.dumps(rules).encode())
        self.assertEqual(report.taken, 23)
        self.assertEqual(
            [(r.index, r.identifier, r.code) for r in report.rejected],
            [(1, "RR-DE-0002", "invalid-version"), (2, "TR-DE-0001", "not-a-rule")],
        )
        self.assertTrue(all(r.message for r in report.rejected))
        for document, code in [(b'{"rules": []}', "not-an-array"), (b"[{", "not-json")]:
            with self.assertRaises(dcc.VerifierError.RulesRefused) as raised:
                verifier.load_rules(document)
            self.assertEqual(raised.exception.code, code)
        # The 23 rules loaded before the refusals are still in force.
        self.assertEqual(verifier.verify(sample("vn-test-es256"), AT).rules.failed, 1)

    def test_the_schema_policy_decides_what_violations_do(self):
        qr, signer, at = nl_schema_violations()
        found = {}
        for policy in [None, dcc.SchemaPolicy.LENIENT, dcc.SchemaPolicy.STRICT, dcc.SchemaPolicy.OFF]:
            verifier = dcc.Verifier(dcc.Settings(schema_policy=policy))
            verifier.load_unsigned_trust_list(signer)
            found[policy] = verifier.verify(qr, at)
        lenient = found[None]
        self.assertEqual(lenient.outcome, dcc.Outcome.VALID())
        self.assertEqual(lenient.schema.version, "1.0.0")
        self.assertEqual([(v.path, v.kind) for v in lenient.schema.violations], [("/dob", "pattern")])
        self.assertEqual(
            [(v.path, v.value_set, v.kind) for v in lenient.schema.value_set_violations],
            [("/t/0/tt", "covid-19-lab-test-type", "not-in-value-set")],
        )
        self.assertEqual(found[dcc.SchemaPolicy.LENIENT], lenient)
        strict = found[dcc.SchemaPolicy.STRICT]
        self.assertEqual((strict.outcome.reason, strict.outcome.code), (dcc.InvalidReason.SCHEMA_INVALID(), "schema-invalid"))
        self.assertEqual(strict.schema, lenient.schema)
        off = found[dcc.SchemaPolicy.OFF]
        self.assertEqual((off.outcome, off.schema), (dcc.Outcome.VALID(), None))
        # A conforming certificate stays valid under the strict policy.
        strict = dcc.Verifier(dcc.Settings(schema_policy=dcc.SchemaPolicy.STRICT))
        strict.load_unsigned_trust_list(samples_list())
        v = strict.verify(sample("vn-vaccination-es256"), AT)
        self.assertEqual(v.outcome, dcc.Outcome.VALID())
        self.assertEqual((v.schema.version, v.schema.violations, v.schema.value_set_violations), ("1.3.0", [], []))

    def test_every_kind_has_its_content_case(self):
        who = REPO / "testdata" / "who-hcert"
        verifier = dcc.Verifier(dcc.Settings())
        verifier.load_unsigned_trust_list(dcc.UnsignedTrustList.PEM((who / "dsc.pem").read_bytes()))
        at = 1_782_864_000  # 2026-07-01T00:00:00Z

        def verify(name):
            return verifier.verify((who / "qr" / f"{name}.txt").read_text().strip(), at)

        icvp_v = verify("who-itb-track2-icvp-XCL-2026")
        self.assertEqual(icvp_v.outcome, dcc.Outcome.VALID())
        cert = icvp_v.certificate
        self.assertEqual((cert.kind, cert.expires_at), (dcc.CertificateKind.ICVP, None))
        self.assertEqual(icvp_v.checks.certificate_validity, dcc.CheckStatus.PASSED)
        self.assertTrue(cert.content.is_icvp())
        [vaccination] = cert.content.icvp.vaccinations
        self.assertEqual((vaccination.vaccine_type, vaccination.valid_from), ("Yellow Fever", "2025-09-26"))
        self.assertTrue(vaccination.display_name.startswith("yellow fever vaccination ("))

        link_v = verify("who-itb-track1-vhl-XJ-2026")
        self.assertEqual(link_v.deviations, ["text-kid", "text-claim-keys", "iat-milliseconds", "link-exp-milliseconds"])
        link = link_v.certificate.content.link
        self.assertEqual((link.host, link.needs_passcode, link.expires_at), ("lacpass.create.cl:8182", True, 1_783_723_963))
        self.assertTrue(link.key.startswith("ePhmJ1"))
        for shown in [str(link_v), repr(link_v), str(link), repr(link_v.certificate)]:
            self.assertNotIn("ePhmJ1", shown)

        meow = verify("who-itb-track3-meow-XCL-2026").certificate
        self.assertEqual(meow.kind, dcc.CertificateKind.MEDICATION_OVERVIEW)
        self.assertEqual(meow.content.overview.medications[0].code, "318956006")
        self.assertNotIn("González", str(meow))

        strict = dcc.Verifier(dcc.Settings(schema_policy=dcc.SchemaPolicy.STRICT))
        strict.load_unsigned_trust_list(dcc.UnsignedTrustList.PEM((who / "dsc.pem").read_bytes()))
        refused = strict.verify((who / "qr" / "who-itb-track1-vhl-XJ-2026.txt").read_text().strip(), at)
        self.assertEqual(refused.outcome.reason, dcc.InvalidReason.DEVIATIONS())

    def test_display_names_name_the_codes(self):
        cert = self.verifier.verify(sample("vn-vaccination-es256"), AT).certificate.content.dcc
        self.assertTrue(cert.display_names.is_vaccination())
        [names] = cert.display_names.entries
        self.assertEqual(
            (names.disease, names.vaccine, names.product, names.manufacturer, names.country),
            ("COVID-19", "covid-19 vaccines (deprecated)", "Comirnaty", "Biontech Manufacturing GmbH", "Viet Nam"),
        )
        [names] = self.verifier.verify(sample("vn-test-es256"), AT).certificate.content.dcc.display_names.entries
        self.assertEqual(
            (names.disease, names.test_type, names.result, names.device, names.country),
            ("COVID-19", "Rapid immunoassay", "Not detected", "Abbott Rapid Diagnostics, Panbio COVID-19 Ag Rapid Test", "Viet Nam"),
        )
        recovery = dcc.Verifier().decode(sample("vn-recovery-es256")).certificate.content.dcc.display_names
        self.assertEqual(recovery, dcc.DisplayNames.RECOVERY([dcc.RecoveryNames(disease="COVID-19", country="Viet Nam")]))

    def test_loaded_value_sets_change_the_display_names(self):
        verifier = verifier_with_samples()
        qr = sample("vn-vaccination-es256")
        newer = {
            "valueSetId": "vaccines-covid-19-names", "valueSetDate": "2026-05-01",
            "valueSetValues": {"EU/1/20/1528": {"display": "Comirnaty (BioNTech)", "lang": "en", "active": True,
                                                "system": "x", "version": ""}},
        }
        verifier.load_value_sets(json.dumps(newer).encode())
        v = verifier.verify(qr, AT)
        [names] = v.certificate.content.dcc.display_names.entries
        self.assertEqual((names.product, names.country), ("Comirnaty (BioNTech)", "Viet Nam"))  # the rest stays bundled
        self.assertEqual(v.schema.value_set_violations, [])
        self.assertEqual(verifier.decode(qr).certificate.content.dcc.display_names, v.certificate.content.dcc.display_names)
        # The compressed form has codes only: no names.
        verifier.load_value_sets(b'{"country-2-codes": ["VN"]}')
        [names] = verifier.verify(qr, AT).certificate.content.dcc.display_names.entries
        self.assertEqual((names.product, names.country), ("Comirnaty", None))
        for document, code in [(b'"text"', "not-value-sets"), (b"{", "not-json"), (b"\xff", "not-json")]:
            with self.assertRaises(dcc.VerifierError.ValueSetsRefused) as raised:
                verifier.load_value_sets(document)
            self.assertEqual(raised.exception.code, code)
        [names] = verifier.verify(qr, AT).certificate.content.dcc.display_names.entries
        self.assertEqual(names.country, None)  # the sets in force stay

    def test_four_threads_verify_while_another_updates_the_cache(self):
        valid = sample("vn-vaccination-es256")
        seen, errors = [], []
        with tempfile.TemporaryDirectory() as tmp:
            shared = dcc.Verifier.open_cache(tmp, [GERMAN_KEY], allow_unsigned=True)
            shared.update_cache_unsigned(samples_list())

            def verify():
                try:
                    for _ in range(250):
                        seen.append(code_of(shared.verify(valid, AT).outcome))
                except Exception as e:  # reported below, so the thread never dies silently
                    errors.append(e)

            verifiers = [threading.Thread(target=verify) for _ in range(4)]
            updates = []

            def update():
                # The real update path (verified, written to disk, swapped in), until the
                # verifiers are done: every verification runs while updates do. At least two
                # updates, and the last one back to the sample list.
                try:
                    while any(t.is_alive() for t in verifiers) or len(updates) < 2 or len(updates) % 2 == 1:
                        if len(updates) % 2 == 0:
                            updates.append(shared.update_cache(german_list(), force=True).taken)
                        else:
                            updates.append(shared.update_cache_unsigned(samples_list(), force=True).taken)
                except Exception as e:
                    errors.append(e)

            for t in verifiers:
                t.start()
            updater = threading.Thread(target=update)
            updater.start()
            for t in verifiers + [updater]:
                t.join(120)
            self.assertEqual(errors, [])
            self.assertLessEqual(set(updates), {827, 8})
            self.assertEqual(len(seen), 1000)
            # Each verification sees one list, whole: the samples' (valid) or the German one.
            self.assertLessEqual(set(seen), {"valid", "unknown-signer"})
            self.assertEqual(shared.verify(valid, AT).outcome, dcc.Outcome.VALID())  # the last update
            self.assertEqual(dcc.Verifier.open_cache(tmp, [GERMAN_KEY], allow_unsigned=True).trust_list_info().certificate_count, 8)


if __name__ == "__main__":
    result = unittest.main(exit=False, verbosity=2).result
    failed = len(result.failures) + len(result.errors)
    print(f"python: {result.testsRun - failed} passed, {failed} failed")
    sys.exit(0 if failed == 0 and result.testsRun > 0 else 1)
