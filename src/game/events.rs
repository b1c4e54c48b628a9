//! What happens in a hunt that its watchers want to know at once. Published by the operations' callers after
//! the change is committed; carried between replicas as JSON (see `crate::events`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{GameError, HuntStatus};
use crate::entity::hunt;

/// One thing that happened in hunt `hunt_id`. Events carry ids only: each subscriber reads the rows through its
/// own loaders, so what it sees of them (a riddle, say) follows its own rights.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum HuntEvent {
    /// A player solved a clue for the first time, scoring `points`.
    ClueSolved {
        hunt_id: i64,
        clue_id: i64,
        player_id: i64,
        points: i32,
        solved_at: DateTime<Utc>,
    },
    /// A player joined the hunt.
    PlayerJoined { hunt_id: i64, player_id: i64 },
    /// The hunt started or ended.
    StatusChanged { hunt_id: i64, status: HuntStatus },
}

impl HuntEvent {
    /// The hunt it happened in.
    pub fn hunt_id(&self) -> i64 {
        match self {
            Self::ClueSolved { hunt_id, .. }
            | Self::PlayerJoined { hunt_id, .. }
            | Self::StatusChanged { hunt_id, .. } => *hunt_id,
        }
    }

    /// Whether the hunt's leaderboard may have changed with it (a solve moves scores; a new player gets a line).
    pub fn moves_leaderboard(&self) -> bool {
        matches!(self, Self::ClueSolved { .. } | Self::PlayerJoined { .. })
    }

    /// The event of `hunt` having just moved to its current status.
    pub fn status_changed(hunt: &hunt::Model) -> Result<Self, GameError> {
        Ok(Self::StatusChanged {
            hunt_id: hunt.id,
            status: super::hunts::status_of(hunt)?,
        })
    }

    /// A short name for logs and metrics.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::ClueSolved { .. } => "clue_solved",
            Self::PlayerJoined { .. } => "player_joined",
            Self::StatusChanged { .. } => "status_changed",
        }
    }
}
