//! Organisers' operations on hunts and clues, and the hunt listing.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QuerySelect,
};
use tracing::instrument;

use super::error::is_unique_violation;
use super::{Actor, GameError, HuntStatus, answer, page, validate};
use crate::entity::{clue, hunt};

/// What an organiser writes to create a hunt.
#[derive(Clone, Debug)]
pub struct NewHunt {
    pub slug: String,
    pub title: String,
    pub description: String,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
}

/// What an organiser writes to add a clue; `answer` is hashed and never stored as written.
#[derive(Clone)]
pub struct NewClue {
    pub hunt_id: i64,
    pub title: String,
    pub riddle: String,
    pub answer: String,
    pub points: i32,
}

/// Creates a draft hunt owned by `actor`, who must be an organiser.
#[instrument(skip_all, fields(hunt.slug = %input.slug))]
pub async fn create_hunt(
    db: &impl ConnectionTrait,
    actor: &Actor,
    input: NewHunt,
) -> Result<hunt::Model, GameError> {
    if !actor.organizer {
        return Err(GameError::Forbidden(
            "only organisers can create hunts".into(),
        ));
    }
    let slug = validate::slug(&input.slug)?;
    let title = validate::text("title", &input.title, validate::MAX_TITLE, false)?;
    let description = validate::text(
        "description",
        &input.description,
        validate::MAX_DESCRIPTION,
        true,
    )?;
    if let (Some(starts), Some(ends)) = (input.starts_at, input.ends_at)
        && ends <= starts
    {
        return Err(GameError::invalid("endsAt", "must be after startsAt"));
    }
    let row = hunt::ActiveModel {
        slug: Set(slug.clone()),
        title: Set(title),
        description: Set(description),
        status: Set(HuntStatus::Draft.as_str().to_owned()),
        organizer_account_id: Set(actor.account_id.clone()),
        starts_at: Set(input.starts_at),
        ends_at: Set(input.ends_at),
        created_at: Set(Utc::now()),
        ..Default::default()
    };
    row.insert(db).await.map_err(|err| {
        if is_unique_violation(&err) {
            GameError::Conflict(format!("the slug {slug:?} is already taken"))
        } else {
            err.into()
        }
    })
}

/// Appends a clue to a draft hunt of `actor`'s.
#[instrument(skip_all, fields(hunt.id = input.hunt_id))]
pub async fn add_clue(
    db: &impl ConnectionTrait,
    actor: &Actor,
    input: NewClue,
) -> Result<clue::Model, GameError> {
    let hunt = owned_hunt(db, actor, input.hunt_id).await?;
    if status_of(&hunt)? != HuntStatus::Draft {
        return Err(GameError::FailedPrecondition(
            "clues can only be added while the hunt is a draft".into(),
        ));
    }
    let title = validate::text("title", &input.title, validate::MAX_TITLE, false)?;
    let riddle = validate::text("riddle", &input.riddle, validate::MAX_RIDDLE, false)?;
    validate::answer("answer", &input.answer)?;
    let points = validate::points(input.points)?;

    let last_position: Option<i32> = clue::Entity::find()
        .select_only()
        .column_as(clue::Column::Position.max(), "max")
        .filter(clue::Column::HuntId.eq(hunt.id))
        .into_tuple::<Option<i32>>()
        .one(db)
        .await?
        .flatten();
    let position = last_position.unwrap_or(0) + 1;
    if usize::try_from(position).unwrap_or(usize::MAX) > validate::MAX_CLUES_PER_HUNT {
        return Err(GameError::FailedPrecondition(format!(
            "a hunt has at most {} clues",
            validate::MAX_CLUES_PER_HUNT
        )));
    }

    let answer_hash = answer::hash_blocking(input.answer).await?;
    let row = clue::ActiveModel {
        hunt_id: Set(hunt.id),
        position: Set(position),
        title: Set(title),
        riddle: Set(riddle),
        answer_hash: Set(answer_hash),
        points: Set(points),
        created_at: Set(Utc::now()),
        ..Default::default()
    };
    row.insert(db).await.map_err(|err| {
        if is_unique_violation(&err) {
            GameError::Conflict(
                "another clue was added to this hunt at the same time; retry".into(),
            )
        } else {
            err.into()
        }
    })
}

/// Opens a draft hunt of `actor`'s for play. It needs at least one clue.
#[instrument(skip_all, fields(hunt.id = hunt_id))]
pub async fn start_hunt(
    db: &impl ConnectionTrait,
    actor: &Actor,
    hunt_id: i64,
) -> Result<hunt::Model, GameError> {
    let hunt = owned_hunt(db, actor, hunt_id).await?;
    let next = status_of(&hunt)?.start()?;
    let clues = clue::Entity::find()
        .filter(clue::Column::HuntId.eq(hunt.id))
        .count(db)
        .await?;
    if clues == 0 {
        return Err(GameError::FailedPrecondition(
            "add at least one clue before starting the hunt".into(),
        ));
    }
    transition(db, hunt, next).await
}

/// Closes an active hunt of `actor`'s; its results become final.
#[instrument(skip_all, fields(hunt.id = hunt_id))]
pub async fn end_hunt(
    db: &impl ConnectionTrait,
    actor: &Actor,
    hunt_id: i64,
) -> Result<hunt::Model, GameError> {
    let hunt = owned_hunt(db, actor, hunt_id).await?;
    let next = status_of(&hunt)?.end()?;
    transition(db, hunt, next).await
}

/// One page of hunts in creation order, optionally of one status: up to `limit` hunts after id `after`,
/// and whether more follow.
#[instrument(skip_all)]
pub async fn list_hunts(
    db: &impl ConnectionTrait,
    viewer: Option<&Actor>,
    status: Option<HuntStatus>,
    after: Option<i64>,
    limit: u64,
) -> Result<(Vec<hunt::Model>, bool), GameError> {
    // Drafts are listed only to their organiser (see `access::see_hunt`).
    let draft = HuntStatus::Draft.as_str();
    let published = match viewer {
        Some(actor) => hunt::Column::Status
            .ne(draft)
            .or(hunt::Column::OrganizerAccountId.eq(actor.account_id.as_str())),
        None => hunt::Column::Status.ne(draft),
    };
    let mut query = hunt::Entity::find().filter(published);
    if let Some(status) = status {
        query = query.filter(hunt::Column::Status.eq(status.as_str()));
    }
    page::after_id(db, query, hunt::Column::Id, after, limit).await
}

/// The stored status of a hunt.
pub fn status_of(hunt: &hunt::Model) -> Result<HuntStatus, GameError> {
    hunt.status.parse()
}

async fn owned_hunt(
    db: &impl ConnectionTrait,
    actor: &Actor,
    hunt_id: i64,
) -> Result<hunt::Model, GameError> {
    let hunt = hunt::Entity::find_by_id(hunt_id)
        .one(db)
        .await?
        .ok_or(GameError::NotFound("hunt"))?;
    if hunt.organizer_account_id != actor.account_id {
        return Err(GameError::Forbidden(
            "only the hunt's organiser can change it".into(),
        ));
    }
    Ok(hunt)
}

/// Moves `hunt` to `next` unless someone else changed its status meanwhile.
async fn transition(
    db: &impl ConnectionTrait,
    hunt: hunt::Model,
    next: HuntStatus,
) -> Result<hunt::Model, GameError> {
    let now = Utc::now();
    let mut update = hunt::Entity::update_many()
        .col_expr(hunt::Column::Status, Expr::value(next.as_str()))
        .filter(hunt::Column::Id.eq(hunt.id))
        .filter(hunt::Column::Status.eq(hunt.status.as_str()));
    let mut updated = hunt.clone();
    updated.status = next.as_str().to_owned();
    match next {
        HuntStatus::Active if hunt.starts_at.is_none_or(|at| at > now) => {
            update = update.col_expr(hunt::Column::StartsAt, Expr::value(now));
            updated.starts_at = Some(now);
        }
        HuntStatus::Ended if hunt.ends_at.is_none_or(|at| at > now) => {
            update = update.col_expr(hunt::Column::EndsAt, Expr::value(now));
            updated.ends_at = Some(now);
        }
        _ => {}
    }
    if update.exec(db).await?.rows_affected == 0 {
        return Err(GameError::FailedPrecondition(
            "the hunt's status changed meanwhile; reload and retry".into(),
        ));
    }
    Ok(updated)
}
