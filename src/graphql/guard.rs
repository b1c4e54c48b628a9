//! Who may call what: the guards on root fields, and the one visibility rule for hunts.
//!
//! Roles come from the verified token (`role: "organizer"`); the domain checks ownership again where it
//! changes data, so a guard is the first refusal, never the only one.

use std::sync::Arc;

use async_graphql::{Context, ErrorExtensions, Guard, Result};

use super::context::caller;
use super::error::coded;
use crate::entity::hunt;
use crate::game::access;

/// A field that needs a signed-in caller; with `organizer`, one that holds the organiser role.
pub struct Role {
    organizer: bool,
}

/// Any signed-in account: registering, joining and playing.
pub const SIGNED_IN: Role = Role { organizer: false };
/// Accounts with the `organizer` role: creating and running hunts.
pub const ORGANIZER: Role = Role { organizer: true };

impl Guard for Role {
    async fn check(&self, ctx: &Context<'_>) -> Result<()> {
        let Some(actor) = caller(ctx) else {
            return Err(coded(
                "UNAUTHENTICATED",
                format!(
                    "sign in to use `{}`: send Authorization: Bearer <token>",
                    ctx.field().name()
                ),
            ));
        };
        if self.organizer && !actor.organizer {
            return Err(coded(
                "FORBIDDEN",
                format!(
                    "`{}` needs the organizer role in your token",
                    ctx.field().name()
                ),
            ));
        }
        Ok(())
    }
}

/// `hunt` if the caller may see it (a draft only by its organiser), else `FORBIDDEN`.
pub fn visible(ctx: &Context<'_>, hunt: Arc<hunt::Model>) -> Result<Arc<hunt::Model>> {
    access::see_hunt(&hunt, caller(ctx)).map_err(|err| err.extend())?;
    Ok(hunt)
}
