//! Federation entity resolvers: how a gateway turns `_entities` representations into objects. Each goes
//! through the same loaders as everything else, so a batch of representations costs one statement per type.

use async_graphql::{Context, ID, Object, Result};

use crate::graphql::context::{load, load_some};
use crate::graphql::guard::visible;
use crate::graphql::id::{self, Kind};
use crate::graphql::types::{Clue, Hunt, Player, User};
use crate::loaders::{ClueId, HuntId, HuntSlug, PlayerHandle, PlayerId};

#[derive(Default)]
pub struct EntityQuery;

#[Object]
impl EntityQuery {
    #[graphql(entity)]
    async fn find_hunt_by_id(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Hunt>> {
        let found = load(ctx, HuntId(id::decode(Kind::Hunt, "id", &id)?)).await?;
        found.map(|hunt| Ok(Hunt(visible(ctx, hunt)?))).transpose()
    }

    #[graphql(entity)]
    async fn find_hunt_by_slug(&self, ctx: &Context<'_>, slug: String) -> Result<Option<Hunt>> {
        let found = load(ctx, HuntSlug(slug)).await?;
        found.map(|hunt| Ok(Hunt(visible(ctx, hunt)?))).transpose()
    }

    #[graphql(entity)]
    async fn find_clue_by_id(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Clue>> {
        let Some(clue) = load(ctx, ClueId(id::decode(Kind::Clue, "id", &id)?)).await? else {
            return Ok(None);
        };
        visible(ctx, load_some(ctx, HuntId(clue.hunt_id)).await?)?;
        Ok(Some(Clue(clue)))
    }

    #[graphql(entity)]
    async fn find_player_by_id(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Player>> {
        Ok(load(ctx, PlayerId(id::decode(Kind::Player, "id", &id)?))
            .await?
            .map(Player))
    }

    #[graphql(entity)]
    async fn find_player_by_handle(
        &self,
        ctx: &Context<'_>,
        handle: String,
    ) -> Result<Option<Player>> {
        Ok(load(ctx, PlayerHandle::new(&handle)).await?.map(Player))
    }

    /// Any account id is a valid `User` reference; whether it has a player is `User.player`'s business.
    #[graphql(entity)]
    async fn find_user_by_id(&self, id: ID) -> User {
        User { id }
    }
}
