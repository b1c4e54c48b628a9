//! The partner profiles service: `GET {base}/profiles?ids=a,b,c` answers the profiles it knows.
//!
//! Every call is bounded and counted: ids are served from a cross-request cache when fresh; ids already being
//! fetched by another request wait for that fetch instead of asking again; the rest go out in chunks of
//! `batch_size`, each one request with a total time budget (`timeout`) that covers one retry, with jitter, on a
//! connection error or a 5xx. A circuit breaker stops calling a failing service for a cool-down.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures::FutureExt;
use futures::future::{BoxFuture, Shared, join_all};
use rand::Rng;
use serde::Deserialize;
use tracing::instrument;

use super::breaker::CircuitBreaker;
use crate::telemetry::Metrics;

const UPSTREAM: &str = "profiles";

/// A player's profile, as the profiles service knows it.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    pub id: String,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub avatar_url: Option<String>,
    #[serde(default)]
    pub country: Option<String>,
}

/// How to reach the profiles service and how patient to be with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProfilesConfig {
    /// Base URL; requests go to `{base_url}/profiles?ids=...`.
    pub base_url: String,
    /// The most one call may take, retry included.
    pub timeout: Duration,
    /// How long a profile (or its absence) is served from the cache; zero turns the cache off.
    pub cache_ttl: Duration,
    /// The most profiles the cache holds.
    pub cache_capacity: u64,
    /// The most ids in one request.
    pub batch_size: usize,
    /// Consecutive failed calls that open the circuit.
    pub breaker_failures: u32,
    /// How long an open circuit refuses calls before a trial.
    pub breaker_cooldown: Duration,
}

impl ProfilesConfig {
    /// The defaults for a service at `base_url`.
    pub fn new(base_url: impl Into<String>) -> Self {
        Self {
            base_url: base_url.into(),
            timeout: Duration::from_secs(1),
            cache_ttl: Duration::from_secs(60),
            cache_capacity: 100_000,
            batch_size: 100,
            breaker_failures: 5,
            breaker_cooldown: Duration::from_secs(10),
        }
    }
}

/// Why profiles could not be had. Cloneable: every id of a failed call receives it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum UpstreamError {
    #[error("the profiles service did not answer in time")]
    Timeout,
    #[error("the profiles service is unavailable: {0}")]
    Unavailable(String),
    #[error("the profiles service answered something that is not a list of profiles")]
    Malformed,
    #[error("the profiles service is failing; calls are paused")]
    CircuitOpen,
}

type Fetch = Shared<BoxFuture<'static, Result<Option<Profile>, UpstreamError>>>;

/// The client: one per server, shared by every request.
pub struct ProfilesClient {
    http: reqwest::Client,
    config: ProfilesConfig,
    cache: Option<moka::future::Cache<String, Option<Profile>>>,
    in_flight: Mutex<HashMap<String, Fetch>>,
    breaker: CircuitBreaker,
    metrics: Arc<Metrics>,
}

impl std::fmt::Debug for ProfilesClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProfilesClient")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl ProfilesClient {
    pub fn new(config: ProfilesConfig, metrics: Arc<Metrics>) -> Result<Arc<Self>, reqwest::Error> {
        let http = reqwest::Client::builder()
            .connect_timeout(config.timeout)
            .pool_idle_timeout(Duration::from_secs(30))
            .build()?;
        let cache = (!config.cache_ttl.is_zero()).then(|| {
            moka::future::Cache::builder()
                .max_capacity(config.cache_capacity)
                .time_to_live(config.cache_ttl)
                .build()
        });
        metrics.circuit(UPSTREAM, false);
        Ok(Arc::new(Self {
            breaker: CircuitBreaker::new(config.breaker_failures, config.breaker_cooldown),
            http,
            config,
            cache,
            in_flight: Mutex::new(HashMap::new()),
            metrics,
        }))
    }

    /// The profiles of `ids` (account ids): `Ok(None)` for ids the service does not know, the call's error for
    /// ids whose call failed.
    #[instrument(name = "profiles", skip_all, fields(ids = ids.len()))]
    pub async fn profiles(
        self: &Arc<Self>,
        ids: &[String],
    ) -> HashMap<String, Result<Option<Profile>, UpstreamError>> {
        let mut results = HashMap::with_capacity(ids.len());
        let mut missing = Vec::new();
        for id in ids {
            match &self.cache {
                Some(cache) => match cache.get(id).await {
                    Some(profile) => {
                        results.insert(id.clone(), Ok(profile));
                    }
                    None => missing.push(id.clone()),
                },
                None => missing.push(id.clone()),
            }
        }
        let waits = self.join_or_start(missing);
        if waits.is_empty() {
            return results;
        }
        // On the network: the operation's execution slot is free for another meanwhile.
        let fetched = crate::slots::away(join_all(
            waits
                .into_iter()
                .map(|(id, fetch)| async move { (id, fetch.await) }),
        ))
        .await;
        results.extend(fetched);
        results
    }

    /// For each id, the fetch already under way for it, or a new one: one per chunk of the ids nobody is fetching.
    fn join_or_start(self: &Arc<Self>, ids: Vec<String>) -> Vec<(String, Fetch)> {
        let Ok(mut in_flight) = self.in_flight.lock() else {
            let failed: Fetch =
                futures::future::ready(Err(UpstreamError::Unavailable("internal".into())))
                    .boxed()
                    .shared();
            return ids.into_iter().map(|id| (id, failed.clone())).collect();
        };
        let mut waits = Vec::with_capacity(ids.len());
        let mut to_fetch = Vec::new();
        for id in ids {
            match in_flight.get(&id) {
                Some(fetch) => waits.push((id, fetch.clone())),
                None if !to_fetch.contains(&id) => to_fetch.push(id),
                None => {}
            }
        }
        for chunk in to_fetch.chunks(self.config.batch_size.max(1)) {
            let chunk: Vec<String> = chunk.to_vec();
            let client = Arc::clone(self);
            let call = {
                let chunk = chunk.clone();
                async move { client.call(chunk).await }.boxed().shared()
            };
            for id in chunk {
                let key = id.clone();
                let fetch: Fetch = call
                    .clone()
                    .map(move |result| {
                        result.map(|mut found: HashMap<String, Profile>| found.remove(&key))
                    })
                    .boxed()
                    .shared();
                in_flight.insert(id.clone(), fetch.clone());
                waits.push((id, fetch));
            }
        }
        waits
    }

    /// One call for `ids`: breaker, request with one retry within the budget, then cache and bookkeeping.
    async fn call(
        self: Arc<Self>,
        ids: Vec<String>,
    ) -> Result<HashMap<String, Profile>, UpstreamError> {
        let result = if self.breaker.allow() {
            let result = self.request_with_retry(&ids).await;
            match &result {
                Ok(_) => self.breaker.succeeded(),
                Err(_) => self.breaker.failed(),
            }
            self.metrics.circuit(UPSTREAM, self.breaker.is_open());
            result
        } else {
            self.metrics.upstream_request(UPSTREAM, "rejected");
            Err(UpstreamError::CircuitOpen)
        };
        if let (Ok(found), Some(cache)) = (&result, &self.cache) {
            for id in &ids {
                cache.insert(id.clone(), found.get(id).cloned()).await;
            }
        }
        if let Ok(mut in_flight) = self.in_flight.lock() {
            for id in &ids {
                in_flight.remove(id);
            }
        }
        if let Err(err) = &result {
            tracing::warn!(error = %err, ids = ids.len(), "profiles call failed");
        }
        result
    }

    async fn request_with_retry(
        &self,
        ids: &[String],
    ) -> Result<HashMap<String, Profile>, UpstreamError> {
        let deadline = Instant::now() + self.config.timeout;
        match self.request(ids, deadline).await {
            Err(Attempt::Retryable(reason)) => {
                // Jittered backoff, only if it leaves time for the second attempt.
                let backoff = Duration::from_millis(rand::rng().random_range(20..60));
                if Instant::now() + backoff * 2 >= deadline {
                    return Err(UpstreamError::Unavailable(reason));
                }
                tokio::time::sleep(backoff).await;
                self.request(ids, deadline)
                    .await
                    .map_err(Attempt::into_error)
            }
            other => other.map_err(Attempt::into_error),
        }
    }

    async fn request(
        &self,
        ids: &[String],
        deadline: Instant,
    ) -> Result<HashMap<String, Profile>, Attempt> {
        let url = format!("{}/profiles", self.config.base_url.trim_end_matches('/'));
        let remaining = deadline.saturating_duration_since(Instant::now());
        let sent = self
            .http
            .get(&url)
            .query(&[("ids", ids.join(","))])
            .timeout(remaining)
            .send()
            .await;
        let outcome = match sent {
            Err(err) if err.is_timeout() => {
                Err(("timeout", Attempt::Final(UpstreamError::Timeout)))
            }
            Err(err) => Err((
                "connect_error",
                Attempt::Retryable(err.without_url().to_string()),
            )),
            Ok(response) if response.status().is_server_error() => Err((
                "server_error",
                Attempt::Retryable(format!("status {}", response.status())),
            )),
            Ok(response) if !response.status().is_success() => Err((
                "client_error",
                Attempt::Final(UpstreamError::Unavailable(format!(
                    "status {}",
                    response.status()
                ))),
            )),
            Ok(response) => match response.json::<Vec<Profile>>().await {
                Ok(profiles) => Ok(profiles),
                Err(err) if err.is_timeout() => {
                    Err(("timeout", Attempt::Final(UpstreamError::Timeout)))
                }
                Err(_) => Err(("malformed", Attempt::Final(UpstreamError::Malformed))),
            },
        };
        match outcome {
            Ok(profiles) => {
                self.metrics.upstream_request(UPSTREAM, "ok");
                // Only the ids asked for: a service that answers more must not fill the cache with them.
                Ok(profiles
                    .into_iter()
                    .filter(|p| ids.contains(&p.id))
                    .map(|p| (p.id.clone(), p))
                    .collect())
            }
            Err((label, attempt)) => {
                self.metrics.upstream_request(UPSTREAM, label);
                Err(attempt)
            }
        }
    }
}

/// A failed HTTP attempt: worth retrying (connection error, 5xx) or not.
enum Attempt {
    Retryable(String),
    Final(UpstreamError),
}

impl Attempt {
    fn into_error(self) -> UpstreamError {
        match self {
            Self::Retryable(reason) => UpstreamError::Unavailable(reason),
            Self::Final(err) => err,
        }
    }
}
