//! Registering players and joining hunts.

use serde_json::json;

use crate::helpers::{active_hunt, code, spawn_app};

const REGISTER: &str = "mutation($input: RegisterPlayerInput!) { registerPlayer(input: $input) { id handle displayName account { id } } }";

#[tokio::test]
async fn registering_creates_the_callers_player_and_me_returns_it() {
    let app = spawn_app().await;
    let token = app.token("acct-anne");
    let data = app
        .ok(
            Some(&token),
            REGISTER,
            json!({ "input": { "handle": "Anne_Bonny", "displayName": " Anne Bonny " } }),
        )
        .await;
    assert_eq!(data["registerPlayer"]["handle"], "Anne_Bonny");
    assert_eq!(data["registerPlayer"]["displayName"], "Anne Bonny");
    assert_eq!(data["registerPlayer"]["account"]["id"], "acct-anne");
    let me = app
        .ok(Some(&token), "{ me { id handle } }", json!({}))
        .await;
    assert_eq!(me["me"]["id"], data["registerPlayer"]["id"]);

    let anonymous = app.ok(None, "{ me { id } }", json!({})).await;
    assert!(anonymous["me"].is_null());
    let unregistered = app
        .ok(Some(&app.token("acct-other")), "{ me { id } }", json!({}))
        .await;
    assert!(unregistered["me"].is_null());
}

#[tokio::test]
async fn an_account_registers_one_player_and_handles_are_unique_in_any_case() {
    let app = spawn_app().await;
    let anne = app.token("acct-anne");
    app.register(&anne, "anne").await;
    let twice = app
        .gql(
            Some(&anne),
            REGISTER,
            json!({ "input": { "handle": "anne2", "displayName": "A" } }),
        )
        .await;
    assert_eq!(code(&twice), "CONFLICT");
    let taken = app
        .gql(
            Some(&app.token("acct-impostor")),
            REGISTER,
            json!({ "input": { "handle": "ANNE", "displayName": "B" } }),
        )
        .await;
    assert_eq!(code(&taken), "CONFLICT");
    assert!(
        taken["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("handle")
    );

    let found = app
        .ok(
            None,
            "{ player(handle: \"aNnE\") { handle account { id } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        found["player"],
        json!({ "handle": "anne", "account": { "id": "acct-anne" } })
    );
    let players = app
        .ok(None, "{ players { edges { node { handle } } } }", json!({}))
        .await;
    assert_eq!(players["players"]["edges"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn malformed_player_input_is_refused() {
    let app = spawn_app().await;
    let token = app.token("acct");
    for (input, field) in [
        (json!({ "handle": "ab", "displayName": "X" }), "handle"),
        (
            json!({ "handle": "no spaces", "displayName": "X" }),
            "handle",
        ),
        (
            json!({ "handle": "okay", "displayName": "   " }),
            "displayName",
        ),
        (
            json!({ "handle": "okay", "displayName": "n".repeat(101) }),
            "displayName",
        ),
    ] {
        let body = app
            .gql(Some(&token), REGISTER, json!({ "input": input }))
            .await;
        assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");
        assert_eq!(body["errors"][0]["extensions"]["field"], field);
    }
    assert_eq!(
        code(
            &app.gql(
                None,
                REGISTER,
                json!({ "input": { "handle": "okay", "displayName": "X" } })
            )
            .await
        ),
        "UNAUTHENTICATED"
    );
}

#[tokio::test]
async fn joining_needs_a_player_and_an_active_hunt_and_twice_changes_nothing() {
    let app = spawn_app().await;
    let fixture = active_hunt(&app, "open").await;
    let join = "mutation($id: ID!) { joinHunt(huntId: $id) { slug } }";
    let token = app.token("acct");
    let unregistered = app
        .gql(Some(&token), join, json!({ "id": fixture.hunt_id }))
        .await;
    assert_eq!(code(&unregistered), "FAILED_PRECONDITION");

    app.register(&token, "joiner").await;
    app.join(&token, &fixture.hunt_id).await;
    app.join(&token, &fixture.hunt_id).await;
    let data = app
        .ok(
            None,
            "query($id: ID!) { hunt(id: $id) { players { edges { node { handle hunts { slug } } } } } }",
            json!({ "id": fixture.hunt_id }),
        )
        .await;
    assert_eq!(
        data["hunt"]["players"]["edges"],
        json!([{ "node": { "handle": "joiner", "hunts": [{ "slug": "open" }] } }])
    );

    let draft = app.create_hunt(&fixture.organizer, "not-yet").await;
    assert_eq!(
        code(&app.gql(Some(&token), join, json!({ "id": draft })).await),
        "FAILED_PRECONDITION"
    );
    app.ok(
        Some(&fixture.organizer),
        "mutation($id: ID!) { endHunt(huntId: $id) { status } }",
        json!({ "id": fixture.hunt_id }),
    )
    .await;
    let late = app.token("late");
    app.register(&late, "latecomer").await;
    assert_eq!(
        code(
            &app.gql(Some(&late), join, json!({ "id": fixture.hunt_id }))
                .await
        ),
        "FAILED_PRECONDITION"
    );
}
