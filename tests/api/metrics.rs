//! `GET /metrics`: what operators scrape.

use serde_json::json;

use crate::helpers::{active_hunt, spawn_app};

#[tokio::test]
async fn metrics_count_statements_batches_and_requests_by_type_and_outcome() {
    let app = spawn_app().await;
    let fixture = active_hunt(&app, "counted").await;
    let before = app.statements().await;
    assert!(before > 0, "migrations and set-up statements are counted");

    app.ok(
        None,
        "query($id: ID!) { hunt(id: $id) { clues { title } } }",
        json!({ "id": fixture.hunt_id }),
    )
    .await;
    app.gql(None, "{ nope }", json!({})).await;
    app.gql(None, "{ hunts(", json!({})).await;
    app.gql(None, "{ hunts(first: -1) { edges { cursor } } }", json!({}))
        .await;
    assert_eq!(
        app.statements().await,
        before + 2,
        "a hunt and its clues: two statements"
    );

    let text = app.metrics().await;
    let response = app.client.get(app.url("/metrics")).send().await.unwrap();
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    for expected in [
        "# TYPE db_statements_total counter",
        "# TYPE dataloader_batch_size histogram",
        "dataloader_batch_size_bucket{loader=\"CluesOfHunt\",le=\"1\"} 1",
        "dataloader_batch_size_count{loader=\"HuntId\"} 1",
        "# TYPE graphql_request_duration_seconds histogram",
        "graphql_request_duration_seconds_count{operation_type=\"query\"}",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
    assert_eq!(
        app.metric("graphql_requests_total{operation_type=\"mutation\",outcome=\"ok\"}")
            .await,
        5.0
    );
    assert_eq!(
        app.metric("graphql_requests_total{operation_type=\"query\",outcome=\"ok\"}")
            .await,
        1.0
    );
    assert_eq!(
        app.metric("graphql_requests_total{operation_type=\"query\",outcome=\"request_error\"}")
            .await,
        1.0
    );
    assert_eq!(
        app.metric("graphql_requests_total{operation_type=\"unknown\",outcome=\"request_error\"}")
            .await,
        1.0
    );
    assert_eq!(
        app.metric("graphql_requests_total{operation_type=\"query\",outcome=\"field_error\"}")
            .await,
        1.0
    );
}

#[tokio::test]
async fn operations_are_timed_by_name_with_anonymous_ones_together() {
    let app = spawn_app().await;
    app.ok(
        None,
        "query HuntList { hunts { edges { node { slug } } } }",
        json!({}),
    )
    .await;
    app.ok(
        None,
        "query HuntList { hunts { edges { node { slug } } } }",
        json!({}),
    )
    .await;
    app.ok(None, "{ __typename }", json!({})).await;
    let count = |name: &str, ty: &str| {
        format!(
            "graphql_operation_duration_seconds_count{{operation_name=\"{name}\",operation_type=\"{ty}\"}}"
        )
    };
    assert_eq!(app.metric(&count("HuntList", "query")).await, 2.0);
    assert_eq!(app.metric(&count("anonymous", "query")).await, 1.0);
    // A named operation sent without `operationName` is still known by its name and type.
    let requests = "graphql_requests_total{operation_type=\"query\",outcome=\"ok\"}";
    assert_eq!(app.metric(requests).await, 3.0);
}
