//! Logging: `tracing` to stderr, as text or one JSON object per line, filtered by `RUST_LOG` (default `info`).
//! Every line logged while serving a request carries the request's span, and so its `request.id`.

use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer, fmt};

/// What is logged unless `RUST_LOG` says otherwise.
/// (`RUST_LOG=info,treasure_hunt::sql=debug` logs every SQL statement.)
const DEFAULT_FILTER: &str = "info,sqlx=warn,sea_orm=warn,sea_orm_migration=info";
/// What is exported as spans: the same, plus each SQL statement (`treasure_hunt::sql`, an event on its span).
const EXPORT_FILTER: &str = "info,sqlx=warn,sea_orm=warn,treasure_hunt::sql=debug";

/// How log lines are written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
    Text,
    /// One JSON object per line, with the current span's fields (`request.id`, ...) and the span list.
    Json,
}

/// Installs the global text subscriber once; later calls (tests start many servers) do nothing.
pub fn init() {
    init_with(LogFormat::Text);
}

/// Installs the global subscriber once, writing `format`.
pub fn init_with(format: LogFormat) {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    let logs = match format {
        LogFormat::Text => fmt::layer().with_writer(std::io::stderr).boxed(),
        LogFormat::Json => fmt::layer()
            .json()
            .with_current_span(true)
            .with_span_list(true)
            .flatten_event(true)
            .with_writer(std::io::stderr)
            .boxed(),
    };
    let spans = super::otel::layer().map(|layer| layer.with_filter(EnvFilter::new(EXPORT_FILTER)));
    let _ = tracing_subscriber::registry()
        .with(logs.with_filter(filter))
        .with(spans)
        .try_init();
    log_panics();
}

/// A panic becomes one error event, inside the span of the request that panicked (so it carries
/// `request.id`); the client gets only `INTERNAL` and that id (see `http::router`).
fn log_panics() {
    std::panic::set_hook(Box::new(|info| {
        let location = info.location().map(ToString::to_string).unwrap_or_default();
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        tracing::error!(panic.message = %message, panic.location = %location, "panicked");
    }));
}
