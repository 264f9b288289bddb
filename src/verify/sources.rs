//! The trust sources a verifier consults: several named lists (the live WHO list, the last
//! EU-gateway snapshot, ...), each replaced on its own. A verification reads every source's
//! list once, when it starts, and keeps them to the end.

use std::sync::Arc;

use crate::trust::{TrustList, TrustSlot};

/// A named source: its list in force, shared with the [`TrustStore`](crate::TrustStore) it
/// follows, if any.
#[derive(Debug, Clone)]
pub(super) struct Source {
    pub(super) name: Arc<str>,
    pub(super) slot: TrustSlot,
}

/// One source's list as a verification found it.
#[derive(Debug, Clone)]
pub(super) struct SourceList {
    pub(super) name: Arc<str>,
    pub(super) list: Arc<TrustList>,
}

/// The lists of every source that has one, in the order the sources were added.
pub(super) fn snapshot(sources: &[Source]) -> Vec<SourceList> {
    sources
        .iter()
        .filter_map(|source| {
            source.slot.get().map(|list| SourceList {
                name: Arc::clone(&source.name),
                list,
            })
        })
        .collect()
}
