//! How the caller stands towards a hunt, from this request's loaders.

use std::collections::HashSet;

use async_graphql::{Context, Result};

use crate::entity::hunt;
use crate::game::unlock::Viewer;
use crate::graphql::context::{caller, load};
use crate::loaders::{CluesOfHunt, PlayerAccount, SolvesOfPlayer};

/// The caller as a [`Viewer`] of `hunt`: its organiser, or a player with the clues they solved in it.
pub async fn viewer_of(ctx: &Context<'_>, hunt: &hunt::Model) -> Result<Viewer> {
    let Some(actor) = caller(ctx) else {
        return Ok(Viewer::anonymous());
    };
    if actor.account_id == hunt.organizer_account_id {
        return Ok(Viewer::Organizer);
    }
    let Some(player) = load(ctx, PlayerAccount(actor.account_id.clone())).await? else {
        return Ok(Viewer::anonymous());
    };
    let solves = load(ctx, SolvesOfPlayer(player.id))
        .await?
        .unwrap_or_default();
    let solved: HashSet<i64> = solves
        .iter()
        .filter(|s| s.hunt_id == hunt.id)
        .map(|s| s.clue_id)
        .collect();
    if solved.is_empty() {
        return Ok(Viewer::anonymous());
    }
    let clues = load(ctx, CluesOfHunt(hunt.id)).await?.unwrap_or_default();
    let solved_positions = clues
        .iter()
        .filter(|c| solved.contains(&c.id))
        .map(|c| c.position)
        .collect();
    Ok(Viewer::Player { solved_positions })
}
