//! Players' mutations: registering and joining.

use async_graphql::{Context, ErrorExtensions, ID, Object, Result};

use crate::game::players;
use crate::graphql::context::{actor, db, forget_cached, publish};
use crate::graphql::guard::SIGNED_IN;
use crate::graphql::id::{self, Kind};
use crate::graphql::types::{Hunt, Player, RegisterPlayerInput};

#[derive(Default)]
pub struct PlayerMutation;

#[Object]
impl PlayerMutation {
    /// Registers your player. One per account; the handle must be free.
    #[graphql(guard = "SIGNED_IN")]
    async fn register_player(
        &self,
        ctx: &Context<'_>,
        input: RegisterPlayerInput,
    ) -> Result<Player> {
        let actor = actor(ctx, "register")?;
        forget_cached(ctx);
        let player = players::register_player(db(ctx), actor, &input.handle, &input.display_name)
            .await
            .map_err(|e| e.extend())?;
        Ok(Player::from(player))
    }

    /// Joins an active hunt as your player. Joining again changes nothing.
    #[graphql(guard = "SIGNED_IN")]
    async fn join_hunt(&self, ctx: &Context<'_>, hunt_id: ID) -> Result<Hunt> {
        let actor = actor(ctx, "join hunts")?;
        forget_cached(ctx);
        let hunt_id = id::decode(Kind::Hunt, "huntId", &hunt_id)?;
        let joined = players::join_hunt(db(ctx), actor, hunt_id)
            .await
            .map_err(|e| e.extend())?;
        publish(ctx, joined.event).await;
        Ok(Hunt::from(joined.hunt))
    }
}
