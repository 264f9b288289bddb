//! Offline verification of EU Digital COVID Certificate QR codes (`HC1:` strings).
//!
//! The pipeline, one module per stage: [`prefix`] → [`base45`] → [`inflate`] → [`cose`] →
//! [`cwt`] → [`payload`]; then [`trust`] (who may sign), [`verify`] (signature, time, key
//! usage, the [`Verification`] result) and the FFI surface.

// Library code must never panic on input: every fallible step returns a typed error.
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing,
        clippy::unreachable,
        clippy::todo,
        clippy::unimplemented
    )
)]
#![forbid(unsafe_code)]

pub mod rules;
