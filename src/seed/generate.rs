//! Deterministic generated data sets for benchmarks: `seed --hunts N --clues-per-hunt C --players P --seed S`.
//!
//! The same arguments always give the same rows. Players join one to three hunts each and solve a prefix of
//! each hunt's trail (clues are solved in order), most solving a few clues and some solving them all.

use std::fmt;

use chrono::{DateTime, Duration, TimeZone, Utc};
use rand::seq::index::sample;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sea_orm::{
    ActiveValue::Set, ConnectionTrait, EntityTrait, PaginatorTrait, QueryOrder, QuerySelect,
};

use crate::entity::{clue, enrolment, hunt, player, solve};
use crate::game::answer::{Cost, hash_with_cost};
use crate::game::{GameError, HuntStatus};

/// Rows per INSERT: well under both backends' bind-parameter limits.
const CHUNK: usize = 1_000;

/// What to generate.
#[derive(Clone, Debug)]
pub struct Spec {
    pub hunts: u32,
    pub clues_per_hunt: u32,
    pub players: u32,
    pub seed: u64,
}

/// What was generated.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub hunts: usize,
    pub clues: usize,
    pub players: usize,
    pub enrolments: usize,
    pub solves: usize,
}

impl fmt::Display for Counts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "generated {} hunts, {} clues, {} players, {} enrolments, {} solves",
            self.hunts, self.clues, self.players, self.enrolments, self.solves
        )
    }
}

/// The answer of generated clue `position` of hunt `hunt_index`, for benchmarks that submit answers.
pub fn generated_answer(hunt_index: u32, position: u32) -> String {
    format!("answer {hunt_index} {position}")
}

fn epoch() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
        .single()
        .unwrap_or_default()
}

/// Generates `spec` into an empty database.
pub async fn generate(db: &impl ConnectionTrait, spec: &Spec) -> Result<Counts, GameError> {
    if hunt::Entity::find().count(db).await? > 0 || player::Entity::find().count(db).await? > 0 {
        return Err(GameError::FailedPrecondition(
            "the database is not empty: generate into a fresh one (`treasure-hunt migrate fresh`)"
                .into(),
        ));
    }
    if spec.clues_per_hunt > 100 {
        return Err(GameError::invalid("clues-per-hunt", "must be at most 100"));
    }
    let mut rng = ChaCha8Rng::seed_from_u64(spec.seed);
    let epoch = epoch();
    let mut counts = Counts::default();

    let hunts: Vec<hunt::ActiveModel> = (0..spec.hunts)
        .map(|i| {
            let status = if rng.random_bool(0.8) {
                HuntStatus::Active
            } else {
                HuntStatus::Ended
            };
            let starts = epoch + Duration::hours(i64::from(i));
            hunt::ActiveModel {
                slug: Set(format!("hunt-{i:06}")),
                title: Set(format!("Generated hunt {i}")),
                description: Set(format!(
                    "Hunt {i} of a generated data set (seed {}).",
                    spec.seed
                )),
                status: Set(status.as_str().to_owned()),
                organizer_account_id: Set(format!("organizer-{}", i % 10)),
                starts_at: Set(Some(starts)),
                ends_at: Set((status == HuntStatus::Ended).then(|| starts + Duration::days(7))),
                created_at: Set(starts),
                ..Default::default()
            }
        })
        .collect();
    counts.hunts = insert_chunked::<hunt::Entity, _>(db, hunts).await?;
    let hunt_ids = ids_in_order::<hunt::Entity, _>(db, hunt::Column::Id).await?;

    let answers: Vec<(i64, u32, String)> = hunt_ids
        .iter()
        .enumerate()
        .flat_map(|(index, hunt_id)| {
            let index = u32::try_from(index).unwrap_or(u32::MAX);
            (1..=spec.clues_per_hunt)
                .map(move |position| (*hunt_id, position, generated_answer(index, position)))
        })
        .collect();
    let hashes = tokio::task::spawn_blocking(move || {
        answers
            .into_iter()
            .map(|(hunt_id, position, answer)| {
                Ok((hunt_id, position, hash_with_cost(&answer, Cost::Light)?))
            })
            .collect::<Result<Vec<_>, GameError>>()
    })
    .await
    .map_err(|err| GameError::Internal(format!("hashing generated answers: {err}")))??;
    let mut points_of = std::collections::HashMap::new();
    let clues: Vec<clue::ActiveModel> = hashes
        .into_iter()
        .map(|(hunt_id, position, answer_hash)| {
            let points = 5 * rng.random_range(2..=10);
            points_of.insert((hunt_id, position), points);
            clue::ActiveModel {
                hunt_id: Set(hunt_id),
                position: Set(i32::try_from(position).unwrap_or(i32::MAX)),
                title: Set(format!("Clue {position}")),
                riddle: Set(format!(
                    "Riddle {position} of hunt {hunt_id}: what is the answer?"
                )),
                answer_hash: Set(answer_hash),
                points: Set(points),
                created_at: Set(epoch),
                ..Default::default()
            }
        })
        .collect();
    counts.clues = insert_chunked::<clue::Entity, _>(db, clues).await?;
    // Clue ids by (hunt, position), in the order inserted.
    let clue_rows: Vec<(i64, i64, i32)> = clue::Entity::find()
        .select_only()
        .columns([
            clue::Column::Id,
            clue::Column::HuntId,
            clue::Column::Position,
        ])
        .order_by_asc(clue::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    let mut clues_of: std::collections::HashMap<i64, Vec<(i64, i32)>> =
        std::collections::HashMap::new();
    for (id, hunt_id, position) in clue_rows {
        clues_of.entry(hunt_id).or_default().push((id, position));
    }

    let players: Vec<player::ActiveModel> = (0..spec.players)
        .map(|i| player::ActiveModel {
            account_id: Set(format!("account-{i}")),
            handle: Set(format!("player_{i}")),
            handle_key: Set(format!("player_{i}")),
            display_name: Set(format!("Player {i}")),
            created_at: Set(epoch),
            ..Default::default()
        })
        .collect();
    counts.players = insert_chunked::<player::Entity, _>(db, players).await?;
    let player_ids = ids_in_order::<player::Entity, _>(db, player::Column::Id).await?;

    let mut enrolments = Vec::new();
    let mut solves = Vec::new();
    if !hunt_ids.is_empty() {
        for player_id in &player_ids {
            let joins = rng.random_range(1..=hunt_ids.len().min(3));
            for hunt_index in sample(&mut rng, hunt_ids.len(), joins) {
                let hunt_id = hunt_ids[hunt_index];
                let joined_at = epoch + Duration::minutes(rng.random_range(0..60 * 24));
                enrolments.push(enrolment::ActiveModel {
                    hunt_id: Set(hunt_id),
                    player_id: Set(*player_id),
                    joined_at: Set(joined_at),
                    ..Default::default()
                });
                // The lower of two draws: most players solve a few clues, few solve them all.
                let trail = clues_of.get(&hunt_id).map_or(&[][..], Vec::as_slice);
                let solved = rng
                    .random_range(0..=trail.len())
                    .min(rng.random_range(0..=trail.len()));
                let mut at = joined_at;
                for (clue_id, position) in trail.iter().take(solved) {
                    at += Duration::seconds(rng.random_range(30..3_600));
                    let position = u32::try_from(*position).unwrap_or_default();
                    solves.push(solve::ActiveModel {
                        player_id: Set(*player_id),
                        clue_id: Set(*clue_id),
                        hunt_id: Set(hunt_id),
                        points: Set(points_of.get(&(hunt_id, position)).copied().unwrap_or(10)),
                        solved_at: Set(at),
                        ..Default::default()
                    });
                }
            }
        }
    }
    counts.enrolments = insert_chunked::<enrolment::Entity, _>(db, enrolments).await?;
    counts.solves = insert_chunked::<solve::Entity, _>(db, solves).await?;
    Ok(counts)
}

async fn insert_chunked<E, A>(db: &impl ConnectionTrait, rows: Vec<A>) -> Result<usize, GameError>
where
    E: EntityTrait,
    A: sea_orm::ActiveModelTrait<Entity = E> + Send,
{
    let total = rows.len();
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<A> = rows.by_ref().take(CHUNK).collect();
        E::insert_many(chunk).exec_without_returning(db).await?;
    }
    Ok(total)
}

async fn ids_in_order<E, C>(db: &impl ConnectionTrait, id: C) -> Result<Vec<i64>, GameError>
where
    E: EntityTrait,
    C: sea_orm::ColumnTrait,
{
    Ok(E::find()
        .select_only()
        .column(id)
        .order_by_asc(id)
        .into_tuple()
        .all(db)
        .await?)
}
