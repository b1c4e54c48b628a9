//! `LeaderboardEntry`: one line of a hunt's ranking.

use async_graphql::{Context, Object, Result};
use chrono::{DateTime, Utc};

use super::Player;
use crate::game::leaderboard::Ranked;
use crate::graphql::context::{load, load_some};
use crate::graphql::joined::Joined;
use crate::graphql::memo::Identity;
use crate::loaders::{LeaderboardOfHunt, PlayerId};

/// The GraphQL `LeaderboardEntry`; its description for partners is on the `impl` below.
pub struct LeaderboardEntry(pub Ranked);

/// Not memoised: an entry is a line of one leaderboard, reached once.
impl Identity for LeaderboardEntry {}

impl LeaderboardEntry {
    /// The first `first` lines of a ranking.
    pub fn top(ranked: &[Ranked], first: usize) -> Vec<Joined<Self>> {
        ranked
            .iter()
            .take(first)
            .cloned()
            .map(Self)
            .map(Joined)
            .collect()
    }

    /// The first `first` lines of hunt `hunt_id`'s ranking, through this request's loaders.
    pub async fn of_hunt(
        ctx: &Context<'_>,
        hunt_id: i64,
        first: usize,
    ) -> Result<Vec<Joined<Self>>> {
        let ranked = load(ctx, LeaderboardOfHunt(hunt_id))
            .await?
            .unwrap_or_default();
        Ok(Self::top(&ranked, first))
    }
}

/// A player's place in a hunt's ranking.
#[Object]
impl LeaderboardEntry {
    /// 1-based rank; players tied on score and last solve time share it.
    async fn rank(&self) -> u32 {
        self.0.rank
    }

    /// The player.
    async fn player(&self, ctx: &Context<'_>) -> Result<Joined<Player>> {
        Ok(Joined(Player(
            load_some(ctx, PlayerId(self.0.line.player_id)).await?,
        )))
    }

    /// Points scored in this hunt.
    async fn score(&self) -> i64 {
        self.0.line.score
    }

    /// Clues solved in this hunt.
    async fn solved_count(&self) -> i64 {
        self.0.line.solved_count
    }

    /// When the player last solved a clue in this hunt; `null` if they have not solved any.
    async fn last_solved_at(&self) -> Option<DateTime<Utc>> {
        self.0.line.last_solved_at
    }
}
