//! Execution slots (`--max-concurrent-operations`): how many operations execute at once, and why an operation
//! waiting on a partner API gives its slot up meanwhile.
//!
//! A replica runs fastest when it executes about as many operations as its cores can keep busy (BENCHMARKS.md:
//! a nested query runs a fifth faster with 8 than with 64 at once on 2 cores, and holds half the memory); the
//! rest wait their turn, first come first served, counted in `graphql_operations_queued`. An operation that
//! waits on the profiles service uses no core meanwhile, so it steps out: it releases its slot while its call
//! is on the network ([`away`]) and queues for one again before it goes on. A slow partner therefore holds no
//! slots, and a profile served from the cache costs no step out.

use std::future::Future;
use std::sync::{Arc, Mutex};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::telemetry::Metrics;

/// A replica's execution slots.
#[derive(Clone)]
pub struct Slots {
    semaphore: Arc<Semaphore>,
    metrics: Arc<Metrics>,
}

/// One operation's hold on a slot: installed in the operation's data, released when dropped.
pub struct ExecutionSlot {
    slots: Slots,
    state: Mutex<Hold>,
}

#[derive(Default)]
struct Hold {
    permit: Option<OwnedSemaphorePermit>,
    /// How many of the operation's waits on a partner are under way: the slot is released while any is.
    away: usize,
}

impl Slots {
    /// `count` slots (at least one).
    pub fn new(count: usize, metrics: Arc<Metrics>) -> Self {
        Self {
            semaphore: Arc::new(Semaphore::new(count.max(1))),
            metrics,
        }
    }

    /// Waits for a slot; the operation holds it until the returned hold is dropped.
    pub async fn acquire(&self) -> Arc<ExecutionSlot> {
        let permit = self.permit().await;
        Arc::new(ExecutionSlot {
            slots: self.clone(),
            state: Mutex::new(Hold { permit, away: 0 }),
        })
    }

    /// A permit, counted in `graphql_operations_queued` while it is awaited. `None` only if the semaphore
    /// were closed, which it never is: the operation then runs without one rather than fail.
    async fn permit(&self) -> Option<OwnedSemaphorePermit> {
        if let Ok(permit) = self.semaphore.clone().try_acquire_owned() {
            return Some(permit);
        }
        let _queued = Queued::enter(&self.metrics);
        self.semaphore.clone().acquire_owned().await.ok()
    }

    /// Slots free now (for tests and diagnostics).
    pub fn available(&self) -> usize {
        self.semaphore.available_permits()
    }
}

impl ExecutionSlot {
    /// Runs `wait` (a call to a partner) with the slot released, then takes a slot again.
    pub async fn away<F: Future>(&self, wait: F) -> F::Output {
        let step = Step::out(self);
        let output = wait.await;
        step.back().await;
        output
    }
}

/// One wait away from the slot. Dropped without [`Step::back`] (the operation was cancelled), it leaves the
/// count right and takes no slot again.
struct Step<'a> {
    slot: &'a ExecutionSlot,
    returned: bool,
}

impl<'a> Step<'a> {
    fn out(slot: &'a ExecutionSlot) -> Self {
        if let Ok(mut hold) = slot.state.lock() {
            hold.away += 1;
            hold.permit = None;
        }
        Self {
            slot,
            returned: false,
        }
    }

    async fn back(mut self) {
        self.returned = true;
        let last = self.slot.state.lock().is_ok_and(|mut hold| {
            hold.away -= 1;
            hold.away == 0 && hold.permit.is_none()
        });
        if !last {
            return;
        }
        let permit = self.slot.slots.permit().await;
        if let Ok(mut hold) = self.slot.state.lock()
            && hold.away == 0
            && hold.permit.is_none()
        {
            hold.permit = permit;
        }
    }
}

impl Drop for Step<'_> {
    fn drop(&mut self) {
        if !self.returned
            && let Ok(mut hold) = self.slot.state.lock()
        {
            hold.away -= 1;
        }
    }
}

tokio::task_local! {
    /// The slot of the operation being executed, for [`away`] to find without threading it through the
    /// loaders: set around the operation's execution, which runs in the request's own task.
    static CURRENT: Arc<ExecutionSlot>;
}

/// Executes `operation` holding `slot`, so that its waits on partners can release it (see [`away`]).
pub async fn holding<F: Future>(slot: Option<Arc<ExecutionSlot>>, operation: F) -> F::Output {
    match slot {
        Some(slot) => CURRENT.scope(slot, operation).await,
        None => operation.await,
    }
}

/// Runs `wait`, a call to a partner API, with the current operation's slot released meanwhile (at once when
/// it holds none: no limit, a transport that is not counted, or a task of its own).
pub async fn away<F: Future>(wait: F) -> F::Output {
    match CURRENT.try_with(Arc::clone) {
        Ok(slot) => slot.away(wait).await,
        Err(_) => wait.await,
    }
}

/// Counts an operation in `graphql_operations_queued` while it waits, however the wait ends (a slot, or the
/// request dropped by its timeout or its client).
struct Queued<'a>(&'a Metrics);

impl<'a> Queued<'a> {
    fn enter(metrics: &'a Metrics) -> Self {
        metrics.operations_queued(1.0);
        Self(metrics)
    }
}

impl Drop for Queued<'_> {
    fn drop(&mut self) {
        self.0.operations_queued(-1.0);
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use tokio::sync::oneshot;

    use super::*;

    fn slots(count: usize) -> Slots {
        Slots::new(count, Metrics::new())
    }

    #[tokio::test]
    async fn an_operation_beyond_the_slots_waits_for_one() {
        let slots = slots(1);
        let first = slots.acquire().await;
        let second = tokio::time::timeout(Duration::from_millis(50), slots.acquire()).await;
        assert!(second.is_err(), "the second operation had to wait");
        drop(first);
        let second = tokio::time::timeout(Duration::from_secs(5), slots.acquire()).await;
        assert!(second.is_ok(), "a slot freed is taken");
    }

    #[tokio::test]
    async fn an_operation_waiting_on_a_partner_gives_its_slot_up_and_takes_one_back() {
        let slots = slots(1);
        let first = slots.acquire().await;
        let (answer, answered) = oneshot::channel::<u8>();
        let waiting = tokio::spawn({
            let first = first.clone();
            async move { first.away(answered).await }
        });
        // While the first waits on its partner, the second runs in the only slot.
        let second = tokio::time::timeout(Duration::from_secs(5), slots.acquire())
            .await
            .expect("the waiting operation released its slot");
        answer.send(7).unwrap();
        // The first's answer has come, but it goes on only once the second has finished.
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(!waiting.is_finished(), "it queued for a slot again");
        drop(second);
        let output = tokio::time::timeout(Duration::from_secs(5), waiting)
            .await
            .expect("it took the freed slot")
            .unwrap();
        assert_eq!(output.unwrap(), 7);
        assert_eq!(slots.available(), 0, "the first holds its slot again");
        drop(first);
        assert_eq!(slots.available(), 1);
    }

    #[tokio::test]
    async fn several_waits_at_once_release_the_slot_once_and_take_it_back_once() {
        let slots = slots(2);
        let hold = slots.acquire().await;
        let (a, a_done) = oneshot::channel::<()>();
        let (b, b_done) = oneshot::channel::<()>();
        let both = tokio::spawn({
            let hold = hold.clone();
            async move { tokio::join!(hold.away(a_done), hold.away(b_done)) }
        });
        // Both waits have stepped out once the slot is free (polled: the spawned task runs when it runs).
        tokio::time::timeout(Duration::from_secs(5), async {
            while slots.available() < 2 {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        })
        .await
        .expect("the waits released the slot");
        a.send(()).unwrap();
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert_eq!(
            slots.available(),
            2,
            "still away while the other wait lasts"
        );
        b.send(()).unwrap();
        let (a, b) = both.await.unwrap();
        assert!(a.is_ok() && b.is_ok());
        assert_eq!(slots.available(), 1);
        drop(hold);
        assert_eq!(slots.available(), 2);
    }

    #[tokio::test]
    async fn a_cancelled_wait_leaves_the_count_right() {
        let slots = slots(1);
        let hold = slots.acquire().await;
        let (_keep, never) = oneshot::channel::<()>();
        let cancelled = tokio::time::timeout(Duration::from_millis(20), hold.away(never)).await;
        assert!(cancelled.is_err());
        let (done, finished) = oneshot::channel::<()>();
        done.send(()).unwrap();
        let _ = hold.away(finished).await;
        assert_eq!(slots.available(), 0, "a later wait takes the slot back");
    }

    #[tokio::test]
    async fn the_operation_being_executed_steps_out_of_its_own_slot() {
        let slots = slots(1);
        let hold = slots.acquire().await;
        let free_while_away = holding(Some(hold), async {
            away(async { slots.available() }).await
        })
        .await;
        assert_eq!(free_while_away, 1);
        assert_eq!(slots.available(), 1, "released once the operation is done");
        assert_eq!(
            away(async { 5 }).await,
            5,
            "outside an operation it just waits"
        );
    }
}
