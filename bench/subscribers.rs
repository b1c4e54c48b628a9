//! Subscription load: holds many WebSocket subscribers on one replica and measures, for each solve made over
//! HTTP (on the same or another replica), the time until every subscriber has the event.
//!
//!     cargo run --release --example subscribers -- --subscribe http://127.0.0.1:8080 --secret S
//!
//! `bench/subscriptions.py` starts the servers (SQLite: one; PostgreSQL: two replicas) and runs this.

#![allow(clippy::expect_used, clippy::unwrap_used)] // A benchmark client: any failure ends the run, loudly.

use std::time::{Duration, Instant};

use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use treasure_hunt::auth::JwtKeys;

struct Args {
    subscribe: String,
    publish: String,
    secret: String,
    subscribers: usize,
    events: usize,
}

fn args() -> Args {
    let mut args = Args {
        subscribe: "http://127.0.0.1:8080".into(),
        publish: String::new(),
        secret: treasure_hunt::auth::DEVELOPMENT_SECRET.into(),
        subscribers: 1_000,
        events: 20,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().unwrap_or_default();
        match flag.as_str() {
            "--subscribe" => args.subscribe = value,
            "--publish" => args.publish = value,
            "--secret" => args.secret = value,
            "--subscribers" => args.subscribers = value.parse().unwrap_or(args.subscribers),
            "--events" => args.events = value.parse().unwrap_or(args.events),
            other => panic!("unknown flag {other}"),
        }
    }
    if args.publish.is_empty() {
        args.publish = args.subscribe.clone();
    }
    args
}

async fn gql(
    http: &reqwest::Client,
    url: &str,
    token: &str,
    query: &str,
    variables: Value,
) -> Value {
    let body: Value = http
        .post(format!("{url}/graphql"))
        .bearer_auth(token)
        .json(&json!({ "query": query, "variables": variables }))
        .send()
        .await
        .and_then(reqwest::Response::error_for_status)
        .expect("the server answers")
        .json()
        .await
        .expect("JSON");
    assert!(body.get("errors").is_none(), "{body}");
    body["data"].clone()
}

async fn active_subscriptions(http: &reqwest::Client, url: &str) -> usize {
    let text = http
        .get(format!("{url}/metrics"))
        .send()
        .await
        .expect("metrics")
        .text()
        .await
        .expect("text");
    text.lines()
        .find_map(|l| l.strip_prefix("graphql_subscriptions_active "))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(0)
}

/// One subscriber: reports the arrival time of each `ClueSolvedEvent`.
async fn subscriber(url: String, hunt: String, arrivals: mpsc::UnboundedSender<Instant>) {
    let mut request = url.into_client_request().expect("request");
    request.headers_mut().insert(
        "sec-websocket-protocol",
        "graphql-transport-ws".parse().expect("header"),
    );
    let (mut socket, _) = tokio_tungstenite::connect_async(request)
        .await
        .expect("connect");
    let init = json!({ "type": "connection_init", "payload": {} });
    socket
        .send(Message::Text(init.to_string().into()))
        .await
        .expect("init");
    let subscribe = json!({ "id": "1", "type": "subscribe", "payload": {
        "query": "subscription($hunt: ID!) { huntEvents(huntId: $hunt) { __typename ... on ClueSolvedEvent { points } } }",
        "variables": { "hunt": hunt },
    } });
    while let Some(Ok(message)) = socket.next().await {
        let Message::Text(text) = message else {
            continue;
        };
        let message: Value = serde_json::from_str(&text).expect("JSON");
        match message["type"].as_str() {
            Some("connection_ack") => {
                socket
                    .send(Message::Text(subscribe.to_string().into()))
                    .await
                    .expect("subscribe");
            }
            Some("next")
                if message["payload"]["data"]["huntEvents"]["__typename"] == "ClueSolvedEvent"
                    && arrivals.send(Instant::now()).is_err() =>
            {
                return;
            }
            _ => {}
        }
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

#[tokio::main]
async fn main() {
    let args = args();
    let keys = JwtKeys::hs256(&args.secret);
    let organizer = keys
        .mint(
            "bench-organizer",
            Some("organizer"),
            Duration::from_secs(3600),
        )
        .expect("token");
    let player = keys
        .mint("bench-player", None, Duration::from_secs(3600))
        .expect("token");
    let http = reqwest::Client::new();
    let slug = format!("bench-{}", rand::random::<u32>());
    let hunt = gql(
        &http,
        &args.publish,
        &organizer,
        "mutation($s: String!) { createHunt(input: { slug: $s, title: \"Bench\" }) { id } }",
        json!({ "s": slug }),
    )
    .await["createHunt"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let mut clues = Vec::new();
    for i in 0..args.events {
        let data = gql(&http, &args.publish, &organizer, "mutation($h: ID!, $a: String!) { addClue(input: { huntId: $h, title: \"c\", riddle: \"r\", answer: $a, points: 1 }) { id } }", json!({ "h": hunt, "a": format!("a{i}") })).await;
        clues.push(data["addClue"]["id"].as_str().expect("id").to_owned());
    }
    gql(
        &http,
        &args.publish,
        &organizer,
        "mutation($h: ID!) { startHunt(huntId: $h) { id } }",
        json!({ "h": hunt }),
    )
    .await;
    gql(&http, &args.publish, &player, "mutation { registerPlayer(input: { handle: \"bench_player\", displayName: \"B\" }) { id } }", json!({})).await;
    gql(
        &http,
        &args.publish,
        &player,
        "mutation($h: ID!) { joinHunt(huntId: $h) { id } }",
        json!({ "h": hunt }),
    )
    .await;

    let before = active_subscriptions(&http, &args.subscribe).await;
    let ws_url = format!("{}/graphql", args.subscribe.replacen("http", "ws", 1));
    let (sender, mut arrivals) = mpsc::unbounded_channel();
    let connecting = Instant::now();
    for _ in 0..args.subscribers {
        tokio::spawn(subscriber(ws_url.clone(), hunt.clone(), sender.clone()));
    }
    while active_subscriptions(&http, &args.subscribe).await < before + args.subscribers {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    println!(
        "subscribers: {} held in {:.2?}",
        args.subscribers,
        connecting.elapsed()
    );

    let mut latencies = Vec::with_capacity(args.subscribers * args.events);
    let mut last = Vec::with_capacity(args.events);
    let mut round_trips = Vec::with_capacity(args.events);
    for (i, clue) in clues.iter().enumerate() {
        let sent = Instant::now();
        gql(
            &http,
            &args.publish,
            &player,
            "mutation($c: ID!, $a: String!) { submitAnswer(clueId: $c, answer: $a) { correct } }",
            json!({ "c": clue, "a": format!("a{i}") }),
        )
        .await;
        round_trips.push(sent.elapsed());
        let mut slowest = Duration::ZERO;
        for _ in 0..args.subscribers {
            let arrived = tokio::time::timeout(Duration::from_secs(30), arrivals.recv())
                .await
                .expect("every subscriber gets the event within 30 s")
                .expect("subscribers running");
            let latency = arrived.saturating_duration_since(sent);
            slowest = slowest.max(latency);
            latencies.push(latency);
        }
        last.push(slowest);
    }
    latencies.sort();
    last.sort();
    round_trips.sort();
    println!(
        "events: {}; latency from mutation sent to event delivered, over {} deliveries: p50 {:.1?}, p99 {:.1?}, max {:.1?}; \
         time until the last subscriber has an event: median {:.1?}; the mutation's own HTTP round trip \
         (Argon2id answer check included): median {:.1?}",
        args.events,
        latencies.len(),
        percentile(&latencies, 0.50),
        percentile(&latencies, 0.99),
        latencies[latencies.len() - 1],
        percentile(&last, 0.50),
        percentile(&round_trips, 0.50),
    );
}
