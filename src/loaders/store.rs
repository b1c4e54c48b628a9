//! Where every relation key type is loaded from: the database, and partner APIs.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Arc;

use async_graphql::dataloader::DataLoader;
use sea_orm::sqlx::Row;
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait, FromQueryResult,
    QueryTrait, Select, Statement,
};

use super::batching::Measured;
use crate::entity::{ByPosition, FromRow, JsonRow, JsonRows};
use crate::upstream::profiles::ProfilesClient;

/// Loads batches of keys: one `Loader<K>` impl per relation key `K`, each one statement (or one partner call).
#[derive(Clone)]
pub struct Store {
    pub(crate) db: DatabaseConnection,
    /// The profiles service, when one is configured.
    pub(crate) profiles: Option<Arc<ProfilesClient>>,
}

impl Store {
    /// The models `select` finds, each read by column position (see [`FromRow`]) and shared: a request's
    /// resolvers take models out of the loaders' caches as often as the response lists them.
    pub(crate) async fn all<E>(&self, select: Select<E>) -> Result<Vec<Arc<E::Model>>, DbErr>
    where
        E: EntityTrait,
        E::Model: FromRow,
    {
        let statement = select.build(self.db.get_database_backend());
        let rows = self.rows::<ByPosition<E::Model>>(statement).await?;
        Ok(rows.into_iter().map(|row| Arc::new(row.0)).collect())
    }

    /// The rows `statement` returns, read as `R`.
    ///
    /// On SQLite, from one JSON value: the statement runs wrapped in `json_group_array(json_array(...))` over
    /// the columns `R` reads, and the text is parsed into the rows (see [`crate::entity::JsonRow`] for why).
    /// The statement's `ORDER BY` holds: SQLite does not flatten a subquery with an `ORDER BY` into an
    /// aggregate query, so the aggregate receives the rows in that order. If `R` declines a value (a timestamp
    /// in one of the other shapes sqlx reads), the rows are read again the usual way, one statement more.
    pub(crate) async fn rows<R>(&self, statement: Statement) -> Result<Vec<R>, DbErr>
    where
        R: FromQueryResult + JsonRow,
    {
        if statement.db_backend == DbBackend::Sqlite
            && let Some(rows) = self.rows_as_json(&statement).await?
        {
            return Ok(rows);
        }
        R::find_by_statement(statement).all(&self.db).await
    }

    async fn rows_as_json<R: JsonRow>(
        &self,
        statement: &Statement,
    ) -> Result<Option<Vec<R>>, DbErr> {
        let mut names = Vec::new();
        R::columns(&mut names);
        let columns = names
            .iter()
            .map(|name| format!("\"{name}\""))
            .collect::<Vec<_>>()
            .join(", ");
        let wrapped = Statement::from_sql_and_values(
            DbBackend::Sqlite,
            format!(
                "SELECT json_group_array(json_array({columns})) FROM ({}) AS batch",
                statement.sql
            ),
            statement
                .values
                .clone()
                .map(|values| values.0)
                .unwrap_or_default(),
        );
        let Some(row) = self.db.query_one_raw(wrapped).await? else {
            return Ok(Some(Vec::new()));
        };
        let Some(sqlite) = row.try_as_sqlite_row() else {
            return Ok(None);
        };
        let text: &str = sqlite
            .try_get(0)
            .map_err(|err| DbErr::Type(err.to_string()))?;
        Ok(match serde_json::from_str::<JsonRows<R>>(text) {
            Ok(rows) => Some(rows.0),
            Err(declined) => {
                tracing::debug!(%declined, "a batch read as JSON is read again as rows");
                None
            }
        })
    }
}

/// A relation's list of rows, shared: cached once per request and handed to every resolver that lists it.
pub type Rows<M> = Arc<Vec<Arc<M>>>;

/// A failed batch load. Cloneable because every key of the batch receives it.
#[derive(Clone, Debug, thiserror::Error)]
#[error("loading from the database failed: {0}")]
pub struct LoadError(pub Arc<DbErr>);

impl LoadError {
    pub(crate) fn internal(message: impl Into<String>) -> Self {
        Self(Arc::new(DbErr::Custom(message.into())))
    }
}

impl From<DbErr> for LoadError {
    fn from(err: DbErr) -> Self {
        Self(Arc::new(err))
    }
}

/// Groups `rows` into lists by `key_of`, giving every requested key an entry (empty when it has no rows).
pub(crate) fn group_by<K, R>(
    keys: &[K],
    rows: impl IntoIterator<Item = R>,
    key_of: impl Fn(&R) -> K,
) -> HashMap<K, Arc<Vec<R>>>
where
    K: Eq + Hash + Clone,
{
    group(keys, rows.into_iter().map(|row| (key_of(&row), row)))
}

/// Groups the values of `(key, value)` pairs into lists by key, giving every requested key an entry (empty
/// when it has no values).
pub(crate) fn group<K, V>(
    keys: &[K],
    pairs: impl IntoIterator<Item = (K, V)>,
) -> HashMap<K, Arc<Vec<V>>>
where
    K: Eq + Hash + Clone,
{
    let mut grouped: HashMap<K, Vec<V>> = keys.iter().map(|k| (k.clone(), Vec::new())).collect();
    for (key, value) in pairs {
        if let Some(list) = grouped.get_mut(&key) {
            list.push(value);
        }
    }
    grouped.into_iter().map(|(k, v)| (k, Arc::new(v))).collect()
}

/// Empties every cache of an async-graphql `DataLoader` (it has no "clear all").
pub(crate) fn clear_all(loaders: &DataLoader<Measured>) {
    use super::*;
    loaders.clear::<HuntId>();
    loaders.clear::<HuntSlug>();
    loaders.clear::<ClueId>();
    loaders.clear::<CluesOfHunt>();
    loaders.clear::<PlayerId>();
    loaders.clear::<PlayerHandle>();
    loaders.clear::<PlayerAccount>();
    loaders.clear::<HuntsOfPlayer>();
    loaders.clear::<HuntPlayersPage>();
    loaders.clear::<SolvesOfClue>();
    loaders.clear::<SolvesOfPlayer>();
    loaders.clear::<LeaderboardOfHunt>();
    loaders.clear::<ProfileOfAccount>();
}

#[cfg(test)]
pub(crate) mod tests {
    use std::fmt::Debug;

    use sea_orm::{ActiveModelTrait, ColumnTrait, QueryFilter, QueryOrder, Set};

    use super::*;
    use crate::entity::{clue, hunt, player, solve};

    /// A migrated SQLite file with 8 generated hunts, a hunt with no dates, and a clue whose text JSON must
    /// escape.
    pub(crate) async fn sqlite_store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().expect("temporary folder");
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("t.db").display());
        let db = crate::db::connect(&url).await.expect("connect");
        crate::db::migrate(&db).await.expect("migrate");
        let spec = crate::seed::generate::Spec {
            hunts: 8,
            clues_per_hunt: 6,
            players: 30,
            seed: 7,
        };
        crate::seed::generate::generate(&db, &spec)
            .await
            .expect("generated data");
        let hunt = hunt::ActiveModel {
            slug: Set("undated".into()),
            title: Set("Undated".into()),
            description: Set(String::new()),
            status: Set("DRAFT".into()),
            organizer_account_id: Set("organizer".into()),
            starts_at: Set(None),
            ends_at: Set(None),
            created_at: Set(chrono::Utc::now()),
            ..Default::default()
        }
        .insert(&db)
        .await
        .expect("a hunt with no dates");
        clue::ActiveModel {
            hunt_id: Set(hunt.id),
            position: Set(99),
            title: Set("\"Quoted\", \\ back\\slashed, tab\t, new\nline, \u{1} control".into()),
            riddle: Set(
                "Ünïcödé, 中文, emoji 🗝️, and a lone surrogate's neighbour \u{10FFFF}".into(),
            ),
            answer_hash: Set(String::new()),
            points: Set(-5),
            created_at: Set(chrono::Utc::now()),
            ..Default::default()
        }
        .insert(&db)
        .await
        .expect("an awkward clue");
        let store = Store { db, profiles: None };
        (dir, store)
    }

    /// `statement`'s rows read through one JSON value must be there (not declined) and equal, in order, the
    /// rows read one by one.
    pub(crate) async fn same_as_rows<R>(store: &Store, statement: Statement) -> Vec<R>
    where
        R: JsonRow + FromQueryResult + PartialEq + Debug,
    {
        let by_json = store
            .rows_as_json::<R>(&statement)
            .await
            .expect("the JSON statement runs")
            .expect("no value declined");
        let by_rows = R::find_by_statement(statement)
            .all(&store.db)
            .await
            .expect("read as rows");
        assert_eq!(by_json, by_rows);
        by_json
    }

    fn sqlite<E: EntityTrait>(select: Select<E>) -> Statement {
        select.build(DbBackend::Sqlite)
    }

    #[tokio::test]
    async fn batches_read_as_json_equal_rows_read_one_by_one_in_order() {
        let (_dir, store) = sqlite_store().await;
        // Orders that are not the tables' own, so that a lost ORDER BY shows.
        let hunts = same_as_rows::<ByPosition<hunt::Model>>(
            &store,
            sqlite(hunt::Entity::find().order_by_desc(hunt::Column::Title)),
        )
        .await;
        assert!(hunts.iter().any(|h| h.0.ends_at.is_none()));
        assert!(hunts.iter().any(|h| h.0.ends_at.is_some()));
        let titles: Vec<_> = hunts.iter().map(|h| h.0.title.clone()).collect();
        let mut sorted = titles.clone();
        sorted.sort_by(|a, b| b.cmp(a));
        assert_eq!(titles, sorted);

        let clues = same_as_rows::<ByPosition<clue::Model>>(
            &store,
            sqlite(
                clue::Entity::find()
                    .order_by_desc(clue::Column::Points)
                    .order_by_asc(clue::Column::Id),
            ),
        )
        .await;
        assert!(clues.iter().any(|c| c.0.title.contains("\"Quoted\"")));
        assert!(clues.iter().any(|c| c.0.riddle.contains('🗝')));
        same_as_rows::<ByPosition<player::Model>>(
            &store,
            sqlite(player::Entity::find().order_by_desc(player::Column::Handle)),
        )
        .await;
        let solves = same_as_rows::<ByPosition<solve::Model>>(
            &store,
            sqlite(
                solve::Entity::find()
                    .filter(solve::Column::Points.gt(0))
                    .order_by_desc(solve::Column::SolvedAt)
                    .order_by_asc(solve::Column::Id),
            ),
        )
        .await;
        assert!(solves.len() > 100, "{} solves", solves.len());
        // A statement without rows is an empty batch.
        let none = same_as_rows::<ByPosition<solve::Model>>(
            &store,
            sqlite(solve::Entity::find().filter(solve::Column::Id.lt(0))),
        )
        .await;
        assert!(none.is_empty());
    }

    #[tokio::test]
    async fn a_timestamp_only_sqlx_reads_has_the_batch_read_again_as_rows() {
        let (_dir, store) = sqlite_store().await;
        store
            .db
            .execute_raw(Statement::from_string(
                DbBackend::Sqlite,
                "UPDATE solves SET solved_at = '2026-01-01 08:24:20' WHERE id % 7 = 0",
            ))
            .await
            .expect("rewrite some timestamps");
        let statement = sqlite(solve::Entity::find().order_by_asc(solve::Column::Id));
        let declined = store
            .rows_as_json::<ByPosition<solve::Model>>(&statement)
            .await
            .expect("the JSON statement runs");
        assert!(declined.is_none());
        let read = store
            .all(solve::Entity::find().order_by_asc(solve::Column::Id))
            .await;
        let read = read.expect("read as rows instead");
        let expected =
            chrono::DateTime::parse_from_rfc3339("2026-01-01T08:24:20Z").expect("a time");
        assert!(
            read.iter()
                .filter(|s| s.id % 7 == 0)
                .all(|s| s.solved_at == expected)
        );
        assert_eq!(
            read.len(),
            solve::Entity::find()
                .all(&store.db)
                .await
                .expect("count")
                .len()
        );
    }
}
