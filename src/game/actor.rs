//! Who is acting: an authenticated account, possibly an organiser.

/// An authenticated caller, as established by a verified token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    /// The account id (the token's `sub`); players are registered against it.
    pub account_id: String,
    /// Whether the account holds the `organizer` role.
    pub organizer: bool,
}

impl Actor {
    pub fn new(account_id: impl Into<String>, organizer: bool) -> Self {
        Self {
            account_id: account_id.into(),
            organizer,
        }
    }
}
