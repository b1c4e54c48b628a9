//! Keyset pages: the rows after an id, in id order, and whether more follow.

use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Select,
};

use super::GameError;

/// Up to `limit` rows of `query` whose `id` is after `after`, and whether more follow (one more row is read to
/// tell).
pub async fn after_id<E, C>(
    db: &impl ConnectionTrait,
    query: Select<E>,
    id: C,
    after: Option<i64>,
    limit: u64,
) -> Result<(Vec<E::Model>, bool), GameError>
where
    E: EntityTrait,
    C: ColumnTrait,
{
    let mut query = query.order_by_asc(id);
    if let Some(after) = after {
        query = query.filter(id.gt(after));
    }
    let mut rows = query.limit(limit + 1).all(db).await?;
    let has_next = rows.len() as u64 > limit;
    rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    Ok((rows, has_next))
}
