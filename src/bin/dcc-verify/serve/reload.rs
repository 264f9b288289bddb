//! The verifier in force, and following the cache: when `trust import` writes a new list (or
//! new anchors) into the cache directory, the service builds a new verifier on it and switches.
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
    pub dir: PathBuf,
    /// The cache as it was when the list in force was loaded.
    pub seen: CacheState,
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
            let state = CacheState::of(&this.dir);
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

    fn load(&self) {
        // Why the cache does not load, said in this log's format (building the verifier
        // would say it as a plain warning).
        let anchors = match crate::trust::anchors(&self.source.anchor, Some(&self.dir)) {
            Ok(anchors) => anchors,
            Err(crate::UsageError(why)) => return self.keep(&why),
        };
        if let Some(why) = TrustStore::open(&self.dir, anchors).load_error() {
            return self.keep(&why.to_string());
        }
        let loaded = crate::verifier(&self.source, &self.content, SystemClock.now());
        let verifier = match loaded {
            Ok(verifier) if verifier.trust_list().is_some() => verifier,
            Ok(_) => return self.keep("the cache has no usable list"),
            Err(crate::UsageError(why)) => return self.keep(&why),
        };
        let fetched = verifier
            .trust_list()
            .and_then(|list| list.provenance().fetched_at);
        let certificates = verifier.trust_list().map_or(0, |list| list.len());
        self.current.set(verifier);
        self.metrics.reload("switched");
        let fetched = fetched.map(format_instant);
        log::event(
            self.log,
            "trust-list-switched",
            &format!(
                "trust list switched: {certificates} certificates, fetched {}",
                fetched.as_deref().unwrap_or("at an unknown time")
            ),
            json!({ "certificates": certificates, "fetched_at": fetched }),
        );
    }

    fn keep(&self, why: &str) {
        self.metrics.reload("kept");
        log::event(
            self.log,
            "trust-list-kept",
            &format!(
                "trust list in {} changed but not taken ({why}); the list in force stays",
                self.dir.display()
            ),
            json!({ "reason": why }),
        );
    }
}
