//! Opaque identifiers and cursors.
//!
//! Clients see `ID`s such as `SHVudDo0Mg`: the URL-safe base64 of `Hunt:42`. They are stable, typed (a player's
//! id is not accepted where a hunt's is expected) and say nothing a client should parse.

use async_graphql::{ErrorExtensions, ID};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// What an opaque identifier names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Hunt,
    Clue,
    Player,
    /// A position in a paginated list.
    Cursor,
}

impl Kind {
    const fn prefix(self) -> &'static str {
        match self {
            Self::Hunt => "Hunt",
            Self::Clue => "Clue",
            Self::Player => "Player",
            Self::Cursor => "Cursor",
        }
    }
}

/// The opaque form of row `id` of `kind`.
pub fn encode(kind: Kind, id: i64) -> String {
    URL_SAFE_NO_PAD.encode(format!("{}:{id}", kind.prefix()))
}

/// An opaque `ID` of row `id` of `kind`.
pub fn to_id(kind: Kind, id: i64) -> ID {
    ID(encode(kind, id))
}

/// The row id inside an opaque identifier of `kind`; `BAD_USER_INPUT` naming `argument` otherwise.
pub fn decode(kind: Kind, argument: &str, value: &str) -> async_graphql::Result<i64> {
    URL_SAFE_NO_PAD
        .decode(value)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|text| {
            let (prefix, number) = text.split_once(':')?;
            (prefix == kind.prefix()).then(|| number.parse::<i64>().ok())?
        })
        .ok_or_else(|| {
            let what = match kind {
                Kind::Cursor => "a cursor from this list".to_owned(),
                other => format!("a {} id", other.prefix()),
            };
            async_graphql::Error::new(format!("{argument} is not {what}"))
                .extend_with(|_, e| e.set("code", "BAD_USER_INPUT"))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_keep_their_kind() {
        let id = encode(Kind::Hunt, 42);
        assert_eq!(decode(Kind::Hunt, "id", &id).ok(), Some(42));
        assert!(decode(Kind::Player, "id", &id).is_err());
    }

    #[test]
    fn garbage_is_refused_not_panicked_on() {
        for bad in ["", "!!!", "SHVudDo", "SHVudDp4eXo", &"A".repeat(10_000)] {
            assert!(decode(Kind::Hunt, "id", bad).is_err(), "{bad}");
        }
    }
}
