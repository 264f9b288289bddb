//! The offline cache: start-up, atomic updates, refused updates, anti-rollback, freshness, a
//! crash between write and rename, and verifiers running while the list is replaced.

mod trust_fixtures;

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use dcc_verify::trust::LoadError;
use dcc_verify::{
    FixedClock, InvalidReason, ListFormat, Outcome, Settings, SignedList, TrustListError,
    TrustStore, UndecidableReason, UnsignedList, UpdateError, UpdateOptions, Verifier,
};
use trust_fixtures::*;

fn cache_bytes(dir: &Path) -> Vec<u8> {
    std::fs::read(dir.join(TrustStore::CACHE_FILE)).unwrap()
}

fn sample_json() -> Vec<u8> {
    std::fs::read(format!("{MANIFEST}/testdata/samples/trust-list.json")).unwrap()
}

/// A store on `dir` with a fixed clock at the sample time.
fn open(dir: &Path, anchors: dcc_verify::Anchors) -> TrustStore {
    TrustStore::open(dir, anchors).with_clock(FixedClock(sample_time()))
}

#[test]
fn store_verifier_and_lists_can_be_shared_between_threads() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<TrustStore>();
    send_sync::<Verifier>();
    send_sync::<dcc_verify::TrustList>();
    send_sync::<dcc_verify::Anchors>();
}

#[test]
fn an_empty_directory_means_no_trust_list() {
    let dir = scratch_dir("store-empty");
    let store = open(&dir, real_de_anchors());
    assert!(store.trust_list().is_none());
    assert_eq!(store.load_error(), Some(&LoadError::Missing));
    let verifier = Verifier::default().with_store(&store);
    assert_eq!(
        verifier
            .verify_at(&sample_qr("vn-vaccination-es256"), sample_time())
            .outcome,
        Outcome::Undecidable {
            reason: UndecidableReason::NoTrustList
        }
    );
    // Nothing was written by opening.
    assert!(!dir.join(TrustStore::CACHE_FILE).exists());
}

#[test]
fn the_real_german_list_survives_a_restart_and_is_verified_again() {
    let dir = scratch_dir("store-de-restart");
    let store = open(&dir, real_de_anchors());
    let fetched_at = sample_time() - 3600;
    let report = store
        .update(
            SignedList::De(&real_de_list()),
            UpdateOptions {
                fetched_at: Some(fetched_at),
                force: false,
            },
        )
        .unwrap();
    assert_eq!(report.taken, 827);
    let in_force = store.trust_list().unwrap();
    assert_eq!(in_force.provenance().fetched_at, Some(fetched_at));

    let reopened = open(&dir, real_de_anchors());
    assert_eq!(reopened.load_error(), None);
    let loaded = reopened.trust_list().unwrap();
    assert_eq!(loaded.len(), 827);
    assert_eq!(loaded.provenance(), in_force.provenance());

    // Start-up checks the signature again, with the anchors configured then: after an app
    // update that dropped the key, the cached list is not used.
    let without_key = open(&dir, TestKey::new().anchors());
    assert!(without_key.trust_list().is_none());
    assert_eq!(
        without_key.load_error(),
        Some(&LoadError::Rejected(TrustListError::SignatureInvalid))
    );
}

#[test]
fn a_refused_update_leaves_the_previous_list_in_force_in_memory_and_on_disk() {
    let dir = scratch_dir("store-refused");
    let store = open(&dir, real_de_anchors());
    let good = real_de_list();
    store
        .update(SignedList::De(&good), UpdateOptions::default())
        .unwrap();
    let before = store.trust_list().unwrap();
    let on_disk = cache_bytes(&dir);

    let newline = good.iter().position(|&b| b == b'\n').unwrap();
    let mut json_flipped = good.clone();
    json_flipped[newline + 1000] ^= 0x01;
    let mut signature_flipped = good.clone();
    signature_flipped[10] ^= 0x01;
    let truncated = &good[..good.len() - 100];
    for bad in [
        &json_flipped[..],
        &signature_flipped,
        truncated,
        b"",
        b"garbage\n{}",
    ] {
        let error = store
            .update(SignedList::De(bad), UpdateOptions::default())
            .unwrap_err();
        assert!(matches!(error, UpdateError::Rejected(_)), "{error:?}");
        assert!(Arc::ptr_eq(&store.trust_list().unwrap(), &before));
        assert_eq!(cache_bytes(&dir), on_disk);
    }
    assert_eq!(temp_files(&dir), Vec::<String>::new());
    assert_eq!(
        open(&dir, real_de_anchors()).trust_list().unwrap().len(),
        827
    );
}

#[test]
fn a_corrupt_cache_file_means_no_trust_list_not_a_crash() {
    let dir = scratch_dir("store-corrupt");
    let key = TestKey::new();
    let store = open(&dir, key.anchors());
    let list = de_list(
        &key,
        &sample_entries(&["dsc-vn-es256"], "2026-01-01T00:00:00Z"),
    );
    store
        .update(SignedList::De(&list), UpdateOptions::default())
        .unwrap();
    let good = cache_bytes(&dir);
    let cache = dir.join(TrustStore::CACHE_FILE);

    let mut damaged: Vec<Vec<u8>> = vec![
        vec![],
        b"not a cache".to_vec(),
        good[..good.len() - 1].to_vec(),
    ];
    for at in [0, 10, 40, good.len() / 2, good.len() - 1] {
        let mut flipped = good.clone();
        flipped[at] ^= 0x01;
        damaged.push(flipped);
    }
    for bytes in damaged {
        std::fs::write(&cache, &bytes).unwrap();
        let store = open(&dir, key.anchors());
        assert!(store.trust_list().is_none());
        assert!(
            matches!(
                store.load_error(),
                Some(LoadError::Corrupt | LoadError::Rejected(_))
            ),
            "{:?}",
            store.load_error()
        );
        let verifier = Verifier::default().with_store(&store);
        assert_eq!(
            verifier
                .verify_at(&sample_qr("vn-vaccination-es256"), sample_time())
                .outcome,
            Outcome::Undecidable {
                reason: UndecidableReason::NoTrustList
            }
        );
    }
}

#[test]
fn a_crash_between_write_and_rename_leaves_the_old_list_loadable() {
    let key = TestKey::new();
    let old = de_list(
        &key,
        &sample_entries(&["dsc-vn-es256"], "2026-01-01T00:00:00Z"),
    );
    let new = de_list(
        &key,
        &sample_entries(&["dsc-vn-es256", "dsc-vn-ps256"], "2026-02-01T00:00:00Z"),
    );

    // What the update would have written before renaming: the complete new cache file.
    let elsewhere = scratch_dir("store-crash-new");
    open(&elsewhere, key.anchors())
        .update(SignedList::De(&new), UpdateOptions::default())
        .unwrap();
    let new_file = cache_bytes(&elsewhere);

    let dir = scratch_dir("store-crash");
    open(&dir, key.anchors())
        .update(SignedList::De(&old), UpdateOptions::default())
        .unwrap();
    let old_file = cache_bytes(&dir);
    // Crash with the temporary file complete, then with it half written.
    let leftover = dir.join(format!("{}4242.0", TrustStore::TEMP_PREFIX));
    for written in [&new_file[..], &new_file[..new_file.len() / 2]] {
        std::fs::write(&leftover, written).unwrap();
        let store = open(&dir, key.anchors());
        assert_eq!(store.load_error(), None);
        assert_eq!(store.trust_list().unwrap().len(), 1, "the old list");
        assert_eq!(cache_bytes(&dir), old_file);
    }
    // The next update goes through, and removes the leftover under the directory lock.
    let store = open(&dir, key.anchors());
    store
        .update(SignedList::De(&new), UpdateOptions::default())
        .unwrap();
    assert_eq!(cache_bytes(&dir), new_file);
    assert_eq!(temp_files(&dir), Vec::<String>::new());
    assert_eq!(open(&dir, key.anchors()).trust_list().unwrap().len(), 2);
}

fn temp_files(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.starts_with(TrustStore::TEMP_PREFIX))
        .collect()
}

#[test]
fn a_failed_write_leaves_the_previous_list_in_force() {
    let root = scratch_dir("store-write-fails");
    let dir = root.join("cache");
    let key = TestKey::new();
    let store = open(&dir, key.anchors());
    let old = de_list(
        &key,
        &sample_entries(&["dsc-vn-es256"], "2026-01-01T00:00:00Z"),
    );
    store
        .update(SignedList::De(&old), UpdateOptions::default())
        .unwrap();
    let before = store.trust_list().unwrap();
    // The directory is moved away and a file put in its place: the write cannot happen.
    let moved = root.join("moved");
    std::fs::rename(&dir, &moved).unwrap();
    std::fs::write(&dir, b"not a directory").unwrap();
    let new = de_list(
        &key,
        &sample_entries(&["dsc-vn-ps256"], "2026-02-01T00:00:00Z"),
    );
    let error = store
        .update(SignedList::De(&new), UpdateOptions::default())
        .unwrap_err();
    assert!(matches!(error, UpdateError::Io(_)), "{error:?}");
    assert!(Arc::ptr_eq(&store.trust_list().unwrap(), &before));
    // The old file was never touched.
    assert_eq!(open(&moved, key.anchors()).trust_list().unwrap().len(), 1);
    assert_eq!(temp_files(&moved), Vec::<String>::new());
}

/// Issue 10 item 2: each update compares with the list on disk, under the directory lock, not
/// with the one its store loaded. Two stores, two threads each, offering the same nine lists in
/// opposite orders: every update is taken or refused as a rollback (never fails), and the
/// newest list ends in force on disk and in both stores. Bounded: 36 updates.
#[test]
fn concurrent_updates_from_two_stores_end_with_the_newest_list() {
    let dir = scratch_dir("store-two-writers");
    let key = TestKey::new();
    let lists: Vec<Vec<u8>> = (1..=9)
        .map(|day| {
            de_list(
                &key,
                &sample_entries(&["dsc-vn-es256"], &format!("2026-01-0{day}T00:00:00Z")),
            )
        })
        .collect();
    let newest = dcc_verify::parse_instant("2026-01-09T00:00:00Z");
    let (first, second) = (open(&dir, key.anchors()), open(&dir, key.anchors()));
    std::thread::scope(|scope| {
        for (store, reversed) in [
            (&first, false),
            (&first, true),
            (&second, false),
            (&second, true),
        ] {
            let lists = &lists;
            scope.spawn(move || {
                let mut order: Vec<&Vec<u8>> = lists.iter().collect();
                if reversed {
                    order.reverse();
                }
                for list in order {
                    match store.update(SignedList::De(list), UpdateOptions::default()) {
                        Ok(_) | Err(UpdateError::Rollback { .. } | UpdateError::Superseded) => {}
                        Err(e) => panic!("update failed: {e:?}"),
                    }
                }
            });
        }
    });
    let reopened = open(&dir, key.anchors());
    assert_eq!(reopened.load_error(), None);
    assert_eq!(
        reopened.trust_list().unwrap().provenance().list_time,
        newest
    );
    // The last thing each store did was take the newest list or be refused for it (and then
    // serve what was on disk): either way, the newest list.
    for store in [&first, &second] {
        assert_eq!(store.trust_list().unwrap().provenance().list_time, newest);
    }
}

/// Issue 10 item 2: two stores opened on an empty directory; the second puts February in
/// force; the first, which never saw it, offers January. Before the fix this was taken (the
/// first store compared with the nothing it had loaded) and January ended in force.
#[test]
fn a_store_compares_with_the_list_another_store_put_on_disk() {
    let dir = scratch_dir("store-other-writer");
    let key = TestKey::new();
    let january = de_list(
        &key,
        &sample_entries(&["dsc-vn-es256"], "2026-01-01T00:00:00Z"),
    );
    let february = de_list(
        &key,
        &sample_entries(&["dsc-vn-ps256"], "2026-02-01T00:00:00Z"),
    );
    let (first, second) = (open(&dir, key.anchors()), open(&dir, key.anchors()));
    second
        .update(SignedList::De(&february), UpdateOptions::default())
        .unwrap();
    assert!(matches!(
        first.update(SignedList::De(&january), UpdateOptions::default()),
        Err(UpdateError::Rollback { .. })
    ));
    let february_time = dcc_verify::parse_instant("2026-02-01T00:00:00Z");
    // The refused store now serves the list in force on disk.
    assert_eq!(
        first.trust_list().unwrap().provenance().list_time,
        february_time
    );
    assert_eq!(
        open(&dir, key.anchors())
            .trust_list()
            .unwrap()
            .provenance()
            .list_time,
        february_time
    );
}

#[test]
fn an_older_list_is_refused_unless_forced() {
    let dir = scratch_dir("store-rollback");
    let key = TestKey::new();
    let store = open(&dir, key.anchors());
    let at = |timestamp: &str| de_list(&key, &sample_entries(&["dsc-vn-es256"], timestamp));
    let january = at("2026-01-01T00:00:00Z");
    let february = at("2026-02-01T00:00:00Z");
    store
        .update(SignedList::De(&february), UpdateOptions::default())
        .unwrap();
    let on_disk = cache_bytes(&dir);

    let error = store
        .update(SignedList::De(&january), UpdateOptions::default())
        .unwrap_err();
    assert_eq!(
        error,
        UpdateError::Rollback {
            in_force: dcc_verify::parse_instant("2026-02-01T00:00:00Z"),
            offered: dcc_verify::parse_instant("2026-01-01T00:00:00Z"),
        }
    );
    assert_eq!(cache_bytes(&dir), on_disk);
    // After a restart too: the list time is part of what is loaded.
    let store = open(&dir, key.anchors());
    assert!(store
        .update(SignedList::De(&january), UpdateOptions::default())
        .is_err());
    // A list with no time of its own cannot show it is newer.
    let no_time = std::fs::read(format!(
        "{MANIFEST}/testdata/samples/pki/dsc-vn-es256.crt.pem"
    ))
    .unwrap();
    let allowing_unsigned = TrustStore::open_allowing_unsigned(&dir, key.anchors())
        .with_clock(FixedClock(sample_time()));
    assert!(matches!(
        allowing_unsigned.update_unsigned(UnsignedList::Pem(&no_time), UpdateOptions::default()),
        Err(UpdateError::Rollback { offered: None, .. })
    ));
    // The same list again is fine (a re-download refreshes the fetch time)...
    let refetched = UpdateOptions {
        fetched_at: Some(sample_time()),
        force: false,
    };
    store.update(SignedList::De(&february), refetched).unwrap();
    assert_eq!(
        store.trust_list().unwrap().provenance().fetched_at,
        Some(sample_time())
    );
    // ...and forcing accepts an older one.
    store
        .update(
            SignedList::De(&january),
            UpdateOptions {
                fetched_at: None,
                force: true,
            },
        )
        .unwrap();
    assert_eq!(
        open(&dir, key.anchors())
            .trust_list()
            .unwrap()
            .provenance()
            .list_time,
        dcc_verify::parse_instant("2026-01-01T00:00:00Z")
    );
}

#[test]
fn austrian_rollback_compares_nbf() {
    let dir = scratch_dir("store-rollback-at");
    let key = TestKey::new();
    let store = open(&dir, key.anchors());
    let now = sample_time();
    let entries = at_entries(&["dsc-vn-es256"]);
    let (new_content, new_signature) = at_pair(&key, &entries, now - 100, now + 86_400);
    let (old_content, old_signature) = at_pair(&key, &entries, now - 200, now + 86_400);
    let update = |content: &[u8], signature: &[u8]| {
        store.update(
            SignedList::At { content, signature },
            UpdateOptions::default(),
        )
    };
    update(&new_content, &new_signature).unwrap();
    assert!(matches!(
        update(&old_content, &old_signature),
        Err(UpdateError::Rollback { .. })
    ));
    let reopened = open(&dir, key.anchors());
    assert_eq!(
        reopened.trust_list().unwrap().provenance().list_time,
        Some(now - 100)
    );
    assert_eq!(
        reopened.trust_list().unwrap().provenance().format,
        Some(ListFormat::At)
    );
}

#[test]
fn a_cached_austrian_list_serves_past_its_exp_until_freshness_says_otherwise() {
    let dir = scratch_dir("store-at-offline");
    let key = TestKey::new();
    let now = sample_time();
    let (content, signature) = at_pair(&key, &at_entries(&["dsc-vn-es256"]), now - 60, now + 3600);
    open(&dir, key.anchors())
        .update(
            SignedList::At {
                content: &content,
                signature: &signature,
            },
            UpdateOptions::default(),
        )
        .unwrap();
    // Weeks later, offline: the list loads; the verification reports it stale.
    let weeks_later = now + 21 * 86_400;
    let store = TrustStore::open(&dir, key.anchors()).with_clock(FixedClock(weeks_later));
    let verifier = Verifier::default().with_store(&store);
    let verification = verifier.verify_at(&sample_qr("vn-vaccination-es256"), weeks_later);
    assert_eq!(verification.outcome, Outcome::Valid);
    let status = verification.trust_list.unwrap();
    assert_eq!(
        (status.age_seconds, status.stale),
        (Some(21 * 86_400), true)
    );
}

#[test]
fn unsigned_lists_are_stored_as_unsigned() {
    let dir = scratch_dir("store-unsigned");
    let store = open(&dir, dcc_verify::Anchors::new());
    // The signed call does not take them.
    assert_eq!(
        store
            .update(SignedList::De(&sample_json()), UpdateOptions::default())
            .unwrap_err(),
        UpdateError::Rejected(TrustListError::NoAnchors)
    );
    store
        .update_unsigned(UnsignedList::Json(&sample_json()), UpdateOptions::default())
        .unwrap();
    let store = open(&dir, dcc_verify::Anchors::new());
    let verifier = Verifier::default().with_store(&store);
    let verification = verifier.verify_at(&sample_qr("vn-vaccination-es256"), sample_time());
    assert_eq!(verification.outcome, Outcome::Valid);
    let status = verification.trust_list.unwrap();
    assert_eq!(
        (status.signed, status.format),
        (false, Some(ListFormat::Json))
    );

    // A cached unsigned list is checked against its recorded digest.
    let cache = dir.join(TrustStore::CACHE_FILE);
    let mut bytes = std::fs::read(&cache).unwrap();
    let last = bytes.len() - 10;
    bytes[last] ^= 0x01;
    std::fs::write(&cache, bytes).unwrap();
    assert_eq!(
        open(&dir, dcc_verify::Anchors::new()).load_error(),
        Some(&LoadError::Corrupt)
    );
}

#[test]
fn stale_and_refuse_settings_follow_the_age_of_the_list() {
    let dir = scratch_dir("store-freshness");
    let key = TestKey::new();
    let store = open(&dir, key.anchors());
    let fetched_at = sample_time();
    let list = de_list(
        &key,
        &sample_entries(&["dsc-vn-es256"], "2026-01-01T00:00:00Z"),
    );
    store
        .update(
            SignedList::De(&list),
            UpdateOptions {
                fetched_at: Some(fetched_at),
                force: false,
            },
        )
        .unwrap();
    let qr = sample_qr("vn-vaccination-es256");
    let hour = 3600;

    // Defaults: stale after 48 h, never refused.
    let verifier = Verifier::default().with_store(&store);
    for (age, stale) in [
        (0, false),
        (48 * hour, false),
        (48 * hour + 1, true),
        (400 * 24 * hour, true),
    ] {
        let verification = verifier.verify_at(&qr, fetched_at + age);
        assert_eq!(verification.outcome, Outcome::Valid, "age {age}");
        let status = verification.trust_list.unwrap();
        assert_eq!(
            (status.age_seconds, status.stale, status.signed),
            (Some(age), stale, true)
        );
        // What an app asks outside a verification (e.g. to prompt for a refresh) is the same.
        let list = verifier.trust_list().unwrap();
        assert_eq!(
            verifier.settings().status_of(&list, fetched_at + age),
            status
        );
    }
    let clocked = Verifier::default().with_clock(FixedClock(fetched_at + 5));
    assert_eq!(clocked.now(), fetched_at + 5);

    let strict = Settings {
        stale_after: hour,
        refuse_after: Some(7 * 24 * hour),
        ..Settings::default()
    };
    let verifier = Verifier::new(strict).with_store(&store);
    let at_limit = verifier.verify_at(&qr, fetched_at + 7 * 24 * hour);
    assert_eq!(at_limit.outcome, Outcome::Valid);
    assert!(at_limit.trust_list.unwrap().stale);
    let past_limit = verifier.verify_at(&qr, fetched_at + 7 * 24 * hour + 1);
    assert_eq!(
        past_limit.outcome,
        Outcome::Undecidable {
            reason: UndecidableReason::TrustListExpired
        }
    );
    assert_eq!(past_limit.outcome.reason_code(), Some("trust-list-expired"));
    // The checks still ran, so an app can show what it could.
    assert_eq!(past_limit.checks.signature, dcc_verify::CheckStatus::Passed);
}

#[test]
fn verifiers_during_updates_see_the_old_list_or_the_new_one_never_a_mix() {
    let dir = scratch_dir("store-concurrent");
    let key = TestKey::new();
    let store = open(&dir, key.anchors());
    // List A holds the signer of the sample; list B does not. Their fetch times tell them apart.
    let (time_a, time_b) = (sample_time() - 1000, sample_time() - 2000);
    let list_a = de_list(
        &key,
        &sample_entries(&["dsc-vn-es256", "dsc-de-es256"], "2026-01-01T00:00:00Z"),
    );
    let list_b = de_list(
        &key,
        &sample_entries(&["dsc-vn-ps256", "dsc-de-es256"], "2026-01-01T00:00:00Z"),
    );
    // Forced: going back to a list already replaced is a rollback otherwise.
    let options = |fetched_at| UpdateOptions {
        fetched_at: Some(fetched_at),
        force: true,
    };
    store
        .update(SignedList::De(&list_a), options(time_a))
        .unwrap();

    let verifier = Verifier::default().with_store(&store);
    let qr = sample_qr("vn-vaccination-es256");
    let done = AtomicBool::new(false);
    std::thread::scope(|scope| {
        let readers: Vec<_> = (0..2)
            .map(|_| {
                scope.spawn(|| {
                    let mut seen = [0usize; 2];
                    while !done.load(Ordering::Relaxed) {
                        let verification = verifier.verify_at(&qr, sample_time());
                        match verification.trust_list.and_then(|s| s.age_seconds) {
                            Some(1000) => {
                                assert_eq!(verification.outcome, Outcome::Valid);
                                seen[0] += 1;
                            }
                            Some(2000) => {
                                assert_eq!(
                                    verification.outcome,
                                    Outcome::Invalid {
                                        reason: InvalidReason::UnknownSigner
                                    }
                                );
                                seen[1] += 1;
                            }
                            other => panic!("a list that was never stored: age {other:?}"),
                        }
                    }
                    seen
                })
            })
            .collect();
        for round in 0..20 {
            let (list, time) = if round % 2 == 0 {
                (&list_b, time_b)
            } else {
                (&list_a, time_a)
            };
            store.update(SignedList::De(list), options(time)).unwrap();
        }
        done.store(true, Ordering::Relaxed);
        for reader in readers {
            let seen = reader.join().unwrap();
            assert!(seen.iter().sum::<usize>() > 0);
        }
    });
    // The last update (list A) is the one in force, and on disk.
    assert_eq!(
        open(&dir, key.anchors())
            .trust_list()
            .unwrap()
            .provenance()
            .fetched_at,
        Some(time_a)
    );
}

/// Issue 10 item 1: a list once superseded never comes back. January lists X and Y; February
/// withdraws X (its newest entry, Y's, is unchanged). Before the fix, replaying January was
/// accepted, since its newest entry is not older, and X was trusted again.
#[test]
fn replaying_the_list_in_force_before_a_removal_is_refused() {
    let dir = scratch_dir("store-replay");
    let key = TestKey::new();
    let mut entries = sample_entries(&["dsc-vn-es256"], "2026-01-01T00:00:00Z");
    entries.extend(sample_entries(&["dsc-vn-ps256"], "2026-01-15T00:00:00Z"));
    let with_x = de_list(&key, &entries);
    let without_x = de_list(&key, &entries[1..]);
    let store = open(&dir, key.anchors());
    store
        .update(SignedList::De(&with_x), UpdateOptions::default())
        .unwrap();
    // A list never seen before whose newest entry is not older is accepted: the withdrawal.
    store
        .update(SignedList::De(&without_x), UpdateOptions::default())
        .unwrap();
    assert_eq!(store.trust_list().unwrap().len(), 1);
    let qr = sample_qr("vn-vaccination-es256");
    let verifier = Verifier::default().with_store(&store);
    assert_eq!(
        verifier.verify_at(&qr, sample_time()).outcome,
        Outcome::Invalid {
            reason: InvalidReason::UnknownSigner
        }
    );
    assert_eq!(
        store
            .update(SignedList::De(&with_x), UpdateOptions::default())
            .unwrap_err(),
        UpdateError::Superseded
    );
    assert_eq!(store.trust_list().unwrap().len(), 1);
    // After a restart, and from another store, too: the history is on disk.
    let reopened = open(&dir, key.anchors());
    assert_eq!(
        reopened
            .update(SignedList::De(&with_x), UpdateOptions::default())
            .unwrap_err()
            .code(),
        "superseded"
    );
    // The same list again is a re-download, not a replay.
    reopened
        .update(SignedList::De(&without_x), UpdateOptions::default())
        .unwrap();
    // Forcing takes it back; the list it replaces is then the superseded one.
    let forced = UpdateOptions {
        fetched_at: None,
        force: true,
    };
    reopened.update(SignedList::De(&with_x), forced).unwrap();
    assert_eq!(reopened.trust_list().unwrap().len(), 2);
    assert_eq!(
        reopened
            .update(SignedList::De(&without_x), UpdateOptions::default())
            .unwrap_err(),
        UpdateError::Superseded
    );
}

/// Issue 10 item 1: where the signature carries an issue time, it decides. The Austrian list
/// signed later is taken although its `nbf` is earlier; the one signed earlier is refused
/// although its `nbf` is later (before the fix, `nbf` decided both ways).
#[test]
fn austrian_lists_are_ordered_by_their_signed_issue_time() {
    let dir = scratch_dir("store-rollback-iat");
    let key = TestKey::new();
    let store = open(&dir, key.anchors());
    let now = sample_time();
    let (exp, day) = (now + 86_400, 86_400);
    let both = at_entries(&["dsc-vn-es256", "dsc-vn-ps256"]);
    let one = at_entries(&["dsc-vn-ps256"]);
    let update = |(content, signature): &(Vec<u8>, Vec<u8>)| {
        store.update(
            SignedList::At { content, signature },
            UpdateOptions::default(),
        )
    };
    update(&at_pair_with_iat(
        &key,
        &both,
        now - day,
        exp,
        now - 2 * day,
    ))
    .unwrap();
    assert_eq!(
        store.trust_list().unwrap().provenance().issued_at,
        Some(now - 2 * day)
    );
    // Signed a day later, valid from earlier, withdrawing a DSC: taken.
    update(&at_pair_with_iat(&key, &one, now - 3 * day, exp, now - day)).unwrap();
    assert_eq!(store.trust_list().unwrap().len(), 1);
    // Signed between the two, with the latest nbf: refused.
    assert_eq!(
        update(&at_pair_with_iat(
            &key,
            &both,
            now - 60,
            exp,
            now - 2 * day + 1
        ))
        .unwrap_err(),
        UpdateError::Rollback {
            in_force: Some(now - day),
            offered: Some(now - 2 * day + 1)
        }
    );
    // Without iat, the signed nbf is the issue time.
    let (content, signature) = at_pair(&key, &both, now - 60, exp);
    store
        .update(
            SignedList::At {
                content: &content,
                signature: &signature,
            },
            UpdateOptions::default(),
        )
        .unwrap();
    assert_eq!(
        open(&dir, key.anchors())
            .trust_list()
            .unwrap()
            .provenance()
            .issued_at,
        Some(now - 60)
    );
}

/// Issue 10 item 3: opening a store removes nothing (before the fix it removed every temporary
/// file, including one a running update was writing). Updates remove leftovers, and only
/// while they hold the directory lock, which every writer holds while its file exists.
#[cfg(unix)]
#[test]
fn temporary_files_are_removed_only_under_the_directory_lock() {
    let dir = scratch_dir("store-temp-files");
    let key = TestKey::new();
    let list = de_list(
        &key,
        &sample_entries(&["dsc-vn-es256"], "2026-01-01T00:00:00Z"),
    );
    let in_progress = dir.join(format!("{}999999.0", TrustStore::TEMP_PREFIX));
    // Another writer: it holds the lock and is writing its temporary file.
    let lock = std::fs::File::open(&dir).unwrap();
    lock.lock().unwrap();
    std::fs::write(&in_progress, b"half a cache").unwrap();
    std::thread::scope(|scope| {
        // Opening reads under a shared lock, so it waits for the writer, and removes nothing.
        let opening = scope.spawn(|| open(&dir, key.anchors()));
        std::thread::sleep(std::time::Duration::from_millis(200));
        assert!(
            in_progress.exists(),
            "removed while its writer held the lock"
        );
        assert!(!opening.is_finished(), "read while an update held the lock");
        lock.unlock().unwrap();
        let store = opening.join().unwrap();
        assert!(in_progress.exists(), "opening removed a temporary file");
        // The writer is gone (it released the lock without renaming its file): the next update
        // finds the file under the lock, so it is a leftover, and removes it.
        store
            .update(SignedList::De(&list), UpdateOptions::default())
            .unwrap();
    });
    assert_eq!(temp_files(&dir), Vec::<String>::new());
}

/// Issue 10 item 5: the header's format is not signed, so a cache claiming "json" must not
/// load where anchors are configured (before the fix it loaded, unsigned, and verified
/// certificates). Unsigned lists need the explicit `open_allowing_unsigned`.
#[test]
fn a_planted_unsigned_cache_does_not_load_in_a_store_with_anchors() {
    let dir = scratch_dir("store-planted-unsigned");
    let key = TestKey::new();
    let signed = open(&dir, key.anchors());
    signed
        .update(
            SignedList::De(&de_list(
                &key,
                &sample_entries(&["dsc-vn-ps256"], "2026-01-01T00:00:00Z"),
            )),
            UpdateOptions::default(),
        )
        .unwrap();
    // An attacker who can write the directory puts an unsigned list of their own there.
    let elsewhere = scratch_dir("store-planted-unsigned-source");
    open(&elsewhere, dcc_verify::Anchors::new())
        .update_unsigned(UnsignedList::Json(&sample_json()), UpdateOptions::default())
        .unwrap();
    std::fs::copy(
        elsewhere.join(TrustStore::CACHE_FILE),
        dir.join(TrustStore::CACHE_FILE),
    )
    .unwrap();
    let store = open(&dir, key.anchors());
    assert_eq!(store.load_error(), Some(&LoadError::UnsignedNotAllowed));
    assert!(store.trust_list().is_none());
    let verifier = Verifier::default().with_store(&store);
    assert_eq!(
        verifier
            .verify_at(&sample_qr("vn-vaccination-es256"), sample_time())
            .outcome,
        Outcome::Undecidable {
            reason: UndecidableReason::NoTrustList
        }
    );
    // Nor does such a store take an unsigned update.
    assert_eq!(
        store
            .update_unsigned(UnsignedList::Json(&sample_json()), UpdateOptions::default())
            .unwrap_err(),
        UpdateError::UnsignedNotAllowed
    );
    // Asked for explicitly, the unsigned list loads, and says it is unsigned.
    let allowing = TrustStore::open_allowing_unsigned(&dir, key.anchors());
    assert_eq!(allowing.load_error(), None);
    assert!(!allowing.trust_list().unwrap().provenance().is_signed());
}

/// Issue 10 item 5: anti-rollback state lives apart from the cache. Before the fix, a corrupt
/// (or deleted) cache left the store with nothing to compare with, and any older list went in.
#[test]
fn a_corrupt_cache_does_not_switch_anti_rollback_off() {
    let dir = scratch_dir("store-corrupt-rollback");
    let key = TestKey::new();
    let january = de_list(
        &key,
        &sample_entries(&["dsc-vn-es256"], "2026-01-01T00:00:00Z"),
    );
    let february = de_list(
        &key,
        &sample_entries(&["dsc-vn-ps256"], "2026-02-01T00:00:00Z"),
    );
    open(&dir, key.anchors())
        .update(SignedList::De(&february), UpdateOptions::default())
        .unwrap();
    let cache = dir.join(TrustStore::CACHE_FILE);
    for damage in [Some(b"not a cache".to_vec()), None] {
        match &damage {
            Some(bytes) => std::fs::write(&cache, bytes).unwrap(),
            None => std::fs::remove_file(&cache).unwrap(),
        }
        let store = open(&dir, key.anchors());
        assert!(store.trust_list().is_none());
        assert!(matches!(
            store.update(SignedList::De(&january), UpdateOptions::default()),
            Err(UpdateError::Rollback { .. })
        ));
        // The newest list (or the same again) is still taken.
        store
            .update(SignedList::De(&february), UpdateOptions::default())
            .unwrap();
    }
}

/// Issue 10 item 5: a cache the history says was replaced, put back in the directory, does
/// not load.
#[test]
fn a_superseded_cache_put_back_does_not_load() {
    let dir = scratch_dir("store-cache-put-back");
    let key = TestKey::new();
    let store = open(&dir, key.anchors());
    let january = de_list(
        &key,
        &sample_entries(&["dsc-vn-es256"], "2026-01-01T00:00:00Z"),
    );
    let february = de_list(
        &key,
        &sample_entries(&["dsc-vn-ps256"], "2026-02-01T00:00:00Z"),
    );
    store
        .update(SignedList::De(&january), UpdateOptions::default())
        .unwrap();
    let january_file = cache_bytes(&dir);
    store
        .update(SignedList::De(&february), UpdateOptions::default())
        .unwrap();
    std::fs::write(dir.join(TrustStore::CACHE_FILE), january_file).unwrap();
    assert_eq!(
        open(&dir, key.anchors()).load_error(),
        Some(&LoadError::RolledBack)
    );
}

/// Issue 10 item 4 (library side): the cache is written before the history. Killed in between,
/// the directory holds the new cache and the old history; the new list loads, and the list it
/// replaced still counts as replaced.
#[test]
fn a_kill_between_the_cache_and_the_history_loses_nothing() {
    let dir = scratch_dir("store-kill-before-history");
    let key = TestKey::new();
    let mut entries = sample_entries(&["dsc-vn-es256"], "2026-01-01T00:00:00Z");
    entries.extend(sample_entries(&["dsc-vn-ps256"], "2026-01-15T00:00:00Z"));
    let (with_x, without_x) = (de_list(&key, &entries), de_list(&key, &entries[1..]));
    let store = open(&dir, key.anchors());
    store
        .update(SignedList::De(&with_x), UpdateOptions::default())
        .unwrap();
    let history = dir.join(TrustStore::HISTORY_FILE);
    let old_history = std::fs::read(&history).unwrap();
    store
        .update(SignedList::De(&without_x), UpdateOptions::default())
        .unwrap();
    std::fs::write(&history, old_history).unwrap();

    let reopened = open(&dir, key.anchors());
    assert_eq!(reopened.load_error(), None);
    assert_eq!(reopened.trust_list().unwrap().len(), 1);
    assert_eq!(
        reopened
            .update(SignedList::De(&with_x), UpdateOptions::default())
            .unwrap_err(),
        UpdateError::Superseded
    );
}

/// Issue 10 item 6: a fetch time beyond the clock skew in the future would make the list
/// "age 0" for ever; before the fix it was recorded as given.
#[test]
fn a_fetch_time_in_the_future_is_refused() {
    let dir = scratch_dir("store-future-fetch");
    let key = TestKey::new();
    let store = open(&dir, key.anchors());
    let list = de_list(
        &key,
        &sample_entries(&["dsc-vn-es256"], "2026-01-01T00:00:00Z"),
    );
    let at = |fetched_at| UpdateOptions {
        fetched_at: Some(fetched_at),
        force: false,
    };
    let future = sample_time() + 3600;
    assert_eq!(
        store.update(SignedList::De(&list), at(future)).unwrap_err(),
        UpdateError::FetchedInFuture {
            fetched_at: future,
            now: sample_time()
        }
    );
    assert!(store.trust_list().is_none());
    // Within the clock skew it is a clock difference, and taken.
    store
        .update(SignedList::De(&list), at(sample_time() + 120))
        .unwrap();
}

/// Issue 10 item 6: a list fetched after the verification time (by more than the clock skew)
/// has no age: it is reported stale, and refused where an age limit applies. Before the fix it
/// was "age 0", fresh.
#[test]
fn a_negative_age_is_unknown_and_stale() {
    let key = TestKey::new();
    let list = de_list(
        &key,
        &sample_entries(&["dsc-vn-es256"], "2026-01-01T00:00:00Z"),
    );
    let (trust, _) =
        dcc_verify::TrustList::from_signed(SignedList::De(&list), &key.anchors(), sample_time())
            .unwrap();
    let fetched_at = sample_time();
    let trust = trust.with_fetched_at(fetched_at);
    let qr = sample_qr("vn-vaccination-es256");
    let verifier = Verifier::new(Settings {
        refuse_after: Some(7 * 86_400),
        ..Settings::default()
    })
    .with_trust_list(trust);
    let a_day_before = verifier.verify_at(&qr, fetched_at - 86_400);
    let status = a_day_before.trust_list.unwrap();
    assert_eq!((status.age_seconds, status.stale), (None, true));
    assert_eq!(
        a_day_before.outcome,
        Outcome::Undecidable {
            reason: UndecidableReason::TrustListExpired
        }
    );
    // A minute before is clock skew: age 0, fresh.
    let a_minute_before = verifier.verify_at(&qr, fetched_at - 60);
    let status = a_minute_before.trust_list.unwrap();
    assert_eq!((status.age_seconds, status.stale), (Some(0), false));
    assert_eq!(a_minute_before.outcome, Outcome::Valid);
}
