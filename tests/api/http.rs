//! GraphQL over HTTP: methods, media types, status codes and authentication.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use reqwest::StatusCode;
use reqwest::header::{ACCEPT, ALLOW, AUTHORIZATION, CONTENT_TYPE, WWW_AUTHENTICATE};
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};

/// Request headers as (name, value) pairs.
type Headers<'a> = &'a [(&'a str, &'a str)];

async fn post(
    app: &TestApp,
    headers: &[(&str, &str)],
    body: impl Into<reqwest::Body>,
) -> (StatusCode, String, Value) {
    let mut request = app.client.post(app.url("/graphql")).body(body);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    let content_type = response
        .headers()
        .get(CONTENT_TYPE)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let body = response.json().await.unwrap_or(Value::Null);
    (status, content_type, body)
}

#[tokio::test]
async fn queries_run_over_get_and_mutations_over_get_are_refused() {
    let app = spawn_app().await;
    let ok = app
        .client
        .get(app.url("/graphql"))
        .query(&[("query", "{ __typename }")])
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), StatusCode::OK);
    assert_eq!(
        ok.json::<Value>().await.unwrap(),
        json!({ "data": { "__typename": "Query" } })
    );

    let mutation = app
        .client
        .get(app.url("/graphql"))
        .query(&[("query", "mutation { startHunt(huntId: \"x\") { id } }")])
        .send()
        .await
        .unwrap();
    assert_eq!(mutation.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(mutation.headers()[ALLOW], "POST");
    let named = app
        .client
        .get(app.url("/graphql"))
        .query(&[
            (
                "query",
                "query Q { __typename } mutation M { joinHunt(huntId: \"x\") { id } }",
            ),
            ("operationName", "M"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(named.status(), StatusCode::METHOD_NOT_ALLOWED);
    let named_query = app
        .client
        .get(app.url("/graphql"))
        .query(&[
            (
                "query",
                "query Q { __typename } mutation M { joinHunt(huntId: \"x\") { id } }",
            ),
            ("operationName", "Q"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        named_query.json::<Value>().await.unwrap(),
        json!({ "data": { "__typename": "Query" } })
    );
    for bad in [
        vec![],
        vec![("query", "{ __typename }"), ("variables", "[1,")],
    ] {
        let response = app
            .client
            .get(app.url("/graphql"))
            .query(&bad)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{bad:?}");
    }
    let variables = app
        .client
        .get(app.url("/graphql"))
        .query(&[
            ("query", "query($s: String!) { hunt(slug: $s) { id } }"),
            ("variables", "{\"s\":\"none\"}"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        variables.json::<Value>().await.unwrap(),
        json!({ "data": { "hunt": null } })
    );
}

#[tokio::test]
async fn the_response_media_type_follows_the_accept_header() {
    let app = spawn_app().await;
    let query = r#"{"query":"{ __typename }"}"#;
    let json_ct = ("content-type", "application/json");
    let (status, ct, _) = post(
        &app,
        &[json_ct, ("accept", "application/graphql-response+json")],
        query,
    )
    .await;
    assert_eq!(
        (status, ct.as_str()),
        (
            StatusCode::OK,
            "application/graphql-response+json; charset=utf-8"
        )
    );
    let (_, ct, _) = post(&app, &[json_ct, ("accept", "application/json")], query).await;
    assert_eq!(ct, "application/json; charset=utf-8");
    let (_, ct, _) = post(&app, &[json_ct, ("accept", "*/*")], query).await;
    assert_eq!(ct, "application/graphql-response+json; charset=utf-8");
    let (_, ct, _) = post(
        &app,
        &[json_ct, ("accept", "text/html, application/json;q=0.9")],
        query,
    )
    .await;
    assert_eq!(ct, "application/json; charset=utf-8");
    let (status, _, _) = post(&app, &[json_ct, ("accept", "text/html")], query).await;
    assert_eq!(status, StatusCode::NOT_ACCEPTABLE);
}

#[tokio::test]
async fn invalid_documents_are_400_with_graphql_response_json_and_200_with_json() {
    let app = spawn_app().await;
    let invalid = r#"{"query":"{ noSuchField }"}"#;
    let json_ct = ("content-type", "application/json");
    let (status, _, body) = post(
        &app,
        &[json_ct, ("accept", "application/graphql-response+json")],
        invalid,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body.get("data").is_none(),
        "a request error has no data entry: {body}"
    );
    assert_eq!(
        body["errors"][0]["extensions"]["code"],
        "GRAPHQL_VALIDATION_FAILED"
    );
    let (status, _, body) = post(&app, &[json_ct, ("accept", "application/json")], invalid).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body["errors"][0]["extensions"]["code"],
        "GRAPHQL_VALIDATION_FAILED"
    );

    let (status, _, body) = post(
        &app,
        &[json_ct, ("accept", "application/graphql-response+json")],
        r#"{"query":"{ hunts("}"#,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body["errors"][0]["extensions"]["code"],
        "GRAPHQL_PARSE_FAILED"
    );

    // A field error is not a request error: 200 with data.
    let (status, _, body) = post(
        &app,
        &[json_ct, ("accept", "application/graphql-response+json")],
        r#"{"query":"{ hunts(first: -1) { edges { cursor } } }"}"#,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
}

#[tokio::test]
async fn bodies_that_are_not_graphql_requests_are_refused_clearly() {
    let app = spawn_app().await;
    let json_ct = ("content-type", "application/json");
    let cases: [(Headers, &str, StatusCode); 6] = [
        (
            &[("content-type", "text/plain")],
            r#"{"query":"{ __typename }"}"#,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
        (
            &[],
            r#"{"query":"{ __typename }"}"#,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
        (&[json_ct], r#"{"query":"#, StatusCode::BAD_REQUEST),
        (&[json_ct], "", StatusCode::BAD_REQUEST),
        (&[json_ct], r#"{"nothing":"here"}"#, StatusCode::BAD_REQUEST),
        (&[json_ct], "[]", StatusCode::BAD_REQUEST),
    ];
    for (headers, body, expected) in cases {
        let (status, _, response) = post(&app, headers, body.to_owned()).await;
        assert_eq!(status, expected, "{body:?}: {response}");
        assert!(
            response["errors"][0]["extensions"]["code"].is_string(),
            "{response}"
        );
    }
    let (status, _, _) = post(&app, &[json_ct], vec![0xff, 0xfe, 0x00]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // Still serving.
    let (status, _, body) = post(&app, &[json_ct], r#"{"query":"{ __typename }"}"#).await;
    assert_eq!(
        (status, body),
        (StatusCode::OK, json!({ "data": { "__typename": "Query" } }))
    );
}

#[tokio::test]
async fn a_batch_of_requests_gets_a_batch_of_responses() {
    let app = spawn_app().await;
    let (status, _, body) = post(
        &app,
        &[("content-type", "application/json")],
        r#"[{"query":"{ __typename }"},{"query":"{ me { id } }"}]"#,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body,
        json!([{ "data": { "__typename": "Query" } }, { "data": { "me": null } }])
    );
}

#[tokio::test]
async fn bad_tokens_are_401_and_no_token_is_anonymous() {
    let app = spawn_app().await;
    let query = r#"{"query":"{ me { id } }"}"#;
    let now = jsonwebtoken::get_current_timestamp();
    let sign = |claims: Value, secret: &str| {
        jsonwebtoken::encode(
            &jsonwebtoken::Header::default(),
            &claims,
            &jsonwebtoken::EncodingKey::from_secret(secret.as_bytes()),
        )
        .unwrap()
    };
    let expired = sign(
        json!({ "sub": "a", "exp": now - 3600 }),
        crate::helpers::SECRET,
    );
    let not_yet = sign(
        json!({ "sub": "a", "exp": now + 7200, "nbf": now + 3600 }),
        crate::helpers::SECRET,
    );
    let wrong_secret = sign(json!({ "sub": "a", "exp": now + 3600 }), "another-secret");
    let no_sub = sign(json!({ "exp": now + 3600 }), crate::helpers::SECRET);
    let unsigned = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#),
        URL_SAFE_NO_PAD.encode(format!(r#"{{"sub":"a","exp":{}}}"#, now + 3600))
    );
    for header in [
        format!("Bearer {expired}"),
        format!("Bearer {not_yet}"),
        format!("Bearer {wrong_secret}"),
        format!("Bearer {no_sub}"),
        format!("Bearer {unsigned}"),
        "Bearer garbage".to_owned(),
        "Basic dXNlcjpwYXNz".to_owned(),
        "Bearer ".to_owned(),
    ] {
        let response = app
            .client
            .post(app.url("/graphql"))
            .header(CONTENT_TYPE, "application/json")
            .header(AUTHORIZATION, &header)
            .body(query)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{header}");
        assert_eq!(response.headers()[WWW_AUTHENTICATE], "Bearer");
        let body: Value = response.json().await.unwrap();
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
            "{header}"
        );
    }
    let (status, _, body) = post(
        &app,
        &[
            ("content-type", "application/json"),
            ("accept", "application/json"),
        ],
        query,
    )
    .await;
    assert_eq!(
        (status, body),
        (StatusCode::OK, json!({ "data": { "me": null } }))
    );
    let good = app.token("acct");
    let response = app
        .client
        .post(app.url("/graphql"))
        .header(CONTENT_TYPE, "application/json")
        .header(ACCEPT, "application/json")
        .bearer_auth(good)
        .body(query)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn the_playground_is_served_at_the_root_from_the_binary_and_can_be_turned_off() {
    let app = spawn_app().await;
    let response = app.client.get(app.url("/")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let html = response.text().await.unwrap();
    assert!(html.contains("/playground/playground.js"), "{html}");
    assert!(
        html.contains("subscription HuntEvents"),
        "the example operations are in the page"
    );
    assert!(
        !html.contains("https://"),
        "nothing is fetched from elsewhere: {html}"
    );
    assert!(
        !html.contains("\"Authorization\""),
        "no token outside demo mode"
    );
    for (path, content_type) in [
        ("/playground/playground.js", "text/javascript"),
        ("/playground/playground.css", "text/css"),
    ] {
        let asset = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(asset.status(), StatusCode::OK, "{path}");
        assert!(
            asset.headers()[CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with(content_type)
        );
        assert!(
            asset.text().await.unwrap().len() > 10_000,
            "{path} is the built bundle"
        );
    }

    let demo = crate::helpers::spawn_demo_app().await;
    let html = demo
        .client
        .get(demo.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("Bearer ey"),
        "demo mode pre-fills a development token"
    );

    let off = crate::helpers::spawn_app_with(|config| config.playground = false).await;
    let response = off.client.get(off.url("/")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn response_keys_follow_the_query_for_plain_fields() {
    let app = spawn_app().await;
    let org = app.organizer_token("org");
    app.create_hunt(&org, "ordered").await;
    let response = app
        .client
        .post(app.url("/graphql"))
        .header(CONTENT_TYPE, "application/json")
        .bearer_auth(&org)
        .body(r#"{"query":"{ hunt(slug: \"ordered\") { title status slug description } }"}"#)
        .send()
        .await
        .unwrap();
    let text = response.text().await.unwrap();
    let positions: Vec<usize> = ["\"title\"", "\"status\"", "\"slug\"", "\"description\""]
        .iter()
        .map(|key| text.find(key).unwrap())
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{text}");
}

#[tokio::test]
async fn internal_failures_reach_clients_masked_with_the_request_id() {
    use sea_orm::ConnectionTrait;
    let app = spawn_app().await;
    let fixture = crate::helpers::active_hunt(&app, "broken").await;
    // Break storage under the running server.
    app.db
        .execute_unprepared("DROP TABLE solves")
        .await
        .unwrap();
    let query = json!({ "query": "query($id: ID!) { hunt(id: $id) { slug clues { position solves { solvedAt } } } }", "variables": { "id": fixture.hunt_id } });

    let response = app
        .client
        .post(app.url("/graphql"))
        .json(&query)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let request_id = response.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(request_id.len(), 16);
    let text = response.text().await.unwrap();
    let body: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        body["data"]["hunt"]["slug"], "broken",
        "other fields still resolve: {body}"
    );
    let error = &body["errors"][0];
    assert_eq!(error["extensions"]["code"], "INTERNAL");
    assert_eq!(error["message"], "internal error");
    assert_eq!(error["extensions"]["requestId"], request_id.as_str());
    let extensions: Vec<&String> = error["extensions"].as_object().unwrap().keys().collect();
    assert_eq!(
        extensions,
        ["code", "requestId"],
        "nothing but the code and the id: {error}"
    );
    for leak in [
        "no such table",
        "does not exist",
        "SELECT",
        "sqlx",
        "sea_orm",
        "database",
    ] {
        assert!(!text.contains(leak), "{leak:?} leaked: {text}");
    }

    // A caller's own request id (a gateway's, say) is kept.
    let response = app
        .client
        .post(app.url("/graphql"))
        .header("x-request-id", "gateway-42")
        .json(&query)
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["x-request-id"], "gateway-42");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["errors"][0]["extensions"]["requestId"], "gateway-42");
}
