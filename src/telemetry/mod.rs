//! Logs and metrics.

mod logging;
mod metrics;
pub mod otel;

pub use logging::{LogFormat, init, init_with};
pub use metrics::Metrics;
