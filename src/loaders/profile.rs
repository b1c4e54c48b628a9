//! Players' profiles, from the partner profiles service.

use std::collections::HashMap;

use async_graphql::dataloader::Loader;

use super::{LoadError, Store};
use crate::upstream::profiles::{Profile, UpstreamError};

/// The profile of an account (a player's `sub`). Each key gets its own outcome, so that a failed call marks
/// only the profiles it was for.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ProfileOfAccount(pub String);

impl Loader<ProfileOfAccount> for Store {
    type Value = Result<Option<Profile>, UpstreamError>;
    type Error = LoadError;

    async fn load(
        &self,
        keys: &[ProfileOfAccount],
    ) -> Result<HashMap<ProfileOfAccount, Self::Value>, LoadError> {
        let Some(client) = &self.profiles else {
            return Ok(HashMap::new());
        };
        let ids: Vec<String> = keys.iter().map(|k| k.0.clone()).collect();
        let found = client.profiles(&ids).await;
        Ok(found
            .into_iter()
            .map(|(id, outcome)| (ProfileOfAccount(id), outcome))
            .collect())
    }
}
