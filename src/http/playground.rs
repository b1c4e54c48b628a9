//! The playground at `/`: GraphiQL built from the npm packages in `playground/` and embedded in the binary, so
//! that it works with no internet access and `cargo build` needs no Node. The page carries its settings as JSON:
//! the endpoint, the example operations of `playground/operations/`, and in demo mode a development token.

use axum::http::header;
use axum::response::{Html, IntoResponse, Response};

const SCRIPT: &str = include_str!("../../playground/dist/playground.js");
const STYLE: &str = include_str!("../../playground/dist/playground.css");

/// The example operations, in tab order.
const OPERATIONS: [&str; 4] = [
    include_str!("../../playground/operations/1-nested-hunts.graphql"),
    include_str!("../../playground/operations/2-leaderboard.graphql"),
    include_str!("../../playground/operations/3-submit-answer.graphql"),
    include_str!("../../playground/operations/4-hunt-events.graphql"),
];

/// The page, rendered once at start-up. `authorization` pre-fills the header editor (demo mode only).
pub fn page(authorization: Option<&str>) -> String {
    let operations: Vec<serde_json::Value> = OPERATIONS
        .iter()
        .map(|query| serde_json::json!({ "query": query }))
        .collect();
    let headers = authorization.map(|value| {
        serde_json::to_string_pretty(&serde_json::json!({ "Authorization": value }))
            .unwrap_or_default()
    });
    let settings = serde_json::json!({
        "endpoint": "/graphql",
        "operations": operations,
        "headers": headers,
    });
    // `<` escaped, so that no text in the settings can close the script element.
    let settings = settings.to_string().replace('<', "\\u003c");
    format!(
        r#"<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Treasure Hunt Engine: playground</title>
  <link rel="stylesheet" href="/playground/playground.css">
  <style>html, body, #playground {{ height: 100%; margin: 0; }}</style>
</head>
<body>
  <div id="playground"></div>
  <script id="playground-settings" type="application/json">{settings}</script>
  <script src="/playground/playground.js"></script>
</body>
</html>
"#
    )
}

/// `GET /`.
pub async fn playground(
    axum::extract::State(state): axum::extract::State<super::AppState>,
) -> Response {
    match &state.playground {
        Some(page) => Html(page.to_string()).into_response(),
        None => (
            axum::http::StatusCode::NOT_FOUND,
            "the playground is turned off (--no-playground)",
        )
            .into_response(),
    }
}

/// `GET /playground/playground.js`.
pub async fn script() -> impl IntoResponse {
    asset("text/javascript; charset=utf-8", SCRIPT)
}

/// `GET /playground/playground.css`.
pub async fn style() -> impl IntoResponse {
    asset("text/css; charset=utf-8", STYLE)
}

fn asset(content_type: &'static str, body: &'static str) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
}
