//! Leaderboards: every enrolled player's score in a hunt, ranked.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::dataloader::Loader;
use chrono::{DateTime, Utc};
use sea_orm::FromQueryResult;
use sea_orm::sea_query::{Alias, Condition, Expr, ExprTrait, JoinType, Query, SelectStatement};
use serde::de::SeqAccess;
use tracing::instrument;

use super::store::group_by;
use super::{LoadError, Store};
use crate::entity::cell::Cell;
use crate::entity::{JsonRow, enrolment, solve};
use crate::game::leaderboard::{Ranked, ScoreLine, rank};

/// The ranked leaderboard of a hunt, including players who joined but have not scored yet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct LeaderboardOfHunt(pub i64);

#[derive(Debug, PartialEq, FromQueryResult)]
struct ScoreRow {
    hunt_id: i64,
    player_id: i64,
    score: i64,
    solved_count: i64,
    last_solved_at: Option<DateTime<Utc>>,
}

impl JsonRow for ScoreRow {
    fn columns(names: &mut Vec<&'static str>) {
        names.extend([
            "hunt_id",
            "player_id",
            "score",
            "solved_count",
            "last_solved_at",
        ]);
    }

    fn from_json<'de, A: SeqAccess<'de>>(row: &mut A) -> Result<Self, A::Error> {
        Ok(Self {
            hunt_id: Cell::next(row)?,
            player_id: Cell::next(row)?,
            score: Cell::next(row)?,
            solved_count: Cell::next(row)?,
            last_solved_at: Cell::next(row)?,
        })
    }
}

impl Loader<LeaderboardOfHunt> for Store {
    type Value = Arc<Vec<Ranked>>;
    type Error = LoadError;

    #[instrument(name = "load leaderboards of hunts", skip_all, fields(keys = keys.len()))]
    async fn load(
        &self,
        keys: &[LeaderboardOfHunt],
    ) -> Result<HashMap<LeaderboardOfHunt, Arc<Vec<Ranked>>>, LoadError> {
        let statement = self
            .db
            .get_database_backend()
            .build(&scores(keys.iter().map(|k| k.0)));
        let rows = self.rows::<ScoreRow>(statement).await?;
        let grouped = group_by(keys, rows, |row| LeaderboardOfHunt(row.hunt_id));
        Ok(grouped
            .into_iter()
            .map(|(key, rows)| {
                let lines = rows
                    .iter()
                    .map(|row| ScoreLine {
                        player_id: row.player_id,
                        score: row.score,
                        solved_count: row.solved_count,
                        last_solved_at: row.last_solved_at,
                    })
                    .collect();
                (key, Arc::new(rank(lines)))
            })
            .collect())
    }
}

/// Every enrolled player's score in the hunts `hunt_ids`: points, solves and the last solve, one row each.
fn scores(hunt_ids: impl IntoIterator<Item = i64>) -> SelectStatement {
    let e = enrolment::Entity;
    let s = solve::Entity;
    let mut query = Query::select();
    query
        .column((e, enrolment::Column::HuntId))
        .column((e, enrolment::Column::PlayerId))
        .expr_as(
            Expr::cust("COALESCE(SUM(solves.points), 0)"),
            Alias::new("score"),
        )
        .expr_as(Expr::cust("COUNT(solves.id)"), Alias::new("solved_count"))
        .expr_as(
            Expr::col((s, solve::Column::SolvedAt)).max(),
            Alias::new("last_solved_at"),
        )
        .from(e)
        .join(
            JoinType::LeftJoin,
            s,
            Condition::all()
                .add(Expr::col((s, solve::Column::HuntId)).equals((e, enrolment::Column::HuntId)))
                .add(
                    Expr::col((s, solve::Column::PlayerId))
                        .equals((e, enrolment::Column::PlayerId)),
                ),
        )
        .and_where(Expr::col((e, enrolment::Column::HuntId)).is_in(hunt_ids))
        .group_by_col((e, enrolment::Column::HuntId))
        .group_by_col((e, enrolment::Column::PlayerId));
    query
}

#[cfg(test)]
mod tests {
    use sea_orm::{DbBackend, EntityTrait};

    use super::*;
    use crate::entity::hunt;
    use crate::loaders::store::tests::{same_as_rows, sqlite_store};

    #[tokio::test]
    async fn scores_read_as_json_equal_scores_read_as_rows() {
        let (_dir, store) = sqlite_store().await;
        let hunts = hunt::Entity::find().all(&store.db).await.expect("hunts");
        let statement = DbBackend::Sqlite.build(&scores(hunts.iter().map(|h| h.id)));
        let rows = same_as_rows::<ScoreRow>(&store, statement).await;
        assert!(
            rows.iter()
                .any(|r| r.score > 0 && r.last_solved_at.is_some())
        );
        assert!(
            rows.iter()
                .any(|r| r.solved_count == 0 && r.last_solved_at.is_none())
        );
    }
}
