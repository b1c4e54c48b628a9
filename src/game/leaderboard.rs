//! Leaderboard ranking: higher score first; at equal scores, whoever reached it earlier.

use chrono::{DateTime, Utc};

/// One player's standing in one hunt, as aggregated from their solves.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScoreLine {
    pub player_id: i64,
    pub score: i64,
    pub solved_count: i64,
    /// When the player last solved a clue in the hunt; `None` for players who have solved nothing yet.
    pub last_solved_at: Option<DateTime<Utc>>,
}

/// A [`ScoreLine`] with its place on the leaderboard.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ranked {
    /// 1-based; players tied on both score and last solve time share a rank ("1, 2, 2, 4").
    pub rank: u32,
    pub line: ScoreLine,
}

/// Orders score lines into a leaderboard: score descending, then earlier last solve, then earlier player.
pub fn rank(mut lines: Vec<ScoreLine>) -> Vec<Ranked> {
    lines.sort_by(|a, b| {
        b.score
            .cmp(&a.score)
            .then_with(|| match (a.last_solved_at, b.last_solved_at) {
                (Some(a), Some(b)) => a.cmp(&b),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            })
            .then_with(|| a.player_id.cmp(&b.player_id))
    });
    let mut ranked: Vec<Ranked> = Vec::with_capacity(lines.len());
    for (index, line) in lines.into_iter().enumerate() {
        let rank = match ranked.last() {
            Some(prev)
                if prev.line.score == line.score
                    && prev.line.last_solved_at == line.last_solved_at =>
            {
                prev.rank
            }
            _ => u32::try_from(index + 1).unwrap_or(u32::MAX),
        };
        ranked.push(Ranked { rank, line });
    }
    ranked
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn line(player_id: i64, score: i64, minute: Option<u32>) -> ScoreLine {
        ScoreLine {
            player_id,
            score,
            solved_count: score / 10,
            last_solved_at: minute
                .and_then(|m| Utc.with_ymd_and_hms(2026, 1, 1, 12, m, 0).single()),
        }
    }

    #[test]
    fn higher_scores_rank_first_and_earlier_solves_break_ties() {
        let ranked = rank(vec![
            line(1, 10, Some(5)),
            line(2, 30, Some(9)),
            line(3, 10, Some(2)),
            line(4, 0, None),
        ]);
        let order: Vec<(u32, i64)> = ranked.iter().map(|r| (r.rank, r.line.player_id)).collect();
        assert_eq!(order, vec![(1, 2), (2, 3), (3, 1), (4, 4)]);
    }

    #[test]
    fn exact_ties_share_a_rank_and_the_next_rank_skips() {
        let ranked = rank(vec![
            line(1, 20, Some(3)),
            line(2, 20, Some(3)),
            line(3, 10, Some(1)),
            line(4, 0, None),
            line(5, 0, None),
        ]);
        let ranks: Vec<u32> = ranked.iter().map(|r| r.rank).collect();
        assert_eq!(ranks, vec![1, 1, 3, 4, 4]);
    }
}
