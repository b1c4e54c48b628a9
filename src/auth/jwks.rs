//! RS256 tokens verified with the public keys an identity provider publishes as a JSON Web Key Set.
//!
//! Keys are fetched at start-up and again when a token names a key id the server does not know (the provider
//! rotated its keys), at most once per `refresh_cooldown`, so that tokens with made-up key ids cannot make the
//! server hammer the provider. A key set older than `MAX_AGE` is fetched again on use, so removed keys stop
//! working.

use std::collections::HashMap;
use std::sync::RwLock;
use std::time::{Duration, Instant};

use jsonwebtoken::jwk::{JwkSet, KeyAlgorithm};
use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode};

use super::{AuthError, Claims};
use crate::game::Actor;

/// The longest a fetched key set is used without fetching it again.
const MAX_AGE: Duration = Duration::from_secs(600);
/// The longest a key set fetch may take.
const FETCH_TIMEOUT: Duration = Duration::from_secs(5);

/// Where the keys are and what tokens must say.
#[derive(Clone, Debug)]
pub struct JwksConfig {
    /// The provider's JWKS URL, such as `https://issuer.example/.well-known/jwks.json`.
    pub url: String,
    /// The least time between two fetches caused by unknown key ids.
    pub refresh_cooldown: Duration,
    /// When set, tokens must carry this `iss`.
    pub issuer: Option<String>,
    /// When set, tokens must carry this `aud`.
    pub audience: Option<String>,
}

/// The provider's current keys, by key id.
pub struct Jwks {
    config: JwksConfig,
    client: reqwest::Client,
    keys: RwLock<Keys>,
    /// Held while fetching, so that concurrent requests with a new key id cause one fetch.
    fetching: tokio::sync::Mutex<()>,
    validation: Validation,
}

#[derive(Default)]
struct Keys {
    by_id: HashMap<String, DecodingKey>,
    fetched_at: Option<Instant>,
}

impl Jwks {
    pub fn new(config: JwksConfig) -> Result<Self, reqwest::Error> {
        let mut validation = Validation::new(Algorithm::RS256);
        validation.validate_nbf = true;
        validation.set_required_spec_claims(&["exp", "sub"]);
        if let Some(issuer) = &config.issuer {
            validation.set_issuer(&[issuer]);
        }
        match &config.audience {
            Some(audience) => validation.set_audience(&[audience]),
            None => validation.validate_aud = false,
        }
        Ok(Self {
            client: reqwest::Client::builder().timeout(FETCH_TIMEOUT).build()?,
            config,
            keys: RwLock::default(),
            fetching: tokio::sync::Mutex::new(()),
            validation,
        })
    }

    /// Fetches the key set now; an error leaves the keys already known in place.
    pub async fn refresh(&self) -> Result<usize, AuthError> {
        let unavailable =
            |err: reqwest::Error| AuthError::KeysUnavailable(err.without_url().to_string());
        let set: JwkSet = self
            .client
            .get(&self.config.url)
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .map_err(unavailable)?
            .json()
            .await
            .map_err(unavailable)?;
        let by_id: HashMap<String, DecodingKey> = set
            .keys
            .iter()
            .filter(|jwk| matches!(jwk.common.key_algorithm, None | Some(KeyAlgorithm::RS256)))
            .filter_map(|jwk| {
                let kid = jwk.common.key_id.clone()?;
                DecodingKey::from_jwk(jwk).ok().map(|key| (kid, key))
            })
            .collect();
        let count = by_id.len();
        let mut keys = self
            .keys
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        *keys = Keys {
            by_id,
            fetched_at: Some(Instant::now()),
        };
        Ok(count)
    }

    /// The actor of an RS256 token whose header names key `kid`.
    pub async fn verify(&self, token: &str, kid: Option<&str>) -> Result<Actor, AuthError> {
        let kid = kid.ok_or(AuthError::InvalidToken)?;
        let (known, fresh) = self.lookup(kid);
        if !known || !fresh {
            self.refresh_for(kid).await;
        }
        let keys = self
            .keys
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let key = keys.by_id.get(kid).ok_or(AuthError::InvalidToken)?;
        let claims = decode::<Claims>(token, key, &self.validation)
            .map_err(|_| AuthError::InvalidToken)?
            .claims;
        claims.into_actor()
    }

    /// Whether `kid` is known, and whether the key set is younger than `MAX_AGE`.
    fn lookup(&self, kid: &str) -> (bool, bool) {
        let keys = self
            .keys
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let fresh = keys.fetched_at.is_some_and(|at| at.elapsed() < MAX_AGE);
        (keys.by_id.contains_key(kid), fresh)
    }

    /// Fetches the key set unless another request just did, or the cooldown has not passed.
    async fn refresh_for(&self, kid: &str) {
        let _fetching = self.fetching.lock().await;
        let (known, fresh) = self.lookup(kid);
        if known && fresh {
            return; // Another request fetched it while this one waited.
        }
        let due = {
            let keys = self
                .keys
                .read()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            keys.fetched_at
                .is_none_or(|at| at.elapsed() >= self.config.refresh_cooldown || !fresh)
        };
        if due && let Err(err) = self.refresh().await {
            tracing::warn!(error = %err, url = %self.config.url, "fetching the JWKS failed");
        }
    }
}
