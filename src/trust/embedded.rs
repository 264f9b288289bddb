//! The bundled default trust sources (feature `embedded-trust`): the WHO GDHCN production list
//! (snapshot of 2026-08-22) and the German DSC list of 2023-11 (issuers that never joined the
//! GDHCN, Vietnam among them). Each is checked with its bundled signer key whenever it is
//! loaded, never trusted unverified, and carries its snapshot date as its fetch time, so its
//! age and staleness are what they really are.

use super::{Anchors, SignedList, TrustList, TrustListError};

/// The source name of the bundled WHO production list.
pub const WHO_PRODUCTION: &str = "who-prod";
/// The source name of the bundled German list.
pub const GERMAN_2023: &str = "de-2023-11";

const WHO_LIST: &[u8] = include_bytes!("../../testdata/who/trustlists/prod/v2-trustlist.did.json");
const WHO_KEY: &[u8] = include_bytes!("../../testdata/who/signers/who-prod-signer.pem");
/// 2026-08-22T00:00:00Z, the day the WHO snapshot was taken.
const WHO_FETCHED_AT: i64 = 1_787_356_800;

const GERMAN_LIST: &[u8] = include_bytes!("../../testdata/trustlists/de-dsc-list.signed");
const GERMAN_KEY: &[u8] = include_bytes!("../../testdata/trustlists/de-dsc-list-signing-key.pem");
/// 2023-12-11T00:00:00Z, the day the German list was copied (its newest entry is of 2023-11).
const GERMAN_FETCHED_AT: i64 = 1_702_252_800;

/// The bundled sources, each verified with its bundled key, in the order a verifier consults
/// them: the WHO production list, then the German list.
pub fn sources() -> Result<Vec<(&'static str, TrustList)>, TrustListError> {
    Ok(vec![
        (
            WHO_PRODUCTION,
            load(SignedList::Who(WHO_LIST), WHO_KEY, WHO_FETCHED_AT)?,
        ),
        (
            GERMAN_2023,
            load(SignedList::De(GERMAN_LIST), GERMAN_KEY, GERMAN_FETCHED_AT)?,
        ),
    ])
}

/// Verifies `list` with the PEM key `key` and dates it `fetched_at`.
fn load(list: SignedList<'_>, key: &[u8], fetched_at: i64) -> Result<TrustList, TrustListError> {
    let anchors = Anchors::from_pem(key).map_err(|_| TrustListError::NoAnchors)?;
    let (trust, _) = TrustList::from_signed(list, &anchors, fetched_at)?;
    Ok(trust.with_fetched_at(fetched_at))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trust::{Environment, Kid, ListFormat};

    #[test]
    fn both_lists_load_verified_and_dated() {
        let sources = sources().unwrap();
        let names: Vec<_> = sources.iter().map(|(name, _)| *name).collect();
        assert_eq!(names, [WHO_PRODUCTION, GERMAN_2023]);
        let (_, who) = &sources[0];
        assert!(who.provenance().is_signed());
        assert_eq!(who.provenance().format, Some(ListFormat::Who));
        assert_eq!(who.provenance().environment, Some(Environment::Production));
        assert_eq!(who.provenance().fetched_at, Some(WHO_FETCHED_AT));
        assert_eq!(who.len(), 438);
        let (_, german) = &sources[1];
        assert!(german.provenance().is_signed());
        assert_eq!(german.provenance().format, Some(ListFormat::De));
        assert_eq!(german.provenance().fetched_at, Some(GERMAN_FETCHED_AT));
        use base64::Engine;
        let vietnam = base64::engine::general_purpose::STANDARD
            .decode("ZtJVElOdWm0=")
            .unwrap();
        let vietnam = Kid::from_slice(&vietnam).unwrap();
        assert_eq!(german.signers(&vietnam).count(), 1);
        assert_eq!(who.signers(&vietnam).count(), 0);
    }

    /// Flips one bit at a time at a spread of places in each bundled list: the loader refuses
    /// every copy (the signature covers every byte it reads).
    #[test]
    fn a_tampered_list_is_refused() {
        for (list, key, format) in [
            (WHO_LIST, WHO_KEY, ListFormat::Who),
            (GERMAN_LIST, GERMAN_KEY, ListFormat::De),
        ] {
            for at in [list.len() / 3, list.len() / 2, list.len() - 40] {
                let mut tampered = list.to_vec();
                tampered[at] ^= 0x01;
                let signed = match format {
                    ListFormat::Who => SignedList::Who(&tampered),
                    _ => SignedList::De(&tampered),
                };
                assert!(
                    load(signed, key, 0).is_err(),
                    "{format:?} with byte {at} flipped"
                );
            }
            // The untampered bytes do load: the refusals above are the flips' doing.
            let signed = match format {
                ListFormat::Who => SignedList::Who(list),
                _ => SignedList::De(list),
            };
            assert!(load(signed, key, 0).is_ok());
        }
    }

    #[test]
    fn a_list_is_refused_with_the_other_lists_key() {
        assert!(load(SignedList::Who(WHO_LIST), GERMAN_KEY, 0).is_err());
        assert!(load(SignedList::De(GERMAN_LIST), WHO_KEY, 0).is_err());
    }
}
