//! `Clue`: one riddle of a hunt. Its answer is write-only: no field returns it.

use std::sync::Arc;

use async_graphql::{Context, ID, Object, Result};

use super::{Hunt, Solve};
use crate::entity::clue;
use crate::game::{hunts::status_of, unlock};
use crate::graphql::context::{load, load_some};
use crate::graphql::id::{Kind, to_id};
use crate::graphql::joined::Joined;
use crate::graphql::memo::Identity;
use crate::graphql::types::viewer::viewer_of;
use crate::loaders::{HuntId, SolvesOfClue};

/// The GraphQL `Clue`; its description for partners is on the `impl` below.
pub struct Clue(pub Arc<clue::Model>);

impl From<clue::Model> for Clue {
    fn from(model: clue::Model) -> Self {
        Self(Arc::new(model))
    }
}

/// Memoised within a query by row id (see [`crate::graphql::memo`]).
impl Identity for Clue {
    fn identity(&self) -> Option<i64> {
        Some(self.0.id)
    }
}

impl Clue {
    async fn visible(&self, ctx: &Context<'_>) -> Result<bool> {
        let hunt = load_some(ctx, HuntId(self.0.hunt_id)).await?;
        let viewer = viewer_of(ctx, &hunt).await?;
        Ok(unlock::riddle_visible(
            status_of(&hunt)?,
            &viewer,
            self.0.position,
        ))
    }
}

/// One step of a hunt: a riddle whose answer leads to the next.
#[Object]
impl Clue {
    /// Opaque, stable identifier.
    async fn id(&self) -> ID {
        to_id(Kind::Clue, self.0.id)
    }

    /// The hunt this clue belongs to.
    async fn hunt(&self, ctx: &Context<'_>) -> Result<Joined<Hunt>> {
        Ok(Joined(Hunt(load_some(ctx, HuntId(self.0.hunt_id)).await?)))
    }

    /// 1-based place in the hunt's trail.
    async fn position(&self) -> i32 {
        self.0.position
    }

    /// Short title, visible to everyone who can see the hunt.
    async fn title(&self) -> &str {
        &self.0.title
    }

    /// The riddle, or `null` while it is locked for you: the first clue is open to all, each next one opens
    /// once you solve the one before it. Organisers see every riddle of their hunts; after a hunt ends, all do.
    async fn riddle(&self, ctx: &Context<'_>) -> Result<Option<&str>> {
        Ok(self.visible(ctx).await?.then_some(self.0.riddle.as_str()))
    }

    /// Whether the riddle is open to you (see `riddle`).
    async fn unlocked(&self, ctx: &Context<'_>) -> Result<bool> {
        self.visible(ctx).await
    }

    /// Points for solving it.
    async fn points(&self) -> i32 {
        self.0.points
    }

    /// Every solve of this clue, earliest first.
    async fn solves(&self, ctx: &Context<'_>) -> Result<Vec<Joined<Solve>>> {
        let solves = load(ctx, SolvesOfClue(self.0.id))
            .await?
            .unwrap_or_default();
        Ok(solves.iter().cloned().map(Solve).map(Joined).collect())
    }

    /// How many players solved it.
    async fn solve_count(&self, ctx: &Context<'_>) -> Result<usize> {
        Ok(load(ctx, SolvesOfClue(self.0.id))
            .await?
            .map_or(0, |s| s.len()))
    }
}
