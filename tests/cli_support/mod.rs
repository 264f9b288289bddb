//! Running the built `dcc-verify` binary, for the command-line tests.
#![allow(dead_code)] // each test crate uses a part

use std::io::Write;
use std::process::{Command, Output, Stdio};

/// The bundled sample QR text `testdata/samples/<name>.txt`.
pub fn sample(name: &str) -> String {
    let path = format!("{}/testdata/samples/{name}.txt", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(path).unwrap().trim().to_owned()
}

/// Runs the binary with `args` and an empty standard input.
pub fn run(args: &[&str]) -> Output {
    run_with_input(args, "")
}

/// Runs the binary with `args`, writing `input` to its standard input.
pub fn run_with_input(args: &[&str], input: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_dcc-verify"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut pipe = child.stdin.take().unwrap();
    // A command that refuses its arguments exits without reading its input: the rest of a
    // large input then meets a closed pipe, which is that command's answer, not a failure here.
    if let Err(e) = pipe.write_all(input.as_bytes()) {
        assert_eq!(
            e.kind(),
            std::io::ErrorKind::BrokenPipe,
            "writing input: {e}"
        );
    }
    drop(pipe);
    child.wait_with_output().unwrap()
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

/// Runs the binary with `args`, writing raw `input` bytes (not necessarily UTF-8) to its
/// standard input.
pub fn run_with_bytes(args: &[&str], input: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_dcc-verify"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut pipe = child.stdin.take().unwrap();
    // The binary may stop reading early (an error); its answer is what the test checks.
    let _ = pipe.write_all(input);
    drop(pipe);
    child.wait_with_output().unwrap()
}

/// The sample trust list (TEST keys), which the tests name explicitly: the default is the
/// bundled real lists.
pub const SAMPLE_LIST: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/testdata/samples/trust-list.json"
);
