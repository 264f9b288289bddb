"""A Rust panic forced through the Python bindings.

Runs against a library built with the ffi crate's test-only `panic-test` feature
(bindings/test.sh builds it apart from the shipped one and puts the generated module next to
it on PYTHONPATH): there `verify`, `decode` and `load_rules` panic on PANIC_TRIGGER. Prints
"python-panic: N passed, N failed".
"""

import sys
import unittest
from pathlib import Path

import dcc_verify as dcc

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "testdata" / "samples"
# Equals PANIC_TRIGGER in bindings/ffi/src/guard.rs.
PANIC_TRIGGER = "dcc-verify: panic for the binding tests"
AT = 1_780_272_000


class PanicTest(unittest.TestCase):
    def setUp(self):
        self.verifier = dcc.Verifier(dcc.Settings())
        self.verifier.load_unsigned_trust_list(
            dcc.UnsignedTrustList.JSON((SAMPLES / "trust-list.json").read_bytes())
        )

    def test_verify_answers_undecidable_internal_error(self):
        v = self.verifier.verify(PANIC_TRIGGER, AT)
        self.assertTrue(v.outcome.is_UNDECIDABLE(), v.outcome)
        self.assertEqual(v.outcome.reason, dcc.UndecidableReason.INTERNAL_ERROR)
        self.assertEqual(v.outcome.code, "internal-error")
        self.assertIsNone(v.certificate)
        self.assertEqual(v.checks.signature, dcc.CheckStatus.NOT_CHECKED)

    def test_decode_answers_internal_error(self):
        self.assertTrue(self.verifier.decode(PANIC_TRIGGER).is_INTERNAL_ERROR())

    def test_a_panic_in_a_throwing_method_is_a_catchable_internal_error(self):
        with self.assertRaises(dcc.InternalError):
            self.verifier.load_rules(PANIC_TRIGGER.encode())

    def test_the_verifier_works_on_after_the_panics(self):
        for call in (lambda: self.verifier.verify(PANIC_TRIGGER, AT),
                     lambda: self.verifier.decode(PANIC_TRIGGER)):
            call()
        valid = (SAMPLES / "vn-vaccination-es256.txt").read_text()
        self.assertTrue(self.verifier.verify(valid, AT).outcome.is_VALID())


if __name__ == "__main__":
    result = unittest.main(exit=False, verbosity=2).result
    failed = len(result.failures) + len(result.errors)
    print(f"python-panic: {result.testsRun - failed} passed, {failed} failed")
    sys.exit(0 if failed == 0 and result.testsRun > 0 else 1)
