//! Where "now" comes from. Always injectable, so tests, replays and apps with a trusted time
//! source decide it.

use std::time::{SystemTime, UNIX_EPOCH};

use crate::calendar::{civil_from_days, days_from_civil, days_in_month};

/// A source of the current time, Unix seconds.
pub trait Clock: Send + Sync {
    /// Unix seconds now.
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

/// The first and last instants RFC 3339 can write in UTC: 0000-01-01T00:00:00Z and
/// 9999-12-31T23:59:59Z.
const RFC3339_RANGE: std::ops::RangeInclusive<i64> = -62_167_219_200..=253_402_300_799;

/// Parses an instant in RFC 3339 form, leniently as real data needs: the zone may be missing
/// (taken as UTC), `Z`, `±hh:mm` or `±hhmm`; any number of fractional digits (ignored).
/// Returns Unix seconds, always of an instant that [`format_instant`] writes back.
pub fn parse_instant(text: &str) -> Option<i64> {
    let (date, time) = text.trim().split_once(['T', 't', ' '])?;
    let [year, month, day] = fields::<3>(date, '-')?;
    let (month, day) = (u32::try_from(month).ok()?, u32::try_from(day).ok()?);
    let zone_start = time.find(['Z', 'z', '+', '-']).unwrap_or(time.len());
    let (clock, zone) = time.split_at(zone_start);
    let (clock, fraction) = clock.split_once('.').unwrap_or((clock, "0"));
    if fraction.is_empty() || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let [hour, minute, second] = fields::<3>(clock, ':')?;
    let offset = match zone {
        "" | "Z" | "z" => 0,
        _ => {
            let sign = if zone.starts_with('-') { -1 } else { 1 };
            let digits = zone.get(1..)?.replace(':', "");
            if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let (h, m) = (
                digits.get(..2)?.parse::<i64>().ok()?,
                digits.get(2..)?.parse::<i64>().ok()?,
            );
            sign * (h * 3600 + m * 60)
        }
    };
    // Four-digit years only (RFC 3339 `date-fullyear`): longer ones would overflow the sums below.
    let valid = (0..=9999).contains(&year)
        && (1..=12).contains(&month)
        && (1..=days_in_month(year, month)).contains(&day)
        && hour < 24
        && minute < 60
        && second < 61;
    if !valid {
        return None;
    }
    let instant =
        days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second - offset;
    // An offset can move year 0000 or 9999 out of what RFC 3339 can write in UTC.
    RFC3339_RANGE.contains(&instant).then_some(instant)
}

/// Formats Unix seconds as RFC 3339 UTC, e.g. `2026-03-01T00:00:00Z`.
pub fn format_instant(unix: i64) -> String {
    let (days, secs) = (unix.div_euclid(86_400), unix.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

fn fields<const N: usize>(text: &str, separator: char) -> Option<[i64; N]> {
    let mut out = [0; N];
    let mut parts = text.split(separator);
    for slot in &mut out {
        let part = parts.next()?;
        if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        *slot = part.parse().ok()?;
    }
    parts.next().is_none().then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_forms_real_data_uses() {
        let t = 1_622_316_073; // 2021-05-29T19:21:13Z
        for text in [
            "2021-05-29T19:21:13Z",
            "2021-05-29T19:21:13",
            "2021-05-29T19:21:13.123456789Z",
            "2021-05-29T21:21:13+02:00",
            "2021-05-29T21:21:13.5+0200",
            "2021-05-29T17:21:13-02:00",
            "2021-05-29 19:21:13z",
        ] {
            assert_eq!(parse_instant(text), Some(t), "{text}");
        }
        assert_eq!(parse_instant("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_instant("2000-02-29T00:00:00Z"), Some(951_782_400));
    }

    #[test]
    fn rejects_what_is_not_an_instant() {
        for text in [
            "",
            "2021-05-29",
            "2021-13-01T00:00:00Z",
            "2021-02-29T00:00:00Z",
            "2021-05-29T24:00:00Z",
            "2021-05-29T19:21Z",
            "2021-05-29T19:21:13+2",
            "2021-05-29T19:21:13.Z",
            "x021-05-29T19:21:13Z",
            // RFC 3339 years have four digits; longer ones overflowed the day count (a panic
            // in debug builds, a wrong instant in release ones).
            "99999999999999-01-01T00:00:00Z",
            "9223372036854775807-03-01T00:00:00Z",
            "10000-01-01T00:00:00Z",
            // Found by fuzzing (fuzz/fuzz_targets/instant.rs): an offset moved the instant to
            // year -1, which format_instant wrote as "-001-12-31T22:00:05Z".
            "0-1-1 0:0:5+0200",
            "0000-01-01T00:00:00+00:01",
            "9999-12-31T23:59:59-00:01",
        ] {
            assert_eq!(parse_instant(text), None, "{text}");
        }
    }

    #[test]
    fn formats_and_round_trips() {
        assert_eq!(format_instant(0), "1970-01-01T00:00:00Z");
        assert_eq!(format_instant(1_700_000_000), "2023-11-14T22:13:20Z");
        for t in [
            -86_401,
            0,
            951_782_400,
            1_622_316_073,
            4_102_444_800,
            *RFC3339_RANGE.start(),
            *RFC3339_RANGE.end(),
        ] {
            assert_eq!(parse_instant(&format_instant(t)), Some(t));
        }
    }
}
