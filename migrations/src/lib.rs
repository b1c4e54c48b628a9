//! Database migrations for Treasure Hunt Engine, one file per migration, each reversible.
//!
//! The server applies them at start-up (unless `--no-migrate`), `treasure-hunt migrate` applies or inspects
//! them by hand, and the tests run exactly these migrations against fresh databases.

pub use sea_orm_migration::prelude::*;

mod m20261127_000001_create_hunts;
mod m20261127_000002_create_clues;
mod m20261127_000003_create_players;
mod m20261127_000004_create_enrolments;
mod m20261127_000005_create_solves;
mod m20261127_000006_create_answer_attempts;
mod m20261202_000007_index_batched_reads;

/// Every migration of the schema, oldest first.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261127_000001_create_hunts::Migration),
            Box::new(m20261127_000002_create_clues::Migration),
            Box::new(m20261127_000003_create_players::Migration),
            Box::new(m20261127_000004_create_enrolments::Migration),
            Box::new(m20261127_000005_create_solves::Migration),
            Box::new(m20261127_000006_create_answer_attempts::Migration),
            Box::new(m20261202_000007_index_batched_reads::Migration),
        ]
    }
}
