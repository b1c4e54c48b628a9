//! Clues: the ordered riddles of a hunt. The answer is kept only as a salted hash.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261127_000001_create_hunts::Hunts;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Clues::Table)
                    .col(big_pk_auto(Clues::Id))
                    .col(big_integer(Clues::HuntId))
                    .col(integer(Clues::Position))
                    .col(string_len(Clues::Title, 200))
                    .col(text(Clues::Riddle))
                    .col(string_len(Clues::AnswerHash, 255))
                    .col(integer(Clues::Points))
                    .col(timestamp_with_time_zone(Clues::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_clues_hunt")
                            .from(Clues::Table, Clues::HuntId)
                            .to(Hunts::Table, Hunts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // One clue per position in a hunt; also serves `clues WHERE hunt_id IN (...) ORDER BY position`.
        manager
            .create_index(
                Index::create()
                    .name("ux_clues_hunt_position")
                    .table(Clues::Table)
                    .col(Clues::HuntId)
                    .col(Clues::Position)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Clues::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
pub(crate) enum Clues {
    Table,
    Id,
    HuntId,
    Position,
    Title,
    Riddle,
    AnswerHash,
    Points,
    CreatedAt,
}
