//! `Hunt`: a treasure hunt, with its clues, players and leaderboard.

use std::sync::Arc;

use async_graphql::{Context, Enum, ID, Object, Result};
use chrono::{DateTime, Utc};

use super::{Clue, LeaderboardEntry, Page, PageArgs, Player, page};
use crate::entity::hunt;
use crate::game;
use crate::graphql::context::load;
use crate::graphql::id::{Kind, to_id};
use crate::graphql::joined::Joined;
use crate::graphql::memo::Identity;
use crate::loaders::{CluesOfHunt, HuntPlayersPage};

/// Where a hunt is in its life. Hunts move only forward: `DRAFT` -> `ACTIVE` -> `ENDED`.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "game::HuntStatus")]
pub enum HuntStatus {
    /// Being prepared by its organiser: clues can be added, nobody can play yet.
    Draft,
    /// Running: players join and submit answers.
    Active,
    /// Over: the leaderboard is final and every riddle is public.
    Ended,
}

/// The GraphQL `Hunt`; its description for partners is on the `impl` below.
pub struct Hunt(pub Arc<hunt::Model>);

impl From<hunt::Model> for Hunt {
    fn from(model: hunt::Model) -> Self {
        Self(Arc::new(model))
    }
}

/// Memoised within a query by row id (see [`crate::graphql::memo`]).
impl Identity for Hunt {
    fn identity(&self) -> Option<i64> {
        Some(self.0.id)
    }
}

/// A treasure hunt: an ordered trail of clues that players solve one after another for points.
#[Object]
impl Hunt {
    /// Opaque, stable identifier.
    async fn id(&self) -> ID {
        to_id(Kind::Hunt, self.0.id)
    }

    /// Unique, URL-friendly name, such as `pirate-cove`.
    async fn slug(&self) -> &str {
        &self.0.slug
    }

    /// Display title.
    async fn title(&self) -> &str {
        &self.0.title
    }

    /// What the hunt is about, for its landing page (may be empty).
    async fn description(&self) -> &str {
        &self.0.description
    }

    /// Where the hunt is in its life.
    async fn status(&self) -> Result<HuntStatus> {
        Ok(game::hunts::status_of(&self.0)?.into())
    }

    /// When the hunt opened (or is planned to open).
    async fn starts_at(&self) -> Option<DateTime<Utc>> {
        self.0.starts_at
    }

    /// When the hunt closed (or is planned to close); no answers are accepted after it.
    async fn ends_at(&self) -> Option<DateTime<Utc>> {
        self.0.ends_at
    }

    /// The hunt's clues in the order they are solved. A clue's riddle shows only once it is unlocked for you.
    async fn clues(&self, ctx: &Context<'_>) -> Result<Vec<Joined<Clue>>> {
        let clues = load(ctx, CluesOfHunt(self.0.id)).await?.unwrap_or_default();
        Ok(clues.iter().cloned().map(Clue).map(Joined).collect())
    }

    /// How many clues the hunt has.
    async fn clue_count(&self, ctx: &Context<'_>) -> Result<usize> {
        Ok(load(ctx, CluesOfHunt(self.0.id))
            .await?
            .map_or(0, |c| c.len()))
    }

    /// The players who joined, in joining order.
    #[graphql(complexity = "first.max(0) as usize * child_complexity")]
    async fn players(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many players to return (0 to 100).", default = 20)] first: i32,
        #[graphql(desc = "Return players after this cursor (an `endCursor` of a previous page).")]
        after: Option<String>,
    ) -> Result<Page<Player>> {
        let args = PageArgs::parse(first, after.as_deref())?;
        let key = HuntPlayersPage {
            hunt_id: self.0.id,
            after: args.after,
            limit: args.limit,
        };
        let found = load(ctx, key).await?.unwrap_or_default();
        let nodes = found
            .entries
            .iter()
            .map(|e| (e.enrolment_id, Player(e.model.clone())));
        Ok(page(args.after, found.has_next, nodes))
    }

    /// The ranking of everyone who joined: highest score first; at equal scores, whoever got there first.
    #[graphql(complexity = "first * child_complexity")]
    async fn leaderboard(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "How many entries to return (0 to 100).",
            default = 10,
            validator(minimum = 0, maximum = 100)
        )]
        first: usize,
    ) -> Result<Vec<Joined<LeaderboardEntry>>> {
        LeaderboardEntry::of_hunt(ctx, self.0.id, first).await
    }
}
