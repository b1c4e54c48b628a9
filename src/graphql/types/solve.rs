//! `Solve`: a player solved a clue.

use std::sync::Arc;

use async_graphql::{Context, Object, Result};
use chrono::{DateTime, Utc};

use super::{Clue, Player};
use crate::entity::solve;
use crate::graphql::context::load_some;
use crate::graphql::joined::Joined;
use crate::graphql::memo::Identity;
use crate::loaders::{ClueId, PlayerId};

/// The GraphQL `Solve`; its description for partners is on the `impl` below.
pub struct Solve(pub Arc<solve::Model>);

/// Not memoised: a solve is reached once per clue or player that lists it.
impl Identity for Solve {}

/// A clue solved by a player, once and for good.
#[Object]
impl Solve {
    /// Who solved it.
    async fn player(&self, ctx: &Context<'_>) -> Result<Joined<Player>> {
        Ok(Joined(Player(
            load_some(ctx, PlayerId(self.0.player_id)).await?,
        )))
    }

    /// Which clue.
    async fn clue(&self, ctx: &Context<'_>) -> Result<Joined<Clue>> {
        Ok(Joined(Clue(load_some(ctx, ClueId(self.0.clue_id)).await?)))
    }

    /// When.
    async fn solved_at(&self) -> DateTime<Utc> {
        self.0.solved_at
    }

    /// Points it scored.
    async fn points(&self) -> i32 {
        self.0.points
    }
}
