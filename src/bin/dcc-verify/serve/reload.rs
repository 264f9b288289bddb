//! The verifier in force, and following the caches: when `trust import` writes a new list (or
//! new anchors) into a cache directory, the service builds a new verifier on them and switches.
//!
//! A request takes the verifier in force when it starts and keeps it to its end, so a batch is
//! answered on one list, whole, even when the switch happens in the middle of it. A cache that
//! no longer loads (removed, corrupt, signed by a key no longer trusted) leaves the list in
//! force: the service never drops to no list because of a bad file.

use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::{Duration, SystemTime};

use dcc_verify::{format_instant, Clock, SystemClock, TrustStore, Verifier};
use serde_json::json;
use tokio::sync::watch;

use super::log::{self, LogFormat};
use super::metrics::Metrics;
use crate::{ContentChecks, ListSource};

pub struct Current(RwLock<Arc<Verifier>>);

impl Current {
    pub fn new(verifier: Verifier) -> Self {
        Self(RwLock::new(Arc::new(verifier)))
    }

    pub fn get(&self) -> Arc<Verifier> {
        // A poisoned lock only means a panic while swapping an Arc, which is always whole.
        Arc::clone(&self.0.read().unwrap_or_else(|e| e.into_inner()))
    }

    fn set(&self, verifier: Verifier) {
        *self.0.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(verifier);
    }
}

/// What identifies a version of a file without reading it: `trust import` renames a new file
/// into place, which changes all three.
#[derive(Clone, PartialEq, Eq, Debug)]
struct Fingerprint {
    len: u64,
    modified: Option<SystemTime>,
    inode: u64,
}

fn fingerprint(path: &Path) -> Option<Fingerprint> {
    let meta = std::fs::metadata(path).ok()?;
    #[cfg(unix)]
    let inode = std::os::unix::fs::MetadataExt::ino(&meta);
    #[cfg(not(unix))]
    let inode = 0;
    Some(Fingerprint {
        len: meta.len(),
        modified: meta.modified().ok(),
        inode,
    })
}

/// The cache file and the anchors remembered next to it.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct CacheState([Option<Fingerprint>; 2]);

impl CacheState {
    pub fn of(dir: &Path) -> Self {
        Self([
            fingerprint(&dir.join(TrustStore::CACHE_FILE)),
            fingerprint(&dir.join(crate::trust::ANCHORS_FILE)),
        ])
    }
}

pub struct Follower {
    /// Each cache (`source.cache`, in order) as it was when the lists in force were loaded.
    pub seen: Vec<CacheState>,
    pub source: ListSource,
    pub content: ContentChecks,
    pub current: Arc<Current>,
    pub metrics: Arc<Metrics>,
    pub log: LogFormat,
    pub interval: Duration,
}

impl Follower {
    /// Looks at the cache every `interval` until `stop` turns true. A poll, not a file
    /// watch: it works the same on every file system, shared volumes included, and costs two
    /// `stat` calls.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        let mut seen = self.seen.clone();
        let this = Arc::new(self);
        loop {
            tokio::select! {
                () = tokio::time::sleep(this.interval) => {}
                _ = stop.wait_for(|stop| *stop) => return,
            }
            let state: Vec<_> = this
                .source
                .cache
                .iter()
                .map(|dir| CacheState::of(dir))
                .collect();
            if state == seen {
                continue;
            }
            seen = state;
            let follower = Arc::clone(&this);
            // Opening the store checks the list's signature again: not on a request thread.
            match tokio::task::spawn_blocking(move || follower.load()).await {
                Ok(()) | Err(_) => {}
            }
        }
    }

    /// Builds a verifier on every cache again and switches to it, unless one of them no longer
    /// loads: then every list in force stays (one bad file never takes a source away).
    fn load(&self) {
        // Why a cache does not load, said in this log's format (building the verifier would
        // say it as a plain warning).
        for dir in &self.source.cache {
            let anchors = match crate::trust::anchors(&self.source.anchor, Some(dir)) {
                Ok(anchors) => anchors,
                Err(crate::UsageError(why)) => return self.keep(dir, &why),
            };
            if let Some(why) = TrustStore::open(dir, anchors).load_error() {
                return self.keep(dir, &why.to_string());
            }
        }
        let loaded = crate::verifier(&self.source, &self.content, SystemClock.now());
        let first = self
            .source
            .cache
            .first()
            .map_or(Path::new(""), PathBuf::as_path);
        let verifier = match loaded {
            Ok(verifier) => verifier,
            Err(crate::UsageError(why)) => return self.keep(first, &why),
        };
        // A source that has a list in force keeps it rather than dropping to none.
        let in_force = self.current.get().sources();
        let had_list = |name: &str| in_force.iter().any(|(n, l)| n == name && l.is_some());
        let lost = verifier
            .sources()
            .into_iter()
            .position(|(name, list)| list.is_none() && had_list(&name));
        if let Some(index) = lost {
            let dir = self.source.cache.get(index).map_or(first, PathBuf::as_path);
            return self.keep(dir, "the cache has no usable list");
        }
        let sources: Vec<_> = verifier
            .sources()
            .into_iter()
            .map(|(name, list)| {
                let fetched = list
                    .as_ref()
                    .and_then(|list| list.provenance().fetched_at)
                    .map(format_instant);
                let certificates = list.map_or(0, |list| list.len());
                (name, certificates, fetched)
            })
            .collect();
        self.current.set(verifier);
        self.metrics.reload("switched");
        let said: Vec<String> = sources
            .iter()
            .map(|(name, certificates, fetched)| {
                let fetched = fetched.as_deref().unwrap_or("at an unknown time");
                match self.source.cache.as_slice() {
                    [_] => format!("{certificates} certificates, fetched {fetched}"),
                    _ => format!("{name}: {certificates} certificates, fetched {fetched}"),
                }
            })
            .collect();
        let described: Vec<_> = sources
            .iter()
            .map(|(name, certificates, fetched)| {
                json!({ "source": name, "certificates": certificates, "fetched_at": fetched })
            })
            .collect();
        let total: usize = sources
            .iter()
            .map(|(_, certificates, _)| certificates)
            .sum();
        let newest = sources
            .iter()
            .filter_map(|(_, _, fetched)| fetched.clone())
            .max();
        log::event(
            self.log,
            "trust-list-switched",
            &format!("trust list switched: {}", said.join("; ")),
            json!({ "certificates": total, "fetched_at": newest, "sources": described }),
        );
    }

    fn keep(&self, dir: &Path, why: &str) {
        self.metrics.reload("kept");
        log::event(
            self.log,
            "trust-list-kept",
            &format!(
                "trust list in {} changed but not taken ({why}); the lists in force stay",
                dir.display()
            ),
            json!({ "reason": why }),
        );
    }
}
