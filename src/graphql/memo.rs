//! Within one query, an object selected the same way twice is resolved once.
//!
//! A nested query reaches the same row again and again: every solve of a popular player selects that player's
//! `handle` and `hunts`, and the benchmark's five-level query resolves 1,264 player objects for 200 players.
//! The loaders already make the repeats free in SQL; this makes them free in execution too. The first
//! occurrence of an object (its type, its row id, and the selection set it is resolved with) leads: it
//! resolves the fields, and the occurrences that arrive while it does wait for it and take a copy of its
//! value.
//!
//! Why it is sound: within one query every loader serves one cached value per key, so the same row selected by
//! the same selection set (its arguments, directives and fragments included, with the request's variables)
//! resolves to the same value. A selection set cannot contain itself (GraphQL forbids fragment cycles), so a
//! leader never waits for its own descendants. Nothing is shared that could differ:
//! - only queries are memoised (the HTTP layer installs a [`Memo`] for query operations alone): a mutation
//!   changes rows between its fields, and a subscription resolves each event afresh;
//! - a leader whose resolution reported an error is not copied (errors carry the occurrence's path): every
//!   occurrence of that object then resolves on its own;
//! - a value is kept only when another occurrence asked for it while it resolved, so a response without
//!   repeats costs one map entry per object and no copies.

use std::any::TypeId;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use async_graphql::parser::types::{OperationType, SelectionSet};
use async_graphql::{ContextSelectionSet, Positioned, Value};
use tokio::sync::Notify;

/// A type whose objects are rows: their row id identifies them within a query.
pub trait Identity {
    /// The object's row id; `None` (the default) for objects that are not memoised.
    fn identity(&self) -> Option<i64> {
        None
    }
}

/// One query's memo: installed in the request's data by the HTTP layer, for query operations only.
#[derive(Default)]
pub struct Memo {
    slots: Mutex<HashMap<Key, Slot, foldhash::fast::RandomState>>,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct Key {
    ty: TypeId,
    id: i64,
    /// The address of the selection set in the request's parsed document, which outlives the execution.
    selection: usize,
}

enum Slot {
    /// A leader is resolving; occurrences arriving now wait on the `Notify`.
    Resolving { notify: Arc<Notify>, waited: bool },
    /// The leader's value, kept because others asked for it.
    Ready(Value),
    /// The last leader finished with nobody waiting: the next occurrence leads anew.
    Unshared,
    /// A resolution of this object reported an error, or was abandoned: every occurrence resolves alone.
    Alone,
}

/// What an occurrence of an object does.
pub enum Turn {
    /// Resolve it, then hand the value over with [`Lead::finish`].
    Lead(Lead),
    /// A copy of the value another occurrence resolved.
    Copy(Value),
    /// Resolve it without the memo.
    Alone,
}

/// The leader's duty: to finish, or, if dropped unfinished, to release the waiters to resolve alone.
pub struct Lead {
    memo: Arc<Memo>,
    key: Key,
    errors_before: Option<usize>,
    finished: bool,
}

impl Memo {
    /// The turn of an occurrence of object `id` of type `T`, resolved with `ctx`'s selection set.
    pub async fn turn<T: 'static>(
        self: &Arc<Self>,
        ctx: &ContextSelectionSet<'_>,
        id: i64,
    ) -> Turn {
        if ctx.query_env.operation.node.ty != OperationType::Query {
            return Turn::Alone;
        }
        let key = Key {
            ty: TypeId::of::<T>(),
            id,
            selection: std::ptr::from_ref::<Positioned<SelectionSet>>(ctx.item) as usize,
        };
        loop {
            let notified = {
                let Ok(mut slots) = self.slots.lock() else {
                    return Turn::Alone;
                };
                match slots.get_mut(&key) {
                    None | Some(Slot::Unshared) => {
                        slots.insert(
                            key,
                            Slot::Resolving {
                                notify: Arc::new(Notify::new()),
                                waited: false,
                            },
                        );
                        return Turn::Lead(Lead {
                            memo: self.clone(),
                            key,
                            errors_before: error_count(ctx),
                            finished: false,
                        });
                    }
                    Some(Slot::Ready(value)) => return Turn::Copy(value.clone()),
                    Some(Slot::Alone) => return Turn::Alone,
                    Some(Slot::Resolving { notify, waited }) => {
                        *waited = true;
                        // Created under the lock, before the leader can finish: it receives the wake-up.
                        notify.clone().notified_owned()
                    }
                }
            };
            // Boxed: only the waiting occurrences pay for the wait's state.
            Box::pin(notified).await;
        }
    }
}

impl Lead {
    /// Hands the leader's result to the occurrences waiting for it (and to later ones, if any waited).
    pub fn finish(mut self, ctx: &ContextSelectionSet<'_>, value: &Value) {
        self.finished = true;
        let clean = self.errors_before.is_some() && error_count(ctx) == self.errors_before;
        self.settle(|waited| match (clean, waited) {
            (false, _) => Slot::Alone,
            (true, true) => Slot::Ready(value.clone()),
            (true, false) => Slot::Unshared,
        });
    }

    fn settle(&self, next: impl FnOnce(bool) -> Slot) {
        let Ok(mut slots) = self.memo.slots.lock() else {
            return;
        };
        if let Some(slot) = slots.get_mut(&self.key)
            && let Slot::Resolving { notify, waited } = slot
        {
            let notify = notify.clone();
            *slot = next(*waited);
            drop(slots);
            notify.notify_waiters();
        }
    }
}

impl Drop for Lead {
    fn drop(&mut self) {
        if !self.finished {
            self.settle(|_| Slot::Alone);
        }
    }
}

/// How many errors the request has reported so far. Errors are only ever added during execution, so an
/// unchanged count means the leader's resolution reported none (a sibling's error makes it look unclean,
/// which only costs a copy).
fn error_count(ctx: &ContextSelectionSet<'_>) -> Option<usize> {
    ctx.query_env.errors.lock().ok().map(|errors| errors.len())
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use async_graphql::{Context, EmptySubscription, Object, Request, Result, Schema};
    use serde_json::{Value as Json, json};

    use super::*;
    use crate::graphql::joined::{FieldHooks, Joined};

    /// Counts field resolutions of `Row` objects.
    #[derive(Default)]
    struct Resolutions(AtomicUsize);

    /// A row `id`: rows 1 to 9 have the children 10 and 20 (the same two rows for every parent).
    struct Row(i64);

    impl Identity for Row {
        fn identity(&self) -> Option<i64> {
            Some(self.0)
        }
    }

    #[Object]
    impl Row {
        /// Ready on its second poll, as a field that waits for a batch is; counted.
        async fn n(&self, ctx: &Context<'_>) -> i64 {
            tokio::task::yield_now().await;
            ctx.data_unchecked::<Arc<Resolutions>>()
                .0
                .fetch_add(1, Ordering::Relaxed);
            self.0
        }

        async fn plus(&self, by: i64) -> i64 {
            self.0 + by
        }

        async fn fails(&self) -> Result<i64> {
            Err(format!("row {} fails", self.0).into())
        }

        async fn children(&self) -> Vec<Joined<Row>> {
            if self.0 < 10 {
                vec![Joined(Row(10)), Joined(Row(20))]
            } else {
                Vec::new()
            }
        }
    }

    /// Rows 1, 2, 1, 1, 3: row 1 three times.
    fn rows() -> Vec<Joined<Row>> {
        [1, 2, 1, 1, 3].into_iter().map(Row).map(Joined).collect()
    }

    struct Root;

    #[Object]
    impl Root {
        async fn rows(&self) -> Vec<Joined<Row>> {
            rows()
        }
    }

    struct Mutations;

    #[Object]
    impl Mutations {
        async fn touch(&self) -> Vec<Joined<Row>> {
            rows()
        }
    }

    type TestSchema = Schema<Root, Mutations, EmptySubscription>;

    /// The response to `query` and how many times `n` was resolved, with a memo installed as the HTTP layer
    /// does, or through async-graphql's own resolution (`FieldHooks`, no memo).
    async fn run(query: &str, memo: bool) -> (Json, usize) {
        let schema = if memo {
            Schema::new(Root, Mutations, EmptySubscription)
        } else {
            Schema::build(Root, Mutations, EmptySubscription)
                .data(FieldHooks)
                .finish()
        };
        answer(&schema, query, memo).await
    }

    async fn answer(schema: &TestSchema, query: &str, memo: bool) -> (Json, usize) {
        let resolutions = Arc::new(Resolutions::default());
        let mut request = Request::new(query).data(Arc::clone(&resolutions));
        if memo {
            request = request.data(Arc::new(Memo::default()));
        }
        let mut response = serde_json::to_value(schema.execute(request).await).unwrap();
        if let Some(errors) = response.get_mut("errors").and_then(Json::as_array_mut) {
            errors.sort_by_key(|e| e["path"].to_string());
        }
        (response, resolutions.0.load(Ordering::Relaxed))
    }

    #[tokio::test]
    async fn an_object_selected_the_same_way_again_is_resolved_once() {
        let query = "{ rows { n plus(by: 100) children { n } } }";
        let (memoised, resolved) = run(query, true).await;
        let (plain, resolved_plain) = run(query, false).await;
        assert_eq!(memoised, plain);
        assert_eq!(
            memoised["data"]["rows"][3],
            json!({ "n": 1, "plus": 101, "children": [{ "n": 10 }, { "n": 20 }] })
        );
        // Five rows and their ten children without the memo; rows 1, 2, 3, 10 and 20 once each with it.
        assert_eq!(resolved_plain, 15);
        assert_eq!(resolved, 5);
    }

    #[tokio::test]
    async fn the_same_object_selected_differently_is_resolved_for_each_selection() {
        let query = "{ rows { n } again: rows { n plus(by: 1) } }";
        let (memoised, resolved) = run(query, true).await;
        assert_eq!(memoised, run(query, false).await.0);
        assert_eq!(memoised["data"]["again"][2], json!({ "n": 1, "plus": 2 }));
        assert_eq!(resolved, 6);
    }

    #[tokio::test]
    async fn an_object_whose_fields_fail_reports_the_error_at_every_path() {
        let query = "{ rows { n fails } }";
        let (memoised, resolved) = run(query, true).await;
        assert_eq!(memoised, run(query, false).await.0);
        let paths: Vec<_> = memoised["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["path"].clone())
            .collect();
        assert_eq!(paths.len(), 5);
        assert_eq!(paths[2], json!(["rows", 2, "fails"]));
        assert_eq!(memoised["errors"][3]["message"], "row 1 fails");
        assert_eq!(resolved, 5);
    }

    #[tokio::test]
    async fn a_mutation_resolves_every_object_afresh() {
        let (memoised, resolved) = run("mutation { touch { n } }", true).await;
        assert_eq!(memoised["data"]["touch"][2], json!({ "n": 1 }));
        assert_eq!(resolved, 5);
    }
}
