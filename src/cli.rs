//! The command line: `serve` (the default), `migrate`, `seed`, `schema`, `token`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context as _;
use clap::{Args, Parser, Subcommand, ValueEnum};
use migration::{Migrator, MigratorTrait};

use crate::auth::jwks::JwksConfig;
use crate::auth::{DEVELOPMENT_SECRET, JwtKeys, ORGANIZER_ROLE};
use crate::config::{DEFAULT_DATABASE_URL, Limits, ServeConfig};
use crate::events::SubscriptionConfig;
use crate::game::answers::AttemptLimit;
use crate::loaders::{Batching, LoaderConfig};
use crate::seed::generate::Spec;
use crate::startup::Application;
use crate::telemetry::LogFormat;
use crate::upstream::profiles::ProfilesConfig;
use crate::{db, graphql, seed};

/// Treasure Hunt Engine: a GraphQL federation subgraph serving treasure hunts, clues and players.
#[derive(Parser, Debug)]
#[command(name = "treasure-hunt", version, about)]
pub struct Cli {
    /// Database URL: `sqlite://FILE?mode=rwc` or `postgres://USER@HOST:PORT/DB`.
    #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL, global = true, hide_env_values = true)]
    pub database_url: String,
    /// How log lines are written: `text` or `json` (one object per line).
    #[arg(long, env = "HUNT_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text, global = true)]
    pub log_format: LogFormat,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the server (the default).
    Serve(Box<ServeArgs>),
    /// Apply or inspect migrations.
    Migrate {
        #[arg(value_enum, default_value_t = MigrateAction::Up)]
        action: MigrateAction,
    },
    /// Load the demo data set, or generate one of a given size.
    Seed(SeedArgs),
    /// Print the federation SDL (what `schema/treasure-hunt.graphql` holds).
    Schema,
    /// Mint a signed development token.
    Token(TokenArgs),
    /// Ask a running server whether it is ready (exit 0) or not (exit 1): a probe for container health checks.
    Health {
        /// The server's address, as given to `serve --listen`.
        #[arg(long, env = "HUNT_LISTEN", default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
    },
}

#[derive(Args, Debug, Clone)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "HUNT_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Load the demo data into an empty database; accept the development token secret if none is set.
    #[arg(long, env = "HUNT_DEMO")]
    pub demo: bool,
    /// HS256 secret of bearer tokens.
    #[arg(long, env = "HUNT_JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<String>,
    /// JWKS URL of an identity provider whose RS256 tokens are accepted (alongside HS256 if a secret is set).
    #[arg(long, env = "HUNT_JWKS_URL")]
    pub jwks_url: Option<String>,
    /// The `iss` RS256 tokens must carry.
    #[arg(long, env = "HUNT_JWT_ISSUER", requires = "jwks_url")]
    pub jwt_issuer: Option<String>,
    /// The `aud` RS256 tokens must carry.
    #[arg(long, env = "HUNT_JWT_AUDIENCE", requires = "jwks_url")]
    pub jwt_audience: Option<String>,
    /// The least time between two JWKS fetches caused by tokens with unknown key ids.
    #[arg(long, env = "HUNT_JWKS_REFRESH_COOLDOWN", default_value = "10s", value_parser = humantime::parse_duration)]
    pub jwks_refresh_cooldown: Duration,
    /// Do not apply pending migrations at start-up.
    #[arg(long, env = "HUNT_NO_MIGRATE")]
    pub no_migrate: bool,
    /// The most keys a dataloader batch may hold; 1 disables batching (one statement per item).
    #[arg(long, env = "HUNT_MAX_BATCH_SIZE", default_value_t = 1_000, value_parser = clap::value_parser!(u32).range(1..))]
    pub max_batch_size: u32,
    /// Gather dataloader batches by waiting this long (async-graphql's timer, e.g. `1ms`) instead of the
    /// default zero-delay batching.
    #[arg(long, env = "HUNT_BATCH_DELAY", value_parser = humantime::parse_duration)]
    pub batch_delay: Option<Duration>,
    /// Base URL of the partner profiles service (`GET {url}/profiles?ids=...`); without it profiles are null.
    #[arg(long, env = "HUNT_PROFILES_URL")]
    pub profiles_url: Option<String>,
    /// The most one profiles call may take, its retry included.
    #[arg(long, env = "HUNT_PROFILES_TIMEOUT", default_value = "1s", value_parser = humantime::parse_duration)]
    pub profiles_timeout: Duration,
    /// How long profiles are cached across requests; `0s` turns the cache off.
    #[arg(long, env = "HUNT_PROFILES_CACHE_TTL", default_value = "60s", value_parser = humantime::parse_duration)]
    pub profiles_cache_ttl: Duration,
    /// The most profiles the cache holds.
    #[arg(long, env = "HUNT_PROFILES_CACHE_SIZE", default_value_t = 100_000)]
    pub profiles_cache_size: u64,
    /// The most ids in one profiles request.
    #[arg(long, env = "HUNT_PROFILES_BATCH_SIZE", default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..))]
    pub profiles_batch_size: u32,
    /// Consecutive failed profiles calls that open the circuit breaker.
    #[arg(long, env = "HUNT_PROFILES_BREAKER_FAILURES", default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..))]
    pub profiles_breaker_failures: u32,
    /// How long an open circuit refuses profiles calls before a trial call.
    #[arg(long, env = "HUNT_PROFILES_BREAKER_COOLDOWN", default_value = "10s", value_parser = humantime::parse_duration)]
    pub profiles_breaker_cooldown: Duration,
    /// The deepest a query may nest fields.
    #[arg(long, env = "HUNT_MAX_DEPTH", default_value_t = Limits::default().max_depth)]
    pub max_depth: usize,
    /// The most a query may cost (each field 1; list fields multiply by their `first`).
    #[arg(long, env = "HUNT_MAX_COMPLEXITY", default_value_t = Limits::default().max_complexity)]
    pub max_complexity: usize,
    /// The most aliased fields one document may hold.
    #[arg(long, env = "HUNT_MAX_ALIASES", default_value_t = Limits::default().max_aliases)]
    pub max_aliases: usize,
    /// The most directives one document may hold.
    #[arg(long, env = "HUNT_MAX_DIRECTIVES", default_value_t = Limits::default().max_directives)]
    pub max_directives: usize,
    /// The most operations in one batched request (a JSON array of requests).
    #[arg(long, env = "HUNT_MAX_BATCH", default_value_t = Limits::default().max_batch)]
    pub max_batch: usize,
    /// Production mode: introspection off unless `--introspection` says otherwise.
    #[arg(long, env = "HUNT_PRODUCTION")]
    pub production: bool,
    /// Answer introspection (`__schema`, `__type`) even in production mode.
    #[arg(long, env = "HUNT_INTROSPECTION", conflicts_with = "no_introspection")]
    pub introspection: bool,
    /// Refuse introspection.
    #[arg(long, env = "HUNT_NO_INTROSPECTION")]
    pub no_introspection: bool,
    /// The largest request body, in bytes.
    #[arg(long, env = "HUNT_MAX_BODY_BYTES", default_value_t = Limits::default().max_body_bytes)]
    pub max_body_bytes: usize,
    /// The longest a request may take before it is answered 408.
    #[arg(long, env = "HUNT_REQUEST_TIMEOUT", default_value = "30s", value_parser = humantime::parse_duration)]
    pub request_timeout: Duration,
    /// The most GraphQL operations sent over HTTP (POST or GET) executed at once; the rest queue, first come
    /// first served, within `--request-timeout` (0: no limit). Operations over WebSocket or SSE are not counted.
    #[arg(long, env = "HUNT_MAX_CONCURRENT_OPERATIONS", default_value_t = Limits::default().max_concurrent_operations)]
    pub max_concurrent_operations: usize,
    /// Wrong answers one player may give one clue per window.
    #[arg(long, env = "HUNT_WRONG_ANSWERS", default_value_t = AttemptLimit::default().max_wrong)]
    pub wrong_answers: u32,
    /// The sliding window of `--wrong-answers`.
    #[arg(long, env = "HUNT_WRONG_ANSWER_WINDOW", default_value = "60s", value_parser = humantime::parse_duration)]
    pub wrong_answer_window: Duration,
    /// Browser origins allowed to call the API (CORS), comma-separated; `*` for any. None by default.
    #[arg(long, env = "HUNT_CORS_ORIGINS", value_delimiter = ',')]
    pub cors_origins: Vec<String>,
    /// The most subscriptions this server holds at once.
    #[arg(long, env = "HUNT_MAX_SUBSCRIPTIONS", default_value_t = SubscriptionConfig::default().max_total)]
    pub max_subscriptions: usize,
    /// The most subscriptions one WebSocket connection may hold.
    #[arg(long, env = "HUNT_MAX_SUBSCRIPTIONS_PER_CONNECTION", default_value_t = SubscriptionConfig::default().max_per_connection)]
    pub max_subscriptions_per_connection: usize,
    /// Events a subscriber may fall behind before its subscription is ended.
    #[arg(long, env = "HUNT_SUBSCRIPTION_BUFFER", default_value_t = SubscriptionConfig::default().buffer)]
    pub subscription_buffer: usize,
    /// How often each WebSocket connection is pinged.
    #[arg(long, env = "HUNT_WS_PING_INTERVAL", default_value = "15s", value_parser = humantime::parse_duration)]
    pub ws_ping_interval: Duration,
    /// A WebSocket connection silent (no message, no pong) or not reading for this long is closed.
    #[arg(long, env = "HUNT_WS_IDLE_TIMEOUT", default_value = "45s", value_parser = humantime::parse_duration)]
    pub ws_idle_timeout: Duration,
    /// Do not serve the playground at `/`.
    #[arg(long, env = "HUNT_NO_PLAYGROUND")]
    pub no_playground: bool,
    /// Run only the documents of this manifest (JSON: hash -> document, or Apollo's persisted query manifest).
    #[arg(long, env = "HUNT_TRUSTED_DOCUMENTS", value_name = "FILE")]
    pub trusted_documents: Option<PathBuf>,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum MigrateAction {
    /// Apply every pending migration.
    Up,
    /// Revert the last applied migration.
    Down,
    /// List migrations and whether each is applied.
    Status,
    /// Drop everything and apply every migration again (destroys data).
    Fresh,
}

#[derive(Args, Debug)]
#[command(group(clap::ArgGroup::new("what").required(true).args(["demo", "hunts"])))]
pub struct SeedArgs {
    /// The small demo data set: a few hunts with real riddles, players and solves.
    #[arg(long)]
    pub demo: bool,
    /// Generate this many hunts (into an empty database).
    #[arg(long)]
    pub hunts: Option<u32>,
    /// Clues per generated hunt.
    #[arg(long, default_value_t = 10, requires = "hunts")]
    pub clues_per_hunt: u32,
    /// Generated players.
    #[arg(long, default_value_t = 100, requires = "hunts")]
    pub players: u32,
    /// Seed of the generator: the same seed gives the same data.
    #[arg(long, default_value_t = 42, requires = "hunts")]
    pub seed: u64,
}

#[derive(Args, Debug)]
pub struct TokenArgs {
    /// The account id (the token's `sub`).
    #[arg(long)]
    pub sub: String,
    /// A role to grant, such as `organizer`.
    #[arg(long)]
    pub role: Option<String>,
    /// How long the token is valid, such as `1h` or `30m`.
    #[arg(long, default_value = "1h", value_parser = humantime::parse_duration)]
    pub ttl: Duration,
    /// HS256 secret; without it, the development secret that `serve --demo` accepts.
    #[arg(long, env = "HUNT_JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<String>,
}

/// `treasure-hunt` with no subcommand: `serve` with its flags from the environment.
#[derive(Parser)]
struct ServeDefaults {
    #[command(flatten)]
    serve: ServeArgs,
}

/// Parses the command line and runs it.
pub async fn run() -> anyhow::Result<()> {
    let cli = Cli::parse();
    crate::telemetry::init_with(cli.log_format);
    let command = match cli.command {
        Some(command) => command,
        None => Command::Serve(Box::new(ServeDefaults::parse_from(["treasure-hunt"]).serve)),
    };
    match command {
        Command::Serve(args) => serve(cli.database_url, *args).await,
        Command::Migrate { action } => migrate(&cli.database_url, action).await,
        Command::Seed(args) => seed(&cli.database_url, args).await,
        Command::Schema => {
            print!("{}", graphql::sdl());
            Ok(())
        }
        Command::Token(args) => token(args),
        Command::Health { listen } => health(listen).await,
    }
}

async fn serve(database_url: String, args: ServeArgs) -> anyhow::Result<()> {
    let config = ServeConfig {
        listen: args.listen,
        database_url,
        demo: args.demo,
        jwt_secret: args.jwt_secret,
        jwks: args.jwks_url.map(|url| JwksConfig {
            url,
            refresh_cooldown: args.jwks_refresh_cooldown,
            issuer: args.jwt_issuer,
            audience: args.jwt_audience,
        }),
        migrate: !args.no_migrate,
        loaders: LoaderConfig {
            batching: match args.batch_delay {
                Some(delay) => Batching::Delay(delay),
                None => LoaderConfig::default().batching,
            },
            max_batch_size: usize::try_from(args.max_batch_size).unwrap_or(usize::MAX),
        },
        profiles: args.profiles_url.map(|base_url| ProfilesConfig {
            base_url,
            timeout: args.profiles_timeout,
            cache_ttl: args.profiles_cache_ttl,
            cache_capacity: args.profiles_cache_size,
            batch_size: usize::try_from(args.profiles_batch_size).unwrap_or(100),
            breaker_failures: args.profiles_breaker_failures,
            breaker_cooldown: args.profiles_breaker_cooldown,
        }),
        limits: Limits {
            max_depth: args.max_depth,
            max_complexity: args.max_complexity,
            max_aliases: args.max_aliases,
            max_directives: args.max_directives,
            max_batch: args.max_batch,
            introspection: !args.no_introspection && (args.introspection || !args.production),
            max_body_bytes: args.max_body_bytes,
            request_timeout: args.request_timeout,
            max_concurrent_operations: args.max_concurrent_operations,
            wrong_answers: AttemptLimit {
                max_wrong: args.wrong_answers,
                window: args.wrong_answer_window,
            },
        },
        cors_origins: args.cors_origins,
        trusted_documents: args.trusted_documents,
        playground: !args.no_playground,
        subscriptions: SubscriptionConfig {
            max_total: args.max_subscriptions,
            max_per_connection: args.max_subscriptions_per_connection,
            buffer: args.subscription_buffer,
            ping_interval: args.ws_ping_interval,
            idle_timeout: args.ws_idle_timeout,
        },
    };
    let app = Application::build(config).await?;
    let addr = app.local_addr()?;
    tracing::info!(%addr, "serving GraphQL at http://{addr}/graphql, playground at http://{addr}/");
    let served = app.run_until_stopped().await.context("serving");
    crate::telemetry::otel::shutdown();
    served
}

async fn health(listen: SocketAddr) -> anyhow::Result<()> {
    // A server listening on every interface answers on loopback.
    let host = if listen.ip().is_unspecified() {
        std::net::IpAddr::from([127, 0, 0, 1])
    } else {
        listen.ip()
    };
    let url = format!(
        "http://{}/health/ready",
        SocketAddr::new(host, listen.port())
    );
    let response = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(3))
        .build()?
        .get(&url)
        .send()
        .await
        .with_context(|| format!("asking {url}"))?;
    let status = response.status();
    let body = response.text().await.unwrap_or_default();
    anyhow::ensure!(status.is_success(), "{url} answered {status}: {body}");
    println!("ready");
    Ok(())
}

async fn migrate(database_url: &str, action: MigrateAction) -> anyhow::Result<()> {
    let db = db::connect(database_url)
        .await
        .context("connecting to the database")?;
    match action {
        MigrateAction::Up => Migrator::up(&db, None).await?,
        MigrateAction::Down => Migrator::down(&db, Some(1)).await?,
        MigrateAction::Status => {
            for migration in Migrator::get_migration_with_status(&db).await? {
                println!("{}\t{}", migration.name(), migration.status());
            }
        }
        MigrateAction::Fresh => Migrator::fresh(&db).await?,
    }
    Ok(())
}

async fn seed(database_url: &str, args: SeedArgs) -> anyhow::Result<()> {
    let db = db::connect(database_url)
        .await
        .context("connecting to the database")?;
    db::migrate(&db).await.context("applying migrations")?;
    if args.demo {
        if seed::demo::load_if_empty(&db).await? {
            println!("loaded the demo data set");
        } else {
            println!("the database already holds hunts: demo data not loaded");
        }
        return Ok(());
    }
    let spec = Spec {
        hunts: args.hunts.unwrap_or(0),
        clues_per_hunt: args.clues_per_hunt,
        players: args.players,
        seed: args.seed,
    };
    let counts = seed::generate::generate(&db, &spec).await?;
    println!("{counts}");
    Ok(())
}

fn token(args: TokenArgs) -> anyhow::Result<()> {
    let secret = match &args.jwt_secret {
        Some(secret) => secret.as_str(),
        None => {
            eprintln!(
                "note: no HUNT_JWT_SECRET set; signing with the development secret that `serve --demo` accepts"
            );
            DEVELOPMENT_SECRET
        }
    };
    if args
        .role
        .as_deref()
        .is_some_and(|role| role != ORGANIZER_ROLE)
    {
        anyhow::bail!("the only role is `{ORGANIZER_ROLE}`");
    }
    let token = JwtKeys::hs256(secret).mint(&args.sub, args.role.as_deref(), args.ttl)?;
    println!("{token}");
    Ok(())
}
