//! The embedded schema versions and which one applies to a declared `ver`.

use std::fmt;

use serde_json::Value;

/// An embedded DCC schema release.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SchemaVersion {
    /// DCC schema 1.0.0.
    V1_0_0,
    /// DCC schema 1.0.1.
    V1_0_1,
    /// DCC schema 1.1.0.
    V1_1_0,
    /// DCC schema 1.2.1.
    V1_2_1,
    /// DCC schema 1.3.0.
    V1_3_0,
    /// DCC schema 1.3.3 (also applied to 1.3.1 and 1.3.2).
    V1_3_3,
}

/// The lowest declared version each schema applies to, ascending; a schema applies up to the next entry.
const APPLIES_FROM: [((u32, u32, u32), SchemaVersion); 6] = [
    ((1, 0, 0), SchemaVersion::V1_0_0),
    ((1, 0, 1), SchemaVersion::V1_0_1),
    // 1.2.0 (no file of its own) falls to 1.1.0; 1.1.0 and 1.2.1 differ only in 1.1.0's `t.dr`.
    ((1, 1, 0), SchemaVersion::V1_1_0),
    ((1, 2, 1), SchemaVersion::V1_2_1),
    ((1, 3, 0), SchemaVersion::V1_3_0),
    // 1.3.2 validates exactly like 1.3.3. 1.3.1 (descriptions only over 1.3.0) gets 1.3.3 too, which
    // is more lenient in one place: `nam` needs `fnt` or `gnt` instead of always `fnt`.
    ((1, 3, 1), SchemaVersion::V1_3_3),
];

impl SchemaVersion {
    /// Every embedded version, oldest first.
    pub const ALL: [SchemaVersion; 6] = [
        SchemaVersion::V1_0_0,
        SchemaVersion::V1_0_1,
        SchemaVersion::V1_1_0,
        SchemaVersion::V1_2_1,
        SchemaVersion::V1_3_0,
        SchemaVersion::V1_3_3,
    ];

    /// The newest embedded schema.
    pub const NEWEST: SchemaVersion = SchemaVersion::V1_3_3;

    /// The schema for a declared `ver`:
    /// - a version with its own schema gets that schema;
    /// - any other `MAJOR.MINOR.PATCH` gets the newest schema not newer than it (1.0.4 → 1.0.1,
    ///   1.2.0 → 1.1.0), except 1.3.1 and 1.3.2, which get 1.3.3 (see `APPLIES_FROM`);
    /// - anything newer than 1.3.3, and a missing or unparsable `ver`, gets the newest schema (which
    ///   then reports the bad `ver` itself); anything older than 1.0.0 gets 1.0.0.
    pub fn for_declared(ver: Option<&str>) -> SchemaVersion {
        let Some(declared) = ver.and_then(parse) else {
            return SchemaVersion::NEWEST;
        };
        APPLIES_FROM
            .iter()
            .rev()
            .find(|(from, _)| *from <= declared)
            .map_or(SchemaVersion::V1_0_0, |(_, version)| *version)
    }

    /// The schema for the payload's `ver` field.
    pub fn of_payload(payload: &Value) -> SchemaVersion {
        SchemaVersion::for_declared(payload.get("ver").and_then(Value::as_str))
    }

    /// The version as written in `ver`, e.g. "1.3.0".
    pub fn as_str(self) -> &'static str {
        match self {
            SchemaVersion::V1_0_0 => "1.0.0",
            SchemaVersion::V1_0_1 => "1.0.1",
            SchemaVersion::V1_1_0 => "1.1.0",
            SchemaVersion::V1_2_1 => "1.2.1",
            SchemaVersion::V1_3_0 => "1.3.0",
            SchemaVersion::V1_3_3 => "1.3.3",
        }
    }

    /// The embedded combined schema of this version (see `data/SOURCE.md`).
    pub(super) fn embedded(self) -> Option<Value> {
        let mut schemas = crate::embedded::documents(include_bytes!("data/schemas.json.zz"))?;
        // The bundle holds the schemas in the order of `ALL`.
        if schemas.len() != SchemaVersion::ALL.len() {
            return None;
        }
        Some(schemas.swap_remove(self as usize))
    }
}

impl fmt::Display for SchemaVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Parses `MAJOR.MINOR.PATCH` (decimal digits only).
fn parse(ver: &str) -> Option<(u32, u32, u32)> {
    let mut parts = ver.split('.').map(|part| {
        if part.is_empty() || !part.bytes().all(|byte| byte.is_ascii_digit()) {
            return None;
        }
        part.parse::<u32>().ok()
    });
    let version = (parts.next()??, parts.next()??, parts.next()??);
    match parts.next() {
        None => Some(version),
        Some(_) => None,
    }
}
