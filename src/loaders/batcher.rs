//! Zero-delay batching: collect the keys requested while the executor makes progress, then load them at once.
//!
//! The first load of a batch becomes its leader: it yields to the executor until the batch has stopped growing
//! for a yield or more (every sibling resolver polled meanwhile adds its key), then runs the batch itself, inside
//! the request's own task. Every waiter receives the result at the same moment through a shared channel, so
//! the next level of the query starts together and batches together too.
//!
//! This replaces the `dataloader` crate's loader, whose waiters collect results one by one through a fair
//! mutex: under a fan-out of hundreds, the first waiters move on and dispatch the next level's batch before the
//! last ones have their results, splitting it (measured in BENCHMARKS.md).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use futures::FutureExt;
use futures::channel::oneshot;
use futures::future::{BoxFuture, Shared};

use super::LoadError;

/// The batcher's own maps: hashed with foldhash, several times faster than the standard SipHash on these
/// small integer keys, and still seeded per map.
type Map<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

type BatchResult<K, V> = Shared<BoxFuture<'static, Result<Arc<HashMap<K, V>>, LoadError>>>;

/// How a batcher decides a batch is complete.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Patience {
    /// Dispatch once this many consecutive yields added no key.
    pub quiet_yields: usize,
    /// Dispatch after this many yields whatever happens (bounds the wait under a steady trickle of keys).
    pub max_yields: usize,
}

/// One relation's batches and cache, for one request.
pub struct Batcher<K, V> {
    state: Mutex<State<K, V>>,
    max_batch_size: usize,
    patience: Patience,
}

struct State<K, V> {
    /// Loaded keys; `None` for keys with no row.
    cache: Map<K, Option<V>>,
    /// Keys whose batch is open or loading, and the batch's result.
    waiting: Map<K, BatchResult<K, V>>,
    open: Option<OpenBatch<K, V>>,
    next_id: u64,
}

struct OpenBatch<K, V> {
    id: u64,
    keys: Vec<K>,
    sender: oneshot::Sender<Result<Arc<HashMap<K, V>>, LoadError>>,
    result: BatchResult<K, V>,
}

/// What a load has to do after registering its key.
enum Role<K, V> {
    Wait,
    /// Lead batch `id`: wait for it to fill, then run it.
    Lead(u64),
    /// Run this full batch now.
    Run(OpenBatch<K, V>),
}

impl<K, V> Batcher<K, V>
where
    K: std::hash::Hash + Eq + Clone + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
{
    pub fn new(max_batch_size: usize, patience: Patience) -> Self {
        Self {
            state: Mutex::new(State {
                cache: Map::default(),
                waiting: Map::default(),
                open: None,
                next_id: 0,
            }),
            max_batch_size: max_batch_size.max(1),
            patience,
        }
    }

    /// The value of `key`, loaded in a batch by `load` (called with the batch's keys, once per batch).
    pub async fn load_one<F, Fut>(&self, key: K, load: F) -> Result<Option<V>, LoadError>
    where
        F: FnOnce(Vec<K>) -> Fut,
        Fut: Future<Output = Result<HashMap<K, V>, LoadError>>,
    {
        let (result, role) = {
            let mut state = self.lock()?;
            if let Some(value) = state.cache.get(&key) {
                return Ok(value.clone());
            }
            match state.waiting.get(&key) {
                Some(result) => (result.clone(), Role::Wait),
                None => self.register(&mut state, key.clone()),
            }
        };
        if !matches!(role, Role::Wait) {
            // Boxed: this runs once per batch, and inline the statement's future would make every waiting
            // load's future (tens of thousands in a large response, each held until its batch is in) as large.
            Box::pin(self.dispatch(role, load)).await?;
        }
        let values = result.await?;
        Ok(values.get(&key).cloned())
    }

    /// The leader's part: wait for the batch to fill (unless it is full already), then run it.
    async fn dispatch<F, Fut>(&self, role: Role<K, V>, load: F) -> Result<(), LoadError>
    where
        F: FnOnce(Vec<K>) -> Fut,
        Fut: Future<Output = Result<HashMap<K, V>, LoadError>>,
    {
        let batch = match role {
            Role::Wait => None,
            Role::Run(batch) => Some(batch),
            Role::Lead(id) => {
                self.wait_for_siblings(id).await?;
                self.take_open(id)?
            }
        };
        match batch {
            Some(batch) => self.run(batch, load).await,
            None => Ok(()),
        }
    }

    fn register(&self, state: &mut State<K, V>, key: K) -> (BatchResult<K, V>, Role<K, V>) {
        let mut open = match state.open.take() {
            Some(open) => open,
            None => {
                let (sender, receiver) = oneshot::channel();
                state.next_id += 1;
                OpenBatch {
                    id: state.next_id,
                    keys: Vec::new(),
                    sender,
                    result: shared(receiver),
                }
            }
        };
        let leader = open.keys.is_empty();
        open.keys.push(key.clone());
        let result = open.result.clone();
        state.waiting.insert(key, result.clone());
        let role = if open.keys.len() >= self.max_batch_size {
            Role::Run(open)
        } else {
            let id = open.id;
            state.open = Some(open);
            if leader { Role::Lead(id) } else { Role::Wait }
        };
        (result, role)
    }

    /// Yields until batch `id` stopped growing, was dispatched (it filled up), or patience ran out.
    async fn wait_for_siblings(&self, id: u64) -> Result<(), LoadError> {
        let mut last = 0;
        let mut quiet = 0;
        for _ in 0..self.patience.max_yields {
            tokio::task::yield_now().await;
            let size = match self.lock()?.open.as_ref() {
                Some(open) if open.id == id => open.keys.len(),
                _ => return Ok(()),
            };
            if size == last {
                quiet += 1;
                if quiet >= self.patience.quiet_yields {
                    break;
                }
            } else {
                quiet = 0;
                last = size;
            }
        }
        Ok(())
    }

    fn take_open(&self, id: u64) -> Result<Option<OpenBatch<K, V>>, LoadError> {
        let mut state = self.lock()?;
        Ok(match state.open.take() {
            Some(open) if open.id == id => Some(open),
            other => {
                state.open = other;
                None
            }
        })
    }

    async fn run<F, Fut>(&self, batch: OpenBatch<K, V>, load: F) -> Result<(), LoadError>
    where
        F: FnOnce(Vec<K>) -> Fut,
        Fut: Future<Output = Result<HashMap<K, V>, LoadError>>,
    {
        let OpenBatch { keys, sender, .. } = batch;
        let outcome = load(keys.clone()).await.map(Arc::new);
        {
            let mut state = self.lock()?;
            for key in &keys {
                state.waiting.remove(key);
                if let Ok(values) = &outcome {
                    state.cache.insert(key.clone(), values.get(key).cloned());
                }
            }
        }
        // Every waiter wakes now, together. (If they are all gone, nobody needs the result.)
        let _ = sender.send(outcome);
        Ok(())
    }

    fn lock(&self) -> Result<std::sync::MutexGuard<'_, State<K, V>>, LoadError> {
        self.state
            .lock()
            .map_err(|_| LoadError::internal("a loader panicked"))
    }
}

fn shared<K, V>(
    receiver: oneshot::Receiver<Result<Arc<HashMap<K, V>>, LoadError>>,
) -> BatchResult<K, V>
where
    K: Send + Sync + 'static,
    V: Send + Sync + 'static,
{
    receiver
        .map(|received| {
            received.unwrap_or_else(|_| Err(LoadError::internal("a batch was abandoned")))
        })
        .boxed()
        .shared()
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use futures::future::join_all;

    use super::*;

    const PATIENCE: Patience = Patience {
        quiet_yields: 3,
        max_yields: 256,
    };

    /// A batch function that doubles its keys, skips 13, and records each call's keys.
    fn doubling(
        calls: &Mutex<Vec<Vec<u32>>>,
    ) -> impl Fn(Vec<u32>) -> futures::future::Ready<Result<HashMap<u32, u32>, LoadError>> + '_
    {
        move |keys: Vec<u32>| {
            if let Ok(mut calls) = calls.lock() {
                calls.push(keys.clone());
            }
            futures::future::ready(Ok(keys
                .iter()
                .filter(|k| **k != 13)
                .map(|k| (*k, k * 2))
                .collect()))
        }
    }

    #[tokio::test]
    async fn sibling_loads_in_one_task_share_one_batch() -> Result<(), LoadError> {
        let batcher = Batcher::new(1_000, PATIENCE);
        let calls = Mutex::new(Vec::new());
        let load = doubling(&calls);
        let results = join_all((0..500).map(|k| batcher.load_one(k, &load))).await;
        assert_eq!(results[7].clone()?, Some(14));
        assert_eq!(results[13].clone()?, None);
        assert_eq!(calls.lock().map(|c| c.len()).unwrap_or_default(), 1);
        // Now cached, found and missing alike: no further call.
        assert_eq!(batcher.load_one(13, &load).await?, None);
        assert_eq!(batcher.load_one(7, &load).await?, Some(14));
        assert_eq!(calls.lock().map(|c| c.len()).unwrap_or_default(), 1);
        Ok(())
    }

    #[tokio::test]
    async fn batches_never_exceed_the_maximum_size() {
        let batcher = Batcher::new(64, PATIENCE);
        let calls = Mutex::new(Vec::new());
        let load = doubling(&calls);
        let results = join_all((0..200).map(|k| batcher.load_one(k, &load))).await;
        assert!(results.iter().all(Result::is_ok));
        let sizes: Vec<usize> = calls
            .lock()
            .map(|c| c.iter().map(Vec::len).collect())
            .unwrap_or_default();
        assert_eq!(sizes.iter().sum::<usize>(), 200);
        assert!(sizes.iter().all(|s| *s <= 64), "{sizes:?}");
    }

    #[test]
    fn a_waiting_load_does_not_hold_the_statement_future() {
        let batcher: Batcher<u32, u32> = Batcher::new(1_000, PATIENCE);
        // A batch function whose future is large, as a SeaORM statement's is.
        let load = |keys: Vec<u32>| async move {
            let buffer = [0u8; 4096];
            futures::future::ready(()).await;
            Ok(keys.iter().map(|k| (*k, u32::from(buffer[0]))).collect())
        };
        let waiting = batcher.load_one(1, load);
        assert!(
            std::mem::size_of_val(&waiting) < 1024,
            "a load's future is {} bytes",
            std::mem::size_of_val(&waiting)
        );
    }

    #[tokio::test]
    async fn a_failed_batch_fails_every_waiter_and_is_not_cached() {
        let batcher: Batcher<u32, u32> = Batcher::new(1_000, PATIENCE);
        let attempts = AtomicUsize::new(0);
        let failing = |_keys: Vec<u32>| {
            attempts.fetch_add(1, Ordering::SeqCst);
            futures::future::ready(Err(LoadError::internal("database down")))
        };
        let results = join_all((0..10).map(|k| batcher.load_one(k, failing))).await;
        assert!(results.iter().all(Result::is_err));
        assert_eq!(attempts.load(Ordering::SeqCst), 1);
        let retried = batcher
            .load_one(3, |_keys: Vec<u32>| {
                futures::future::ready(Ok(HashMap::from([(3, 6)])))
            })
            .await;
        assert_eq!(retried.ok().flatten(), Some(6));
    }
}
