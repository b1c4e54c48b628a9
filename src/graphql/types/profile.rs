//! `PlayerProfile`: what the partner profiles service knows of a player.

use async_graphql::{Context, Result, SimpleObject};

use crate::graphql::context::load;
use crate::graphql::error::coded;
use crate::graphql::memo::Identity;
use crate::loaders::ProfileOfAccount;
use crate::upstream::profiles::Profile;

/// A player's public profile, kept by the profiles service.
#[derive(SimpleObject)]
pub struct PlayerProfile {
    /// Name shown on the profile.
    pub display_name: Option<String>,
    /// Picture URL.
    pub avatar_url: Option<String>,
    /// Country, as the profile states it.
    pub country: Option<String>,
}

/// Not memoised: a profile has no row id here (its player's object is memoised instead).
impl Identity for PlayerProfile {}

impl From<Profile> for PlayerProfile {
    fn from(profile: Profile) -> Self {
        Self {
            display_name: profile.display_name,
            avatar_url: profile.avatar_url,
            country: profile.country,
        }
    }
}

/// The profile of `account_id`, through this request's loaders (and so one upstream call per batch).
pub async fn of_account(ctx: &Context<'_>, account_id: &str) -> Result<Option<PlayerProfile>> {
    match load(ctx, ProfileOfAccount(account_id.to_owned())).await? {
        None | Some(Ok(None)) => Ok(None),
        Some(Ok(Some(profile))) => Ok(Some(profile.into())),
        Some(Err(err)) => Err(coded("UPSTREAM_UNAVAILABLE", err.to_string())),
    }
}
