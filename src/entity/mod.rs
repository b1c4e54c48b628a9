//! SeaORM models of the tables that `migrations/` creates. These are storage shapes, not API shapes:
//! GraphQL types live in `crate::graphql::types` and are built from these.

/// Implements [`FromRow`] for an entity file's `Model`: each field read at its `Column`'s position, or as the
/// next element of a JSON row.
macro_rules! from_row {
    ($($field:ident: $column:ident),+ $(,)?) => {
        impl $crate::entity::FromRow for Model {
            fn width() -> usize {
                <Column as sea_orm::Iterable>::iter().len()
            }

            fn columns(names: &mut Vec<&'static str>) {
                let all = <Column as sea_orm::Iterable>::iter();
                names.extend(all.map(|column| sea_orm::IdenStatic::as_str(&column)));
            }

            fn from_row(row: &QueryResult, at: usize) -> Result<Self, DbErr> {
                Ok(Self {
                    $($field: $crate::entity::cell::Cell::read(row, at + Column::$column as usize)?),+
                })
            }

            fn from_json<'de, A: serde::de::SeqAccess<'de>>(row: &mut A) -> Result<Self, A::Error> {
                Ok(Self {
                    $($field: $crate::entity::cell::Cell::next(row)?),+
                })
            }
        }
    };
}

pub mod answer_attempt;
pub mod cell;
pub mod clue;
pub mod enrolment;
pub mod hunt;
mod json;
pub mod player;
pub mod solve;

use sea_orm::{DbErr, FromQueryResult, QueryResult};
use serde::de::SeqAccess;

pub use json::{JsonRow, JsonRows};

/// A model read from a row by column position rather than by column name.
///
/// SeaORM's derived models look each column up by name, and sqlx hashes the name again for every column of
/// every row (reading by position saved 3% of the nested benchmark query's instructions). `Entity::find()`
/// selects a model's columns in `Column` order, so a column's position is its `Column` discriminant, after the
/// `at` columns before it.
pub trait FromRow: Sized {
    /// How many columns the model reads.
    fn width() -> usize;

    /// Appends the names of the columns the model reads, in order.
    fn columns(names: &mut Vec<&'static str>);

    /// Reads the model from the row's columns `at..at + width()`.
    fn from_row(row: &QueryResult, at: usize) -> Result<Self, DbErr>;

    /// Reads the model from a JSON array of its columns, in `Column` order.
    fn from_json<'de, A: serde::de::SeqAccess<'de>>(row: &mut A) -> Result<Self, A::Error>;
}

/// A model decoded with [`FromRow`] from the start of each row: `select.into_model::<ByPosition<Model>>()`.
#[derive(Debug, PartialEq)]
pub struct ByPosition<M>(pub M);

impl<M: FromRow> FromQueryResult for ByPosition<M> {
    fn from_query_result(row: &QueryResult, _prefix: &str) -> Result<Self, DbErr> {
        M::from_row(row, 0).map(Self)
    }
}

impl<M: FromRow> JsonRow for ByPosition<M> {
    fn columns(names: &mut Vec<&'static str>) {
        M::columns(names);
    }

    fn from_json<'de, A: SeqAccess<'de>>(row: &mut A) -> Result<Self, A::Error> {
        M::from_json(row).map(Self)
    }
}

#[cfg(test)]
mod tests {
    use std::fmt::Debug;

    use sea_orm::{DatabaseConnection, EntityTrait};

    use super::*;

    /// Every row of `E`, read by name (SeaORM's way) and by position, must give the same models.
    async fn same_by_name_and_position<E>(db: &DatabaseConnection)
    where
        E: EntityTrait,
        E::Model: FromRow + PartialEq + Debug,
    {
        let by_name = E::find().all(db).await.expect("read by name");
        let by_position: Vec<E::Model> = E::find()
            .into_model::<ByPosition<E::Model>>()
            .all(db)
            .await
            .expect("read by position")
            .into_iter()
            .map(|row| row.0)
            .collect();
        assert!(
            !by_name.is_empty(),
            "{} has no rows",
            E::default().table_name()
        );
        assert_eq!(by_position, by_name);
    }

    #[tokio::test]
    async fn models_read_by_position_equal_models_read_by_name() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("t.db").display());
        let db = crate::db::connect(&url).await.expect("connect");
        crate::db::migrate(&db).await.expect("migrate");
        // The demo data: real riddles, hunts with and without an end date, players with solves.
        crate::seed::demo::load_if_empty(&db)
            .await
            .expect("demo data");
        same_by_name_and_position::<hunt::Entity>(&db).await;
        same_by_name_and_position::<clue::Entity>(&db).await;
        same_by_name_and_position::<player::Entity>(&db).await;
        same_by_name_and_position::<solve::Entity>(&db).await;

        // Timestamps in shapes `cell::utc_text` declines (another offset, a space before the time) are still
        // read, by sqlx's own decoding, as the same instants.
        use sea_orm::{ConnectionTrait, Statement};
        db.execute_raw(Statement::from_string(
            db.get_database_backend(),
            "UPDATE solves SET solved_at = CASE WHEN id % 2 = 0 THEN '2026-01-01T10:24:20+02:00' \
             ELSE '2026-01-01 08:24:20' END",
        ))
        .await
        .expect("rewrite the timestamps");
        same_by_name_and_position::<solve::Entity>(&db).await;
        let expected =
            chrono::DateTime::parse_from_rfc3339("2026-01-01T08:24:20Z").expect("a time");
        let solves = solve::Entity::find()
            .into_model::<ByPosition<solve::Model>>()
            .all(&db)
            .await
            .expect("read by position");
        assert!(solves.len() > 1);
        assert!(solves.iter().all(|s| s.0.solved_at == expected));
    }
}
