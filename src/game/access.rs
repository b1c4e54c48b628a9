//! What a caller may see. Changes are checked where they are made (`hunts`, `players`, `answers`); reading is
//! decided here, once.

use super::{Actor, GameError, HuntStatus};
use crate::entity::hunt;

/// Anyone sees an active or ended hunt; a draft is its organiser's alone.
pub fn see_hunt(hunt: &hunt::Model, actor: Option<&Actor>) -> Result<(), GameError> {
    if hunt.status != HuntStatus::Draft.as_str()
        || actor.is_some_and(|a| a.account_id == hunt.organizer_account_id)
    {
        Ok(())
    } else {
        Err(GameError::Forbidden(
            "this hunt is a draft: only its organiser can see it until it starts".into(),
        ))
    }
}
