//! RS256 tokens verified with an identity provider's JWKS, served here by a small HTTP server whose key set
//! the tests can rotate.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::routing::get;
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use reqwest::StatusCode;
use serde_json::{Value, json};
use treasure_hunt::auth::jwks::JwksConfig;

use crate::helpers::{TestApp, code, spawn_app_with};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/jwks");

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!("{FIXTURES}/{name}")).unwrap()
}

/// A JWKS endpoint serving whatever `keys` holds.
async fn identity_provider(keys: Arc<Mutex<String>>) -> String {
    let app = Router::new().route(
        "/.well-known/jwks.json",
        get(move || {
            let keys = keys.clone();
            async move {
                let body = keys.lock().unwrap().clone();
                ([("content-type", "application/json")], body)
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{address}/.well-known/jwks.json")
}

fn rs256(key_file: &str, kid: &str, claims: Value) -> String {
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(kid.to_owned());
    let key = EncodingKey::from_rsa_pem(fixture(key_file).as_bytes()).unwrap();
    encode(&header, &claims, &key).unwrap()
}

fn claims(sub: &str) -> Value {
    let now = jsonwebtoken::get_current_timestamp();
    json!({ "sub": sub, "exp": now + 600, "iss": "https://idp.test", "aud": "treasure-hunt", "role": "organizer" })
}

async fn whoami(app: &TestApp, token: &str) -> (StatusCode, Value) {
    let response = app
        .client
        .post(app.url("/graphql"))
        .bearer_auth(token)
        .json(&json!({ "query": "mutation { createHunt(input: { slug: \"from-idp\", title: \"IdP\" }) { slug } }" }))
        .send()
        .await
        .unwrap();
    (response.status(), response.json().await.unwrap())
}

async fn app_trusting(url: String) -> TestApp {
    spawn_app_with(|config| {
        config.jwks = Some(JwksConfig {
            url,
            refresh_cooldown: Duration::ZERO,
            issuer: Some("https://idp.test".into()),
            audience: Some("treasure-hunt".into()),
        });
    })
    .await
}

#[tokio::test]
async fn rs256_tokens_of_the_providers_keys_are_accepted_and_others_refused() {
    let keys = Arc::new(Mutex::new(fixture("jwks.json")));
    let app = app_trusting(identity_provider(keys).await).await;

    let (status, body) = whoami(&app, &rs256("signing-key.pem", "key-1", claims("idp-user"))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["createHunt"]["slug"], "from-idp");

    let mut refused = vec![
        (
            "a key outside the set",
            rs256("stranger-key.pem", "key-1", claims("x")),
        ),
        (
            "an unknown key id",
            rs256("stranger-key.pem", "key-9", claims("x")),
        ),
        ("no key id", {
            let key = EncodingKey::from_rsa_pem(fixture("signing-key.pem").as_bytes()).unwrap();
            encode(&Header::new(Algorithm::RS256), &claims("x"), &key).unwrap()
        }),
    ];
    let mut wrong_audience = claims("x");
    wrong_audience["aud"] = json!("someone-else");
    refused.push((
        "another audience",
        rs256("signing-key.pem", "key-1", wrong_audience),
    ));
    let mut wrong_issuer = claims("x");
    wrong_issuer["iss"] = json!("https://evil.test");
    refused.push((
        "another issuer",
        rs256("signing-key.pem", "key-1", wrong_issuer),
    ));
    let mut expired = claims("x");
    expired["exp"] = json!(jsonwebtoken::get_current_timestamp() - 600);
    refused.push((
        "an expired token",
        rs256("signing-key.pem", "key-1", expired),
    ));
    // Algorithm confusion: HS256 "signed" with the provider's public key as the secret.
    refused.push(("HS256 keyed with the public key", {
        let key = EncodingKey::from_secret(fixture("signing-public.pem").as_bytes());
        encode(&Header::new(Algorithm::HS256), &claims("x"), &key).unwrap()
    }));
    for (what, token) in refused {
        let (status, body) = whoami(&app, &token).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{what}: {body}");
        assert_eq!(code(&body), "UNAUTHENTICATED", "{what}: {body}");
    }
}

#[tokio::test]
async fn a_rotated_key_is_fetched_when_a_token_first_names_it() {
    let keys = Arc::new(Mutex::new(fixture("jwks.json")));
    let app = app_trusting(identity_provider(keys.clone()).await).await;
    let rotated = rs256("rotated-key.pem", "key-2", claims("rotated-user"));

    let (status, _) = whoami(&app, &rotated).await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "key-2 is not published yet"
    );
    *keys.lock().unwrap() = fixture("jwks-rotated.json");
    let (status, body) = whoami(&app, &rotated).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["createHunt"]["slug"], "from-idp");
}

#[tokio::test]
async fn hs256_tokens_still_work_beside_the_jwks() {
    let keys = Arc::new(Mutex::new(fixture("jwks.json")));
    let app = app_trusting(identity_provider(keys).await).await;
    let (status, body) = whoami(&app, &app.organizer_token("local-organizer")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}
