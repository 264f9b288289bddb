//! A panic (a bug, never expected) must not crash the app. UniFFI's scaffolding catches every
//! panic and the generated code raises its internal error: `InternalException` in Kotlin,
//! `InternalError` in Python, `UniffiInternalError.rustPanic` in Swift. For methods that
//! throw, that is an exception the app's `catch` already handles. Methods that do not throw
//! are called from Swift through `try!`, where that error crashes the app; so those run under
//! [`guard`], which turns a panic into an answer that fails closed: `verify` answers
//! `Undecidable(internal-error)`, `decode` answers `InternalError`, `trust_list_info` and
//! `cache_load_error` answer `None`.

use std::panic::{catch_unwind, AssertUnwindSafe};

/// What an app is told after a panic; carries nothing from the input.
pub(crate) const INTERNAL_ERROR: &str =
    "dcc-verify failed internally (a bug, please report it); nothing was decided";

/// Runs `call`; when it panics, returns `on_panic()` instead.
///
/// Unwind safety: a panic leaves no half-updated state behind. The core replaces the trust
/// list, rules and value sets by swapping whole values, so a call that panics before the swap
/// changes nothing.
pub(crate) fn guard<T>(call: impl FnOnce() -> T, on_panic: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(call)).unwrap_or_else(|_| on_panic())
}

/// The text that makes `verify`, `decode` and `load_rules` panic, in builds with the
/// `panic-test` feature only: the binding tests use it to force a panic through each language.
#[cfg(feature = "panic-test")]
pub(crate) const PANIC_TRIGGER: &str = "dcc-verify: panic for the binding tests";

/// Panics when `input` is [`PANIC_TRIGGER`] (only with the `panic-test` feature; a no-op in the
/// shipped library, which does not contain the trigger).
#[cfg(feature = "panic-test")]
#[allow(clippy::panic)]
pub(crate) fn panic_for_test(input: &[u8]) {
    if input == PANIC_TRIGGER.as_bytes() {
        panic!("forced by the binding tests");
    }
}

#[cfg(not(feature = "panic-test"))]
#[inline(always)]
pub(crate) fn panic_for_test(_input: &[u8]) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_the_fallback_answer() {
        let answer = guard(|| -> i32 { panic!("a bug") }, || -1);
        assert_eq!(answer, -1);
        assert_eq!(guard(|| 7, || -1), 7);
    }

    #[cfg(feature = "panic-test")]
    #[test]
    fn verify_and_decode_answer_internal_error_on_a_panic() {
        use crate::certificate::DecodeOutcome;
        use crate::verification::{Outcome, UndecidableReason};
        let verifier = crate::Verifier::new(crate::tests::settings()).unwrap();
        let verification = verifier.verify(PANIC_TRIGGER.to_owned(), None);
        assert!(matches!(
            verification.outcome,
            Outcome::Undecidable { reason: UndecidableReason::InternalError, ref code, .. }
                if code == "internal-error"
        ));
        assert!(matches!(
            verifier.decode(PANIC_TRIGGER.to_owned()),
            DecodeOutcome::InternalError { .. }
        ));
        // The verifier still works after the panic.
        assert!(matches!(
            verifier.decode("HC1:x".to_owned()),
            DecodeOutcome::Malformed { .. }
        ));
    }
}
