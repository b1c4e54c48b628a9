//! Building and running the server: what `serve` does, and what tests call with their own config and port 0.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context as _;
use sea_orm::DatabaseConnection;
use tokio::net::TcpListener;

use crate::auth::jwks::Jwks;
use crate::auth::{Authenticator, DEVELOPMENT_SECRET, JwtKeys};
use crate::config::ServeConfig;
use crate::events::EventBus;
use crate::graphql::persisted::PersistedDocuments;
use crate::http::{AppState, router};
use crate::slots::Slots;
use crate::telemetry::Metrics;
use crate::upstream::profiles::ProfilesClient;
use crate::{db, graphql, seed};

/// A server bound to its address, ready to run.
pub struct Application {
    listener: TcpListener,
    state: AppState,
}

impl Application {
    /// Connects and migrates the database, loads the demo data if asked, and binds the listener.
    pub async fn build(config: ServeConfig) -> anyhow::Result<Self> {
        let metrics = Metrics::new();
        let mut db = db::connect(&config.database_url)
            .await
            .context("connecting to the database")?;
        let counter = metrics.clone();
        db.set_metric_callback(move |info| {
            counter.statement();
            // An event on the current span (a loader batch, say): exported with the trace when OTLP is on.
            tracing::debug!(
                target: "treasure_hunt::sql",
                statement = %info.statement.sql,
                elapsed_ms = info.elapsed.as_secs_f64() * 1_000.0,
                failed = info.failed,
                "sql statement"
            );
        });
        if config.migrate {
            db::migrate(&db).await.context("applying migrations")?;
        }
        if config.demo
            && seed::demo::load_if_empty(&db)
                .await
                .context("loading the demo data")?
        {
            tracing::info!("loaded the demo data set");
        }
        let hs256 = match (&config.jwt_secret, config.demo) {
            (Some(secret), _) => Some(JwtKeys::hs256(secret)),
            (None, true) => {
                tracing::warn!(
                    secret = DEVELOPMENT_SECRET,
                    "demo mode: accepting tokens signed with the development secret; never use it in production"
                );
                Some(JwtKeys::hs256(DEVELOPMENT_SECRET))
            }
            (None, false) => None,
        };
        let jwks = match config.jwks.clone() {
            Some(jwks) => {
                let jwks = Jwks::new(jwks).context("building the JWKS client")?;
                match jwks.refresh().await {
                    Ok(keys) => tracing::info!(keys, "fetched the identity provider's keys"),
                    Err(err) => {
                        tracing::warn!(error = %err, "fetching the JWKS failed; trying again on the first RS256 token")
                    }
                }
                Some(Arc::new(jwks))
            }
            None => None,
        };
        // In demo mode the playground's header editor comes with a token for a demo player.
        let demo_token = match (&hs256, config.demo) {
            (Some(keys), true) => keys
                .mint(
                    seed::demo::PLAYGROUND_ACCOUNT,
                    None,
                    std::time::Duration::from_secs(30 * 24 * 3600),
                )
                .ok()
                .map(|token| format!("Bearer {token}")),
            _ => None,
        };
        let playground = config
            .playground
            .then(|| Arc::from(crate::http::playground_page(demo_token.as_deref())));
        let auth = Authenticator::new(hs256, jwks);
        if !auth.accepts_tokens() {
            tracing::warn!(
                "no JWT secret or JWKS configured: every caller is anonymous and mutations are refused"
            );
        }
        let profiles = config
            .profiles
            .clone()
            .map(|profiles| ProfilesClient::new(profiles, metrics.clone()))
            .transpose()
            .context("building the profiles client")?;
        let persisted = match &config.trusted_documents {
            Some(path) => PersistedDocuments::trusted(path)?,
            None => PersistedDocuments::automatic(),
        };
        let listener = TcpListener::bind(config.listen)
            .await
            .with_context(|| format!("listening on {}", config.listen))?;
        let events = EventBus::start(&db, config.subscriptions, metrics.clone())
            .await
            .context("listening for hunt events")?;
        let executions = match config.limits.max_concurrent_operations {
            0 => None,
            slots => Some(Slots::new(slots, metrics.clone())),
        };
        let state = AppState {
            schema: graphql::build_schema(db.clone(), &config.limits, events.clone()),
            traced_schema: graphql::build_traced_schema(db.clone(), &config.limits, events.clone()),
            events,
            db,
            auth,
            metrics,
            profiles,
            loaders: config.loaders,
            executions,
            limits: config.limits,
            cors_origins: config.cors_origins.clone(),
            persisted,
            playground,
        };
        Ok(Self { listener, state })
    }

    /// The address actually bound (the port is chosen by the OS when the config said 0).
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// The database the server uses.
    pub fn db(&self) -> &DatabaseConnection {
        &self.state.db
    }

    /// Serves until Ctrl-C or SIGTERM, then finishes in-flight requests.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.run_until(shutdown_signal()).await
    }

    /// Serves until `signal` completes, then finishes in-flight requests.
    pub async fn run_until(
        self,
        signal: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let app = router(self.state);
        axum::serve(self.listener, app)
            .with_graceful_shutdown(signal)
            .await
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(err) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %err, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(err) => {
                tracing::error!(error = %err, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing in-flight requests");
}
