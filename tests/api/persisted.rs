//! Persisted operations: automatic persisted queries by default, and `--trusted-documents` for production.

use reqwest::StatusCode;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::helpers::{TestApp, code, spawn_app, spawn_app_with};

fn sha256(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

fn persisted(hash: &str) -> Value {
    json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } })
}

async fn post(app: &TestApp, body: Value) -> (StatusCode, Value) {
    let response = app
        .client
        .post(app.url("/graphql"))
        .json(&body)
        .send()
        .await
        .unwrap();
    (response.status(), response.json().await.unwrap())
}

async fn get(app: &TestApp, hash: &str) -> (StatusCode, Value) {
    let extensions = persisted(hash).to_string();
    let response = app
        .client
        .get(app.url("/graphql"))
        .query(&[("extensions", extensions.as_str())])
        .send()
        .await
        .unwrap();
    (response.status(), response.json().await.unwrap())
}

#[tokio::test]
async fn apq_asks_for_an_unknown_hash_then_runs_it_by_hash_over_post_and_get() {
    let app = spawn_app().await;
    let query = "{ hunts(first: 1) { pageInfo { hasNextPage } } }";
    let hash = sha256(query);

    let (_, body) = post(&app, json!({ "extensions": persisted(&hash) })).await;
    assert_eq!(code(&body), "PERSISTED_QUERY_NOT_FOUND", "{body}");
    assert_eq!(body["errors"][0]["message"], "PersistedQueryNotFound");

    let (status, body) = post(
        &app,
        json!({ "query": query, "extensions": persisted(&hash) }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["hunts"]["pageInfo"]["hasNextPage"], false);

    let (_, body) = post(&app, json!({ "extensions": persisted(&hash) })).await;
    assert_eq!(
        body["data"]["hunts"]["pageInfo"]["hasNextPage"], false,
        "{body}"
    );
    let (status, body) = get(&app, &hash).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body["data"]["hunts"]["pageInfo"]["hasNextPage"], false,
        "{body}"
    );
}

#[tokio::test]
async fn apq_refuses_a_lying_hash_and_a_persisted_mutation_over_get() {
    let app = spawn_app().await;
    let (_, body) = post(
        &app,
        json!({ "query": "{ __typename }", "extensions": persisted(&sha256("{ other }")) }),
    )
    .await;
    assert_eq!(code(&body), "PERSISTED_QUERY_HASH_MISMATCH", "{body}");
    let (_, body) = post(
        &app,
        json!({ "query": "{ __typename }", "extensions": { "persistedQuery": "x" } }),
    )
    .await;
    assert_eq!(code(&body), "BAD_REQUEST", "{body}");

    let mutation =
        "mutation { registerPlayer(input: { handle: \"sneaky\", displayName: \"S\" }) { id } }";
    let hash = sha256(mutation);
    let token = app.token("sneaky");
    let registered = app
        .client
        .post(app.url("/graphql"))
        .bearer_auth(&token)
        .json(&json!({ "query": mutation, "extensions": persisted(&hash) }))
        .send()
        .await
        .unwrap();
    assert_eq!(registered.status(), StatusCode::OK);
    let response = app
        .client
        .get(app.url("/graphql"))
        .bearer_auth(&token)
        .query(&[("extensions", persisted(&hash).to_string())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn trusted_documents_mode_runs_only_the_manifests_documents() {
    let trusted = "query Count { hunts(first: 1) { pageInfo { hasNextPage } } }";
    let dir = tempfile::tempdir().unwrap();
    let manifest = dir.path().join("manifest.json");
    let apollo_manifest = json!({
        "format": "apollo-persisted-query-manifest",
        "version": 1,
        "operations": [{ "id": sha256(trusted), "name": "Count", "type": "query", "body": trusted }],
    });
    std::fs::write(&manifest, apollo_manifest.to_string()).unwrap();
    let app = spawn_app_with(|config| config.trusted_documents = Some(manifest.clone())).await;

    let (status, body) = post(&app, json!({ "extensions": persisted(&sha256(trusted)) })).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["hunts"]["pageInfo"]["hasNextPage"], false);
    let (_, body) = get(&app, &sha256(trusted)).await;
    assert_eq!(
        body["data"]["hunts"]["pageInfo"]["hasNextPage"], false,
        "{body}"
    );
    let (_, body) = post(&app, json!({ "query": trusted })).await;
    assert_eq!(
        body["data"]["hunts"]["pageInfo"]["hasNextPage"], false,
        "the manifest's exact text runs: {body}"
    );

    let (_, body) = post(
        &app,
        json!({ "query": "{ hunts { pageInfo { hasNextPage } } }" }),
    )
    .await;
    assert_eq!(code(&body), "QUERY_NOT_IN_SAFELIST", "{body}");
    assert!(body.get("data").is_none(), "{body}");
    let other = "{ __typename }";
    let (_, body) = post(
        &app,
        json!({ "query": other, "extensions": persisted(&sha256(other)) }),
    )
    .await;
    assert_eq!(
        code(&body),
        "QUERY_NOT_IN_SAFELIST",
        "no registering at run time: {body}"
    );
    let (_, body) = post(&app, json!({ "extensions": persisted(&sha256(other)) })).await;
    assert_eq!(code(&body), "PERSISTED_QUERY_NOT_IN_LIST", "{body}");
}
