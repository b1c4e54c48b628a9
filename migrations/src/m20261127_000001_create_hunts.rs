//! Hunts: the games organisers create, publish and end.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Hunts::Table)
                    .col(big_pk_auto(Hunts::Id))
                    .col(string_len_uniq(Hunts::Slug, 64))
                    .col(string_len(Hunts::Title, 200))
                    .col(text(Hunts::Description))
                    .col(string_len(Hunts::Status, 16))
                    .col(string_len(Hunts::OrganizerAccountId, 255))
                    .col(timestamp_with_time_zone_null(Hunts::StartsAt))
                    .col(timestamp_with_time_zone_null(Hunts::EndsAt))
                    .col(timestamp_with_time_zone(Hunts::CreatedAt))
                    .to_owned(),
            )
            .await?;
        // `hunts(status:)` pages by id within one status.
        manager
            .create_index(
                Index::create()
                    .name("idx_hunts_status_id")
                    .table(Hunts::Table)
                    .col(Hunts::Status)
                    .col(Hunts::Id)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Hunts::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
pub(crate) enum Hunts {
    Table,
    Id,
    Slug,
    Title,
    Description,
    Status,
    OrganizerAccountId,
    StartsAt,
    EndsAt,
    CreatedAt,
}
