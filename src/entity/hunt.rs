//! A hunt row.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "hunts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub slug: String,
    pub title: String,
    pub description: String,
    /// One of `DRAFT`, `ACTIVE`, `ENDED`; see [`crate::game::HuntStatus`].
    pub status: String,
    pub organizer_account_id: String,
    pub starts_at: Option<DateTimeUtc>,
    pub ends_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

from_row! {
    id: Id,
    slug: Slug,
    title: Title,
    description: Description,
    status: Status,
    organizer_account_id: OrganizerAccountId,
    starts_at: StartsAt,
    ends_at: EndsAt,
    created_at: CreatedAt,
}
