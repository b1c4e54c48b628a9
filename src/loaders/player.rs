//! Players by id, by handle and by account.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::dataloader::Loader;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use tracing::instrument;

use super::{LoadError, Store};
use crate::entity::player;
use crate::game::validate::handle_key;

/// A player by id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PlayerId(pub i64);

/// A player by handle, in any letter case.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PlayerHandle(String);

impl PlayerHandle {
    pub fn new(handle: &str) -> Self {
        Self(handle_key(handle))
    }
}

/// The player registered by an account (the token's `sub`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PlayerAccount(pub String);

impl Loader<PlayerId> for Store {
    type Value = Arc<player::Model>;
    type Error = LoadError;

    #[instrument(name = "load players by id", skip_all, fields(keys = keys.len()))]
    async fn load(
        &self,
        keys: &[PlayerId],
    ) -> Result<HashMap<PlayerId, Arc<player::Model>>, LoadError> {
        let rows = self
            .all(player::Entity::find().filter(player::Column::Id.is_in(keys.iter().map(|k| k.0))))
            .await?;
        Ok(rows.into_iter().map(|p| (PlayerId(p.id), p)).collect())
    }
}

impl Loader<PlayerHandle> for Store {
    type Value = Arc<player::Model>;
    type Error = LoadError;

    #[instrument(name = "load players by handle", skip_all, fields(keys = keys.len()))]
    async fn load(
        &self,
        keys: &[PlayerHandle],
    ) -> Result<HashMap<PlayerHandle, Arc<player::Model>>, LoadError> {
        let rows = self
            .all(
                player::Entity::find()
                    .filter(player::Column::HandleKey.is_in(keys.iter().map(|k| k.0.as_str()))),
            )
            .await?;
        Ok(rows
            .into_iter()
            .map(|p| (PlayerHandle(p.handle_key.clone()), p))
            .collect())
    }
}

impl Loader<PlayerAccount> for Store {
    type Value = Arc<player::Model>;
    type Error = LoadError;

    #[instrument(name = "load players by account", skip_all, fields(keys = keys.len()))]
    async fn load(
        &self,
        keys: &[PlayerAccount],
    ) -> Result<HashMap<PlayerAccount, Arc<player::Model>>, LoadError> {
        let rows = self
            .all(
                player::Entity::find()
                    .filter(player::Column::AccountId.is_in(keys.iter().map(|k| k.0.as_str()))),
            )
            .await?;
        Ok(rows
            .into_iter()
            .map(|p| (PlayerAccount(p.account_id.clone()), p))
            .collect())
    }
}
