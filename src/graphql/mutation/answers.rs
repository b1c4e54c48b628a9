//! Submitting answers.

use async_graphql::{Context, ErrorExtensions, ID, Object, Result};

use crate::game::answers::{self, AttemptLimit};
use crate::graphql::context::{actor, db, forget_cached, publish};
use crate::graphql::guard::SIGNED_IN;
use crate::graphql::id::{self, Kind};
use crate::graphql::types::{Clue, SubmitAnswerResult};

#[derive(Default)]
pub struct AnswerMutation;

#[Object]
impl AnswerMutation {
    /// Answers an unlocked clue of a hunt you joined. A right answer scores the clue's points once and unlocks
    /// the next clue; answers are compared ignoring letter case and extra spaces.
    #[graphql(guard = "SIGNED_IN")]
    async fn submit_answer(
        &self,
        ctx: &Context<'_>,
        clue_id: ID,
        answer: String,
    ) -> Result<SubmitAnswerResult> {
        let actor = actor(ctx, "submit answers")?;
        forget_cached(ctx);
        let clue_id = id::decode(Kind::Clue, "clueId", &clue_id)?;
        let limit = ctx.data_opt::<AttemptLimit>().copied().unwrap_or_default();
        let outcome = answers::submit_answer(db(ctx), actor, clue_id, answer, limit)
            .await
            .map_err(|e| e.extend())?;
        publish(ctx, outcome.event).await;
        Ok(SubmitAnswerResult {
            correct: outcome.correct,
            points_awarded: outcome.points_awarded,
            clue: Clue::from(outcome.clue),
            next_clue: outcome.next_clue.map(Clue::from),
            attempts_left: Some(i32::try_from(outcome.attempts_left).unwrap_or(i32::MAX)),
        })
    }
}
