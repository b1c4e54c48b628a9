//! Integration tests: each starts the real server on port 0 against a fresh database (a new SQLite file, or a
//! new PostgreSQL database when `TEST_DATABASE_URL` is set) and talks to it over HTTP.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod helpers;

mod answers;
mod authorization;
mod bad_input;
mod batching;
mod cli;
mod federation;
mod fuzz;
mod health;
mod http;
mod hunts;
mod jwks;
mod limits;
mod metrics;
mod otel;
mod pagination;
mod persisted;
mod players;
mod profiles;
mod queries;
mod schema;
mod seed;
mod statements;
mod subscriptions;
mod unlocking;
