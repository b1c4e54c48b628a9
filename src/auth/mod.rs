//! Bearer tokens: JWTs whose `sub` is the caller's account id and whose `role`/`roles` may say `organizer`,
//! signed HS256 with the configured secret or RS256 with a key from the identity provider's JWKS. Verifying
//! them for requests, and minting development ones for `treasure-hunt token`.

pub mod jwks;

use std::sync::Arc;
use std::time::Duration;

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use serde::{Deserialize, Serialize};

use crate::game::Actor;

/// The secret `serve --demo` accepts when none is configured. Printed as such at start-up; never for production.
pub const DEVELOPMENT_SECRET: &str = "treasure-hunt-development-secret";

/// The role that lets an account create and run hunts.
pub const ORGANIZER_ROLE: &str = "organizer";

/// Who is calling, for this request: `None` for anonymous callers.
#[derive(Clone, Debug, Default)]
pub struct Caller(pub Option<Actor>);

#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Claims {
    sub: String,
    exp: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    iat: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    nbf: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    role: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    roles: Option<Vec<String>>,
}

/// Why a presented token was refused.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("the Authorization header must be `Bearer <token>`")]
    MalformedHeader,
    #[error("the token is invalid or expired")]
    InvalidToken,
    #[error("the token has no subject")]
    MissingSubject,
    #[error("could not sign a token: {0}")]
    Signing(String),
    #[error("tokens signed with {0} are not accepted here")]
    AlgorithmNotAccepted(String),
    #[error("the identity provider's keys are unavailable: {0}")]
    KeysUnavailable(String),
    #[error("this server accepts no tokens: no JWT secret or JWKS is configured")]
    NoVerifier,
}

impl Claims {
    /// The actor these verified claims speak for.
    fn into_actor(self) -> Result<Actor, AuthError> {
        if self.sub.trim().is_empty() {
            return Err(AuthError::MissingSubject);
        }
        let organizer = self.role.as_deref() == Some(ORGANIZER_ROLE)
            || self
                .roles
                .iter()
                .flatten()
                .any(|role| role == ORGANIZER_ROLE);
        Ok(Actor::new(self.sub, organizer))
    }
}

/// Every way this server accepts tokens: HS256 with its secret, RS256 with its provider's keys, or both.
#[derive(Clone, Default)]
pub struct Authenticator {
    hs256: Option<JwtKeys>,
    jwks: Option<Arc<jwks::Jwks>>,
}

impl Authenticator {
    pub fn new(hs256: Option<JwtKeys>, jwks: Option<Arc<jwks::Jwks>>) -> Self {
        Self { hs256, jwks }
    }

    /// The caller an `Authorization` value speaks for: anonymous without one, refused if it is bad.
    pub async fn caller(&self, authorization: Option<&str>) -> Result<Caller, AuthError> {
        let Some(value) = authorization else {
            return Ok(Caller::default());
        };
        if !self.accepts_tokens() {
            return Err(AuthError::NoVerifier);
        }
        self.verify_header(value)
            .await
            .map(|actor| Caller(Some(actor)))
    }

    /// Whether any token can be accepted; if not, a presented token is refused as such.
    pub fn accepts_tokens(&self) -> bool {
        self.hs256.is_some() || self.jwks.is_some()
    }

    /// The actor of an `Authorization` header value. The token's `alg` picks the verifier, and only HS256 (with
    /// a secret configured) and RS256 (with a JWKS configured) are accepted: `none`, other algorithms and an
    /// HS256 token "signed" with a public key are refused.
    pub async fn verify_header(&self, value: &str) -> Result<Actor, AuthError> {
        let token = bearer(value)?;
        let header = jsonwebtoken::decode_header(token).map_err(|_| AuthError::InvalidToken)?;
        match (header.alg, &self.hs256, &self.jwks) {
            (Algorithm::HS256, Some(keys), _) => keys.verify(token),
            (Algorithm::RS256, _, Some(jwks)) => jwks.verify(token, header.kid.as_deref()).await,
            (alg, _, _) => Err(AuthError::AlgorithmNotAccepted(format!("{alg:?}"))),
        }
    }
}

/// The token of `Bearer <token>`.
fn bearer(value: &str) -> Result<&str, AuthError> {
    value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or(AuthError::MalformedHeader)
}

/// The keys of one secret.
#[derive(Clone)]
pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

impl std::fmt::Debug for JwtKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("JwtKeys(..)")
    }
}

impl JwtKeys {
    /// Keys for HS256 with `secret`. Only HS256 is accepted: `alg: none` and other algorithms are refused.
    pub fn hs256(secret: &str) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.validate_nbf = true;
        validation.set_required_spec_claims(&["exp", "sub"]);
        Self {
            encoding: EncodingKey::from_secret(secret.as_bytes()),
            decoding: DecodingKey::from_secret(secret.as_bytes()),
            validation,
        }
    }

    /// The actor a token speaks for.
    pub fn verify(&self, token: &str) -> Result<Actor, AuthError> {
        decode::<Claims>(token, &self.decoding, &self.validation)
            .map_err(|_| AuthError::InvalidToken)?
            .claims
            .into_actor()
    }

    /// The actor of an `Authorization` header value.
    pub fn verify_header(&self, value: &str) -> Result<Actor, AuthError> {
        self.verify(bearer(value)?)
    }

    /// A signed token for `sub`, valid for `ttl`, with the organiser role if asked.
    pub fn mint(&self, sub: &str, role: Option<&str>, ttl: Duration) -> Result<String, AuthError> {
        let now = jsonwebtoken::get_current_timestamp();
        let claims = Claims {
            sub: sub.to_owned(),
            iat: Some(now),
            nbf: None,
            exp: now.saturating_add(ttl.as_secs()),
            role: role.map(str::to_owned),
            roles: None,
        };
        encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|err| AuthError::Signing(err.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_minted_token_verifies_with_its_role() -> Result<(), AuthError> {
        let keys = JwtKeys::hs256("s3cret");
        let token = keys.mint("acct-1", Some(ORGANIZER_ROLE), Duration::from_secs(60))?;
        assert_eq!(keys.verify(&token)?, Actor::new("acct-1", true));
        let token = keys.mint("acct-2", None, Duration::from_secs(60))?;
        assert_eq!(
            keys.verify_header(&format!("Bearer {token}"))?,
            Actor::new("acct-2", false)
        );
        Ok(())
    }

    #[test]
    fn tokens_of_another_secret_or_without_bearer_are_refused() -> Result<(), AuthError> {
        let token = JwtKeys::hs256("other").mint("acct-1", None, Duration::from_secs(60))?;
        let keys = JwtKeys::hs256("s3cret");
        assert!(keys.verify(&token).is_err());
        assert!(keys.verify_header(&token).is_err());
        assert!(keys.verify("not.a.token").is_err());
        Ok(())
    }
}
