//! The GraphQL API: schema assembly, root operations, output types, and the glue that turns loader and game
//! results into GraphQL values and coded errors.

pub mod context;
pub mod document;
pub mod error;
pub mod ftv1;
pub mod guard;
pub mod id;
pub mod joined;
pub mod memo;
pub mod mutation;
pub mod persisted;
pub mod query;
pub mod schema;
pub mod subscription;
pub mod types;

pub use schema::{TreasureSchema, build_schema, build_traced_schema, sdl};
