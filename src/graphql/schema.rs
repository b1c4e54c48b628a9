//! Schema assembly, and the federation SDL that `treasure-hunt schema` prints.

use async_graphql::{EmptySubscription, MergedObject, SDLExportOptions, Schema};
use sea_orm::DatabaseConnection;

use super::mutation::{AnswerMutation, HuntMutation, PlayerMutation};
use super::query::{EntityQuery, HuntQuery, PlayerQuery};

/// Every root query field.
#[derive(MergedObject, Default)]
pub struct Query(HuntQuery, PlayerQuery, EntityQuery);

/// Every root mutation field.
#[derive(MergedObject, Default)]
pub struct Mutation(HuntMutation, PlayerMutation, AnswerMutation);

pub type TreasureSchema = Schema<Query, Mutation, EmptySubscription>;

/// The schema, serving from `db`. Per-request data (caller, loaders) is attached by the HTTP layer.
pub fn build_schema(db: Option<DatabaseConnection>) -> TreasureSchema {
    let builder =
        Schema::build(Query::default(), Mutation::default(), EmptySubscription).enable_federation();
    match db {
        Some(db) => builder.data(db).finish(),
        None => builder.finish(),
    }
}

/// The federation SDL: what `schema/treasure-hunt.graphql` holds.
pub fn sdl() -> String {
    build_schema(None).sdl_with_options(SDLExportOptions::new().federation().sorted_fields())
}
