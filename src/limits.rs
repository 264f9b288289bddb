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

/// Largest trust-list document accepted, in bytes (signature and content together).
///
/// The German DSC list, which mirrors every issuer on the EU gateway, is 4 MB for 829
/// certificates; most of it is the per-entry CMS signature. Four times that leaves room for the
/// gateway to grow while keeping a hostile download to one bounded read on a phone.
pub const MAX_TRUST_LIST_BYTES: usize = 16 * 1024 * 1024;

/// Most entries one trust list may hold.
///
/// The EU gateway has never carried much more than a thousand DSCs. Ten times that bounds the
/// index an import builds, whatever a (signed or not) document claims: a 16 MiB list of empty
/// entries would otherwise mean millions of allocations.
pub const MAX_TRUST_LIST_ENTRIES: usize = 10_000;

/// Most CBOR data items accepted in an Austrian trust list's content.
///
/// An entry `{"i": kid, "c": DER}` is five items, so [`MAX_CBOR_ITEMS`], sized for one
/// certificate, would refuse any list of more than about 400 entries. Eight items for each of
/// [`MAX_TRUST_LIST_ENTRIES`] entries leaves room for extra fields; the content is decoded only
/// once its signature and hash are checked, and the `Value` tree stays within a few MiB.
pub const MAX_TRUST_LIST_CBOR_ITEMS: usize = 8 * MAX_TRUST_LIST_ENTRIES;

/// Largest single certificate accepted from a trust list, in bytes.
///
/// Real DSCs are 0.5–2 KiB (an RSA-4096 key with long names stays under 3 KiB). 16 KiB keeps any
/// one entry from dominating memory or parse time.
pub const MAX_CERTIFICATE_BYTES: usize = 16 * 1024;

/// Most trust-list signing keys (anchors) one configuration may hold.
///
/// A rotation needs two (old and new); a handful covers several list sources. Each anchor costs
/// one signature check per import, so the number is capped.
pub const MAX_ANCHORS: usize = 16;

/// Largest detached trust-list signature accepted (the Austrian COSE_Sign1), in bytes.
///
/// A real one is a few hundred bytes (a hash, two times, a kid and an ECDSA signature); 64 KiB
/// leaves room for a certificate chain in an unprotected header and no more.
pub const MAX_LIST_SIGNATURE_BYTES: usize = 64 * 1024;

/// Largest picture file accepted by [`image`](crate::image), in bytes.
///
/// A 48-megapixel phone photo is 10–25 MB as JPEG; a screenshot or an issuer's PNG is well under
/// 1 MB (the EU test images are 1–600 KB). 32 MiB takes any of them in one bounded read.
pub const MAX_IMAGE_BYTES: usize = 32 * 1024 * 1024;

/// Longest side of a picture accepted, in pixels.
///
/// Phone cameras go to 8,000 pixels a side (48 MP); 16,384 leaves room for panoramas and
/// scanned pages at 1,200 dpi while refusing the 100,000-pixel sides of decompression bombs
/// from their header alone.
pub const MAX_IMAGE_SIDE: u32 = 16_384;

/// Most pixels a picture may have.
///
/// 50 million takes a 48 MP photo (8,000 × 6,000). The grey copy the code reader works on costs
/// one byte a pixel, so with the decoded picture itself a decode stays within a few hundred MB.
pub const MAX_IMAGE_PIXELS: u64 = 50_000_000;

/// Most memory the picture decoder may allocate for one picture, in bytes.
///
/// A 48 MP 8-bit RGB photo decodes to 144 MB; 256 MiB admits it and refuses a 16-bit RGBA PNG of
/// the same size (384 MB), which no camera or screenshot produces.
pub const MAX_IMAGE_DECODE_BYTES: u64 = 256 * 1024 * 1024;
