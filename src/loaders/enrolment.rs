//! Both directions of "player joined hunt": the hunts of players, and pages of the players of hunts.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::dataloader::Loader;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{
    ColumnTrait, DbErr, EntityTrait, FromQueryResult, JoinType, QueryFilter, QueryOrder,
    QueryResult, QuerySelect, QueryTrait, RelationTrait, Select,
};
use serde::de::SeqAccess;
use tracing::instrument;

use super::store::{group, group_by};
use super::{LoadError, Rows, Store};
use crate::entity::cell::Cell;
use crate::entity::{FromRow, JsonRow, enrolment, hunt, player};

/// The hunts a player joined, in the order they joined them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct HuntsOfPlayer(pub i64);

/// One page of a hunt's players in joining order: up to `limit` players after enrolment `after`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct HuntPlayersPage {
    pub hunt_id: i64,
    pub after: Option<i64>,
    pub limit: u64,
}

/// A page of enrolled players, each with the enrolment that is its cursor.
#[derive(Clone, Debug, Default)]
pub struct PlayerPage {
    pub entries: Vec<Enrolled<Arc<player::Model>>>,
    pub has_next: bool,
}

/// A hunt or a player reached through an enrolment: the enrolment's id, the other side of the enrolment
/// (`of`: the player whose hunts, or the hunt whose players, are being listed) and the model.
///
/// Read in one statement by joining `enrolments` and selecting its two columns under their own names, rather
/// than with `find_also_related`, which reads both models through prefixed column names and so formats a name
/// for every column of every row (measured: a tenth of the nested benchmark query's decoding). The
/// enrolment's third column is the model's own id, so it is not read twice.
#[derive(Clone, Debug, PartialEq)]
pub struct Enrolled<M> {
    pub enrolment_id: i64,
    pub of: i64,
    pub model: M,
}

impl<M> Enrolled<M> {
    /// The same, with the model shared.
    fn shared(self) -> Enrolled<Arc<M>> {
        Enrolled {
            enrolment_id: self.enrolment_id,
            of: self.of,
            model: Arc::new(self.model),
        }
    }
}

impl<M: FromRow> FromQueryResult for Enrolled<M> {
    /// The model's columns, then the enrolment's two (as [`enrolled`] selects them), by position.
    fn from_query_result(row: &QueryResult, _prefix: &str) -> Result<Self, DbErr> {
        let at = M::width();
        Ok(Self {
            enrolment_id: row.try_get_by_index(at)?,
            of: row.try_get_by_index(at + 1)?,
            model: M::from_row(row, 0)?,
        })
    }
}

impl<M: FromRow> JsonRow for Enrolled<M> {
    fn columns(names: &mut Vec<&'static str>) {
        M::columns(names);
        names.extend(["enrolment_id", "enrolment_of"]);
    }

    fn from_json<'de, A: SeqAccess<'de>>(row: &mut A) -> Result<Self, A::Error> {
        let model = M::from_json(row)?;
        Ok(Self {
            enrolment_id: Cell::next(row)?,
            of: Cell::next(row)?,
            model,
        })
    }
}

/// `E`'s rows joined with their enrolments (`via` is the enrolment's relation to `E`; `of` its column naming
/// the other side), in enrolment order.
fn enrolled<E: EntityTrait>(via: enrolment::Relation, of: enrolment::Column) -> Select<E> {
    E::find()
        .join_rev(JoinType::InnerJoin, via.def())
        .column_as(enrolment::Column::Id, "enrolment_id")
        .column_as(of, "enrolment_of")
        .order_by_asc(enrolment::Column::Id)
}

impl Loader<HuntsOfPlayer> for Store {
    type Value = Rows<hunt::Model>;
    type Error = LoadError;

    #[instrument(name = "load hunts of players", skip_all, fields(keys = keys.len()))]
    async fn load(
        &self,
        keys: &[HuntsOfPlayer],
    ) -> Result<HashMap<HuntsOfPlayer, Rows<hunt::Model>>, LoadError> {
        let select =
            enrolled::<hunt::Entity>(enrolment::Relation::Hunt, enrolment::Column::PlayerId)
                .filter(enrolment::Column::PlayerId.is_in(keys.iter().map(|k| k.0)));
        let rows = self
            .rows::<Enrolled<hunt::Model>>(select.build(self.db.get_database_backend()))
            .await?;
        Ok(group(
            keys,
            rows.into_iter()
                .map(|row| (HuntsOfPlayer(row.of), Arc::new(row.model))),
        ))
    }
}

impl Loader<HuntPlayersPage> for Store {
    type Value = Arc<PlayerPage>;
    type Error = LoadError;

    /// Keys asking for the same window (`after`, `limit`) share one statement: a window function numbers each
    /// hunt's enrolments so that every hunt gets its own first `limit + 1` rows.
    #[instrument(name = "load players of hunts", skip_all, fields(keys = keys.len()))]
    async fn load(
        &self,
        keys: &[HuntPlayersPage],
    ) -> Result<HashMap<HuntPlayersPage, Arc<PlayerPage>>, LoadError> {
        let mut windows: HashMap<(Option<i64>, u64), Vec<i64>> = HashMap::new();
        for key in keys {
            windows
                .entry((key.after, key.limit))
                .or_default()
                .push(key.hunt_id);
        }
        let mut pages = HashMap::with_capacity(keys.len());
        for ((after, limit), hunt_ids) in windows {
            let mut numbered = Query::select();
            numbered
                .column(enrolment::Column::Id)
                .expr_as(
                    Expr::cust("ROW_NUMBER() OVER (PARTITION BY hunt_id ORDER BY id)"),
                    Alias::new("rn"),
                )
                .from(enrolment::Entity)
                .and_where(enrolment::Column::HuntId.is_in(hunt_ids.iter().copied()));
            if let Some(after) = after {
                numbered.and_where(enrolment::Column::Id.gt(after));
            }
            let mut window = Query::select();
            window
                .column(Alias::new("id"))
                .from_subquery(numbered, Alias::new("numbered"))
                .and_where(Expr::col(Alias::new("rn")).lte(limit + 1));

            let select =
                enrolled::<player::Entity>(enrolment::Relation::Player, enrolment::Column::HuntId)
                    .filter(enrolment::Column::Id.in_subquery(window));
            let rows = self
                .rows::<Enrolled<player::Model>>(select.build(self.db.get_database_backend()))
                .await?;
            let rows = rows.into_iter().map(Enrolled::shared);
            for (hunt_id, entries) in group_by(&hunt_ids, rows, |row| row.of) {
                let mut entries = Arc::unwrap_or_clone(entries);
                let has_next = entries.len() as u64 > limit;
                entries.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
                let key = HuntPlayersPage {
                    hunt_id,
                    after,
                    limit,
                };
                pages.insert(key, Arc::new(PlayerPage { entries, has_next }));
            }
        }
        Ok(pages)
    }
}

#[cfg(test)]
mod tests {
    use sea_orm::DbBackend;

    use super::*;
    use crate::loaders::store::tests::{same_as_rows, sqlite_store};

    #[tokio::test]
    async fn enrolled_rows_read_as_json_equal_rows_read_one_by_one() {
        let (_dir, store) = sqlite_store().await;
        let hunts = same_as_rows::<Enrolled<hunt::Model>>(
            &store,
            enrolled::<hunt::Entity>(enrolment::Relation::Hunt, enrolment::Column::PlayerId)
                .build(DbBackend::Sqlite),
        )
        .await;
        let players = same_as_rows::<Enrolled<player::Model>>(
            &store,
            enrolled::<player::Entity>(enrolment::Relation::Player, enrolment::Column::HuntId)
                .build(DbBackend::Sqlite),
        )
        .await;
        assert!(hunts.len() > 20);
        assert_eq!(hunts.len(), players.len());
        assert!(
            hunts
                .windows(2)
                .all(|w| w[0].enrolment_id < w[1].enrolment_id)
        );
    }
}
