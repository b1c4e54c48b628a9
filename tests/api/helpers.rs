//! `spawn_app()` and the small vocabulary the tests speak.

use std::time::Duration;

use reqwest::header::CONTENT_TYPE;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use serde_json::{Value, json};
use treasure_hunt::auth::JwtKeys;
use treasure_hunt::config::ServeConfig;
use treasure_hunt::startup::Application;

pub const SECRET: &str = "integration-test-secret";

/// A running server on a fresh database.
pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub db: DatabaseConnection,
    keys: JwtKeys,
    _dir: Option<tempfile::TempDir>,
    _shutdown: tokio::sync::oneshot::Sender<()>,
    _process: Option<Replica>,
}

/// A server running as its own process, killed when dropped.
struct Replica(std::process::Child);

impl Drop for Replica {
    fn drop(&mut self) {
        self.0.kill().ok();
        self.0.wait().ok();
    }
}

/// A fresh, empty database: PostgreSQL under `TEST_DATABASE_URL`, else an SQLite file in a temporary folder.
pub async fn fresh_database() -> (String, Option<tempfile::TempDir>) {
    match std::env::var("TEST_DATABASE_URL") {
        Ok(base) if !base.is_empty() => {
            let admin = Database::connect(&base)
                .await
                .expect("connect to TEST_DATABASE_URL");
            let name = format!("th_test_{}", uuid_like());
            admin
                .execute_unprepared(&format!("CREATE DATABASE {name}"))
                .await
                .expect("create a test database");
            admin.close().await.ok();
            let (prefix, _) = base
                .rsplit_once('/')
                .expect("TEST_DATABASE_URL ends in /DATABASE");
            (format!("{prefix}/{name}"), None)
        }
        _ => {
            let dir = tempfile::tempdir().expect("temporary folder");
            let url = format!("sqlite://{}?mode=rwc", dir.path().join("test.db").display());
            (url, Some(dir))
        }
    }
}

fn uuid_like() -> String {
    use rand::Rng;
    let mut rng = rand::rng();
    (0..16)
        .map(|_| format!("{:x}", rng.random_range(0..16u8)))
        .collect()
}

/// Starts the server on a fresh database.
pub async fn spawn_app() -> TestApp {
    let (database_url, dir) = fresh_database().await;
    spawn_app_on(database_url, dir, false).await
}

/// Starts the server on a fresh database holding a generated data set, with the given loader settings.
pub async fn spawn_generated_app(
    spec: &treasure_hunt::seed::generate::Spec,
    loaders: treasure_hunt::loaders::LoaderConfig,
) -> TestApp {
    spawn_generated_app_with(spec, |config| config.loaders = loaders).await
}

/// Starts the server on a fresh database holding a generated data set, with the configuration adjusted.
pub async fn spawn_generated_app_with(
    spec: &treasure_hunt::seed::generate::Spec,
    adjust: impl FnOnce(&mut ServeConfig),
) -> TestApp {
    let (database_url, dir) = fresh_database().await;
    let db = treasure_hunt::db::connect(&database_url)
        .await
        .expect("connect");
    treasure_hunt::db::migrate(&db).await.expect("migrate");
    treasure_hunt::seed::generate::generate(&db, spec)
        .await
        .expect("generate");
    db.close().await.ok();
    let mut config = ServeConfig::local(database_url);
    config.jwt_secret = Some(SECRET.to_owned());
    adjust(&mut config);
    start(config, dir).await
}

/// A free loopback port, for a server started as its own process.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .expect("a free port")
}

/// Waits until the server at `base` answers `/health/ready` with 200; fails the test after 60 s.
pub async fn wait_until_ready(client: &reqwest::Client, base: &str) {
    let started = std::time::Instant::now();
    while client
        .get(format!("{base}/health/ready"))
        .send()
        .await
        .map(|r| r.status().is_success())
        .ok()
        != Some(true)
    {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the server at {base} did not become ready"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Sends SIGTERM to a server process and waits for it to exit.
pub async fn terminate(
    mut server: std::process::Child,
) -> (std::process::ExitStatus, std::process::Child) {
    std::process::Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .expect("kill");
    tokio::task::spawn_blocking(move || {
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(status) = server.try_wait().expect("wait") {
                return (status, server);
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the server did not stop on SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    })
    .await
    .expect("join")
}

/// Two replicas sharing one fresh PostgreSQL database (`TEST_DATABASE_URL`): one in this process, one the
/// `treasure-hunt serve` binary in its own process. `None` on SQLite, which is one process by design.
pub async fn spawn_replicas() -> Option<(TestApp, TestApp)> {
    let (database_url, dir) = fresh_database().await;
    if dir.is_some() {
        return None;
    }
    let mut config = ServeConfig::local(database_url.clone());
    config.jwt_secret = Some(SECRET.to_owned());
    let first = start(config, None).await;

    let port = free_port();
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_treasure-hunt"))
        .args([
            "serve",
            "--no-migrate",
            "--listen",
            &format!("127.0.0.1:{port}"),
        ])
        .env("DATABASE_URL", &database_url)
        .env("HUNT_JWT_SECRET", SECRET)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start the second replica");
    let process = Replica(child);
    let address = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .expect("HTTP client");
    wait_until_ready(&client, &address).await;
    let (shutdown, _) = tokio::sync::oneshot::channel();
    let second = TestApp {
        address,
        client,
        db: Database::connect(&database_url).await.expect("connect"),
        keys: JwtKeys::hs256(SECRET),
        _dir: None,
        _shutdown: shutdown,
        _process: Some(process),
    };
    Some((first, second))
}

/// Starts the server on a fresh database, with the configuration adjusted.
pub async fn spawn_app_with(adjust: impl FnOnce(&mut ServeConfig)) -> TestApp {
    let (database_url, dir) = fresh_database().await;
    let mut config = ServeConfig::local(database_url);
    config.jwt_secret = Some(SECRET.to_owned());
    adjust(&mut config);
    start(config, dir).await
}

/// Starts the server on a fresh database holding the demo data set.
pub async fn spawn_demo_app() -> TestApp {
    let (database_url, dir) = fresh_database().await;
    spawn_app_on(database_url, dir, true).await
}

async fn spawn_app_on(database_url: String, dir: Option<tempfile::TempDir>, demo: bool) -> TestApp {
    let mut config = ServeConfig::local(database_url);
    config.jwt_secret = Some(SECRET.to_owned());
    config.demo = demo;
    start(config, dir).await
}

async fn start(config: ServeConfig, dir: Option<tempfile::TempDir>) -> TestApp {
    // Server logs only when asked for, e.g. RUST_LOG=info cargo test.
    if std::env::var_os("RUST_LOG").is_some() {
        treasure_hunt::telemetry::init();
    }
    let app = Application::build(config)
        .await
        .expect("build the application");
    let address = format!("http://{}", app.local_addr().expect("bound address"));
    let db = app.db().clone();
    let (shutdown, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(app.run_until(async {
        stopped.await.ok();
    }));
    TestApp {
        address,
        client: reqwest::Client::builder()
            .timeout(Duration::from_secs(60))
            .build()
            .expect("HTTP client"),
        db,
        keys: JwtKeys::hs256(SECRET),
        _dir: dir,
        _shutdown: shutdown,
        _process: None,
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// The server's `/metrics` text.
    pub async fn metrics(&self) -> String {
        self.client
            .get(self.url("/metrics"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    /// The value of an unlabelled counter (or a labelled sample, given in full) in `/metrics`.
    pub async fn metric(&self, sample: &str) -> f64 {
        let text = self.metrics().await;
        text.lines()
            .find_map(|line| {
                line.strip_prefix(sample)?
                    .strip_prefix(' ')?
                    .trim()
                    .parse()
                    .ok()
            })
            .unwrap_or(0.0)
    }

    /// SQL statements the server has sent so far.
    pub async fn statements(&self) -> u64 {
        self.metric("db_statements_total").await as u64
    }

    /// How many SQL statements running `query` costs.
    pub async fn statements_for(&self, token: Option<&str>, query: &str, variables: Value) -> u64 {
        let before = self.statements().await;
        self.ok(token, query, variables).await;
        self.statements().await - before
    }

    /// A token for account `sub`.
    pub fn token(&self, sub: &str) -> String {
        self.keys
            .mint(sub, None, Duration::from_secs(3600))
            .unwrap()
    }

    /// A token for account `sub` with the organiser role.
    pub fn organizer_token(&self, sub: &str) -> String {
        self.keys
            .mint(sub, Some("organizer"), Duration::from_secs(3600))
            .unwrap()
    }

    /// POSTs a GraphQL request and returns the JSON body (whatever the status).
    pub async fn gql(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        let mut request = self
            .client
            .post(self.url("/graphql"))
            .header(CONTENT_TYPE, "application/json")
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.unwrap().json().await.unwrap()
    }

    /// Like [`gql`](Self::gql) but fails the test on any error, returning `data`.
    pub async fn ok(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        let body = self.gql(token, query, variables).await;
        assert!(body.get("errors").is_none(), "unexpected errors: {body:#}");
        body["data"].clone()
    }

    /// Creates a hunt as `organizer`, returning its id.
    pub async fn create_hunt(&self, organizer: &str, slug: &str) -> String {
        let data = self
            .ok(
                Some(organizer),
                "mutation($input: CreateHuntInput!) { createHunt(input: $input) { id } }",
                json!({ "input": { "slug": slug, "title": format!("Hunt {slug}") } }),
            )
            .await;
        data["createHunt"]["id"].as_str().unwrap().to_owned()
    }

    /// Adds a clue to a hunt, returning its id.
    pub async fn add_clue(
        &self,
        organizer: &str,
        hunt_id: &str,
        answer: &str,
        points: i32,
    ) -> String {
        let data = self
            .ok(
                Some(organizer),
                "mutation($input: AddClueInput!) { addClue(input: $input) { id } }",
                json!({ "input": {
                    "huntId": hunt_id, "title": format!("Clue worth {points}"),
                    "riddle": format!("Riddle whose answer is secret ({points})"),
                    "answer": answer, "points": points
                } }),
            )
            .await;
        data["addClue"]["id"].as_str().unwrap().to_owned()
    }

    pub async fn start_hunt(&self, organizer: &str, hunt_id: &str) {
        self.ok(
            Some(organizer),
            "mutation($id: ID!) { startHunt(huntId: $id) { status } }",
            json!({ "id": hunt_id }),
        )
        .await;
    }

    /// Registers a player for `token`'s account, returning the player's id.
    pub async fn register(&self, token: &str, handle: &str) -> String {
        let data = self
            .ok(
                Some(token),
                "mutation($input: RegisterPlayerInput!) { registerPlayer(input: $input) { id } }",
                json!({ "input": { "handle": handle, "displayName": format!("The {handle}") } }),
            )
            .await;
        data["registerPlayer"]["id"].as_str().unwrap().to_owned()
    }

    pub async fn join(&self, token: &str, hunt_id: &str) {
        self.ok(
            Some(token),
            "mutation($id: ID!) { joinHunt(huntId: $id) { id } }",
            json!({ "id": hunt_id }),
        )
        .await;
    }

    /// Submits an answer and returns the whole response body.
    pub async fn submit(&self, token: &str, clue_id: &str, answer: &str) -> Value {
        self.gql(
            Some(token),
            "mutation($clue: ID!, $answer: String!) {
                submitAnswer(clueId: $clue, answer: $answer) {
                    correct pointsAwarded attemptsLeft
                    clue { id position riddle }
                    nextClue { id position riddle unlocked }
                }
            }",
            json!({ "clue": clue_id, "answer": answer }),
        )
        .await
    }
}

/// A started hunt with three clues (answers "one", "two", "three"; 10, 20, 30 points), owned by "org".
pub struct Fixture {
    pub organizer: String,
    pub hunt_id: String,
    pub clue_ids: Vec<String>,
}

pub async fn active_hunt(app: &TestApp, slug: &str) -> Fixture {
    let organizer = app.organizer_token("org");
    let hunt_id = app.create_hunt(&organizer, slug).await;
    let mut clue_ids = Vec::new();
    for (answer, points) in [("one", 10), ("two", 20), ("three", 30)] {
        clue_ids.push(app.add_clue(&organizer, &hunt_id, answer, points).await);
    }
    app.start_hunt(&organizer, &hunt_id).await;
    Fixture {
        organizer,
        hunt_id,
        clue_ids,
    }
}

/// The `extensions.code` of the first error.
pub fn code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or("<no code>")
}
