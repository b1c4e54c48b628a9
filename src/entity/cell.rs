//! Reading one column of a row into a model field, with a fast path for SQLite's text timestamps.
//!
//! SQLite has no timestamp type: sqlx stores `DateTime<Utc>` as RFC 3339 text (`2026-01-01T08:24:20+00:00`)
//! and decodes it by trying chrono's RFC 3339 parser and then a list of other formats, through SeaORM's
//! generic getter: about a third of the instructions spent decoding rows in the nested benchmark query.
//! [`utc_text`] reads the shape sqlx writes with a UTC offset directly from the borrowed text, which saves a
//! quarter of that; any other shape (another offset, a space instead of `T`, a number) goes the usual way, so
//! what is decoded never changes.
//!
//! The same types also read a column from a row that SQLite returned as JSON ([`Cell::next`]); there a
//! timestamp must have the shape [`utc_text`] reads, and any other shape declines the batch, which is then read
//! as rows, by sqlx.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sqlx::Row;
use sea_orm::{DbErr, QueryResult};
use serde::de::{self, Deserialize, Deserializer, Error as _, SeqAccess, Visitor};

/// A model field's type, read from column `index` of a row.
pub trait Cell: Sized {
    fn read(row: &QueryResult, index: usize) -> Result<Self, DbErr>;

    /// Reads the next column of a row that SQLite returned as a JSON array (see [`super::JsonRow`]).
    fn next<'de, A: SeqAccess<'de>>(row: &mut A) -> Result<Self, A::Error>;
}

/// The next element of a JSON row, which must be there.
fn element<'de, A: SeqAccess<'de>, T: Deserialize<'de>>(row: &mut A) -> Result<T, A::Error> {
    row.next_element()?
        .ok_or_else(|| A::Error::custom("a row has fewer columns than its model"))
}

/// Types read with SeaORM's getter as they are.
macro_rules! as_sea_orm_reads {
    ($($ty:ty),+) => {
        $(impl Cell for $ty {
            fn read(row: &QueryResult, index: usize) -> Result<Self, DbErr> {
                row.try_get_by_index(index)
            }

            fn next<'de, A: SeqAccess<'de>>(row: &mut A) -> Result<Self, A::Error> {
                element(row)
            }
        })+
    };
}

as_sea_orm_reads!(i32, i64, String);

impl Cell for Option<DateTime<Utc>> {
    fn read(row: &QueryResult, index: usize) -> Result<Self, DbErr> {
        if let Some(sqlite) = row.try_as_sqlite_row() {
            match sqlite.try_get::<Option<&str>, _>(index) {
                Ok(None) => return Ok(None),
                Ok(Some(text)) => {
                    if let Some(at) = utc_text(text) {
                        return Ok(Some(at));
                    }
                }
                // Not text (sqlx also reads numbers as timestamps): the usual way below.
                Err(_) => {}
            }
        }
        row.try_get_by_index(index)
    }

    fn next<'de, A: SeqAccess<'de>>(row: &mut A) -> Result<Self, A::Error> {
        Ok(element::<A, Timestamp>(row)?.0)
    }
}

impl Cell for DateTime<Utc> {
    fn read(row: &QueryResult, index: usize) -> Result<Self, DbErr> {
        match Option::<DateTime<Utc>>::read(row, index)? {
            Some(at) => Ok(at),
            // NULL in a NOT NULL column: SeaORM's own error for it.
            None => row.try_get_by_index(index),
        }
    }

    fn next<'de, A: SeqAccess<'de>>(row: &mut A) -> Result<Self, A::Error> {
        element::<A, Timestamp>(row)?
            .0
            .ok_or_else(|| A::Error::custom("NULL in a NOT NULL timestamp column"))
    }
}

/// A timestamp column in a JSON row: null, or text of the shape [`utc_text`] reads. Anything else is an error,
/// on which the batch is read again the usual way, by sqlx, which knows the other shapes.
struct Timestamp(Option<DateTime<Utc>>);

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_option(TimestampVisitor)
    }
}

struct TimestampVisitor;

impl<'de> Visitor<'de> for TimestampVisitor {
    type Value = Timestamp;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a UTC timestamp as RFC 3339 text, or null")
    }

    fn visit_none<E: de::Error>(self) -> Result<Timestamp, E> {
        Ok(Timestamp(None))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Timestamp, E> {
        Ok(Timestamp(None))
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Timestamp, D::Error> {
        deserializer.deserialize_str(self)
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Timestamp, E> {
        utc_text(text)
            .map(|at| Timestamp(Some(at)))
            .ok_or_else(|| E::custom("a timestamp in a shape only sqlx reads"))
    }
}

/// `YYYY-MM-DDTHH:MM:SS[.fraction](+00:00|Z)`, the text sqlx writes for a UTC time; `None` for anything else.
pub fn utc_text(text: &str) -> Option<DateTime<Utc>> {
    let b = text.as_bytes();
    if b.len() < 20
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let digits = |range: std::ops::Range<usize>| -> Option<u32> {
        b[range].iter().try_fold(0u32, |n, &d| {
            d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
        })
    };
    let (year, month, day) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
    let (hour, minute, second) = (digits(11..13)?, digits(14..16)?, digits(17..19)?);
    let mut rest = &b[19..];
    let mut nanos = 0;
    if let Some(fraction) = rest.strip_prefix(b".") {
        let len = fraction.iter().take_while(|d| d.is_ascii_digit()).count();
        if len == 0 || len > 9 {
            return None;
        }
        nanos = digits(20..20 + len)? * 10u32.pow(9 - len as u32);
        rest = &fraction[len..];
    }
    if rest != b"+00:00" && rest != b"Z" {
        return None;
    }
    // A leap second (`:60`) is left to chrono, which knows where it may fall.
    if second > 59 {
        return None;
    }
    let at = NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)?
        .and_hms_nano_opt(hour, minute, second, nanos)?;
    Some(at.and_utc())
}

#[cfg(test)]
mod tests {
    use chrono::{SecondsFormat, TimeZone};
    use proptest::prelude::*;

    use super::*;

    /// chrono's reading of RFC 3339 text, as UTC: what sqlx's decoding gives for these shapes.
    fn chrono_reads(text: &str) -> Option<DateTime<Utc>> {
        DateTime::parse_from_rfc3339(text)
            .ok()
            .map(|at| at.with_timezone(&Utc))
    }

    proptest! {
        /// Whatever sqlx writes for a UTC time reads back as that time.
        #[test]
        fn reads_what_sqlx_writes(seconds in 0i64..8_000_000_000, nanos in 0u32..1_000_000_000) {
            let at = Utc.timestamp_opt(seconds, nanos).single().expect("in range");
            // sqlx's encoding of DateTime<Utc> for SQLite.
            let text = at.to_rfc3339_opts(SecondsFormat::AutoSi, false);
            prop_assert_eq!(utc_text(&text), Some(at));
            let text = at.to_rfc3339_opts(SecondsFormat::Nanos, true);
            prop_assert_eq!(utc_text(&text), Some(at));
        }

        /// On any text near that shape, it agrees with chrono or declines (and chrono then reads it).
        #[test]
        fn never_disagrees_with_chrono(text in "[0-9]{4}-[0-1][0-9]-[0-3][0-9][T ][0-2][0-9]:[0-6][0-9]:[0-6][0-9](\\.[0-9]{0,10})?(Z|[+-][0-1][0-9]:[0-5][0-9])?") {
            if let Some(at) = utc_text(&text) {
                prop_assert_eq!(Some(at), chrono_reads(&text));
            }
        }
    }

    #[test]
    fn declines_what_it_does_not_read() {
        for text in [
            "2026-01-01 08:24:20+00:00",  // a space: one of sqlx's other formats
            "2026-01-01T08:24:20+02:00",  // another offset
            "2026-01-01T08:24:20",        // no offset
            "2026-02-30T08:24:20+00:00",  // no such day
            "2026-01-01T08:24:60+00:00",  // a leap second
            "2026-01-01T08:24:20.+00:00", // an empty fraction
            "2026-01-01T08:24:2x+00:00",
            "",
        ] {
            assert_eq!(utc_text(text), None, "{text}");
        }
    }
}
