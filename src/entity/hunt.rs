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

impl super::FromRow for Model {
    fn width() -> usize {
        <Column as sea_orm::Iterable>::iter().len()
    }

    fn from_row(row: &QueryResult, at: usize) -> Result<Self, DbErr> {
        Ok(Self {
            id: row.try_get_by_index(at + Column::Id as usize)?,
            slug: row.try_get_by_index(at + Column::Slug as usize)?,
            title: row.try_get_by_index(at + Column::Title as usize)?,
            description: row.try_get_by_index(at + Column::Description as usize)?,
            status: row.try_get_by_index(at + Column::Status as usize)?,
            organizer_account_id: row.try_get_by_index(at + Column::OrganizerAccountId as usize)?,
            starts_at: row.try_get_by_index(at + Column::StartsAt as usize)?,
            ends_at: row.try_get_by_index(at + Column::EndsAt as usize)?,
            created_at: row.try_get_by_index(at + Column::CreatedAt as usize)?,
        })
    }
}
