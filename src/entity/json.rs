//! Rows read from JSON: a batch that SQLite returns as one JSON array of rows, each row an array of columns.
//!
//! sqlx hands each SQLite row from its connection thread to ours with a copy of every value (an allocation
//! each, freed again on the other thread), and reads each value through a typed getter. For a batch of
//! thousands of rows that is most of what reading costs (BENCHMARKS.md, session 9). The same statement wrapped
//! in `json_group_array(json_array(...))` (`Store::rows`) makes the batch one text value, which is parsed here
//! straight into the row types.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{Deserialize, Deserializer, Error as _, IgnoredAny, SeqAccess, Visitor};

/// A row type that can be read from a JSON array of its columns.
pub trait JsonRow: Sized {
    /// Appends the names of the columns the row reads, in the order [`JsonRow::from_json`] reads them: output
    /// column names of the statement it is read from.
    fn columns(names: &mut Vec<&'static str>);

    /// Reads the row from the columns, in order. An error declines the batch: it is read the usual way.
    fn from_json<'de, A: SeqAccess<'de>>(row: &mut A) -> Result<Self, A::Error>;
}

/// The rows of a batch: `serde_json::from_str::<JsonRows<R>>(text)`.
pub struct JsonRows<R>(pub Vec<R>);

impl<'de, R: JsonRow> Deserialize<'de> for JsonRows<R> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_seq(RowsVisitor(PhantomData))
    }
}

struct RowsVisitor<R>(PhantomData<R>);

impl<'de, R: JsonRow> Visitor<'de> for RowsVisitor<R> {
    type Value = JsonRows<R>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of rows")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut rows: A) -> Result<JsonRows<R>, A::Error> {
        let mut read = Vec::with_capacity(rows.size_hint().unwrap_or(0));
        while let Some(Row(row)) = rows.next_element::<Row<R>>()? {
            read.push(row);
        }
        Ok(JsonRows(read))
    }
}

/// One row of [`JsonRows`].
struct Row<R>(R);

impl<'de, R: JsonRow> Deserialize<'de> for Row<R> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_seq(RowVisitor(PhantomData))
    }
}

struct RowVisitor<R>(PhantomData<R>);

impl<'de, R: JsonRow> Visitor<'de> for RowVisitor<R> {
    type Value = Row<R>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a row: an array of columns")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut columns: A) -> Result<Row<R>, A::Error> {
        let row = R::from_json(&mut columns)?;
        if columns.next_element::<IgnoredAny>()?.is_some() {
            return Err(A::Error::custom("a row has more columns than it reads"));
        }
        Ok(Row(row))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entity::{ByPosition, solve};

    fn solves(text: &str) -> serde_json::Result<Vec<solve::Model>> {
        serde_json::from_str::<JsonRows<ByPosition<solve::Model>>>(text)
            .map(|rows| rows.0.into_iter().map(|row| row.0).collect())
    }

    #[test]
    fn reads_rows_of_columns_in_column_order() {
        let read = solves(
            r#"[[1, 2, 3, 4, 25, "2026-01-01T08:24:20+00:00"], [9, 8, 7, 6, -1, "2026-01-01T08:24:20.5Z"]]"#,
        )
        .expect("two solves");
        assert_eq!(read.len(), 2);
        assert_eq!((read[0].id, read[0].player_id, read[0].clue_id), (1, 2, 3));
        assert_eq!((read[0].hunt_id, read[0].points), (4, 25));
        assert_eq!(read[1].solved_at.timestamp_subsec_millis(), 500);
        assert!(solves("[]").expect("no rows").is_empty());
    }

    #[test]
    fn declines_what_does_not_fit_the_model() {
        for text in [
            r#"[[1, 2, 3, 4, 25]]"#,                                 // a column short
            r#"[[1, 2, 3, 4, 25, "2026-01-01T08:24:20+00:00", 0]]"#, // a column too many
            r#"[[1, 2, 3, 4, 2.5, "2026-01-01T08:24:20+00:00"]]"#,   // not an integer
            r#"[[1, 2, 3, 4, 3000000000, "2026-01-01T08:24:20+00:00"]]"#, // out of i32
            r#"[[1, 2, 3, 4, 25, null]]"#,                           // NULL in NOT NULL
            r#"[[1, 2, 3, 4, 25, "2026-01-01 08:24:20"]]"#,          // a shape only sqlx reads
            r#"[[1, 2, 3, 4, 25, 1767255860]]"#, // a number sqlx reads as a time
            r#"{"id": 1}"#,
        ] {
            assert!(solves(text).is_err(), "{text}");
        }
    }
}
