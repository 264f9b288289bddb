//! Trust: the document signer certificates a verifier accepts, indexed by key identifier.

mod dsc;
mod unsigned;

pub use dsc::{Dsc, DscError, KeyUsage, Kid};
pub use unsigned::{ImportReport, SkipReason, Skipped, TrustListError};

use std::collections::HashMap;
use std::sync::Arc;

/// An immutable set of trusted DSCs, indexed by kid.
///
/// Several DSCs may share a kid (the kid is a truncated hash); the specification requires a
/// verifier to try each of them.
#[derive(Debug, Default, Clone)]
pub struct TrustList {
    by_kid: HashMap<Kid, Vec<Arc<Dsc>>>,
    len: usize,
}

impl TrustList {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a DSC under the kid computed from its DER encoding. Adding the same certificate
    /// twice keeps one copy.
    pub fn add(&mut self, dsc: Dsc) {
        let same_kid = self.by_kid.entry(dsc.kid()).or_default();
        if same_kid.iter().all(|known| known.der() != dsc.der()) {
            same_kid.push(Arc::new(dsc));
            self.len += 1;
        }
    }

    /// Parses and adds a DSC given as DER.
    pub fn add_der(&mut self, der: &[u8]) -> Result<Kid, DscError> {
        let dsc = Dsc::from_der(der)?;
        let kid = dsc.kid();
        self.add(dsc);
        Ok(kid)
    }

    /// The DSCs whose kid is `kid`.
    pub fn signers(&self, kid: &Kid) -> &[Arc<Dsc>] {
        self.by_kid.get(kid).map_or(&[], Vec::as_slice)
    }

    /// Every DSC, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = &Arc<Dsc>> {
        self.by_kid.values().flatten()
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl FromIterator<Dsc> for TrustList {
    fn from_iter<I: IntoIterator<Item = Dsc>>(iter: I) -> Self {
        let mut list = Self::new();
        for dsc in iter {
            list.add(dsc);
        }
        list
    }
}
