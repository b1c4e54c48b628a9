//! Liveness, readiness and metrics, for load balancers, orchestrators and Prometheus.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{Value, json};

use super::AppState;
use crate::db;

/// The process is up and serving HTTP.
pub async fn live() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

/// The database answers and every migration is applied: this replica can take traffic.
pub async fn ready(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    if let Err(err) = state.db.ping().await {
        tracing::warn!(error = %err, "readiness: database unreachable");
        return unready("database unreachable");
    }
    match db::migrations_applied(&state.db).await {
        Ok(true) => (StatusCode::OK, Json(json!({ "status": "ready" }))),
        Ok(false) => unready("migrations pending"),
        Err(err) => {
            tracing::warn!(error = %err, "readiness: cannot read migration state");
            unready("migration state unreadable")
        }
    }
}

/// The Prometheus text exposition of this server's metrics.
pub async fn metrics(State(state): State<AppState>) -> impl axum::response::IntoResponse {
    state.metrics.subscriptions(state.events.active());
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        state.metrics.render(),
    )
}

fn unready(reason: &str) -> (StatusCode, Json<Value>) {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        Json(json!({ "status": "unavailable", "reason": reason })),
    )
}
