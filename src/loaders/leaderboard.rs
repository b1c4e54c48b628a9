//! Leaderboards: every enrolled player's score in a hunt, ranked.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::dataloader::Loader;
use chrono::{DateTime, Utc};
use sea_orm::FromQueryResult;
use sea_orm::sea_query::{Alias, Condition, Expr, ExprTrait, JoinType, Query};
use tracing::instrument;

use super::store::group_by;
use super::{LoadError, Store};
use crate::entity::{enrolment, solve};
use crate::game::leaderboard::{Ranked, ScoreLine, rank};

/// The ranked leaderboard of a hunt, including players who joined but have not scored yet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct LeaderboardOfHunt(pub i64);

#[derive(Debug, FromQueryResult)]
struct ScoreRow {
    hunt_id: i64,
    player_id: i64,
    score: i64,
    solved_count: i64,
    last_solved_at: Option<DateTime<Utc>>,
}

impl Loader<LeaderboardOfHunt> for Store {
    type Value = Arc<Vec<Ranked>>;
    type Error = LoadError;

    #[instrument(name = "load leaderboards of hunts", skip_all, fields(keys = keys.len()))]
    async fn load(
        &self,
        keys: &[LeaderboardOfHunt],
    ) -> Result<HashMap<LeaderboardOfHunt, Arc<Vec<Ranked>>>, LoadError> {
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
                    .add(
                        Expr::col((s, solve::Column::HuntId))
                            .equals((e, enrolment::Column::HuntId)),
                    )
                    .add(
                        Expr::col((s, solve::Column::PlayerId))
                            .equals((e, enrolment::Column::PlayerId)),
                    ),
            )
            .and_where(Expr::col((e, enrolment::Column::HuntId)).is_in(keys.iter().map(|k| k.0)))
            .group_by_col((e, enrolment::Column::HuntId))
            .group_by_col((e, enrolment::Column::PlayerId));
        let statement = self.db.get_database_backend().build(&query);
        let rows = ScoreRow::find_by_statement(statement).all(&self.db).await?;
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
