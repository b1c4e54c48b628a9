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
