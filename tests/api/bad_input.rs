//! The bad-input battery: every kind of malformed, hostile or wrong request gets the right status and a coded
//! error, and the server goes on serving and storing correctly afterwards.

use reqwest::StatusCode;
use reqwest::header::{ACCEPT, CONTENT_TYPE};
use serde_json::{Value, json};

use crate::helpers::{TestApp, active_hunt, spawn_app};

/// One hostile request: a raw body with a content type.
struct Case {
    what: &'static str,
    content_type: &'static str,
    body: Vec<u8>,
    status: StatusCode,
    code: &'static str,
}

fn case(
    what: &'static str,
    body: impl Into<Vec<u8>>,
    status: StatusCode,
    code: &'static str,
) -> Case {
    Case {
        what,
        content_type: "application/json",
        body: body.into(),
        status,
        code,
    }
}

fn graphql(query: &str, variables: Value) -> Vec<u8> {
    json!({ "query": query, "variables": variables })
        .to_string()
        .into_bytes()
}

async fn send(app: &TestApp, token: Option<&str>, case: &Case) -> (StatusCode, Value) {
    let mut request = app
        .client
        .post(app.url("/graphql"))
        .header(CONTENT_TYPE, case.content_type)
        .header(ACCEPT, "application/graphql-response+json")
        .body(case.body.clone());
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    let text = response.text().await.unwrap();
    let body = serde_json::from_str(&text)
        .unwrap_or_else(|_| panic!("{}: the response is not JSON: {text:?}", case.what));
    (status, body)
}

#[tokio::test]
async fn every_bad_request_gets_a_coded_error_and_the_server_keeps_serving() {
    let app = spawn_app().await;
    let fixture = active_hunt(&app, "battery").await;
    let player = app.token("battery-player");
    app.register(&player, "battery_player").await;
    app.join(&player, &fixture.hunt_id).await;

    let deep = format!("{}{}", "{ hunts ".repeat(5_000), "}".repeat(5_000));
    let aliases: String = (0..10_000).map(|i| format!("a{i}: __typename ")).collect();
    let submit = "mutation($clue: ID!, $answer: String!) { submitAnswer(clueId: $clue, answer: $answer) { correct } }";
    let register =
        "mutation($input: RegisterPlayerInput!) { registerPlayer(input: $input) { id } }";
    let hunt = "query($id: ID!) { hunt(id: $id) { slug } }";
    let mut cases = vec![
        case(
            "malformed JSON",
            "{\"query\": ",
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
        ),
        case("an empty body", "", StatusCode::BAD_REQUEST, "BAD_REQUEST"),
        case(
            "JSON that is not a request",
            "[1, 2]",
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
        ),
        case(
            "invalid UTF-8",
            b"{\"query\": \"{ \xff\xfe }\"}".to_vec(),
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
        ),
        case(
            "a huge body",
            vec![b' '; 2 * 1024 * 1024],
            StatusCode::PAYLOAD_TOO_LARGE,
            "PAYLOAD_TOO_LARGE",
        ),
        case(
            "an empty document",
            graphql("", json!({})),
            StatusCode::BAD_REQUEST,
            "GRAPHQL_PARSE_FAILED",
        ),
        case(
            "5,000 levels of nesting",
            graphql(&deep, json!({})),
            StatusCode::BAD_REQUEST,
            "GRAPHQL_PARSE_FAILED",
        ),
        case(
            "10,000 aliases",
            graphql(&format!("{{ {aliases} }}"), json!({})),
            StatusCode::BAD_REQUEST,
            "TOO_MANY_ALIASES",
        ),
        case(
            "an unknown operation name",
            json!({ "query": "query A { __typename }", "operationName": "B" }).to_string(),
            StatusCode::BAD_REQUEST,
            "GRAPHQL_VALIDATION_FAILED",
        ),
        case(
            "a variable of the wrong type",
            graphql(hunt, json!({ "id": { "not": "an id" } })),
            StatusCode::BAD_REQUEST,
            "GRAPHQL_VALIDATION_FAILED",
        ),
        case(
            "an id that is not base64",
            graphql(hunt, json!({ "id": "%%%" })),
            StatusCode::OK,
            "BAD_USER_INPUT",
        ),
        case(
            "an id of another type",
            graphql(hunt, json!({ "id": fixture.clue_ids[0] })),
            StatusCode::OK,
            "BAD_USER_INPUT",
        ),
        case(
            "a cursor that is not one",
            graphql(
                "{ hunts(after: \"bm90LWEtY3Vyc29y\") { pageInfo { hasNextPage } } }",
                json!({}),
            ),
            StatusCode::OK,
            "BAD_USER_INPUT",
        ),
        case(
            "an overlong answer",
            graphql(
                submit,
                json!({ "clue": fixture.clue_ids[0], "answer": "x".repeat(100_000) }),
            ),
            StatusCode::OK,
            "BAD_USER_INPUT",
        ),
        case(
            "an overlong display name",
            graphql(
                register,
                json!({ "input": { "handle": "long_name", "displayName": "n".repeat(10_000) } }),
            ),
            StatusCode::OK,
            "BAD_USER_INPUT",
        ),
    ];
    cases.push(Case {
        content_type: "text/plain",
        ..case(
            "a wrong content type",
            graphql("{ __typename }", json!({})),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UNSUPPORTED_MEDIA_TYPE",
        )
    });
    cases.push(Case {
        content_type: "application/x-www-form-urlencoded",
        ..case(
            "a form body",
            "query=%7B__typename%7D",
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UNSUPPORTED_MEDIA_TYPE",
        )
    });

    for case in &cases {
        let (status, body) = send(&app, Some(&player), case).await;
        assert_eq!(status, case.status, "{}: {body}", case.what);
        assert_eq!(
            body["errors"][0]["extensions"]["code"], case.code,
            "{}: {body}",
            case.what
        );
        if case.status == StatusCode::OK
            || body["errors"][0]["extensions"]["code"] == "TOO_MANY_ALIASES"
        {
            assert!(
                body["errors"][0]["extensions"]["requestId"].is_string(),
                "{}: errors carry the request id: {body}",
                case.what
            );
        }
        let text = body.to_string();
        for leak in ["SELECT", "sqlx", "src/", "panicked", "Database"] {
            assert!(
                !text.contains(leak),
                "{}: leaks {leak:?}: {text}",
                case.what
            );
        }
    }

    // Still serving, and nothing was stored twice or lost: the overlong answer was not counted as an attempt.
    let after = app.submit(&player, &fixture.clue_ids[0], "one").await;
    assert_eq!(after["data"]["submitAnswer"]["correct"], true, "{after}");
    let data = app
        .ok(
            None,
            "{ hunts { edges { node { slug } } } players { edges { node { handle } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        data["hunts"]["edges"].as_array().unwrap().len(),
        1,
        "{data}"
    );
    assert_eq!(
        data["players"]["edges"].as_array().unwrap().len(),
        1,
        "{data}"
    );
}
