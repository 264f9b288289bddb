//! `dcc-verify`: verify and decode EU Digital COVID Certificate QR texts from the command line.
//! Built on the library's public API only.

// Like the library: no panics, whatever the input or the state of stdout.
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::unreachable
)]

mod output;

use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use dcc_verify::{decode, parse_instant, TrustList, Verifier};

/// The bundled sample trust list (TEST keys only), used when no list is given.
const SAMPLE_TRUST_LIST: &[u8] = include_bytes!("../../../testdata/samples/trust-list.json");

#[derive(Parser)]
#[command(
    name = "dcc-verify",
    version,
    about = "Verify EU Digital COVID Certificate QR codes (HC1) offline"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Verify QR texts: signature, validity period, key usage. Exit status 0 when every input
    /// is valid, 1 when any is not, 2 for usage or I/O errors.
    Verify {
        /// Trust list: JSON `{"certificates":[{"kid","country","rawData"}...]}`. Default: the
        /// bundled sample list (TEST keys; verifies testdata/samples only).
        #[arg(long, value_name = "FILE")]
        trust_list: Option<PathBuf>,
        /// Verify as of this instant (RFC 3339) instead of now.
        #[arg(long, value_name = "RFC3339")]
        at: Option<String>,
        /// One JSON object per input line.
        #[arg(long)]
        json: bool,
        /// Include the holder's name and date of birth in the human summary.
        #[arg(long)]
        show_personal_data: bool,
        /// QR texts (`HC1:...`); without any, one per line from standard input.
        qr: Vec<String>,
    },
    /// Decode a QR text without checking its signature; prints headers and payload as JSON.
    Decode {
        /// The QR text (`HC1:...`).
        qr: String,
    },
}

/// A usage or I/O problem: exit status 2.
struct UsageError(String);

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Verify {
            trust_list,
            at,
            json,
            show_personal_data,
            qr,
        } => verify(trust_list, at, json, show_personal_data, qr),
        Command::Decode { qr } => decode_command(&qr),
    };
    match result {
        Ok(code) => code,
        Err(UsageError(message)) => {
            eprintln!("dcc-verify: {message}");
            ExitCode::from(2)
        }
    }
}

fn verify(
    trust_list: Option<PathBuf>,
    at: Option<String>,
    json: bool,
    show_personal_data: bool,
    qr: Vec<String>,
) -> Result<ExitCode, UsageError> {
    let bytes = match &trust_list {
        Some(path) => std::fs::read(path)
            .map_err(|e| UsageError(format!("cannot read {}: {e}", path.display())))?,
        None => SAMPLE_TRUST_LIST.to_vec(),
    };
    let (trust, _report) = TrustList::from_unsigned_json(&bytes)
        .map_err(|e| UsageError(format!("trust list: {e}")))?;
    let at = at
        .map(|text| {
            parse_instant(&text)
                .ok_or_else(|| UsageError(format!("--at: not an RFC 3339 instant: {text}")))
        })
        .transpose()?;
    let verifier = Verifier::default().with_trust_list(trust);

    let inputs: Box<dyn Iterator<Item = Result<String, UsageError>>> = if qr.is_empty() {
        Box::new(
            std::io::stdin()
                .lock()
                .lines()
                .map(|line| line.map_err(|e| UsageError(format!("reading standard input: {e}"))))
                .filter(|line| !matches!(line, Ok(l) if l.trim().is_empty())),
        )
    } else {
        Box::new(qr.into_iter().map(Ok))
    };
    let mut stdout = std::io::stdout().lock();
    let mut all_valid = true;
    for input in inputs {
        let input = input?;
        let verification = match at {
            Some(at) => verifier.verify_at(&input, at),
            None => verifier.verify(&input),
        };
        all_valid &= verification.is_valid();
        let line = if json {
            output::verification_json(&verification).to_string()
        } else {
            output::verification_summary(&verification, show_personal_data)
        };
        writeln!(stdout, "{line}").map_err(|e| UsageError(format!("writing output: {e}")))?;
    }
    Ok(if all_valid {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn decode_command(qr: &str) -> Result<ExitCode, UsageError> {
    match decode(qr) {
        Ok(decoded) => {
            let json = serde_json::to_string_pretty(&output::decoded_json(&decoded))
                .map_err(|e| UsageError(format!("writing output: {e}")))?;
            // writeln!, not println!: a closed pipe (`| head`) is an error, not a panic.
            writeln!(std::io::stdout().lock(), "{json}")
                .map_err(|e| UsageError(format!("writing output: {e}")))?;
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("dcc-verify: cannot decode ({}): {e}", e.code());
            Ok(ExitCode::from(1))
        }
    }
}
