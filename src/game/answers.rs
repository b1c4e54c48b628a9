//! Answer submission: the heart of the game.

use std::collections::HashSet;
use std::time::Duration;

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, TryInsertResult,
};
use tracing::instrument;

use super::events::HuntEvent;
use super::{
    Actor, GameError, HuntStatus, answer, hunts::status_of, players::require_player, unlock,
    validate,
};
use crate::entity::{answer_attempt, clue, enrolment, hunt, solve};

/// How many wrong answers a player may give one clue within a sliding window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AttemptLimit {
    pub max_wrong: u32,
    pub window: Duration,
}

impl Default for AttemptLimit {
    fn default() -> Self {
        Self {
            max_wrong: 5,
            window: Duration::from_secs(60),
        }
    }
}

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
    /// How many more wrong answers the player may give this clue within the current window.
    pub attempts_left: u32,
    /// What watchers of the hunt should hear once this is committed: the solve, if it scored.
    pub event: Option<HuntEvent>,
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
    limit: AttemptLimit,
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

    // Count this attempt before checking it, so that concurrent guesses see each other; a right answer is
    // taken back out below.
    let attempt = answer_attempt::ActiveModel {
        player_id: Set(player.id),
        clue_id: Set(clue.id),
        attempted_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let window = chrono::Duration::from_std(limit.window).unwrap_or(chrono::Duration::MAX);
    let recent: Vec<chrono::DateTime<Utc>> = answer_attempt::Entity::find()
        .select_only()
        .column(answer_attempt::Column::AttemptedAt)
        .filter(answer_attempt::Column::PlayerId.eq(player.id))
        .filter(answer_attempt::Column::ClueId.eq(clue.id))
        .filter(answer_attempt::Column::AttemptedAt.gt(now - window))
        .order_by_asc(answer_attempt::Column::AttemptedAt)
        .into_tuple()
        .all(db)
        .await?;
    let counted = u32::try_from(recent.len()).unwrap_or(u32::MAX);
    if counted > limit.max_wrong {
        answer_attempt::Entity::delete_by_id(attempt.id)
            .exec(db)
            .await?;
        let frees_at = recent.first().copied().unwrap_or(now) + window;
        let retry_after_secs = u64::try_from((frees_at - now).num_seconds())
            .unwrap_or(0)
            .max(1);
        return Err(GameError::RateLimited { retry_after_secs });
    }

    let correct = answer::verify_blocking(answer_text, clue.answer_hash.clone()).await?;
    let attempts_left = if correct {
        answer_attempt::Entity::delete_by_id(attempt.id)
            .exec(db)
            .await?;
        limit.max_wrong.saturating_sub(counted - 1)
    } else {
        limit.max_wrong.saturating_sub(counted)
    };
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
    let event = (points_awarded > 0).then_some(HuntEvent::ClueSolved {
        hunt_id: hunt.id,
        clue_id: clue.id,
        player_id: player.id,
        points: points_awarded,
        solved_at: now,
    });
    Ok(Submission {
        correct,
        points_awarded,
        clue,
        next_clue,
        attempts_left,
        event,
    })
}
