//! Submitting answers: scoring, normalisation, once-only scoring, refusals, and the answer never leaking.

use serde_json::{Value, json};

use crate::helpers::{active_hunt, code, spawn_app, spawn_app_with};

async fn joined_player(app: &crate::helpers::TestApp, account: &str, hunt_id: &str) -> String {
    let token = app.token(account);
    app.register(&token, account).await;
    app.join(&token, hunt_id).await;
    token
}

async fn score(app: &crate::helpers::TestApp, token: &str, hunt_id: &str) -> Value {
    app.ok(
        Some(token),
        "query($h: ID!) { me { score(huntId: $h) total: score solves { points } } }",
        json!({ "h": hunt_id }),
    )
    .await["me"]
        .clone()
}

#[tokio::test]
async fn the_right_answer_scores_the_clues_points_and_unlocks_the_next() {
    let app = spawn_app().await;
    let fixture = active_hunt(&app, "trail").await;
    let token = joined_player(&app, "anne", &fixture.hunt_id).await;

    let body = app.submit(&token, &fixture.clue_ids[0], "one").await;
    let result = &body["data"]["submitAnswer"];
    assert_eq!(result["correct"], true);
    assert_eq!(result["pointsAwarded"], 10);
    assert_eq!(result["attemptsLeft"], 5, "a right answer uses no attempt");
    assert_eq!(result["clue"]["position"], 1);
    assert_eq!(result["nextClue"]["id"], fixture.clue_ids[1].as_str());
    assert_eq!(result["nextClue"]["unlocked"], true);
    assert!(result["nextClue"]["riddle"].is_string());
    assert_eq!(score(&app, &token, &fixture.hunt_id).await["score"], 10);
}

#[tokio::test]
async fn answers_match_ignoring_case_spacing_and_unicode_forms() {
    let app = spawn_app().await;
    let organizer = app.organizer_token("org");
    let hunt = app.create_hunt(&organizer, "unicode").await;
    let first = app.add_clue(&organizer, &hunt, "Skull  Rock", 10).await;
    let second = app.add_clue(&organizer, &hunt, "Café", 10).await;
    app.start_hunt(&organizer, &hunt).await;
    let token = joined_player(&app, "anne", &hunt).await;
    assert_eq!(
        app.submit(&token, &first, "  sKuLL\trock ").await["data"]["submitAnswer"]["correct"],
        true
    );
    // Fullwidth letters and a decomposed é are the same answer after NFKC.
    assert_eq!(
        app.submit(&token, &second, "ＣＡＦE\u{301}").await["data"]["submitAnswer"]["correct"],
        true
    );
}

#[tokio::test]
async fn a_wrong_answer_scores_nothing_and_unlocks_nothing() {
    let app = spawn_app().await;
    let fixture = active_hunt(&app, "trail").await;
    let token = joined_player(&app, "anne", &fixture.hunt_id).await;
    let body = app.submit(&token, &fixture.clue_ids[0], "two").await;
    assert_eq!(body["data"]["submitAnswer"]["correct"], false);
    assert_eq!(body["data"]["submitAnswer"]["pointsAwarded"], 0);
    assert_eq!(body["data"]["submitAnswer"]["nextClue"]["unlocked"], false);
    assert!(body["data"]["submitAnswer"]["nextClue"]["riddle"].is_null());
    assert_eq!(score(&app, &token, &fixture.hunt_id).await["score"], 0);
}

#[tokio::test]
async fn submitting_the_right_answer_twice_scores_once() {
    let app = spawn_app().await;
    let fixture = active_hunt(&app, "trail").await;
    let token = joined_player(&app, "anne", &fixture.hunt_id).await;
    let first = app.submit(&token, &fixture.clue_ids[0], "one").await;
    let second = app.submit(&token, &fixture.clue_ids[0], "ONE").await;
    assert_eq!(first["data"]["submitAnswer"]["pointsAwarded"], 10);
    assert_eq!(second["data"]["submitAnswer"]["correct"], true);
    assert_eq!(second["data"]["submitAnswer"]["pointsAwarded"], 0);
    let me = score(&app, &token, &fixture.hunt_id).await;
    assert_eq!(me["score"], 10);
    assert_eq!(me["solves"], json!([{ "points": 10 }]));
}

#[tokio::test]
async fn concurrent_right_answers_by_one_player_score_exactly_once() {
    let app = spawn_app().await;
    let fixture = active_hunt(&app, "race").await;
    let token = joined_player(&app, "anne", &fixture.hunt_id).await;
    let submissions = (0..8).map(|_| app.submit(&token, &fixture.clue_ids[0], "one"));
    let results = futures::future::join_all(submissions).await;
    // Attempts count while they are being checked, so a flood this size may be partly rate-limited; whatever
    // got through was right, and the clue scored once.
    let mut awarded = 0;
    for result in &results {
        if code(result) == "RATE_LIMITED" {
            continue;
        }
        assert_eq!(result["data"]["submitAnswer"]["correct"], true, "{result}");
        awarded += result["data"]["submitAnswer"]["pointsAwarded"]
            .as_i64()
            .unwrap();
    }
    assert_eq!(awarded, 10);
    assert_eq!(score(&app, &token, &fixture.hunt_id).await["score"], 10);
}

#[tokio::test]
async fn a_locked_clue_cannot_be_answered() {
    let app = spawn_app().await;
    let fixture = active_hunt(&app, "trail").await;
    let token = joined_player(&app, "anne", &fixture.hunt_id).await;
    let body = app.submit(&token, &fixture.clue_ids[2], "three").await;
    assert_eq!(code(&body), "FORBIDDEN");
    assert_eq!(score(&app, &token, &fixture.hunt_id).await["score"], 0);
}

#[tokio::test]
async fn answers_need_a_signed_in_joined_player_an_active_hunt_and_some_text() {
    let app = spawn_app().await;
    let fixture = active_hunt(&app, "trail").await;
    let clue = &fixture.clue_ids[0];
    assert_eq!(
        code(&app.submit("not-a-token", clue, "one").await),
        "UNAUTHENTICATED"
    );

    let stranger = app.token("stranger");
    assert_eq!(
        code(&app.submit(&stranger, clue, "one").await),
        "FAILED_PRECONDITION",
        "not registered"
    );
    app.register(&stranger, "stranger").await;
    assert_eq!(
        code(&app.submit(&stranger, clue, "one").await),
        "FAILED_PRECONDITION",
        "not joined"
    );

    let token = joined_player(&app, "anne", &fixture.hunt_id).await;
    assert_eq!(
        code(&app.submit(&token, clue, "   ").await),
        "BAD_USER_INPUT"
    );
    assert_eq!(
        code(&app.submit(&token, clue, &"a".repeat(10_000)).await),
        "BAD_USER_INPUT"
    );
    assert_eq!(
        code(&app.submit(&token, "bogus", "one").await),
        "BAD_USER_INPUT"
    );
    let missing =
        treasure_hunt::graphql::id::encode(treasure_hunt::graphql::id::Kind::Clue, 424_242);
    assert_eq!(
        code(&app.submit(&token, &missing, "one").await),
        "NOT_FOUND"
    );

    app.ok(
        Some(&fixture.organizer),
        "mutation($id: ID!) { endHunt(huntId: $id) { status } }",
        json!({ "id": fixture.hunt_id }),
    )
    .await;
    assert_eq!(
        code(&app.submit(&token, clue, "one").await),
        "FAILED_PRECONDITION",
        "ended"
    );
    assert_eq!(score(&app, &token, &fixture.hunt_id).await["score"], 0);
}

#[tokio::test]
async fn the_answer_never_appears_in_any_response() {
    let app = spawn_app().await;
    let organizer = app.organizer_token("org");
    let hunt = app.create_hunt(&organizer, "secretive").await;
    let secret = "xyzzy plugh";
    let clue = app.add_clue(&organizer, &hunt, secret, 10).await;
    app.start_hunt(&organizer, &hunt).await;
    let token = joined_player(&app, "anne", &hunt).await;

    let mut bodies = vec![
        app.submit(&token, &clue, secret).await,
        app.submit(&token, &clue, "wrong").await,
    ];
    for who in [None, Some(organizer.as_str()), Some(token.as_str())] {
        bodies.push(
            app.gql(
                who,
                "query($h: ID!, $c: ID!) {
                    hunt(id: $h) { clues { id title riddle points solves { player { handle } } } }
                    clue(id: $c) { title riddle }
                    __type(name: \"Clue\") { fields { name } }
                }",
                json!({ "h": hunt, "c": clue }),
            )
            .await,
        );
    }
    for body in &bodies {
        let text = body.to_string().to_lowercase();
        assert!(!text.contains("xyzzy"), "the answer leaked: {text}");
        assert!(!text.contains("argon2"), "the answer's hash leaked: {text}");
    }
    let fields = &bodies.last().unwrap()["data"]["__type"]["fields"];
    assert!(
        !fields.to_string().to_lowercase().contains("answer"),
        "{fields}"
    );
}

fn limited(max_wrong: u32, window_ms: u64) -> impl FnOnce(&mut treasure_hunt::config::ServeConfig) {
    move |config| {
        config.limits.wrong_answers = treasure_hunt::game::answers::AttemptLimit {
            max_wrong,
            window: std::time::Duration::from_millis(window_ms),
        }
    }
}

#[tokio::test]
async fn wrong_answers_are_rate_limited_per_player_and_clue_until_the_window_passes() {
    // A window long enough to hold every refusal below, even on a busy machine.
    let app = spawn_app_with(limited(3, 5_000)).await;
    let fixture = active_hunt(&app, "guessing").await;
    let anne = joined_player(&app, "anne", &fixture.hunt_id).await;
    let clue = &fixture.clue_ids[0];
    for left in [2, 1, 0] {
        let body = app.submit(&anne, clue, "guess").await;
        assert_eq!(body["data"]["submitAnswer"]["attemptsLeft"], left, "{body}");
    }
    let refused = app.submit(&anne, clue, "guess").await;
    assert_eq!(code(&refused), "RATE_LIMITED");
    assert!(
        refused["errors"][0]["extensions"]["retryAfter"]
            .as_u64()
            .unwrap()
            >= 1,
        "{refused}"
    );
    let right_but_limited = app.submit(&anne, clue, "one").await;
    assert_eq!(
        code(&right_but_limited),
        "RATE_LIMITED",
        "no answer is checked while limited"
    );
    assert_eq!(score(&app, &anne, &fixture.hunt_id).await["score"], 0);

    // Other players, and nobody else's clue, are unaffected.
    let bob = joined_player(&app, "bob", &fixture.hunt_id).await;
    assert_eq!(
        app.submit(&bob, clue, "guess").await["data"]["submitAnswer"]["attemptsLeft"],
        2
    );

    tokio::time::sleep(std::time::Duration::from_millis(5_100)).await;
    let later = app.submit(&anne, clue, "one").await;
    assert_eq!(
        later["data"]["submitAnswer"]["pointsAwarded"], 10,
        "{later}"
    );
}

#[tokio::test]
async fn parallel_guesses_get_no_more_than_the_allowed_wrong_answers() {
    let app = spawn_app_with(limited(4, 60_000)).await;
    let fixture = active_hunt(&app, "flood").await;
    let anne = joined_player(&app, "anne", &fixture.hunt_id).await;
    let guesses = (0..12).map(|i| {
        app.submit(
            &anne,
            &fixture.clue_ids[0],
            if i % 2 == 0 { "a" } else { "b" },
        )
    });
    let results = futures::future::join_all(guesses).await;
    let checked = results
        .iter()
        .filter(|r| r["data"]["submitAnswer"]["correct"] == false)
        .count();
    let refused = results.iter().filter(|r| code(r) == "RATE_LIMITED").count();
    assert_eq!(checked + refused, 12);
    assert!(checked <= 4, "{checked} wrong answers were checked");
}
