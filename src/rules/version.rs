//! Semantic versions, as rules carry them (`Version`, `SchemaVersion`, `EngineVersion`).

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

/// A semantic version `MAJOR.MINOR.PATCH[-PRE-RELEASE][+BUILD]`, ordered by semver precedence
/// (build metadata does not count).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Version {
    /// Major version.
    pub major: u64,
    /// Minor version.
    pub minor: u64,
    /// Patch version.
    pub patch: u64,
    pre_release: Option<Box<str>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("not a semantic version (MAJOR.MINOR.PATCH)")]
/// The text is not `major.minor.patch`.
pub struct VersionError;

impl Version {
    /// The version `major.minor.patch`.
    pub const fn new(major: u64, minor: u64, patch: u64) -> Version {
        Version {
            major,
            minor,
            patch,
            pre_release: None,
        }
    }
}

impl FromStr for Version {
    type Err = VersionError;

    fn from_str(text: &str) -> Result<Version, VersionError> {
        let (text, _build) = text.split_once('+').unwrap_or((text, ""));
        let (core, pre_release) = match text.split_once('-') {
            Some((core, pre)) if !pre.is_empty() => (core, Some(pre.into())),
            Some(_) => return Err(VersionError),
            None => (text, None),
        };
        let mut numbers = core.split('.').map(|part| {
            let digits_only = !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
            digits_only
                .then(|| part.parse().ok())
                .flatten()
                .ok_or(VersionError)
        });
        let version = Version {
            major: numbers.next().ok_or(VersionError)??,
            minor: numbers.next().ok_or(VersionError)??,
            patch: numbers.next().ok_or(VersionError)??,
            pre_release,
        };
        match numbers.next() {
            None => Ok(version),
            Some(_) => Err(VersionError),
        }
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Version) -> Ordering {
        (self.major, self.minor, self.patch)
            .cmp(&(other.major, other.minor, other.patch))
            .then_with(|| match (&self.pre_release, &other.pre_release) {
                (None, None) => Ordering::Equal,
                // A pre-release comes before its release.
                (None, Some(_)) => Ordering::Greater,
                (Some(_), None) => Ordering::Less,
                (Some(a), Some(b)) => compare_pre_releases(a, b),
            })
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Version) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Dot-separated identifiers compared in turn: numbers numerically and below words, words in
/// ASCII order; a prefix comes first.
fn compare_pre_releases(a: &str, b: &str) -> Ordering {
    let numeric = |id: &str| {
        id.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| id.parse::<u64>().ok())
            .flatten()
    };
    let mut a_ids = a.split('.');
    let mut b_ids = b.split('.');
    loop {
        let order = match (a_ids.next(), b_ids.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) => match (numeric(x), numeric(y)) {
                (Some(x), Some(y)) => x.cmp(&y),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => x.cmp(y),
            },
        };
        if order != Ordering::Equal {
            return order;
        }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)?;
        match &self.pre_release {
            Some(pre) => write!(f, "-{pre}"),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> Version {
        text.parse().unwrap_or_else(|_| panic!("{text}"))
    }

    #[test]
    fn orders_by_semver_precedence() {
        let ascending = [
            "0.7.5",
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0",
            "1.0.1",
            "1.0.10",
            "1.2.0",
            "2.0.0",
        ];
        for pair in ascending.windows(2) {
            if let [lower, higher] = pair {
                assert!(v(lower) < v(higher), "{lower} < {higher}");
            }
        }
        assert_eq!(v("1.0.0+build.5"), v("1.0.0"));
    }

    #[test]
    fn rejects_what_is_not_a_version() {
        for text in [
            "", "1", "1.0", "1.0.0.0", "1.a.0", "1..0", "1.0.0-", "-1.0.0", " 1.0.0", "v1.0.0",
        ] {
            assert_eq!(text.parse::<Version>(), Err(VersionError), "{text}");
        }
        assert_eq!(v("1.2.3-rc.1").to_string(), "1.2.3-rc.1");
    }
}
