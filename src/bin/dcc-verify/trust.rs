//! Trust lists on the command line: where `verify` gets its list, `trust import` and
//! `trust info`.
//!
//! The library never stores anchors: apps pass them. This tool, being its own app, remembers
//! the anchors a cache was imported with in `DIR/anchors.pem`, so later commands on the same
//! directory need no `--anchor`. A directory with anchors takes signed lists only.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::ValueEnum;
use dcc_verify::trust::Provenance;
use dcc_verify::Clock;
use dcc_verify::{
    format_instant, Anchors, ImportReport, ListFormat, Settings, SignedList, SystemClock,
    TrustList, TrustStore, UnsignedList, UpdateError, UpdateOptions,
};
use serde_json::{json, Value};

use crate::UsageError;

/// The anchors file this tool keeps next to a cache.
const ANCHORS_FILE: &str = "anchors.pem";

/// `--format` values of `trust import`.
#[derive(Clone, Copy, ValueEnum)]
pub enum FormatArg {
    De,
    At,
    Json,
    Pem,
}

impl FormatArg {
    fn format(self) -> ListFormat {
        match self {
            Self::De => ListFormat::De,
            Self::At => ListFormat::At,
            Self::Json => ListFormat::Json,
            Self::Pem => ListFormat::Pem,
        }
    }
}

fn read(path: &Path) -> Result<Vec<u8>, UsageError> {
    std::fs::read(path).map_err(|e| UsageError(format!("cannot read {}: {e}", path.display())))
}

/// The PEM text of the anchor files named on the command line.
fn anchor_pem(paths: &[PathBuf]) -> Result<Vec<u8>, UsageError> {
    let mut pem = Vec::new();
    for path in paths {
        pem.extend(read(path)?);
        pem.push(b'\n');
    }
    Ok(pem)
}

fn parse_anchors(pem: &[u8], origin: &str) -> Result<Anchors, UsageError> {
    Anchors::from_pem(pem).map_err(|e| UsageError(format!("{origin}: {e}")))
}

/// The PEM text remembered for `cache`, if any.
fn remembered_pem(cache: &Path) -> Result<Option<Vec<u8>>, UsageError> {
    let remembered = cache.join(ANCHORS_FILE);
    if remembered.exists() {
        read(&remembered).map(Some)
    } else {
        Ok(None)
    }
}

/// The anchors named with `--anchor`, else those remembered in `cache` (none if neither).
pub fn anchors(paths: &[PathBuf], cache: Option<&Path>) -> Result<Anchors, UsageError> {
    if !paths.is_empty() {
        return parse_anchors(&anchor_pem(paths)?, "--anchor");
    }
    match cache {
        Some(cache) => match remembered_pem(cache)? {
            Some(pem) => parse_anchors(&pem, &cache.join(ANCHORS_FILE).display().to_string()),
            None => Ok(Anchors::new()),
        },
        None => Ok(Anchors::new()),
    }
}

/// The list named by `verify --trust-list FILE`, its format detected. Signed lists are checked
/// with the anchors; JSON and PEM files are taken as unsigned (naming the file is the choice),
/// unless `--anchor` or `--signature` asked for a signed list.
pub fn list_from_file(
    path: &Path,
    signature: Option<&Path>,
    anchors: &Anchors,
    now: i64,
) -> Result<TrustList, UsageError> {
    let bytes = read(path)?;
    let shown = path.display();
    let format = ListFormat::detect(&bytes)
        .ok_or_else(|| UsageError(format!("{shown}: not a trust list format I know")))?;
    if !format.is_signed() && (!anchors.is_empty() || signature.is_some()) {
        let flag = if anchors.is_empty() { "--signature" } else { "--anchor" };
        return Err(UsageError(format!(
            "{shown} is an unsigned {} list, but {flag} asks for a signed one: give the signed \
             list, or drop --anchor and --signature to use this one unsigned",
            format.code()
        )));
    }
    if format == ListFormat::De && signature.is_some() {
        return Err(UsageError(format!(
            "{shown} is a German list, signed inside: drop --signature (it is for Austrian content)"
        )));
    }
    if format.is_signed() && anchors.is_empty() {
        return Err(UsageError(format!(
            "{shown} is a signed {} list: pass --anchor KEY.pem",
            format.code()
        )));
    }
    let imported = match format {
        ListFormat::De => TrustList::from_signed(SignedList::De(&bytes), anchors, now),
        ListFormat::At => {
            let signature = signature.ok_or_else(|| {
                UsageError(format!(
                    "{shown} is Austrian list content: pass --signature FILE"
                ))
            })?;
            let signature = read(signature)?;
            let list = SignedList::At {
                content: &bytes,
                signature: &signature,
            };
            TrustList::from_signed(list, anchors, now)
        }
        ListFormat::Json => TrustList::from_unsigned(UnsignedList::Json(&bytes)),
        ListFormat::Pem => TrustList::from_unsigned(UnsignedList::Pem(&bytes)),
    };
    imported
        .map(|(list, _)| list)
        .map_err(|e| UsageError(format!("{shown}: trust list rejected ({}): {e}", e.code())))
}

/// Test hook, in debug builds only: `DCC_VERIFY_TEST_KILL_AT=STEP` ends the process at STEP
/// the way a kill would (no clean-up, no output), so tests can check what each step leaves.
fn kill_point(step: &str) {
    #[cfg(debug_assertions)]
    if std::env::var_os("DCC_VERIFY_TEST_KILL_AT").is_some_and(|at| at == step) {
        std::process::abort();
    }
    #[cfg(not(debug_assertions))]
    let _ = step;
}

/// Replaces `cache/anchors.pem` with `pem` (or removes it for `None`) so that a kill leaves
/// the old file or the new one, whole. The temporary file is created new, so a symlink planted
/// there is never followed; the rename replaces a symlink at `anchors.pem` instead of writing
/// through it.
fn remember_anchors(cache: &Path, pem: Option<&[u8]>) -> std::io::Result<()> {
    let target = cache.join(ANCHORS_FILE);
    let Some(pem) = pem else {
        return match fs::remove_file(&target) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        };
    };
    fs::create_dir_all(cache)?;
    // Named after this process: a file of that name can only be left by a dead process that
    // had the same id, so it is removed, not refused.
    let temp = cache.join(format!("{ANCHORS_FILE}.tmp.{}", std::process::id()));
    let create = || OpenOptions::new().write(true).create_new(true).open(&temp);
    let mut file = match create() {
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            fs::remove_file(&temp)?;
            create()?
        }
        other => other?,
    };
    let written = file
        .write_all(pem)
        .and_then(|()| file.sync_all())
        .and_then(|()| fs::rename(&temp, &target));
    if written.is_err() {
        let _ = fs::remove_file(&temp);
    }
    written?;
    // The rename is durable once the directory is.
    #[cfg(unix)]
    fs::File::open(cache)?.sync_all()?;
    Ok(())
}

/// Arguments of `trust import`.
pub struct Import {
    pub cache: PathBuf,
    pub format: FormatArg,
    pub anchors: Vec<PathBuf>,
    pub signature: Option<PathBuf>,
    pub unsigned: bool,
    pub force: bool,
    pub fetched_at: Option<i64>,
    pub json: bool,
    pub file: PathBuf,
}

pub fn import(args: Import) -> Result<ExitCode, UsageError> {
    let format = args.format.format();
    if format.is_signed() == args.unsigned {
        return Err(UsageError(if args.unsigned {
            format!(
                "--unsigned is for json and pem lists; {} lists are signed",
                format.code()
            )
        } else {
            format!(
                "{} lists are unsigned: pass --unsigned to accept a source you trust without a signature",
                format.code()
            )
        }));
    }
    if args.signature.is_some() != (format == ListFormat::At) {
        return Err(UsageError(
            "--signature goes with --format at (and only with it)".into(),
        ));
    }
    let remembered = remembered_pem(&args.cache)?;
    let given = if args.anchors.is_empty() {
        None
    } else {
        Some(anchor_pem(&args.anchors)?)
    };
    let anchors = anchors(&args.anchors, Some(&args.cache))?;
    if args.unsigned && !anchors.is_empty() {
        return Err(UsageError(format!(
            "{} takes signed lists only (it has anchors, --anchor or {ANCHORS_FILE}): import \
             unsigned lists into a directory of their own",
            args.cache.display()
        )));
    }
    if format.is_signed() && anchors.is_empty() {
        return Err(UsageError(
            "signed lists need --anchor KEY.pem (remembered for this cache afterwards)".into(),
        ));
    }
    let bytes = read(&args.file)?;
    let signature = args.signature.as_deref().map(read).transpose()?;
    let signed = match (format, &signature) {
        (ListFormat::De, _) => Some(SignedList::De(&bytes)),
        (ListFormat::At, Some(signature)) => Some(SignedList::At {
            content: &bytes,
            signature,
        }),
        (ListFormat::At, None) => return Err(UsageError("--signature is missing".into())),
        (ListFormat::Json | ListFormat::Pem, _) => None,
    };

    // New anchors are remembered in three steps, each leaving anchors that verify the list in
    // the cache, whenever the process is killed: the list is checked with them first, nothing
    // written; then the old and the new keys are remembered together; the list goes in; and
    // only then are the new keys remembered alone.
    let new_pem = given.filter(|given| Some(given) != remembered.as_ref());
    if let (Some(new_pem), Some(list)) = (&new_pem, signed) {
        if let Err(e) = TrustList::from_signed(list, &anchors, SystemClock.now()) {
            return Ok(not_imported(&UpdateError::Rejected(e)));
        }
        let both = remembered
            .as_ref()
            .map(|old| [old.as_slice(), b"\n", new_pem].concat())
            .filter(|both| Anchors::from_pem(both).is_ok())
            .unwrap_or_else(|| new_pem.clone());
        remember_anchors(&args.cache, Some(&both)).map_err(|e| {
            UsageError(format!(
                "cannot write {}: {e} (nothing was imported)",
                args.cache.join(ANCHORS_FILE).display()
            ))
        })?;
        kill_point("anchors-widened");
    }
    let store = TrustStore::open(&args.cache, anchors);
    let options = UpdateOptions {
        fetched_at: args.fetched_at,
        force: args.force,
    };
    let result = match (signed, format) {
        (Some(list), _) => store.update(list, options),
        (None, ListFormat::Pem) => store.update_unsigned(UnsignedList::Pem(&bytes), options),
        (None, _) => store.update_unsigned(UnsignedList::Json(&bytes), options),
    };
    kill_point("imported");
    let remembered_now = if result.is_ok() { &new_pem } else { &remembered };
    if new_pem.is_some() {
        if let Err(e) = remember_anchors(&args.cache, remembered_now.as_deref()) {
            // Still consistent: the old and the new keys both verify the list in force.
            eprintln!(
                "dcc-verify: warning: cannot write {}: {e}; it keeps the old and the new keys",
                args.cache.join(ANCHORS_FILE).display()
            );
        }
    }
    let report = match result {
        Ok(report) => report,
        Err(e) => return Ok(not_imported(&e)),
    };
    let list = store
        .trust_list()
        .ok_or_else(|| UsageError("the imported list is not in force".into()))?;
    let issuers = list.countries().len();
    let text = if args.json {
        format!("{}\n", import_json(&report, list.provenance(), issuers))
    } else {
        import_summary(&report, list.provenance(), issuers)
    };
    // write!, not print!: a closed pipe is an error, not a panic.
    std::io::stdout()
        .lock()
        .write_all(text.as_bytes())
        .map_err(|e| UsageError(format!("writing output: {e}")))?;
    Ok(ExitCode::SUCCESS)
}

/// Says why an import was refused (exit status 1).
fn not_imported(e: &UpdateError) -> ExitCode {
    eprintln!("dcc-verify: not imported ({}): {e}", e.code());
    if let UpdateError::Rollback { in_force, offered } = e {
        eprintln!(
            "  in force: {}; offered: {} (--force to accept it)",
            instant_or_none(*in_force),
            instant_or_none(*offered)
        );
    }
    if let UpdateError::Superseded = e {
        eprintln!("  --force to accept it again");
    }
    eprintln!("  the list in force is unchanged");
    ExitCode::from(1)
}

fn instant_or_none(instant: Option<i64>) -> String {
    instant.map_or_else(|| "none".to_owned(), format_instant)
}

/// Skip reasons and how often each occurred, most frequent first.
fn skip_counts(report: &ImportReport) -> Vec<(&'static str, usize)> {
    let mut counts: Vec<(&'static str, usize)> = Vec::new();
    for skipped in &report.skipped {
        let code = skipped.reason.code();
        match counts.iter_mut().find(|(c, _)| *c == code) {
            Some((_, n)) => *n += 1,
            None => counts.push((code, 1)),
        }
    }
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    counts
}

fn source(provenance: &Provenance) -> String {
    let format = provenance.format.map_or("built in code", |f| f.code());
    match provenance.anchor {
        Some(anchor) => format!("{format} list, signed by anchor {anchor}"),
        None => format!("{format} list, UNSIGNED"),
    }
}

fn import_summary(report: &ImportReport, provenance: &Provenance, issuers: usize) -> String {
    let mut out = format!("imported {}\n", source(provenance));
    out += &format!("taken {}, skipped {}\n", report.taken, report.skipped.len());
    for (code, count) in skip_counts(report) {
        out += &format!("  skipped {count}: {code}\n");
    }
    out += &format!("issuers {issuers}\n");
    out += &format!("newest entry {}\n", instant_or_none(report.newest_entry));
    if let Some(issued_at) = provenance.issued_at {
        out += &format!("signed issue time {}\n", format_instant(issued_at));
    }
    out
}

fn import_json(report: &ImportReport, provenance: &Provenance, issuers: usize) -> Value {
    let reasons: serde_json::Map<String, Value> = skip_counts(report)
        .into_iter()
        .map(|(code, n)| (code.to_owned(), n.into()))
        .collect();
    json!({
        "format": provenance.format.map(|f| f.code()),
        "signed": provenance.is_signed(),
        "anchor": provenance.anchor.map(|a| a.to_hex()),
        "taken": report.taken,
        "skipped": report.skipped.len(),
        "skipped_by_reason": reasons,
        "issuers": issuers,
        "newest_entry": report.newest_entry.map(format_instant),
        "issued_at": provenance.issued_at.map(format_instant),
        "fetched_at": provenance.fetched_at.map(format_instant),
    })
}

/// `trust info`: what the cache holds, how old it is, counts per issuer.
pub fn info(cache: &Path, anchor_paths: &[PathBuf], json: bool) -> Result<ExitCode, UsageError> {
    let store = TrustStore::open(cache, anchors(anchor_paths, Some(cache))?);
    let Some(list) = store.trust_list() else {
        let why = store
            .load_error()
            .map_or_else(|| "no list".to_owned(), ToString::to_string);
        if json {
            println!("{}", json!({ "trust_list": null, "error": why }));
        } else {
            println!("no usable trust list in {}: {why}", cache.display());
        }
        return Ok(ExitCode::from(1));
    };
    let provenance = list.provenance();
    let status = Settings::default().status_of(&list, SystemClock.now());
    let (age, stale) = (status.age_seconds, status.stale);
    let countries = list.countries();
    let country_name = |c: &Option<String>| c.clone().unwrap_or_else(|| "??".to_owned());
    if json {
        let issuers: serde_json::Map<String, Value> = countries
            .iter()
            .map(|(c, n)| (country_name(c), (*n).into()))
            .collect();
        let value = json!({
            "format": provenance.format.map(|f| f.code()),
            "signed": provenance.is_signed(),
            "anchor": provenance.anchor.map(|a| a.to_hex()),
            "fetched_at": provenance.fetched_at.map(format_instant),
            "age_seconds": age,
            "stale": stale,
            "list_time": provenance.list_time.map(format_instant),
            "issued_at": provenance.issued_at.map(format_instant),
            "certificates": list.len(),
            "issuers": issuers,
        });
        println!("{value}");
    } else {
        println!("source: {}", source(provenance));
        println!(
            "fetched: {}, age {}{}",
            instant_or_none(provenance.fetched_at),
            age.map_or_else(|| "unknown".to_owned(), human_age),
            if stale {
                " (STALE: fetch a new list)"
            } else {
                ""
            }
        );
        println!("list time: {}", instant_or_none(provenance.list_time));
        if let Some(issued_at) = provenance.issued_at {
            println!("signed issue time: {}", format_instant(issued_at));
        }
        println!(
            "certificates: {} from {} issuers",
            list.len(),
            countries.len()
        );
        for (country, count) in &countries {
            println!("  {} {count}", country_name(country));
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn human_age(seconds: i64) -> String {
    let (days, hours, minutes) = (
        seconds / 86_400,
        seconds % 86_400 / 3600,
        seconds % 3600 / 60,
    );
    if days > 0 {
        format!("{days} d {hours} h")
    } else {
        format!("{hours} h {minutes} min")
    }
}
