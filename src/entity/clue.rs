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

impl super::FromRow for Model {
    fn width() -> usize {
        <Column as sea_orm::Iterable>::iter().len()
    }

    fn from_row(row: &QueryResult, at: usize) -> Result<Self, DbErr> {
        Ok(Self {
            id: row.try_get_by_index(at + Column::Id as usize)?,
            hunt_id: row.try_get_by_index(at + Column::HuntId as usize)?,
            position: row.try_get_by_index(at + Column::Position as usize)?,
            title: row.try_get_by_index(at + Column::Title as usize)?,
            riddle: row.try_get_by_index(at + Column::Riddle as usize)?,
            answer_hash: row.try_get_by_index(at + Column::AnswerHash as usize)?,
            points: row.try_get_by_index(at + Column::Points as usize)?,
            created_at: row.try_get_by_index(at + Column::CreatedAt as usize)?,
        })
    }
}
