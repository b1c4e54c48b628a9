//! A hunt's life: DRAFT -> ACTIVE -> ENDED, and nothing else.

use std::fmt;
use std::str::FromStr;

use super::GameError;

/// Where a hunt is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum HuntStatus {
    /// Being written by its organiser; clues can be added.
    Draft,
    /// Running: players join and answers are accepted.
    Active,
    /// Over: results are final.
    Ended,
}

impl HuntStatus {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "DRAFT",
            Self::Active => "ACTIVE",
            Self::Ended => "ENDED",
        }
    }

    /// The status after starting a hunt in this status.
    pub fn start(self) -> Result<Self, GameError> {
        match self {
            Self::Draft => Ok(Self::Active),
            Self::Active => Err(GameError::FailedPrecondition(
                "the hunt is already active".into(),
            )),
            Self::Ended => Err(GameError::FailedPrecondition(
                "an ended hunt cannot be restarted".into(),
            )),
        }
    }

    /// The status after ending a hunt in this status.
    pub fn end(self) -> Result<Self, GameError> {
        match self {
            Self::Active => Ok(Self::Ended),
            Self::Draft => Err(GameError::FailedPrecondition(
                "a draft hunt has not started yet".into(),
            )),
            Self::Ended => Err(GameError::FailedPrecondition(
                "the hunt has already ended".into(),
            )),
        }
    }
}

impl fmt::Display for HuntStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for HuntStatus {
    type Err = GameError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "DRAFT" => Ok(Self::Draft),
            "ACTIVE" => Ok(Self::Active),
            "ENDED" => Ok(Self::Ended),
            other => Err(GameError::Internal(format!(
                "unknown hunt status {other:?} in storage"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::HuntStatus::*;

    #[test]
    fn hunts_move_only_forward_one_step_at_a_time() {
        assert_eq!(Draft.start().ok(), Some(Active));
        assert_eq!(Active.end().ok(), Some(Ended));
        assert!(Draft.end().is_err());
        assert!(Active.start().is_err());
        assert!(Ended.start().is_err());
        assert!(Ended.end().is_err());
    }

    #[test]
    fn statuses_round_trip_through_their_stored_names() {
        for status in [Draft, Active, Ended] {
            assert_eq!(
                status.as_str().parse::<super::HuntStatus>().ok(),
                Some(status)
            );
        }
        assert!("PAUSED".parse::<super::HuntStatus>().is_err());
    }
}
