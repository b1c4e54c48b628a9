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

from_row! {
    id: Id,
    account_id: AccountId,
    handle: Handle,
    handle_key: HandleKey,
    display_name: DisplayName,
    created_at: CreatedAt,
}
