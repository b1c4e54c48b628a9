//! Limits that keep one request from taking the server down: depth, complexity, introspection, body size,
//! time, and the cross-origin and compression behaviour of the HTTP layer.

use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{ACCEPT, ACCEPT_ENCODING, CONTENT_ENCODING, CONTENT_TYPE};
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app, spawn_app_with};

async fn strict(app: &TestApp, query: &str) -> (StatusCode, Value) {
    let response = app
        .client
        .post(app.url("/graphql"))
        .header(CONTENT_TYPE, "application/json")
        .header(ACCEPT, "application/graphql-response+json")
        .json(&json!({ "query": query }))
        .send()
        .await
        .unwrap();
    (response.status(), response.json().await.unwrap())
}

/// The introspection query GraphiQL sends, with its seven levels of `ofType`.
const INTROSPECTION: &str = "query IntrospectionQuery { __schema { queryType { name } mutationType { name }
  types { ...FullType } directives { name locations args { ...InputValue } } } }
fragment FullType on __Type { kind name description
  fields(includeDeprecated: true) { name description args { ...InputValue } type { ...TypeRef } isDeprecated }
  inputFields { ...InputValue } interfaces { ...TypeRef } enumValues(includeDeprecated: true) { name }
  possibleTypes { ...TypeRef } }
fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
fragment TypeRef on __Type { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name
  ofType { kind name ofType { kind name ofType { kind name } } } } } } } }";

#[tokio::test]
async fn queries_nested_too_deep_are_refused_naming_the_limit_and_the_playgrounds_introspection_is_not()
 {
    let app = spawn_app().await;
    let mut nested = "slug".to_owned();
    for _ in 0..8 {
        nested = format!("clues {{ hunt {{ {nested} }} }}");
    }
    let deep = format!("{{ hunts {{ edges {{ node {{ {nested} }} }} }} }}");
    let (status, body) = strict(&app, &deep).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["errors"][0]["extensions"]["code"], "QUERY_TOO_DEEP");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("16"),
        "{body}"
    );

    let (status, body) = strict(&app, INTROSPECTION).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body["data"]["__schema"]["types"].as_array().unwrap().len() > 20);
}

#[tokio::test]
async fn list_fields_cost_by_their_first_and_too_costly_queries_are_refused() {
    let app = spawn_app().await;
    let costly = "{ hunts(first: 100) { edges { node { players(first: 100) { edges { node { hunts { slug } } } } } } } }";
    let (status, body) = strict(&app, costly).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["errors"][0]["extensions"]["code"], "QUERY_TOO_COMPLEX");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("10000"),
        "{body}"
    );
    // The same shape with smaller pages is fine.
    let modest = "{ hunts(first: 20) { edges { node { players(first: 20) { edges { node { hunts { slug } } } } } } } }";
    let (status, body) = strict(&app, modest).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn introspection_can_be_switched_off_without_touching_typename_or_federation() {
    let app = spawn_app_with(|config| config.limits.introspection = false).await;
    for query in [
        "{ __schema { queryType { name } } }",
        "{ hunts { edges { node { slug } } } ...on Query { __type(name: \"Hunt\") { name } } }",
        "query { ...Sneaky } fragment Sneaky on Query { __schema { types { name } } }",
    ] {
        let (status, body) = strict(&app, query).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}: {body}");
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "INTROSPECTION_DISABLED",
            "{body}"
        );
        assert!(body.get("data").is_none(), "{body}");
    }
    assert_eq!(
        app.ok(None, "{ __typename }", json!({})).await,
        json!({ "__typename": "Query" })
    );
    let sdl = app.ok(None, "{ _service { sdl } }", json!({})).await;
    assert!(
        sdl["_service"]["sdl"]
            .as_str()
            .unwrap()
            .contains("type Hunt")
    );
}

#[tokio::test]
async fn a_body_over_the_limit_is_413_and_the_server_serves_on() {
    let app = spawn_app_with(|config| config.limits.max_body_bytes = 64 * 1024).await;
    let huge = format!(
        "{{\"query\":\"{{ __typename }}\",\"variables\":{{\"pad\":\"{}\"}}}}",
        "x".repeat(100 * 1024)
    );
    let response = app
        .client
        .post(app.url("/graphql"))
        .header(CONTENT_TYPE, "application/json")
        .body(huge)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["errors"][0]["extensions"]["code"], "PAYLOAD_TOO_LARGE");
    assert_eq!(
        app.ok(None, "{ __typename }", json!({})).await,
        json!({ "__typename": "Query" })
    );
}

#[tokio::test]
async fn only_configured_origins_may_call_from_a_browser() {
    let app =
        spawn_app_with(|config| config.cors_origins = vec!["https://play.example".into()]).await;
    let preflight = |origin: &'static str| {
        app.client
            .request(reqwest::Method::OPTIONS, app.url("/graphql"))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "content-type, authorization",
            )
            .send()
    };
    let allowed = preflight("https://play.example").await.unwrap();
    assert_eq!(
        allowed.headers()["access-control-allow-origin"],
        "https://play.example"
    );
    let refused = preflight("https://evil.example").await.unwrap();
    assert!(
        refused
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );
}

#[tokio::test]
async fn responses_are_compressed_for_clients_that_accept_gzip() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(app.url("/graphql"))
        .header(CONTENT_TYPE, "application/json")
        .header(ACCEPT_ENCODING, "gzip")
        .json(&json!({ "query": INTROSPECTION }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()[CONTENT_ENCODING], "gzip");
    let bytes = response.bytes().await.unwrap();
    assert_eq!(&bytes[..2], &[0x1f, 0x8b]);
}

#[tokio::test]
async fn a_request_over_the_time_limit_is_answered_408() {
    // A profiles service that never answers in time makes a request slow on purpose.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let stall = axum::Router::new().route(
        "/profiles",
        axum::routing::get(|| async {
            tokio::time::sleep(Duration::from_secs(30)).await;
            "[]"
        }),
    );
    tokio::spawn(async move { axum::serve(listener, stall).await });
    let app = spawn_app_with(move |config| {
        config.limits.request_timeout = Duration::from_millis(300);
        let mut profiles = treasure_hunt::upstream::profiles::ProfilesConfig::new(url);
        profiles.timeout = Duration::from_secs(20);
        config.profiles = Some(profiles);
    })
    .await;
    app.register(&app.token("acct"), "slowpoke").await;
    let response = app
        .client
        .post(app.url("/graphql"))
        .header(CONTENT_TYPE, "application/json")
        .json(&json!({ "query": "{ players { edges { node { profile { country } } } } }" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::REQUEST_TIMEOUT);
    assert_eq!(
        app.ok(None, "{ __typename }", json!({})).await,
        json!({ "__typename": "Query" })
    );
}

#[tokio::test]
async fn aliases_directives_and_batches_past_their_limits_are_refused_naming_the_limit() {
    let app = spawn_app_with(|config| {
        config.limits.max_aliases = 5;
        config.limits.max_directives = 3;
        config.limits.max_batch = 2;
    })
    .await;
    let aliases = |n: usize| {
        let fields: Vec<String> = (0..n).map(|i| format!("a{i}: __typename")).collect();
        format!("{{ {} }}", fields.join(" "))
    };
    let (status, body) = strict(&app, &aliases(5)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = strict(&app, &aliases(6)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["errors"][0]["extensions"]["code"], "TOO_MANY_ALIASES");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("--max-aliases")
    );
    assert!(body.get("data").is_none(), "{body}");

    let directives = "{ a: __typename @skip(if: false) b: __typename @skip(if: false) \
                      c: __typename @skip(if: false) d: __typename @include(if: true) }";
    let (status, body) = strict(&app, directives).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body["errors"][0]["extensions"]["code"],
        "TOO_MANY_DIRECTIVES"
    );

    let batch = |n: usize| {
        let requests: Vec<Value> = (0..n)
            .map(|_| json!({ "query": "{ __typename }" }))
            .collect();
        app.client.post(app.url("/graphql")).json(&requests).send()
    };
    let response = batch(2).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body.as_array().unwrap().len(), 2, "{body}");
    let response = batch(3).await.unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["errors"][0]["extensions"]["code"], "BATCH_TOO_LARGE");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("--max-batch")
    );
}
