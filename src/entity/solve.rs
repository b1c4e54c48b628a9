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

from_row! {
    id: Id,
    player_id: PlayerId,
    clue_id: ClueId,
    hunt_id: HuntId,
    points: Points,
    solved_at: SolvedAt,
}
