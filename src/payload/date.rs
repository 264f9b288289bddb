//! Dates of birth, which the DCC allows to be partial (`1979`, `1979-04`) or unknown (empty).

use crate::calendar::days_in_month;

/// A date with as much precision as the issuer knew.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PartialDate {
    /// Only the year is known.
    Year(u16),
    /// Year and month.
    YearMonth(u16, u8),
    /// A full date: year, month, day.
    Date(u16, u8, u8),
}

/// The `dob` field: the text as issued, and the date it holds when it reads as one.
#[derive(Clone, PartialEq, Eq)]
pub struct DateOfBirth {
    text: String,
    date: Option<PartialDate>,
}

impl DateOfBirth {
    /// A date of birth as issued; its precision is parsed from the text.
    pub fn new(text: String) -> Self {
        let date = parse(&text);
        Self { text, date }
    }

    /// The field exactly as issued.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The date, or `None` when the field is empty (unknown) or not a date.
    pub fn date(&self) -> Option<PartialDate> {
        self.date
    }

    /// The issuer did not know the date of birth (empty field).
    pub fn is_unknown(&self) -> bool {
        self.text.is_empty()
    }
}

/// Never prints the date itself: it is personal data.
impl std::fmt::Debug for DateOfBirth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let precision = match self.date {
            None if self.text.is_empty() => "unknown",
            None => "unparsed",
            Some(PartialDate::Year(_)) => "year",
            Some(PartialDate::YearMonth(..)) => "year-month",
            Some(PartialDate::Date(..)) => "date",
        };
        write!(f, "DateOfBirth(<{precision}>)")
    }
}

/// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`; a time part after a full date (`T00:00:00`, found in
/// schema 1.0.0 certificates) is ignored.
fn parse(text: &str) -> Option<PartialDate> {
    let date = match text.split_once('T') {
        Some((date, _time)) if date.len() == 10 => date,
        Some(_) => return None,
        None => text,
    };
    let mut parts = date.split('-');
    let year = digits(parts.next()?, 4)?;
    let month = match parts.next() {
        Some(m) => Some(digits(m, 2)?),
        None => None,
    };
    let day = match parts.next() {
        Some(d) => Some(digits(d, 2)?),
        None => None,
    };
    if parts.next().is_some() {
        return None;
    }
    let year = u16::try_from(year).ok()?;
    match (month, day) {
        (None, _) => Some(PartialDate::Year(year)),
        (Some(m @ 1..=12), None) => Some(PartialDate::YearMonth(year, m as u8)),
        (Some(m @ 1..=12), Some(d)) if d >= 1 && d <= days_in_month(i64::from(year), m) => {
            Some(PartialDate::Date(year, m as u8, d as u8))
        }
        _ => None,
    }
}

fn digits(s: &str, len: usize) -> Option<u32> {
    (s.len() == len && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok())?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_full_partial_and_unknown_dates() {
        let d = |s: &str| DateOfBirth::new(s.to_owned()).date();
        assert_eq!(d("1979-04-14"), Some(PartialDate::Date(1979, 4, 14)));
        assert_eq!(d("1979-04"), Some(PartialDate::YearMonth(1979, 4)));
        assert_eq!(d("1979"), Some(PartialDate::Year(1979)));
        assert_eq!(
            d("1978-01-26T00:00:00"),
            Some(PartialDate::Date(1978, 1, 26))
        );
        assert_eq!(d("2000-02-29"), Some(PartialDate::Date(2000, 2, 29)));
        assert!(DateOfBirth::new(String::new()).is_unknown());
        assert_eq!(d(""), None);
    }

    #[test]
    fn rejects_what_is_not_a_date() {
        for s in [
            "79",
            "1979-4",
            "1979-13",
            "1979-00",
            "1900-02-29",
            "1979-04-31",
            "1979-04-14-1",
            "abcd",
            "1979-XX-XX",
            "１９７９",
            "1979-04T00:00",
        ] {
            assert_eq!(DateOfBirth::new(s.to_owned()).date(), None, "{s}");
        }
    }

    #[test]
    fn debug_hides_the_date() {
        let dob = DateOfBirth::new("1985-03-12".to_owned());
        let shown = format!("{dob:?}");
        assert!(!shown.contains("1985"), "{shown}");
        assert_eq!(shown, "DateOfBirth(<date>)");
    }
}
