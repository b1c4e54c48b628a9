//! Federation: a gateway resolves many entity representations in one `_entities` call.

use serde_json::{Value, json};
use treasure_hunt::graphql::id::{Kind, encode};
use treasure_hunt::loaders::LoaderConfig;
use treasure_hunt::seed::generate::Spec;

use crate::helpers::spawn_generated_app;

const ENTITIES: &str = "query($representations: [_Any!]!) {
    _entities(representations: $representations) {
        __typename
        ... on Hunt { slug }
        ... on Clue { title }
        ... on Player { handle }
        ... on User { id player { handle } }
    }
}";

#[tokio::test]
async fn two_hundred_representations_of_three_types_cost_one_statement_per_type() {
    let app = spawn_generated_app(
        &Spec {
            hunts: 80,
            clues_per_hunt: 2,
            players: 100,
            seed: 5,
        },
        LoaderConfig::default(),
    )
    .await;
    let mut representations: Vec<Value> = Vec::new();
    representations
        .extend((1..=70).map(|id| json!({ "__typename": "Hunt", "id": encode(Kind::Hunt, id) })));
    representations
        .extend((1..=70).map(|id| json!({ "__typename": "Clue", "id": encode(Kind::Clue, id) })));
    representations.extend(
        (1..=60).map(|id| json!({ "__typename": "Player", "id": encode(Kind::Player, id) })),
    );
    // Unknown keys resolve to null, for their own entries only.
    representations.push(json!({ "__typename": "Hunt", "id": encode(Kind::Hunt, 9_999) }));
    representations.push(json!({ "__typename": "Player", "id": encode(Kind::Player, 9_999) }));

    let before = app.statements().await;
    let data = app
        .ok(
            None,
            ENTITIES,
            json!({ "representations": representations }),
        )
        .await;
    assert_eq!(
        app.statements().await - before,
        3,
        "hunts, clues and players: one statement each"
    );

    let entities = data["_entities"].as_array().unwrap();
    assert_eq!(entities.len(), 202);
    assert_eq!(
        entities[0],
        json!({ "__typename": "Hunt", "slug": "hunt-000000" })
    );
    assert_eq!(entities[70]["__typename"], "Clue");
    assert_eq!(
        entities[140],
        json!({ "__typename": "Player", "handle": "player_0" })
    );
    assert!(entities[200].is_null());
    assert!(entities[201].is_null());
    assert!(entities[..200].iter().all(|e| !e.is_null()));
}

#[tokio::test]
async fn partner_users_resolve_their_players_in_one_statement_and_other_keys_work_too() {
    let app = spawn_generated_app(
        &Spec {
            hunts: 3,
            clues_per_hunt: 2,
            players: 50,
            seed: 5,
        },
        LoaderConfig::default(),
    )
    .await;
    let mut representations: Vec<Value> = (0..50)
        .map(|i| json!({ "__typename": "User", "id": format!("account-{i}") }))
        .collect();
    representations.push(json!({ "__typename": "User", "id": "account-unknown" }));
    representations.push(json!({ "__typename": "Player", "handle": "PLAYER_7" }));
    representations.push(json!({ "__typename": "Hunt", "slug": "hunt-000002" }));

    let before = app.statements().await;
    let data = app
        .ok(
            None,
            ENTITIES,
            json!({ "representations": representations }),
        )
        .await;
    // Players by account, by handle, hunts by slug.
    assert_eq!(app.statements().await - before, 3);
    let entities = data["_entities"].as_array().unwrap();
    assert_eq!(
        entities[3],
        json!({ "__typename": "User", "id": "account-3", "player": { "handle": "player_3" } })
    );
    assert_eq!(
        entities[50],
        json!({ "__typename": "User", "id": "account-unknown", "player": null })
    );
    assert_eq!(
        entities[51],
        json!({ "__typename": "Player", "handle": "player_7" })
    );
    assert_eq!(
        entities[52],
        json!({ "__typename": "Hunt", "slug": "hunt-000002" })
    );
}

#[tokio::test]
async fn the_service_sdl_links_federation_v2_and_declares_the_keys() {
    let app = spawn_generated_app(
        &Spec {
            hunts: 1,
            clues_per_hunt: 1,
            players: 1,
            seed: 1,
        },
        LoaderConfig::default(),
    )
    .await;
    let data = app.ok(None, "{ _service { sdl } }", json!({})).await;
    let sdl = data["_service"]["sdl"].as_str().unwrap();
    assert!(
        sdl.contains("https://specs.apollo.dev/federation/v2."),
        "{sdl}"
    );
    assert!(sdl.contains("type Player @key(fields: \"id\") @key(fields: \"handle\")"));
}

mod ftv1 {
    use base64::Engine;
    use base64::engine::general_purpose::STANDARD;
    use prost::Message;
    use reqwest::header::CONTENT_TYPE;
    use serde_json::{Value, json};
    use treasure_hunt::graphql::ftv1::proto::{Node, Trace};

    use crate::helpers::{TestApp, spawn_demo_app};

    async fn post(app: &TestApp, query: &str, trace: bool) -> Value {
        let mut request = app
            .client
            .post(app.url("/graphql"))
            .header(CONTENT_TYPE, "application/json")
            .json(&json!({ "query": query }));
        if trace {
            request = request.header("apollo-federation-include-trace", "ftv1");
        }
        request.send().await.unwrap().json().await.unwrap()
    }

    fn child<'a>(node: &'a Node, name: &str) -> &'a Node {
        node.child
            .iter()
            .find(|c| c.response_name.as_deref() == Some(name))
            .unwrap_or_else(|| panic!("no child {name} in {node:?}"))
    }

    #[tokio::test]
    async fn a_gateway_that_asks_gets_an_ftv1_trace_of_every_field() {
        let app = spawn_demo_app().await;
        let query = "{ hunt(slug: \"pirate-cove\") { title clues { position } top: leaderboard(first: 2) { rank } } }";
        let body = post(&app, query, true).await;
        assert_eq!(body["data"]["hunt"]["title"], "The Pirate's Cove");
        let encoded = body["extensions"]["ftv1"]
            .as_str()
            .expect("an ftv1 extension");
        let trace = Trace::decode(STANDARD.decode(encoded).unwrap().as_slice()).unwrap();

        assert!(trace.start_time.is_some() && trace.end_time.is_some());
        assert!(trace.duration_ns > 0);
        let root = trace.root.as_ref().unwrap();
        let hunt = child(root, "hunt");
        assert_eq!(
            (hunt.r#type.as_str(), hunt.parent_type.as_str()),
            ("Hunt", "Query")
        );
        assert!(hunt.end_time >= hunt.start_time && hunt.end_time <= trace.duration_ns);
        assert_eq!(child(hunt, "title").r#type, "String!");
        let clues = child(hunt, "clues");
        assert_eq!(clues.r#type, "[Clue!]!");
        assert_eq!(clues.child.len(), 4, "one node per list element");
        assert_eq!(clues.child[2].index, Some(2));
        assert_eq!(child(&clues.child[2], "position").parent_type, "Clue");
        let top = child(hunt, "top");
        assert_eq!(
            top.original_field_name, "leaderboard",
            "aliases keep the field's name"
        );
    }

    /// A traced request resolves every field through async-graphql's own path (the trace hooks each field);
    /// an untraced one resolves objects as `Joined`. Both must answer alike, errors included.
    #[tokio::test]
    async fn a_traced_request_answers_exactly_as_an_untraced_one() {
        let app = spawn_demo_app().await;
        let query = "{ hunts(first: 10) { edges { cursor node { __typename ...H
            clues { title points solves { solvedAt player { handle score(huntId: \"nope\") hunts { slug } } } }
            players(first: 3) { edges { node { handle } } pageInfo { hasNextPage } }
            top: leaderboard(first: 2) { rank score player { ... on Player { handle } } }
            riddles: clues { riddle unlocked hunt { slug } }
            bad: players(first: -1) { edges { cursor } } } } } }
            fragment H on Hunt { slug title status }";
        let untraced = post(&app, query, false).await;
        let traced = post(&app, query, true).await;
        let hunts = untraced["data"]["hunts"]["edges"].as_array().unwrap();
        assert_eq!(hunts.len(), 3, "{untraced}");
        let solves = hunts
            .iter()
            .flat_map(|h| h["node"]["clues"].as_array().unwrap())
            .flat_map(|c| c["solves"].as_array().unwrap())
            .count();
        assert!(solves > 0, "the demo data has solves: {untraced}");
        assert_eq!(untraced["data"], traced["data"]);

        let errors = |body: &Value| {
            let mut errors: Vec<String> = body["errors"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| format!("{} {}", e["path"], e["message"]))
                .collect();
            errors.sort();
            errors
        };
        assert_eq!(errors(&untraced), errors(&traced));
        assert_eq!(
            errors(&untraced).len(),
            hunts.len() + solves,
            "one error per `bad` and per `score`: {untraced}"
        );
    }

    /// Untraced, a player reached again with the same selection is copied from its first occurrence
    /// (`graphql::memo`); traced, every occurrence is resolved. Both must answer alike.
    #[tokio::test]
    async fn a_player_reached_many_times_answers_as_when_every_occurrence_is_resolved() {
        let app = spawn_demo_app().await;
        let query = "{ hunts(first: 10) { edges { node { slug
            clues { solves { player { id handle displayName score hunts { slug clueCount } } } }
            leaderboard(first: 5) { player { handle score } } } } } }";
        let untraced = post(&app, query, false).await;
        let traced = post(&app, query, true).await;
        assert!(untraced.get("errors").is_none(), "{untraced}");
        assert_eq!(untraced["data"], traced["data"]);
        let players: Vec<&Value> = untraced["data"]["hunts"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|h| h["node"]["clues"].as_array().unwrap())
            .flat_map(|c| c["solves"].as_array().unwrap())
            .map(|s| &s["player"])
            .collect();
        let distinct: std::collections::HashSet<String> =
            players.iter().map(|p| p["id"].to_string()).collect();
        assert!(
            players.len() > distinct.len(),
            "the demo data has players with several solves: {untraced}"
        );
    }

    #[tokio::test]
    async fn field_errors_are_in_the_trace_and_nobody_else_gets_one() {
        let app = spawn_demo_app().await;
        let body = post(&app, "{ hunts(first: -1) { edges { cursor } } }", true).await;
        let encoded = body["extensions"]["ftv1"].as_str().unwrap();
        let trace = Trace::decode(STANDARD.decode(encoded).unwrap().as_slice()).unwrap();
        let hunts = child(trace.root.as_ref().unwrap(), "hunts");
        assert_eq!(hunts.error.len(), 1);
        assert!(
            hunts.error[0].message.contains("first"),
            "{:?}",
            hunts.error
        );

        let untraced = post(&app, "{ __typename }", false).await;
        assert!(untraced.get("extensions").is_none(), "{untraced}");
    }
}
