//! The one conversion from domain and loader failures into GraphQL errors with `extensions.code`.
//!
//! Refusals keep their message; storage and internal failures are logged once here and reach the client only
//! as a generic `INTERNAL` error.

use async_graphql::{Error, ErrorExtensions};

use crate::game::GameError;
use crate::loaders::LoadError;

/// A GraphQL error with `extensions.code` set to `code`.
pub fn coded(code: &'static str, message: impl Into<String>) -> Error {
    Error::new(message).extend_with(|_, e| e.set("code", code))
}

/// The error every client sees for a failure that is ours, not theirs.
pub fn internal() -> Error {
    coded("INTERNAL", "internal error")
}

impl ErrorExtensions for GameError {
    fn extend(&self) -> Error {
        let code = match self {
            GameError::NotFound(_) => "NOT_FOUND",
            GameError::InvalidInput { .. } => "BAD_USER_INPUT",
            GameError::Forbidden(_) => "FORBIDDEN",
            GameError::Conflict(_) => "CONFLICT",
            GameError::FailedPrecondition(_) => "FAILED_PRECONDITION",
            GameError::RateLimited { .. } => "RATE_LIMITED",
            GameError::Database(_) | GameError::Internal(_) => {
                tracing::error!(error = %self, "operation failed");
                return internal();
            }
        };
        let error = coded(code, self.to_string());
        match self {
            GameError::InvalidInput { field, .. } => {
                error.extend_with(|_, e| e.set("field", *field))
            }
            GameError::RateLimited { retry_after_secs } => {
                error.extend_with(|_, e| e.set("retryAfter", *retry_after_secs))
            }
            _ => error,
        }
    }
}

impl ErrorExtensions for LoadError {
    fn extend(&self) -> Error {
        tracing::error!(error = %self, "batch load failed");
        internal()
    }
}
