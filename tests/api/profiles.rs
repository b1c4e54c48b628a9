//! `Player.profile` against a real HTTP profiles service on loopback (an axum app whose behaviour each test
//! sets): batched, cached, de-duplicated, bounded in time, retried once, broken off when failing, and never
//! taking the rest of the response down.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Value, json};
use treasure_hunt::seed::generate::Spec;
use treasure_hunt::upstream::profiles::ProfilesConfig;

use crate::helpers::{TestApp, spawn_generated_app_with};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    Answer,
    /// Answers after this long.
    Slow(Duration),
    /// Answers once the test calls `release`.
    Held,
    /// Answers 503.
    Fail,
    /// Answers 500 once, then normally.
    FailOnce,
    /// Answers 200 with a body that is not JSON.
    Malformed,
}

/// The fake profiles service and what it saw.
#[derive(Clone)]
struct Upstream {
    url: String,
    calls: Arc<AtomicUsize>,
    batches: Arc<Mutex<Vec<Vec<String>>>>,
    mode: Arc<Mutex<Mode>>,
    /// What `Mode::Held` waits for.
    gate: Arc<tokio::sync::Semaphore>,
}

impl Upstream {
    async fn start(mode: Mode) -> Self {
        let state = Self {
            url: String::new(),
            calls: Arc::default(),
            batches: Arc::default(),
            mode: Arc::new(Mutex::new(mode)),
            gate: Arc::new(tokio::sync::Semaphore::new(0)),
        };
        let app = axum::Router::new()
            .route("/profiles", get(answer))
            .with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self { url, ..state }
    }

    fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }

    /// Lets every held call, and every later one, answer.
    fn release(&self) {
        self.gate.add_permits(1_000);
    }

    fn set(&self, mode: Mode) {
        *self.mode.lock().unwrap() = mode;
    }
}

async fn answer(
    State(upstream): State<Upstream>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let call = upstream.calls.fetch_add(1, Ordering::SeqCst);
    let ids: Vec<String> = query
        .get("ids")
        .map(|ids| ids.split(',').map(str::to_owned).collect())
        .unwrap_or_default();
    upstream.batches.lock().unwrap().push(ids.clone());
    let mode = *upstream.mode.lock().unwrap();
    match mode {
        Mode::Fail => return axum::http::StatusCode::SERVICE_UNAVAILABLE.into_response(),
        Mode::FailOnce if call == 0 => {
            return axum::http::StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
        Mode::Malformed => return "{\"not\": \"a list\"".into_response(),
        Mode::Slow(delay) => tokio::time::sleep(delay).await,
        Mode::Held => drop(upstream.gate.acquire().await),
        Mode::Answer | Mode::FailOnce => {}
    }
    // The service does not know account-7.
    let profiles: Vec<Value> = ids
        .iter()
        .filter(|id| id.as_str() != "account-7")
        .map(|id| json!({ "id": id, "displayName": format!("Profile {id}"), "avatarUrl": format!("https://img.example/{id}.png"), "country": "NL" }))
        .collect();
    axum::Json(profiles).into_response()
}

const PLAYERS: &str = "query($first: Int!) { players(first: $first) { edges { node { handle profile { displayName country } } } } }";

async fn app_with(
    upstream: &Upstream,
    players: u32,
    adjust: impl FnOnce(&mut ProfilesConfig),
) -> TestApp {
    let mut profiles = ProfilesConfig::new(upstream.url.clone());
    adjust(&mut profiles);
    spawn_generated_app_with(
        &Spec {
            hunts: 2,
            clues_per_hunt: 1,
            players,
            seed: 9,
        },
        move |config| {
            config.profiles = Some(profiles);
        },
    )
    .await
}

async fn players(app: &TestApp, first: i64) -> Value {
    app.gql(None, PLAYERS, json!({ "first": first })).await
}

/// Every handle is there whatever happened to the profiles: partial results, never a lost response.
fn assert_players_intact(body: &Value, count: usize) {
    let edges = body["data"]["players"]["edges"]
        .as_array()
        .unwrap_or_else(|| panic!("no players in {body}"));
    assert_eq!(edges.len(), count);
    assert!(edges.iter().all(|e| e["node"]["handle"].is_string()));
}

/// The profile errors of a response, each checked to be an `UPSTREAM_UNAVAILABLE` on a `profile` field.
fn profile_errors(body: &Value) -> usize {
    let errors = body["errors"].as_array().cloned().unwrap_or_default();
    for error in &errors {
        assert_eq!(
            error["extensions"]["code"], "UPSTREAM_UNAVAILABLE",
            "{error}"
        );
        assert_eq!(
            error["path"].as_array().unwrap().last().unwrap(),
            "profile",
            "{error}"
        );
    }
    errors.len()
}

#[tokio::test]
async fn a_hundred_profiles_cost_one_request_and_none_again_within_the_ttl() {
    let upstream = Upstream::start(Mode::Answer).await;
    let app = app_with(&upstream, 100, |_| {}).await;
    let body = players(&app, 100).await;
    assert!(body.get("errors").is_none(), "{body}");
    assert_eq!(upstream.calls(), 1);
    assert_eq!(upstream.batches.lock().unwrap()[0].len(), 100);
    let edges = body["data"]["players"]["edges"].as_array().unwrap();
    assert_eq!(
        edges[0]["node"]["profile"],
        json!({ "displayName": "Profile account-0", "country": "NL" })
    );
    assert!(
        edges[7]["node"]["profile"].is_null(),
        "an id the service does not know has no profile, and no error"
    );

    let again = players(&app, 100).await;
    assert_eq!(again, body);
    assert_eq!(upstream.calls(), 1, "served from the cache");
    assert_eq!(
        app.metric("upstream_requests_total{upstream=\"profiles\",outcome=\"ok\"}")
            .await,
        1.0
    );
}

#[tokio::test]
async fn large_batches_go_out_in_chunks_and_an_expired_cache_asks_again() {
    let upstream = Upstream::start(Mode::Answer).await;
    let app = app_with(&upstream, 100, |config| {
        config.batch_size = 40;
        config.cache_ttl = Duration::ZERO;
    })
    .await;
    assert!(players(&app, 100).await.get("errors").is_none());
    let sizes: Vec<usize> = upstream
        .batches
        .lock()
        .unwrap()
        .iter()
        .map(Vec::len)
        .collect();
    assert_eq!(sizes, vec![40, 40, 20]);
    players(&app, 100).await;
    assert_eq!(upstream.calls(), 6, "without a cache, every request asks");
}

#[tokio::test]
async fn concurrent_requests_for_the_same_profiles_share_one_call() {
    // Slow enough that the two requests surely overlap.
    let upstream = Upstream::start(Mode::Slow(Duration::from_millis(1_500))).await;
    let app = app_with(&upstream, 30, |config| {
        config.timeout = Duration::from_secs(10)
    })
    .await;
    let (a, b) = tokio::join!(players(&app, 30), players(&app, 30));
    assert!(a.get("errors").is_none() && b.get("errors").is_none());
    assert_eq!(a, b);
    assert_eq!(upstream.calls(), 1);
}

#[tokio::test]
async fn a_stalled_service_costs_at_most_the_timeout_and_only_the_profiles() {
    let upstream = Upstream::start(Mode::Slow(Duration::from_secs(30))).await;
    let app = app_with(&upstream, 10, |config| {
        config.timeout = Duration::from_millis(300)
    })
    .await;
    let started = Instant::now();
    let body = players(&app, 10).await;
    // A generous bound: without a timeout this would wait the full 30 seconds.
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    assert_players_intact(&body, 10);
    assert_eq!(profile_errors(&body), 10);
    assert_eq!(
        app.metric("upstream_requests_total{upstream=\"profiles\",outcome=\"timeout\"}")
            .await,
        1.0
    );
}

#[tokio::test]
async fn a_server_error_is_retried_once() {
    let upstream = Upstream::start(Mode::FailOnce).await;
    let app = app_with(&upstream, 10, |_| {}).await;
    let body = players(&app, 10).await;
    assert!(body.get("errors").is_none(), "{body}");
    assert_eq!(upstream.calls(), 2);
    assert_eq!(
        app.metric("upstream_requests_total{upstream=\"profiles\",outcome=\"server_error\"}")
            .await,
        1.0
    );
    assert_eq!(
        app.metric("upstream_requests_total{upstream=\"profiles\",outcome=\"ok\"}")
            .await,
        1.0
    );
}

#[tokio::test]
async fn the_breaker_opens_after_consecutive_failures_and_a_trial_closes_it() {
    let upstream = Upstream::start(Mode::Fail).await;
    // Long enough that the refused request surely comes before the cool-down ends, even on a busy machine.
    let cooldown = Duration::from_secs(2);
    let app = app_with(&upstream, 5, |config| {
        config.breaker_failures = 2;
        config.breaker_cooldown = cooldown;
    })
    .await;
    for _ in 0..2 {
        let body = players(&app, 5).await;
        assert_players_intact(&body, 5);
        assert_eq!(profile_errors(&body), 5);
    }
    assert_eq!(upstream.calls(), 4, "two calls, each retried once");
    assert_eq!(
        app.metric("upstream_circuit_open{upstream=\"profiles\"}")
            .await,
        1.0
    );

    let refused = players(&app, 5).await;
    assert_eq!(profile_errors(&refused), 5);
    assert_eq!(
        upstream.calls(),
        4,
        "an open circuit fails fast, without calling"
    );
    assert_eq!(
        app.metric("upstream_requests_total{upstream=\"profiles\",outcome=\"rejected\"}")
            .await,
        1.0
    );

    upstream.set(Mode::Answer);
    tokio::time::sleep(cooldown + Duration::from_millis(100)).await;
    let recovered = players(&app, 5).await;
    assert!(recovered.get("errors").is_none(), "{recovered}");
    assert_eq!(upstream.calls(), 5, "one trial call");
    assert_eq!(
        app.metric("upstream_circuit_open{upstream=\"profiles\"}")
            .await,
        0.0
    );
}

#[tokio::test]
async fn a_malformed_answer_is_an_upstream_failure_not_a_crash() {
    let upstream = Upstream::start(Mode::Malformed).await;
    let app = app_with(&upstream, 4, |_| {}).await;
    let body = players(&app, 4).await;
    assert_players_intact(&body, 4);
    assert_eq!(profile_errors(&body), 4);
    assert_eq!(upstream.calls(), 1, "a malformed answer is not retried");
    assert_eq!(
        app.ok(None, "{ __typename }", json!({})).await,
        json!({ "__typename": "Query" })
    );
}

#[tokio::test]
async fn without_a_profiles_service_profiles_are_null_without_errors() {
    let app = spawn_generated_app_with(
        &Spec {
            hunts: 1,
            clues_per_hunt: 1,
            players: 3,
            seed: 9,
        },
        |_| {},
    )
    .await;
    let body = players(&app, 3).await;
    assert!(body.get("errors").is_none(), "{body}");
    assert!(
        body["data"]["players"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["node"]["profile"].is_null())
    );
}

/// The app serving 3 players with profiles from `upstream`, executing at most `slots` operations at once.
async fn app_with_slots(upstream: &Upstream, slots: usize) -> TestApp {
    let mut profiles = ProfilesConfig::new(upstream.url.clone());
    // Long enough that the held call is released, not timed out, however slow the machine.
    profiles.timeout = Duration::from_secs(60);
    spawn_generated_app_with(
        &Spec {
            hunts: 2,
            clues_per_hunt: 1,
            players: 3,
            seed: 9,
        },
        move |config| {
            config.profiles = Some(profiles);
            config.limits.max_concurrent_operations = slots;
        },
    )
    .await
}

const HUNT_SLUGS: &str = "{ hunts(first: 5) { edges { node { slug } } } }";

/// Waits until `upstream` has been called.
async fn until_called(upstream: &Upstream) {
    tokio::time::timeout(Duration::from_secs(10), async {
        while upstream.calls() == 0 {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await
    .expect("the first operation never called the profiles service");
}

/// The second operation is answered while the first still waits on the profiles service, which is released
/// only afterwards: an operation that held its slot while it waits would deadlock this, caught by the timeout.
async fn an_operation_runs_while_another_waits_upstream(slots: usize) {
    let upstream = Upstream::start(Mode::Held).await;
    let app = app_with_slots(&upstream, slots).await;
    let first = players(&app, 3);
    let second = async {
        until_called(&upstream).await;
        let answered =
            tokio::time::timeout(Duration::from_secs(10), app.ok(None, HUNT_SLUGS, json!({})))
                .await;
        upstream.release();
        answered.expect("the second operation waited for the first")
    };
    let (first, second) = tokio::join!(first, second);
    assert_players_intact(&first, 3);
    assert!(first.get("errors").is_none(), "{first}");
    assert_eq!(second["hunts"]["edges"].as_array().map(Vec::len), Some(2));
    assert_eq!(app.metric("graphql_operations_queued").await, 0.0);
}

#[tokio::test]
async fn an_operation_waiting_on_the_profiles_service_gives_up_its_execution_slot() {
    an_operation_runs_while_another_waits_upstream(1).await;
}

#[tokio::test]
async fn with_no_limit_an_operation_runs_while_another_waits_upstream() {
    an_operation_runs_while_another_waits_upstream(0).await;
}
