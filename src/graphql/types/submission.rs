//! `SubmitAnswerResult`: what an answer achieved.

use async_graphql::SimpleObject;

use super::Clue;

/// The outcome of `submitAnswer`.
#[derive(SimpleObject)]
pub struct SubmitAnswerResult {
    /// Whether the answer was right.
    pub correct: bool,
    /// Points scored by this submission: the clue's points for your first right answer, 0 otherwise.
    pub points_awarded: i32,
    /// The clue you answered.
    pub clue: Clue,
    /// The clue that follows in the hunt (unlocked now if you were right), or `null` after the last one.
    pub next_clue: Option<Clue>,
    /// How many more wrong answers you may give this clue within the current window; past it, `submitAnswer`
    /// answers `RATE_LIMITED` with `extensions.retryAfter` (seconds).
    pub attempts_left: Option<i32>,
}
