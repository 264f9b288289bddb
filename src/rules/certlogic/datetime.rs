//! CertLogic's only date-time type and its calendar arithmetic.
//!
//! The spec pins `plusTime` to the UTC setters of JavaScript's `Date` (`setUTCFullYear`,
//! `setUTCMonth`, `setUTCDate`, `setUTCHours`): a field is moved and any day-of-month overflow
//! rolls into the next month (2020-02-29 plus one year is 2021-03-01). That is plain civil-day
//! arithmetic, written out here rather than borrowed from a calendar crate whose "add a month"
//! clamps or fails instead of rolling over.

use std::fmt;

use crate::calendar::{civil_from_days, days_from_civil, days_in_month};

const MILLIS_PER_SECOND: i64 = 1_000;
const MILLIS_PER_MINUTE: i64 = 60 * MILLIS_PER_SECOND;
const MILLIS_PER_HOUR: i64 = 60 * MILLIS_PER_MINUTE;
const MILLIS_PER_DAY: i64 = 24 * MILLIS_PER_HOUR;
/// The range of a JavaScript `Date` (ECMA-262, "Time Values and Time Range"); beyond it a `Date`
/// is invalid, so CertLogic date-times stop there too.
const MAX_MILLIS: i64 = 8_640_000_000_000_000;
/// Years beyond any valid `Date`; bounds the calendar arithmetic before it could overflow.
const MAX_YEAR: i64 = 300_000;

/// A UTC instant with millisecond precision: what `plusTime` and `dccDateOfBirth` produce, and
/// what the date-time comparisons (`after`, `before`, ...) compare.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DateTime {
    millis: i64,
}

/// The time units of `plusTime`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeUnit {
    /// Years.
    Year,
    /// Months.
    Month,
    /// Days.
    Day,
    /// Hours.
    Hour,
}

impl TimeUnit {
    /// All units, in the order the reference validator lists them.
    pub const ALL: [TimeUnit; 4] = [
        TimeUnit::Year,
        TimeUnit::Month,
        TimeUnit::Day,
        TimeUnit::Hour,
    ];

    /// The unit of a CertLogic name, e.g. "day".
    pub fn parse(name: &str) -> Option<TimeUnit> {
        TimeUnit::ALL.into_iter().find(|unit| unit.name() == name)
    }

    /// The CertLogic name of the unit.
    pub fn name(self) -> &'static str {
        match self {
            TimeUnit::Year => "year",
            TimeUnit::Month => "month",
            TimeUnit::Day => "day",
            TimeUnit::Hour => "hour",
        }
    }
}

impl DateTime {
    /// The instant `millis` milliseconds after 1970-01-01T00:00:00Z, if a JavaScript `Date` can
    /// hold it.
    pub fn from_unix_millis(millis: i64) -> Option<DateTime> {
        (-MAX_MILLIS..=MAX_MILLIS)
            .contains(&millis)
            .then_some(DateTime { millis })
    }

    /// The instant `seconds` seconds after the Unix epoch (CWT `iat`/`exp` are in seconds).
    pub fn from_unix_seconds(seconds: i64) -> Option<DateTime> {
        DateTime::from_unix_millis(seconds.checked_mul(MILLIS_PER_SECOND)?)
    }

    /// The instant `seconds` seconds after the Unix epoch, or the nearest one a JavaScript
    /// `Date` can hold.
    pub fn from_unix_seconds_saturating(seconds: i64) -> DateTime {
        DateTime {
            millis: seconds
                .saturating_mul(MILLIS_PER_SECOND)
                .clamp(-MAX_MILLIS, MAX_MILLIS),
        }
    }

    /// The current time of the system clock.
    pub fn now() -> DateTime {
        let millis = match std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
            Ok(since) => i64::try_from(since.as_millis()).unwrap_or(MAX_MILLIS),
            Err(before) => i64::try_from(before.duration().as_millis()).map_or(-MAX_MILLIS, |m| -m),
        };
        DateTime {
            millis: millis.clamp(-MAX_MILLIS, MAX_MILLIS),
        }
    }

    /// Milliseconds since the Unix epoch.
    pub fn unix_millis(self) -> i64 {
        self.millis
    }

    /// Parses a date or date-time in one of the formats `plusTime` accepts: `YYYY`, `YYYY-MM`,
    /// `YYYY-MM-DD` (partial dates read as by [`DateTime::parse_date_of_birth`]), or
    /// `YYYY-MM-DDThh:mm:ss` with optional fraction (truncated to milliseconds) and optional
    /// offset `Z`, `±h`, `±hh`, `±hmm`, `±hhmm`, `±h:mm`, `±hh:mm` (missing means `Z`).
    /// Out-of-range fields (month 13, February 30, hour 24, ...) are rejected.
    pub fn parse(text: &str) -> Option<DateTime> {
        let mut cursor = Cursor::new(text);
        let date = cursor.date()?;
        if cursor.at_end() {
            return date.last_consistent_instant();
        }
        let Date::Day { year, month, day } = date else {
            return None;
        };
        cursor.expect(b'T')?;
        let hour = cursor.number(2).filter(|h| *h < 24)?;
        cursor.expect(b':')?;
        let minute = cursor.number(2).filter(|m| *m < 60)?;
        cursor.expect(b':')?;
        let second = cursor.number(2).filter(|s| *s < 60)?;
        let millis = if cursor.eat(b'.') {
            cursor.fraction_millis()?
        } else {
            0
        };
        let offset_minutes = cursor.offset_minutes()?;
        let day_millis = hour * MILLIS_PER_HOUR
            + minute * MILLIS_PER_MINUTE
            + second * MILLIS_PER_SECOND
            + millis
            - offset_minutes * MILLIS_PER_MINUTE;
        let days = days_from_civil(year, month, day);
        DateTime::from_unix_millis(days * MILLIS_PER_DAY + day_millis)
    }

    /// The `dccDateOfBirth` reading of `YYYY`, `YYYY-MM` or `YYYY-MM-DD`: midnight UTC of the
    /// last day consistent with it (`2004` is 2004-12-31, `2004-02` is 2004-02-29).
    pub fn parse_date_of_birth(text: &str) -> Option<DateTime> {
        let mut cursor = Cursor::new(text);
        let date = cursor.date()?;
        if !cursor.at_end() {
            return None;
        }
        date.last_consistent_instant()
    }

    /// This instant moved by `amount` units, as JavaScript's `setUTC…(getUTC…() + amount)`
    /// does; `None` if the result leaves the range of a `Date`.
    pub fn plus(self, amount: i64, unit: TimeUnit) -> Option<DateTime> {
        match unit {
            TimeUnit::Hour => self.plus_millis(amount.checked_mul(MILLIS_PER_HOUR)?),
            TimeUnit::Day => self.plus_millis(amount.checked_mul(MILLIS_PER_DAY)?),
            TimeUnit::Month => self.plus_months(amount),
            TimeUnit::Year => self.plus_months(amount.checked_mul(12)?),
        }
    }

    fn plus_millis(self, delta: i64) -> Option<DateTime> {
        DateTime::from_unix_millis(self.millis.checked_add(delta)?)
    }

    /// Moves the (UTC) month field, keeping day-of-month and time of day; a day that the target
    /// month lacks rolls over into the next month, like `Date.prototype.setUTCMonth`.
    fn plus_months(self, months: i64) -> Option<DateTime> {
        let days = self.millis.div_euclid(MILLIS_PER_DAY);
        let time_of_day = self.millis.rem_euclid(MILLIS_PER_DAY);
        let (year, month, day) = civil_from_days(days);
        let month_index = year
            .checked_mul(12)?
            .checked_add(i64::from(month) - 1)?
            .checked_add(months)?;
        let new_year = month_index.div_euclid(12);
        if new_year.abs() > MAX_YEAR {
            return None;
        }
        let new_month = u32::try_from(month_index.rem_euclid(12) + 1).ok()?;
        let new_days = days_from_civil(new_year, new_month, 1) + i64::from(day) - 1;
        DateTime::from_unix_millis(new_days * MILLIS_PER_DAY + time_of_day)
    }
}

impl DateTime {
    /// Appends ISO 8601 in UTC with milliseconds, as JavaScript's `Date.prototype.toISOString`
    /// writes it (`2021-06-01T12:00:00.000Z`; six-digit signed years outside 0000–9999).
    /// Written out by hand: it runs for every certificate, and `fmt` is slow.
    pub fn write_iso(self, out: &mut String) {
        let days = self.millis.div_euclid(MILLIS_PER_DAY);
        let time_of_day = self.millis.rem_euclid(MILLIS_PER_DAY);
        let (year, month, day) = civil_from_days(days);
        if (0..=9999).contains(&year) {
            push_digits(out, year, 4);
        } else {
            out.push(if year < 0 { '-' } else { '+' });
            push_digits(out, year.abs(), 6);
        }
        let fields = [
            ('-', i64::from(month), 2),
            ('-', i64::from(day), 2),
            ('T', time_of_day / MILLIS_PER_HOUR, 2),
            (':', time_of_day % MILLIS_PER_HOUR / MILLIS_PER_MINUTE, 2),
            (':', time_of_day % MILLIS_PER_MINUTE / MILLIS_PER_SECOND, 2),
            ('.', time_of_day % MILLIS_PER_SECOND, 3),
        ];
        for (separator, value, width) in fields {
            out.push(separator);
            push_digits(out, value, width);
        }
        out.push('Z');
    }
}

/// Appends the `width` (at most 6) lowest decimal digits of `value`, zero-padded.
fn push_digits(out: &mut String, value: i64, width: usize) {
    let mut digits = [b'0'; 6];
    let mut rest = value.unsigned_abs();
    for slot in digits.iter_mut().take(width).rev() {
        *slot = b'0' + (rest % 10) as u8;
        rest /= 10;
    }
    out.extend(digits.iter().take(width).map(|&digit| char::from(digit)));
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut text = String::with_capacity(24);
        self.write_iso(&mut text);
        f.write_str(&text)
    }
}

impl fmt::Debug for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DateTime({self})")
    }
}

/// A calendar date, possibly partial.
enum Date {
    Year(i64),
    Month { year: i64, month: u32 },
    Day { year: i64, month: u32, day: u32 },
}

impl Date {
    /// Midnight UTC of the last day consistent with this (partial) date.
    fn last_consistent_instant(&self) -> Option<DateTime> {
        let (year, month, day) = match *self {
            Date::Year(year) => (year, 12, 31),
            Date::Month { year, month } => (year, month, days_in_month(year, month)),
            Date::Day { year, month, day } => (year, month, day),
        };
        DateTime::from_unix_millis(days_from_civil(year, month, day) * MILLIS_PER_DAY)
    }
}

/// A forward-only reader over the ASCII bytes of a date(-time).
struct Cursor<'s> {
    bytes: &'s [u8],
    position: usize,
}

impl<'s> Cursor<'s> {
    fn new(text: &'s str) -> Self {
        Cursor {
            bytes: text.as_bytes(),
            position: 0,
        }
    }

    fn at_end(&self) -> bool {
        self.position >= self.bytes.len()
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.position).copied()
    }

    fn eat(&mut self, expected: u8) -> bool {
        let found = self.peek() == Some(expected);
        if found {
            self.position += 1;
        }
        found
    }

    fn expect(&mut self, expected: u8) -> Option<()> {
        self.eat(expected).then_some(())
    }

    fn digit(&mut self) -> Option<i64> {
        let byte = self.peek().filter(u8::is_ascii_digit)?;
        self.position += 1;
        Some(i64::from(byte - b'0'))
    }

    /// Exactly `count` decimal digits.
    fn number(&mut self, count: usize) -> Option<i64> {
        (0..count).try_fold(0, |value, _| Some(value * 10 + self.digit()?))
    }

    fn digit_run(&self) -> usize {
        self.bytes
            .iter()
            .skip(self.position)
            .take_while(|byte| byte.is_ascii_digit())
            .count()
    }

    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, with month and day in range.
    fn date(&mut self) -> Option<Date> {
        let year = self.number(4)?;
        if !self.eat(b'-') {
            return Some(Date::Year(year));
        }
        let month = u32::try_from(self.number(2)?)
            .ok()
            .filter(|m| (1..=12).contains(m))?;
        if !self.eat(b'-') {
            return Some(Date::Month { year, month });
        }
        let day = u32::try_from(self.number(2)?).ok()?;
        (1..=days_in_month(year, month))
            .contains(&day)
            .then_some(Date::Day { year, month, day })
    }

    /// One or more digits after the decimal point; digits past the third are dropped (rounding
    /// down to the millisecond, as the spec says).
    fn fraction_millis(&mut self) -> Option<i64> {
        let run = self.digit_run();
        if run == 0 {
            return None;
        }
        let mut millis = 0;
        for place in 0..run {
            let digit = self.digit()?;
            if place < 3 {
                millis = millis * 10 + digit;
            }
        }
        Some(millis * 10_i64.pow(3_u32.saturating_sub(u32::try_from(run).ok()?)))
    }

    /// The zone offset in minutes east of UTC; the rest of the input must be exactly that.
    fn offset_minutes(&mut self) -> Option<i64> {
        let sign = match self.peek() {
            None => return Some(0),
            Some(b'Z') => {
                self.position += 1;
                return self.at_end().then_some(0);
            }
            Some(b'+') => 1,
            Some(b'-') => -1,
            Some(_) => return None,
        };
        self.position += 1;
        let run = self.digit_run();
        let (hours, minutes) = match run {
            1 | 2 if self.bytes.get(self.position + run) == Some(&b':') => {
                let hours = self.number(run)?;
                self.expect(b':')?;
                (hours, self.number(2)?)
            }
            1 | 2 => (self.number(run)?, 0),
            3 => (self.number(1)?, self.number(2)?),
            4 => (self.number(2)?, self.number(2)?),
            _ => return None,
        };
        (self.at_end() && hours < 24 && minutes < 60).then_some(sign * (hours * 60 + minutes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> String {
        DateTime::parse(text).map_or("invalid".into(), |t| t.to_string())
    }

    fn plus(text: &str, amount: i64, unit: TimeUnit) -> String {
        DateTime::parse(text)
            .and_then(|t| t.plus(amount, unit))
            .map_or("invalid".into(), |t| t.to_string())
    }

    #[test]
    fn parses_every_format_of_the_spec() {
        assert_eq!(at("2021"), "2021-12-31T00:00:00.000Z");
        assert_eq!(at("2024-02"), "2024-02-29T00:00:00.000Z");
        assert_eq!(at("2023-02"), "2023-02-28T00:00:00.000Z");
        assert_eq!(at("2021-06-01"), "2021-06-01T00:00:00.000Z");
        assert_eq!(at("2021-06-01T12:34:56"), "2021-06-01T12:34:56.000Z");
        assert_eq!(at("2021-06-01T12:34:56Z"), "2021-06-01T12:34:56.000Z");
        assert_eq!(at("2021-06-01T12:34:56+2"), "2021-06-01T10:34:56.000Z");
        assert_eq!(at("2021-06-01T12:34:56-02"), "2021-06-01T14:34:56.000Z");
        assert_eq!(at("2021-06-01T12:34:56+130"), "2021-06-01T11:04:56.000Z");
        assert_eq!(at("2021-06-01T12:34:56+0130"), "2021-06-01T11:04:56.000Z");
        assert_eq!(at("2021-06-01T12:34:56+1:30"), "2021-06-01T11:04:56.000Z");
        assert_eq!(at("2021-06-01T12:34:56+01:30"), "2021-06-01T11:04:56.000Z");
        assert_eq!(at("2021-06-01T00:00:00+01:00"), "2021-05-31T23:00:00.000Z");
        assert_eq!(at("2021-06-01T12:34:56.7"), "2021-06-01T12:34:56.700Z");
        assert_eq!(at("2021-06-01T12:34:56.78Z"), "2021-06-01T12:34:56.780Z");
        assert_eq!(
            at("2021-06-01T12:34:56.123999+00:00"),
            "2021-06-01T12:34:56.123Z"
        );
    }

    #[test]
    fn rejects_what_the_spec_does_not_allow() {
        for text in [
            "",
            "21",
            "2021-6-01",
            "2022-13",
            "2021-09-99",
            "2021-02-29",
            "2021-06-01T",
            "2021-06-01T12:34",
            "2021-06-01T24:00:00",
            "2021-06-01T12:60:00",
            "2021-06-01T12:34:60",
            "2021-06-01T12:34:56.",
            "2021-06-01T12:34:56Zx",
            "2021-06-01T12:34:56+",
            "2021-06-01T12:34:56+1:",
            "2021-06-01T12:34:56+12345",
            "2021-06-01T12:34:56+24:00",
            "2021-06-01 12:34:56",
            "2021-06-01T12:34:56z",
            "２０２１",
        ] {
            assert_eq!(at(text), "invalid", "{text}");
        }
    }

    #[test]
    fn date_of_birth_takes_the_last_consistent_day() {
        let dob = |text| DateTime::parse_date_of_birth(text).map(|t| t.to_string());
        assert_eq!(dob("2004").as_deref(), Some("2004-12-31T00:00:00.000Z"));
        assert_eq!(dob("2004-02").as_deref(), Some("2004-02-29T00:00:00.000Z"));
        assert_eq!(dob("1900-02").as_deref(), Some("1900-02-28T00:00:00.000Z"));
        assert_eq!(dob("2000-02").as_deref(), Some("2000-02-29T00:00:00.000Z"));
        assert_eq!(
            dob("2004-04-15").as_deref(),
            Some("2004-04-15T00:00:00.000Z")
        );
        assert_eq!(dob("2004-04-15T00:00:00"), None);
        assert_eq!(dob(""), None);
    }

    #[test]
    fn leap_days_roll_over_like_javascript_dates() {
        // The table of the spec, section "Leap days".
        assert_eq!(
            plus("2020-02-29", 1, TimeUnit::Day),
            "2020-03-01T00:00:00.000Z"
        );
        assert_eq!(
            plus("2020-02-29", 1, TimeUnit::Month),
            "2020-03-29T00:00:00.000Z"
        );
        assert_eq!(
            plus("2020-02-29", 1, TimeUnit::Year),
            "2021-03-01T00:00:00.000Z"
        );
        assert_eq!(
            plus("2020-02-29", 4, TimeUnit::Year),
            "2024-02-29T00:00:00.000Z"
        );
        assert_eq!(
            plus("2021-01-31", 1, TimeUnit::Month),
            "2021-03-03T00:00:00.000Z"
        );
        assert_eq!(
            plus("2021-03-31", -1, TimeUnit::Month),
            "2021-03-03T00:00:00.000Z"
        );
    }

    #[test]
    fn arithmetic_is_in_utc_after_applying_the_offset() {
        // 2021-06-30T23:30 at -01:00 is 2021-07-01T00:30Z: the UTC month is July.
        assert_eq!(
            plus("2021-06-30T23:30:00-01:00", 1, TimeUnit::Month),
            "2021-08-01T00:30:00.000Z"
        );
        assert_eq!(
            plus("2021-01-01T00:00:00Z", -1, TimeUnit::Hour),
            "2020-12-31T23:00:00.000Z"
        );
        assert_eq!(
            plus("2021-03-27T12:00:00Z", 2, TimeUnit::Day),
            "2021-03-29T12:00:00.000Z"
        );
        assert_eq!(plus("2004", 18, TimeUnit::Year), "2022-12-31T00:00:00.000Z");
        assert_eq!(
            plus("2021-12-15", -13, TimeUnit::Month),
            "2020-11-15T00:00:00.000Z"
        );
    }

    #[test]
    fn stays_within_the_range_of_a_javascript_date() {
        assert_eq!(plus("2021-01-01", i64::MAX, TimeUnit::Hour), "invalid");
        assert_eq!(plus("2021-01-01", i64::MIN, TimeUnit::Year), "invalid");
        assert_eq!(plus("2021-01-01", i64::MAX / 2, TimeUnit::Month), "invalid");
        assert_eq!(plus("2021-01-01", 300_000, TimeUnit::Year), "invalid");
        assert_eq!(
            plus("2021-01-01", 100_000, TimeUnit::Year),
            "+102021-01-01T00:00:00.000Z"
        );
        assert_eq!(
            plus("0000-01-01", -1, TimeUnit::Day),
            "-000001-12-31T00:00:00.000Z"
        );
        assert_eq!(DateTime::from_unix_millis(MAX_MILLIS + 1), None);
    }
}
