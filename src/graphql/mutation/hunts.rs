//! Organisers' mutations.

use async_graphql::{Context, ErrorExtensions, ID, Object, Result};

use crate::entity::hunt;
use crate::game::events::HuntEvent;
use crate::game::hunts::{self, NewClue, NewHunt};
use crate::graphql::context::{actor, db, forget_cached, publish};
use crate::graphql::guard::ORGANIZER;
use crate::graphql::id::{self, Kind};
use crate::graphql::types::{AddClueInput, Clue, CreateHuntInput, Hunt};

#[derive(Default)]
pub struct HuntMutation;

// Tagged `organizer`, so that a contract variant for players can leave them out.
#[Object]
impl HuntMutation {
    /// Creates a hunt as a `DRAFT` owned by you. Needs the `organizer` role.
    #[graphql(tag = "organizer", guard = "ORGANIZER")]
    async fn create_hunt(&self, ctx: &Context<'_>, input: CreateHuntInput) -> Result<Hunt> {
        let actor = actor(ctx, "create hunts")?;
        forget_cached(ctx);
        let new = NewHunt {
            slug: input.slug,
            title: input.title,
            description: input.description,
            starts_at: input.starts_at,
            ends_at: input.ends_at,
        };
        Ok(Hunt::from(
            hunts::create_hunt(db(ctx), actor, new)
                .await
                .map_err(|e| e.extend())?,
        ))
    }

    /// Appends a clue to one of your draft hunts. The answer is stored only as a salted hash.
    #[graphql(tag = "organizer", guard = "ORGANIZER")]
    async fn add_clue(&self, ctx: &Context<'_>, input: AddClueInput) -> Result<Clue> {
        let actor = actor(ctx, "add clues")?;
        forget_cached(ctx);
        let new = NewClue {
            hunt_id: id::decode(Kind::Hunt, "huntId", &input.hunt_id)?,
            title: input.title,
            riddle: input.riddle,
            answer: input.answer,
            points: input.points,
        };
        Ok(Clue::from(
            hunts::add_clue(db(ctx), actor, new)
                .await
                .map_err(|e| e.extend())?,
        ))
    }

    /// Opens one of your draft hunts for play (`DRAFT` -> `ACTIVE`). It needs at least one clue.
    #[graphql(tag = "organizer", guard = "ORGANIZER")]
    async fn start_hunt(&self, ctx: &Context<'_>, hunt_id: ID) -> Result<Hunt> {
        let actor = actor(ctx, "start hunts")?;
        forget_cached(ctx);
        let hunt_id = id::decode(Kind::Hunt, "huntId", &hunt_id)?;
        let hunt = hunts::start_hunt(db(ctx), actor, hunt_id)
            .await
            .map_err(|e| e.extend())?;
        announced(ctx, hunt).await
    }

    /// Closes one of your active hunts (`ACTIVE` -> `ENDED`); its leaderboard becomes final.
    #[graphql(tag = "organizer", guard = "ORGANIZER")]
    async fn end_hunt(&self, ctx: &Context<'_>, hunt_id: ID) -> Result<Hunt> {
        let actor = actor(ctx, "end hunts")?;
        forget_cached(ctx);
        let hunt_id = id::decode(Kind::Hunt, "huntId", &hunt_id)?;
        let hunt = hunts::end_hunt(db(ctx), actor, hunt_id)
            .await
            .map_err(|e| e.extend())?;
        announced(ctx, hunt).await
    }
}

/// Tells the hunt's watchers it moved to its current status (after the change committed), and returns it.
async fn announced(ctx: &Context<'_>, hunt: hunt::Model) -> Result<Hunt> {
    let event = HuntEvent::status_changed(&hunt).map_err(|e| e.extend())?;
    publish(ctx, Some(event)).await;
    Ok(Hunt::from(hunt))
}
