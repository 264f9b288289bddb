//! Where "now" comes from. Always injectable, so tests, replays and apps with a trusted time
//! source decide it.

use std::time::{SystemTime, UNIX_EPOCH};

/// A source of the current time, Unix seconds.
pub trait Clock: Send + Sync {
    fn now(&self) -> i64;
}

/// The device's clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> i64 {
        match SystemTime::now().duration_since(UNIX_EPOCH) {
            Ok(since) => i64::try_from(since.as_secs()).unwrap_or(i64::MAX),
            // A clock before 1970 is a clock that was never set; the verifier reports it.
            Err(_) => 0,
        }
    }
}

/// A clock stopped at one instant.
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub i64);

impl Clock for FixedClock {
    fn now(&self) -> i64 {
        self.0
    }
}

/// 2020-01-01T00:00:00Z: no health certificate was signed before. A clock reading earlier has
/// not been set (a phone after a battery swap says 1970), and cannot judge expiry.
pub const EARLIEST_PLAUSIBLE_TIME: i64 = 1_577_836_800;
