//! Schema assembly, and the federation SDL that `treasure-hunt schema` prints.

use std::sync::Arc;

use async_graphql::extensions::ExtensionFactory;
use async_graphql::{MergedObject, SDLExportOptions, Schema, SchemaBuilder};
use sea_orm::DatabaseConnection;

use super::joined::FieldHooks;
use super::mutation::{AnswerMutation, HuntMutation, PlayerMutation};
use super::query::{EntityQuery, HuntQuery, PlayerQuery};
use super::subscription::Subscription;
use crate::config::Limits;
use crate::events::EventBus;

/// Every root query field.
#[derive(MergedObject, Default)]
pub struct Query(HuntQuery, PlayerQuery, EntityQuery);

/// Every root mutation field.
#[derive(MergedObject, Default)]
pub struct Mutation(HuntMutation, PlayerMutation, AnswerMutation);

pub type TreasureSchema = Schema<Query, Mutation, Subscription>;

/// The schema, serving from `db`. Per-request data (caller, loaders) is attached by the HTTP layer.
///
/// No schema extension is installed: async-graphql runs every extension's hooks around every field, which
/// costs measurably on large responses, so request metrics are taken by the HTTP layer instead.
pub fn build_schema(
    db: DatabaseConnection,
    limits: &Limits,
    events: Arc<EventBus>,
) -> TreasureSchema {
    let builder = limited(schema_builder(), limits)
        .data(db)
        .data(limits.wrong_answers)
        .data(events);
    // With OTLP export on, a span per resolved field: the detail a trace needs, at a per-field cost.
    if crate::telemetry::otel::enabled() {
        per_field(builder, async_graphql::extensions::Tracing).finish()
    } else {
        builder.finish()
    }
}

/// The schema for requests that ask for an `ftv1` trace: the same, with the tracing extension.
pub fn build_traced_schema(
    db: DatabaseConnection,
    limits: &Limits,
    events: Arc<EventBus>,
) -> TreasureSchema {
    let builder = limited(schema_builder(), limits)
        .data(db)
        .data(limits.wrong_answers)
        .data(events);
    per_field(builder, super::ftv1::Ftv1).finish()
}

/// Installs an extension that hooks around every field, and says so with [`FieldHooks`], so that `Joined`
/// objects leave their fields to async-graphql, which runs the hook on each.
fn per_field(
    builder: SchemaBuilder<Query, Mutation, Subscription>,
    extension: impl ExtensionFactory,
) -> SchemaBuilder<Query, Mutation, Subscription> {
    builder.extension(extension).data(FieldHooks)
}

fn limited(
    builder: SchemaBuilder<Query, Mutation, Subscription>,
    limits: &Limits,
) -> SchemaBuilder<Query, Mutation, Subscription> {
    let builder = builder
        .limit_depth(limits.max_depth)
        .limit_complexity(limits.max_complexity);
    if limits.introspection {
        builder
    } else {
        builder.disable_introspection()
    }
}

/// The federation SDL: what `schema/treasure-hunt.graphql` holds.
pub fn sdl() -> String {
    schema_builder()
        .finish()
        .sdl_with_options(SDLExportOptions::new().federation().sorted_fields())
}

fn schema_builder() -> SchemaBuilder<Query, Mutation, Subscription> {
    Schema::build(Query::default(), Mutation::default(), Subscription).enable_federation()
}
