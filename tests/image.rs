//! Reading QR and Aztec codes from pictures (`image` feature): the EU test images, photo-like
//! variants of them made here, several codes in a picture, hostile and broken files, and the
//! CLI's `--image`.

mod cli_support;

use std::io::Cursor;

use cli_support::*;
use dcc_verify::image::{decode_image, find_codes, ImageError, Symbology};
use dcc_verify::limits::{MAX_IMAGE_BYTES, MAX_IMAGE_PIXELS, MAX_IMAGE_SIDE};
use image::{DynamicImage, GrayImage, ImageFormat, Luma, Rgba, RgbaImage};

/// The bundled TEST list, named (it is never the default).
const SAMPLE_LIST: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/testdata/samples/trust-list.json"
);
const QR_IMAGES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/qr-images");
const SAMPLE_IMAGES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/sample-images");
const AT: &str = "2026-06-01T00:00:00Z";

/// Every picture of the shared set with the text ZXing reads from it.
fn expected() -> Vec<(String, String)> {
    let tsv = std::fs::read_to_string(format!("{QR_IMAGES}/expect.tsv")).unwrap();
    let cases: Vec<(String, String)> = tsv
        .lines()
        .map(|line| {
            let (file, text) = line.split_once('\t').unwrap();
            (file.to_owned(), text.to_owned())
        })
        .collect();
    assert_eq!(cases.len(), 37);
    cases
}

fn read(file: &str) -> Vec<u8> {
    std::fs::read(format!("{QR_IMAGES}/{file}")).unwrap()
}

fn sample_picture(name: &str) -> String {
    format!("{SAMPLE_IMAGES}/{name}")
}

fn png(picture: &DynamicImage) -> Vec<u8> {
    let mut bytes = Vec::new();
    picture
        .write_to(&mut Cursor::new(&mut bytes), ImageFormat::Png)
        .unwrap();
    bytes
}

// The test is built unoptimised: image operations go through `DynamicImage` and other
// non-generic functions, compiled (optimised) in the image crate, and pixel loops run over
// plain slices; generic `imageops` and `get_pixel` per pixel would take minutes here.

fn jpeg(picture: &GrayImage, quality: u8) -> Vec<u8> {
    let mut bytes = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, quality)
        .encode(
            picture.as_raw(),
            picture.width(),
            picture.height(),
            image::ExtendedColorType::L8,
        )
        .unwrap();
    bytes
}

fn resized(picture: &GrayImage, width: u32, height: u32) -> GrayImage {
    DynamicImage::ImageLuma8(picture.clone())
        .resize_exact(width, height, image::imageops::FilterType::Triangle)
        .into_luma8()
}

fn blurred(picture: &GrayImage, sigma: f32) -> GrayImage {
    DynamicImage::ImageLuma8(picture.clone())
        .blur(sigma)
        .into_luma8()
}

/// `picture` in the middle of a `margin` of `level` all round.
fn framed(picture: &GrayImage, margin: u32, level: u8) -> GrayImage {
    let (w, h) = (picture.width() + 2 * margin, picture.height() + 2 * margin);
    let mut pixels = vec![level; (w * margin) as usize];
    for row in picture.as_raw().chunks_exact(picture.width() as usize) {
        pixels.extend(std::iter::repeat_n(level, margin as usize));
        pixels.extend_from_slice(row);
        pixels.extend(std::iter::repeat_n(level, margin as usize));
    }
    pixels.resize((w * h) as usize, level);
    GrayImage::from_raw(w, h, pixels).unwrap()
}

fn grey(bytes: &[u8]) -> GrayImage {
    let picture = image::load_from_memory(bytes).unwrap();
    if !picture.color().has_alpha() {
        return picture.to_luma8();
    }
    // Over white, like the reader: some of the EU PNGs are transparent around the code.
    let grey_alpha = picture.to_luma_alpha8();
    let pixels = grey_alpha
        .as_raw()
        .chunks_exact(2)
        .map(|pair| {
            let (level, alpha) = (u32::from(pair[0]), u32::from(pair[1]));
            ((level * alpha + 255 * (255 - alpha)) / 255) as u8
        })
        .collect();
    GrayImage::from_raw(grey_alpha.width(), grey_alpha.height(), pixels).unwrap()
}

#[test]
fn every_shared_picture_decodes_to_exactly_its_expected_text() {
    let mut failures = Vec::new();
    for (file, text) in expected() {
        let bytes = read(&file);
        match find_codes(&bytes) {
            Ok(codes) if codes.len() == 1 && codes[0].text == text => {
                let (width, height) = image::load_from_memory(&bytes)
                    .unwrap()
                    .to_luma8()
                    .dimensions();
                let position = codes[0].position;
                assert_eq!(codes[0].symbology, Symbology::Qr, "{file}");
                // The box lies in the picture and covers a real part of it.
                assert!(
                    position.left + position.width <= width,
                    "{file}: {position:?}"
                );
                assert!(
                    position.top + position.height <= height,
                    "{file}: {position:?}"
                );
                assert!(
                    position.width >= width.min(height) / 4,
                    "{file}: {position:?}"
                );
                assert!(
                    position.height >= width.min(height) / 4,
                    "{file}: {position:?}"
                );
                assert_eq!(decode_image(&bytes).unwrap(), vec![text], "{file}");
            }
            other => failures.push(format!("{file}: {other:?}")),
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

/// `picture` resampled through `source_of` (where each output pixel comes from in the input),
/// bilinear, `background` outside: rotations and perspective without an extra dependency.
fn resample(
    picture: &GrayImage,
    (width, height): (u32, u32),
    background: u8,
    source_of: impl Fn(f32, f32) -> (f32, f32),
) -> GrayImage {
    let (in_w, in_h) = (picture.width() as i64, picture.height() as i64);
    let input = picture.as_raw();
    let at = |x: i64, y: i64| -> f32 {
        if x < 0 || y < 0 || x >= in_w || y >= in_h {
            f32::from(background)
        } else {
            f32::from(input[(y * in_w + x) as usize])
        }
    };
    let mut output = Vec::with_capacity((width * height) as usize);
    for y in 0..height {
        for x in 0..width {
            let (u, v) = source_of(x as f32 + 0.5, y as f32 + 0.5);
            let (u, v) = (u - 0.5, v - 0.5);
            let (x0, y0) = (u.floor(), v.floor());
            let (fx, fy) = (u - x0, v - y0);
            let (x0, y0) = (x0 as i64, y0 as i64);
            let top = at(x0, y0) * (1.0 - fx) + at(x0 + 1, y0) * fx;
            let bottom = at(x0, y0 + 1) * (1.0 - fx) + at(x0 + 1, y0 + 1) * fx;
            output.push((top * (1.0 - fy) + bottom * fy).round() as u8);
        }
    }
    GrayImage::from_raw(width, height, output).unwrap()
}

/// Each grey level of `picture` through `map`.
fn levels(picture: &GrayImage, map: impl Fn(usize, u8) -> u8) -> GrayImage {
    let pixels = picture
        .as_raw()
        .iter()
        .enumerate()
        .map(|(index, level)| map(index, *level))
        .collect();
    GrayImage::from_raw(picture.width(), picture.height(), pixels).unwrap()
}

/// Turned by `degrees` about the centre, on a canvas large enough for the corners.
fn rotated(picture: &GrayImage, degrees: f32) -> GrayImage {
    let (w, h) = (picture.width() as f32, picture.height() as f32);
    let side = (w * w + h * h).sqrt().ceil() as u32;
    let (sin, cos) = degrees.to_radians().sin_cos();
    let c = side as f32 / 2.0;
    resample(picture, (side, side), 255, |x, y| {
        let (dx, dy) = (x - c, y - c);
        (
            cos * dx + sin * dy + w / 2.0,
            -sin * dx + cos * dy + h / 2.0,
        )
    })
}

/// A photo of a screen: the picture shown with a white margin on a dark frame, seen from below
/// and to the side (a projective warp), unevenly lit, slightly out of focus, saved as a JPEG.
fn photo_of_screen(picture: &GrayImage) -> GrayImage {
    let screen = framed(picture, picture.width() / 10, 255);
    let (w, h) = (screen.width() as f32, screen.height() as f32);
    let (out_w, out_h) = ((w * 1.3) as u32, (h * 1.25) as u32);
    // Output → input: a homography whose denominator shrinks the far (top, right) side.
    let (g, k) = (0.35 / out_w as f32, 0.25 / out_h as f32);
    let warped = resample(&screen, (out_w, out_h), 40, |x, y| {
        let (x, y) = (x - 0.12 * out_w as f32, y - 0.1 * out_h as f32);
        let d = 1.0 - g * x - k * y;
        ((1.05 * x + 0.08 * y) / d, (-0.05 * x + y) / d)
    });
    // Glare falling off from the top left; the screen's black is grey.
    let lit = levels(&warped, |index, level| {
        let (x, y) = (index as u32 % out_w, index as u32 / out_w);
        let light = 0.75 + 0.25 * (1.0 - (x + y) as f32 / (out_w + out_h) as f32);
        (35.0 + f32::from(level) * 0.8 * light).min(255.0) as u8
    });
    grey(&jpeg(&blurred(&lit, 0.8), 70))
}

/// Each kind of change a picture of a certificate goes through, by name.
fn variants(picture: &GrayImage) -> Vec<(&'static str, GrayImage)> {
    let (w, h) = picture.dimensions();
    let resize = |factor: f32| {
        resized(
            picture,
            (w as f32 * factor) as u32,
            (h as f32 * factor) as u32,
        )
    };
    // Modules at least 4 pixels wide before blurring, as in any photo the code is legible in.
    let large = resize(500.0 / w as f32);
    let mut variants = vec![
        ("scaled to 170%", resize(1.7)),
        (
            "rotated 90°",
            DynamicImage::ImageLuma8(picture.clone())
                .rotate90()
                .into_luma8(),
        ),
        ("rotated 23°", rotated(picture, 23.0)),
        ("blurred", blurred(&large, 1.5)),
        ("low contrast", levels(picture, |_, level| 110 + level / 6)),
        ("JPEG quality 30", grey(&jpeg(picture, 30))),
        (
            "inverted (dark mode)",
            levels(picture, |_, level| 255 - level),
        ),
        ("photo of a screen", photo_of_screen(&large)),
    ];
    // The smaller pictures are at their smallest already (2–3 pixels a module).
    if w >= 300 {
        variants.push(("scaled to 60%", resize(0.6)));
    }
    variants
}

#[test]
fn photo_like_variants_of_every_shared_picture_still_decode() {
    let mut failures = Vec::new();
    for (file, text) in expected() {
        let mut picture = grey(&read(&file));
        // The largest (1,000 pixels a side, 12 a module) at half size: plenty for the changes
        // below, and a quarter of the time in this unoptimised test.
        if picture.width() > 600 {
            picture = resized(&picture, picture.width() / 2, picture.height() / 2);
        }
        for (change, variant) in variants(&picture) {
            match decode_image(&png(&DynamicImage::ImageLuma8(variant.clone()))) {
                Ok(texts) if texts == [text.clone()] => {}
                other => {
                    failures.push(format!("{file} {change}: {other:?}"));
                    // To look at what the reader missed: DCC_IMAGE_TEST_KEEP=/some/dir.
                    if let Ok(dir) = std::env::var("DCC_IMAGE_TEST_KEEP") {
                        let name = format!("{dir}/{file}.{change}.png").replace(' ', "_");
                        variant.save(name).unwrap();
                    }
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failed: {failures:#?}",
        failures.len()
    );
}

#[test]
fn a_code_on_a_transparent_background_is_read_over_white() {
    let (file, text) = &expected()[0];
    let picture = grey(&read(file));
    // Black modules, fully transparent elsewhere: black on black if alpha were dropped.
    let transparent = RgbaImage::from_fn(picture.width(), picture.height(), |x, y| {
        if picture.get_pixel(x, y).0[0] < 128 {
            Rgba([0, 0, 0, 255])
        } else {
            Rgba([0, 0, 0, 0])
        }
    });
    let bytes = png(&DynamicImage::ImageRgba8(transparent));
    assert_eq!(decode_image(&bytes).unwrap(), vec![text.clone()]);
}

#[test]
fn an_aztec_code_is_read() {
    let bytes = std::fs::read(sample_picture("vn-vaccination-ps256.aztec.png")).unwrap();
    let codes = find_codes(&bytes).unwrap();
    assert_eq!(codes.len(), 1);
    assert_eq!(codes[0].symbology, Symbology::Aztec);
    assert_eq!(codes[0].text, sample("vn-vaccination-ps256"));
}

#[test]
fn several_codes_in_one_picture_are_each_found_where_they_are() {
    let valid = grey(&std::fs::read(sample_picture("vn-vaccination-es256.qr.png")).unwrap());
    let expired = grey(&std::fs::read(sample_picture("vn-vaccination-expired.qr.png")).unwrap());
    let other = grey(&read("FI_1.3.0_VAC_FI.png"));
    let mut page = GrayImage::from_pixel(1400, 1100, Luma([255]));
    let places = [(40, 30, &valid), (700, 80, &expired), (300, 560, &other)];
    for (x, y, picture) in places {
        image::imageops::overlay(&mut page, picture, x, y);
    }
    let codes = find_codes(&png(&DynamicImage::ImageLuma8(page))).unwrap();
    let texts: Vec<&str> = codes.iter().map(|code| code.text.as_str()).collect();
    let fi = &expected()
        .into_iter()
        .find(|(file, _)| file == "FI_1.3.0_VAC_FI.png")
        .unwrap()
        .1;
    // Top to bottom.
    assert_eq!(
        texts,
        [
            sample("vn-vaccination-es256").as_str(),
            sample("vn-vaccination-expired").as_str(),
            fi.as_str()
        ]
    );
    for (code, (x, y, picture)) in codes.iter().zip(places) {
        let p = code.position;
        let (x, y) = (x as u32, y as u32);
        assert!(p.left >= x && p.top >= y, "{p:?}");
        assert!(p.left + p.width <= x + picture.width(), "{p:?}");
        assert!(p.top + p.height <= y + picture.height(), "{p:?}");
        assert!(
            p.width > picture.width() / 2 && p.height > picture.height() / 2,
            "{p:?}"
        );
    }
}

#[test]
fn an_aztec_code_away_from_the_middle_of_a_page_is_found() {
    // Top right of a page, as on a printed certificate: the detector starts from the middle.
    let aztec = grey(&std::fs::read(sample_picture("vn-vaccination-ps256.aztec.png")).unwrap());
    let mut page = GrayImage::from_pixel(1240, 1754, Luma([255]));
    image::imageops::overlay(&mut page, &aztec, 780, 60);
    let codes = find_codes(&png(&DynamicImage::ImageLuma8(page))).unwrap();
    assert_eq!(codes.len(), 1);
    assert_eq!(codes[0].symbology, Symbology::Aztec);
    assert_eq!(codes[0].text, sample("vn-vaccination-ps256"));
    let p = codes[0].position;
    assert!(
        (780..=800).contains(&p.left) && (60..=80).contains(&p.top),
        "{p:?}"
    );
}

#[test]
fn non_pictures_and_other_formats_are_named() {
    assert_eq!(decode_image(b""), Err(ImageError::NotAnImage));
    assert_eq!(decode_image(b"HC1:NCFOXN%TS"), Err(ImageError::NotAnImage));
    assert_eq!(
        decode_image(&std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml")).unwrap()),
        Err(ImageError::NotAnImage)
    );
    for (start, format) in [
        (&b"GIF89a\x01\x00\x01\x00"[..], "GIF"),
        (b"%PDF-1.7\n", "PDF"),
        (b"RIFF\x10\x00\x00\x00WEBPVP8 ", "WebP"),
        (b"\x00\x00\x00\x18ftypheic\x00\x00", "HEIC"),
    ] {
        let error = decode_image(start).unwrap_err();
        assert_eq!(error, ImageError::UnsupportedFormat(format));
        assert!(error
            .to_string()
            .contains("convert the picture to PNG or JPEG"));
    }
}

#[test]
fn truncated_and_damaged_pictures_are_reported_as_such() {
    let png = read("DE_1.3.0_VAC_DE.png");
    let jpeg = read("ID_1.3.0_specialcases_VAC_ID_01.jpeg");
    // Cut inside the header, then inside the pixel data.
    for cut in [&png[..20], &png[..png.len() / 2]] {
        let error = decode_image(cut).unwrap_err();
        assert!(
            matches!(error, ImageError::Damaged { format: "PNG", .. }),
            "{error:?}"
        );
        assert!(error
            .to_string()
            .starts_with("damaged or truncated PNG picture: "));
        assert_eq!(error.code(), "image-damaged");
    }
    // A changed byte in the pixel data breaks the chunk's checksum.
    let mut damaged = png.clone();
    let middle = damaged.len() / 2;
    damaged[middle] ^= 0x55;
    assert!(matches!(
        decode_image(&damaged),
        Err(ImageError::Damaged { format: "PNG", .. })
    ));
    // A JPEG cut in its header.
    assert!(matches!(
        decode_image(&jpeg[..40]),
        Err(ImageError::Damaged { format: "JPEG", .. })
    ));
    // A JPEG cut in its scan decodes as far as it goes (the rest grey): the code is gone.
    assert_eq!(
        decode_image(&jpeg[..jpeg.len() / 3]),
        Err(ImageError::NoCode)
    );
}

#[test]
fn a_picture_without_a_code_says_so() {
    let blank = png(&DynamicImage::ImageLuma8(GrayImage::from_pixel(
        640,
        480,
        Luma([200]),
    )));
    let error = decode_image(&blank).unwrap_err();
    assert_eq!(error, ImageError::NoCode);
    assert_eq!(error.code(), "no-code-in-image");
}

/// A PNG made of its chunks, with a zlib stream of `rows` rows of `row_bytes` zero bytes.
fn png_of_zeros(width: u32, height: u32, bit_depth: u8, rows: u32, row_bytes: usize) -> Vec<u8> {
    use std::io::Write;
    fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        let mut crc = flate2::Crc::new();
        crc.update(kind);
        crc.update(data);
        out.extend_from_slice(&crc.sum().to_be_bytes());
    }
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[bit_depth, 0, 0, 0, 0]); // grey, deflate, no filter, no interlace
    let mut zlib = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    let row = vec![0u8; row_bytes + 1]; // filter byte 0, then the pixels
    for _ in 0..rows {
        zlib.write_all(&row).unwrap();
    }
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(&mut out, b"IDAT", &zlib.finish().unwrap());
    chunk(&mut out, b"IEND", &[]);
    out
}

/// The process's peak resident memory in bytes (Linux), to show what a decode cost.
#[cfg(target_os = "linux")]
fn peak_memory() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    let kib: u64 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
    kib * 1024
}

#[test]
fn a_decompression_bomb_is_refused_from_its_header() {
    // 16,384 × 16,384 one-bit pixels: 32 MiB of zero rows that deflate to ~33 KB, and decode to
    // 268 MB of grey (then the reader's copies) in a decoder that trusts the header.
    let bomb = png_of_zeros(MAX_IMAGE_SIDE, MAX_IMAGE_SIDE, 1, MAX_IMAGE_SIDE, 2048);
    assert!(bomb.len() < 100_000, "{}", bomb.len());
    let error = decode_image(&bomb).unwrap_err();
    assert_eq!(
        error,
        ImageError::TooManyPixels {
            width: MAX_IMAGE_SIDE,
            height: MAX_IMAGE_SIDE,
            max_side: MAX_IMAGE_SIDE,
            max_pixels: MAX_IMAGE_PIXELS,
        }
    );
    assert!(error.to_string().contains("16384×16384 pixels"), "{error}");
    #[cfg(target_os = "linux")]
    assert!(
        peak_memory() < 200 * 1024 * 1024,
        "peak memory {} MB",
        peak_memory() >> 20
    );
}

#[test]
fn huge_dimensions_are_refused_before_any_pixel_is_decoded() {
    // A header that claims 100,000 pixels a side, over one row of data: refused on the side.
    let claim = png_of_zeros(100_000, 100_000, 8, 1, 100_000);
    assert!(matches!(
        decode_image(&claim),
        Err(ImageError::TooManyPixels {
            width: 100_000,
            height: 100_000,
            ..
        })
    ));
    // Within the side limit but over the pixel count.
    let wide = png_of_zeros(16_000, 4_000, 8, 1, 16_000);
    assert_eq!(
        decode_image(&wide).unwrap_err().code(),
        "image-too-many-pixels"
    );
}

#[test]
fn a_file_over_the_size_limit_is_refused_unread() {
    let mut big = read("DE_1.3.0_VAC_DE.png");
    big.resize(MAX_IMAGE_BYTES + 1, 0);
    let error = decode_image(&big).unwrap_err();
    assert_eq!(
        error,
        ImageError::FileTooLarge {
            size: MAX_IMAGE_BYTES + 1,
            limit: MAX_IMAGE_BYTES
        }
    );
}

// The command line.

#[test]
fn verify_image_verifies_each_picture_and_names_it() {
    let valid = sample_picture("vn-vaccination-es256.qr.png");
    let out = run(&[
        "verify",
        "--trust-list",
        SAMPLE_LIST,
        "--at",
        AT,
        "--image",
        &valid,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out).lines().collect::<Vec<_>>(),
        [format!("{valid}: valid | vaccination certificate (Comirnaty) from VN, issued 2026-03-01T00:00:00Z, expires 2036-03-01T00:00:00Z | signed by 6+Dmto+Hqng= (VN) | TEST trust list")]
    );
    // A second picture whose certificate has expired: exit status 1, one line each.
    let expired = sample_picture("vn-vaccination-expired.qr.png");
    let out = run(&[
        "verify",
        "--trust-list",
        SAMPLE_LIST,
        "--at",
        AT,
        "--image",
        &valid,
        &expired,
    ]);
    assert_eq!(out.status.code(), Some(1));
    let lines: Vec<String> = stdout(&out).lines().map(str::to_owned).collect();
    assert_eq!(lines.len(), 2);
    assert!(lines[0].starts_with(&format!("{valid}: valid |")));
    assert!(lines[1].starts_with(&format!("{expired}: invalid (expired)")));
}

#[test]
fn verify_image_json_names_the_file_and_where_the_code_is() {
    let aztec = sample_picture("vn-vaccination-ps256.aztec.png");
    let out = run(&[
        "verify",
        "--trust-list",
        SAMPLE_LIST,
        "--json",
        "--at",
        AT,
        "--image",
        &aztec,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let answer: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(answer["outcome"], "valid");
    assert_eq!(answer["kid"], "uZIjd1KPCiY=");
    let image = &answer["image"];
    assert_eq!(image["file"], aztec.as_str());
    assert_eq!(image["code"], 1);
    assert_eq!(image["symbology"], "aztec");
    // The Aztec symbol fills the picture but its quiet zone of 16 pixels.
    let position = &image["position"];
    for (key, low, high) in [
        ("left", 10, 22),
        ("top", 10, 22),
        ("width", 370, 392),
        ("height", 370, 392),
    ] {
        let value = position[key].as_u64().unwrap();
        assert!((low..=high).contains(&value), "{key}: {position}");
    }
    for personal in ["Nguyễn", "NGUYEN", "1985-03-12", "URN:UVCI"] {
        assert!(!stdout(&out).contains(personal), "{personal}");
    }
}

#[test]
fn verify_image_reads_standard_input_and_reports_unreadable_pictures() {
    let picture = std::fs::read(sample_picture("vn-vaccination-es256.qr.png")).unwrap();
    let out = run_with_bytes(
        &[
            "verify",
            "--trust-list",
            SAMPLE_LIST,
            "--json",
            "--at",
            AT,
            "--image",
            "-",
        ],
        &picture,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let answer: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(answer["outcome"], "valid");
    assert_eq!(answer["image"]["file"], "-");

    // Not a picture: its own answer, exit status 1.
    let manifest = concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml");
    let out = run(&["verify", "--json", "--image", manifest]);
    assert_eq!(out.status.code(), Some(1));
    let answer: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(answer["image"]["file"], manifest);
    assert_eq!(answer["error"]["code"], "not-an-image");
    let out = run(&["verify", "--image", manifest]);
    assert_eq!(
        stdout(&out).trim(),
        format!("{manifest}: unreadable (not-an-image): not a PNG or JPEG picture")
    );

    // A file that is not there: a usage error (2), as for any unreadable file.
    let out = run(&["verify", "--image", "no-such-picture.png"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("reading no-such-picture.png"),
        "{}",
        stderr(&out)
    );
    // --image without files.
    let out = run(&["verify", "--image"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn decode_image_prints_the_payload_and_where_the_code_is() {
    let qr = sample_picture("vn-vaccination-es256.qr.png");
    let out = run(&["decode", "--image", &qr]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let answer: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(answer["alg"], "ES256");
    assert_eq!(answer["iss"], "VN");
    assert_eq!(answer["image"]["file"], qr.as_str());
    assert_eq!(answer["image"]["symbology"], "qr");
    // The text-only form gives the same payload.
    let by_text = run(&["decode", &sample("vn-vaccination-es256")]);
    let by_text: serde_json::Value = serde_json::from_str(&stdout(&by_text)).unwrap();
    assert_eq!(answer["payload"], by_text["payload"]);

    // A picture of an EU test certificate holds a certificate; a blank one holds none.
    let out = run(&[
        "decode",
        "--image",
        &format!("{QR_IMAGES}/DE_1.3.0_VAC_DE.png"),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let blank = png(&DynamicImage::ImageLuma8(GrayImage::from_pixel(
        64,
        64,
        Luma([255]),
    )));
    let out = run_with_bytes(&["decode", "--image", "-"], &blank);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("no-code-in-image"),
        "{}",
        stderr(&out)
    );
}

// The service: `POST /v1/verify` with a picture (built with both features).

#[cfg(feature = "server")]
#[path = "serve_support/mod.rs"]
mod serve_support;

#[cfg(feature = "server")]
mod service {
    use super::serve_support::{client, post, Server};
    use super::*;
    use serde_json::{json, Value};

    /// What `verify --json --image FILE` prints, without the file name the service never has.
    fn cli_answers(file: &str) -> Vec<Value> {
        let out = run(&[
            "verify",
            "--trust-list",
            SAMPLE_LIST,
            "--json",
            "--image",
            file,
        ]);
        stdout(&out)
            .lines()
            .map(|line| {
                let mut answer: Value = serde_json::from_str(line).unwrap();
                answer["image"].as_object_mut().unwrap().remove("file");
                answer
            })
            .collect()
    }

    #[test]
    fn a_png_body_is_verified_like_verify_image() {
        let server = Server::start(&["--trust-list", SAMPLE_LIST]);
        let file = sample_picture("vn-vaccination-es256.qr.png");
        let answer = post(
            &client(),
            &server.url("/v1/verify"),
            "image/png",
            &std::fs::read(&file).unwrap(),
        );
        assert_eq!(answer.status, 200, "{}", answer.body);
        assert_eq!(answer.content_type, "application/json");
        let results = answer.json()["results"].as_array().unwrap().clone();
        assert_eq!(results, cli_answers(&file));
        assert_eq!(results[0]["outcome"], "valid");
        assert_eq!(results[0]["image"]["symbology"], "qr");
    }

    #[test]
    fn every_code_of_a_jpeg_body_is_verified_with_its_position() {
        let valid = grey(&std::fs::read(sample_picture("vn-vaccination-es256.qr.png")).unwrap());
        let expired =
            grey(&std::fs::read(sample_picture("vn-vaccination-expired.qr.png")).unwrap());
        let mut page = GrayImage::from_pixel(900, 450, Luma([255]));
        image::imageops::overlay(&mut page, &valid, 20, 20);
        image::imageops::overlay(&mut page, &expired, 480, 40);
        let server = Server::start(&["--trust-list", SAMPLE_LIST]);
        let answer = post(
            &client(),
            &server.url("/v1/verify"),
            "image/jpeg",
            &jpeg(&page, 90),
        );
        assert_eq!(answer.status, 200, "{}", answer.body);
        let json = answer.json();
        let results = json["results"].as_array().unwrap();
        let summary: Vec<(&Value, &Value, u64)> = results
            .iter()
            .map(|r| {
                let left = r["image"]["position"]["left"].as_u64().unwrap();
                (&r["outcome"], &r["image"]["code"], left)
            })
            .collect();
        assert_eq!(summary.len(), 2, "{json}");
        assert_eq!((summary[0].0, summary[0].1), (&json!("valid"), &json!(1)));
        assert_eq!((summary[1].0, summary[1].1), (&json!("invalid"), &json!(2)));
        assert!(summary[0].2 < 100 && summary[1].2 > 480, "{summary:?}");
        assert_eq!(results[1]["reason"], "expired");
        for personal in ["Nguyễn", "NGUYEN", "1985-03-12", "URN:UVCI"] {
            assert!(!answer.body.contains(personal), "{personal}");
        }
    }

    #[test]
    fn pictures_without_a_code_and_non_pictures_get_422_and_large_ones_413() {
        let server = Server::start(&["--max-body", "6000"]);
        let agent = client();
        let url = server.url("/v1/verify");
        let blank = png(&DynamicImage::ImageLuma8(GrayImage::from_pixel(
            64,
            64,
            Luma([255]),
        )));
        for (content_type, body, code) in [
            ("image/png", blank.as_slice(), "no-code-in-image"),
            ("image/png", b"HC1:NCFOXN%TS".as_slice(), "not-an-image"),
            ("image/jpeg", &blank[..30], "image-damaged"),
        ] {
            let answer = post(&agent, &url, content_type, body);
            assert_eq!(answer.status, 422, "{code}: {}", answer.body);
            assert_eq!(answer.json()["error"], code);
            assert!(!answer.json()["message"].as_str().unwrap().is_empty());
        }
        // The body limit holds for pictures as for JSON (a small excess: a large one may be
        // cut off, answered or not, before the client has sent it).
        let picture = std::fs::read(sample_picture("vn-vaccination-es256.qr.png")).unwrap();
        assert!((6_001..12_000).contains(&picture.len()));
        let answer = post(&agent, &url, "image/png", &picture);
        assert_eq!(answer.status, 413);
        assert_eq!(answer.json()["error"], "body-too-large");
        // Other picture types are refused by their media type.
        let answer = post(&agent, &url, "image/gif", b"GIF89a");
        assert_eq!(answer.status, 415);
        assert!(answer.body.contains("image/png"), "{}", answer.body);
    }
}
