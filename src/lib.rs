//! Offline verification of HCERT health certificate QR codes (`HC1:` strings): the EU DCC and
//! every kind the WHO GDHCN carries (ICVP, health links, medication overviews, DDCC).
//!
//! The pipeline, one module per stage: [`prefix`] → [`base45`] → [`inflate`] → [`cose`] →
//! [`cwt`] → [`payload`]; then [`trust`] (who may sign), [`verify`] (signature, time, key
//! usage, the [`Verification`] result), the content checks ([`schema`], [`valuesets`],
//! business [`rules`]. The Kotlin, Swift and Python surface is its own crate
//! (`bindings/ffi`), which only translates.
//!
//! ```no_run
//! use dcc_verify::{Anchors, Outcome, Settings, SignedList, TrustStore, UpdateOptions, Verifier};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let downloaded: Vec<u8> = Vec::new();
//! # let qr_text = "HC1:...";
//! // The key that signs the German DSC list is configuration (an app update rotates it).
//! let anchors = Anchors::from_pem(&std::fs::read("de-dsc-list-signing-key.pem")?)?;
//! let store = TrustStore::open("/var/lib/dcc-trust", anchors); // last good list, re-verified
//! let verifier = Verifier::new(Settings::default()).with_store(&store);
//! // The verifier sees the new list as soon as the update succeeds; a refused one changes nothing.
//! let report = store.update(SignedList::De(&downloaded), UpdateOptions::default())?;
//!
//! let result = verifier.verify(qr_text);
//! match &result.outcome {
//!     Outcome::Valid => println!("valid"),
//!     Outcome::Invalid { reason } => println!("invalid: {reason} ({})", reason.code()),
//!     Outcome::Undecidable { reason } => println!("cannot decide: {reason} ({})", reason.code()),
//! }
//! # let _ = report;
//! # Ok(())
//! # }
//! ```

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
// The core has no `unsafe`; the UniFFI scaffolding lives in its own crate (bindings/ffi).
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod base45;
mod calendar;
mod cbor;
pub mod cose;
pub mod crypto;
pub mod cwt;
pub mod decode;
pub mod deviation;
mod embedded;
#[cfg(feature = "image")]
pub mod image;
pub mod inflate;
pub mod limits;
pub mod payload;
pub mod prefix;
pub mod rules;
pub mod schema;
mod strict_json;
pub mod trust;
pub mod valuesets;
pub mod verify;

pub use cbor::CborError;
pub use decode::{decode, DecodeError, Decoded, HealthCertificate, Stage};
pub use deviation::Deviation;
pub use payload::{CertificateType, Content, Dcc, Kind};
pub use rules::{RuleSet, RulesResult};
pub use trust::{
    Anchors, Dsc, ImportReport, Kid, ListFormat, SignedList, TrustList, TrustListError, TrustStore,
    UnsignedList, UpdateError, UpdateOptions,
};
pub use valuesets::ValueSets;
pub use verify::{
    format_instant, parse_instant, CheckStatus, Checks, Clock, FixedClock, InvalidReason, Outcome,
    SchemaCheck, SchemaPolicy, Settings, Signer, SignerSource, SystemClock, TrustListStatus,
    UndecidableReason, Verification, Verifier,
};

/// The documentation's Rust examples, compiled and run as doctests. `scripts/check-docs` fails
/// when a page with a Rust example is missing here.
#[cfg(doctest)]
mod documentation {
    #[doc = include_str!("../README.md")]
    struct Readme;
    #[doc = include_str!("../docs/result-model.md")]
    struct ResultModel;
    #[doc = include_str!("../docs/business-rules.md")]
    struct BusinessRules;
    #[doc = include_str!("../docs/who-trust-list.md")]
    struct WhoTrustList;
    #[doc = include_str!("../docs/trust.md")]
    struct Trust;
    #[doc = include_str!("../docs/payload-kinds.md")]
    struct PayloadKinds;
    #[doc = include_str!("../docs/conformance.md")]
    struct Conformance;
    #[doc = include_str!("../docs/images.md")]
    struct Images;
}
