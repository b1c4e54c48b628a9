//! Mutation inputs.

use async_graphql::{ID, InputObject};
use chrono::{DateTime, Utc};

/// A new hunt. It starts as a `DRAFT` owned by you.
#[derive(InputObject)]
pub struct CreateHuntInput {
    /// Unique, URL-friendly name: 3 to 64 characters of `a-z`, `0-9` and single inner hyphens.
    pub slug: String,
    /// Display title, up to 200 characters.
    pub title: String,
    /// What the hunt is about, up to 5,000 characters.
    #[graphql(default)]
    pub description: String,
    /// When the hunt is planned to open; set to the start time by `startHunt` if left empty.
    pub starts_at: Option<DateTime<Utc>>,
    /// When answers stop being accepted; must be after `startsAt`.
    pub ends_at: Option<DateTime<Utc>>,
}

/// A new clue, appended after the hunt's last one. Clues are added while the hunt is a `DRAFT`.
#[derive(InputObject)]
pub struct AddClueInput {
    /// The hunt to add to (yours).
    pub hunt_id: ID,
    /// Short title, up to 200 characters.
    pub title: String,
    /// The riddle players read, up to 2,000 characters.
    pub riddle: String,
    /// The answer. Stored only as a salted hash; compared ignoring case, accents' encoding and extra spaces.
    pub answer: String,
    /// Points for solving it (1 to 10,000).
    #[graphql(default = 10)]
    pub points: i32,
}

/// Your player profile. One per account.
#[derive(InputObject)]
pub struct RegisterPlayerInput {
    /// Unique handle: 3 to 32 letters, digits or `_`.
    pub handle: String,
    /// Name to show, up to 100 characters.
    pub display_name: String,
}
