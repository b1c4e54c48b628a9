//! Players' own operations: registering, joining hunts; and the player listing.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    TryInsertResult,
};
use tracing::instrument;

use super::error::is_unique_violation;
use super::events::HuntEvent;
use super::{Actor, GameError, HuntStatus, hunts::status_of, page, validate};
use crate::entity::{enrolment, hunt, player};

/// Registers the one player of `actor`'s account.
#[instrument(skip_all)]
pub async fn register_player(
    db: &impl ConnectionTrait,
    actor: &Actor,
    handle: &str,
    display_name: &str,
) -> Result<player::Model, GameError> {
    let handle = validate::handle(handle)?;
    let display_name = validate::text(
        "displayName",
        display_name,
        validate::MAX_DISPLAY_NAME,
        false,
    )?;
    if player_of(db, actor).await?.is_some() {
        return Err(GameError::Conflict(
            "this account already has a player".into(),
        ));
    }
    let row = player::ActiveModel {
        account_id: Set(actor.account_id.clone()),
        handle_key: Set(validate::handle_key(&handle)),
        handle: Set(handle.clone()),
        display_name: Set(display_name),
        created_at: Set(Utc::now()),
        ..Default::default()
    };
    match row.insert(db).await {
        Ok(player) => Ok(player),
        Err(err) if is_unique_violation(&err) => {
            // Either a concurrent registration of this account, or the handle is someone else's.
            if player_of(db, actor).await?.is_some() {
                Err(GameError::Conflict(
                    "this account already has a player".into(),
                ))
            } else {
                Err(GameError::Conflict(format!(
                    "the handle {handle:?} is already taken"
                )))
            }
        }
        Err(err) => Err(err.into()),
    }
}

/// A hunt joined, and the event to publish if the player was not in it yet.
pub struct Joined {
    pub hunt: hunt::Model,
    pub event: Option<HuntEvent>,
}

/// Enrols `actor`'s player in an active hunt. Joining again changes nothing.
#[instrument(skip_all, fields(hunt.id = hunt_id))]
pub async fn join_hunt(
    db: &impl ConnectionTrait,
    actor: &Actor,
    hunt_id: i64,
) -> Result<Joined, GameError> {
    let player = require_player(db, actor).await?;
    let hunt = hunt::Entity::find_by_id(hunt_id)
        .one(db)
        .await?
        .ok_or(GameError::NotFound("hunt"))?;
    match status_of(&hunt)? {
        HuntStatus::Active => {}
        HuntStatus::Draft => {
            return Err(GameError::FailedPrecondition(
                "the hunt has not started yet".into(),
            ));
        }
        HuntStatus::Ended => {
            return Err(GameError::FailedPrecondition("the hunt has ended".into()));
        }
    }
    let row = enrolment::ActiveModel {
        hunt_id: Set(hunt.id),
        player_id: Set(player.id),
        joined_at: Set(Utc::now()),
        ..Default::default()
    };
    let inserted = enrolment::Entity::insert(row)
        .on_conflict_do_nothing_on([enrolment::Column::HuntId, enrolment::Column::PlayerId])
        .exec_without_returning(db)
        .await?;
    let event = matches!(inserted, TryInsertResult::Inserted(n) if n > 0).then_some(
        HuntEvent::PlayerJoined {
            hunt_id: hunt.id,
            player_id: player.id,
        },
    );
    Ok(Joined { hunt, event })
}

/// One page of players in registration order after id `after`, and whether more follow.
#[instrument(skip_all)]
pub async fn list_players(
    db: &impl ConnectionTrait,
    after: Option<i64>,
    limit: u64,
) -> Result<(Vec<player::Model>, bool), GameError> {
    page::after_id(db, player::Entity::find(), player::Column::Id, after, limit).await
}

/// The player registered by `actor`'s account, if any.
pub async fn player_of(
    db: &impl ConnectionTrait,
    actor: &Actor,
) -> Result<Option<player::Model>, GameError> {
    Ok(player::Entity::find()
        .filter(player::Column::AccountId.eq(actor.account_id.as_str()))
        .one(db)
        .await?)
}

/// The player of `actor`'s account, or the error telling them to register.
pub async fn require_player(
    db: &impl ConnectionTrait,
    actor: &Actor,
) -> Result<player::Model, GameError> {
    player_of(db, actor).await?.ok_or_else(|| {
        GameError::FailedPrecondition("register as a player first (registerPlayer)".into())
    })
}
