//! Persisted operations: Apollo's automatic persisted queries (APQ), and a trusted-documents mode for
//! production frontends.
//!
//! A client names a document by the SHA-256 of its text in `extensions.persistedQuery.sha256Hash`.
//! - **APQ** (the default): a hash the server has not seen gets `PERSISTED_QUERY_NOT_FOUND`; the client sends
//!   the hash again with the text, which is checked against the hash and remembered (in a bounded cache, per
//!   replica: a replica that has not seen it asks again).
//! - **Trusted documents** (`--trusted-documents FILE`): only the manifest's documents run, by hash or by
//!   their exact text; anything else is refused, and nothing is registered at run time.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context as _, bail};
use async_graphql::{Request, Value};
use sha2::{Digest, Sha256};

/// How many documents APQ remembers per replica.
const APQ_CAPACITY: u64 = 10_000;

/// A refusal: an error code and a message.
pub type Refusal = (&'static str, String);

/// The server's persisted documents.
#[derive(Clone)]
pub enum PersistedDocuments {
    /// Automatic persisted queries: any document may be registered by a client.
    Automatic(moka::sync::Cache<String, Arc<str>>),
    /// Only the documents of a manifest run.
    Trusted(Arc<TrustedDocuments>),
}

/// A manifest's documents, by hash.
pub struct TrustedDocuments {
    by_hash: HashMap<String, Arc<str>>,
    hashes_of_text: HashSet<String>,
}

impl PersistedDocuments {
    pub fn automatic() -> Self {
        Self::Automatic(moka::sync::Cache::new(APQ_CAPACITY))
    }

    /// The trusted documents of the manifest at `path`: either a JSON object of hash -> document, or Apollo's
    /// persisted query manifest (`{"format": "apollo-persisted-query-manifest", "operations": [{"id", "body"}]}`).
    pub fn trusted(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading the trusted documents {}", path.display()))?;
        let json: serde_json::Value = serde_json::from_str(&text)
            .with_context(|| format!("{} is not JSON", path.display()))?;
        let pairs: Vec<(String, String)> = match &json {
            serde_json::Value::Object(map) if map.contains_key("operations") => map["operations"]
                .as_array()
                .context("`operations` must be an array")?
                .iter()
                .map(|op| match (op["id"].as_str(), op["body"].as_str()) {
                    (Some(id), Some(body)) => Ok((id.to_owned(), body.to_owned())),
                    _ => bail!("every operation needs a string `id` and `body`"),
                })
                .collect::<anyhow::Result<_>>()?,
            serde_json::Value::Object(map) => map
                .iter()
                .map(|(hash, body)| match body.as_str() {
                    Some(body) => Ok((hash.clone(), body.to_owned())),
                    None => bail!("the document of {hash} is not a string"),
                })
                .collect::<anyhow::Result<_>>()?,
            _ => bail!("the manifest must be a JSON object"),
        };
        let mut trusted = TrustedDocuments {
            by_hash: HashMap::with_capacity(pairs.len()),
            hashes_of_text: HashSet::with_capacity(pairs.len()),
        };
        for (hash, body) in pairs {
            let actual = sha256_hex(&body);
            if !hash.eq_ignore_ascii_case(&actual) {
                bail!("the manifest's hash {hash} is not the SHA-256 of its document ({actual})");
            }
            trusted.hashes_of_text.insert(actual);
            trusted
                .by_hash
                .insert(hash.to_ascii_lowercase(), body.into());
        }
        Ok(Self::Trusted(Arc::new(trusted)))
    }

    /// Fills in `request.query` from a persisted hash, or registers it (APQ), or refuses it.
    pub fn resolve(&self, request: &mut Request) -> Result<(), Refusal> {
        let hash = requested_hash(request)?;
        match self {
            Self::Automatic(cache) => match hash {
                None => Ok(()),
                Some(hash) if request.query.is_empty() => match cache.get(&hash) {
                    Some(query) => {
                        request.query = query.to_string();
                        Ok(())
                    }
                    None => Err((
                        "PERSISTED_QUERY_NOT_FOUND",
                        "PersistedQueryNotFound".to_owned(),
                    )),
                },
                Some(hash) => {
                    if sha256_hex(&request.query) != hash {
                        return Err((
                            "PERSISTED_QUERY_HASH_MISMATCH",
                            "the query's SHA-256 is not extensions.persistedQuery.sha256Hash"
                                .into(),
                        ));
                    }
                    cache.insert(hash, request.query.as_str().into());
                    Ok(())
                }
            },
            Self::Trusted(trusted) => {
                if request.query.is_empty() {
                    let Some(hash) = hash else {
                        return Ok(()); // No document at all: execution says so.
                    };
                    return match trusted.by_hash.get(&hash) {
                        Some(query) => {
                            request.query = query.to_string();
                            Ok(())
                        }
                        None => Err((
                            "PERSISTED_QUERY_NOT_IN_LIST",
                            format!("{hash} is not one of this server's trusted documents"),
                        )),
                    };
                }
                if trusted.hashes_of_text.contains(&sha256_hex(&request.query)) {
                    Ok(())
                } else {
                    Err((
                        "QUERY_NOT_IN_SAFELIST",
                        "this server runs only its trusted documents (--trusted-documents); send one of \
                         them by its hash"
                            .into(),
                    ))
                }
            }
        }
    }
}

/// `extensions.persistedQuery.sha256Hash`, lower-cased; `None` if the request names no persisted query.
fn requested_hash(request: &Request) -> Result<Option<String>, Refusal> {
    let Some(persisted) = request.extensions.0.get("persistedQuery") else {
        return Ok(None);
    };
    let invalid = || {
        (
            "BAD_REQUEST",
            "extensions.persistedQuery must be {\"version\": 1, \"sha256Hash\": \"<64 hex digits>\"}".to_owned(),
        )
    };
    let Value::Object(fields) = persisted else {
        return Err(invalid());
    };
    if let Some(version) = fields.get("version")
        && *version != Value::from(1)
    {
        return Err((
            "PERSISTED_QUERY_VERSION_NOT_SUPPORTED",
            "only version 1 of persisted queries is supported".into(),
        ));
    }
    match fields.get("sha256Hash") {
        Some(Value::String(hash))
            if hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit()) =>
        {
            Ok(Some(hash.to_ascii_lowercase()))
        }
        _ => Err(invalid()),
    }
}

/// The lower-case hex SHA-256 of `text`, as Apollo clients compute it.
pub fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_hash(query: &str, hash: &str) -> Request {
        let mut request = Request::new(query);
        request.extensions.0.insert(
            "persistedQuery".into(),
            Value::from_json(serde_json::json!({ "version": 1, "sha256Hash": hash }))
                .expect("json"),
        );
        request
    }

    #[test]
    fn apq_asks_for_an_unknown_hash_then_remembers_it() {
        let apq = PersistedDocuments::automatic();
        let query = "{ __typename }";
        let hash = sha256_hex(query);
        let refused = apq.resolve(&mut with_hash("", &hash));
        assert_eq!(refused.map_err(|e| e.0), Err("PERSISTED_QUERY_NOT_FOUND"));
        assert!(apq.resolve(&mut with_hash(query, &hash)).is_ok());
        let mut by_hash = with_hash("", &hash);
        assert!(apq.resolve(&mut by_hash).is_ok());
        assert_eq!(by_hash.query, query);
    }

    #[test]
    fn apq_refuses_a_text_that_is_not_its_hash() {
        let apq = PersistedDocuments::automatic();
        let wrong = sha256_hex("{ other }");
        let refused = apq.resolve(&mut with_hash("{ __typename }", &wrong));
        assert_eq!(
            refused.map_err(|e| e.0),
            Err("PERSISTED_QUERY_HASH_MISMATCH")
        );
        assert_eq!(
            apq.resolve(&mut with_hash("", &wrong)).map_err(|e| e.0),
            Err("PERSISTED_QUERY_NOT_FOUND")
        );
    }

    #[test]
    fn a_manifest_whose_hash_lies_is_refused_at_start() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("manifest.json");
        std::fs::write(
            &path,
            r#"{"0000000000000000000000000000000000000000000000000000000000000000": "{ a }"}"#,
        )
        .expect("write");
        let err = PersistedDocuments::trusted(&path).err().expect("refused");
        assert!(err.to_string().contains("is not the SHA-256"), "{err}");
    }
}
