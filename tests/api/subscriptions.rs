//! Subscriptions over WebSocket with a real client (tokio-tungstenite): both protocols, authentication in
//! `connection_init`, riddles that stay hidden, limits, keep-alive, and events crossing replicas.

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::helpers::{TestApp, active_hunt, spawn_app, spawn_app_with, spawn_replicas};

const MODERN: &str = "graphql-transport-ws";
const LEGACY: &str = "graphql-ws";

const EVENTS: &str = "subscription($hunt: ID!) { huntEvents(huntId: $hunt) {
    __typename
    ... on ClueSolvedEvent { points player { handle } clue { position riddle } }
    ... on PlayerJoinedEvent { player { handle } }
    ... on LeaderboardChangedEvent { top(first: 3) { rank score player { handle } } }
    ... on HuntStatusChangedEvent { status }
} }";

/// Waits until `app` holds `count` subscriptions, so that an event published next is one they get.
async fn subscribed(app: &TestApp, count: usize) {
    let wanted = format!("graphql_subscriptions_active {count}\n");
    for _ in 0..200 {
        if app.metrics().await.contains(&wanted) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the server never held {count} subscriptions");
}

/// A GraphQL WebSocket client.
struct Client {
    socket: WebSocketStream<MaybeTlsStream<TcpStream>>,
    protocol: &'static str,
}

impl Client {
    /// Connects and sends `connection_init` with `payload`; does not wait for the answer.
    async fn open(app: &TestApp, protocol: &'static str, payload: Value) -> Self {
        let url = app.url("/graphql").replacen("http", "ws", 1);
        let mut request = url.into_client_request().unwrap();
        request
            .headers_mut()
            .insert("sec-websocket-protocol", protocol.parse().unwrap());
        let (socket, response) = tokio_tungstenite::connect_async(request).await.unwrap();
        assert_eq!(response.headers()["sec-websocket-protocol"], protocol);
        let mut client = Self { socket, protocol };
        client
            .send(json!({ "type": "connection_init", "payload": payload }))
            .await;
        client
    }

    /// Connects and waits for `connection_ack`.
    async fn connect(app: &TestApp, protocol: &'static str, token: Option<&str>) -> Self {
        let payload = match token {
            Some(token) => json!({ "Authorization": format!("Bearer {token}") }),
            None => json!({}),
        };
        let mut client = Self::open(app, protocol, payload).await;
        let ack = client.message().await;
        assert_eq!(ack["type"], "connection_ack", "{ack}");
        client
    }

    async fn send(&mut self, message: Value) {
        self.socket
            .send(Message::Text(message.to_string().into()))
            .await
            .unwrap();
    }

    async fn subscribe(&mut self, id: &str, query: &str, variables: Value) {
        let kind = if self.protocol == MODERN {
            "subscribe"
        } else {
            "start"
        };
        self.send(json!({ "id": id, "type": kind, "payload": { "query": query, "variables": variables } }))
            .await;
    }

    /// The next GraphQL message, skipping keep-alives; fails the test after 10 s.
    async fn message(&mut self) -> Value {
        loop {
            let next = tokio::time::timeout(Duration::from_secs(10), self.socket.next())
                .await
                .expect("a message within 10 s")
                .expect("the connection is open")
                .unwrap();
            match next {
                Message::Text(text) => {
                    let message: Value = serde_json::from_str(&text).unwrap();
                    if message["type"] != "ka" {
                        return message;
                    }
                }
                Message::Close(frame) => panic!("closed: {frame:?}"),
                _ => {}
            }
        }
    }

    /// The payload of the next `next`/`data` message of subscription `id`.
    async fn payload(&mut self, id: &str) -> Value {
        let message = self.message().await;
        let kind = if self.protocol == MODERN {
            "next"
        } else {
            "data"
        };
        assert_eq!(message["type"], kind, "{message}");
        assert_eq!(message["id"], id, "{message}");
        message["payload"].clone()
    }

    /// Whether the server ends the connection within 10 s (with a close frame, or by dropping it).
    async fn closed(&mut self) -> bool {
        loop {
            match tokio::time::timeout(Duration::from_secs(10), self.socket.next()).await {
                Ok(Some(Ok(Message::Close(_))) | Some(Err(_)) | None) => return true,
                Ok(Some(Ok(_))) => {}
                Err(_) => return false,
            }
        }
    }

    /// The `extensions.code` of the first error of the next message (a subscription refused as it starts).
    async fn refusal(&mut self, id: &str) -> String {
        let message = self.message().await;
        assert_eq!(message["id"], id, "{message}");
        let errors = if message["type"] == "error" {
            &message["payload"]
        } else {
            &message["payload"]["errors"]
        };
        errors[0]["extensions"]["code"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// The close frame the server ends the connection with.
    async fn close_code(&mut self) -> Option<CloseCode> {
        loop {
            match tokio::time::timeout(Duration::from_secs(10), self.socket.next()).await {
                Ok(Some(Ok(Message::Close(frame)))) => return frame.map(|f| f.code),
                Ok(Some(Ok(_))) => {}
                _ => return None,
            }
        }
    }
}

#[tokio::test]
async fn a_solve_reaches_subscribers_with_the_leaderboard_over_both_protocols() {
    let app = spawn_app().await;
    let fixture = active_hunt(&app, "live").await;
    let mut modern = Client::connect(&app, MODERN, None).await;
    let mut legacy = Client::connect(&app, LEGACY, None).await;
    for client in [&mut modern, &mut legacy] {
        client
            .subscribe("1", EVENTS, json!({ "hunt": fixture.hunt_id }))
            .await;
    }
    subscribed(&app, 2).await;
    let anne = app.token("anne");
    app.register(&anne, "anne").await;
    app.join(&anne, &fixture.hunt_id).await;
    for client in [&mut modern, &mut legacy] {
        let joined = client.payload("1").await;
        assert_eq!(
            joined["data"]["huntEvents"]["__typename"], "PlayerJoinedEvent",
            "{joined}"
        );
        assert_eq!(joined["data"]["huntEvents"]["player"]["handle"], "anne");
        let board = client.payload("1").await;
        assert_eq!(board["data"]["huntEvents"]["top"][0]["score"], 0, "{board}");
    }

    let answered = app.submit(&anne, &fixture.clue_ids[0], "one").await;
    assert_eq!(answered["data"]["submitAnswer"]["correct"], true);
    for client in [&mut modern, &mut legacy] {
        let solved = client.payload("1").await;
        let event = &solved["data"]["huntEvents"];
        assert_eq!(event["__typename"], "ClueSolvedEvent", "{solved}");
        assert_eq!(event["points"], 10);
        assert_eq!(event["player"]["handle"], "anne");
        assert_eq!(event["clue"]["position"], 1);
        let board = client.payload("1").await;
        assert_eq!(
            board["data"]["huntEvents"]["top"],
            json!([{ "rank": 1, "score": 10, "player": { "handle": "anne" } }])
        );
    }

    // A wrong answer changes nothing: the next event is the hunt ending.
    app.submit(&anne, &fixture.clue_ids[1], "wrong").await;
    app.ok(
        Some(&fixture.organizer),
        "mutation($id: ID!) { endHunt(huntId: $id) { status } }",
        json!({ "id": fixture.hunt_id }),
    )
    .await;
    for client in [&mut modern, &mut legacy] {
        let ended = client.payload("1").await;
        assert_eq!(ended["data"]["huntEvents"]["status"], "ENDED", "{ended}");
    }
}

#[tokio::test]
async fn riddles_in_events_follow_each_subscribers_own_rights() {
    let app = spawn_app().await;
    let fixture = active_hunt(&app, "secretive").await;
    let anne = app.token("anne");
    app.register(&anne, "anne").await;
    app.join(&anne, &fixture.hunt_id).await;
    app.submit(&anne, &fixture.clue_ids[0], "one").await;

    let mut stranger = Client::connect(&app, MODERN, None).await;
    let mut organizer = Client::connect(&app, MODERN, Some(&fixture.organizer)).await;
    for client in [&mut stranger, &mut organizer] {
        client
            .subscribe("s", EVENTS, json!({ "hunt": fixture.hunt_id }))
            .await;
    }
    subscribed(&app, 2).await;
    app.submit(&anne, &fixture.clue_ids[1], "two").await;
    let seen_by_stranger = stranger.payload("s").await;
    assert_eq!(
        seen_by_stranger["data"]["huntEvents"]["clue"]["position"],
        2
    );
    assert!(
        seen_by_stranger["data"]["huntEvents"]["clue"]["riddle"].is_null(),
        "clue 2 is locked for a stranger: {seen_by_stranger}"
    );
    let seen_by_organizer = organizer.payload("s").await;
    assert!(
        seen_by_organizer["data"]["huntEvents"]["clue"]["riddle"]
            .as_str()
            .unwrap()
            .starts_with("Riddle"),
        "{seen_by_organizer}"
    );
}

#[tokio::test]
async fn the_leaderboard_subscription_sends_the_current_ranking_then_each_change() {
    let app = spawn_app().await;
    let fixture = active_hunt(&app, "ranked").await;
    let anne = app.token("anne");
    app.register(&anne, "anne").await;
    app.join(&anne, &fixture.hunt_id).await;

    let mut client = Client::connect(&app, MODERN, None).await;
    client
        .subscribe(
            "lb",
            "subscription($hunt: ID!) { leaderboard(huntId: $hunt, first: 5) { rank score player { handle } } }",
            json!({ "hunt": fixture.hunt_id }),
        )
        .await;
    let now = client.payload("lb").await;
    assert_eq!(
        now["data"]["leaderboard"],
        json!([{ "rank": 1, "score": 0, "player": { "handle": "anne" } }])
    );
    app.submit(&anne, &fixture.clue_ids[0], "one").await;
    let after = client.payload("lb").await;
    assert_eq!(after["data"]["leaderboard"][0]["score"], 10, "{after}");
}

#[tokio::test]
async fn bad_tokens_are_refused_in_connection_init_and_drafts_cannot_be_watched() {
    let app = spawn_app().await;
    let mut forged = Client::open(
        &app,
        MODERN,
        json!({ "Authorization": "Bearer not.a.token" }),
    )
    .await;
    assert_eq!(forged.close_code().await, Some(CloseCode::from(4403)));

    let organizer = app.organizer_token("org");
    let draft = app.create_hunt(&organizer, "hidden").await;
    let mut stranger = Client::connect(&app, MODERN, Some(&app.token("someone"))).await;
    stranger
        .subscribe("d", EVENTS, json!({ "hunt": draft }))
        .await;
    assert_eq!(stranger.refusal("d").await, "FORBIDDEN");

    let mut owner = Client::connect(&app, MODERN, Some(&organizer)).await;
    owner.subscribe("d", EVENTS, json!({ "hunt": draft })).await;
    subscribed(&app, 1).await;
    app.add_clue(&organizer, &draft, "x", 5).await;
    app.start_hunt(&organizer, &draft).await;
    let started = owner.payload("d").await;
    assert_eq!(
        started["data"]["huntEvents"]["status"], "ACTIVE",
        "{started}"
    );
}

#[tokio::test]
async fn subscriptions_per_connection_are_capped() {
    let app = spawn_app_with(|config| config.subscriptions.max_per_connection = 1).await;
    let fixture = active_hunt(&app, "capped").await;
    let mut client = Client::connect(&app, MODERN, None).await;
    client
        .subscribe("1", EVENTS, json!({ "hunt": fixture.hunt_id }))
        .await;
    client
        .subscribe("2", EVENTS, json!({ "hunt": fixture.hunt_id }))
        .await;
    assert_eq!(client.refusal("2").await, "TOO_MANY_SUBSCRIPTIONS");
    let metrics = app.metrics().await;
    assert!(
        metrics.contains("graphql_subscriptions_active 1\n"),
        "{metrics}"
    );
}

#[tokio::test]
async fn a_connection_that_stops_answering_pings_is_closed_and_a_live_one_is_kept() {
    let app = spawn_app_with(|config| {
        config.subscriptions.ping_interval = Duration::from_millis(100);
        config.subscriptions.idle_timeout = Duration::from_millis(400);
    })
    .await;
    let fixture = active_hunt(&app, "pinged").await;
    let mut silent = Client::connect(&app, MODERN, None).await;
    let mut live = Client::connect(&app, MODERN, None).await;
    live.subscribe("1", EVENTS, json!({ "hunt": fixture.hunt_id }))
        .await;
    subscribed(&app, 1).await;
    // `live` reads (and so answers pings) for a while; `silent` reads nothing, so it sends no pongs.
    let deadline = tokio::time::Instant::now() + Duration::from_millis(1_200);
    while let Ok(Some(message)) = tokio::time::timeout_at(deadline, live.socket.next()).await {
        assert!(
            !matches!(message, Ok(Message::Close(_))),
            "the live connection was closed"
        );
    }
    assert!(
        silent.closed().await,
        "the silent connection was not closed"
    );
    let anne = app.token("anne");
    app.register(&anne, "anne").await;
    app.join(&anne, &fixture.hunt_id).await;
    let joined = live.payload("1").await;
    assert_eq!(
        joined["data"]["huntEvents"]["__typename"],
        "PlayerJoinedEvent"
    );
}

#[tokio::test]
async fn a_solve_on_one_replica_reaches_a_subscriber_on_another_process() {
    let Some((a, b)) = spawn_replicas().await else {
        eprintln!("skipped: replicas need PostgreSQL (TEST_DATABASE_URL)");
        return;
    };
    let fixture = active_hunt(&a, "shared").await;
    let anne = a.token("anne");
    a.register(&anne, "anne").await;
    a.join(&anne, &fixture.hunt_id).await;
    let mut on_b = Client::connect(&b, MODERN, None).await;
    on_b.subscribe("x", EVENTS, json!({ "hunt": fixture.hunt_id }))
        .await;
    subscribed(&b, 1).await;
    let started = std::time::Instant::now();
    a.submit(&anne, &fixture.clue_ids[0], "one").await;
    let solved = on_b.payload("x").await;
    assert_eq!(
        solved["data"]["huntEvents"]["__typename"], "ClueSolvedEvent",
        "{solved}"
    );
    assert_eq!(solved["data"]["huntEvents"]["player"]["handle"], "anne");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn server_sent_events_carry_a_subscription_to_clients_without_websocket() {
    let app = spawn_app().await;
    let fixture = active_hunt(&app, "streamed").await;
    let mut response = app
        .client
        .post(app.url("/graphql"))
        .header("accept", "text/event-stream")
        .json(&json!({ "query": EVENTS, "variables": { "hunt": fixture.hunt_id } }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/event-stream")
    );
    subscribed(&app, 1).await;
    let anne = app.token("anne");
    app.register(&anne, "anne").await;
    app.join(&anne, &fixture.hunt_id).await;

    let mut text = String::new();
    let event = loop {
        let chunk = tokio::time::timeout(Duration::from_secs(10), response.chunk())
            .await
            .expect("an event within 10 s")
            .unwrap()
            .expect("the stream is open");
        text.push_str(std::str::from_utf8(&chunk).unwrap());
        if let Some(end) = text.find("\n\n") {
            let event = text[..end].to_owned();
            text.drain(..end + 2);
            // On PostgreSQL the fixture's own `start_hunt` notification can reach this replica's bus after the
            // subscription began: it is an earlier event, not the one under test.
            if event.starts_with("event: next") && !event.contains("HuntStatusChangedEvent") {
                break event;
            }
        }
    };
    let data = event
        .lines()
        .find_map(|l| l.strip_prefix("data: "))
        .unwrap();
    let payload: Value = serde_json::from_str(data).unwrap();
    assert_eq!(
        payload["data"]["huntEvents"]["__typename"], "PlayerJoinedEvent",
        "{payload}"
    );
    drop(response);
    subscribed(&app, 0).await;

    // A query over the same transport: one `next`, then `complete`.
    let body = app
        .client
        .post(app.url("/graphql"))
        .header("accept", "text/event-stream")
        .json(&json!({ "query": "{ __typename }" }))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        body.contains("event: next\ndata: {\"data\":{\"__typename\":\"Query\"}}"),
        "{body}"
    );
    assert!(body.contains("event: complete"), "{body}");
}
