//! Input rules shared by every operation that stores user-written text.

use super::GameError;

pub const MAX_TITLE: usize = 200;
pub const MAX_DESCRIPTION: usize = 5_000;
pub const MAX_RIDDLE: usize = 2_000;
pub const MAX_ANSWER: usize = 200;
pub const MAX_DISPLAY_NAME: usize = 100;
pub const MAX_CLUES_PER_HUNT: usize = 100;
pub const POINTS_RANGE: std::ops::RangeInclusive<i32> = 1..=10_000;

/// Trims `value` and checks it is non-empty (unless `allow_empty`) and at most `max` characters.
pub fn text(
    field: &'static str,
    value: &str,
    max: usize,
    allow_empty: bool,
) -> Result<String, GameError> {
    let trimmed = value.trim();
    if trimmed.is_empty() && !allow_empty {
        return Err(GameError::invalid(field, "must not be empty"));
    }
    if trimmed.chars().count() > max {
        return Err(GameError::invalid(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    if trimmed
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(GameError::invalid(
            field,
            "must not contain control characters",
        ));
    }
    Ok(trimmed.to_owned())
}

/// A hunt slug: 3 to 64 characters of `a-z`, `0-9` and inner single hyphens, as in URLs.
pub fn slug(value: &str) -> Result<String, GameError> {
    let ok_chars = value
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !(3..=64).contains(&value.len())
        || !ok_chars
        || value.starts_with('-')
        || value.ends_with('-')
        || value.contains("--")
    {
        return Err(GameError::invalid(
            "slug",
            "must be 3 to 64 characters of a-z, 0-9 and single inner hyphens",
        ));
    }
    Ok(value.to_owned())
}

/// A player handle: 3 to 32 characters of ASCII letters, digits and `_`. Unique regardless of case.
pub fn handle(value: &str) -> Result<String, GameError> {
    let ok_chars = value.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !(3..=32).contains(&value.len()) || !ok_chars {
        return Err(GameError::invalid(
            "handle",
            "must be 3 to 32 characters of letters, digits and _",
        ));
    }
    Ok(value.to_owned())
}

/// The key under which handles are unique and looked up.
pub fn handle_key(handle: &str) -> String {
    handle.to_ascii_lowercase()
}

pub fn points(value: i32) -> Result<i32, GameError> {
    if POINTS_RANGE.contains(&value) {
        Ok(value)
    } else {
        Err(GameError::invalid(
            "points",
            format!(
                "must be between {} and {}",
                POINTS_RANGE.start(),
                POINTS_RANGE.end()
            ),
        ))
    }
}

/// An answer as typed by an organiser or a player: non-empty once normalised, and of bounded length.
pub fn answer(field: &'static str, value: &str) -> Result<(), GameError> {
    if value.chars().count() > MAX_ANSWER {
        return Err(GameError::invalid(
            field,
            format!("must be at most {MAX_ANSWER} characters"),
        ));
    }
    if super::answer::normalise(value).is_empty() {
        return Err(GameError::invalid(field, "must not be empty"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_url_safe() {
        assert!(slug("pirate-cove").is_ok());
        for bad in [
            "ab",
            "Pirate",
            "-cove",
            "cove-",
            "a--b",
            "caf\u{e9}",
            "with space",
        ] {
            assert!(slug(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn handles_are_short_words() {
        assert!(handle("Long_John_99").is_ok());
        for bad in ["jo", "john silver", "jöhn", &"x".repeat(33)] {
            assert!(handle(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn text_is_trimmed_and_bounded() {
        assert_eq!(
            text("title", "  X marks  ", 10, false).ok().as_deref(),
            Some("X marks")
        );
        assert!(text("title", "   ", 10, false).is_err());
        assert!(text("title", &"y".repeat(11), 10, false).is_err());
        assert!(text("title", "bell\u{7}", 10, false).is_err());
    }

    #[test]
    fn answers_must_have_content() {
        assert!(answer("answer", "  \t ").is_err());
        assert!(answer("answer", &"a".repeat(201)).is_err());
        assert!(answer("answer", "Skull Rock").is_ok());
    }
}
