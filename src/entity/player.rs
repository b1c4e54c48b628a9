//! A player row: one per account.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "players")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub account_id: String,
    pub handle: String,
    #[sea_orm(unique)]
    pub handle_key: String,
    pub display_name: String,
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
            account_id: row.try_get_by_index(at + Column::AccountId as usize)?,
            handle: row.try_get_by_index(at + Column::Handle as usize)?,
            handle_key: row.try_get_by_index(at + Column::HandleKey as usize)?,
            display_name: row.try_get_by_index(at + Column::DisplayName as usize)?,
            created_at: row.try_get_by_index(at + Column::CreatedAt as usize)?,
        })
    }
}
