//! Root mutation fields, one part per feature, merged into `Mutation` in `schema.rs`.

mod answers;
mod hunts;
mod players;

pub use answers::AnswerMutation;
pub use hunts::HuntMutation;
pub use players::PlayerMutation;
