//! Both directions of "player joined hunt": the hunts of players, and pages of the players of hunts.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::dataloader::Loader;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use tracing::instrument;

use super::store::group_by;
use super::{LoadError, Store};
use crate::entity::{enrolment, hunt, player};

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
    pub entries: Vec<(enrolment::Model, player::Model)>,
    pub has_next: bool,
}

impl Loader<HuntsOfPlayer> for Store {
    type Value = Arc<Vec<hunt::Model>>;
    type Error = LoadError;

    #[instrument(name = "load hunts of players", skip_all, fields(keys = keys.len()))]
    async fn load(
        &self,
        keys: &[HuntsOfPlayer],
    ) -> Result<HashMap<HuntsOfPlayer, Arc<Vec<hunt::Model>>>, LoadError> {
        let rows = enrolment::Entity::find()
            .filter(enrolment::Column::PlayerId.is_in(keys.iter().map(|k| k.0)))
            .order_by_asc(enrolment::Column::Id)
            .find_also_related(hunt::Entity)
            .all(&self.db)
            .await?;
        let pairs = rows
            .into_iter()
            .filter_map(|(enrolment, hunt)| hunt.map(|h| (enrolment.player_id, h)));
        let grouped = group_by(keys, pairs, |(player_id, _)| HuntsOfPlayer(*player_id));
        Ok(grouped
            .into_iter()
            .map(|(k, pairs)| (k, Arc::new(pairs.iter().map(|(_, h)| h.clone()).collect())))
            .collect())
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

            let rows = enrolment::Entity::find()
                .filter(enrolment::Column::Id.in_subquery(window))
                .order_by_asc(enrolment::Column::Id)
                .find_also_related(player::Entity)
                .all(&self.db)
                .await?;
            let pairs = rows
                .into_iter()
                .filter_map(|(enrolment, player)| player.map(|p| (enrolment, p)));
            for (hunt_id, entries) in group_by(&hunt_ids, pairs, |(e, _)| e.hunt_id) {
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
