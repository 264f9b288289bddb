//! Reading QR and Aztec codes from pictures: screenshots, scans and photos (PNG or JPEG).
//!
//! Behind the `image` feature, for the CLI, the service and desktop or server embedders; phone
//! apps keep their platform scanner, so the mobile library never links this. Every picture is
//! untrusted: its size, its dimensions and the memory its decoding may take are checked against
//! [`limits`](crate::limits) before any pixel is decoded, so a decompression bomb costs a header
//! read. The codes found are returned as text; verifying each is the caller's next step.
//!
//! ```no_run
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let picture = std::fs::read("certificate.png")?;
//! for text in dcc_verify::image::decode_image(&picture)? {
//!     println!("{text}");
//! }
//! # Ok(())
//! # }
//! ```

use std::collections::HashSet;
use std::io::Cursor;
use std::panic::{catch_unwind, AssertUnwindSafe};

use ::image::{DynamicImage, GrayImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use rxing::common::HybridBinarizer;
use rxing::multi::{GenericMultipleBarcodeReader, MultipleBarcodeReader};
use rxing::qrcode::cpp_port::QrReader;
use rxing::{
    BarcodeFormat, Binarizer, BinaryBitmap, DecodeHints, Luma8Source, MultiUseMultiFormatReader,
    Point, RXingResult,
};

use crate::limits::{MAX_IMAGE_BYTES, MAX_IMAGE_DECODE_BYTES, MAX_IMAGE_PIXELS, MAX_IMAGE_SIDE};

/// Why no code could be read from a picture.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ImageError {
    /// The file is larger than [`MAX_IMAGE_BYTES`].
    #[error("the picture is {size} bytes; the limit is {limit} bytes (scale it down or crop it to the code)")]
    FileTooLarge {
        /// The file's size in bytes.
        size: usize,
        /// The limit in bytes.
        limit: usize,
    },
    /// The bytes are not a picture in any format this reader recognises.
    #[error("not a PNG or JPEG picture")]
    NotAnImage,
    /// A picture in a format that is recognised but not read (GIF, WebP, HEIC, PDF...).
    #[error("{0} is not supported: convert the picture to PNG or JPEG")]
    UnsupportedFormat(&'static str),
    /// The picture's dimensions exceed [`MAX_IMAGE_SIDE`] or [`MAX_IMAGE_PIXELS`], or decoding it
    /// would take more than [`MAX_IMAGE_DECODE_BYTES`].
    #[error("the picture is {width}×{height} pixels; the limit is {max_side} pixels a side and {max_pixels} in all (scale it down or crop it to the code)")]
    TooManyPixels {
        /// Width in pixels, as the file states it.
        width: u32,
        /// Height in pixels, as the file states it.
        height: u32,
        /// [`MAX_IMAGE_SIDE`].
        max_side: u32,
        /// [`MAX_IMAGE_PIXELS`].
        max_pixels: u64,
    },
    /// The picture is damaged or truncated.
    #[error("damaged or truncated {format} picture: {detail}")]
    Damaged {
        /// "PNG" or "JPEG".
        format: &'static str,
        /// What the picture decoder found wrong.
        detail: String,
    },
    /// The picture was read but holds no QR or Aztec code that could be decoded.
    #[error("no readable QR or Aztec code in the picture (is the whole code in view, sharp and not glared?)")]
    NoCode,
    /// The code reader failed unexpectedly on this picture (a defect in the reader, caught).
    #[error("the code reader failed on this picture")]
    ReaderFailed,
}

impl ImageError {
    /// A stable, machine-readable code for the error.
    pub fn code(&self) -> &'static str {
        match self {
            ImageError::FileTooLarge { .. } => "image-file-too-large",
            ImageError::NotAnImage => "not-an-image",
            ImageError::UnsupportedFormat(_) => "image-format-unsupported",
            ImageError::TooManyPixels { .. } => "image-too-many-pixels",
            ImageError::Damaged { .. } => "image-damaged",
            ImageError::NoCode => "no-code-in-image",
            ImageError::ReaderFailed => "image-reader-failed",
        }
    }
}

/// The kind of two-dimensional code (HCERT allows both).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Symbology {
    /// QR code.
    Qr,
    /// Aztec code.
    Aztec,
}

impl Symbology {
    /// A stable name: `qr` or `aztec`.
    pub fn code(self) -> &'static str {
        match self {
            Symbology::Qr => "qr",
            Symbology::Aztec => "aztec",
        }
    }
}

/// Where a code is in the picture: the smallest box, in pixels from the top-left corner, around
/// the points the reader located it by (a QR code's finder patterns, an Aztec code's corners).
/// Coordinates are those of the stored pixels (a JPEG's EXIF orientation is not applied).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    /// Distance of the box's left edge from the picture's left edge.
    pub left: u32,
    /// Distance of the box's top edge from the picture's top edge.
    pub top: u32,
    /// Width of the box.
    pub width: u32,
    /// Height of the box.
    pub height: u32,
}

/// One code read from a picture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundCode {
    /// The code's text, exactly as encoded (an `HC1:` string for a health certificate).
    pub text: String,
    /// QR or Aztec.
    pub symbology: Symbology,
    /// Where it is in the picture.
    pub position: Position,
}

/// The texts of every QR and Aztec code in a PNG or JPEG picture, top to bottom, left to right.
///
/// The same text found twice is returned once. A picture without a readable code is an error
/// ([`ImageError::NoCode`]), so `Ok` always holds at least one text.
pub fn decode_image(bytes: &[u8]) -> Result<Vec<String>, ImageError> {
    Ok(find_codes(bytes)?
        .into_iter()
        .map(|code| code.text)
        .collect())
}

/// Like [`decode_image`], with each code's kind and position in the picture.
pub fn find_codes(bytes: &[u8]) -> Result<Vec<FoundCode>, ImageError> {
    let luma = decode_pixels(bytes)?;
    read_codes(&luma)
}

/// The picture's format, from its first bytes (the file name may lie: one of the EU test
/// images named `.png` is a JPEG).
fn sniff(bytes: &[u8]) -> Result<(ImageFormat, &'static str), ImageError> {
    const SIGNATURES: &[(&[u8], Option<ImageFormat>, &str)] = &[
        (b"\x89PNG\r\n\x1a\n", Some(ImageFormat::Png), "PNG"),
        (b"\xff\xd8\xff", Some(ImageFormat::Jpeg), "JPEG"),
        (b"GIF8", None, "GIF"),
        (b"BM", None, "BMP"),
        (b"II*\0", None, "TIFF"),
        (b"MM\0*", None, "TIFF"),
        (b"%PDF-", None, "PDF"),
        (b"<svg", None, "SVG"),
        (b"<?xml", None, "SVG"),
    ];
    for (signature, format, name) in SIGNATURES {
        if bytes.starts_with(signature) {
            return format
                .map(|format| (format, *name))
                .ok_or(ImageError::UnsupportedFormat(name));
        }
    }
    // RIFF....WEBP and ....ftypheic/avif: the kind sits after a length.
    match (bytes.get(..4), bytes.get(8..12)) {
        (Some(b"RIFF"), Some(b"WEBP")) => Err(ImageError::UnsupportedFormat("WebP")),
        (_, Some(brand)) if bytes.get(4..8) == Some(b"ftyp") => {
            Err(ImageError::UnsupportedFormat(match brand {
                b"avif" | b"avis" => "AVIF",
                _ => "HEIC",
            }))
        }
        _ => Err(ImageError::NotAnImage),
    }
}

/// Decodes the picture to 8-bit grey, within the limits: the file size first, then the
/// dimensions its header states, then the decoder's own allocation limit.
fn decode_pixels(bytes: &[u8]) -> Result<GrayImage, ImageError> {
    if bytes.len() > MAX_IMAGE_BYTES {
        return Err(ImageError::FileTooLarge {
            size: bytes.len(),
            limit: MAX_IMAGE_BYTES,
        });
    }
    let (format, name) = sniff(bytes)?;
    let damaged = |e: ::image::ImageError| match e {
        ::image::ImageError::Limits(_) => None,
        e => Some(ImageError::Damaged {
            format: name,
            detail: e.to_string(),
        }),
    };
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_IMAGE_SIDE);
    limits.max_image_height = Some(MAX_IMAGE_SIDE);
    limits.max_alloc = Some(MAX_IMAGE_DECODE_BYTES);
    reader.limits(limits);
    // The header alone, so that the error can state the dimensions.
    let (width, height) = ImageReader::with_format(Cursor::new(bytes), format)
        .into_dimensions()
        .map_err(|e| damaged(e).unwrap_or(ImageError::NotAnImage))?;
    let too_many_pixels = ImageError::TooManyPixels {
        width,
        height,
        max_side: MAX_IMAGE_SIDE,
        max_pixels: MAX_IMAGE_PIXELS,
    };
    if width.max(height) > MAX_IMAGE_SIDE || u64::from(width) * u64::from(height) > MAX_IMAGE_PIXELS
    {
        return Err(too_many_pixels);
    }
    let decoder = reader
        .into_decoder()
        .map_err(|e| damaged(e).unwrap_or_else(|| too_many_pixels.clone()))?;
    if decoder.total_bytes() > MAX_IMAGE_DECODE_BYTES {
        return Err(too_many_pixels);
    }
    let picture = DynamicImage::from_decoder(decoder)
        .map_err(|e| damaged(e).unwrap_or_else(|| too_many_pixels.clone()))?;
    let mut luma = grey_on_white(picture);
    stretch_levels(&mut luma);
    Ok(luma)
}

/// Spreads the grey levels over the full range, darkest 0.5 % to black and lightest 0.5 % to
/// white. The reader's binariser assumes a black near 0: a washed-out photo (black at 110 of
/// 255, white at 152) made it miss 24 of the 37 EU test codes; with this pass it misses none.
fn stretch_levels(luma: &mut GrayImage) {
    let mut histogram = [0u64; 256];
    for pixel in luma.pixels() {
        if let Some(count) = histogram.get_mut(usize::from(pixel.0[0])) {
            *count += 1;
        }
    }
    let tail = luma.pixels().len() as u64 / 200;
    let dark = level_past(&histogram, tail, 0..=255);
    let light = level_past(&histogram, tail, (0..=255).rev());
    // A blank picture stays blank: nothing to spread.
    if light <= dark.saturating_add(8) || (dark == 0 && light == u8::MAX) {
        return;
    }
    let (dark, range) = (u32::from(dark), u32::from(light - dark));
    for pixel in luma.pixels_mut() {
        let level = u32::from(pixel.0[0]).clamp(dark, dark + range) - dark;
        // At most 255 · range / range: the cast is exact.
        pixel.0[0] = ((level * 255 + range / 2) / range) as u8;
    }
}

/// The first grey level, in the order `levels` gives, past which more than `tail` pixels lie.
fn level_past(histogram: &[u64; 256], tail: u64, levels: impl Iterator<Item = u8>) -> u8 {
    let mut seen = 0;
    for level in levels {
        seen += histogram.get(usize::from(level)).copied().unwrap_or(0);
        if seen > tail {
            return level;
        }
    }
    0
}

/// Grey levels with transparency laid over white: a code drawn in black on a transparent
/// background (common in issuers' PNGs) would otherwise be black on black.
fn grey_on_white(picture: DynamicImage) -> GrayImage {
    if !picture.color().has_alpha() {
        return picture.into_luma8();
    }
    let grey_alpha = picture.into_luma_alpha8();
    let (width, height) = grey_alpha.dimensions();
    let pixels = grey_alpha
        .pixels()
        .map(|pixel| {
            let [grey, alpha] = pixel.0;
            let (grey, alpha) = (u32::from(grey), u32::from(alpha));
            // alpha·grey + (1 − alpha)·white, on 0..=255 (at most 255, so the cast is exact).
            ((grey * alpha + 255 * (255 - alpha) + 127) / 255) as u8
        })
        .collect();
    GrayImage::from_raw(width, height, pixels).unwrap_or_else(|| GrayImage::new(width, height))
}

/// Every QR and Aztec code the reader finds in the grey picture.
fn read_codes(luma: &GrayImage) -> Result<Vec<FoundCode>, ImageError> {
    let (width, height) = luma.dimensions();
    // rxing is a port of Java and C++ code, where out-of-range indices throw; a panic there is
    // a defect in the reader on this picture, not a reason to take down the caller.
    let results = catch_unwind(AssertUnwindSafe(|| {
        let source = Luma8Source::new_with_slice(luma.as_raw(), width, height)
            .map_err(|_| ImageError::NoCode)?;
        let mut bitmap = BinaryBitmap::new(HybridBinarizer::new(source));
        let mut results = reader_results(&mut bitmap);
        if results.is_empty() {
            // Light codes on dark ground: dark-mode screenshots.
            bitmap.invert();
            results = reader_results(&mut bitmap);
        }
        Ok(results)
    }))
    .map_err(|_| ImageError::ReaderFailed)??;
    let mut seen = HashSet::new();
    let mut codes: Vec<FoundCode> = results
        .iter()
        .filter_map(|result| found_code(result, width, height))
        .filter(|code| seen.insert(code.text.clone()))
        .collect();
    if codes.is_empty() {
        return Err(ImageError::NoCode);
    }
    codes.sort_by_key(|code| (code.position.top, code.position.left));
    Ok(codes)
}

/// What the readers find: the QR reader that locates every QR code's finder patterns at once
/// (it finds codes side by side); when it finds none, the generic reader that also tries ZXing's
/// older QR decoder; and the Aztec reader. The fallbacks run only when needed: run always, they
/// made a one-code picture 10–40 times slower.
fn reader_results<B: Binarizer>(bitmap: &mut BinaryBitmap<B>) -> Vec<RXingResult> {
    let hints = |format| DecodeHints {
        PossibleFormats: Some(HashSet::from([format])),
        TryHarder: Some(true),
        ..DecodeHints::default()
    };
    let mut results = QrReader
        .decode_multiple_with_hints(bitmap, &hints(BarcodeFormat::QR_CODE))
        .unwrap_or_default();
    if results.is_empty() {
        let generic = GenericMultipleBarcodeReader::new(MultiUseMultiFormatReader::default())
            .decode_multiple_with_hints(bitmap, &hints(BarcodeFormat::QR_CODE));
        results.extend(generic.unwrap_or_default());
    }
    let search_windows = results.is_empty();
    results.extend(aztec_results(
        bitmap,
        &hints(BarcodeFormat::AZTEC),
        search_windows,
    ));
    results
}

/// Aztec codes: the detector looks for the bull's-eye from the middle of the picture out, so
/// when nothing else was found a code away from the middle (at the top of a scanned page) is
/// looked for again in nine half-size windows. (An Aztec code beside a QR code and away from
/// the middle is missed: the windows would cost every QR picture several times its reading.)
fn aztec_results<B: Binarizer>(
    bitmap: &mut BinaryBitmap<B>,
    hints: &DecodeHints,
    search_windows: bool,
) -> Vec<RXingResult> {
    let mut reader = GenericMultipleBarcodeReader::new(MultiUseMultiFormatReader::default());
    if let Ok(results) = reader.decode_multiple_with_hints(bitmap, hints) {
        return results;
    }
    if !search_windows {
        return Vec::new();
    }
    let (width, height) = (bitmap.get_width(), bitmap.get_height());
    if !bitmap.is_crop_supported() || width < 64 || height < 64 {
        return Vec::new();
    }
    let (window_width, window_height) = (width / 2, height / 2);
    let mut results = Vec::new();
    for top in [0, height / 4, height / 2] {
        for left in [0, width / 4, width / 2] {
            let mut window = bitmap.crop(left, top, window_width, window_height);
            for result in reader
                .decode_multiple_with_hints(&mut window, hints)
                .unwrap_or_default()
            {
                let points = result
                    .getPoints()
                    .iter()
                    .map(|point| Point {
                        x: point.x + left as f32,
                        y: point.y + top as f32,
                    })
                    .collect();
                results.push(result.with_point(points));
            }
        }
    }
    results
}

fn found_code(result: &RXingResult, width: u32, height: u32) -> Option<FoundCode> {
    let symbology = match result.getBarcodeFormat() {
        BarcodeFormat::QR_CODE => Symbology::Qr,
        BarcodeFormat::AZTEC => Symbology::Aztec,
        _ => return None,
    };
    let points = result.getPoints();
    let clamp = |value: f32, max: u32| -> u32 {
        // Float-to-int `as` saturates (NaN becomes 0): the box stays within the picture.
        (value.round() as u32).min(max)
    };
    let xs = points.iter().map(|point| clamp(point.x, width));
    let ys = points.iter().map(|point| clamp(point.y, height));
    let (left, right) = (xs.clone().min().unwrap_or(0), xs.max().unwrap_or(0));
    let (top, bottom) = (ys.clone().min().unwrap_or(0), ys.max().unwrap_or(0));
    Some(FoundCode {
        text: result.getText().to_owned(),
        symbology,
        position: Position {
            left,
            top,
            width: right - left,
            height: bottom - top,
        },
    })
}
