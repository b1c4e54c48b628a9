//! The GraphiQL playground at `/`.

use async_graphql::http::GraphiQLSource;
use axum::response::Html;

/// GraphiQL pointed at `/graphql`.
pub async fn playground() -> Html<String> {
    Html(
        GraphiQLSource::build()
            .endpoint("/graphql")
            .title("Treasure Hunt Engine")
            .finish(),
    )
}
