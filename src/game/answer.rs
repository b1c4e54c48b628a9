//! Answers: normalised so that players are not failed by case or spacing, and stored only as salted hashes.

use argon2::password_hash::{
    PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng,
};
use argon2::{Algorithm, Argon2, Params, Version};
use unicode_normalization::UnicodeNormalization;

use super::GameError;

/// The canonical form of an answer: Unicode NFKC, case-folded, trimmed, inner whitespace collapsed to one space.
///
/// `"  The  MAP\t"` and `"the map"` normalise alike; so do full-width and ASCII letters.
pub fn normalise(answer: &str) -> String {
    let folded: String = answer.nfkc().collect::<String>().to_lowercase();
    // Lower-casing can produce characters outside NFKC (e.g. from U+0130); normalise once more.
    let folded: String = folded.nfkc().collect();
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// How expensive a stored hash is to compute (and so to brute-force). The cost is recorded in the hash, so
/// verification needs no setting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cost {
    /// Argon2id with OWASP's first recommended setting (19 MiB, 2 passes), for every real clue: answers are
    /// short and guessable, so the cost is what protects them if the database leaks.
    Standard,
    /// Argon2id at 1 MiB and 1 pass, only for generated benchmark data sets, where thousands of clues are made.
    Light,
}

fn hasher(cost: Cost) -> Argon2<'static> {
    let params = match cost {
        Cost::Standard => Params::new(19 * 1024, 2, 1, None),
        Cost::Light => Params::new(1024, 1, 1, None),
    }
    .unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes the normalised answer with a fresh random salt, as a PHC string (`$argon2id$...`).
pub fn hash(answer: &str) -> Result<String, GameError> {
    hash_with_cost(answer, Cost::Standard)
}

/// [`hash`] at a chosen [`Cost`].
pub fn hash_with_cost(answer: &str, cost: Cost) -> Result<String, GameError> {
    let salt = SaltString::generate(&mut OsRng);
    hasher(cost)
        .hash_password(normalise(answer).as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|err| GameError::Internal(format!("hashing an answer: {err}")))
}

/// Whether `answer` matches the stored hash once normalised.
pub fn verify(answer: &str, stored_hash: &str) -> Result<bool, GameError> {
    let parsed = PasswordHash::new(stored_hash)
        .map_err(|err| GameError::Internal(format!("stored answer hash is unreadable: {err}")))?;
    // The parameters come from the stored hash itself.
    Ok(Argon2::default()
        .verify_password(normalise(answer).as_bytes(), &parsed)
        .is_ok())
}

/// [`hash`] off the async runtime: Argon2 is deliberately slow.
pub async fn hash_blocking(answer: String) -> Result<String, GameError> {
    tokio::task::spawn_blocking(move || hash(&answer))
        .await
        .map_err(|err| GameError::Internal(format!("answer hashing task: {err}")))?
}

/// [`verify`] off the async runtime.
pub async fn verify_blocking(answer: String, stored_hash: String) -> Result<bool, GameError> {
    tokio::task::spawn_blocking(move || verify(&answer, &stored_hash))
        .await
        .map_err(|err| GameError::Internal(format!("answer checking task: {err}")))?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalising_folds_case_spacing_and_compatibility_forms() {
        assert_eq!(normalise("  The   MAP\t\n"), "the map");
        assert_eq!(normalise("ＴＨＥ　ＭＡＰ"), "the map");
        assert_eq!(normalise("ﬁsh"), "fish");
        assert_eq!(normalise("Ünïcode"), "ünïcode");
        assert_eq!(normalise("u\u{308}ber"), "über");
    }

    #[test]
    fn a_hash_verifies_the_same_answer_in_any_spelling_and_nothing_else() -> Result<(), GameError> {
        let stored = hash("Treasure Island")?;
        assert!(stored.starts_with("$argon2id$"));
        assert!(!stored.to_lowercase().contains("treasure"));
        assert!(verify("  treasure   ISLAND ", &stored)?);
        assert!(!verify("treasure islands", &stored)?);
        Ok(())
    }

    #[test]
    fn the_same_answer_hashes_differently_each_time() -> Result<(), GameError> {
        assert_ne!(hash("anchor")?, hash("anchor")?);
        Ok(())
    }

    #[test]
    fn light_hashes_verify_like_standard_ones() -> Result<(), GameError> {
        let stored = hash_with_cost("Anchor", Cost::Light)?;
        assert!(stored.contains("m=1024,t=1"));
        assert!(verify("anchor", &stored)?);
        Ok(())
    }
}
