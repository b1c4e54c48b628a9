//! Root query fields, one part per feature, merged into `Query` in `schema.rs`.

mod entities;
mod hunts;
mod players;

pub use entities::EntityQuery;
pub use hunts::HuntQuery;
pub use players::PlayerQuery;
