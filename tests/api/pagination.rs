//! Cursor pagination on `hunts`, `players` and `Hunt.players`.

use serde_json::{Value, json};

use crate::helpers::{TestApp, code, spawn_app};

const HUNTS: &str = "query($first: Int!, $after: String, $status: HuntStatus) {
    hunts(first: $first, after: $after, status: $status) {
        edges { cursor node { slug } }
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
}";

fn slugs(page: &Value) -> Vec<String> {
    page["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["slug"].as_str().unwrap().to_owned())
        .collect()
}

/// A page of hunts as seen by "org", who organises them all (drafts are listed to their organiser only).
async fn hunts_page(app: &TestApp, first: i64, after: Option<&str>) -> Value {
    let org = app.organizer_token("org");
    app.ok(Some(&org), HUNTS, json!({ "first": first, "after": after }))
        .await["hunts"]
        .clone()
}

#[tokio::test]
async fn following_end_cursors_visits_every_hunt_once_in_order() {
    let app = spawn_app().await;
    let org = app.organizer_token("org");
    for i in 1..=5 {
        app.create_hunt(&org, &format!("hunt-{i}")).await;
    }
    let first = hunts_page(&app, 2, None).await;
    assert_eq!(slugs(&first), ["hunt-1", "hunt-2"]);
    assert_eq!(first["pageInfo"]["hasNextPage"], true);
    assert_eq!(first["pageInfo"]["hasPreviousPage"], false);
    assert_eq!(
        first["pageInfo"]["startCursor"],
        first["edges"][0]["cursor"]
    );

    let second = hunts_page(&app, 2, first["pageInfo"]["endCursor"].as_str()).await;
    assert_eq!(slugs(&second), ["hunt-3", "hunt-4"]);
    assert_eq!(second["pageInfo"]["hasPreviousPage"], true);
    let third = hunts_page(&app, 2, second["pageInfo"]["endCursor"].as_str()).await;
    assert_eq!(slugs(&third), ["hunt-5"]);
    assert_eq!(third["pageInfo"]["hasNextPage"], false);
    let beyond = hunts_page(&app, 2, third["pageInfo"]["endCursor"].as_str()).await;
    assert_eq!(slugs(&beyond), Vec::<String>::new());
    assert!(beyond["pageInfo"]["endCursor"].is_null());

    let exact = hunts_page(&app, 5, None).await;
    assert_eq!(exact["pageInfo"]["hasNextPage"], false);
    let none = hunts_page(&app, 0, None).await;
    assert_eq!(slugs(&none), Vec::<String>::new());
    assert_eq!(none["pageInfo"]["hasNextPage"], true);
}

#[tokio::test]
async fn page_sizes_and_cursors_out_of_range_are_refused() {
    let app = spawn_app().await;
    for (first, after) in [
        (-1, None),
        (101, None),
        (10, Some("not-a-cursor")),
        (10, Some("SHVudDox")),
    ] {
        let body = app
            .gql(None, HUNTS, json!({ "first": first, "after": after }))
            .await;
        assert_eq!(
            code(&body),
            "BAD_USER_INPUT",
            "first {first} after {after:?}: {body}"
        );
    }
    let body = app
        .gql(
            None,
            "{ players(first: 1000) { edges { cursor } } }",
            json!({}),
        )
        .await;
    assert_eq!(code(&body), "BAD_USER_INPUT");
}

#[tokio::test]
async fn hunts_filter_by_status() {
    let app = spawn_app().await;
    let org = app.organizer_token("org");
    app.create_hunt(&org, "draft-one").await;
    let live = app.create_hunt(&org, "live-one").await;
    app.add_clue(&org, &live, "x", 10).await;
    app.start_hunt(&org, &live).await;
    let active = app
        .ok(None, HUNTS, json!({ "first": 10, "status": "ACTIVE" }))
        .await;
    assert_eq!(slugs(&active["hunts"]), ["live-one"]);
    let drafts = app
        .ok(Some(&org), HUNTS, json!({ "first": 10, "status": "DRAFT" }))
        .await;
    assert_eq!(slugs(&drafts["hunts"]), ["draft-one"]);
    let others = app
        .ok(None, HUNTS, json!({ "first": 10, "status": "DRAFT" }))
        .await;
    assert_eq!(slugs(&others["hunts"]), Vec::<String>::new());
}

#[tokio::test]
async fn each_hunt_pages_its_own_players_in_one_query() {
    let app = spawn_app().await;
    let org = app.organizer_token("org");
    let mut hunts = Vec::new();
    for slug in ["big", "small", "empty"] {
        let hunt = app.create_hunt(&org, slug).await;
        app.add_clue(&org, &hunt, "x", 10).await;
        app.start_hunt(&org, &hunt).await;
        hunts.push(hunt);
    }
    for i in 0..5 {
        let token = app.token(&format!("p{i}"));
        app.register(&token, &format!("player{i}")).await;
        app.join(&token, &hunts[0]).await;
        if i < 2 {
            app.join(&token, &hunts[1]).await;
        }
    }
    let query = "query($after: String) { hunts(first: 10) { edges { node { slug players(first: 3, after: $after) {
        edges { cursor node { handle } } pageInfo { hasNextPage endCursor } } } } } }";
    let data = app.ok(None, query, json!({})).await;
    let handles = |hunt: &Value| -> Vec<String> {
        hunt["node"]["players"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"]["handle"].as_str().unwrap().to_owned())
            .collect()
    };
    let edges = data["hunts"]["edges"].as_array().unwrap();
    assert_eq!(handles(&edges[0]), ["player0", "player1", "player2"]);
    assert_eq!(edges[0]["node"]["players"]["pageInfo"]["hasNextPage"], true);
    assert_eq!(handles(&edges[1]), ["player0", "player1"]);
    assert_eq!(
        edges[1]["node"]["players"]["pageInfo"]["hasNextPage"],
        false
    );
    assert_eq!(handles(&edges[2]), Vec::<String>::new());

    let next = app
        .ok(
            None,
            "query($id: ID!, $after: String) { hunt(id: $id) { players(first: 3, after: $after) { edges { node { handle } } pageInfo { hasNextPage } } } }",
            json!({ "id": hunts[0], "after": edges[0]["node"]["players"]["pageInfo"]["endCursor"] }),
        )
        .await;
    let rest: Vec<&str> = next["hunt"]["players"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["handle"].as_str().unwrap())
        .collect();
    assert_eq!(rest, ["player3", "player4"]);
    assert_eq!(next["hunt"]["players"]["pageInfo"]["hasNextPage"], false);
}

#[tokio::test]
async fn players_page_in_registration_order() {
    let app = spawn_app().await;
    for i in 0..3 {
        app.register(&app.token(&format!("acct{i}")), &format!("handle{i}"))
            .await;
    }
    let first = app.ok(None, "{ players(first: 2) { edges { node { handle } } pageInfo { endCursor hasNextPage } } }", json!({})).await;
    assert_eq!(
        first["players"]["edges"],
        json!([{ "node": { "handle": "handle0" } }, { "node": { "handle": "handle1" } }])
    );
    let rest = app
        .ok(
            None,
            "query($after: String) { players(first: 2, after: $after) { edges { node { handle } } pageInfo { hasNextPage } } }",
            json!({ "after": first["players"]["pageInfo"]["endCursor"] }),
        )
        .await;
    assert_eq!(
        rest["players"]["edges"],
        json!([{ "node": { "handle": "handle2" } }])
    );
    assert_eq!(rest["players"]["pageInfo"]["hasNextPage"], false);
}
