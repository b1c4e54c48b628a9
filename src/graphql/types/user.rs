//! `User`: the accounts service's entity, which this subgraph extends with `player`.

use async_graphql::{Context, ID, Object, Result};

use super::Player;
use crate::graphql::context::load;
use crate::graphql::joined::Joined;
use crate::graphql::memo::Identity;
use crate::loaders::PlayerAccount;

/// The GraphQL `User`; its description for partners is on the `impl` below.
pub struct User {
    pub id: ID,
}

/// Not memoised: the accounts service owns its id, and a `User` is rarely reached twice.
impl Identity for User {}

// No description: the accounts service owns `User` and describes it; a second description here would
// make composition report inconsistent descriptions.
#[Object]
impl User {
    /// The account id (the `sub` of its tokens).
    async fn id(&self) -> &ID {
        &self.id
    }

    /// The player this account registered, if any.
    async fn player(&self, ctx: &Context<'_>) -> Result<Option<Joined<Player>>> {
        Ok(load(ctx, PlayerAccount(self.id.to_string()))
            .await?
            .map(Player)
            .map(Joined))
    }
}
