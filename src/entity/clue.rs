//! A clue row. `answer_hash` never leaves the domain layer.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "clues")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub hunt_id: i64,
    pub position: i32,
    pub title: String,
    pub riddle: String,
    pub answer_hash: String,
    pub points: i32,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

from_row! {
    id: Id,
    hunt_id: HuntId,
    position: Position,
    title: Title,
    riddle: Riddle,
    answer_hash: AnswerHash,
    points: Points,
    created_at: CreatedAt,
}
