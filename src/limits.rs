//! Resource limits applied to untrusted input, each with the reasoning behind its value.
//!
//! A verifier faces hostile QR codes. Every stage checks its limit before it does work, so the
//! cost of a malicious input is bounded by these numbers, not by what the input claims.

/// Longest QR text accepted, in bytes (prefix and surrounding whitespace included).
///
/// The largest QR code (version 40, error correction L) holds 4,296 alphanumeric characters, the
/// mode base45 was designed for. Double that leaves room for whitespace and copy/paste artefacts;
/// anything longer cannot have come from a scanned code and is refused before decoding.
pub const MAX_QR_TEXT_BYTES: usize = 8 * 1024;

/// Largest inflated (decompressed) CWT, in bytes.
///
/// A real certificate inflates to well under 2 KiB (the QR capacity bounds the compressed form
/// to about 2.9 KiB). 64 KiB is generous for future payloads yet makes a zip bomb cost at most
/// one small buffer: inflation stops as soon as this many bytes would be exceeded.
pub const MAX_INFLATED_BYTES: usize = 64 * 1024;

/// Deepest CBOR nesting accepted while decoding COSE, CWT and the DCC payload.
///
/// The deepest legitimate path is COSE array → CWT map → hcert map → DCC map → v/t/r array →
/// entry map → value: 7 levels. 32 leaves room for issuer extensions while keeping the decoder's
/// recursion (and so its stack use) small on phones.
pub const MAX_CBOR_DEPTH: usize = 32;

/// Most CBOR data items accepted in one decoded structure (the COSE message, the CWT).
///
/// A certificate's CWT holds about 50 items (claims, names, one entry of ten fields; the largest
/// in the EU conformance corpus holds 69) and its COSE message about 10. Decoding
/// builds a value of some 32-64 bytes for every item, which may be a single byte of input: without
/// this limit an inflated payload of [`MAX_INFLATED_BYTES`] made of tiny items would cost
/// megabytes. 2,048 items bound that to about 128 KiB and still leave room for long issuer
/// extensions.
pub const MAX_CBOR_ITEMS: usize = 2048;

/// Largest trust-list document accepted, in bytes.
///
/// The German DSC list, the largest published, held 829 DSCs in 4.0 MB of JSON (each entry
/// carries the certificate in base64 and a thumbprint). 32 MiB is eight times that: room for
/// growth, yet a hostile or corrupt download cannot make an importer parse without end.
pub const MAX_TRUST_LIST_BYTES: usize = 32 * 1024 * 1024;

/// Most entries a trust list may hold.
///
/// Twelve times the largest real list (829 DSCs). Entries are counted while the document is
/// read, so a document of millions of tiny entries (`[{},{},…]`) fails before they are stored.
pub const MAX_TRUST_LIST_ENTRIES: usize = 10_000;
