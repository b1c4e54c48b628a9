//! Property-based fuzzing of the request path: random documents, variables and headers, over POST and GET,
//! against the real server. Whatever arrives, the answer is JSON with coded errors and a 2xx/4xx status, never
//! a 5xx, and the server keeps answering. `PROPTEST_CASES=5000 cargo test --test api fuzz` runs it longer.

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, active_hunt, spawn_app};

/// Pieces GraphQL documents are made of, so that random documents get past the tokenizer often.
const TOKENS: &[&str] = &[
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    ":",
    "...",
    "@skip(if: true)",
    "@include(if: $v)",
    "$v",
    "query",
    "mutation",
    "subscription",
    "fragment F on Hunt",
    "on",
    "hunts",
    "hunt",
    "clues",
    "riddle",
    "solves",
    "player",
    "players",
    "leaderboard",
    "edges",
    "node",
    "id",
    "slug",
    "first:",
    "after:",
    "1",
    "-1",
    "1e309",
    "100000",
    "\"s\"",
    "\"\\u0000\"",
    "null",
    "true",
    "__typename",
    "__schema",
    "__type(name: \"Hunt\")",
    "a:",
    "F",
    "...F",
    "submitAnswer",
    "clueId:",
    "answer:",
    "createHunt",
    "input:",
    "#",
    ",",
    "\n",
    "\u{fffd}",
    "é",
    "\"\"\"",
];

fn document() -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::collection::vec(proptest::sample::select(TOKENS), 0..60)
            .prop_map(|t| t.join(" ")),
        ".{0,200}",
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| json!(f)),
        ".{0,40}".prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::from),
            proptest::collection::hash_map("[a-zA-Z$]{1,6}", inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

#[derive(Debug, Clone)]
struct Fuzzed {
    get: bool,
    document: String,
    variables: Value,
    operation_name: Option<String>,
    extensions: Value,
    content_type: String,
    accept: Option<String>,
    authorization: Option<String>,
    raw_body: Option<Vec<u8>>,
}

fn fuzzed() -> impl Strategy<Value = Fuzzed> {
    (
        any::<bool>(),
        document(),
        json_value(),
        proptest::option::of("[A-Za-z]{0,8}"),
        prop_oneof![Just(json!({})), json_value()],
        prop_oneof![
            Just("application/json".to_owned()),
            Just("application/json; charset=utf-8".to_owned()),
            Just("application/graphql".to_owned()),
            "[ -~]{0,30}",
        ],
        proptest::option::of(prop_oneof![
            Just("application/graphql-response+json".to_owned()),
            Just("application/json".to_owned()),
            "[ -~]{0,30}",
        ]),
        proptest::option::of(prop_oneof![
            Just("Bearer x.y.z".to_owned()),
            "Bearer [A-Za-z0-9._-]{0,80}",
            "[ -~]{0,40}",
        ]),
        proptest::option::weighted(0.1, proptest::collection::vec(any::<u8>(), 0..300)),
    )
        .prop_map(
            |(
                get,
                document,
                variables,
                operation_name,
                extensions,
                content_type,
                accept,
                authorization,
                raw_body,
            )| {
                Fuzzed {
                    get,
                    document,
                    variables,
                    operation_name,
                    extensions,
                    content_type,
                    accept,
                    authorization,
                    raw_body,
                }
            },
        )
}

async fn send(app: &TestApp, input: &Fuzzed) -> Result<(StatusCode, String), reqwest::Error> {
    let mut request = if input.get {
        let mut params = vec![
            ("query", input.document.clone()),
            ("variables", input.variables.to_string()),
            ("extensions", input.extensions.to_string()),
        ];
        if let Some(name) = &input.operation_name {
            params.push(("operationName", name.clone()));
        }
        app.client.get(app.url("/graphql")).query(&params)
    } else {
        let body = input.raw_body.clone().unwrap_or_else(|| {
            json!({
                "query": input.document,
                "variables": input.variables,
                "operationName": input.operation_name,
                "extensions": input.extensions,
            })
            .to_string()
            .into_bytes()
        });
        app.client
            .post(app.url("/graphql"))
            .header("content-type", input.content_type.as_str())
            .body(body)
    };
    if let Some(accept) = &input.accept {
        request = request.header("accept", accept.as_str());
    }
    if let Some(authorization) = &input.authorization {
        request = request.header("authorization", authorization.as_str());
    }
    let response = request.send().await?;
    Ok((response.status(), response.text().await?))
}

#[test]
fn random_requests_never_break_the_server() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let app = runtime.block_on(async {
        let app = spawn_app().await;
        active_hunt(&app, "fuzzed").await;
        app
    });
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(300);
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let result = runner.run(&fuzzed(), |input| {
        // Headers that are not valid header values are the client library's to refuse, not ours.
        let Ok((status, text)) = runtime.block_on(send(&app, &input)) else {
            return Ok(());
        };
        prop_assert!(!status.is_server_error(), "{status} for {input:?}: {text}");
        let body: Value = serde_json::from_str(&text).map_err(|_| {
            TestCaseError::fail(format!("not JSON ({status}) for {input:?}: {text}"))
        })?;
        if let Some(errors) = body.get("errors") {
            for error in errors.as_array().into_iter().flatten() {
                prop_assert!(
                    error["message"].is_string(),
                    "an error without a message for {input:?}: {text}"
                );
                if body.get("data").is_none() {
                    prop_assert!(
                        error["extensions"]["code"].is_string(),
                        "a request error without a code for {input:?}: {text}"
                    );
                }
            }
        } else {
            prop_assert!(
                body.get("data").is_some(),
                "neither data nor errors: {text}"
            );
        }
        Ok(())
    });
    if let Err(failure) = result {
        panic!("{failure}");
    }
    let still = runtime.block_on(app.gql(None, "{ hunts { edges { node { slug } } } }", json!({})));
    assert_eq!(
        still["data"]["hunts"]["edges"][0]["node"]["slug"], "fuzzed",
        "{still}"
    );
}
