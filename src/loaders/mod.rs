//! Batched, per-request loading of every relation, so that a nested query costs one statement per relation
//! level however many items it touches.
//!
//! There is one [`Loaders`] per request (caches never cross callers); each key type below names one relation
//! and is loaded with one `WHERE ... IN (...)` statement per batch. `batching` decides how keys are gathered.

mod batcher;
mod batching;
mod clue;
mod enrolment;
mod hunt;
mod leaderboard;
mod player;
mod profile;
mod solve;
mod store;

pub use batcher::Patience;
pub use batching::{Batching, LoaderConfig, Loaders, RelationKey, ValueOf};
pub use clue::{ClueId, CluesOfHunt};
pub use enrolment::{HuntPlayersPage, HuntsOfPlayer, PlayerPage};
pub use hunt::{HuntId, HuntSlug};
pub use leaderboard::LeaderboardOfHunt;
pub use player::{PlayerAccount, PlayerHandle, PlayerId};
pub use profile::ProfileOfAccount;
pub use solve::{SolvesOfClue, SolvesOfPlayer};
pub use store::{LoadError, Rows, Store};
