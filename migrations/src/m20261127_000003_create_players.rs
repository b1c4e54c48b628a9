//! Players: one per account (the JWT `sub`), with a unique, case-insensitive handle.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Players::Table)
                    .col(big_pk_auto(Players::Id))
                    .col(string_len_uniq(Players::AccountId, 255))
                    .col(string_len(Players::Handle, 32))
                    // Lower-cased handle: uniqueness and look-ups ignore case.
                    .col(string_len_uniq(Players::HandleKey, 32))
                    .col(string_len(Players::DisplayName, 100))
                    .col(timestamp_with_time_zone(Players::CreatedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Players::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
pub(crate) enum Players {
    Table,
    Id,
    AccountId,
    Handle,
    HandleKey,
    DisplayName,
    CreatedAt,
}
