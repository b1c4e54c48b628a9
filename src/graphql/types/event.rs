//! What `huntEvents` delivers. Each event is resolved for its subscriber through the subscriber's own loaders,
//! so a riddle in an event shows only if it is unlocked for that subscriber.

use async_graphql::{Context, Object, Result, Union};
use chrono::{DateTime, Utc};

use super::{Clue, Hunt, HuntStatus, LeaderboardEntry, Player};
use crate::game::events;
use crate::graphql::context::load_some;
use crate::graphql::joined::Joined;
use crate::loaders::{ClueId, HuntId, PlayerId};

/// Something that happened in a hunt.
#[derive(Union)]
pub enum HuntEvent {
    ClueSolved(ClueSolvedEvent),
    PlayerJoined(PlayerJoinedEvent),
    LeaderboardChanged(LeaderboardChangedEvent),
    HuntStatusChanged(HuntStatusChangedEvent),
}

impl HuntEvent {
    /// What subscribers of the hunt see of `event`: the event itself, then, if scores may have moved, the
    /// leaderboard.
    pub fn expand(event: &events::HuntEvent) -> Vec<Self> {
        let hunt_id = event.hunt_id();
        let first = match event {
            events::HuntEvent::ClueSolved {
                clue_id,
                player_id,
                points,
                solved_at,
                ..
            } => Self::ClueSolved(ClueSolvedEvent {
                hunt_id,
                clue_id: *clue_id,
                player_id: *player_id,
                points: *points,
                solved_at: *solved_at,
            }),
            events::HuntEvent::PlayerJoined { player_id, .. } => {
                Self::PlayerJoined(PlayerJoinedEvent {
                    hunt_id,
                    player_id: *player_id,
                })
            }
            events::HuntEvent::StatusChanged { status, .. } => {
                Self::HuntStatusChanged(HuntStatusChangedEvent {
                    hunt_id,
                    status: (*status).into(),
                })
            }
        };
        let mut expanded = vec![first];
        if event.moves_leaderboard() {
            expanded.push(Self::LeaderboardChanged(LeaderboardChangedEvent {
                hunt_id,
            }));
        }
        expanded
    }
}

/// A player solved a clue for the first time.
pub struct ClueSolvedEvent {
    hunt_id: i64,
    clue_id: i64,
    player_id: i64,
    points: i32,
    solved_at: DateTime<Utc>,
}

#[Object]
impl ClueSolvedEvent {
    async fn hunt(&self, ctx: &Context<'_>) -> Result<Joined<Hunt>> {
        Ok(Joined(Hunt(load_some(ctx, HuntId(self.hunt_id)).await?)))
    }

    /// The clue solved; its `riddle` shows only if it is unlocked for you.
    async fn clue(&self, ctx: &Context<'_>) -> Result<Joined<Clue>> {
        Ok(Joined(Clue(load_some(ctx, ClueId(self.clue_id)).await?)))
    }

    /// Who solved it.
    async fn player(&self, ctx: &Context<'_>) -> Result<Joined<Player>> {
        Ok(Joined(Player(
            load_some(ctx, PlayerId(self.player_id)).await?,
        )))
    }

    /// Points scored.
    async fn points(&self) -> i32 {
        self.points
    }

    async fn solved_at(&self) -> DateTime<Utc> {
        self.solved_at
    }
}

/// A player joined the hunt.
pub struct PlayerJoinedEvent {
    hunt_id: i64,
    player_id: i64,
}

#[Object]
impl PlayerJoinedEvent {
    async fn hunt(&self, ctx: &Context<'_>) -> Result<Joined<Hunt>> {
        Ok(Joined(Hunt(load_some(ctx, HuntId(self.hunt_id)).await?)))
    }

    async fn player(&self, ctx: &Context<'_>) -> Result<Joined<Player>> {
        Ok(Joined(Player(
            load_some(ctx, PlayerId(self.player_id)).await?,
        )))
    }
}

/// The hunt's ranking may have changed (after a solve or a join).
pub struct LeaderboardChangedEvent {
    pub(crate) hunt_id: i64,
}

#[Object]
impl LeaderboardChangedEvent {
    async fn hunt(&self, ctx: &Context<'_>) -> Result<Joined<Hunt>> {
        Ok(Joined(Hunt(load_some(ctx, HuntId(self.hunt_id)).await?)))
    }

    /// The top of the leaderboard as it is now.
    #[graphql(complexity = "first * child_complexity")]
    async fn top(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "How many entries (0 to 100).",
            default = 10,
            validator(minimum = 0, maximum = 100)
        )]
        first: usize,
    ) -> Result<Vec<Joined<LeaderboardEntry>>> {
        LeaderboardEntry::of_hunt(ctx, self.hunt_id, first).await
    }
}

/// The hunt started or ended.
pub struct HuntStatusChangedEvent {
    hunt_id: i64,
    status: HuntStatus,
}

#[Object]
impl HuntStatusChangedEvent {
    async fn hunt(&self, ctx: &Context<'_>) -> Result<Joined<Hunt>> {
        Ok(Joined(Hunt(load_some(ctx, HuntId(self.hunt_id)).await?)))
    }

    async fn status(&self) -> HuntStatus {
        self.status
    }
}
