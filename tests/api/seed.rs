//! Data sets: the demo loads once; the generator is deterministic.

use sea_orm::{EntityTrait, QueryOrder};
use treasure_hunt::entity::{enrolment, solve};
use treasure_hunt::seed::generate::{Spec, generate};

use crate::helpers::fresh_database;

async fn generated(spec: &Spec) -> (String, Vec<(i64, i64, i32)>, Vec<(i64, i64)>) {
    let (url, _dir) = fresh_database().await;
    let db = treasure_hunt::db::connect(&url).await.unwrap();
    treasure_hunt::db::migrate(&db).await.unwrap();
    let counts = generate(&db, spec).await.unwrap();
    let solves = solve::Entity::find()
        .order_by_asc(solve::Column::Id)
        .all(&db)
        .await
        .unwrap()
        .into_iter()
        .map(|s| (s.player_id, s.clue_id, s.points))
        .collect();
    let enrolments = enrolment::Entity::find()
        .order_by_asc(enrolment::Column::Id)
        .all(&db)
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.hunt_id, e.player_id))
        .collect();
    let again = generate(&db, spec).await;
    assert!(
        again.is_err(),
        "generating into a non-empty database is refused"
    );
    (counts.to_string(), solves, enrolments)
}

#[tokio::test]
async fn the_same_seed_generates_the_same_data_and_another_seed_does_not() {
    let spec = Spec {
        hunts: 6,
        clues_per_hunt: 4,
        players: 30,
        seed: 7,
    };
    let a = generated(&spec).await;
    let b = generated(&spec).await;
    assert_eq!(a, b);
    assert!(
        a.0.starts_with("generated 6 hunts, 24 clues, 30 players"),
        "{}",
        a.0
    );
    assert!(!a.1.is_empty(), "players solve some clues");
    let c = generated(&Spec { seed: 8, ..spec }).await;
    assert_ne!(a.1, c.1);
}

#[tokio::test]
async fn the_demo_loads_into_an_empty_database_only_once() {
    let (url, _dir) = fresh_database().await;
    let db = treasure_hunt::db::connect(&url).await.unwrap();
    treasure_hunt::db::migrate(&db).await.unwrap();
    assert!(treasure_hunt::seed::demo::load_if_empty(&db).await.unwrap());
    assert!(!treasure_hunt::seed::demo::load_if_empty(&db).await.unwrap());
    let hunts = treasure_hunt::entity::hunt::Entity::find()
        .all(&db)
        .await
        .unwrap();
    assert_eq!(hunts.len(), 3);
}
