//! Where a trust list came from: its format, the anchor that signed it (if any), its own times
//! (what anti-rollback compares) and when it was fetched (what freshness counts from).

use super::{AnchorId, Environment, ListFormat};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
/// Where a trust list came from: its format, signature and times.
pub struct Provenance {
    /// The format it was imported from; `None` for a list built in code.
    pub format: Option<ListFormat>,
    /// The anchor whose key verified the list's signature; `None` when the list was unsigned.
    pub anchor: Option<AnchorId>,
    /// The list's own time, Unix seconds: the Austrian list's `nbf`, a WHO list's
    /// `proof.created`, else the newest entry timestamp (German and gateway-style JSON lists).
    /// Compared by anti-rollback when the list has no signed issue time.
    pub list_time: Option<i64>,
    /// When the list was issued, Unix seconds, as its signature attests (the Austrian
    /// signature's `iat`, else its `nbf`; the WHO proof's `created`); `None` for formats whose
    /// signature carries no time. Anti-rollback never accepts a list signed earlier than the
    /// newest one accepted.
    pub issued_at: Option<i64>,
    /// When the list was fetched, Unix seconds, as recorded by the store or the caller.
    pub fetched_at: Option<i64>,
    /// The GDHCN environment of a WHO list (production, acceptance, development).
    pub environment: Option<Environment>,
}

impl Provenance {
    /// True when an anchor verified the list's signature.
    pub fn is_signed(&self) -> bool {
        self.anchor.is_some()
    }

    /// Seconds since the list was fetched, as of `now`; `None` when the fetch time is unknown
    /// or after `now` (a negative age says nothing about how old the list is).
    pub fn age_at(&self, now: i64) -> Option<i64> {
        self.fetched_at
            .and_then(|fetched| now.checked_sub(fetched))
            .filter(|age| *age >= 0)
    }
}
