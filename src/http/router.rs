//! The one router of the service.

use axum::Router;
use axum::routing::get;
use sea_orm::DatabaseConnection;
use tower_http::trace::TraceLayer;

use crate::auth::JwtKeys;
use crate::graphql::TreasureSchema;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    pub schema: TreasureSchema,
    pub db: DatabaseConnection,
    /// Verifies bearer tokens; `None` when no secret is configured (every caller is anonymous).
    pub jwt: Option<JwtKeys>,
}

/// Every route: `/graphql`, the playground at `/`, and `/health/{live,ready}`.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route(
            "/graphql",
            get(super::graphql::get_graphql).post(super::graphql::post_graphql),
        )
        .route("/", get(super::playground::playground))
        .route("/health/live", get(super::health::live))
        .route("/health/ready", get(super::health::ready))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
