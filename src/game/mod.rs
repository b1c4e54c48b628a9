//! The game: hunts, clues, players and solves, with their rules. Knows nothing of GraphQL or HTTP.
//!
//! Pure rules (answer normalisation, unlocking, ranking, status transitions, input validation) sit beside the
//! storage-backed operations that apply them (`hunts`, `players`, `answers`).

pub mod access;
pub mod actor;
pub mod answer;
pub mod answers;
pub mod error;
pub mod events;
pub mod hunts;
pub mod leaderboard;
pub mod page;
pub mod players;
pub mod status;
pub mod unlock;
pub mod validate;

pub use actor::Actor;
pub use error::GameError;
pub use status::HuntStatus;
