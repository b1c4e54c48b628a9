//! Treasure Hunt Engine: a GraphQL federation subgraph serving treasure hunts, their clues and their players.
//!
//! Layers, outside in: [`http`] (axum routes, GraphQL over HTTP, health), [`graphql`] (schema, resolvers that
//! call loaders or the game), [`loaders`] (batched, per-request relation loading), [`game`] (the rules and the
//! operations that apply them), [`entity`] (SeaORM storage models), [`db`] (connections and migrations),
//! [`upstream`] (partner APIs), [`slots`] (how many operations execute at once).

pub mod auth;
pub mod cli;
pub mod config;
pub mod db;
pub mod entity;
pub mod events;
pub mod game;
pub mod graphql;
pub mod http;
pub mod loaders;
pub mod seed;
pub mod slots;
pub mod startup;
pub mod telemetry;
pub mod upstream;
