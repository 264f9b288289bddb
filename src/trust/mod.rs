//! Trust: the document signer certificates a verifier accepts, indexed by key identifier; where
//! they come from ([`formats`], checked against [`Anchors`]), and where they are kept between
//! runs ([`TrustStore`]).

mod anchor;
mod dsc;
#[cfg(feature = "embedded-trust")]
pub mod embedded;
pub mod formats;
mod import;
mod provenance;
mod store;

pub use anchor::{AnchorError, AnchorId, Anchors};
pub use dsc::{Dsc, DscError, KeyUsage, Kid};
pub use formats::who::{Environment, Listing};
pub use formats::{ListFormat, SignedList, UnsignedList};
pub use import::{ImportReport, SkipReason, Skipped, TrustListError};
pub use provenance::Provenance;
pub use store::{LoadError, TrustStore, UpdateError, UpdateOptions};

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, OnceLock, RwLock};

/// An immutable set of trusted DSCs, indexed by kid, with where it came from.
///
/// Several DSCs may share a kid (the kid is a truncated hash); the specification requires a
/// verifier to try each of them. Certificates from an import are parsed on first use: an
/// import checks each entry's framing and kid, and a certificate that still fails to parse
/// later is treated as absent (see [`certificate_errors`](Self::certificate_errors)).
///
/// ```
/// use dcc_verify::{Anchors, SignedList, TrustList};
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// // The real German DSC list and the key that signs it.
/// let key = std::fs::read("testdata/trustlists/de-dsc-list-signing-key.pem")?;
/// let anchors = Anchors::from_pem(&key)?;
/// let list = std::fs::read("testdata/trustlists/de-dsc-list.signed")?;
/// let (trust, report) = TrustList::from_signed(SignedList::De(&list), &anchors, 1_780_272_000)?;
/// assert!(report.taken > 800); // every DSC of the EU gateway, with a reason for each one left out
/// assert_eq!(trust.len(), report.taken);
/// # Ok(())
/// # }
/// ```
#[derive(Default, Clone)]
pub struct TrustList {
    by_kid: HashMap<Kid, Vec<Arc<Entry>>>,
    len: usize,
    provenance: Provenance,
}

impl std::fmt::Debug for TrustList {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TrustList")
            .field("len", &self.len)
            .field("provenance", &self.provenance)
            .finish_non_exhaustive()
    }
}

/// One listed certificate: DER and kid known at import, X.509 parsed when first needed.
#[derive(Debug)]
struct Entry {
    der: Box<[u8]>,
    listed_country: Option<String>,
    listing: Option<Listing>,
    dsc: OnceLock<Result<Arc<Dsc>, DscError>>,
}

impl Entry {
    fn dsc(&self) -> Result<&Arc<Dsc>, &DscError> {
        self.dsc
            .get_or_init(|| {
                Dsc::from_der(&self.der).map(|dsc| Arc::new(dsc.with_listing(self.listing.clone())))
            })
            .as_ref()
    }
}

impl TrustList {
    /// An empty list.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a DSC under the kid computed from its DER encoding. Adding the same certificate
    /// twice keeps one copy.
    ///
    /// A certificate that cannot sign health certificates is refused
    /// ([`DscError::NotASigner`]): a certificate authority (basicConstraints cA=TRUE), or a
    /// keyUsage without digitalSignature. Trust-list imports skip the same ones (`not-dsc`).
    pub fn add(&mut self, dsc: Dsc) -> Result<(), DscError> {
        dsc::check_signer(dsc.der()).map_err(|_| DscError::NotASigner)?;
        let entry = Entry {
            der: dsc.der().into(),
            listed_country: None,
            listing: dsc.listing().cloned(),
            dsc: OnceLock::from(Ok(Arc::new(dsc))),
        };
        self.insert(Kid::of_certificate(&entry.der), entry);
        Ok(())
    }

    /// Parses and adds a DSC given as DER (refused as [`add`](Self::add) says).
    pub fn add_der(&mut self, der: &[u8]) -> Result<Kid, DscError> {
        let dsc = Dsc::from_der(der)?;
        let kid = dsc.kid();
        self.add(dsc)?;
        Ok(kid)
    }

    /// Adds a certificate to be parsed on first use; `kid` must be the one computed from `der`.
    /// Returns false, adding nothing, when the same certificate is already listed.
    fn add_unparsed(
        &mut self,
        kid: Kid,
        der: Vec<u8>,
        listed_country: Option<String>,
        listing: Option<Listing>,
    ) -> bool {
        let entry = Entry {
            der: der.into_boxed_slice(),
            listed_country,
            listing,
            dsc: OnceLock::new(),
        };
        self.insert(kid, entry)
    }

    fn insert(&mut self, kid: Kid, entry: Entry) -> bool {
        let same_kid = self.by_kid.entry(kid).or_default();
        if same_kid.iter().any(|known| known.der == entry.der) {
            return false;
        }
        same_kid.push(Arc::new(entry));
        self.len += 1;
        true
    }

    /// The usable DSCs whose kid is `kid`.
    pub fn signers(&self, kid: &Kid) -> impl Iterator<Item = &Arc<Dsc>> + '_ {
        self.by_kid
            .get(kid)
            .into_iter()
            .flatten()
            .filter_map(|entry| entry.dsc().ok())
    }

    /// Every usable DSC, in no particular order (parses every certificate not yet parsed).
    pub fn iter(&self) -> impl Iterator<Item = &Arc<Dsc>> {
        self.entries().filter_map(|entry| entry.dsc().ok())
    }

    /// The listed certificates that do not parse, with why (parses every certificate not yet
    /// parsed). Such entries count in [`len`](Self::len) but never verify anything.
    pub fn certificate_errors(&self) -> Vec<(Kid, DscError)> {
        let mut errors: Vec<_> = self
            .by_kid
            .iter()
            .flat_map(|(kid, entries)| entries.iter().map(move |e| (*kid, e)))
            .filter_map(|(kid, entry)| entry.dsc().err().map(|e| (kid, e.clone())))
            .collect();
        errors.sort_by_key(|(kid, _)| *kid);
        errors
    }

    /// How many certificates each issuer has: the country the list gives for the entry, else
    /// the certificate subject's; `None` when neither names one.
    pub fn countries(&self) -> BTreeMap<Option<String>, usize> {
        let mut counts = BTreeMap::new();
        for entry in self.entries() {
            let country = entry.listed_country.clone().or_else(|| {
                entry
                    .dsc()
                    .ok()
                    .and_then(|dsc| dsc.country().map(str::to_owned))
            });
            *counts.entry(country).or_insert(0) += 1;
        }
        counts
    }

    /// How many certificates each participant of a WHO list has (alpha-3 or test codes);
    /// empty for other formats.
    pub fn participants(&self) -> BTreeMap<String, usize> {
        self.count_listings(|listing| &listing.participant)
    }

    /// How many certificates each trust domain of a WHO list has (`DCC`, `PH4H`, ...); empty
    /// for other formats.
    pub fn domains(&self) -> BTreeMap<String, usize> {
        self.count_listings(|listing| &listing.domain)
    }

    fn count_listings(&self, key: impl Fn(&Listing) -> &String) -> BTreeMap<String, usize> {
        let mut counts = BTreeMap::new();
        for listing in self.entries().filter_map(|e| e.listing.as_ref()) {
            *counts.entry(key(listing).clone()).or_insert(0) += 1;
        }
        counts
    }

    fn entries(&self) -> impl Iterator<Item = &Arc<Entry>> {
        self.by_kid.values().flatten()
    }

    /// Number of listed certificates.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the list has no certificate.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Where the list came from, whether it was signed, and when it was fetched.
    pub fn provenance(&self) -> &Provenance {
        &self.provenance
    }

    /// Records when the list was fetched (Unix seconds); its age, and so its staleness, count
    /// from then.
    pub fn with_fetched_at(mut self, fetched_at: i64) -> Self {
        self.provenance.fetched_at = Some(fetched_at);
        self
    }
}

/// The trust list in force, shared by a [`TrustStore`] and the verifiers that use it: replacing
/// it swaps one `Arc`, so a reader sees the old list or the new one, whole.
#[derive(Debug, Default, Clone)]
pub(crate) struct TrustSlot(Arc<RwLock<Option<Arc<TrustList>>>>);

impl TrustSlot {
    pub(crate) fn get(&self) -> Option<Arc<TrustList>> {
        // A poisoned lock only means another thread panicked while swapping an Arc; the Arc
        // itself is always whole, so carry on with it.
        self.0.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    pub(crate) fn set(&self, list: Option<Arc<TrustList>>) {
        *self.0.write().unwrap_or_else(|e| e.into_inner()) = list;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(name: &str) -> Vec<u8> {
        std::fs::read(format!(
            "{}/testdata/samples/pki/{name}.crt.der",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap()
    }

    #[test]
    fn parses_on_first_use_and_hides_what_does_not_parse() {
        let good = sample("dsc-vn-es256");
        let good_kid = Kid::of_certificate(&good);
        // Framed like a certificate, but its contents are not one.
        let bad = vec![0x30, 0x07, 0x30, 0x00, 0x30, 0x00, 0x03, 0x01, 0x00];
        let bad_kid = Kid::of_certificate(&bad);
        let mut list = TrustList::new();
        assert!(list.add_unparsed(good_kid, good.clone(), Some("VN".into()), None));
        assert!(list.add_unparsed(bad_kid, bad, None, None));
        assert!(!list.add_unparsed(good_kid, good, None, None), "duplicate");
        assert_eq!(list.len(), 2);
        assert_eq!(list.signers(&good_kid).count(), 1);
        assert_eq!(list.signers(&bad_kid).count(), 0);
        assert_eq!(list.iter().count(), 1);
        assert_eq!(
            list.certificate_errors(),
            vec![(bad_kid, DscError::NotX509)]
        );
        let countries = list.countries();
        assert_eq!(countries.get(&Some("VN".to_owned())), Some(&1));
        assert_eq!(countries.get(&None), Some(&1));
    }

    #[test]
    fn several_certificates_under_one_kid_are_all_kept() {
        let (a, b) = (sample("dsc-vn-es256"), sample("dsc-vn-ps256"));
        let shared = Kid([7; 8]);
        let mut list = TrustList::new();
        assert!(list.add_unparsed(shared, a, None, None));
        assert!(list.add_unparsed(shared, b, None, None));
        assert_eq!(list.signers(&shared).count(), 2);
    }
}
