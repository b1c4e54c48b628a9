//! The one router of the service.

use axum::Router;
use axum::routing::get;
use std::sync::Arc;

use sea_orm::DatabaseConnection;
use tower_http::trace::TraceLayer;

use crate::auth::JwtKeys;
use crate::graphql::TreasureSchema;
use crate::loaders::LoaderConfig;
use crate::telemetry::Metrics;
use crate::upstream::profiles::ProfilesClient;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    pub schema: TreasureSchema,
    /// The same schema with `ftv1` tracing, for requests whose gateway asks for a trace.
    pub traced_schema: TreasureSchema,
    pub db: DatabaseConnection,
    /// Verifies bearer tokens; `None` when no secret is configured (every caller is anonymous).
    pub jwt: Option<JwtKeys>,
    pub metrics: Arc<Metrics>,
    /// The partner profiles service, when configured.
    pub profiles: Option<Arc<ProfilesClient>>,
    /// How each request's loaders batch.
    pub loaders: LoaderConfig,
}

/// Every route: `/graphql`, the playground at `/`, `/health/{live,ready}` and `/metrics`.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route(
            "/graphql",
            get(super::graphql::get_graphql).post(super::graphql::post_graphql),
        )
        .route("/", get(super::playground::playground))
        .route("/health/live", get(super::health::live))
        .route("/health/ready", get(super::health::ready))
        .route("/metrics", get(super::health::metrics))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
