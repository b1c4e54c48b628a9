//! The loader behind every key type, and its per-request construction.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Arc;

use async_graphql::dataloader::DataLoader;
use sea_orm::{DatabaseConnection, DbErr};

/// Per-request loaders: one [`DataLoader`] over the [`Store`], keyed by relation.
pub type Loaders = DataLoader<Store>;

/// Loads rows for batches of keys; a `Loader<K>` impl per relation key `K`.
#[derive(Clone)]
pub struct Store {
    pub(crate) db: DatabaseConnection,
}

impl Store {
    /// Fresh loaders with empty caches, for one request.
    pub fn loaders(db: DatabaseConnection) -> Loaders {
        DataLoader::new(Store { db }, tokio::spawn)
    }
}

/// A failed batch load. Cloneable because every key of the batch receives it.
#[derive(Clone, Debug, thiserror::Error)]
#[error("loading from the database failed: {0}")]
pub struct LoadError(pub Arc<DbErr>);

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
    let mut grouped: HashMap<K, Vec<R>> = keys.iter().map(|k| (k.clone(), Vec::new())).collect();
    for row in rows {
        if let Some(list) = grouped.get_mut(&key_of(&row)) {
            list.push(row);
        }
    }
    grouped.into_iter().map(|(k, v)| (k, Arc::new(v))).collect()
}

/// Empties every cache of `loaders`, so that what a mutation changed is read afresh.
pub fn forget_all(loaders: &Loaders) {
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
}
