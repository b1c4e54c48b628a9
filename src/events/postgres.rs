//! The PostgreSQL side of the bus: one `LISTEN` connection per replica, rebroadcasting every notification
//! in-process.

use std::sync::Arc;
use std::time::Duration;

use sea_orm::DatabaseConnection;
use sea_orm::sqlx::postgres::PgListener;
use tokio::sync::broadcast;

use super::CHANNEL;
use crate::game::events::HuntEvent;

/// Starts listening on [`CHANNEL`]; returns once the `LISTEN` is in place, so that no event published after
/// start-up is missed.
pub(super) async fn listen(
    db: &DatabaseConnection,
    sender: broadcast::Sender<Arc<HuntEvent>>,
) -> anyhow::Result<()> {
    let pool = db.get_postgres_connection_pool().clone();
    let mut listener = PgListener::connect_with(&pool).await?;
    listener.listen(CHANNEL).await?;
    tokio::spawn(async move {
        loop {
            match listener.try_recv().await {
                Ok(Some(notification)) => {
                    match serde_json::from_str::<HuntEvent>(notification.payload()) {
                        Ok(event) => {
                            let _ = sender.send(Arc::new(event));
                        }
                        Err(err) => {
                            tracing::warn!(error = %err, "ignoring a malformed hunt event notification");
                        }
                    }
                }
                // The connection dropped; the next `try_recv` reconnects and listens again. Events sent in
                // between are lost: subscribers read current state on their next event.
                Ok(None) => {
                    tracing::warn!("the hunt events LISTEN connection dropped; reconnecting")
                }
                Err(err) => {
                    tracing::warn!(error = %err, "listening for hunt events failed; retrying in 1 s");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        }
    });
    Ok(())
}
