//! The durable offline cache: the last good trust list, kept in a directory so a verifier
//! starts with it after weeks without network.
//!
//! One file, [`TrustStore::CACHE_FILE`], holds a header (format, fetch time, part lengths,
//! a digest for unsigned lists) and the list exactly as it was downloaded, so start-up checks
//! the real signature again with the anchors configured then. Updates write a temporary file,
//! fsync it, rename it over the cache and fsync the directory: a crash at any point leaves the
//! old file or the new one, whole. Whatever is wrong with the file at start-up (missing,
//! truncated, tampered, signed by a key no longer trusted) means "no trust list", never a crash
//! and never part of a list.

use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::{
    Anchors, ImportReport, ListFormat, SignedList, TrustList, TrustListError, TrustSlot,
    UnsignedList,
};
use crate::limits::MAX_TRUST_LIST_BYTES;
use crate::verify::{Clock, SystemClock};

/// First line of a cache file; a change of layout changes the number.
const MAGIC: &[u8] = b"dcc-verify trust-list cache 1\n";
/// Longest header line accepted (it holds a format code, two numbers and a digest).
const MAX_HEADER_BYTES: usize = 1024;

/// Why the store has no list after start-up.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum LoadError {
    /// No list was ever stored here.
    #[error("no cached trust list")]
    Missing,
    #[error("cannot read the cached trust list: {0}")]
    /// The cache could not be read.
    Io(io::ErrorKind),
    /// Truncated, altered or not a cache file.
    #[error("cached trust list is corrupt")]
    Corrupt,
    /// The cached list no longer passes its checks (e.g. its signing key is no longer an anchor).
    #[error("cached trust list rejected: {0}")]
    Rejected(TrustListError),
}

/// Why an update did not replace the list in force. In every case the previous list stays in
/// force, in memory and on disk.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum UpdateError {
    /// The new list failed verification.
    #[error("trust list rejected: {0}")]
    Rejected(TrustListError),
    /// The new list is older than the one in force (anti-rollback); `force` overrides.
    #[error("trust list is older than the one in force")]
    Rollback {
        /// The time of the list in force, Unix seconds.
        in_force: Option<i64>,
        /// The time of the list offered.
        offered: Option<i64>,
    },
    #[error("cannot write the trust list cache: {0}")]
    /// The cache could not be written; the list in force stays.
    Io(io::ErrorKind),
}

impl UpdateError {
    /// A stable kebab-case code for apps and logs.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Rejected(e) => e.code(),
            Self::Rollback { .. } => "rollback",
            Self::Io(_) => "io",
        }
    }
}

/// How an update is recorded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UpdateOptions {
    /// When the list was fetched (Unix seconds); default: now, by the store's clock.
    pub fetched_at: Option<i64>,
    /// Accept a list older than the one in force (e.g. to recover from a bad list).
    pub force: bool,
}

/// A trust list cache in a directory, and the list in force. `Send + Sync`: verifiers on other
/// threads keep verifying while an update runs, and see the old list or the new one, whole.
///
/// ```
/// use dcc_verify::{Anchors, SignedList, TrustStore, UpdateOptions};
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let key = std::fs::read("testdata/trustlists/de-dsc-list-signing-key.pem")?;
/// let dir = std::env::temp_dir().join(format!("dcc-trust-doc-{}", std::process::id()));
/// let store = TrustStore::open(dir.clone(), Anchors::from_pem(&key)?);
/// assert!(store.trust_list().is_none()); // nothing cached yet
///
/// // Verified first, then written atomically; a refused list changes nothing.
/// let list = std::fs::read("testdata/trustlists/de-dsc-list.signed")?;
/// let report = store.update(SignedList::De(&list), UpdateOptions::default())?;
///
/// // The next start-up loads it, its signature checked again.
/// let restarted = TrustStore::open(dir.clone(), Anchors::from_pem(&key)?);
/// assert_eq!(restarted.trust_list().map(|list| list.len()), Some(report.taken));
/// std::fs::remove_dir_all(&dir)?;
/// # Ok(())
/// # }
/// ```
pub struct TrustStore {
    dir: PathBuf,
    anchors: Anchors,
    clock: Arc<dyn Clock>,
    /// What verifiers read (see [`crate::Verifier::with_store`]).
    slot: TrustSlot,
    /// The list on disk; the lock also makes updates one at a time.
    in_force: Mutex<Option<Arc<TrustList>>>,
    load_error: Option<LoadError>,
}

impl std::fmt::Debug for TrustStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TrustStore")
            .field("dir", &self.dir)
            .field("anchors", &self.anchors.len())
            .field("trusted_dscs", &self.trust_list().map(|t| t.len()))
            .field("load_error", &self.load_error)
            .finish_non_exhaustive()
    }
}

impl TrustStore {
    /// The cache file's name in the directory.
    pub const CACHE_FILE: &'static str = "trust-list.cache";
    /// How the temporary files an update writes before renaming one to [`Self::CACHE_FILE`]
    /// begin. Each write has its own (two stores on one directory never share one); those a
    /// crash leaves behind are removed when a store is opened.
    pub const TEMP_PREFIX: &'static str = "trust-list.cache.tmp.";

    /// Opens the cache in `dir` and loads the list stored there, checking it again with
    /// `anchors`. Never fails: when there is no usable list, [`trust_list`](Self::trust_list)
    /// is `None` and [`load_error`](Self::load_error) says why. The directory is created by
    /// the first update.
    pub fn open(dir: impl Into<PathBuf>, anchors: Anchors) -> Self {
        let dir = dir.into();
        remove_leftovers(&dir);
        let (list, load_error) = match load(&dir, &anchors) {
            Ok(list) => (Some(Arc::new(list)), None),
            Err(e) => (None, Some(e)),
        };
        let slot = TrustSlot::default();
        slot.set(list.clone());
        Self {
            dir,
            anchors,
            clock: Arc::new(SystemClock),
            slot,
            in_force: Mutex::new(list),
            load_error,
        }
    }

    /// Uses `clock` for "now" (the default fetch time and the Austrian validity check).
    pub fn with_clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// The list in force.
    pub fn trust_list(&self) -> Option<Arc<TrustList>> {
        self.slot.get()
    }

    /// Why start-up found no usable list (`None` when it loaded one).
    pub fn load_error(&self) -> Option<&LoadError> {
        self.load_error.as_ref()
    }

    pub(crate) fn slot(&self) -> &TrustSlot {
        &self.slot
    }

    /// Verifies a signed list with the store's anchors; if it passes and is not older than the
    /// list in force, writes it to the cache and puts it in force.
    pub fn update(
        &self,
        list: SignedList<'_>,
        options: UpdateOptions,
    ) -> Result<ImportReport, UpdateError> {
        let now = self.clock.now();
        let (trust, report) =
            TrustList::from_signed(list, &self.anchors, now).map_err(UpdateError::Rejected)?;
        let parts = match list {
            SignedList::De(bytes) | SignedList::Who(bytes) => vec![bytes],
            SignedList::At { content, signature } => vec![content, signature],
        };
        self.commit(trust, list.format(), &parts, options, now)?;
        Ok(report)
    }

    /// Reads an unsigned list and, unless it is older than the list in force, writes it to the
    /// cache and puts it in force. The explicit call for sources trusted without a signature.
    pub fn update_unsigned(
        &self,
        list: UnsignedList<'_>,
        options: UpdateOptions,
    ) -> Result<ImportReport, UpdateError> {
        let (trust, report) = TrustList::from_unsigned(list).map_err(UpdateError::Rejected)?;
        let bytes = match list {
            UnsignedList::Json(bytes) | UnsignedList::Pem(bytes) => bytes,
        };
        self.commit(trust, list.format(), &[bytes], options, self.clock.now())?;
        Ok(report)
    }

    fn commit(
        &self,
        trust: TrustList,
        format: ListFormat,
        parts: &[&[u8]],
        options: UpdateOptions,
        now: i64,
    ) -> Result<(), UpdateError> {
        // A poisoned lock means a panic elsewhere mid-update; the disk holds a whole file
        // either way, and the Option is always whole, so carry on.
        let mut in_force = self.in_force.lock().unwrap_or_else(|e| e.into_inner());
        let offered = trust.provenance().list_time;
        if let Some(current) = in_force.as_ref() {
            let current_time = current.provenance().list_time;
            // A list with no time of its own cannot show it is not older, so it counts as
            // older than any list that has one.
            if offered < current_time && !options.force {
                return Err(UpdateError::Rollback {
                    in_force: current_time,
                    offered,
                });
            }
        }
        let trust = trust.with_fetched_at(options.fetched_at.unwrap_or(now));
        let file = encode(format, trust.provenance().fetched_at, parts);
        write_atomically(&self.dir, &file).map_err(|e| UpdateError::Io(e.kind()))?;
        let trust = Arc::new(trust);
        *in_force = Some(Arc::clone(&trust));
        self.slot.set(Some(trust));
        Ok(())
    }
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Header {
    format: String,
    fetched_at: Option<i64>,
    /// Length of each part: one document, or the Austrian content and signature.
    parts: Vec<usize>,
    /// SHA-256 (hex) of the parts of an unsigned list, which has no signature to detect
    /// corruption with.
    sha256: Option<String>,
}

fn encode(format: ListFormat, fetched_at: Option<i64>, parts: &[&[u8]]) -> Vec<u8> {
    let header = Header {
        format: format.code().to_owned(),
        fetched_at,
        parts: parts.iter().map(|p| p.len()).collect(),
        sha256: (!format.is_signed()).then(|| digest(parts)),
    };
    let mut file = MAGIC.to_vec();
    // Serializing a struct of strings and numbers cannot fail.
    file.extend(serde_json::to_vec(&header).unwrap_or_default());
    file.push(b'\n');
    for part in parts {
        file.extend_from_slice(part);
    }
    file
}

fn digest(parts: &[&[u8]]) -> String {
    crate::crypto::sha256(parts)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn load(dir: &Path, anchors: &Anchors) -> Result<TrustList, LoadError> {
    let file = match File::open(dir.join(TrustStore::CACHE_FILE)) {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Err(LoadError::Missing),
        Err(e) => return Err(LoadError::Io(e.kind())),
    };
    let limit = MAGIC.len() + MAX_HEADER_BYTES + MAX_TRUST_LIST_BYTES;
    let mut bytes = Vec::new();
    file.take(limit as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| LoadError::Io(e.kind()))?;
    if bytes.len() > limit {
        return Err(LoadError::Corrupt);
    }
    let cached = decode(&bytes).ok_or(LoadError::Corrupt)?;
    let (list, _) =
        TrustList::reload(cached.format, &cached.parts, anchors).map_err(LoadError::Rejected)?;
    Ok(match cached.fetched_at {
        Some(fetched_at) => list.with_fetched_at(fetched_at),
        None => list,
    })
}

/// What a cache file holds.
#[derive(Debug, PartialEq, Eq)]
struct Cached<'a> {
    format: ListFormat,
    fetched_at: Option<i64>,
    parts: Vec<&'a [u8]>,
}

/// Reads a cache file; `None` when it is not whole.
fn decode(bytes: &[u8]) -> Option<Cached<'_>> {
    let rest = bytes.strip_prefix(MAGIC)?;
    let newline = rest
        .iter()
        .take(MAX_HEADER_BYTES)
        .position(|&b| b == b'\n')?;
    let (header, mut body) = rest.split_at_checked(newline)?;
    body = body.get(1..)?;
    let header: Header = serde_json::from_slice(header).ok()?;
    let format = ListFormat::from_code(&header.format)?;
    let expected_parts = if format == ListFormat::At { 2 } else { 1 };
    if header.parts.len() != expected_parts {
        return None;
    }
    let mut parts = Vec::new();
    for len in header.parts {
        let (part, rest) = body.split_at_checked(len)?;
        parts.push(part);
        body = rest;
    }
    if !body.is_empty() {
        return None;
    }
    if header.sha256 != (!format.is_signed()).then(|| digest(&parts)) {
        return None;
    }
    Some(Cached {
        format,
        fetched_at: header.fetched_at,
        parts,
    })
}

/// Replaces the cache file so that a crash leaves the old file or the new one, whole.
fn write_atomically(dir: &Path, bytes: &[u8]) -> io::Result<()> {
    static WRITES: AtomicU64 = AtomicU64::new(0);
    fs::create_dir_all(dir)?;
    let temp = dir.join(format!(
        "{}{}.{}",
        TrustStore::TEMP_PREFIX,
        std::process::id(),
        WRITES.fetch_add(1, Ordering::Relaxed)
    ));
    let written = (|| {
        let mut file = File::create(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        fs::rename(&temp, dir.join(TrustStore::CACHE_FILE))
    })();
    if written.is_err() {
        // Best effort: a leftover temporary file is harmless (never read, overwritten next time).
        let _ = fs::remove_file(&temp);
    }
    written?;
    sync_dir(dir)
}

/// Removes temporary files a crash left behind (best effort: they are never read, and a
/// writer whose file vanishes only fails its own update).
fn remove_leftovers(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        if entry
            .file_name()
            .to_str()
            .is_some_and(|name| name.starts_with(TrustStore::TEMP_PREFIX))
        {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Makes the rename durable: on Unix a rename is only on disk once its directory is synced.
#[cfg(unix)]
fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_and_decodes_a_cache_file() {
        let file = encode(ListFormat::At, Some(42), &[b"content", b"sig"]);
        assert_eq!(
            decode(&file),
            Some(Cached {
                format: ListFormat::At,
                fetched_at: Some(42),
                parts: vec![&b"content"[..], &b"sig"[..]]
            })
        );

        let unsigned = encode(ListFormat::Json, None, &[b"[]"]);
        assert!(decode(&unsigned).is_some());
    }

    #[test]
    fn any_truncation_or_flipped_byte_of_an_unsigned_cache_is_corrupt() {
        // (A fetch time would be the one field a flip could change without making the header
        // invalid: the time is not protected, only the list.)
        let file = encode(ListFormat::Json, None, &[b"{\"certificates\":[]}"]);
        assert!(decode(&file).is_some());
        for len in 0..file.len() {
            assert!(decode(&file[..len]).is_none(), "truncated at {len}");
        }
        for i in 0..file.len() {
            let mut flipped = file.clone();
            flipped[i] ^= 0x01;
            assert!(decode(&flipped).is_none(), "flipped byte {i}");
        }
        let mut longer = file.clone();
        longer.push(b' ');
        assert!(decode(&longer).is_none());
    }

    #[test]
    fn part_counts_must_fit_the_format() {
        let de_with_two = encode(ListFormat::De, None, &[b"a", b"b"]);
        assert!(decode(&de_with_two).is_none());
    }
}
