//! Timestamps in answers, written as RFC 3339 in one piece (`2026-12-03T10:15:00.123456Z`).
//!
//! chrono's own `Serialize` goes through `fmt` (`collect_str`), and serde_json escapes each
//! of the twenty-odd pieces `fmt` hands it on its own: 4 % of a unit officer's page of 50
//! (docs/benchmarks.md, 2026-12-11). The text is exactly chrono's (`SecondsFormat::AutoSi`,
//! `Z` for UTC: no fraction, or 3, 6 or 9 digits, whichever is the shortest exact one); a year
//! outside 0–9999 or a leap second goes through chrono itself. Response fields (and the change
//! feed's `Event`, defined in `db`, which may import only `domain`) take it with
//! `#[serde(serialize_with = "crate::domain::timestamps::rfc3339")]` (`rfc3339_opt` for an
//! `Option`); the OpenAPI schema is unchanged (`date-time`).

use chrono::{DateTime, Datelike, Timelike, Utc};
use serde::{Serialize, Serializer};

/// The longest text written here: `YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ`.
const MAX_LEN: usize = 30;

pub fn rfc3339<S: Serializer>(at: &DateTime<Utc>, serializer: S) -> Result<S::Ok, S::Error> {
    let mut text = [0u8; MAX_LEN];
    // Only ASCII digits and separators are written, so the text is always UTF-8.
    match write(at, &mut text).and_then(|len| std::str::from_utf8(&text[..len]).ok()) {
        Some(text) => serializer.serialize_str(text),
        None => at.serialize(serializer),
    }
}

pub fn rfc3339_opt<S: Serializer>(at: &Option<DateTime<Utc>>, serializer: S) -> Result<S::Ok, S::Error> {
    match at {
        Some(at) => rfc3339(at, serializer),
        None => serializer.serialize_none(),
    }
}

/// Writes `at` into `text` and returns its length; `None` for what only chrono writes.
fn write(at: &DateTime<Utc>, text: &mut [u8; MAX_LEN]) -> Option<usize> {
    let (date, time) = (at.date_naive(), at.time());
    let nanos = time.nanosecond();
    let year = u32::try_from(date.year()).ok().filter(|y| *y <= 9999)?;
    if nanos >= 1_000_000_000 {
        return None;
    }
    digits(&mut text[0..4], year);
    text[4] = b'-';
    digits(&mut text[5..7], date.month());
    text[7] = b'-';
    digits(&mut text[8..10], date.day());
    text[10] = b'T';
    digits(&mut text[11..13], time.hour());
    text[13] = b':';
    digits(&mut text[14..16], time.minute());
    text[16] = b':';
    digits(&mut text[17..19], time.second());
    let (fraction, width) = match nanos {
        0 => (0, 0),
        n if n % 1_000_000 == 0 => (n / 1_000_000, 3),
        n if n % 1_000 == 0 => (n / 1_000, 6),
        n => (n, 9),
    };
    let mut len = 19;
    if width > 0 {
        text[19] = b'.';
        digits(&mut text[20..20 + width], fraction);
        len = 20 + width;
    }
    text[len] = b'Z';
    Some(len + 1)
}

/// `n` in decimal, zero-padded to fill `out`.
fn digits(out: &mut [u8], mut n: u32) {
    for digit in out.iter_mut().rev() {
        *digit = b'0' + (n % 10) as u8;
        n /= 10;
    }
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, TimeZone};

    use super::*;

    #[derive(Serialize)]
    struct Ours(#[serde(serialize_with = "rfc3339")] DateTime<Utc>);

    #[derive(Serialize)]
    struct OursOpt(#[serde(serialize_with = "rfc3339_opt")] Option<DateTime<Utc>>);

    fn at(year: i32, month: u32, day: u32, h: u32, m: u32, s: u32, nanos: u32) -> DateTime<Utc> {
        let naive = NaiveDate::from_ymd_opt(year, month, day).unwrap().and_hms_nano_opt(h, m, s, nanos).unwrap();
        Utc.from_utc_datetime(&naive)
    }

    #[test]
    fn writes_what_chrono_writes() {
        let mut cases = vec![
            at(2026, 12, 3, 10, 15, 0, 0),
            at(2026, 1, 9, 0, 0, 7, 120_000_000),
            at(2026, 2, 28, 23, 59, 59, 123_456_000),
            at(2026, 7, 1, 5, 6, 7, 123_456_789),
            at(2026, 7, 1, 5, 6, 7, 1_000),
            at(2026, 7, 1, 5, 6, 7, 1),
            at(0, 1, 1, 0, 0, 0, 0),
            at(9999, 12, 31, 23, 59, 59, 999_999_999),
            // Written by chrono itself: a year of five digits, one before year 0, a leap second.
            at(10000, 1, 1, 0, 0, 0, 0),
            at(-1, 1, 1, 0, 0, 0, 0),
            at(2016, 12, 31, 23, 59, 59, 1_500_000_000),
            chrono::Utc::now(),
            crate::db::now_utc(),
        ];
        // Every precision over a spread of instants.
        for i in 0..2_000i64 {
            let seconds = 1_700_000_000 + i * 7_919_113;
            let nanos = (i as u32).wrapping_mul(2_654_435_761) % 1_000_000_000;
            let nanos = match i % 4 {
                0 => 0,
                1 => nanos / 1_000_000 * 1_000_000,
                2 => nanos / 1_000 * 1_000,
                _ => nanos,
            };
            cases.push(Utc.timestamp_opt(seconds, nanos).unwrap());
        }
        for case in cases {
            let chrono_text = serde_json::to_string(&case).unwrap();
            assert_eq!(serde_json::to_string(&Ours(case)).unwrap(), chrono_text, "{case:?}");
            assert_eq!(serde_json::to_string(&OursOpt(Some(case))).unwrap(), chrono_text);
        }
        assert_eq!(serde_json::to_string(&OursOpt(None)).unwrap(), "null");
    }
}
