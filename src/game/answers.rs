//! Answer submission: the heart of the game.

use std::collections::HashSet;

use chrono::Utc;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    TryInsertResult,
};
use tracing::instrument;

use super::{
    Actor, GameError, HuntStatus, answer, hunts::status_of, players::require_player, unlock,
    validate,
};
use crate::entity::{clue, enrolment, hunt, solve};

/// What a submission achieved.
#[derive(Clone, Debug)]
pub struct Submission {
    /// Whether the answer was right.
    pub correct: bool,
    /// Points scored by this submission: the clue's points on the first right answer, else 0.
    pub points_awarded: i32,
    /// The clue answered.
    pub clue: clue::Model,
    /// The clue that follows it in the hunt, if any.
    pub next_clue: Option<clue::Model>,
}

/// Checks `answer` for `clue_id` on behalf of `actor`'s player and records the solve if it is right.
///
/// A clue scores once per player: the unique (player, clue) constraint decides, so concurrent right answers
/// cannot score twice.
#[instrument(skip_all, fields(clue.id = clue_id))]
pub async fn submit_answer(
    db: &impl ConnectionTrait,
    actor: &Actor,
    clue_id: i64,
    answer_text: String,
) -> Result<Submission, GameError> {
    validate::answer("answer", &answer_text)?;
    let player = require_player(db, actor).await?;
    let clue = clue::Entity::find_by_id(clue_id)
        .one(db)
        .await?
        .ok_or(GameError::NotFound("clue"))?;
    let hunt = hunt::Entity::find_by_id(clue.hunt_id)
        .one(db)
        .await?
        .ok_or(GameError::NotFound("hunt"))?;
    if status_of(&hunt)? != HuntStatus::Active {
        return Err(GameError::FailedPrecondition(
            "answers are accepted only while the hunt is active".into(),
        ));
    }
    let now = Utc::now();
    if hunt.ends_at.is_some_and(|ends| ends <= now) {
        return Err(GameError::FailedPrecondition(
            "the hunt's time is up".into(),
        ));
    }
    let enrolled = enrolment::Entity::find()
        .filter(enrolment::Column::HuntId.eq(hunt.id))
        .filter(enrolment::Column::PlayerId.eq(player.id))
        .one(db)
        .await?
        .is_some();
    if !enrolled {
        return Err(GameError::FailedPrecondition(
            "join the hunt first (joinHunt)".into(),
        ));
    }

    let hunt_clues = clue::Entity::find()
        .filter(clue::Column::HuntId.eq(hunt.id))
        .order_by_asc(clue::Column::Position)
        .all(db)
        .await?;
    let solved_ids: HashSet<i64> = solve::Entity::find()
        .filter(solve::Column::PlayerId.eq(player.id))
        .filter(solve::Column::HuntId.eq(hunt.id))
        .all(db)
        .await?
        .into_iter()
        .map(|s| s.clue_id)
        .collect();
    let solved_positions: HashSet<i32> = hunt_clues
        .iter()
        .filter(|c| solved_ids.contains(&c.id))
        .map(|c| c.position)
        .collect();
    if !unlock::is_unlocked(clue.position, &solved_positions) {
        return Err(GameError::Forbidden(format!(
            "this clue is still locked: solve clue {} first",
            clue.position - 1
        )));
    }
    let next_clue = hunt_clues
        .iter()
        .find(|c| c.position == clue.position + 1)
        .cloned();

    let correct = answer::verify_blocking(answer_text, clue.answer_hash.clone()).await?;
    let mut points_awarded = 0;
    if correct && !solved_ids.contains(&clue.id) {
        let row = solve::ActiveModel {
            player_id: Set(player.id),
            clue_id: Set(clue.id),
            hunt_id: Set(hunt.id),
            points: Set(clue.points),
            solved_at: Set(now),
            ..Default::default()
        };
        let inserted = solve::Entity::insert(row)
            .on_conflict_do_nothing_on([solve::Column::PlayerId, solve::Column::ClueId])
            .exec_without_returning(db)
            .await?;
        if matches!(inserted, TryInsertResult::Inserted(n) if n > 0) {
            points_awarded = clue.points;
        }
    }
    Ok(Submission {
        correct,
        points_awarded,
        clue,
        next_clue,
    })
}
