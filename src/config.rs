//! Server configuration, as the CLI and environment set it.

use std::net::SocketAddr;

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
    /// Apply pending migrations at start-up.
    pub migrate: bool,
    /// How dataloaders batch.
    pub loaders: LoaderConfig,
    /// The partner profiles service; without it `Player.profile` is `null`.
    pub profiles: Option<ProfilesConfig>,
}

impl ServeConfig {
    /// A configuration for `database_url` listening on a free loopback port.
    pub fn local(database_url: impl Into<String>) -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            database_url: database_url.into(),
            demo: false,
            jwt_secret: None,
            migrate: true,
            loaders: LoaderConfig::default(),
            profiles: None,
        }
    }
}
