//! What every resolver reads from the request: the loaders, the database and the caller.

use async_graphql::dataloader::Loader;
use async_graphql::{Context, ErrorExtensions, Result};
use sea_orm::DatabaseConnection;

use super::error::coded;
use std::sync::Arc;

use crate::auth::Caller;
use crate::events::EventBus;
use crate::game::Actor;
use crate::game::events::HuntEvent;
use crate::loaders::{LoadError, Loaders, RelationKey, Store, ValueOf};

/// Loads one value of relation key `K` through this request's loaders.
pub async fn load<K>(ctx: &Context<'_>, key: K) -> Result<Option<ValueOf<K>>>
where
    K: RelationKey,
    Store: Loader<K, Error = LoadError>,
{
    ctx.data_unchecked::<Loaders>()
        .load_one(key)
        .await
        .map_err(|err| err.extend())
}

/// Loads one value of relation key `K` that must exist (a foreign key guarantees it).
pub async fn load_some<K>(ctx: &Context<'_>, key: K) -> Result<ValueOf<K>>
where
    K: RelationKey,
    Store: Loader<K, Error = LoadError>,
{
    load(ctx, key.clone()).await?.ok_or_else(|| {
        tracing::error!(missing = ?key, "dangling reference: a referenced row is missing");
        super::error::internal()
    })
}

/// This request's database connection, for the game's operations.
pub fn db<'a>(ctx: &Context<'a>) -> &'a DatabaseConnection {
    ctx.data_unchecked::<DatabaseConnection>()
}

/// The caller, if signed in.
pub fn caller<'a>(ctx: &Context<'a>) -> Option<&'a Actor> {
    ctx.data_opt::<Caller>()
        .and_then(|caller| caller.0.as_ref())
}

/// The signed-in caller, or `UNAUTHENTICATED` explaining what needs signing in.
pub fn actor<'a>(ctx: &Context<'a>, to: &str) -> Result<&'a Actor> {
    caller(ctx).ok_or_else(|| {
        coded(
            "UNAUTHENTICATED",
            format!("sign in to {to}: send Authorization: Bearer <token>"),
        )
    })
}

/// Tells the hunt's watchers, on every replica, about a change this request committed.
pub async fn publish(ctx: &Context<'_>, event: Option<HuntEvent>) {
    if let (Some(event), Some(bus)) = (event, ctx.data_opt::<Arc<EventBus>>()) {
        bus.publish(event).await;
    }
}

/// Forgets what this request's loaders cached: a mutation has just changed the data.
pub fn forget_cached(ctx: &Context<'_>) {
    ctx.data_unchecked::<Loaders>().forget_all();
}
