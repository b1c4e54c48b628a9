//! Where every relation key type is loaded from: the database, and partner APIs.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Arc;

use async_graphql::dataloader::DataLoader;
use sea_orm::{DatabaseConnection, DbErr, EntityTrait, Select};

use super::batching::Measured;
use crate::entity::{ByPosition, FromRow};
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
        let rows = select
            .into_model::<ByPosition<E::Model>>()
            .all(&self.db)
            .await?;
        Ok(rows.into_iter().map(|row| Arc::new(row.0)).collect())
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
