//! Reading: look-ups, nested relations in both directions, scores and leaderboards.

use serde_json::json;

use crate::helpers::{active_hunt, code, spawn_app, spawn_demo_app};

#[tokio::test]
async fn a_hunt_is_found_by_id_or_slug_and_unknown_ones_are_null() {
    let app = spawn_app().await;
    let fixture = active_hunt(&app, "findable").await;
    let by_id = app
        .ok(
            None,
            "query($id: ID!) { hunt(id: $id) { slug } }",
            json!({ "id": fixture.hunt_id }),
        )
        .await;
    assert_eq!(by_id["hunt"]["slug"], "findable");
    let by_slug = app
        .ok(None, "{ hunt(slug: \"findable\") { id } }", json!({}))
        .await;
    assert_eq!(by_slug["hunt"]["id"], fixture.hunt_id.as_str());
    let unknown = app
        .ok(None, "{ hunt(slug: \"nowhere\") { id } }", json!({}))
        .await;
    assert!(unknown["hunt"].is_null());
    for query in [
        "{ hunt { id } }",
        "query($id: ID!) { hunt(id: $id, slug: \"findable\") { id } }",
    ] {
        let body = app.gql(None, query, json!({ "id": fixture.hunt_id })).await;
        assert_eq!(code(&body), "BAD_USER_INPUT", "{query}");
    }
    let both = app.gql(None, "{ player { id } }", json!({})).await;
    assert_eq!(code(&both), "BAD_USER_INPUT");
}

#[tokio::test]
async fn the_demo_answers_a_nested_query_of_hunts_clues_solves_players_and_leaderboards() {
    let app = spawn_demo_app().await;
    let data = app
        .ok(
            None,
            "{
                hunt(slug: \"pirate-cove\") {
                    title status clueCount
                    clues { position solveCount solves { player { handle hunts { slug } } } }
                    leaderboard(first: 10) { rank score solvedCount player { handle } }
                    players(first: 10) { edges { node { handle score(huntId: null) } } }
                }
                hunts(first: 10) { edges { node { slug status } } }
            }",
            json!({}),
        )
        .await;
    let hunt = &data["hunt"];
    assert_eq!(hunt["title"], "The Pirate's Cove");
    assert_eq!(hunt["status"], "ACTIVE");
    assert_eq!(hunt["clueCount"], 4);
    let solve_counts: Vec<i64> = hunt["clues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["solveCount"].as_i64().unwrap())
        .collect();
    assert_eq!(solve_counts, vec![3, 2, 1, 0]);
    assert_eq!(
        hunt["clues"][1]["solves"],
        json!([
            { "player": { "handle": "anne_bonny", "hunts": [{ "slug": "pirate-cove" }] } },
            { "player": { "handle": "long_john", "hunts": [{ "slug": "midnight-museum" }, { "slug": "pirate-cove" }] } },
        ])
    );
    assert_eq!(
        hunt["leaderboard"],
        json!([
            { "rank": 1, "score": 60, "solvedCount": 3, "player": { "handle": "anne_bonny" } },
            { "rank": 2, "score": 30, "solvedCount": 2, "player": { "handle": "long_john" } },
            { "rank": 3, "score": 10, "solvedCount": 1, "player": { "handle": "mary_read" } },
            { "rank": 4, "score": 0, "solvedCount": 0, "player": { "handle": "calico_jack" } },
        ])
    );
    assert_eq!(
        hunt["players"]["edges"],
        json!([
            { "node": { "handle": "anne_bonny", "score": 60 } },
            { "node": { "handle": "long_john", "score": 70 } },
            { "node": { "handle": "mary_read", "score": 70 } },
            { "node": { "handle": "calico_jack", "score": 0 } },
        ])
    );
    assert_eq!(
        data["hunts"]["edges"],
        json!([
            { "node": { "slug": "pirate-cove", "status": "ACTIVE" } },
            { "node": { "slug": "library-of-whispers", "status": "ACTIVE" } },
            { "node": { "slug": "midnight-museum", "status": "ENDED" } },
        ])
    );
}

#[tokio::test]
async fn leaderboards_rank_by_score_then_by_who_got_there_first() {
    let app = spawn_app().await;
    let fixture = active_hunt(&app, "race").await;
    let mut tokens = Vec::new();
    for name in ["ann", "bob", "cat", "dan"] {
        let token = app.token(name);
        app.register(&token, name).await;
        app.join(&token, &fixture.hunt_id).await;
        tokens.push(token);
    }
    // bob reaches 10 first, then ann; cat scores 30; dan nothing.
    app.submit(&tokens[1], &fixture.clue_ids[0], "one").await;
    app.submit(&tokens[0], &fixture.clue_ids[0], "one").await;
    app.submit(&tokens[2], &fixture.clue_ids[0], "one").await;
    app.submit(&tokens[2], &fixture.clue_ids[1], "two").await;
    let data = app
        .ok(
            None,
            "query($id: ID!) { hunt(id: $id) { leaderboard { rank score solvedCount lastSolvedAt player { handle } } top: leaderboard(first: 1) { player { handle } } } }",
            json!({ "id": fixture.hunt_id }),
        )
        .await;
    let board = data["hunt"]["leaderboard"].as_array().unwrap();
    let order: Vec<(i64, &str, i64)> = board
        .iter()
        .map(|e| {
            (
                e["rank"].as_i64().unwrap(),
                e["player"]["handle"].as_str().unwrap(),
                e["score"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        order,
        vec![
            (1, "cat", 30),
            (2, "bob", 10),
            (3, "ann", 10),
            (4, "dan", 0)
        ]
    );
    assert!(board[3]["lastSolvedAt"].is_null());
    assert_eq!(
        data["hunt"]["top"],
        json!([{ "player": { "handle": "cat" } }])
    );
    let too_many = app
        .gql(
            None,
            "query($id: ID!) { hunt(id: $id) { leaderboard(first: 101) { rank } } }",
            json!({ "id": fixture.hunt_id }),
        )
        .await;
    assert!(too_many["errors"].is_array());
}

#[tokio::test]
async fn players_link_back_to_accounts_and_accounts_to_players() {
    let app = spawn_demo_app().await;
    let data = app
        .ok(
            None,
            "{ player(handle: \"anne_bonny\") { displayName account { id player { handle } } solves { clue { title hunt { slug } } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        data["player"]["account"],
        json!({ "id": "demo-anne", "player": { "handle": "anne_bonny" } })
    );
    assert_eq!(data["player"]["solves"].as_array().unwrap().len(), 3);
    assert_eq!(
        data["player"]["solves"][0]["clue"]["hunt"]["slug"],
        "pirate-cove"
    );
    let by_id = app
        .ok(None, "query($id: ID!) { player(id: $id) { handle } }", json!({ "id": treasure_hunt::graphql::id::encode(treasure_hunt::graphql::id::Kind::Player, 1) }))
        .await;
    assert_eq!(by_id["player"]["handle"], "anne_bonny");
}
