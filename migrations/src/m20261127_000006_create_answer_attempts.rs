//! Wrong answers, kept for a while so that guessing can be rate-limited per player and clue, across replicas.

use sea_orm_migration::{prelude::*, schema::*};

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
                    .table(AnswerAttempts::Table)
                    .col(big_pk_auto(AnswerAttempts::Id))
                    .col(big_integer(AnswerAttempts::PlayerId))
                    .col(big_integer(AnswerAttempts::ClueId))
                    .col(timestamp_with_time_zone(AnswerAttempts::AttemptedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_answer_attempts_player")
                            .from(AnswerAttempts::Table, AnswerAttempts::PlayerId)
                            .to(Players::Table, Players::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_answer_attempts_clue")
                            .from(AnswerAttempts::Table, AnswerAttempts::ClueId)
                            .to(Clues::Table, Clues::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // Serves "this player's attempts at this clue within the window".
        manager
            .create_index(
                Index::create()
                    .name("idx_answer_attempts_player_clue_time")
                    .table(AnswerAttempts::Table)
                    .col(AnswerAttempts::PlayerId)
                    .col(AnswerAttempts::ClueId)
                    .col(AnswerAttempts::AttemptedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(AnswerAttempts::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum AnswerAttempts {
    Table,
    Id,
    PlayerId,
    ClueId,
    AttemptedAt,
}
