//! Solves: a player solved a clue, once, at a time, for some points.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261127_000001_create_hunts::Hunts;
use crate::m20261127_000002_create_clues::Clues;
use crate::m20261127_000003_create_players::Players;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Solves::Table)
                    .col(big_pk_auto(Solves::Id))
                    .col(big_integer(Solves::PlayerId))
                    .col(big_integer(Solves::ClueId))
                    // Denormalised from the clue so that leaderboards aggregate without a join.
                    .col(big_integer(Solves::HuntId))
                    .col(integer(Solves::Points))
                    .col(timestamp_with_time_zone(Solves::SolvedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_solves_player")
                            .from(Solves::Table, Solves::PlayerId)
                            .to(Players::Table, Players::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_solves_clue")
                            .from(Solves::Table, Solves::ClueId)
                            .to(Clues::Table, Clues::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_solves_hunt")
                            .from(Solves::Table, Solves::HuntId)
                            .to(Hunts::Table, Hunts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // A player solves a clue once; also serves "solves by player".
        manager
            .create_index(
                Index::create()
                    .name("ux_solves_player_clue")
                    .table(Solves::Table)
                    .col(Solves::PlayerId)
                    .col(Solves::ClueId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_solves_clue")
                    .table(Solves::Table)
                    .col(Solves::ClueId)
                    .to_owned(),
            )
            .await?;
        // Serves leaderboards: solves of a hunt grouped by player.
        manager
            .create_index(
                Index::create()
                    .name("idx_solves_hunt_player")
                    .table(Solves::Table)
                    .col(Solves::HuntId)
                    .col(Solves::PlayerId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Solves::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
pub(crate) enum Solves {
    Table,
    Id,
    PlayerId,
    ClueId,
    HuntId,
    Points,
    SolvedAt,
}
