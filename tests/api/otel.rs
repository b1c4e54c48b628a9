//! Traces: the binary, with `OTEL_EXPORTER_OTLP_ENDPOINT` pointing at a small OTLP/HTTP receiver here, exports
//! the spans of a request, under the trace its `traceparent` named.

use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::routing::post;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::trace::v1::Span;
use prost::Message;

use crate::helpers::{free_port, fresh_database, terminate, wait_until_ready};

/// An OTLP/HTTP receiver: keeps every span posted to `/v1/traces`.
async fn collector() -> (String, Arc<Mutex<Vec<Span>>>) {
    let spans = Arc::new(Mutex::new(Vec::new()));
    let kept = spans.clone();
    let app = Router::new().route(
        "/v1/traces",
        post(move |body: Bytes| {
            let kept = kept.clone();
            async move {
                let request = ExportTraceServiceRequest::decode(body).expect("OTLP protobuf");
                let mut kept = kept.lock().unwrap();
                for resource in request.resource_spans {
                    for scope in resource.scope_spans {
                        kept.extend(scope.spans);
                    }
                }
                (
                    [("content-type", "application/x-protobuf")],
                    Vec::<u8>::new(),
                )
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{address}"), spans)
}

#[tokio::test]
async fn a_requests_spans_reach_the_collector_under_the_callers_trace() {
    let (endpoint, spans) = collector().await;
    let (url, _dir) = fresh_database().await;
    let port = free_port();
    let server = Command::new(env!("CARGO_BIN_EXE_treasure-hunt"))
        .args(["serve", "--demo", "--listen", &format!("127.0.0.1:{port}")])
        .env("DATABASE_URL", &url)
        .env("OTEL_EXPORTER_OTLP_ENDPOINT", &endpoint)
        .env("OTEL_SERVICE_NAME", "hunts-under-test")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let client = reqwest::Client::new();
    let base = format!("http://127.0.0.1:{port}");
    wait_until_ready(&client, &base).await;
    let trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
    let caller_span = "00f067aa0ba902b7";
    let body: serde_json::Value = client
        .post(format!("{base}/graphql"))
        .header("traceparent", format!("00-{trace_id}-{caller_span}-01"))
        .json(&serde_json::json!({
            "query": "query Traced { hunts(first: 5) { edges { node { slug clues { title } } } } }"
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(body["errors"].is_null(), "{body}");

    // SIGTERM: the server finishes, flushing its spans.
    let (status, _) = terminate(server).await;
    assert!(status.success(), "{status}");

    let spans = spans.lock().unwrap().clone();
    let ours: Vec<&Span> = spans
        .iter()
        .filter(|s| hex::encode(&s.trace_id) == trace_id)
        .collect();
    let named = |name: &str| ours.iter().find(|s| s.name == name).copied();
    let request = named("POST /graphql").unwrap_or_else(|| {
        panic!(
            "no request span in the caller's trace: {:?}",
            spans.iter().map(|s| &s.name).collect::<Vec<_>>()
        )
    });
    assert_eq!(
        hex::encode(&request.parent_span_id),
        caller_span,
        "the caller's span is the parent"
    );
    let operation = named("query Traced").expect("an operation span");
    assert_eq!(operation.parent_span_id, request.span_id);
    let batches: Vec<&&Span> = ours.iter().filter(|s| s.name == "loader.batch").collect();
    assert!(!batches.is_empty(), "loader batches are spans");
    // Each statement is an event of the span that sent it (a batch's "load clues of hunts", say).
    let statements = ours
        .iter()
        .flat_map(|s| &s.events)
        .filter(|e| e.name == "sql statement")
        .count();
    assert!(
        statements >= 2,
        "SQL statements are events in the trace: {statements}"
    );
    assert!(
        ours.len() > 5,
        "resolver fields are spans too: {}",
        ours.len()
    );
}
