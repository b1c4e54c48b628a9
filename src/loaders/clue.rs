//! Clues by id, and the ordered clues of hunts.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::dataloader::Loader;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use tracing::instrument;

use super::store::group_by;
use super::{LoadError, Rows, Store};
use crate::entity::clue;

/// A clue by its id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ClueId(pub i64);

/// All clues of a hunt, in position order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CluesOfHunt(pub i64);

impl Loader<ClueId> for Store {
    type Value = Arc<clue::Model>;
    type Error = LoadError;

    #[instrument(name = "load clues by id", skip_all, fields(keys = keys.len()))]
    async fn load(&self, keys: &[ClueId]) -> Result<HashMap<ClueId, Arc<clue::Model>>, LoadError> {
        let rows = self
            .all(clue::Entity::find().filter(clue::Column::Id.is_in(keys.iter().map(|k| k.0))))
            .await?;
        Ok(rows.into_iter().map(|c| (ClueId(c.id), c)).collect())
    }
}

impl Loader<CluesOfHunt> for Store {
    type Value = Rows<clue::Model>;
    type Error = LoadError;

    #[instrument(name = "load clues of hunts", skip_all, fields(keys = keys.len()))]
    async fn load(
        &self,
        keys: &[CluesOfHunt],
    ) -> Result<HashMap<CluesOfHunt, Rows<clue::Model>>, LoadError> {
        let rows = self
            .all(
                clue::Entity::find()
                    .filter(clue::Column::HuntId.is_in(keys.iter().map(|k| k.0)))
                    .order_by_asc(clue::Column::HuntId)
                    .order_by_asc(clue::Column::Position),
            )
            .await?;
        Ok(group_by(keys, rows, |c| CluesOfHunt(c.hunt_id)))
    }
}
