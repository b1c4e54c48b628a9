//! Who may read a clue's riddle.
//!
//! Clues are solved in order: the first riddle is open to everyone taking part, and each later one opens for a
//! player once they have solved the clue before it. Organisers of the hunt read everything; once a hunt has
//! ended every riddle is public; a draft hunt's riddles are the organiser's alone.

use std::collections::HashSet;

use super::HuntStatus;

/// How the caller stands towards a hunt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Viewer {
    /// The hunt's organiser.
    Organizer,
    /// A player (or an anonymous visitor, with nothing solved), with the positions of the clues they solved.
    Player { solved_positions: HashSet<i32> },
}

impl Viewer {
    pub fn anonymous() -> Self {
        Self::Player {
            solved_positions: HashSet::new(),
        }
    }
}

/// Whether `viewer` may read the riddle of the clue at `position` (1-based) in a hunt in `status`.
pub fn riddle_visible(status: HuntStatus, viewer: &Viewer, position: i32) -> bool {
    match (viewer, status) {
        (Viewer::Organizer, _) => true,
        (Viewer::Player { .. }, HuntStatus::Draft) => false,
        (Viewer::Player { .. }, HuntStatus::Ended) => true,
        (Viewer::Player { solved_positions }, HuntStatus::Active) => {
            is_unlocked(position, solved_positions)
        }
    }
}

/// Whether the clue at `position` is open to a player who solved `solved_positions`.
pub fn is_unlocked(position: i32, solved_positions: &HashSet<i32>) -> bool {
    position <= 1
        || solved_positions.contains(&(position - 1))
        || solved_positions.contains(&position)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn player(solved: &[i32]) -> Viewer {
        Viewer::Player {
            solved_positions: solved.iter().copied().collect(),
        }
    }

    #[test]
    fn the_first_clue_is_open_and_each_next_opens_after_the_one_before() {
        assert!(riddle_visible(HuntStatus::Active, &player(&[]), 1));
        assert!(!riddle_visible(HuntStatus::Active, &player(&[]), 2));
        assert!(riddle_visible(HuntStatus::Active, &player(&[1]), 2));
        assert!(!riddle_visible(HuntStatus::Active, &player(&[1]), 3));
        assert!(riddle_visible(HuntStatus::Active, &player(&[1, 2]), 3));
    }

    #[test]
    fn organisers_see_everything_and_players_see_no_draft() {
        assert!(riddle_visible(HuntStatus::Draft, &Viewer::Organizer, 7));
        assert!(riddle_visible(HuntStatus::Active, &Viewer::Organizer, 7));
        assert!(!riddle_visible(HuntStatus::Draft, &player(&[1, 2, 3]), 1));
        assert!(!riddle_visible(HuntStatus::Draft, &Viewer::anonymous(), 1));
    }

    #[test]
    fn an_ended_hunt_shows_every_riddle() {
        assert!(riddle_visible(HuntStatus::Ended, &Viewer::anonymous(), 9));
    }
}
