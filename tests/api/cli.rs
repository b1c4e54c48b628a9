//! The binary as operators run it.

use std::process::{Command, Stdio};

use crate::helpers::{free_port, fresh_database, terminate, wait_until_ready};

#[tokio::test]
async fn serve_runs_the_demo_and_stops_cleanly_on_sigterm() {
    let (url, _dir) = fresh_database().await;
    let port = free_port();
    let server = Command::new(env!("CARGO_BIN_EXE_treasure-hunt"))
        .args(["serve", "--demo", "--listen", &format!("127.0.0.1:{port}")])
        .env("DATABASE_URL", &url)
        .env_remove("HUNT_JWT_SECRET")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let client = reqwest::Client::new();
    let base = format!("http://127.0.0.1:{port}");
    wait_until_ready(&client, &base).await;
    let body: serde_json::Value = client
        .post(format!("{base}/graphql"))
        .json(&serde_json::json!({ "query": "{ hunt(slug: \"pirate-cove\") { title } }" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(body["data"]["hunt"]["title"], "The Pirate's Cove");

    let (status, _) = terminate(server).await;
    assert!(status.success(), "{status}");
}

/// Runs the binary with `args` against the database at `url`.
fn command_on(url: &str, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_treasure-hunt"))
        .args(args)
        .env("DATABASE_URL", url)
        .output()
        .unwrap()
}

#[test]
fn migrate_status_lists_every_migration_as_applied() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (url, _dir) = runtime.block_on(fresh_database());
    let run = |args: &[&str]| command_on(&url, args);
    assert!(run(&["migrate", "up"]).status.success());
    let status = run(&["migrate", "status"]);
    assert!(status.status.success());
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&status.stdout),
        String::from_utf8_lossy(&status.stderr)
    );
    assert!(text.contains("m20261127_000005_create_solves"), "{text}");
    assert!(!text.contains("Pending"), "{text}");
    let bad = run(&["seed", "--hunts", "1", "--clues-per-hunt", "1000"]);
    assert!(!bad.status.success(), "too many clues per hunt is refused");
}

#[test]
fn the_newest_migration_reverts_and_applies_again_on_a_database_with_data() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (url, _dir) = runtime.block_on(fresh_database());
    let run = |args: &[&str]| {
        let out = command_on(&url, args);
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.status.success(), "{args:?}: {text}");
        text
    };
    run(&["migrate", "up"]);
    run(&["seed", "--hunts", "3", "--players", "20", "--seed", "1"]);
    run(&["migrate", "down"]);
    let status = run(&["migrate", "status"]);
    let newest = "m20261202_000007_index_batched_reads";
    let line = status
        .lines()
        .find(|l| l.contains(newest))
        .unwrap_or_default();
    assert!(line.contains("Pending"), "{status}");
    run(&["migrate", "up"]);
    let status = run(&["migrate", "status"]);
    assert!(
        status.contains(newest) && !status.contains("Pending"),
        "{status}"
    );
}

#[tokio::test]
async fn json_logs_carry_the_request_id_on_the_requests_lines() {
    let (url, _dir) = fresh_database().await;
    let port = free_port();
    let server = Command::new(env!("CARGO_BIN_EXE_treasure-hunt"))
        .args([
            "--log-format",
            "json",
            "serve",
            "--listen",
            &format!("127.0.0.1:{port}"),
        ])
        .env("DATABASE_URL", &url)
        .env("RUST_LOG", "info")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let client = reqwest::Client::new();
    let base = format!("http://127.0.0.1:{port}");
    wait_until_ready(&client, &base).await;
    let response = client
        .post(format!("{base}/graphql"))
        .header("x-request-id", "trace-me-42")
        .json(&serde_json::json!({ "query": "{ __typename }" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["x-request-id"], "trace-me-42");
    let (status, mut server) = terminate(server).await;
    assert!(status.success(), "{status}");
    let mut text = String::new();
    std::io::Read::read_to_string(server.stderr.as_mut().unwrap(), &mut text).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|_| panic!("not JSON: {line}")))
        .collect();
    let request_line = lines
        .iter()
        .find(|line| line["span"]["request.id"] == "trace-me-42")
        .unwrap_or_else(|| panic!("no line carries the request id: {lines:#?}"));
    assert_eq!(request_line["status"], 200, "{request_line}");
    assert_eq!(request_line["level"], "INFO");
}

#[tokio::test]
async fn the_health_command_probes_a_server_for_container_health_checks() {
    let app = crate::helpers::spawn_app().await;
    let listen = app.address.trim_start_matches("http://").to_owned();
    let probe = |listen: String| {
        Command::new(env!("CARGO_BIN_EXE_treasure-hunt"))
            .args(["health", "--listen", &listen])
            .output()
            .unwrap()
    };
    let ready = tokio::task::spawn_blocking({
        let listen = listen.clone();
        move || probe(listen)
    })
    .await
    .unwrap();
    assert!(ready.status.success(), "{ready:?}");
    let closed = format!("127.0.0.1:{}", free_port());
    let down = tokio::task::spawn_blocking(move || probe(closed))
        .await
        .unwrap();
    assert!(!down.status.success());
}

/// Every flag and `HUNT_*` variable the packaging files use is one the binary knows, so that they cannot drift.
#[test]
fn the_packaging_files_use_only_real_flags_and_variables() {
    let help = |args: &[&str]| {
        let output = Command::new(env!("CARGO_BIN_EXE_treasure-hunt"))
            .args(args)
            .output()
            .unwrap();
        String::from_utf8(output.stdout).unwrap()
    };
    let known = [
        help(&["--help"]),
        help(&["serve", "--help"]),
        help(&["migrate", "--help"]),
        help(&["health", "--help"]),
    ]
    .concat();
    let root = env!("CARGO_MANIFEST_DIR");
    for file in ["Dockerfile", "compose.yaml", "deploy/kubernetes.yaml"] {
        let text = std::fs::read_to_string(format!("{root}/{file}")).unwrap();
        let text: String = text
            .lines()
            .filter(|line| !line.trim_start().starts_with('#'))
            .collect::<Vec<_>>()
            .join("\n");
        let words = text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'));
        for word in words {
            let flag = word.starts_with("--") && word.len() > 2 && !word.starts_with("---");
            let variable = word.starts_with("HUNT_");
            // The Dockerfile's own flags are docker's, apt's and cargo's; its variables are ours.
            if (flag && file != "Dockerfile") || variable {
                assert!(
                    known.contains(word),
                    "{file} uses {word}, which the binary does not know"
                );
            }
        }
    }
    let kubernetes = std::fs::read_to_string(format!("{root}/deploy/kubernetes.yaml")).unwrap();
    assert!(
        kubernetes.contains("path: /health/live") && kubernetes.contains("path: /health/ready")
    );
}
