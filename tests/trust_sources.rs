//! Several trust sources in one verifier: the signer's source is named; each source is
//! refreshed, rolled back and aged on its own; a verification sees every source whole.

mod trust_fixtures;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use dcc_verify::trust::Environment;
use dcc_verify::{
    Anchors, FixedClock, InvalidReason, ListFormat, Outcome, Settings, SignedList, TrustList,
    TrustStore, UndecidableReason, UpdateError, UpdateOptions, Verification, Verifier,
};
use trust_fixtures::*;

const DAY: i64 = 24 * 3600;

/// A list of the named sample DSCs (TEST keys), fetched at `fetched_at`.
fn list_of(names: &[&str], fetched_at: i64) -> TrustList {
    let mut list = TrustList::new();
    for name in names {
        list.add_der(&sample_der(name)).unwrap();
    }
    list.with_fetched_at(fetched_at)
}

fn verifier(settings: Settings) -> Verifier {
    Verifier::new(settings).with_clock(FixedClock(sample_time()))
}

fn source_name(verification: &Verification) -> Option<&str> {
    let source = verification.signer.as_ref()?.source.as_ref()?;
    Some(source.name.as_str())
}

fn who_prod_list() -> Vec<u8> {
    std::fs::read(format!(
        "{MANIFEST}/testdata/who/trustlists/prod/v2-trustlist.did.json"
    ))
    .unwrap()
}

fn who_prod_anchors() -> Anchors {
    let pem = std::fs::read(format!(
        "{MANIFEST}/testdata/who/signers/who-prod-signer.pem"
    ))
    .unwrap();
    Anchors::from_pem(&pem).unwrap()
}

#[test]
fn the_signer_is_named_by_the_source_that_lists_it() {
    let now = sample_time();
    let verifier = verifier(Settings::default())
        .with_source("who", list_of(&["dsc-vn-ps256"], now))
        .with_source("de", list_of(&["dsc-vn-es256"], now));
    let es256 = verifier.verify(&sample_qr("vn-vaccination-es256"));
    assert!(es256.is_valid(), "{:?}", es256.outcome);
    assert_eq!(source_name(&es256), Some("de"));
    let ps256 = verifier.verify(&sample_qr("vn-vaccination-ps256"));
    assert!(ps256.is_valid(), "{:?}", ps256.outcome);
    assert_eq!(source_name(&ps256), Some("who"));
    // The JSON names it too, with the list's format and time.
    let json = ps256.to_json_value();
    assert_eq!(json["source"]["name"], "who");
    assert_eq!(json["source"]["signed"], false);
    // In neither: every source was consulted, none knows it.
    let unknown = verifier.verify(&sample_qr("vn-vaccination-unknown-signer"));
    assert_eq!(
        unknown.outcome,
        Outcome::Invalid {
            reason: InvalidReason::UnknownSigner
        }
    );
    assert!(unknown.signer.is_none());
    assert_eq!(unknown.to_json_value()["source"], serde_json::Value::Null);
}

#[test]
fn a_signer_in_several_sources_is_named_by_the_first_and_removing_it_falls_back() {
    let now = sample_time();
    let verifier = verifier(Settings::default())
        .with_source("first", list_of(&["dsc-vn-es256"], now))
        .with_source("second", list_of(&["dsc-vn-es256", "dsc-vn-ps256"], now));
    let qr = sample_qr("vn-vaccination-es256");
    assert_eq!(source_name(&verifier.verify(&qr)), Some("first"));
    assert!(verifier.remove_source("first"));
    assert!(!verifier.remove_source("first"));
    let after = verifier.verify(&qr);
    assert!(after.is_valid());
    assert_eq!(source_name(&after), Some("second"));
    let names: Vec<String> = verifier.sources().into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["second"]);
}

#[test]
fn the_most_telling_failure_over_all_sources_is_reported() {
    // The tampered sample's kid is unknown to "a" and fails against its key in "b": the
    // signature failure is reported, not the unknown signer.
    let now = sample_time();
    let verifier = verifier(Settings::default())
        .with_source("a", list_of(&["dsc-vn-ps256"], now))
        .with_source("b", list_of(&["dsc-vn-es256"], now));
    let tampered = verifier.verify(&sample_qr("vn-vaccination-tampered"));
    assert_eq!(
        tampered.outcome,
        Outcome::Invalid {
            reason: InvalidReason::SignatureInvalid
        }
    );
}

// Freshness with several sources.

#[test]
fn the_signers_source_decides_staleness() {
    let now = sample_time();
    let verifier = verifier(Settings::default())
        .with_source("fresh", list_of(&["dsc-vn-es256"], now - 3600))
        .with_source("old", list_of(&["dsc-vn-ps256"], now - 400 * DAY));
    let fresh = verifier.verify(&sample_qr("vn-vaccination-es256"));
    let status = fresh.trust_list.unwrap();
    assert!(!status.stale);
    assert_eq!(status.age_seconds, Some(3600));
    let old = verifier.verify(&sample_qr("vn-vaccination-ps256"));
    assert!(old.is_valid(), "stale is a warning, not a refusal");
    assert!(old.trust_list.unwrap().stale);
    assert_eq!(old.trust_list.unwrap().age_seconds, Some(400 * DAY));
    // No signer: the weakest source is reported.
    let unknown = verifier.verify(&sample_qr("vn-vaccination-unknown-signer"));
    assert_eq!(unknown.trust_list.unwrap().age_seconds, Some(400 * DAY));
}

#[test]
fn refuse_after_counts_the_signers_source_only() {
    let now = sample_time();
    let settings = Settings {
        refuse_after: Some(30 * DAY),
        ..Settings::default()
    };
    let verifier = verifier(settings)
        .with_source("fresh", list_of(&["dsc-vn-es256"], now - DAY))
        .with_source("expired", list_of(&["dsc-vn-ps256"], now - 60 * DAY));
    assert!(verifier
        .verify(&sample_qr("vn-vaccination-es256"))
        .is_valid());
    assert_eq!(
        verifier.verify(&sample_qr("vn-vaccination-ps256")).outcome,
        Outcome::Undecidable {
            reason: UndecidableReason::TrustListExpired
        }
    );
}

#[test]
fn an_unknown_signer_is_undecidable_while_any_source_is_past_refuse_after() {
    let now = sample_time();
    let settings = Settings {
        refuse_after: Some(30 * DAY),
        ..Settings::default()
    };
    let qr = sample_qr("vn-vaccination-unknown-signer");
    // A fresh list of the expired source might know the signer.
    let with_expired = verifier(settings.clone())
        .with_source("fresh", list_of(&["dsc-vn-es256"], now - DAY))
        .with_source("expired", list_of(&["dsc-vn-ps256"], now - 60 * DAY));
    assert_eq!(
        with_expired.verify(&qr).outcome,
        Outcome::Undecidable {
            reason: UndecidableReason::TrustListExpired
        }
    );
    // Every source within its age: a signer none lists is unknown.
    let all_fresh = verifier(settings)
        .with_source("fresh", list_of(&["dsc-vn-es256"], now - DAY))
        .with_source("also-fresh", list_of(&["dsc-vn-ps256"], now - 2 * DAY));
    assert_eq!(
        all_fresh.verify(&qr).outcome,
        Outcome::Invalid {
            reason: InvalidReason::UnknownSigner
        }
    );
}

#[test]
fn no_trust_list_means_no_source_has_a_list() {
    let empty = scratch_dir("sources-no-list");
    let store = TrustStore::open(&empty, Anchors::new());
    assert!(store.trust_list().is_none());
    let verifier = verifier(Settings::default()).with_store_source("cache", &store);
    let qr = sample_qr("vn-vaccination-es256");
    assert_eq!(
        verifier.verify(&qr).outcome,
        Outcome::Undecidable {
            reason: UndecidableReason::NoTrustList
        }
    );
    // One source with a list is enough to decide; the empty one is skipped.
    verifier.set_source("memory", list_of(&["dsc-vn-es256"], sample_time()));
    let decided = verifier.verify(&qr);
    assert!(decided.is_valid());
    assert_eq!(source_name(&decided), Some("memory"));
}

// Stores: one list per directory, a source per store.

/// A verifier on two stores: "who" with the real WHO production list, "de" with a German-format
/// list of sample DSCs signed by `key` with the entries' `timestamp`.
struct TwoStores {
    who: TrustStore,
    de: TrustStore,
    key: TestKey,
    verifier: Verifier,
}

fn two_stores(name: &str) -> TwoStores {
    let who = TrustStore::open(scratch_dir(&format!("{name}-who")), who_prod_anchors())
        .with_clock(FixedClock(sample_time()));
    who.update(SignedList::Who(&who_prod_list()), UpdateOptions::default())
        .unwrap();
    let key = TestKey::new();
    let de = TrustStore::open(scratch_dir(&format!("{name}-de")), key.anchors())
        .with_clock(FixedClock(sample_time()));
    let list = de_list(
        &key,
        &sample_entries(&["dsc-vn-es256"], "2026-01-01T00:00:00Z"),
    );
    de.update(SignedList::De(&list), UpdateOptions::default())
        .unwrap();
    let verifier = verifier(Settings::default())
        .with_store_source("who", &who)
        .with_store_source("de", &de);
    TwoStores {
        who,
        de,
        key,
        verifier,
    }
}

fn list_in_force(verifier: &Verifier, name: &str) -> Arc<TrustList> {
    verifier
        .sources()
        .into_iter()
        .find(|(n, _)| n == name)
        .and_then(|(_, list)| list)
        .unwrap()
}

#[test]
fn refreshing_one_store_leaves_the_other_in_force() {
    let stores = two_stores("sources-refresh");
    let who_before = list_in_force(&stores.verifier, "who");
    assert_eq!(
        who_before.provenance().environment,
        Some(Environment::Production)
    );
    let es256 = stores.verifier.verify(&sample_qr("vn-vaccination-es256"));
    assert!(es256.is_valid());
    let source = es256.signer.unwrap().source.unwrap();
    assert_eq!(source.name, "de");
    assert_eq!(source.format, Some(ListFormat::De));
    assert!(source.signed);
    let ps256 = sample_qr("vn-vaccination-ps256");
    assert!(!stores.verifier.verify(&ps256).is_valid());

    // A newer German-format list adds the PS256 DSC.
    let newer = de_list(
        &stores.key,
        &sample_entries(&["dsc-vn-es256", "dsc-vn-ps256"], "2026-02-01T00:00:00Z"),
    );
    stores
        .de
        .update(SignedList::De(&newer), UpdateOptions::default())
        .unwrap();
    let after = stores.verifier.verify(&ps256);
    assert!(after.is_valid(), "{:?}", after.outcome);
    assert_eq!(source_name(&after), Some("de"));
    // The WHO source is the very list it was.
    assert!(Arc::ptr_eq(
        &who_before,
        &list_in_force(&stores.verifier, "who")
    ));
    assert!(Arc::ptr_eq(&who_before, &stores.who.trust_list().unwrap()));
}

#[test]
fn a_rollback_of_one_store_is_refused_without_touching_the_other() {
    let stores = two_stores("sources-rollback");
    let who_before = list_in_force(&stores.verifier, "who");
    let de_before = list_in_force(&stores.verifier, "de");
    let older = de_list(
        &stores.key,
        &sample_entries(&["dsc-vn-es256", "dsc-vn-ps256"], "2025-01-01T00:00:00Z"),
    );
    assert!(matches!(
        stores
            .de
            .update(SignedList::De(&older), UpdateOptions::default()),
        Err(UpdateError::Rollback { .. })
    ));
    // The refusing store serves the list on disk again: the same list, reloaded.
    let de_after = list_in_force(&stores.verifier, "de");
    assert_eq!(de_after.provenance(), de_before.provenance());
    assert_eq!(de_after.len(), de_before.len());
    assert!(Arc::ptr_eq(
        &who_before,
        &list_in_force(&stores.verifier, "who")
    ));
    // The older list's extra DSC did not get in.
    assert!(!stores
        .verifier
        .verify(&sample_qr("vn-vaccination-ps256"))
        .is_valid());
}

#[test]
fn verifications_during_refreshes_see_every_source_whole() {
    let now = sample_time();
    let verifier = Arc::new(
        verifier(Settings::default())
            .with_source("steady", list_of(&["dsc-vn-es256"], now))
            .with_source("refreshed", list_of(&["dsc-vn-ps256"], now)),
    );
    let stop = Arc::new(AtomicBool::new(false));
    let workers: Vec<_> = (0..2)
        .map(|_| {
            let (verifier, stop) = (Arc::clone(&verifier), Arc::clone(&stop));
            std::thread::spawn(move || {
                let (es256, ps256) = (
                    sample_qr("vn-vaccination-es256"),
                    sample_qr("vn-vaccination-ps256"),
                );
                let mut rounds = 0;
                while !stop.load(Ordering::Relaxed) && rounds < 5_000 {
                    // The steady source is never seen missing.
                    let steady = verifier.verify(&es256);
                    assert!(steady.is_valid(), "{:?}", steady.outcome);
                    assert_eq!(source_name(&steady), Some("steady"));
                    // The refreshed one is one whole list or the other.
                    let refreshed = verifier.verify(&ps256);
                    match &refreshed.outcome {
                        Outcome::Valid => assert_eq!(source_name(&refreshed), Some("refreshed")),
                        Outcome::Invalid {
                            reason: InvalidReason::UnknownSigner,
                        } => {}
                        other => panic!("{other:?}"),
                    }
                    rounds += 1;
                }
                rounds
            })
        })
        .collect();
    for round in 0..500 {
        let names: &[&str] = if round % 2 == 0 {
            &["dsc-vn-expired"]
        } else {
            &["dsc-vn-ps256", "dsc-vn-expired"]
        };
        verifier.set_source("refreshed", list_of(names, now));
    }
    stop.store(true, Ordering::Relaxed);
    for worker in workers {
        assert!(worker.join().unwrap() > 0);
    }
}

// The real lists side by side.

#[cfg(feature = "embedded-trust")]
#[test]
fn the_embedded_default_holds_the_who_and_german_lists_verified() {
    use dcc_verify::trust::embedded;
    let verifier = Verifier::new(Settings::default())
        .with_embedded_sources()
        .unwrap();
    let sources = verifier.sources();
    let names: Vec<&str> = sources.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, [embedded::WHO_PRODUCTION, embedded::GERMAN_2023]);
    for (name, list) in &sources {
        let list = list.as_ref().unwrap();
        assert!(list.provenance().is_signed(), "{name}");
        assert!(list.provenance().fetched_at.is_some(), "{name}");
    }
    // Age counts from the snapshot dates: both stale at the sample time.
    let now = sample_time();
    for (_, list) in &sources {
        let status = verifier.settings().status_of(list.as_ref().unwrap(), now);
        assert!(status.stale && status.signed);
    }
}

/// Real certificates with the bundled lists: Uruguay's DSC `woowbyJtRFo=` is in the German list
/// of 2023-11 and in no WHO list; Spain's `tCM87WnaaQE=` is in the WHO production list.
#[cfg(feature = "embedded-trust")]
#[test]
fn real_certificates_name_the_bundled_source_that_lists_their_signer() {
    use dcc_verify::{parse_instant, trust::embedded};
    let verifier = Verifier::new(Settings::default())
        .with_embedded_sources()
        .unwrap();
    let uruguay = std::fs::read_to_string(format!(
        "{MANIFEST}/testdata/who-hcert/qr/gdhcn-validator-eu-uruguay2-ps256.txt"
    ))
    .unwrap();
    let at = parse_instant("2023-01-01T00:00:00Z").unwrap();
    let result = verifier.verify_at(uruguay.trim(), at);
    assert!(result.is_valid(), "{:?}", result.outcome);
    let source = result.signer.unwrap().source.unwrap();
    assert_eq!(source.name, embedded::GERMAN_2023);
    assert_eq!(source.format, Some(ListFormat::De));
    assert!(source.signed);

    let spain: serde_json::Value = serde_json::from_slice(
        &std::fs::read(format!(
            "{MANIFEST}/testdata/dgc-testdata/ES/2DCode/raw/203.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let at = parse_instant("2021-06-01T00:00:00Z").unwrap();
    let result = verifier.verify_at(spain["PREFIX"].as_str().unwrap(), at);
    assert!(result.is_valid(), "{:?}", result.outcome);
    let signer = result.signer.unwrap();
    assert_eq!(signer.participant.as_deref(), Some("ESP"));
    let source = signer.source.unwrap();
    assert_eq!(source.name, embedded::WHO_PRODUCTION);
    assert_eq!(source.environment, Some(Environment::Production));
    // Without the German source, Uruguay's signer is unknown: the WHO list does not have it.
    assert!(verifier.remove_source(embedded::GERMAN_2023));
    let at = parse_instant("2023-01-01T00:00:00Z").unwrap();
    assert_eq!(
        verifier.verify_at(uruguay.trim(), at).outcome,
        Outcome::Invalid {
            reason: InvalidReason::UnknownSigner
        }
    );
}
