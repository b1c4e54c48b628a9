//! A solve row: a player solved a clue.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "solves")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub player_id: i64,
    pub clue_id: i64,
    pub hunt_id: i64,
    pub points: i32,
    pub solved_at: DateTimeUtc,
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
            player_id: row.try_get_by_index(at + Column::PlayerId as usize)?,
            clue_id: row.try_get_by_index(at + Column::ClueId as usize)?,
            hunt_id: row.try_get_by_index(at + Column::HuntId as usize)?,
            points: row.try_get_by_index(at + Column::Points as usize)?,
            solved_at: row.try_get_by_index(at + Column::SolvedAt as usize)?,
        })
    }
}
