//! Logging: `tracing` to stderr, as text or one JSON object per line, filtered by `RUST_LOG` (default `info`).
//! Every line logged while serving a request carries the request's span, and so its `request.id`.

use tracing_subscriber::{EnvFilter, fmt};

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
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn,sea_orm_migration=info"));
    let builder = fmt().with_env_filter(filter).with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder
            .json()
            .with_current_span(true)
            .with_span_list(true)
            .flatten_event(true)
            .try_init(),
    };
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
