//! GraphQL output and input types. Each wraps a storage model and exposes only what the API promises.

mod clue;
mod event;
mod hunt;
mod inputs;
mod leaderboard;
mod pagination;
mod player;
mod profile;
mod solve;
mod submission;
mod user;
mod viewer;

pub use clue::Clue;
pub use event::HuntEvent;
pub use hunt::{Hunt, HuntStatus};
pub use inputs::{AddClueInput, CreateHuntInput, RegisterPlayerInput};
pub use leaderboard::LeaderboardEntry;
pub use pagination::{Page, PageArgs, page};
pub use player::Player;
pub use profile::PlayerProfile;
pub use solve::Solve;
pub use submission::SubmitAnswerResult;
pub use user::User;
