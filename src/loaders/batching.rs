//! How a request's loads are gathered into batches.
//!
//! Two policies, chosen by measurement (see BENCHMARKS.md):
//!
//! - [`Batching::Yield`], the default: the first load of a batch yields to the executor until no sibling adds a
//!   key any more, then runs the batch (see `batcher`). No wall-clock wait: a query with no fan-out costs what a
//!   direct look-up costs.
//! - [`Batching::Delay`]: a batch waits a fixed delay for more keys (async-graphql's `DataLoader`; its default is
//!   1 ms). Kept for comparison and for executors that poll slowly.
//!
//! Both go through [`Measured`], which records each batch's size and splits a batch larger than the backend's
//! bind-parameter limit into several statements.

use futures::FutureExt;
use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tracing::Instrument;

use async_graphql::dataloader::{DataLoader, Loader};
use sea_orm::{DatabaseConnection, DbBackend};

use super::batcher::{Batcher, Patience};
use super::{LoadError, Store};
use crate::telemetry::Metrics;
use crate::upstream::profiles::ProfilesClient;

/// How loads are gathered into batches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Batching {
    /// Yield to the executor until the batch stops growing: no wall-clock delay.
    Yield(Patience),
    /// Wait this long for more keys before dispatching.
    Delay(Duration),
}

/// Loader settings, the same for every request of a server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LoaderConfig {
    pub batching: Batching,
    /// The most keys in one batch; 1 turns batching off (the N+1 baseline of the benchmarks).
    pub max_batch_size: usize,
}

impl Default for LoaderConfig {
    fn default() -> Self {
        Self {
            // One yield without a new key is enough: an object's fields are all polled in the pass that
            // registers the leader's key, so its siblings have registered by the leader's next poll (the
            // statement tests pin the batches at 5 and 50 hunts on both backends). Each yield re-polls the
            // request's whole task: with 3, a lone look-up lost 13% of its throughput (BENCHMARKS.md).
            batching: Batching::Yield(Patience {
                quiet_yields: 1,
                max_yields: 256,
            }),
            max_batch_size: 1_000,
        }
    }
}

/// A relation's value type, as its loader returns it.
pub type ValueOf<K> = <Store as Loader<K>>::Value;

/// What a key type needs to be loadable.
pub trait RelationKey: Send + Sync + Hash + Eq + Clone + std::fmt::Debug + 'static {}
impl<K: Send + Sync + Hash + Eq + Clone + std::fmt::Debug + 'static> RelationKey for K {}

/// The [`Store`] with metrics and statement-size limits: what both batching policies call.
#[derive(Clone)]
pub struct Measured {
    store: Store,
    metrics: Arc<Metrics>,
    /// The most keys one statement may bind (each loader binds about one parameter per key).
    keys_per_statement: usize,
}

impl<K> Loader<K> for Measured
where
    K: RelationKey,
    Store: Loader<K, Error = LoadError>,
{
    type Value = ValueOf<K>;
    type Error = LoadError;

    async fn load(&self, keys: &[K]) -> Result<HashMap<K, Self::Value>, LoadError> {
        let span = tracing::info_span!(
            "loader.batch",
            loader = loader_name::<K>(),
            keys = keys.len()
        );
        self.load_in_statements(keys).instrument(span).await
    }
}

impl Measured {
    async fn load_in_statements<K>(&self, keys: &[K]) -> Result<HashMap<K, ValueOf<K>>, LoadError>
    where
        K: RelationKey,
        Store: Loader<K, Error = LoadError>,
    {
        self.metrics.batch(loader_name::<K>(), keys.len());
        if keys.len() <= self.keys_per_statement {
            return self.store.load(keys).await;
        }
        let mut values = HashMap::with_capacity(keys.len());
        for chunk in keys.chunks(self.keys_per_statement) {
            values.extend(self.store.load(chunk).await?);
        }
        Ok(values)
    }
}

/// The loader's name in metrics: the key type's name, such as `CluesOfHunt`.
fn loader_name<K>() -> &'static str {
    let full = std::any::type_name::<K>();
    full.rsplit("::").next().unwrap_or(full)
}

/// The per-request loaders: one cache and one batch queue per relation key type. Clones share them (a
/// subscription keeps a clone to forget the cache before each event).
#[derive(Clone)]
pub struct Loaders {
    measured: Measured,
    config: LoaderConfig,
    policy: Arc<Policy>,
}

enum Policy {
    Delay(DataLoader<Measured>),
    /// One batcher per key type, created on first use.
    Yield(Patience, Mutex<HashMap<TypeId, Arc<dyn Any + Send + Sync>>>),
}

impl Loaders {
    /// Fresh loaders with empty caches, for one request.
    pub fn new(
        db: DatabaseConnection,
        profiles: Option<Arc<ProfilesClient>>,
        metrics: Arc<Metrics>,
        config: LoaderConfig,
    ) -> Self {
        let keys_per_statement = match db.get_database_backend() {
            // SQLite binds at most 32,766 parameters, PostgreSQL 65,535; leave room for a loader's extra ones.
            DbBackend::Sqlite => 32_000,
            _ => 65_000,
        };
        let measured = Measured {
            store: Store { db, profiles },
            metrics,
            keys_per_statement,
        };
        let policy = match config.batching {
            Batching::Delay(delay) => Policy::Delay(
                DataLoader::new(measured.clone(), tokio::spawn)
                    .delay(delay)
                    .max_batch_size(config.max_batch_size.max(1)),
            ),
            Batching::Yield(patience) => Policy::Yield(patience, Mutex::new(HashMap::new())),
        };
        Self {
            measured,
            config,
            policy: Arc::new(policy),
        }
    }

    /// The value of one key (batched with every other key of its type requested meanwhile).
    pub async fn load_one<K>(&self, key: K) -> Result<Option<ValueOf<K>>, LoadError>
    where
        K: RelationKey,
        Store: Loader<K, Error = LoadError>,
    {
        match &*self.policy {
            // Boxed: async-graphql's load future would otherwise double the size of every load's (176 -> 376
            // bytes), for the policy kept only for comparison.
            Policy::Delay(loader) => loader.load_one(key).boxed().await,
            Policy::Yield(patience, batchers) => {
                let batcher = {
                    let mut batchers = batchers
                        .lock()
                        .map_err(|_| LoadError::internal("a loader panicked"))?;
                    let max_batch_size = self.config.max_batch_size;
                    let patience = *patience;
                    batchers
                        .entry(TypeId::of::<K>())
                        .or_insert_with(|| {
                            Arc::new(Batcher::<K, ValueOf<K>>::new(max_batch_size, patience))
                        })
                        .clone()
                        .downcast::<Batcher<K, ValueOf<K>>>()
                        .map_err(|_| LoadError::internal("loader registry holds the wrong type"))?
                };
                let measured = &self.measured;
                batcher
                    .load_one(key, |keys: Vec<K>| async move {
                        Loader::<K>::load(measured, &keys).await
                    })
                    .await
            }
        }
    }

    /// Forgets every cached value, so that what a mutation changed is read afresh.
    pub fn forget_all(&self) {
        match &*self.policy {
            Policy::Delay(loader) => super::store::clear_all(loader),
            // Loaders already handed out keep working; the next load of each type starts a fresh cache.
            Policy::Yield(_, batchers) => {
                if let Ok(mut batchers) = batchers.lock() {
                    batchers.clear();
                }
            }
        }
    }
}
