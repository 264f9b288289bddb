//! `cargo run --profile bindgen -p uniffi-bindgen -- generate --library <libdcc_verify.so> ...`:
//! UniFFI's generator, built from the same pinned version as the library's scaffolding.

fn main() {
    uniffi::uniffi_bindgen_main()
}
