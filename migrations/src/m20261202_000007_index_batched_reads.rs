//! Indexes shaped like the batched reads, so that each batch reads one index in the order it lists rows.
//!
//! - Solves of clues are listed by clue, earliest first: `(clue_id, solved_at, id)`, with a solve's other
//!   columns after them, replaces the index on `clue_id` alone. SQLite looked every solve up in the table and
//!   sorted the batch in a temporary B-tree; now it reads the index alone, in order.
//! - Leaderboards sum a hunt's solves by player: `(hunt_id, player_id)` gains `points` and `solved_at`, so
//!   the sums are read from the index without visiting the table.
//! - Pages of a hunt's players number its enrolments in joining order: `(hunt_id, id)` gives that order.
//!
//! Measured in BENCHMARKS.md (session 7).

use sea_orm_migration::prelude::*;

use crate::m20261127_000004_create_enrolments::Enrolments;
use crate::m20261127_000005_create_solves::Solves;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// An index: its name, table and columns.
struct Shape {
    name: &'static str,
    table: DynIden,
    columns: Vec<DynIden>,
}

impl Shape {
    fn create(&self) -> IndexCreateStatement {
        let mut index = Index::create();
        index.name(self.name).table(self.table.clone());
        for column in &self.columns {
            index.col(column.clone());
        }
        index.to_owned()
    }

    fn drop(&self) -> IndexDropStatement {
        Index::drop()
            .name(self.name)
            .table(self.table.clone())
            .to_owned()
    }
}

/// `(before, after)`: each index this migration replaces (`None`: none) and its replacement.
fn changes() -> Vec<(Option<Shape>, Shape)> {
    let solves = || Solves::Table.into_iden();
    vec![
        (
            Some(Shape {
                name: "idx_solves_clue",
                table: solves(),
                columns: vec![Solves::ClueId.into_iden()],
            }),
            Shape {
                name: "idx_solves_clue_solved_at",
                table: solves(),
                columns: vec![
                    Solves::ClueId.into_iden(),
                    Solves::SolvedAt.into_iden(),
                    Solves::Id.into_iden(),
                    Solves::PlayerId.into_iden(),
                    Solves::HuntId.into_iden(),
                    Solves::Points.into_iden(),
                ],
            },
        ),
        (
            Some(Shape {
                name: "idx_solves_hunt_player",
                table: solves(),
                columns: vec![Solves::HuntId.into_iden(), Solves::PlayerId.into_iden()],
            }),
            Shape {
                name: "idx_solves_hunt_player_points",
                table: solves(),
                columns: vec![
                    Solves::HuntId.into_iden(),
                    Solves::PlayerId.into_iden(),
                    Solves::Points.into_iden(),
                    Solves::SolvedAt.into_iden(),
                ],
            },
        ),
        (
            None,
            Shape {
                name: "idx_enrolments_hunt_id",
                table: Enrolments::Table.into_iden(),
                columns: vec![Enrolments::HuntId.into_iden(), Enrolments::Id.into_iden()],
            },
        ),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Each replacement exists before the index it replaces goes: no moment without one.
        for (before, after) in changes() {
            manager.create_index(after.create()).await?;
            if let Some(before) = before {
                manager.drop_index(before.drop()).await?;
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (before, after) in changes().into_iter().rev() {
            if let Some(before) = before {
                manager.create_index(before.create()).await?;
            }
            manager.drop_index(after.drop()).await?;
        }
        Ok(())
    }
}
