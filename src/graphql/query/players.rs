//! Reading players, and the caller's own.

use async_graphql::{Context, ErrorExtensions, ID, Object, Result};

use crate::game;
use crate::graphql::context::{caller, db, load};
use crate::graphql::error::coded;
use crate::graphql::id::{self, Kind};
use crate::graphql::types::{Page, PageArgs, Player, page};
use crate::loaders::{PlayerAccount, PlayerHandle, PlayerId};

#[derive(Default)]
pub struct PlayerQuery;

#[Object]
impl PlayerQuery {
    /// A player by `id` or by `handle` (give exactly one; handles match in any letter case).
    async fn player(
        &self,
        ctx: &Context<'_>,
        id: Option<ID>,
        handle: Option<String>,
    ) -> Result<Option<Player>> {
        let found = match (id, handle) {
            (Some(id), None) => load(ctx, PlayerId(id::decode(Kind::Player, "id", &id)?)).await?,
            (None, Some(handle)) => load(ctx, PlayerHandle::new(&handle)).await?,
            _ => return Err(coded("BAD_USER_INPUT", "give exactly one of id and handle")),
        };
        Ok(found.map(Player))
    }

    /// Players in registration order.
    #[graphql(complexity = "first.max(0) as usize * child_complexity")]
    async fn players(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many players to return (0 to 100).", default = 20)] first: i32,
        #[graphql(desc = "Return players after this cursor (an `endCursor` of a previous page).")]
        after: Option<String>,
    ) -> Result<Page<Player>> {
        let args = PageArgs::parse(first, after.as_deref())?;
        let (players, has_next) = game::players::list_players(db(ctx), args.after, args.limit)
            .await
            .map_err(|e| e.extend())?;
        Ok(page(
            args.after,
            has_next,
            players.into_iter().map(|p| (p.id, Player::from(p))),
        ))
    }

    /// Your own player: `null` when you are not signed in or have not registered yet.
    async fn me(&self, ctx: &Context<'_>) -> Result<Option<Player>> {
        let Some(actor) = caller(ctx) else {
            return Ok(None);
        };
        Ok(load(ctx, PlayerAccount(actor.account_id.clone()))
            .await?
            .map(Player))
    }
}
