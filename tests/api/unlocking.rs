//! Who can read which riddle.

use serde_json::{Value, json};

use crate::helpers::{TestApp, active_hunt, code, spawn_app};

/// (riddle visible, unlocked) for each clue of the hunt, as `token` sees it.
async fn visibility(app: &TestApp, token: Option<&str>, hunt_id: &str) -> Vec<(bool, bool)> {
    let data = app
        .ok(
            token,
            "query($id: ID!) { hunt(id: $id) { clues { riddle unlocked } } }",
            json!({ "id": hunt_id }),
        )
        .await;
    data["hunt"]["clues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c: &Value| (c["riddle"].is_string(), c["unlocked"].as_bool().unwrap()))
        .collect()
}

#[tokio::test]
async fn riddles_open_one_by_one_as_the_player_solves_them() {
    let app = spawn_app().await;
    let fixture = active_hunt(&app, "trail").await;
    let anne = app.token("anne");
    app.register(&anne, "anne").await;
    app.join(&anne, &fixture.hunt_id).await;

    let (open, closed) = ((true, true), (false, false));
    assert_eq!(
        visibility(&app, Some(&anne), &fixture.hunt_id).await,
        vec![open, closed, closed]
    );
    app.submit(&anne, &fixture.clue_ids[0], "one").await;
    assert_eq!(
        visibility(&app, Some(&anne), &fixture.hunt_id).await,
        vec![open, open, closed]
    );
    app.submit(&anne, &fixture.clue_ids[1], "two").await;
    assert_eq!(
        visibility(&app, Some(&anne), &fixture.hunt_id).await,
        vec![open, open, open]
    );

    // Another player and anonymous visitors see only the first riddle; the organiser sees all.
    assert_eq!(
        visibility(&app, None, &fixture.hunt_id).await,
        vec![open, closed, closed]
    );
    assert_eq!(
        visibility(&app, Some(&app.token("bob")), &fixture.hunt_id).await,
        vec![open, closed, closed]
    );
    assert_eq!(
        visibility(&app, Some(&fixture.organizer), &fixture.hunt_id).await,
        vec![open, open, open]
    );

    // A locked riddle stays hidden through every path to the clue.
    let direct = app
        .ok(
            None,
            "query($id: ID!) { clue(id: $id) { riddle unlocked hunt { slug } } }",
            json!({ "id": fixture.clue_ids[2] }),
        )
        .await;
    assert_eq!(
        direct["clue"],
        json!({ "riddle": null, "unlocked": false, "hunt": { "slug": "trail" } })
    );
}

#[tokio::test]
async fn drafts_are_hidden_from_all_but_the_organizer_and_ended_hunts_show_all_riddles() {
    let app = spawn_app().await;
    let organizer = app.organizer_token("org");
    let hunt = app.create_hunt(&organizer, "draft").await;
    app.add_clue(&organizer, &hunt, "a", 10).await;
    app.add_clue(&organizer, &hunt, "b", 10).await;
    let hidden = app
        .gql(
            None,
            "query($id: ID!) { hunt(id: $id) { clues { riddle } } }",
            json!({ "id": hunt }),
        )
        .await;
    assert_eq!(code(&hidden), "FORBIDDEN", "{hidden}");
    assert!(!hidden.to_string().contains("Riddle"), "{hidden}");
    assert_eq!(
        visibility(&app, Some(&organizer), &hunt).await,
        vec![(true, true), (true, true)]
    );

    app.start_hunt(&organizer, &hunt).await;
    app.ok(
        Some(&organizer),
        "mutation($id: ID!) { endHunt(huntId: $id) { status } }",
        json!({ "id": hunt }),
    )
    .await;
    assert_eq!(
        visibility(&app, None, &hunt).await,
        vec![(true, true), (true, true)]
    );
}
