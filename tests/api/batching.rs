//! Loader batches larger than the backend's bind-parameter limit are split into several statements.

use sea_orm::DbBackend;
use treasure_hunt::loaders::{LoaderConfig, Loaders, PlayerId};
use treasure_hunt::seed::generate::{Spec, generate};
use treasure_hunt::telemetry::Metrics;

use crate::helpers::fresh_database;

#[tokio::test]
async fn a_batch_beyond_the_bind_parameter_limit_is_split_not_failed() {
    let (url, _dir) = fresh_database().await;
    let mut db = treasure_hunt::db::connect(&url).await.unwrap();
    treasure_hunt::db::migrate(&db).await.unwrap();
    generate(
        &db,
        &Spec {
            hunts: 1,
            clues_per_hunt: 1,
            players: 20,
            seed: 1,
        },
    )
    .await
    .unwrap();
    let metrics = Metrics::new();
    let counter = metrics.clone();
    db.set_metric_callback(move |_| counter.statement());
    let per_statement = match db.get_database_backend() {
        DbBackend::Sqlite => 32_000,
        _ => 65_000,
    };

    // More keys than either backend binds in one statement (SQLite 32,766; PostgreSQL 65,535).
    let keys = 70_000_i64;
    let loaders = Loaders::new(
        db,
        None,
        metrics.clone(),
        LoaderConfig {
            max_batch_size: 100_000,
            ..LoaderConfig::default()
        },
    );
    let loads = (1..=keys).map(|id| loaders.load_one(PlayerId(id)));
    let found = futures::future::join_all(loads).await;
    let found: Vec<_> = found.into_iter().map(|r| r.unwrap()).collect();
    assert_eq!(found.iter().filter(|p| p.is_some()).count(), 20);
    assert_eq!(found[0].as_ref().unwrap().handle, "player_0");

    let statements = metrics
        .render()
        .lines()
        .find_map(|l| l.strip_prefix("db_statements_total ")?.parse::<u64>().ok());
    assert_eq!(
        statements,
        Some(((keys + per_statement - 1) / per_statement) as u64)
    );
    assert!(
        metrics
            .render()
            .contains("dataloader_batch_size_count{loader=\"PlayerId\"} 1")
    );
}
