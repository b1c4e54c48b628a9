//! What can go wrong in the game, in the players' and organisers' terms.

use sea_orm::DbErr;

/// A refusal or failure of a game operation. The GraphQL layer turns each variant into one error code.
#[derive(Debug, thiserror::Error)]
pub enum GameError {
    /// The thing named does not exist (or the caller may not know that it does).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// An input value is malformed or out of range.
    #[error("{field}: {message}")]
    InvalidInput {
        field: &'static str,
        message: String,
    },
    /// The caller is known but not allowed to do this.
    #[error("{0}")]
    Forbidden(String),
    /// The operation would duplicate something unique (a slug, a handle, a registration).
    #[error("{0}")]
    Conflict(String),
    /// The game is not in a state that allows this (hunt not active, not joined yet, ...).
    #[error("{0}")]
    FailedPrecondition(String),
    /// Too many attempts at one clue lately (wrong ones, and ones still being checked); try again after
    /// `retry_after_secs`.
    #[error("too many attempts at this clue; try again in {retry_after_secs} s")]
    RateLimited { retry_after_secs: u64 },
    /// Storage failed; never shown to clients as is.
    #[error("database error: {0}")]
    Database(#[from] DbErr),
    /// Something that should not happen did; never shown to clients as is.
    #[error("internal error: {0}")]
    Internal(String),
}

impl GameError {
    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        Self::InvalidInput {
            field,
            message: message.into(),
        }
    }
}

/// Whether a database error is a unique-constraint violation, the way both backends report it.
pub(crate) fn is_unique_violation(err: &DbErr) -> bool {
    matches!(
        err.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    )
}
