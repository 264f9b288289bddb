//! `cargo run -p uniffi-bindgen -- generate --library target/release/libdcc_verify.so ...`:
//! UniFFI's generator, built from the same pinned version as the library's scaffolding.

fn main() {
    uniffi::uniffi_bindgen_main()
}
