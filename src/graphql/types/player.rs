//! `Player`: someone who plays hunts.

use std::sync::Arc;

use async_graphql::{Context, ID, Object, Result};

use super::profile::{self, PlayerProfile};
use super::{Hunt, Solve, User};
use crate::entity::player;
use crate::graphql::context::load;
use crate::graphql::id::{self, Kind, to_id};
use crate::graphql::joined::Joined;
use crate::graphql::memo::Identity;
use crate::loaders::{HuntsOfPlayer, SolvesOfPlayer};

/// The GraphQL `Player`; its description for partners is on the `impl` below.
pub struct Player(pub Arc<player::Model>);

impl From<player::Model> for Player {
    fn from(model: player::Model) -> Self {
        Self(Arc::new(model))
    }
}

/// Memoised within a query by row id (see [`crate::graphql::memo`]).
impl Identity for Player {
    fn identity(&self) -> Option<i64> {
        Some(self.0.id)
    }
}

/// A player: one per account, known by a unique handle.
#[Object]
impl Player {
    /// Opaque, stable identifier.
    async fn id(&self) -> ID {
        to_id(Kind::Player, self.0.id)
    }

    /// Unique handle, such as `long_john`; unique regardless of letter case.
    async fn handle(&self) -> &str {
        &self.0.handle
    }

    /// Name to show.
    async fn display_name(&self) -> &str {
        &self.0.display_name
    }

    /// The hunts this player joined, in joining order.
    async fn hunts(&self, ctx: &Context<'_>) -> Result<Vec<Joined<Hunt>>> {
        let hunts = load(ctx, HuntsOfPlayer(self.0.id))
            .await?
            .unwrap_or_default();
        Ok(hunts.iter().cloned().map(Hunt).map(Joined).collect())
    }

    /// Every clue this player solved, earliest first.
    async fn solves(&self, ctx: &Context<'_>) -> Result<Vec<Joined<Solve>>> {
        let solves = load(ctx, SolvesOfPlayer(self.0.id))
            .await?
            .unwrap_or_default();
        Ok(solves.iter().cloned().map(Solve).map(Joined).collect())
    }

    /// Points scored in one hunt, or across all hunts when `huntId` is omitted.
    async fn score(&self, ctx: &Context<'_>, hunt_id: Option<ID>) -> Result<i64> {
        let hunt_id = hunt_id
            .map(|h| id::decode(Kind::Hunt, "huntId", &h))
            .transpose()?;
        let solves = load(ctx, SolvesOfPlayer(self.0.id))
            .await?
            .unwrap_or_default();
        Ok(solves
            .iter()
            .filter(|s| hunt_id.is_none_or(|h| s.hunt_id == h))
            .map(|s| i64::from(s.points))
            .sum())
    }

    /// The player's profile from the profiles service: `null` when it has none, or when the service is not
    /// configured; `null` with an `UPSTREAM_UNAVAILABLE` error when the service cannot be reached (every other
    /// field still resolves).
    async fn profile(&self, ctx: &Context<'_>) -> Result<Option<Joined<PlayerProfile>>> {
        Ok(profile::of_account(ctx, &self.0.account_id)
            .await?
            .map(Joined))
    }

    /// The account behind this player, owned by the accounts service.
    async fn account(&self) -> Joined<User> {
        Joined(User {
            id: ID(self.0.account_id.clone()),
        })
    }
}
