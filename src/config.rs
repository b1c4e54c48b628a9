//! Server configuration, as the CLI and environment set it.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use crate::auth::jwks::JwksConfig;
use crate::events::SubscriptionConfig;
use crate::game::answers::AttemptLimit;
use crate::loaders::LoaderConfig;
use crate::upstream::profiles::ProfilesConfig;

/// The default database: an SQLite file in the working directory, created on first run.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://treasure-hunt.db?mode=rwc";

/// Everything `serve` needs.
#[derive(Clone, Debug)]
pub struct ServeConfig {
    /// Address to listen on; port 0 picks a free port (tests do).
    pub listen: SocketAddr,
    /// `sqlite://...` or `postgres://...`.
    pub database_url: String,
    /// Load the demo data set into an empty database, and accept the development secret if none is set.
    pub demo: bool,
    /// The HS256 secret of bearer tokens; without it (and outside demo mode) every call is anonymous.
    pub jwt_secret: Option<String>,
    /// An identity provider whose RS256 tokens are accepted, by its JWKS.
    pub jwks: Option<JwksConfig>,
    /// Apply pending migrations at start-up.
    pub migrate: bool,
    /// How dataloaders batch.
    pub loaders: LoaderConfig,
    /// The partner profiles service; without it `Player.profile` is `null`.
    pub profiles: Option<ProfilesConfig>,
    /// What one request may ask.
    pub limits: Limits,
    /// Browser origins allowed to call the API (CORS); empty for none, `*` for any.
    pub cors_origins: Vec<String>,
    /// A manifest of the only documents the server runs; without it, automatic persisted queries.
    pub trusted_documents: Option<PathBuf>,
    /// Subscription limits and WebSocket timings.
    pub subscriptions: SubscriptionConfig,
    /// Serve the playground at `/`.
    pub playground: bool,
}

/// Limits on what one request may ask, so that no request can take the server down.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// The deepest a query may nest fields.
    pub max_depth: usize,
    /// The most a query may cost: each field costs 1, and a list field with `first` multiplies what is under it
    /// by `first`.
    pub max_complexity: usize,
    /// The most aliased fields one document may hold (aliases multiply work without deepening a query).
    pub max_aliases: usize,
    /// The most directives one document may hold.
    pub max_directives: usize,
    /// The most operations one batched request (a JSON array) may hold.
    pub max_batch: usize,
    /// Whether `__schema` and `__type` are answered.
    pub introspection: bool,
    /// The largest request body, in bytes (413 beyond).
    pub max_body_bytes: usize,
    /// The longest a request may take before it is answered 408.
    pub request_timeout: Duration,
    /// The most GraphQL operations sent over HTTP (POST or GET) one replica executes at once; the rest wait
    /// their turn, first come first served (0: no limit; by default 4 per core). An operation waiting on a partner
    /// API gives its slot up meanwhile. Operations over WebSocket or SSE are not counted.
    pub max_concurrent_operations: usize,
    /// How many wrong answers one player may give one clue per window.
    pub wrong_answers: AttemptLimit,
}

/// Execution slots per core by default (`Limits::max_concurrent_operations`): enough to keep the cores busy
/// while operations wait on the database, few enough that they do not crowd each other out of the caches (on
/// 2 cores the nested benchmark query ran a fifth faster with 8 slots than with 64, in half the memory;
/// BENCHMARKS.md). An operation waiting on a partner API holds no slot (`slots`).
pub const CONCURRENT_OPERATIONS_PER_CORE: usize = 4;

/// The default of `Limits::max_concurrent_operations` on this machine.
pub fn default_concurrent_operations() -> usize {
    CONCURRENT_OPERATIONS_PER_CORE * std::thread::available_parallelism().map_or(1, |n| n.get())
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_depth: 16,
            max_complexity: 10_000,
            max_aliases: 30,
            max_directives: 50,
            max_batch: 10,
            introspection: true,
            max_body_bytes: 1024 * 1024,
            request_timeout: Duration::from_secs(30),
            max_concurrent_operations: default_concurrent_operations(),
            wrong_answers: AttemptLimit::default(),
        }
    }
}

impl ServeConfig {
    /// A configuration for `database_url` listening on a free loopback port.
    pub fn local(database_url: impl Into<String>) -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            database_url: database_url.into(),
            demo: false,
            jwt_secret: None,
            jwks: None,
            migrate: true,
            loaders: LoaderConfig::default(),
            profiles: None,
            limits: Limits::default(),
            cors_origins: Vec::new(),
            trusted_documents: None,
            subscriptions: SubscriptionConfig::default(),
            playground: true,
        }
    }
}
