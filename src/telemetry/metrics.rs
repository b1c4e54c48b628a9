//! Prometheus metrics of one running server, rendered at `GET /metrics`.
//!
//! Each [`Metrics`] owns its own recorder rather than the process-global one, so that several servers in one
//! process (the tests start dozens) each count exactly their own statements and requests.

use std::sync::Arc;

use metrics::{
    Counter, Histogram, Key, KeyName, Label, Level, Metadata, Recorder, SharedString, Unit,
};
use metrics_exporter_prometheus::{
    Matcher, PrometheusBuilder, PrometheusHandle, PrometheusRecorder,
};

const STATEMENTS: &str = "db_statements_total";
const BATCH_SIZE: &str = "dataloader_batch_size";
const REQUESTS: &str = "graphql_requests_total";
const DURATION: &str = "graphql_request_duration_seconds";
const UPSTREAM_REQUESTS: &str = "upstream_requests_total";
const CIRCUIT_OPEN: &str = "upstream_circuit_open";
const EVENTS_PUBLISHED: &str = "hunt_events_published_total";
const SUBSCRIPTIONS: &str = "graphql_subscriptions_active";
const LAGGED: &str = "graphql_subscriptions_lagged_total";
const OPERATION_DURATION: &str = "graphql_operation_duration_seconds";
const OPERATIONS_QUEUED: &str = "graphql_operations_queued";
/// Distinct operation names given their own label; later ones are counted as `other`, so that clients cannot
/// grow the metrics without bound.
const MAX_OPERATION_NAMES: usize = 200;

const METADATA: Metadata<'static> =
    Metadata::new(module_path!(), Level::INFO, Some(module_path!()));

/// The metrics of one server.
pub struct Metrics {
    recorder: PrometheusRecorder,
    handle: PrometheusHandle,
    statements: Counter,
    operation_names: std::sync::Mutex<std::collections::HashSet<String>>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Metrics(..)")
    }
}

impl Metrics {
    pub fn new() -> Arc<Self> {
        let builder = PrometheusBuilder::new()
            .set_buckets_for_metric(
                Matcher::Full(BATCH_SIZE.into()),
                &[
                    1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1_000.0, 5_000.0,
                    30_000.0,
                ],
            )
            .and_then(|b| {
                b.set_buckets_for_metric(
                    Matcher::Suffix("duration_seconds".into()),
                    &[
                        0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0,
                        2.5, 5.0, 10.0,
                    ],
                )
            })
            .unwrap_or_else(|_| PrometheusBuilder::new());
        let recorder = builder.build_recorder();
        let handle = recorder.handle();
        recorder.describe_counter(
            KeyName::from_const_str(STATEMENTS),
            Some(Unit::Count),
            SharedString::const_str("SQL statements sent to the database."),
        );
        recorder.describe_histogram(
            KeyName::from_const_str(BATCH_SIZE),
            Some(Unit::Count),
            SharedString::const_str("Keys per dataloader batch, by loader."),
        );
        recorder.describe_counter(
            KeyName::from_const_str(REQUESTS),
            Some(Unit::Count),
            SharedString::const_str("GraphQL operations, by operation type and outcome."),
        );
        recorder.describe_histogram(
            KeyName::from_const_str(DURATION),
            Some(Unit::Seconds),
            SharedString::const_str("Time to execute a GraphQL operation, by operation type."),
        );
        recorder.describe_counter(
            KeyName::from_const_str(UPSTREAM_REQUESTS),
            Some(Unit::Count),
            SharedString::const_str(
                "HTTP requests to partner APIs (and calls refused by an open circuit), by outcome.",
            ),
        );
        recorder.describe_gauge(
            KeyName::from_const_str(CIRCUIT_OPEN),
            None,
            SharedString::const_str("1 while a partner API's circuit breaker refuses calls."),
        );
        recorder.describe_counter(
            KeyName::from_const_str(EVENTS_PUBLISHED),
            Some(Unit::Count),
            SharedString::const_str("Hunt events published by this replica, by kind."),
        );
        recorder.describe_gauge(
            KeyName::from_const_str(SUBSCRIPTIONS),
            Some(Unit::Count),
            SharedString::const_str("GraphQL subscriptions held by this replica."),
        );
        recorder.describe_counter(
            KeyName::from_const_str(LAGGED),
            Some(Unit::Count),
            SharedString::const_str(
                "Subscriptions ended because their client fell too far behind.",
            ),
        );
        recorder.describe_gauge(
            KeyName::from_const_str(OPERATIONS_QUEUED),
            Some(Unit::Count),
            SharedString::const_str(
                "GraphQL operations waiting for one of the `--max-concurrent-operations` execution slots.",
            ),
        );
        let statements = recorder.register_counter(&Key::from_static_name(STATEMENTS), &METADATA);
        recorder.describe_histogram(
            KeyName::from_const_str(OPERATION_DURATION),
            Some(Unit::Seconds),
            SharedString::const_str(
                "Time to execute a GraphQL operation, by operation name (`anonymous`; `other` past 200 names).",
            ),
        );
        Arc::new(Self {
            recorder,
            handle,
            statements,
            operation_names: std::sync::Mutex::default(),
        })
    }

    /// Counts one SQL statement.
    pub fn statement(&self) {
        self.statements.increment(1);
    }

    /// Records the size of one batch of `loader`.
    pub fn batch(&self, loader: &'static str, keys: usize) {
        let key = Key::from_parts(BATCH_SIZE, vec![Label::new("loader", loader)]);
        self.histogram(&key).record(keys as f64);
    }

    /// Records one GraphQL operation: its type (`query`, `mutation`, ...), its outcome and how long it took.
    pub fn request(&self, operation_type: &'static str, outcome: &'static str, seconds: f64) {
        let labels = vec![
            Label::new("operation_type", operation_type),
            Label::new("outcome", outcome),
        ];
        self.recorder
            .register_counter(&Key::from_parts(REQUESTS, labels), &METADATA)
            .increment(1);
        let key = Key::from_parts(DURATION, vec![Label::new("operation_type", operation_type)]);
        self.histogram(&key).record(seconds);
    }

    /// Records how long operation `name` (of `operation_type`) took.
    pub fn operation(&self, name: Option<&str>, operation_type: &'static str, seconds: f64) {
        let label = match name {
            None => "anonymous".to_owned(),
            Some(name) => {
                let mut known = self
                    .operation_names
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner());
                if known.contains(name) || known.len() < MAX_OPERATION_NAMES {
                    known.insert(name.to_owned());
                    name.to_owned()
                } else {
                    "other".to_owned()
                }
            }
        };
        let labels = vec![
            Label::new("operation_name", label),
            Label::new("operation_type", operation_type),
        ];
        self.histogram(&Key::from_parts(OPERATION_DURATION, labels))
            .record(seconds);
    }

    /// Counts one request to `upstream` (or one call refused by its breaker), by outcome.
    pub fn upstream_request(&self, upstream: &'static str, outcome: &'static str) {
        let labels = vec![
            Label::new("upstream", upstream),
            Label::new("outcome", outcome),
        ];
        self.recorder
            .register_counter(&Key::from_parts(UPSTREAM_REQUESTS, labels), &METADATA)
            .increment(1);
    }

    /// Whether `upstream`'s circuit is open.
    pub fn circuit(&self, upstream: &'static str, open: bool) {
        let key = Key::from_parts(CIRCUIT_OPEN, vec![Label::new("upstream", upstream)]);
        self.recorder
            .register_gauge(&key, &METADATA)
            .set(if open { 1.0 } else { 0.0 });
    }

    /// Counts one published hunt event.
    pub fn event_published(&self, kind: &'static str) {
        let key = Key::from_parts(EVENTS_PUBLISHED, vec![Label::new("kind", kind)]);
        self.recorder.register_counter(&key, &METADATA).increment(1);
    }

    /// How many subscriptions the server holds.
    pub fn subscriptions(&self, active: usize) {
        self.recorder
            .register_gauge(&Key::from_static_name(SUBSCRIPTIONS), &METADATA)
            .set(active as f64);
    }

    /// One more (`1.0`) or one fewer (`-1.0`) operation waiting for an execution slot.
    pub fn operations_queued(&self, change: f64) {
        self.recorder
            .register_gauge(&Key::from_static_name(OPERATIONS_QUEUED), &METADATA)
            .increment(change);
    }

    /// Counts one subscription ended for lagging.
    pub fn subscription_lagged(&self) {
        self.recorder
            .register_counter(&Key::from_static_name(LAGGED), &METADATA)
            .increment(1);
    }

    /// The Prometheus text exposition of every metric.
    pub fn render(&self) -> String {
        self.handle.render()
    }

    fn histogram(&self, key: &Key) -> Histogram {
        self.recorder.register_histogram(key, &METADATA)
    }
}
