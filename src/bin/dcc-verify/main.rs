//! `dcc-verify`: verify and decode EU Digital COVID Certificate QR texts from the command line.
//! Built on the library's public API only.

// Like the library: no panics, whatever the input or the state of stdout.
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::unreachable,
    // One writer discipline: input::print and input::warn, which never panic.
    clippy::print_stdout,
    clippy::print_stderr
)]

mod batch;
#[cfg(feature = "image")]
mod image;
mod input;
mod output;
mod rules;
#[cfg(feature = "server")]
mod serve;
mod trust;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use dcc_verify::{
    decode, parse_instant, Clock, Settings, SystemClock, TrustStore, Verification, Verifier,
};

/// The repository's sample trust list (TEST keys only): a `--trust-list` file with exactly these
/// bytes is recognised as a TEST list, and results that rest on it say so.
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
    /// Verify QR texts: signature, validity period, key usage, schema and value sets, and with
    /// --rules the business rules. Exit status 0 when every input is valid, 1 when any is not,
    /// 2 for usage or I/O errors.
    Verify {
        #[command(flatten)]
        source: ListSource,
        #[command(flatten)]
        content: ContentChecks,
        /// Verify as of this instant instead of now: RFC 3339 (2026-06-01T12:00:00Z), a date
        /// (2026-06-01, midnight UTC) or @UNIX_SECONDS.
        #[arg(long, value_name = "INSTANT")]
        at: Option<String>,
        /// One JSON object per input line.
        #[arg(long)]
        json: bool,
        /// Include the holder's name and date of birth in the human summary.
        #[arg(long)]
        show_personal_data: bool,
        /// Threads verifying a batch (default: one per core).
        #[arg(long, value_name = "N")]
        jobs: Option<std::num::NonZeroUsize>,
        /// Read the arguments as pictures (PNG or JPEG; `-` is standard input) and verify every
        /// QR or Aztec code in them. A picture without a readable code counts as not valid.
        #[cfg(feature = "image")]
        #[arg(long)]
        image: bool,
        /// QR texts (`HC1:...`), or picture files with --image; without any, one text per line
        /// from standard input (blank lines are skipped; with --json each answer carries its
        /// input line number as `line`).
        qr: Vec<String>,
    },
    /// Decode a QR text without checking its signature; prints headers and payload as JSON.
    Decode {
        /// Decode the codes in this picture (PNG or JPEG; `-` is standard input) instead.
        #[cfg(feature = "image")]
        #[arg(long, value_name = "FILE", conflicts_with = "qr")]
        image: Option<String>,
        /// The QR text (`HC1:...`).
        #[cfg_attr(feature = "image", arg(required_unless_present = "image"))]
        #[cfg_attr(not(feature = "image"), arg(required = true))]
        qr: Option<String>,
    },
    /// Manage the trust-list cache.
    #[command(subcommand)]
    Trust(TrustCommand),
    /// Business rules.
    #[command(subcommand)]
    Rules(RulesCommand),
    /// Serve verification over HTTP: POST /v1/verify, GET /healthz, GET /metrics. Takes the
    /// trust list and checks `verify` takes; with --cache, follows `trust import` without a
    /// restart. Stops on SIGTERM or SIGINT after answering the requests in flight.
    #[cfg(feature = "server")]
    Serve {
        #[command(flatten)]
        source: ListSource,
        #[command(flatten)]
        content: ContentChecks,
        #[command(flatten)]
        options: serve::Options,
    },
}

/// What `verify` checks in a genuine certificate's content.
#[derive(Args)]
struct ContentChecks {
    /// Apply business rules: FILE holds a JSON array of gateway rules (acceptance rules of
    /// --country, invalidation rules of the issuer). A rule that fails makes the certificate
    /// invalid; one that cannot be evaluated makes it undecidable.
    #[arg(long, value_name = "FILE", requires = "country")]
    rules: Option<PathBuf>,
    /// Country of arrival (ISO 3166 alpha-2) whose acceptance rules apply.
    #[arg(long, value_name = "XX", requires = "rules")]
    country: Option<String>,
    /// Region within the country of arrival, for rules that distinguish regions.
    #[arg(long, value_name = "REGION", requires = "rules")]
    region: Option<String>,
    /// Language of rule descriptions (falls back to English).
    #[arg(long, value_name = "LANG", default_value = "en")]
    lang: String,
    /// Value sets (EU value-set documents, or the compressed map rules see) replacing the
    /// bundled ones.
    #[arg(long, value_name = "FILE")]
    value_sets: Option<PathBuf>,
    /// Schema and value-set check: lenient reports violations as warnings, strict makes them
    /// invalid.
    #[arg(long, value_enum, default_value = "lenient")]
    schema: rules::SchemaArg,
}

#[derive(Subcommand)]
enum RulesCommand {
    /// Evaluate one rule's logic on `{payload, external}` taken from DATA (a rule test file),
    /// and print `{"result": true | false | "open"}` (exit status 0; 2 when a file cannot be
    /// read or the rule is not gateway rule JSON).
    Eval {
        /// The rule (gateway rule JSON).
        #[arg(long, value_name = "RULE.json")]
        rule: PathBuf,
        /// The data: an object with `payload` and `external`, as in rule test files.
        #[arg(long, value_name = "DATA.json")]
        data: PathBuf,
    },
}

/// Where `verify` gets its trust lists. Default: the bundled WHO production list (2026-08-22)
/// and German list (2023-11), each checked with its bundled key.
#[derive(Args)]
struct ListSource {
    /// Use the trust list cached in DIR (see `trust import`). Repeat for several sources (one
    /// list per directory; each source is named after its DIR as given).
    #[arg(long, value_name = "DIR", conflicts_with = "trust_list")]
    cache: Vec<PathBuf>,
    /// Trust list file, format detected: a German signed list, a WHO GDHCN DID list, Austrian
    /// content (with --signature), or unsigned JSON/PEM (taken because you named it, unless
    /// --anchor or --signature asks for a signed list; results say unsigned). The sample list
    /// testdata/samples/trust-list.json (TEST keys) verifies testdata/samples; results that
    /// rest on it say "TEST trust list".
    #[arg(long, value_name = "FILE")]
    trust_list: Option<PathBuf>,
    /// The Austrian list's signature file, with --trust-list.
    #[arg(long, value_name = "FILE", requires = "trust_list")]
    signature: Option<PathBuf>,
    /// Public key trusted to sign lists (PEM, or a signer DID document or JWK); repeat for
    /// several. The list must then be signed. With --cache, defaults to the anchors
    /// remembered at import.
    #[arg(long, value_name = "KEY.pem")]
    anchor: Vec<PathBuf>,
}

#[derive(Subcommand)]
enum TrustCommand {
    /// Verify a trust list and make it the one in force in the cache. Prints what was taken
    /// and skipped. Exit status 1 when the list is refused (the previous one stays in force).
    Import {
        /// Cache directory (created if needed).
        #[arg(long, value_name = "DIR")]
        cache: PathBuf,
        #[arg(long, value_enum)]
        format: trust::FormatArg,
        /// Public key trusted to sign lists (PEM, or a signer DID document or JWK); repeat for
        /// several (e.g. old and new key during a rotation). Remembered in DIR/anchors.pem.
        #[arg(long, value_name = "KEY.pem")]
        anchor: Vec<PathBuf>,
        /// The Austrian list's signature file (--format at).
        #[arg(long, value_name = "FILE")]
        signature: Option<PathBuf>,
        /// Accept an unsigned list (--format json or pem) from a source you trust (not into a
        /// cache that has anchors).
        #[arg(long)]
        unsigned: bool,
        /// Accept a list older than the one in force, or one it replaced.
        #[arg(long)]
        force: bool,
        /// When the list was fetched (RFC 3339, a date or @UNIX_SECONDS); default now.
        #[arg(long, value_name = "INSTANT")]
        fetched_at: Option<String>,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
        /// The list file (for --format at, its content).
        file: PathBuf,
    },
    /// Show the cached list: source, age, counts per issuer. Exit status 1 when there is none.
    Info {
        #[arg(long, value_name = "DIR")]
        cache: PathBuf,
        /// Anchor keys to check the cached list with; default: those remembered at import.
        #[arg(long, value_name = "KEY.pem")]
        anchor: Vec<PathBuf>,
        #[arg(long)]
        json: bool,
    },
}

/// A usage or I/O problem: exit status 2.
struct UsageError(String);

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Verify {
            source,
            content,
            at,
            json,
            show_personal_data,
            jobs,
            qr,
            #[cfg(feature = "image")]
            image,
        } => {
            #[cfg(feature = "image")]
            let qr = if image {
                Inputs::Pictures(qr)
            } else {
                Inputs::Texts(qr)
            };
            #[cfg(not(feature = "image"))]
            let qr = Inputs::Texts(qr);
            let jobs = jobs.map_or_else(
                || std::thread::available_parallelism().map_or(1, usize::from),
                usize::from,
            );
            verify(&source, &content, at, json, show_personal_data, jobs, qr)
        }
        #[cfg(feature = "image")]
        Command::Decode {
            image: Some(file), ..
        } => image::decode(&file),
        Command::Decode { qr, .. } => decode_command(qr.as_deref().unwrap_or_default()),
        Command::Trust(TrustCommand::Import {
            cache,
            format,
            anchor,
            signature,
            unsigned,
            force,
            fetched_at,
            json,
            file,
        }) => parse_at(fetched_at, "--fetched-at").and_then(|fetched_at| {
            trust::import(trust::Import {
                cache,
                format,
                anchors: anchor,
                signature,
                unsigned,
                force,
                fetched_at,
                json,
                file,
            })
        }),
        Command::Trust(TrustCommand::Info {
            cache,
            anchor,
            json,
        }) => trust::info(&cache, &anchor, json),
        Command::Rules(RulesCommand::Eval { rule, data }) => rules::eval(&rule, &data),
        #[cfg(feature = "server")]
        Command::Serve {
            source,
            content,
            options,
        } => serve::run(source, content, options),
    };
    match result {
        Ok(code) => code,
        Err(UsageError(message)) => {
            input::warn(&format!("dcc-verify: {message}"));
            ExitCode::from(2)
        }
    }
}

/// An instant given on the command line: RFC 3339, a date (midnight UTC) or `@UNIX_SECONDS`.
fn parse_at(text: Option<String>, flag: &str) -> Result<Option<i64>, UsageError> {
    text.map(|text| {
        parse_instant_arg(&text).ok_or_else(|| {
            UsageError(format!(
                "{flag}: {:?} is not an instant: write 2026-06-01T12:00:00Z, 2026-06-01 or @1780315200",
                output::escape_controls(&text)
            ))
        })
    })
    .transpose()
}

fn parse_instant_arg(text: &str) -> Option<i64> {
    let text = text.trim();
    if let Some(seconds) = text.strip_prefix('@') {
        let valid = !seconds.is_empty()
            && seconds
                .strip_prefix('-')
                .unwrap_or(seconds)
                .bytes()
                .all(|b| b.is_ascii_digit());
        // Within what RFC 3339 can write, so that every instant can be shown back.
        return seconds
            .parse::<i64>()
            .ok()
            .filter(|s| valid && dcc_verify::format_instant(*s).len() == 20);
    }
    let is_date = text.len() == 10 && text.bytes().filter(|&b| b == b'-').count() == 2;
    if is_date {
        parse_instant(&format!("{text}T00:00:00Z"))
    } else {
        parse_instant(text)
    }
}

/// A verifier with the trust list `source` names and the content checks `content` asks for.
fn verifier(
    source: &ListSource,
    content: &ContentChecks,
    now: i64,
) -> Result<Verifier, UsageError> {
    let settings = Settings {
        arrival_country: content.country.clone(),
        region: content.region.clone(),
        language: content.lang.clone(),
        schema: content.schema.policy(),
        ..Settings::default()
    };
    let mut verifier = Verifier::new(settings);
    if let Some(path) = &content.rules {
        let rule_set = rules::rule_set(path)?;
        if let Some(country) = &content.country {
            if country.trim().is_empty() {
                return Err(UsageError(
                    "--country is empty: give the country of arrival (ISO 3166 alpha-2, e.g. DE)"
                        .into(),
                ));
            }
            if !rule_set.has_acceptance_rules(country) {
                input::warn(&format!(
                    "dcc-verify: warning: {} has no acceptance rules for --country {}: only the issuers' invalidation rules apply (is the country an ISO 3166 alpha-2 code?)",
                    path.display(),
                    output::escape_controls(country)
                ));
            }
        }
        verifier = verifier.with_rules(rule_set);
    }
    if let Some(path) = &content.value_sets {
        verifier = verifier.with_value_sets(rules::value_sets(path)?);
    }
    for dir in &source.cache {
        let store = TrustStore::open(dir, trust::anchors(&source.anchor, Some(dir))?);
        if let Some(why) = store.load_error() {
            input::warn(&format!(
                "dcc-verify: no usable trust list in {}: {why}",
                dir.display()
            ));
        }
        // One cache: the verifier's one list, as before; several: a source per directory.
        verifier = match source.cache.as_slice() {
            [_] => verifier.with_store(&store),
            _ => verifier.with_store_source(&dir.display().to_string(), &store),
        };
    }
    if !source.cache.is_empty() {
        return Ok(verifier);
    }
    let Some(path) = &source.trust_list else {
        return verifier
            .with_embedded_sources()
            .map_err(|e| UsageError(format!("bundled trust list: {e}")));
    };
    let anchors = trust::anchors(&source.anchor, None)?;
    let list = trust::list_from_file(path, source.signature.as_deref(), &anchors, now)?;
    Ok(verifier.with_trust_list(list))
}

/// True when `--trust-list` names a file holding the repository's sample list (TEST keys).
fn is_sample_list(source: &ListSource) -> bool {
    source
        .trust_list
        .as_ref()
        .and_then(|path| std::fs::read(path).ok())
        .is_some_and(|bytes| bytes == SAMPLE_TRUST_LIST)
}

/// What `verify` reads: QR texts (none: standard input), or with --image picture files.
enum Inputs {
    Texts(Vec<String>),
    #[cfg(feature = "image")]
    Pictures(Vec<String>),
}

fn verify(
    source: &ListSource,
    content: &ContentChecks,
    at: Option<String>,
    json: bool,
    show_personal_data: bool,
    jobs: usize,
    inputs: Inputs,
) -> Result<ExitCode, UsageError> {
    let (qr, pictures): (Vec<String>, Vec<String>) = match inputs {
        Inputs::Texts(texts) => (texts, Vec::new()),
        #[cfg(feature = "image")]
        Inputs::Pictures(files) if files.is_empty() => {
            return Err(UsageError(
                "--image: name the picture files (`-` for standard input)".into(),
            ))
        }
        #[cfg(feature = "image")]
        Inputs::Pictures(files) => (Vec::new(), files),
    };
    let at = parse_at(at, "--at")?;
    let verifier = verifier(source, content, at.unwrap_or_else(|| SystemClock.now()))?;
    // The sample list (TEST keys) is unsigned too; it is marked TEST instead.
    let test_list = is_sample_list(source);
    let value_sets = verifier.value_sets();

    let mut stdout = std::io::stdout().lock();
    let mut all_valid = true;
    let mut emit = |text: String, valid: bool| {
        all_valid &= valid;
        writeln!(stdout, "{text}").map_err(|e| UsageError(format!("writing output: {e}")))
    };
    // `picture`: the label and the `"image"` object of a code read from a picture.
    let render = |line: Option<usize>,
                  picture: Option<(&str, &serde_json::Value)>,
                  verification: &Verification| {
        if json {
            let mut value = verification.to_json_value();
            if let Some(object) = value.as_object_mut() {
                if let Some(line) = line {
                    object.insert("line".to_owned(), line.into());
                }
                if let Some((_, image)) = picture {
                    object.insert("image".to_owned(), image.clone());
                }
            }
            value.to_string()
        } else {
            let mut line =
                output::verification_summary(verification, &value_sets, show_personal_data);
            if test_list && verification.trust_list.is_some() {
                line += " | TEST trust list";
            } else if verification.trust_list.is_some_and(|t| !t.signed) {
                line += " | warning: trust list is unsigned";
            }
            match picture {
                Some((label, _)) => format!("{label}: {line}"),
                None => line,
            }
        }
    };
    let mut answer = |line: Option<usize>, verification: &Verification| {
        emit(render(line, None, verification), verification.is_valid())
    };
    if !pictures.is_empty() {
        #[cfg(feature = "image")]
        for input in image::inputs(pictures) {
            let input = input?;
            match &input.text {
                Ok(text) => {
                    let verification = match at {
                        Some(at) => verifier.verify_at(text, at),
                        None => verifier.verify(text),
                    };
                    let picture = Some((input.label.as_str(), &input.json));
                    emit(
                        render(None, picture, &verification),
                        verification.is_valid(),
                    )?;
                }
                Err(_) => emit(input.unreadable_line(json), false)?,
            }
        }
    } else if qr.is_empty() {
        let stdin = std::io::stdin().lock();
        let answered = batch::verify_lines(stdin, &verifier, at, jobs, |line, verification| {
            answer(Some(line), verification)
        })?;
        if answered == 0 {
            return Err(UsageError(
                "no QR text on standard input: give QR texts as arguments or one per line".into(),
            ));
        }
    } else {
        let qrs: Vec<&str> = qr.iter().map(String::as_str).collect();
        for verification in verifier.verify_batch_on(&qrs, at, jobs) {
            answer(None, &verification)?;
        }
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
            input::print(&json)?;
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            input::warn(&format!("dcc-verify: cannot decode ({}): {e}", e.code()));
            Ok(ExitCode::from(1))
        }
    }
}
