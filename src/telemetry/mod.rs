//! Logs and metrics.

mod logging;
mod metrics;

pub use logging::init;
pub use metrics::Metrics;
