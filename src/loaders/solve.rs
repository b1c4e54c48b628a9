//! Solves of clues and of players.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::dataloader::Loader;
use sea_orm::{ColumnTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};
use tracing::instrument;

use super::store::group_by;
use super::{LoadError, Rows, Store};
use crate::entity::solve;

/// Every solve of a clue, earliest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SolvesOfClue(pub i64);

/// Every solve of a player, earliest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SolvesOfPlayer(pub i64);

impl Loader<SolvesOfClue> for Store {
    type Value = Rows<solve::Model>;
    type Error = LoadError;

    #[instrument(name = "load solves of clues", skip_all, fields(keys = keys.len()))]
    async fn load(
        &self,
        keys: &[SolvesOfClue],
    ) -> Result<HashMap<SolvesOfClue, Rows<solve::Model>>, LoadError> {
        let rows = self
            .solves_where(solve::Column::ClueId, keys.iter().map(|k| k.0))
            .await?;
        Ok(group_by(keys, rows, |s| SolvesOfClue(s.clue_id)))
    }
}

impl Loader<SolvesOfPlayer> for Store {
    type Value = Rows<solve::Model>;
    type Error = LoadError;

    #[instrument(name = "load solves of players", skip_all, fields(keys = keys.len()))]
    async fn load(
        &self,
        keys: &[SolvesOfPlayer],
    ) -> Result<HashMap<SolvesOfPlayer, Rows<solve::Model>>, LoadError> {
        let rows = self
            .solves_where(solve::Column::PlayerId, keys.iter().map(|k| k.0))
            .await?;
        Ok(group_by(keys, rows, |s| SolvesOfPlayer(s.player_id)))
    }
}

impl Store {
    /// The solves whose `column` is one of `ids`, by `column` and then earliest first: the order of the index
    /// `(clue_id, solved_at, id)`, so that solves of clues need no sort.
    async fn solves_where(
        &self,
        column: solve::Column,
        ids: impl IntoIterator<Item = i64>,
    ) -> Result<Vec<Arc<solve::Model>>, DbErr> {
        self.all(
            solve::Entity::find()
                .filter(column.is_in(ids))
                .order_by_asc(column)
                .order_by_asc(solve::Column::SolvedAt)
                .order_by_asc(solve::Column::Id),
        )
        .await
    }
}
