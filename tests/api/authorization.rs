//! Who may see and do what: drafts are their organiser's alone, and root fields are guarded by role.

use serde_json::json;

use crate::helpers::{code, spawn_app};

const HUNT_BY_ID: &str = "query($id: ID!) { hunt(id: $id) { slug status clues { riddle } } }";

#[tokio::test]
async fn a_draft_is_visible_only_to_its_organiser_until_it_starts() {
    let app = spawn_app().await;
    let owner = app.organizer_token("owner");
    let rival = app.organizer_token("rival");
    let player = app.token("player");
    let hunt_id = app.create_hunt(&owner, "secret-draft").await;
    let clue_id = app.add_clue(&owner, &hunt_id, "answer", 10).await;

    let mine = app
        .ok(Some(&owner), HUNT_BY_ID, json!({ "id": hunt_id }))
        .await;
    assert_eq!(mine["hunt"]["status"], "DRAFT");
    assert!(mine["hunt"]["clues"][0]["riddle"].is_string());
    let listed = app
        .ok(
            Some(&owner),
            "{ hunts { edges { node { slug } } } }",
            json!({}),
        )
        .await;
    assert_eq!(listed["hunts"]["edges"][0]["node"]["slug"], "secret-draft");

    for token in [None, Some(rival.as_str()), Some(player.as_str())] {
        let by_id = app.gql(token, HUNT_BY_ID, json!({ "id": hunt_id })).await;
        assert_eq!(code(&by_id), "FORBIDDEN", "{by_id}");
        assert!(by_id["data"]["hunt"].is_null(), "{by_id}");
        assert!(!by_id.to_string().contains("Riddle"), "{by_id}");
        let by_slug = app
            .gql(token, "{ hunt(slug: \"secret-draft\") { id } }", json!({}))
            .await;
        assert_eq!(code(&by_slug), "FORBIDDEN", "{by_slug}");
        let clue = app
            .gql(
                token,
                "query($id: ID!) { clue(id: $id) { title riddle } }",
                json!({ "id": clue_id }),
            )
            .await;
        assert_eq!(code(&clue), "FORBIDDEN", "{clue}");
        let entities = app
            .gql(
                token,
                "query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Hunt { slug } } }",
                json!({ "reps": [{ "__typename": "Hunt", "id": hunt_id }] }),
            )
            .await;
        assert_eq!(code(&entities), "FORBIDDEN", "{entities}");
        for listing in [
            "{ hunts { edges { node { slug } } } }",
            "{ hunts(status: DRAFT) { edges { node { slug } } } }",
        ] {
            let listed = app.ok(token, listing, json!({})).await;
            assert_eq!(listed["hunts"]["edges"], json!([]), "{listing}: {listed}");
        }
    }

    app.start_hunt(&owner, &hunt_id).await;
    let public = app.ok(None, HUNT_BY_ID, json!({ "id": hunt_id })).await;
    assert_eq!(public["hunt"]["status"], "ACTIVE");
    let listed = app
        .ok(None, "{ hunts { edges { node { slug } } } }", json!({}))
        .await;
    assert_eq!(listed["hunts"]["edges"][0]["node"]["slug"], "secret-draft");
}

#[tokio::test]
async fn organiser_fields_need_the_role_and_playing_needs_a_token() {
    let app = spawn_app().await;
    let player = app.token("player");
    let create = "mutation { createHunt(input: { slug: \"x\", title: \"X\" }) { id } }";

    let anonymous = app.gql(None, create, json!({})).await;
    assert_eq!(code(&anonymous), "UNAUTHENTICATED", "{anonymous}");
    let not_organizer = app.gql(Some(&player), create, json!({})).await;
    assert_eq!(code(&not_organizer), "FORBIDDEN", "{not_organizer}");
    assert!(
        not_organizer["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("organizer role"),
        "{not_organizer}"
    );
    for mutation in [
        "mutation { startHunt(huntId: \"SHVudDox\") { id } }",
        "mutation { endHunt(huntId: \"SHVudDox\") { id } }",
        "mutation { addClue(input: { huntId: \"SHVudDox\", title: \"t\", riddle: \"r\", answer: \"a\", points: 1 }) { id } }",
    ] {
        let refused = app.gql(Some(&player), mutation, json!({})).await;
        assert_eq!(code(&refused), "FORBIDDEN", "{mutation}: {refused}");
    }
    for mutation in [
        "mutation { registerPlayer(input: { handle: \"h\", displayName: \"H\" }) { id } }",
        "mutation { joinHunt(huntId: \"SHVudDox\") { id } }",
        "mutation { submitAnswer(clueId: \"Q2x1ZTox\", answer: \"a\") { correct } }",
    ] {
        let refused = app.gql(None, mutation, json!({})).await;
        assert_eq!(code(&refused), "UNAUTHENTICATED", "{mutation}: {refused}");
    }
}
