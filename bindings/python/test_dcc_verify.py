"""Tests of the generated Python bindings against the real library.

bindings/test.sh generates `dcc_verify.py` next to the built `libdcc_verify.so` and puts that
directory on PYTHONPATH. Run directly, this prints "python: N passed, N failed".

Staleness of the trust list is not tested yet: the core has none until the TrustStore of the
trust branch lands (then: Settings.max_trust_list_age_seconds, Verification.trust_list_stale).
"""

import json
import sys
import threading
import time
import unittest
from pathlib import Path

import dcc_verify as dcc

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "testdata" / "samples"
SAMPLE_LIST = (SAMPLES / "trust-list.json").read_bytes()
# 2026-06-01T00:00:00Z: the samples' README states the expected answers at this time.
AT = 1_780_272_000


def sample(name):
    return (SAMPLES / f"{name}.txt").read_text()


def verifier_with_samples():
    verifier = dcc.Verifier(dcc.Settings())
    report = verifier.load_unsigned_trust_list(SAMPLE_LIST)
    assert (report.taken, len(report.skipped)) == (8, 0), report
    return verifier


def import_german_list(verifier):
    """Loads the real German DSC list (829 certificates from 77 issuers) into `verifier`.

    Today its JSON part is imported as an unsigned list: line 1 of the file is the signature,
    the rest the JSON it signs. WHEN TrustStore LANDS this becomes
    `verifier.load_trust_list(whole_file, dcc.TrustListFormat.DE_DSC_LIST)`, verified with
    testdata/trustlists/de-dsc-list-signing-key.pem, and a tampered copy must be refused.
    """
    signed = (REPO / "testdata" / "trustlists" / "de-dsc-list.signed").read_bytes()
    _signature, document = signed.split(b"\n", 1)
    report = verifier.load_unsigned_trust_list(document)
    assert report.skipped == [], report.skipped
    return report.taken


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
        cert = v.certificate
        self.assertEqual((cert.issuer, cert.issued_at, cert.expires_at), ("VN", 1_772_323_200, 2_087_942_400))
        self.assertEqual(cert.certificate_type, dcc.CertificateType.VACCINATION)
        self.assertEqual(cert.name.family_name, "Nguyễn")
        self.assertEqual(cert.name.given_name_standardised, "THI<MINH<KHAI")
        dob = cert.date_of_birth
        self.assertEqual((dob.text, dob.year, dob.month, dob.day), ("1985-03-12", 1985, 3, 12))
        self.assertTrue(cert.entries.is_vaccination())
        [entry] = cert.entries.entries
        self.assertEqual((entry.dose_number, entry.total_doses, entry.medicinal_product), (2, 2, "EU/1/20/1528"))
        expected = json.loads((SAMPLES / "vn-vaccination-es256.json").read_text())
        self.assertEqual(json.loads(cert.payload_json), expected)

    def test_partial_dates_of_birth_keep_their_precision(self):
        test = self.verifier.verify(sample("vn-test-es256"), AT).certificate
        self.assertEqual((test.date_of_birth.year, test.date_of_birth.month, test.date_of_birth.day), (1990, 7, None))
        self.assertTrue(test.entries.is_test())
        recovery = self.verifier.verify(sample("vn-recovery-es256"), AT).certificate
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
        self.assertEqual(v.certificate.name.family_name_standardised, "NGUYEM")

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
        self.assertEqual(decoded.certificate.name.family_name_standardised, "NGUYEM")
        self.assertEqual(decoded.kid, "6+Dmto+Hqng=")
        outcome = fresh.verify(sample("vn-vaccination-es256"), AT).outcome
        self.assertTrue(outcome.is_undecidable())
        self.assertEqual((outcome.reason, outcome.code), (dcc.UndecidableReason.NO_TRUST_LIST, "no-trust-list"))

    def test_a_clock_never_set_makes_the_answer_undecidable(self):
        outcome = self.verifier.verify(sample("vn-vaccination-es256"), 0).outcome
        self.assertEqual((outcome.reason, outcome.code), (dcc.UndecidableReason.CLOCK_NOT_SET, "clock-not-set"))

    def test_verify_without_a_time_uses_the_device_clock(self):
        now = int(time.time())
        for name in ["vn-vaccination-es256", "vn-vaccination-expired"]:
            self.assertEqual(self.verifier.verify(sample(name)).outcome, self.verifier.verify(sample(name), now).outcome)

    def test_misuse_raises_typed_errors_and_keeps_the_list(self):
        with self.assertRaises(dcc.VerifierError.InvalidArgument) as raised:
            dcc.Verifier(dcc.Settings(clock_skew_seconds=-1))
        self.assertIn("clock_skew_seconds", str(raised.exception))
        with self.assertRaises(dcc.VerifierError.TrustListUnreadable):
            self.verifier.load_unsigned_trust_list(b"not json")
        self.assertEqual(self.verifier.trust_list_info().certificate_count, 8)
        self.assertEqual(self.verifier.verify(sample("vn-vaccination-es256"), AT).outcome, dcc.Outcome.VALID())

    def test_import_report_lists_skipped_entries(self):
        scratch = dcc.Verifier()
        report = scratch.load_unsigned_trust_list(
            b'[{"rawData":"AAAA"},{"rawData":"%%%"},{"kid":"AAAAAAAAAAA=","rawData":"AAAA"}]'
        )
        self.assertEqual(report.taken, 0)
        self.assertEqual(
            [(s.index, s.reason) for s in report.skipped],
            [(0, dcc.SkipReason.NOT_A_CERTIFICATE), (1, dcc.SkipReason.NOT_BASE64), (2, dcc.SkipReason.KID_MISMATCH)],
        )
        self.assertEqual(report.skipped[2].listed_kid, "AAAAAAAAAAA=")

    def test_the_real_german_list_imports_and_test_keys_are_unknown_to_it(self):
        german = dcc.Verifier()
        self.assertEqual(import_german_list(german), 829)
        self.assertEqual(german.trust_list_info().certificate_count, 829)
        outcome = self.invalid(german.verify(sample("vn-vaccination-es256"), AT))
        self.assertEqual(outcome.reason, dcc.InvalidReason.UNKNOWN_SIGNER())
        german.load_unsigned_trust_list(SAMPLE_LIST)
        self.assertEqual(german.verify(sample("vn-vaccination-es256"), AT).outcome, dcc.Outcome.VALID())

    def test_printed_results_carry_no_personal_data(self):
        for name in ["vn-vaccination-es256", "vn-test-es256", "vn-recovery-es256"]:
            v = self.verifier.verify(sample(name), AT)
            cert = v.certificate
            secrets = [cert.name.family_name, cert.name.family_name_standardised, cert.name.given_name,
                       cert.date_of_birth.text, "URN:UVCI"]
            for shown in [str(v), repr(v), str(cert), repr(cert), str(cert.name), repr(cert.date_of_birth),
                          str(cert.entries)]:
                for secret in secrets:
                    self.assertNotIn(secret, shown, name)

    def test_four_threads_verify_while_another_replaces_the_list(self):
        shared = verifier_with_samples()
        valid = sample("vn-vaccination-es256")
        empty_list = b'{"certificates":[]}'
        seen, errors = [], []

        def update():
            for i in range(100):
                shared.load_unsigned_trust_list(empty_list if i % 2 == 0 else SAMPLE_LIST)

        def verify():
            try:
                for _ in range(250):
                    outcome = shared.verify(valid, AT).outcome
                    seen.append("valid" if outcome.is_valid() else outcome.code)
            except Exception as e:  # reported below, so the thread never dies silently
                errors.append(e)

        threads = [threading.Thread(target=update)] + [threading.Thread(target=verify) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        self.assertEqual(errors, [])
        self.assertEqual(len(seen), 1000)
        # Each verification sees one list, whole: the samples' (valid) or the empty one.
        self.assertLessEqual(set(seen), {"valid", "unknown-signer"})
        self.assertEqual(shared.verify(valid, AT).outcome, dcc.Outcome.VALID())


if __name__ == "__main__":
    result = unittest.main(exit=False, verbosity=2).result
    failed = len(result.failures) + len(result.errors)
    print(f"python: {result.testsRun - failed} passed, {failed} failed")
    sys.exit(0 if failed == 0 and result.testsRun > 0 else 1)
