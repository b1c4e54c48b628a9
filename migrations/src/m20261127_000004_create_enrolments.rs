//! Enrolments: a player joined a hunt. Joining twice is impossible by constraint.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261127_000001_create_hunts::Hunts;
use crate::m20261127_000003_create_players::Players;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Enrolments::Table)
                    .col(big_pk_auto(Enrolments::Id))
                    .col(big_integer(Enrolments::HuntId))
                    .col(big_integer(Enrolments::PlayerId))
                    .col(timestamp_with_time_zone(Enrolments::JoinedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_enrolments_hunt")
                            .from(Enrolments::Table, Enrolments::HuntId)
                            .to(Hunts::Table, Hunts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_enrolments_player")
                            .from(Enrolments::Table, Enrolments::PlayerId)
                            .to(Players::Table, Players::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // Serves "players by hunt" (paged by enrolment id) and forbids joining twice.
        manager
            .create_index(
                Index::create()
                    .name("ux_enrolments_hunt_player")
                    .table(Enrolments::Table)
                    .col(Enrolments::HuntId)
                    .col(Enrolments::PlayerId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        // Serves "hunts by player".
        manager
            .create_index(
                Index::create()
                    .name("idx_enrolments_player")
                    .table(Enrolments::Table)
                    .col(Enrolments::PlayerId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Enrolments::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
pub(crate) enum Enrolments {
    Table,
    Id,
    HuntId,
    PlayerId,
    JoinedAt,
}
