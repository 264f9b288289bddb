//! The durable offline cache: the last good trust list, kept in a directory so a verifier
//! starts with it after weeks without network.
//!
//! [`TrustStore::CACHE_FILE`] holds a header (format, fetch time, part lengths, a digest for
//! unsigned lists) and the list exactly as it was downloaded, so start-up checks the real
//! signature again with the anchors configured then. [`TrustStore::HISTORY_FILE`] holds what
//! anti-rollback needs (the digest of the list in force and of every list it replaced, the
//! newest signed issue time accepted), apart from the cache, so that a corrupt or deleted cache
//! does not switch anti-rollback off.
//!
//! An update holds an exclusive lock on the directory (an `flock` on the directory itself on
//! Unix) while it compares the offered list with what is on disk, not with what it loaded
//! earlier: two stores, threads or processes on one directory end with the newest list. Each
//! file is replaced by writing a new temporary file (never an existing path, so never through
//! a planted symlink), fsyncing it, renaming it into place and fsyncing the directory: a crash
//! at any point leaves the old file or the new one, whole. The cache is written before the
//! history, and a cache newer than the history it finds is accepted as the list in force, so
//! a crash between the two loses nothing. Whatever is wrong with the cache at start-up
//! (missing, truncated, tampered, signed by a key no longer trusted, unsigned where anchors
//! are configured, superseded) means "no trust list", never a crash and never part of a list.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::formats::at::CLOCK_SKEW;
use super::{
    Anchors, ImportReport, ListFormat, Provenance, SignedList, TrustList, TrustListError,
    TrustSlot, UnsignedList,
};
use crate::limits::MAX_TRUST_LIST_BYTES;
use crate::verify::{Clock, SystemClock};

/// First line of a cache file; a change of layout changes the number.
const MAGIC: &[u8] = b"dcc-verify trust-list cache 1\n";
/// Longest header line accepted (it holds a format code, two numbers and a digest).
const MAX_HEADER_BYTES: usize = 1024;
/// First line of a history file.
const HISTORY_MAGIC: &[u8] = b"dcc-verify trust-list history 1\n";
/// How many superseded lists the history remembers (a daily list: almost three years). An
/// older one comes back only if its times are not older than the list in force's.
const MAX_SUPERSEDED: usize = 1024;
/// Largest history file read: the digests above in hex, with room to spare.
const MAX_HISTORY_BYTES: u64 = 128 * 1024;

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
    /// The cached list is unsigned, and the store has anchors but was not opened with
    /// [`TrustStore::open_allowing_unsigned`].
    #[error("cached trust list is unsigned, and this store takes signed lists only")]
    UnsignedNotAllowed,
    /// The cached list is one the store already replaced, or older than the one its history
    /// says is in force: the cache was put back or planted.
    #[error("cached trust list is older than the one last in force")]
    RolledBack,
}

/// Why an update did not replace the list in force. In every case the previous list stays in
/// force, in memory and on disk.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum UpdateError {
    /// The new list failed verification.
    #[error("trust list rejected: {0}")]
    Rejected(TrustListError),
    /// The new list is older than the one in force (anti-rollback): signed earlier, or, for
    /// formats without a signed time, with an older newest entry. `force` overrides.
    #[error("trust list is older than the one in force")]
    Rollback {
        /// The time of the list in force, Unix seconds.
        in_force: Option<i64>,
        /// The time of the list offered.
        offered: Option<i64>,
    },
    /// The new list is one this store already replaced (anti-rollback). `force` overrides.
    #[error("trust list was in force before and has been replaced since")]
    Superseded,
    /// The fetch time given lies beyond the clock skew in the future: the list would never age.
    #[error("fetch time {fetched_at} is in the future (now {now}, Unix seconds)")]
    FetchedInFuture {
        /// The fetch time given, Unix seconds.
        fetched_at: i64,
        /// The store's clock, Unix seconds.
        now: i64,
    },
    /// An unsigned list offered to a store with anchors, not opened with
    /// [`TrustStore::open_allowing_unsigned`].
    #[error("unsigned list refused: this store takes signed lists only")]
    UnsignedNotAllowed,
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
            Self::Superseded => "superseded",
            Self::FetchedInFuture { .. } => "fetched-in-future",
            Self::UnsignedNotAllowed => "unsigned-not-allowed",
            Self::Io(_) => "io",
        }
    }
}

/// How an update is recorded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UpdateOptions {
    /// When the list was fetched (Unix seconds); default: now, by the store's clock. A time
    /// more than [`CLOCK_SKEW`] after now is refused.
    pub fetched_at: Option<i64>,
    /// Accept a list older than the one in force, or one already replaced (e.g. to recover
    /// from a bad list).
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
    allow_unsigned: bool,
    clock: Arc<dyn Clock>,
    /// What verifiers read (see [`crate::Verifier::with_store`]).
    slot: TrustSlot,
    /// The list this store put in force; the lock also makes this store's updates one at a
    /// time (the directory lock orders them with other stores').
    in_force: Mutex<Option<Held>>,
    load_error: Option<LoadError>,
}

/// A list in force and the digest of its cached parts.
struct Held {
    list: Arc<TrustList>,
    digest: String,
}

impl Held {
    fn offer(&self) -> Offer<'_> {
        Offer::of(self.list.provenance(), &self.digest)
    }
}

impl std::fmt::Debug for TrustStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TrustStore")
            .field("dir", &self.dir)
            .field("anchors", &self.anchors.len())
            .field("allows_unsigned", &self.allows_unsigned())
            .field("trusted_dscs", &self.trust_list().map(|t| t.len()))
            .field("load_error", &self.load_error)
            .finish_non_exhaustive()
    }
}

impl TrustStore {
    /// The cache file's name in the directory.
    pub const CACHE_FILE: &'static str = "trust-list.cache";
    /// The anti-rollback history's name in the directory.
    pub const HISTORY_FILE: &'static str = "trust-list.history";
    /// How the temporary files an update writes before renaming one into place begin. They
    /// are made only under the directory lock, so any found under it is a crash's leftover,
    /// and the next update removes it.
    pub const TEMP_PREFIX: &'static str = "trust-list.cache.tmp.";

    /// Opens the cache in `dir` and loads the list stored there, checking it again with
    /// `anchors`. With anchors, only a signed list loads; without, only an unsigned one can
    /// (see [`open_allowing_unsigned`](Self::open_allowing_unsigned)). Never fails: when there
    /// is no usable list, [`trust_list`](Self::trust_list) is `None` and
    /// [`load_error`](Self::load_error) says why. Writes nothing; the directory is created by
    /// the first update.
    pub fn open(dir: impl Into<PathBuf>, anchors: Anchors) -> Self {
        Self::open_with(dir.into(), anchors, false)
    }

    /// [`open`](Self::open), and unsigned lists are taken too, in the cache and by
    /// [`update_unsigned`](Self::update_unsigned), even though the store has anchors: for a
    /// deployment whose own backend delivers unsigned lists over a channel it trusts.
    pub fn open_allowing_unsigned(dir: impl Into<PathBuf>, anchors: Anchors) -> Self {
        Self::open_with(dir.into(), anchors, true)
    }

    fn open_with(dir: PathBuf, anchors: Anchors, allow_unsigned: bool) -> Self {
        let mut store = Self {
            dir,
            anchors,
            allow_unsigned,
            clock: Arc::new(SystemClock),
            slot: TrustSlot::default(),
            in_force: Mutex::new(None),
            load_error: None,
        };
        // A shared lock: no update is half done (its cache written, its history not yet)
        // while the two files are read.
        let loaded = match DirLock::shared(&store.dir) {
            Ok(_lock) => load(&store.dir, &store.anchors, store.allows_unsigned()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Err(LoadError::Missing),
            Err(e) => Err(LoadError::Io(e.kind())),
        };
        match loaded {
            Ok(held) => {
                store.slot.set(Some(Arc::clone(&held.list)));
                *store.in_force.get_mut().unwrap_or_else(|e| e.into_inner()) = Some(held);
            }
            Err(e) => store.load_error = Some(e),
        }
        store
    }

    /// Uses `clock` for "now" (the default fetch time, the future fetch time check and the
    /// Austrian validity check).
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

    /// True when unsigned lists are taken: the store has no anchors, or was opened with
    /// [`open_allowing_unsigned`](Self::open_allowing_unsigned).
    pub fn allows_unsigned(&self) -> bool {
        self.allow_unsigned || self.anchors.is_empty()
    }

    pub(crate) fn slot(&self) -> &TrustSlot {
        &self.slot
    }

    /// Verifies a signed list with the store's anchors; if it passes and is neither older than
    /// the list in force on disk nor one already replaced, writes it to the cache and puts it
    /// in force.
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

    /// Reads an unsigned list and, like [`update`](Self::update), puts it in force unless it
    /// is older than the list in force or already replaced. The explicit call for sources
    /// trusted without a signature; refused by a store that takes signed lists only (see
    /// [`allows_unsigned`](Self::allows_unsigned)).
    pub fn update_unsigned(
        &self,
        list: UnsignedList<'_>,
        options: UpdateOptions,
    ) -> Result<ImportReport, UpdateError> {
        if !self.allows_unsigned() {
            return Err(UpdateError::UnsignedNotAllowed);
        }
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
        let fetched_at = options.fetched_at.unwrap_or(now);
        if fetched_at > now.saturating_add(CLOCK_SKEW) {
            return Err(UpdateError::FetchedInFuture { fetched_at, now });
        }
        let offered = Held {
            list: Arc::new(trust.with_fetched_at(fetched_at)),
            digest: list_digest(parts),
        };
        // A poisoned lock means a panic elsewhere mid-update; the disk holds whole files
        // either way, and the Option is always whole, so carry on.
        let mut in_force = self.in_force.lock().unwrap_or_else(|e| e.into_inner());
        let io = |e: io::Error| UpdateError::Io(e.kind());
        fs::create_dir_all(&self.dir).map_err(io)?;
        let _lock = DirLock::exclusive(&self.dir).map_err(io)?;
        remove_leftovers(&self.dir);
        let (history, on_disk) = self.on_disk();
        if !options.force {
            if let Err(refusal) = history.check(&offered.offer()) {
                // Another store may have put a newer list in force: serve that one here too.
                if let Some(held) = on_disk {
                    self.put_in_force(&mut in_force, held);
                }
                return Err(refusal);
            }
        }
        let file = encode(format, Some(fetched_at), parts);
        write_atomically(&self.dir, Self::CACHE_FILE, &file).map_err(io)?;
        // The list is in force from here on. Should the history not be written, the next
        // reader finds a cache newer than the history and takes it as in force (see
        // `on_disk`), so only the list replaced now is missing from the superseded ones.
        let history = history.advance(&offered.offer(), options.force);
        let _ = write_atomically(&self.dir, Self::HISTORY_FILE, &history.encode());
        self.put_in_force(&mut in_force, offered);
        Ok(())
    }

    /// What is in force on disk, read under the directory lock: the history, brought up to
    /// date with a cache written by an update that stopped before recording it, and the
    /// cached list when it loads.
    fn on_disk(&self) -> (History, Option<Held>) {
        let history = read_history(&self.dir).unwrap_or_default();
        match load_checked(&self.dir, &self.anchors, self.allows_unsigned(), &history) {
            Ok(held) if history.in_force.as_deref() == Some(held.digest.as_str()) => {
                (history, Some(held))
            }
            Ok(held) => (history.advance(&held.offer(), false), Some(held)),
            Err(_) => (history, None),
        }
    }

    fn put_in_force(&self, in_force: &mut MutexGuard<'_, Option<Held>>, held: Held) {
        self.slot.set(Some(Arc::clone(&held.list)));
        **in_force = Some(held);
    }
}

/// What anti-rollback knows of an offered list.
struct Offer<'a> {
    digest: &'a str,
    list_time: Option<i64>,
    issued_at: Option<i64>,
}

impl<'a> Offer<'a> {
    fn of(provenance: &Provenance, digest: &'a str) -> Self {
        Self {
            digest,
            list_time: provenance.list_time,
            issued_at: provenance.issued_at,
        }
    }
}

/// The anti-rollback state: the list in force and the lists it replaced, by digest, and the
/// times offered lists are compared with.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct History {
    /// Digest of the list in force (see [`digest`]); `None` before the first update.
    in_force: Option<String>,
    /// The list in force's [`Provenance::list_time`].
    list_time: Option<i64>,
    /// The newest signed issue time accepted ([`Provenance::issued_at`]).
    issued_at: Option<i64>,
    /// Digests of the lists replaced, oldest first, at most [`MAX_SUPERSEDED`].
    superseded: Vec<String>,
}

impl History {
    /// Whether `offer` may replace the list in force: the same list again (a re-download); or
    /// one not signed earlier than the newest signed time accepted, when both have one, else
    /// whose newest entry is not older than the list in force's; and never a list replaced
    /// before.
    fn check(&self, offer: &Offer<'_>) -> Result<(), UpdateError> {
        let Some(in_force) = &self.in_force else {
            return Ok(());
        };
        if in_force == offer.digest {
            return Ok(());
        }
        // A list with no time cannot show it is not older, so it counts as older than any
        // list that has one (`None < Some`).
        let (current, offered) = match (self.issued_at, offer.issued_at) {
            (Some(current), Some(offered)) => (Some(current), Some(offered)),
            _ => (self.list_time, offer.list_time),
        };
        if offered < current {
            return Err(UpdateError::Rollback {
                in_force: current,
                offered,
            });
        }
        if self.superseded.iter().any(|d| d == offer.digest) {
            return Err(UpdateError::Superseded);
        }
        Ok(())
    }

    /// The history once `offer` is in force. A forced list also resets the signed time to
    /// its own: forcing is how a deployment recovers from a list signed with a wrong time.
    fn advance(mut self, offer: &Offer<'_>, forced: bool) -> Self {
        if let Some(previous) = self.in_force.take().filter(|d| d != offer.digest) {
            self.superseded.push(previous);
        }
        self.superseded.retain(|d| d != offer.digest);
        let excess = self.superseded.len().saturating_sub(MAX_SUPERSEDED);
        self.superseded.drain(..excess);
        self.in_force = Some(offer.digest.to_owned());
        self.list_time = offer.list_time;
        self.issued_at = if forced {
            offer.issued_at
        } else {
            offer.issued_at.or(self.issued_at)
        };
        self
    }

    fn encode(&self) -> Vec<u8> {
        let mut file = HISTORY_MAGIC.to_vec();
        // Serializing a struct of strings and numbers cannot fail.
        file.extend(serde_json::to_vec(self).unwrap_or_default());
        file.push(b'\n');
        file
    }

    fn decode(bytes: &[u8]) -> Option<Self> {
        let json = bytes.strip_prefix(HISTORY_MAGIC)?.strip_suffix(b"\n")?;
        let history: Self = serde_json::from_slice(json).ok()?;
        let well_formed = |d: &String| d.len() == 64 && d.bytes().all(|b| b.is_ascii_hexdigit());
        (history.in_force.iter().all(well_formed)
            && history.superseded.iter().all(well_formed)
            && history.superseded.len() <= MAX_SUPERSEDED)
            .then_some(history)
    }
}

/// The history on disk; `None` when there is none or it is unreadable (then the cache, if it
/// loads, is the baseline: a damaged history does not let an older list in either).
fn read_history(dir: &Path) -> Option<History> {
    let file = File::open(dir.join(TrustStore::HISTORY_FILE)).ok()?;
    let mut bytes = Vec::new();
    file.take(MAX_HISTORY_BYTES + 1)
        .read_to_end(&mut bytes)
        .ok()?;
    History::decode(&bytes)
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

/// The cached list, checked again with `anchors`, and the digest of its parts.
fn load(dir: &Path, anchors: &Anchors, allows_unsigned: bool) -> Result<Held, LoadError> {
    let history = read_history(dir).unwrap_or_default();
    load_checked(dir, anchors, allows_unsigned, &history)
}

/// [`load`], against a history already read: a list the history says was replaced, or one
/// older than the list it says is in force, does not load.
fn load_checked(
    dir: &Path,
    anchors: &Anchors,
    allows_unsigned: bool,
    history: &History,
) -> Result<Held, LoadError> {
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
    // The header's format is not signed: whoever can write the file can claim "json".
    if !cached.format.is_signed() && !allows_unsigned {
        return Err(LoadError::UnsignedNotAllowed);
    }
    let (list, _) =
        TrustList::reload(cached.format, &cached.parts, anchors).map_err(LoadError::Rejected)?;
    let list = match cached.fetched_at {
        Some(fetched_at) => list.with_fetched_at(fetched_at),
        None => list,
    };
    let held = Held {
        list: Arc::new(list),
        digest: list_digest(&cached.parts),
    };
    history
        .check(&held.offer())
        .map_err(|_| LoadError::RolledBack)?;
    Ok(held)
}

/// What anti-rollback knows a list by: SHA-256 (hex) over each part's length and bytes, so
/// that moving bytes between the Austrian content and signature is another list.
fn list_digest(parts: &[&[u8]]) -> String {
    let lengths: Vec<[u8; 8]> = parts
        .iter()
        .map(|p| (p.len() as u64).to_be_bytes())
        .collect();
    let framed: Vec<&[u8]> = lengths
        .iter()
        .zip(parts)
        .flat_map(|(len, part)| [&len[..], part])
        .collect();
    crate::crypto::sha256(&framed)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
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

/// Replaces `dir/name` so that a crash leaves the old file or the new one, whole. The new
/// bytes go to a temporary file that must not exist yet (a planted symlink there is refused,
/// never followed); the rename replaces whatever is at `name`, a symlink included, without
/// following it. Called under the directory lock.
fn write_atomically(dir: &Path, name: &str, bytes: &[u8]) -> io::Result<()> {
    static WRITES: AtomicU64 = AtomicU64::new(0);
    let temp = dir.join(format!(
        "{}{}.{}",
        TrustStore::TEMP_PREFIX,
        std::process::id(),
        WRITES.fetch_add(1, Ordering::Relaxed)
    ));
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&temp)?;
    let written = (|| {
        file.write_all(bytes)?;
        file.sync_all()?;
        fs::rename(&temp, dir.join(name))
    })();
    drop(file);
    if written.is_err() {
        // Best effort: a leftover temporary file is harmless (never read, removed next time).
        let _ = fs::remove_file(&temp);
    }
    written?;
    sync_dir(dir)
}

/// Removes temporary files a crash left behind. Called under the exclusive directory lock,
/// which every writer holds from creating its temporary file to renaming it: any found now
/// belongs to a writer that stopped. (Best effort: they are never read.)
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
            // Removes a symlink itself, never what it points to.
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// A lock on the cache directory, held until dropped: exclusive for an update, shared while
/// start-up reads. On Unix, an `flock` on the directory itself (nothing to create, nothing a
/// symlink could redirect); elsewhere, on a lock file in it.
struct DirLock(#[allow(dead_code)] File);

impl DirLock {
    fn exclusive(dir: &Path) -> io::Result<Self> {
        let file = Self::file(dir)?;
        file.lock()?;
        Ok(Self(file))
    }

    fn shared(dir: &Path) -> io::Result<Self> {
        let file = Self::file(dir)?;
        file.lock_shared()?;
        Ok(Self(file))
    }

    #[cfg(unix)]
    fn file(dir: &Path) -> io::Result<File> {
        File::open(dir)
    }

    #[cfg(not(unix))]
    fn file(dir: &Path) -> io::Result<File> {
        if !dir.is_dir() {
            return Err(io::ErrorKind::NotFound.into());
        }
        OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(dir.join("trust-list.lock"))
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

    fn offer(digest: &str, list_time: Option<i64>, issued_at: Option<i64>) -> Offer<'_> {
        Offer {
            digest,
            list_time,
            issued_at,
        }
    }

    #[test]
    fn the_history_keeps_the_last_superseded_lists_and_reads_back_only_whole() {
        let digests: Vec<String> = (0..MAX_SUPERSEDED + 10)
            .map(|i| format!("{i:064x}"))
            .collect();
        let mut history = History::default();
        for (i, d) in digests.iter().enumerate() {
            let time = Some(i as i64);
            assert_eq!(history.check(&offer(d, time, None)), Ok(()));
            history = history.advance(&offer(d, time, None), false);
        }
        assert_eq!(history.superseded.len(), MAX_SUPERSEDED);
        assert_eq!(history.superseded.first(), Some(&digests[9]));
        assert_eq!(
            history.check(&offer(&digests[20], Some(i64::MAX), None)),
            Err(UpdateError::Superseded)
        );
        let file = history.encode();
        assert_eq!(History::decode(&file), Some(history.clone()));
        assert_eq!(History::decode(&file[..file.len() - 1]), None);
        let mut bad_digest = history;
        bad_digest.in_force = Some("not hex".into());
        assert_eq!(History::decode(&bad_digest.encode()), None);
    }

    #[test]
    fn a_signed_issue_time_decides_when_both_lists_have_one() {
        let a = "a".repeat(64);
        let history = History::default().advance(&offer(&a, Some(100), Some(50)), false);
        // Signed later, newest entry older: taken. Signed earlier, newest entry newer: refused.
        assert_eq!(history.check(&offer("b", Some(10), Some(60))), Ok(()));
        assert_eq!(
            history.check(&offer("c", Some(200), Some(40))),
            Err(UpdateError::Rollback {
                in_force: Some(50),
                offered: Some(40)
            })
        );
        // Without one, the newest entries decide; the signed time accepted is kept.
        assert!(history.check(&offer("d", Some(99), None)).is_err());
        let history = history.advance(&offer("e", Some(150), None), false);
        assert_eq!(history.issued_at, Some(50));
        assert!(history.check(&offer("f", Some(10), Some(49))).is_err());
    }

    #[test]
    fn part_counts_must_fit_the_format() {
        let de_with_two = encode(ListFormat::De, None, &[b"a", b"b"]);
        assert!(decode(&de_with_two).is_none());
    }
}
