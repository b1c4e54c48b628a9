//! Real-time hunt events: published after a change commits, delivered to every subscriber on every replica.
//!
//! - **SQLite** (one process): an in-process broadcast channel.
//! - **PostgreSQL** (replicas): `pg_notify('hunt_events', json)`; every replica `LISTEN`s on one dedicated
//!   connection and rebroadcasts in-process, the publishing replica included. No broker to run.
//!
//! Back-pressure: the in-process channel holds `buffer` events. A subscriber that falls further behind (its
//! client does not read) is not waited for: its stream ends with a `SUBSCRIPTION_LAGGED` error while the
//! others carry on, so memory stays bounded whatever clients do. Subscriptions are capped per server and per
//! connection.

mod postgres;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures::Stream;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
use tokio::sync::broadcast;

use crate::game::events::HuntEvent;
use crate::telemetry::Metrics;

/// The PostgreSQL channel events travel on.
pub const CHANNEL: &str = "hunt_events";

/// Limits and timings of subscriptions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SubscriptionConfig {
    /// The most subscriptions one server holds at once.
    pub max_total: usize,
    /// The most subscriptions one WebSocket connection may hold.
    pub max_per_connection: usize,
    /// Events a subscriber may fall behind before it is dropped.
    pub buffer: usize,
    /// How often the server pings each WebSocket connection.
    pub ping_interval: Duration,
    /// A connection that sends nothing (not even a pong) for this long is closed.
    pub idle_timeout: Duration,
}

impl Default for SubscriptionConfig {
    fn default() -> Self {
        Self {
            max_total: 10_000,
            max_per_connection: 20,
            buffer: 1_024,
            ping_interval: Duration::from_secs(15),
            idle_timeout: Duration::from_secs(45),
        }
    }
}

/// Why a subscription was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SubscribeError {
    #[error(
        "this server holds its limit of {0} subscriptions (--max-subscriptions); try again later"
    )]
    ServerFull(usize),
    #[error(
        "this connection holds its limit of {0} subscriptions (--max-subscriptions-per-connection)"
    )]
    ConnectionFull(usize),
}

/// A subscriber that fell too far behind; its stream ends after this.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("this subscription fell {0} events behind and was ended; subscribe again to resume")]
pub struct Lagged(pub u64);

/// The server's event bus.
pub struct EventBus {
    sender: broadcast::Sender<Arc<HuntEvent>>,
    /// Where `publish` sends: PostgreSQL's NOTIFY, or straight to the in-process channel.
    notify: Option<DatabaseConnection>,
    config: SubscriptionConfig,
    active: Arc<AtomicUsize>,
    metrics: Arc<Metrics>,
}

impl EventBus {
    /// The bus for `db`; with PostgreSQL it starts listening for other replicas' events.
    pub async fn start(
        db: &DatabaseConnection,
        config: SubscriptionConfig,
        metrics: Arc<Metrics>,
    ) -> anyhow::Result<Arc<Self>> {
        let (sender, _) = broadcast::channel(config.buffer.max(1));
        let notify = match db.get_database_backend() {
            DbBackend::Postgres => {
                postgres::listen(db, sender.clone()).await?;
                Some(db.clone())
            }
            _ => None,
        };
        Ok(Arc::new(Self {
            sender,
            notify,
            config,
            active: Arc::new(AtomicUsize::new(0)),
            metrics,
        }))
    }

    /// The subscription settings.
    pub fn config(&self) -> SubscriptionConfig {
        self.config
    }

    /// Publishes `event`, which must already be committed. A failure is logged, not returned: the change itself
    /// stands, and watchers catch up from the next event or by reading.
    pub async fn publish(&self, event: HuntEvent) {
        self.metrics.event_published(event.kind());
        let Some(db) = &self.notify else {
            // No receivers is not an error: nobody is watching.
            let _ = self.sender.send(Arc::new(event));
            return;
        };
        let payload = match serde_json::to_string(&event) {
            Ok(payload) => payload,
            Err(err) => {
                tracing::error!(error = %err, "serialising a hunt event");
                return;
            }
        };
        let notify = Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT pg_notify($1, $2)",
            [CHANNEL.into(), payload.into()],
        );
        if let Err(err) = db.execute_raw(notify).await {
            tracing::error!(error = %err, kind = event.kind(), "publishing a hunt event failed");
        }
    }

    /// A new subscription to every event, counted against the server's and `connection`'s limits until the
    /// returned stream is dropped.
    pub fn subscribe(
        &self,
        connection: &ConnectionSlots,
    ) -> Result<impl Stream<Item = Result<Arc<HuntEvent>, Lagged>> + Send + use<>, SubscribeError>
    {
        let server = Slot::take(&self.active, self.config.max_total)
            .ok_or(SubscribeError::ServerFull(self.config.max_total))?;
        let own = Slot::take(&connection.0, self.config.max_per_connection).ok_or(
            SubscribeError::ConnectionFull(self.config.max_per_connection),
        )?;
        let metrics = self.metrics.clone();
        let receiver = self.sender.subscribe();
        let state = (receiver, Some((server, own)), metrics);
        Ok(futures::stream::unfold(
            state,
            |(mut receiver, slots, metrics)| async move {
                let slots = slots?; // Ended after a lag.
                match receiver.recv().await {
                    Ok(event) => Some((Ok(event), (receiver, Some(slots), metrics))),
                    Err(broadcast::error::RecvError::Lagged(missed)) => {
                        metrics.subscription_lagged();
                        Some((Err(Lagged(missed)), (receiver, None, metrics)))
                    }
                    Err(broadcast::error::RecvError::Closed) => None,
                }
            },
        ))
    }

    /// Subscriptions held now, on this server.
    pub fn active(&self) -> usize {
        self.active.load(Ordering::Relaxed)
    }
}

/// The subscriptions one WebSocket connection holds.
#[derive(Clone, Default)]
pub struct ConnectionSlots(Arc<AtomicUsize>);

/// One place under a limit, given back when dropped.
struct Slot(Arc<AtomicUsize>);

impl Slot {
    fn take(counter: &Arc<AtomicUsize>, limit: usize) -> Option<Self> {
        counter
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < limit).then_some(n + 1)
            })
            .ok()
            .map(|_| Self(counter.clone()))
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::StreamExt;

    async fn bus(config: SubscriptionConfig) -> Arc<EventBus> {
        let db = sea_orm::Database::connect("sqlite::memory:")
            .await
            .expect("sqlite");
        EventBus::start(&db, config, Metrics::new())
            .await
            .expect("bus")
    }

    fn joined(player_id: i64) -> HuntEvent {
        HuntEvent::PlayerJoined {
            hunt_id: 1,
            player_id,
        }
    }

    #[tokio::test]
    async fn caps_count_live_subscriptions_and_free_on_drop() {
        let bus = bus(SubscriptionConfig {
            max_total: 3,
            max_per_connection: 2,
            ..SubscriptionConfig::default()
        })
        .await;
        let (one, two) = (ConnectionSlots::default(), ConnectionSlots::default());
        let a = bus.subscribe(&one).expect("first");
        let _b = bus.subscribe(&one).expect("second");
        assert_eq!(
            bus.subscribe(&one).err(),
            Some(SubscribeError::ConnectionFull(2))
        );
        let _c = bus.subscribe(&two).expect("third");
        assert_eq!(
            bus.subscribe(&two).err(),
            Some(SubscribeError::ServerFull(3))
        );
        drop(a);
        assert_eq!(bus.active(), 2);
        assert!(bus.subscribe(&two).is_ok());
    }

    #[tokio::test]
    async fn a_lagging_subscriber_is_ended_and_the_others_are_not() {
        let bus = bus(SubscriptionConfig {
            buffer: 4,
            ..SubscriptionConfig::default()
        })
        .await;
        let connection = ConnectionSlots::default();
        let mut slow = Box::pin(bus.subscribe(&connection).expect("slow"));
        let mut fast = Box::pin(bus.subscribe(&connection).expect("fast"));
        for id in 0..10 {
            bus.publish(joined(id)).await;
            assert_eq!(fast.next().await, Some(Ok(Arc::new(joined(id)))));
        }
        assert_eq!(slow.next().await, Some(Err(Lagged(6))));
        assert_eq!(slow.next().await, None, "a lagged stream ends");
        assert_eq!(bus.active(), 1, "and gives its place back");
        bus.publish(joined(10)).await;
        assert_eq!(fast.next().await, Some(Ok(Arc::new(joined(10)))));
    }
}
