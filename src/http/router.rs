//! The one router of the service.

use axum::Router;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures::FutureExt;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use axum::http::{HeaderValue, Method, Request, StatusCode, header};
use sea_orm::DatabaseConnection;
use tower_http::LatencyUnit;
use tower_http::compression::CompressionLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};

use crate::auth::Authenticator;
use crate::config::Limits;
use crate::events::EventBus;
use crate::graphql::TreasureSchema;
use crate::graphql::persisted::PersistedDocuments;
use crate::loaders::{LoaderConfig, Loaders};
use crate::slots::{ExecutionSlot, Slots};
use crate::telemetry::Metrics;
use crate::upstream::profiles::ProfilesClient;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    pub schema: TreasureSchema,
    /// The same schema with `ftv1` tracing, for requests whose gateway asks for a trace.
    pub traced_schema: TreasureSchema,
    pub db: DatabaseConnection,
    /// Verifies bearer tokens (without a secret or JWKS, every caller is anonymous).
    pub auth: Authenticator,
    pub metrics: Arc<Metrics>,
    /// The partner profiles service, when configured.
    pub profiles: Option<Arc<ProfilesClient>>,
    /// How each request's loaders batch.
    pub loaders: LoaderConfig,
    /// What one request may ask.
    pub limits: Limits,
    /// Browser origins allowed to call the API.
    pub cors_origins: Vec<String>,
    /// Automatic persisted queries, or the only documents allowed.
    pub persisted: PersistedDocuments,
    /// Hunt events, for subscriptions.
    pub events: Arc<EventBus>,
    /// The playground page; `None` when turned off.
    pub playground: Option<Arc<str>>,
    /// Execution slots (`--max-concurrent-operations`); `None` when unlimited.
    pub executions: Option<Slots>,
}

impl AppState {
    /// Waits for an execution slot (at once when unlimited); the operation holds it until dropped.
    pub async fn execution_slot(&self) -> Option<Arc<ExecutionSlot>> {
        Some(self.executions.as_ref()?.acquire().await)
    }

    /// Fresh loaders for one request (or one WebSocket connection).
    pub fn request_loaders(&self) -> Loaders {
        Loaders::new(
            self.db.clone(),
            self.profiles.clone(),
            self.metrics.clone(),
            self.loaders,
        )
    }
}

/// Every route: `/graphql`, the playground at `/`, `/health/{live,ready}` and `/metrics`.
pub fn router(state: AppState) -> Router {
    let timeout =
        TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, state.limits.request_timeout);
    let cors = cors(&state.cors_origins);
    Router::new()
        .route(
            "/graphql",
            get(super::graphql::get_graphql).post(super::graphql::post_graphql),
        )
        .route("/", get(super::playground::playground))
        .route("/playground/playground.js", get(super::playground::script))
        .route("/playground/playground.css", get(super::playground::style))
        .route("/health/live", get(super::health::live))
        .route("/health/ready", get(super::health::ready))
        .route("/metrics", get(super::health::metrics))
        .layer(axum::extract::DefaultBodyLimit::disable())
        .layer(axum::middleware::from_fn(catch_panics))
        .layer(CompressionLayer::new())
        .layer(cors)
        .layer(timeout)
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(request_span)
                .on_response(
                    DefaultOnResponse::new()
                        .level(tracing::Level::INFO)
                        .latency_unit(LatencyUnit::Millis),
                ),
        )
        .layer(SetRequestIdLayer::x_request_id(NewRequestId))
        .with_state(state)
}

/// A panic below becomes a 500 with an `INTERNAL` GraphQL error and the request's id, never its message: the
/// panic hook (`telemetry::logging`) has logged it once, with that id, and the server goes on serving.
async fn catch_panics(request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let id = request
        .headers()
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-")
        .to_owned();
    match AssertUnwindSafe(next.run(request)).catch_unwind().await {
        Ok(response) => response,
        Err(_) => {
            let body = serde_json::json!({ "errors": [{
                "message": "internal error",
                "extensions": { "code": "INTERNAL", "requestId": id },
            }] });
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                [(header::CONTENT_TYPE, "application/json")],
                body.to_string(),
            )
                .into_response()
        }
    }
}

/// The span of one request: its id for the logs; for exported traces a name like `POST /graphql`, and the
/// caller's trace as parent when it sent `traceparent`.
fn request_span<B>(request: &Request<B>) -> tracing::Span {
    let id = request
        .headers()
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-");
    let span = tracing::info_span!(
        "request",
        otel.name = tracing::field::Empty,
        otel.kind = "server",
        method = %request.method(),
        path = %request.uri().path(),
        request.id = %id,
    );
    // Exported traces only: a span name like `POST /graphql`, and the caller's trace as parent.
    if crate::telemetry::otel::enabled() {
        span.record(
            "otel.name",
            format!("{} {}", request.method(), request.uri().path()),
        );
        let parent = crate::telemetry::otel::remote_context(request.headers());
        let _ = tracing_opentelemetry::OpenTelemetrySpanExt::set_parent(&span, parent);
    }
    span
}

/// The header that carries a request's id: kept from the caller (a gateway's, say) or made here.
pub const REQUEST_ID: &str = "x-request-id";

/// Makes request ids: 16 random hex digits, enough to find one request's log lines.
#[derive(Clone, Copy)]
struct NewRequestId;

impl MakeRequestId for NewRequestId {
    fn make_request_id<B>(&mut self, _request: &Request<B>) -> Option<RequestId> {
        let id: u64 = rand::random();
        HeaderValue::from_str(&format!("{id:016x}"))
            .ok()
            .map(RequestId::new)
    }
}

/// CORS for the configured origins: none (the default), a list, or `*` for any.
fn cors(origins: &[String]) -> CorsLayer {
    let layer = CorsLayer::new()
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([header::CONTENT_TYPE, header::AUTHORIZATION, header::ACCEPT]);
    if origins.iter().any(|o| o == "*") {
        return layer.allow_origin(AllowOrigin::any());
    }
    let allowed: Vec<HeaderValue> = origins
        .iter()
        .filter_map(|o| HeaderValue::from_str(o).ok())
        .collect();
    layer.allow_origin(AllowOrigin::list(allowed))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use tower::ServiceExt;

    #[tokio::test]
    async fn a_panic_becomes_an_internal_error_with_the_request_id_and_nothing_else() {
        let app = Router::new()
            .route(
                "/boom",
                get(|| async {
                    panic!("secret detail: /etc/passwd and SELECT * FROM clues");
                    #[allow(unreachable_code)]
                    ""
                }),
            )
            .route("/fine", get(|| async { "fine" }))
            .layer(axum::middleware::from_fn(catch_panics));
        let request = Request::get("/boom")
            .header(REQUEST_ID, "abc123")
            .body(Body::empty())
            .expect("request");
        let response = app.clone().oneshot(request).await.expect("a response");
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("body");
        let body: serde_json::Value = serde_json::from_slice(&body).expect("json");
        assert_eq!(body["errors"][0]["extensions"]["code"], "INTERNAL");
        assert_eq!(body["errors"][0]["extensions"]["requestId"], "abc123");
        assert!(!body.to_string().contains("secret"), "{body}");
        let fine = app
            .oneshot(Request::get("/fine").body(Body::empty()).expect("request"))
            .await
            .expect("a response");
        assert_eq!(fine.status(), StatusCode::OK);
    }
}
