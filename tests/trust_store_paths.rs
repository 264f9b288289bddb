//! Issue 10 item 4: the store never writes through a symlink planted in its directory. A test
//! binary of its own, so that the names of the temporary files its one store writes are known
//! (process id, then a counter from 0).
#![cfg(unix)]

mod trust_fixtures;

use std::os::unix::fs::symlink;
use std::path::Path;

use dcc_verify::{FixedClock, SignedList, TrustStore, UpdateOptions};
use trust_fixtures::*;

fn is_symlink(path: &Path) -> bool {
    path.symlink_metadata()
        .is_ok_and(|m| m.file_type().is_symlink())
}

/// Symlinks at the cache, the history and the next temporary files' paths, pointing at files
/// outside the directory: an update leaves those files as they were and puts regular files in
/// place. Before the fix the first temporary file was created through the link, overwriting
/// its target with the new cache.
#[test]
fn symlinks_planted_at_the_cache_history_or_temporary_paths_are_never_followed() {
    let root = scratch_dir("store-symlinks");
    let dir = root.join("cache");
    std::fs::create_dir_all(&dir).unwrap();
    let key = TestKey::new();
    let store = TrustStore::open(&dir, key.anchors()).with_clock(FixedClock(sample_time()));

    let mut victims = Vec::new();
    let mut plant = |name: String| {
        let victim = root.join(format!("victim-{}", victims.len()));
        std::fs::write(&victim, b"precious").unwrap();
        symlink(&victim, dir.join(name)).unwrap();
        victims.push(victim);
    };
    plant(TrustStore::CACHE_FILE.to_owned());
    plant(TrustStore::HISTORY_FILE.to_owned());
    for n in 0..4 {
        plant(format!(
            "{}{}.{n}",
            TrustStore::TEMP_PREFIX,
            std::process::id()
        ));
    }

    let list = de_list(
        &key,
        &sample_entries(&["dsc-vn-es256"], "2026-01-01T00:00:00Z"),
    );
    store
        .update(SignedList::De(&list), UpdateOptions::default())
        .unwrap();
    for victim in &victims {
        assert_eq!(std::fs::read(victim).unwrap(), b"precious", "{victim:?}");
    }
    for name in [TrustStore::CACHE_FILE, TrustStore::HISTORY_FILE] {
        assert!(!is_symlink(&dir.join(name)), "{name} is still a link");
    }
    let names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert!(
        !names.iter().any(|n| n.starts_with(TrustStore::TEMP_PREFIX)),
        "{names:?}"
    );
    let reopened = TrustStore::open(&dir, key.anchors());
    assert_eq!(reopened.load_error(), None);
    assert_eq!(reopened.trust_list().unwrap().len(), 1);
}
