//! How a request's loads are gathered into batches.
//!
//! Two policies, chosen by measurement (see BENCHMARKS.md):
//!
//! - [`Batching::Yield`], the default: a load registers its key, then yields to the executor a few times before
//!   dispatching, so every sibling resolver polled meanwhile joins the batch. No wall-clock wait: a query with
//!   no fan-out costs what a direct look-up costs. (The `dataloader` crate.)
//! - [`Batching::Delay`]: a batch waits a fixed delay for more keys (async-graphql's `DataLoader`; its default is
//!   1 ms). Kept for comparison and for executors that poll slowly.
//!
//! Both go through [`Measured`], which records each batch's size and splits a batch larger than the backend's
//! bind-parameter limit into several statements.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::hash::Hash;
use std::marker::PhantomData;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_graphql::dataloader::{DataLoader, Loader};
use sea_orm::{DatabaseConnection, DbBackend};

use super::{LoadError, Store};
use crate::telemetry::Metrics;

/// How loads are gathered into batches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Batching {
    /// Yield to the executor this many times before dispatching: no wall-clock delay.
    Yield { yields: usize },
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
            batching: Batching::Yield { yields: 10 },
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

/// The per-request loaders: one cache and one batch queue per relation key type.
pub struct Loaders {
    measured: Measured,
    config: LoaderConfig,
    policy: Policy,
}

enum Policy {
    Delay(DataLoader<Measured>),
    /// One `dataloader::cached::Loader` per key type, created on first use.
    Yield(Mutex<HashMap<TypeId, Box<dyn Any + Send + Sync>>>),
}

type YieldLoader<K> =
    dataloader::cached::Loader<K, Result<Option<ValueOf<K>>, LoadError>, Batch<K>>;

impl Loaders {
    /// Fresh loaders with empty caches, for one request.
    pub fn new(db: DatabaseConnection, metrics: Arc<Metrics>, config: LoaderConfig) -> Self {
        let keys_per_statement = match db.get_database_backend() {
            // SQLite binds at most 32,766 parameters, PostgreSQL 65,535; leave room for a loader's extra ones.
            DbBackend::Sqlite => 32_000,
            _ => 65_000,
        };
        let measured = Measured {
            store: Store { db },
            metrics,
            keys_per_statement,
        };
        let policy = match config.batching {
            Batching::Delay(delay) => Policy::Delay(
                DataLoader::new(measured.clone(), tokio::spawn)
                    .delay(delay)
                    .max_batch_size(config.max_batch_size.max(1)),
            ),
            Batching::Yield { .. } => Policy::Yield(Mutex::new(HashMap::new())),
        };
        Self {
            measured,
            config,
            policy,
        }
    }

    /// The value of one key (batched with every other key of its type requested meanwhile).
    pub async fn load_one<K>(&self, key: K) -> Result<Option<ValueOf<K>>, LoadError>
    where
        K: RelationKey,
        Store: Loader<K, Error = LoadError>,
    {
        match &self.policy {
            Policy::Delay(loader) => loader.load_one(key).await,
            Policy::Yield(_) => {
                let loader = self.yield_loader::<K>()?;
                loader
                    .try_load(key)
                    .await
                    .map_err(|err| LoadError::internal(err.to_string()))?
            }
        }
    }

    /// Forgets every cached value, so that what a mutation changed is read afresh.
    pub fn forget_all(&self) {
        match &self.policy {
            Policy::Delay(loader) => super::store::clear_all(loader),
            // Loaders already handed out keep working; the next load of each type starts a fresh cache.
            Policy::Yield(loaders) => {
                if let Ok(mut loaders) = loaders.lock() {
                    loaders.clear();
                }
            }
        }
    }

    fn yield_loader<K>(&self) -> Result<YieldLoader<K>, LoadError>
    where
        K: RelationKey,
        Store: Loader<K, Error = LoadError>,
    {
        let Policy::Yield(loaders) = &self.policy else {
            return Err(LoadError::internal("not a yielding loader"));
        };
        let Batching::Yield { yields } = self.config.batching else {
            return Err(LoadError::internal("not a yielding loader"));
        };
        let mut loaders = loaders
            .lock()
            .map_err(|_| LoadError::internal("a loader panicked"))?;
        let entry = loaders.entry(TypeId::of::<K>()).or_insert_with(|| {
            let batch = Batch {
                measured: self.measured.clone(),
                key: PhantomData,
            };
            Box::new(
                YieldLoader::<K>::new(batch)
                    .with_yield_count(yields)
                    .with_max_batch_size(self.config.max_batch_size.max(1)),
            )
        });
        entry
            .downcast_ref::<YieldLoader<K>>()
            .cloned()
            .ok_or_else(|| LoadError::internal("loader registry holds the wrong type"))
    }
}

/// One relation's batch function for the `dataloader` crate: every key gets an entry, so a key with no row is
/// `Ok(None)` and a failed statement is that error for every key of the batch.
pub struct Batch<K> {
    measured: Measured,
    key: PhantomData<fn() -> K>,
}

impl<K> dataloader::BatchFn<K, Result<Option<ValueOf<K>>, LoadError>> for Batch<K>
where
    K: RelationKey,
    Store: Loader<K, Error = LoadError>,
{
    async fn load(&mut self, keys: &[K]) -> HashMap<K, Result<Option<ValueOf<K>>, LoadError>> {
        match Loader::<K>::load(&self.measured, keys).await {
            Ok(mut found) => keys
                .iter()
                .map(|k| (k.clone(), Ok(found.remove(k))))
                .collect(),
            Err(err) => keys.iter().map(|k| (k.clone(), Err(err.clone()))).collect(),
        }
    }
}
