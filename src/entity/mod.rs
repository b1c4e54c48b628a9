//! SeaORM models of the tables that `migrations/` creates. These are storage shapes, not API shapes:
//! GraphQL types live in `crate::graphql::types` and are built from these.

pub mod answer_attempt;
pub mod clue;
pub mod enrolment;
pub mod hunt;
pub mod player;
pub mod solve;
