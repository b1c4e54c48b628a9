//! Organisers create hunts, add clues, start and end them; everyone else is refused.

use serde_json::json;

use crate::helpers::{active_hunt, code, spawn_app};

const CREATE: &str = "mutation($input: CreateHuntInput!) { createHunt(input: $input) { id slug title status startsAt endsAt clueCount } }";

#[tokio::test]
async fn creating_a_hunt_makes_a_draft_owned_by_its_organizer() {
    let app = spawn_app().await;
    let org = app.organizer_token("org");
    let data = app
        .ok(
            Some(&org),
            CREATE,
            json!({ "input": { "slug": "pirate-cove", "title": "  The Pirate's Cove ", "description": "Arr" } }),
        )
        .await;
    let hunt = &data["createHunt"];
    assert_eq!(hunt["slug"], "pirate-cove");
    assert_eq!(hunt["title"], "The Pirate's Cove");
    assert_eq!(hunt["status"], "DRAFT");
    assert_eq!(hunt["clueCount"], 0);
    assert!(hunt["startsAt"].is_null());
}

#[tokio::test]
async fn only_signed_in_organizers_can_create_hunts() {
    let app = spawn_app().await;
    let input = json!({ "input": { "slug": "cove", "title": "Cove" } });
    let anonymous = app.gql(None, CREATE, input.clone()).await;
    assert_eq!(code(&anonymous), "UNAUTHENTICATED");
    let player = app.gql(Some(&app.token("p")), CREATE, input).await;
    assert_eq!(code(&player), "FORBIDDEN");
    let hunts = app
        .ok(None, "{ hunts { edges { cursor } } }", json!({}))
        .await;
    assert_eq!(hunts["hunts"]["edges"], json!([]));
}

#[tokio::test]
async fn a_taken_slug_is_refused_and_the_first_hunt_is_kept() {
    let app = spawn_app().await;
    let org = app.organizer_token("org");
    let first = app.create_hunt(&org, "cove").await;
    let again = app
        .gql(
            Some(&app.organizer_token("rival")),
            CREATE,
            json!({ "input": { "slug": "cove", "title": "Mine" } }),
        )
        .await;
    assert_eq!(code(&again), "CONFLICT");
    let data = app
        .ok(
            Some(&org),
            "{ hunt(slug: \"cove\") { id title } }",
            json!({}),
        )
        .await;
    assert_eq!(data["hunt"]["id"], first.as_str());
    assert_eq!(data["hunt"]["title"], "Hunt cove");
}

#[tokio::test]
async fn malformed_hunt_input_is_refused_naming_the_field() {
    let app = spawn_app().await;
    let org = app.organizer_token("org");
    let cases = [
        (json!({ "slug": "Bad Slug", "title": "T" }), "slug"),
        (json!({ "slug": "ok-slug", "title": "   " }), "title"),
        (
            json!({ "slug": "ok-slug", "title": "x".repeat(201) }),
            "title",
        ),
        (
            json!({ "slug": "ok-slug", "title": "T", "description": "d".repeat(5001) }),
            "description",
        ),
        (
            json!({ "slug": "ok-slug", "title": "T", "startsAt": "2026-05-02T00:00:00Z", "endsAt": "2026-05-01T00:00:00Z" }),
            "endsAt",
        ),
    ];
    for (input, field) in cases {
        let body = app.gql(Some(&org), CREATE, json!({ "input": input })).await;
        assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");
        assert_eq!(body["errors"][0]["extensions"]["field"], field, "{body}");
    }
}

#[tokio::test]
async fn clues_are_appended_in_order_while_the_hunt_is_a_draft() {
    let app = spawn_app().await;
    let fixture = active_hunt(&app, "trail").await;
    let data = app
        .ok(
            Some(&fixture.organizer),
            "query($id: ID!) { hunt(id: $id) { status clueCount clues { id position points } } }",
            json!({ "id": fixture.hunt_id }),
        )
        .await;
    assert_eq!(data["hunt"]["status"], "ACTIVE");
    assert_eq!(data["hunt"]["clueCount"], 3);
    let clues = data["hunt"]["clues"].as_array().unwrap();
    let positions: Vec<_> = clues
        .iter()
        .map(|c| (c["position"].clone(), c["points"].clone()))
        .collect();
    assert_eq!(
        positions,
        vec![
            (json!(1), json!(10)),
            (json!(2), json!(20)),
            (json!(3), json!(30))
        ]
    );
    assert_eq!(clues[0]["id"], fixture.clue_ids[0].as_str());

    let late = app
        .gql(
            Some(&fixture.organizer),
            "mutation($input: AddClueInput!) { addClue(input: $input) { id } }",
            json!({ "input": { "huntId": fixture.hunt_id, "title": "Late", "riddle": "?", "answer": "late" } }),
        )
        .await;
    assert_eq!(code(&late), "FAILED_PRECONDITION");
}

#[tokio::test]
async fn malformed_clue_input_is_refused() {
    let app = spawn_app().await;
    let org = app.organizer_token("org");
    let hunt = app.create_hunt(&org, "riddles").await;
    let add = "mutation($input: AddClueInput!) { addClue(input: $input) { id } }";
    let cases = [
        (
            json!({ "huntId": hunt, "title": "T", "riddle": "R", "answer": "   " }),
            "answer",
        ),
        (
            json!({ "huntId": hunt, "title": "T", "riddle": "R", "answer": "a".repeat(201) }),
            "answer",
        ),
        (
            json!({ "huntId": hunt, "title": "T", "riddle": "", "answer": "a" }),
            "riddle",
        ),
        (
            json!({ "huntId": hunt, "title": "T", "riddle": "R", "answer": "a", "points": 0 }),
            "points",
        ),
        (
            json!({ "huntId": hunt, "title": "T", "riddle": "R", "answer": "a", "points": 10001 }),
            "points",
        ),
    ];
    for (input, field) in cases {
        let body = app.gql(Some(&org), add, json!({ "input": input })).await;
        assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");
        assert_eq!(body["errors"][0]["extensions"]["field"], field, "{body}");
    }
    let bad_id = app
        .gql(Some(&org), add, json!({ "input": { "huntId": "nonsense", "title": "T", "riddle": "R", "answer": "a" } }))
        .await;
    assert_eq!(code(&bad_id), "BAD_USER_INPUT");
    let data = app
        .ok(
            Some(&org),
            "query($id: ID!) { hunt(id: $id) { clueCount } }",
            json!({ "id": hunt }),
        )
        .await;
    assert_eq!(data["hunt"]["clueCount"], 0);
}

#[tokio::test]
async fn only_the_hunts_organizer_can_change_it() {
    let app = spawn_app().await;
    let org = app.organizer_token("org");
    let hunt = app.create_hunt(&org, "mine").await;
    app.add_clue(&org, &hunt, "secret", 10).await;
    let rival = app.organizer_token("rival");
    let add = app
        .gql(
            Some(&rival),
            "mutation($input: AddClueInput!) { addClue(input: $input) { id } }",
            json!({ "input": { "huntId": hunt, "title": "T", "riddle": "R", "answer": "a" } }),
        )
        .await;
    assert_eq!(code(&add), "FORBIDDEN");
    for mutation in ["startHunt", "endHunt"] {
        let body = app
            .gql(
                Some(&rival),
                &format!("mutation($id: ID!) {{ {mutation}(huntId: $id) {{ status }} }}"),
                json!({ "id": hunt }),
            )
            .await;
        assert_eq!(code(&body), "FORBIDDEN", "{mutation}: {body}");
    }
    let data = app
        .ok(
            Some(&org),
            "query($id: ID!) { hunt(id: $id) { status clueCount } }",
            json!({ "id": hunt }),
        )
        .await;
    assert_eq!(data["hunt"], json!({ "status": "DRAFT", "clueCount": 1 }));
}

#[tokio::test]
async fn hunts_go_from_draft_to_active_to_ended_and_never_back() {
    let app = spawn_app().await;
    let org = app.organizer_token("org");
    let hunt = app.create_hunt(&org, "life").await;
    let transition = |name: &'static str| {
        let app = &app;
        let org = &org;
        let hunt = &hunt;
        async move {
            app.gql(
                Some(org),
                &format!(
                    "mutation($id: ID!) {{ {name}(huntId: $id) {{ status startsAt endsAt }} }}"
                ),
                json!({ "id": hunt }),
            )
            .await
        }
    };
    let empty_start = transition("startHunt").await;
    assert_eq!(
        code(&empty_start),
        "FAILED_PRECONDITION",
        "a hunt needs a clue"
    );
    assert_eq!(
        code(&transition("endHunt").await),
        "FAILED_PRECONDITION",
        "a draft cannot end"
    );

    app.add_clue(&org, &hunt, "x", 10).await;
    let started = transition("startHunt").await;
    assert_eq!(started["data"]["startHunt"]["status"], "ACTIVE");
    assert!(started["data"]["startHunt"]["startsAt"].is_string());
    assert_eq!(code(&transition("startHunt").await), "FAILED_PRECONDITION");

    let ended = transition("endHunt").await;
    assert_eq!(ended["data"]["endHunt"]["status"], "ENDED");
    assert!(ended["data"]["endHunt"]["endsAt"].is_string());
    assert_eq!(code(&transition("startHunt").await), "FAILED_PRECONDITION");
    assert_eq!(code(&transition("endHunt").await), "FAILED_PRECONDITION");
}

#[tokio::test]
async fn unknown_and_malformed_hunt_ids_are_told_apart() {
    let app = spawn_app().await;
    let org = app.organizer_token("org");
    let existing = app.create_hunt(&org, "exists").await;
    // A well-formed id of a hunt that does not exist: the id of a hunt one past the last.
    let missing =
        treasure_hunt::graphql::id::encode(treasure_hunt::graphql::id::Kind::Hunt, 999_999);
    let body = app
        .gql(
            Some(&org),
            "mutation($id: ID!) { startHunt(huntId: $id) { status } }",
            json!({ "id": missing }),
        )
        .await;
    assert_eq!(code(&body), "NOT_FOUND");
    let data = app
        .ok(
            None,
            "query($id: ID!) { hunt(id: $id) { id } }",
            json!({ "id": missing }),
        )
        .await;
    assert!(data["hunt"].is_null());

    // A player's id where a hunt's is expected, and garbage.
    let player = app.register(&app.token("p"), "somebody").await;
    for bad in [player.as_str(), "%%%", ""] {
        let body = app
            .gql(
                None,
                "query($id: ID!) { hunt(id: $id) { id } }",
                json!({ "id": bad }),
            )
            .await;
        assert_eq!(code(&body), "BAD_USER_INPUT", "{bad}: {body}");
    }
    assert_ne!(existing, missing);
}
