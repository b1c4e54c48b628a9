//! Forward cursor pagination (`first`, `after`) for Relay-style connections.

use async_graphql::Result;
use async_graphql::connection::{Connection, Edge};
use async_graphql::resolver_utils::ContainerType;

use crate::graphql::error::coded;
use crate::graphql::id::{self, Kind};
use crate::graphql::joined::Joined;
use crate::graphql::memo::Identity;

/// The most items one page may hold.
/// A page of a connection: every connection's nodes are resolved as [`Joined`] objects.
pub type Page<N> = Connection<String, Joined<N>>;

pub const MAX_FIRST: i32 = 100;

/// Validated pagination arguments: how many, after which row id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageArgs {
    pub after: Option<i64>,
    pub limit: u64,
}

impl PageArgs {
    /// Checks `first` (0 to [`MAX_FIRST`]) and decodes `after`.
    pub fn parse(first: i32, after: Option<&str>) -> Result<Self> {
        if !(0..=MAX_FIRST).contains(&first) {
            return Err(coded(
                "BAD_USER_INPUT",
                format!("first must be between 0 and {MAX_FIRST}"),
            ));
        }
        let after = after
            .map(|cursor| id::decode(Kind::Cursor, "after", cursor))
            .transpose()?;
        Ok(Self {
            after,
            limit: u64::try_from(first).unwrap_or(0),
        })
    }
}

/// A connection page from `(row id, node)` pairs in order; the row id becomes the edge's cursor.
pub fn page<N: ContainerType + Identity + 'static>(
    after: Option<i64>,
    has_next: bool,
    items: impl IntoIterator<Item = (i64, N)>,
) -> Page<N> {
    let mut connection = Connection::new(after.is_some(), has_next);
    connection.edges.extend(
        items
            .into_iter()
            .map(|(row_id, node)| Edge::new(id::encode(Kind::Cursor, row_id), Joined(node))),
    );
    connection
}
