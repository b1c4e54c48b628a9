//! HTTP: the axum router, GraphQL over HTTP, the playground and health checks.

mod graphql;
mod health;
mod playground;
mod router;
mod sse;
mod websocket;

pub use playground::page as playground_page;
pub use router::{AppState, REQUEST_ID, router};
