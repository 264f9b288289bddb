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

use crate::input::{print, read_file, warn, MAX_ANCHOR_FILE_BYTES};
use crate::output::escape_controls;
use crate::UsageError;
use dcc_verify::limits::{MAX_LIST_SIGNATURE_BYTES, MAX_TRUST_LIST_BYTES};

/// The anchors file this tool keeps next to a cache.
pub const ANCHORS_FILE: &str = "anchors.pem";

/// `--format` values of `trust import`.
#[derive(Clone, Copy, ValueEnum)]
pub enum FormatArg {
    De,
    At,
    Json,
    Pem,
    Who,
}

impl FormatArg {
    fn format(self) -> ListFormat {
        match self {
            Self::De => ListFormat::De,
            Self::At => ListFormat::At,
            Self::Json => ListFormat::Json,
            Self::Pem => ListFormat::Pem,
            Self::Who => ListFormat::Who,
        }
    }
}

/// A trust-list file, read no further than the largest list accepted.
fn read(path: &Path) -> Result<Vec<u8>, UsageError> {
    read_file(path, MAX_TRUST_LIST_BYTES)
}

/// The anchors in the files named with `--anchor`: PEM public keys, or a signer's DID document
/// or JWK (JSON).
fn anchor_files(paths: &[PathBuf]) -> Result<Anchors, UsageError> {
    let mut anchors = Anchors::new();
    for path in paths {
        anchors
            .add_key(&read_file(path, MAX_ANCHOR_FILE_BYTES)?)
            .map_err(|e| UsageError(format!("--anchor {}: {e}", path.display())))?;
    }
    Ok(anchors)
}

/// The anchors named with `--anchor`, else those remembered in `cache` (none if neither).
pub fn anchors(paths: &[PathBuf], cache: Option<&Path>) -> Result<Anchors, UsageError> {
    if !paths.is_empty() {
        return anchor_files(paths);
    }
    match cache.map(|dir| dir.join(ANCHORS_FILE)) {
        Some(remembered) if remembered.exists() => {
            Anchors::from_pem(&read_file(&remembered, MAX_ANCHOR_FILE_BYTES)?)
                .map_err(|e| UsageError(format!("{}: {e}", remembered.display())))
        }
        _ => Ok(Anchors::new()),
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
        let flag = if anchors.is_empty() {
            "--signature"
        } else {
            "--anchor"
        };
        return Err(UsageError(format!(
            "{shown} is an unsigned {} list, but {flag} asks for a signed one: give the signed \
             list, or drop --anchor and --signature to use this one unsigned",
            format.code()
        )));
    }
    if format != ListFormat::At && signature.is_some() {
        return Err(UsageError(format!(
            "{shown} is a {} list, signed inside: drop --signature (it is for Austrian content)",
            format.code()
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
        ListFormat::Who => TrustList::from_signed(SignedList::Who(&bytes), anchors, now),
        ListFormat::At => {
            let signature = signature.ok_or_else(|| {
                UsageError(format!(
                    "{shown} is Austrian list content: pass --signature FILE"
                ))
            })?;
            let signature = read_file(signature, MAX_LIST_SIGNATURE_BYTES)?;
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
    let _lock = lock_imports(&args.cache)?;
    let anchors = anchors(&args.anchors, Some(&args.cache))?;
    let remembered = if args.anchors.is_empty() {
        Anchors::new() // unused: no new anchors to remember
    } else {
        // Replaced by the --anchor keys; if it cannot be read, it cannot be kept either.
        self::anchors(&[], Some(&args.cache)).unwrap_or_else(|UsageError(why)| {
            warn(&format!(
                "dcc-verify: warning: replacing unusable anchors ({why})"
            ));
            Anchors::new()
        })
    };
    if args.unsigned && !anchors.is_empty() {
        return Err(UsageError(format!(
            "{} takes signed lists only (it has anchors, from --anchor or {ANCHORS_FILE}): \
             import unsigned lists into a directory of their own",
            args.cache.display()
        )));
    }
    if format.is_signed() && anchors.is_empty() {
        return Err(UsageError(
            "signed lists need --anchor KEY.pem (remembered for this cache afterwards)".into(),
        ));
    }
    let bytes = read(&args.file)?;
    let signature = args
        .signature
        .as_deref()
        .map(|path| read_file(path, MAX_LIST_SIGNATURE_BYTES))
        .transpose()?;
    let signed = match (format, &signature) {
        (ListFormat::De, _) => Some(SignedList::De(&bytes)),
        (ListFormat::Who, _) => Some(SignedList::Who(&bytes)),
        (ListFormat::At, Some(signature)) => Some(SignedList::At {
            content: &bytes,
            signature,
        }),
        (ListFormat::At, None) => return Err(UsageError("--signature is missing".into())),
        (ListFormat::Json | ListFormat::Pem, _) => None,
    };

    // New anchors are remembered in three steps, each leaving anchors that verify the list in
    // the cache whenever the process is killed: the list is checked with them, nothing written
    // yet; the old and the new keys are remembered together; the list goes in; and only then
    // are the new keys remembered alone.
    let (remembered_pem, anchors_pem) = (remembered.to_pem(), anchors.to_pem());
    let new_pem =
        (!args.anchors.is_empty() && anchors_pem != remembered_pem).then_some(anchors_pem);
    if let (Some(new_pem), Some(list)) = (&new_pem, signed) {
        if let Err(e) = TrustList::from_signed(list, &anchors, SystemClock.now()) {
            return Ok(not_imported(&UpdateError::Rejected(e)));
        }
        let both = format!("{remembered_pem}{new_pem}");
        let both = if Anchors::from_pem(both.as_bytes()).is_ok() {
            both
        } else {
            // More keys than an anchor set holds: the new ones alone.
            new_pem.clone()
        };
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
    if new_pem.is_some() {
        let now_remembered = match &result {
            Ok(_) => new_pem.as_deref(),
            Err(_) => (!remembered.is_empty()).then_some(remembered_pem.as_str()),
        };
        if let Err(e) = remember_anchors(&args.cache, now_remembered) {
            // Still consistent: the old and the new keys together verify the list in force.
            warn(&format!(
                "dcc-verify: warning: cannot write {}: {e}; it keeps the old and the new keys",
                args.cache.join(ANCHORS_FILE).display()
            ));
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
    if args.json {
        print(&import_json(&report, list.provenance(), issuers).to_string())?;
    } else {
        print(import_summary(&report, list.provenance(), issuers).trim_end())?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Says why an import was refused (exit status 1).
fn not_imported(e: &UpdateError) -> ExitCode {
    warn(&format!("dcc-verify: not imported ({}): {e}", e.code()));
    match e {
        UpdateError::Rollback { in_force, offered } => warn(&format!(
            "  in force: {}; offered: {} (--force to accept it)",
            instant_or_none(*in_force),
            instant_or_none(*offered)
        )),
        UpdateError::Superseded => warn("  (--force to accept it again)"),
        _ => {}
    }
    warn("  the list in force is unchanged");
    ExitCode::from(1)
}

/// Makes imports into one cache directory one at a time, released when the file is dropped:
/// an import updates the anchors file and the list in steps, and two imports must not
/// interleave them. An flock on `DIR/.import.lock`, a file never written (the store takes its
/// own lock on the directory for the list alone).
fn lock_imports(cache: &Path) -> Result<fs::File, UsageError> {
    let path = cache.join(".import.lock");
    let failed = |e: std::io::Error| UsageError(format!("cannot lock {}: {e}", path.display()));
    fs::create_dir_all(cache).map_err(failed)?;
    if path
        .symlink_metadata()
        .is_ok_and(|m| m.file_type().is_symlink())
    {
        return Err(UsageError(format!(
            "{} is a symlink: remove it (this tool never opens one for writing)",
            path.display()
        )));
    }
    let file = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(failed)?;
    file.lock().map_err(failed)?;
    Ok(file)
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
fn remember_anchors(cache: &Path, pem: Option<&str>) -> std::io::Result<()> {
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
        .write_all(pem.as_bytes())
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
    let format = match (provenance.format, provenance.environment) {
        (Some(format), Some(environment)) => format!("{} {}", format.code(), environment.code()),
        (Some(format), None) => format.code().to_owned(),
        (None, _) => "built in code".to_owned(),
    };
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
    if provenance.issued_at.is_some() {
        out += &format!("issued {}\n", instant_or_none(provenance.issued_at));
    } else {
        out += &format!("newest entry {}\n", instant_or_none(report.newest_entry));
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
        "list_time": provenance.list_time.map(format_instant),
        "issued_at": provenance.issued_at.map(format_instant),
        "environment": provenance.environment.map(|e| e.code()),
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
            print(&json!({ "trust_list": null, "error": why }).to_string())?;
        } else {
            print(&format!(
                "no usable trust list in {}: {why}",
                cache.display()
            ))?;
        }
        return Ok(ExitCode::from(1));
    };
    let provenance = list.provenance();
    // As a verification now would report it (a fetch time in the future: no age, stale).
    let status = Settings::default().status_of(&list, SystemClock.now());
    let (age, stale) = (status.age_seconds, status.stale);
    let countries = list.countries();
    let country_name = |c: &Option<String>| c.clone().unwrap_or_else(|| "??".to_owned());
    let (domains, participants) = (list.domains(), list.participants());
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
            "environment": provenance.environment.map(|e| e.code()),
            "certificates": list.len(),
            "issuers": issuers,
            "domains": domains,
            "participants": participants,
        });
        print(&value.to_string())?;
    } else {
        print(&format!("source: {}", source(provenance)))?;
        print(&format!(
            "fetched: {}, age {}{}",
            instant_or_none(provenance.fetched_at),
            age.map_or_else(|| "unknown".to_owned(), human_age),
            if stale {
                " (STALE: fetch a new list)"
            } else {
                ""
            }
        ))?;
        print(&format!(
            "list time: {}",
            instant_or_none(provenance.list_time)
        ))?;
        print(&format!(
            "certificates: {} from {} issuers",
            list.len(),
            countries.len()
        ))?;
        for (country, count) in &countries {
            // Countries come from the list's entries (an unsigned list's, perhaps): escaped.
            print(&format!(
                "  {} {count}",
                escape_controls(&country_name(country))
            ))?;
        }
        if !domains.is_empty() {
            // Domains and participants come from the list's entries: escaped.
            print(&escape_controls(&format!(
                "domains: {}",
                counts_line(&domains)
            )))?;
            print(&escape_controls(&format!(
                "participants: {}",
                counts_line(&participants)
            )))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `DCC 438, PH4H 3`: codes in order with their counts.
fn counts_line(counts: &std::collections::BTreeMap<String, usize>) -> String {
    counts
        .iter()
        .map(|(code, n)| format!("{code} {n}"))
        .collect::<Vec<_>>()
        .join(", ")
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
