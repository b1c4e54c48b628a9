//! Hunts by id and by slug.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::dataloader::Loader;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use tracing::instrument;

use super::{LoadError, Store};
use crate::entity::hunt;

/// A hunt by its id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct HuntId(pub i64);

/// A hunt by its slug.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct HuntSlug(pub String);

impl Loader<HuntId> for Store {
    type Value = Arc<hunt::Model>;
    type Error = LoadError;

    #[instrument(name = "load hunts by id", skip_all, fields(keys = keys.len()))]
    async fn load(&self, keys: &[HuntId]) -> Result<HashMap<HuntId, Arc<hunt::Model>>, LoadError> {
        let rows = self
            .all(hunt::Entity::find().filter(hunt::Column::Id.is_in(keys.iter().map(|k| k.0))))
            .await?;
        Ok(rows.into_iter().map(|h| (HuntId(h.id), h)).collect())
    }
}

impl Loader<HuntSlug> for Store {
    type Value = Arc<hunt::Model>;
    type Error = LoadError;

    #[instrument(name = "load hunts by slug", skip_all, fields(keys = keys.len()))]
    async fn load(
        &self,
        keys: &[HuntSlug],
    ) -> Result<HashMap<HuntSlug, Arc<hunt::Model>>, LoadError> {
        let rows = self
            .all(
                hunt::Entity::find()
                    .filter(hunt::Column::Slug.is_in(keys.iter().map(|k| k.0.as_str()))),
            )
            .await?;
        Ok(rows
            .into_iter()
            .map(|h| (HuntSlug(h.slug.clone()), h))
            .collect())
    }
}
