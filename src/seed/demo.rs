//! The demo data set: three small hunts with real riddles, five players, and a game in progress.
//!
//! It is played through the game's own operations (create, add clues, start, register, join, answer), so the
//! demo is exactly what real use would store. Tokens for its accounts: `treasure-hunt token --sub demo-organizer
//! --role organizer`, or `--sub demo-anne` (a player).

use sea_orm::{DatabaseConnection, EntityTrait, PaginatorTrait};

use crate::entity::hunt;
use crate::game::answers::AttemptLimit;
use crate::game::hunts::{self, NewClue, NewHunt};
use crate::game::{Actor, GameError, answers, players};

/// The account whose token the playground offers in demo mode: Calico Jack, who joined the Pirate's Cove and
/// has the first riddle to answer.
pub const PLAYGROUND_ACCOUNT: &str = "demo-jack";

/// The demo hunts' organiser account.
pub const ORGANIZER: &str = "demo-organizer";

struct DemoHunt {
    slug: &'static str,
    title: &'static str,
    description: &'static str,
    /// (title, riddle, answer, points)
    clues: &'static [(&'static str, &'static str, &'static str, i32)],
}

const HUNTS: &[DemoHunt] = &[
    DemoHunt {
        slug: "pirate-cove",
        title: "The Pirate's Cove",
        description: "Captain Flint buried his gold somewhere along the cove. Follow his riddles from the beach to the treasure.",
        clues: &[
            (
                "The captain's chart",
                "I have cities but no houses, forests but no trees, and water but no fish. What am I?",
                "a map",
                10,
            ),
            (
                "Washed ashore",
                "I have a neck but no head, and I carry messages across the sea. What am I?",
                "bottle",
                20,
            ),
            (
                "The smugglers' cave",
                "I am tall when I am young and short when I am old, and I light the way through the dark. What am I?",
                "candle",
                30,
            ),
            (
                "The last stretch",
                "The more of me you take, the more of me you leave behind. What am I?",
                "footsteps",
                40,
            ),
        ],
    },
    DemoHunt {
        slug: "library-of-whispers",
        title: "The Library of Whispers",
        description: "After closing time the old library tells its secrets to those who can read between the lines.",
        clues: &[
            (
                "The reading room",
                "I have many leaves but I am not a tree, and a spine but no bones. What am I?",
                "book",
                10,
            ),
            (
                "Reference section",
                "Where does today come before yesterday?",
                "dictionary",
                20,
            ),
            (
                "The post room",
                "I can travel around the world while staying in one corner. What am I?",
                "stamp",
                30,
            ),
        ],
    },
    DemoHunt {
        slug: "midnight-museum",
        title: "A Night at the Museum",
        description: "The exhibits come alive at midnight. Last season's hunt: the results are final.",
        clues: &[
            (
                "The great hall",
                "I have hands but cannot clap, and a face but cannot smile. What am I?",
                "clock",
                15,
            ),
            (
                "The dragon's hoard",
                "Feed me and I live; give me a drink and I die. What am I?",
                "fire",
                25,
            ),
            (
                "The egg collection",
                "What has to be broken before you can use it?",
                "an egg",
                35,
            ),
        ],
    },
];

/// (account, handle, display name)
const PLAYERS: &[(&str, &str, &str)] = &[
    ("demo-anne", "anne_bonny", "Anne Bonny"),
    ("demo-john", "long_john", "Long John Silver"),
    ("demo-mary", "mary_read", "Mary Read"),
    ("demo-jack", "calico_jack", "Calico Jack"),
    ("demo-grace", "grace_omalley", "Gráinne O'Malley"),
];

/// Who joined which hunt, and how many of its clues they solved, in order. (hunt index, player index, solved)
const PROGRESS: &[(usize, usize, usize)] = &[
    (2, 1, 2),
    (2, 4, 3),
    (0, 0, 3),
    (0, 1, 2),
    (0, 2, 1),
    (0, 3, 0),
    (1, 2, 3),
    (1, 4, 1),
];

/// Loads the demo data set unless the database already holds hunts. Returns whether it loaded it.
pub async fn load_if_empty(db: &DatabaseConnection) -> Result<bool, GameError> {
    if hunt::Entity::find().count(db).await? > 0 {
        return Ok(false);
    }
    let organizer = Actor::new(ORGANIZER, true);
    let mut hunt_clues = Vec::new();
    for demo in HUNTS {
        let created = hunts::create_hunt(
            db,
            &organizer,
            NewHunt {
                slug: demo.slug.into(),
                title: demo.title.into(),
                description: demo.description.into(),
                starts_at: None,
                ends_at: None,
            },
        )
        .await?;
        let mut clues = Vec::new();
        for (title, riddle, answer, points) in demo.clues {
            let clue = hunts::add_clue(
                db,
                &organizer,
                NewClue {
                    hunt_id: created.id,
                    title: (*title).into(),
                    riddle: (*riddle).into(),
                    answer: (*answer).into(),
                    points: *points,
                },
            )
            .await?;
            clues.push((clue.id, *answer));
        }
        hunts::start_hunt(db, &organizer, created.id).await?;
        hunt_clues.push((created.id, clues));
    }
    let actors: Vec<Actor> = PLAYERS
        .iter()
        .map(|(account, _, _)| Actor::new(*account, false))
        .collect();
    for ((_, handle, name), actor) in PLAYERS.iter().zip(&actors) {
        players::register_player(db, actor, handle, name).await?;
    }
    for &(hunt_index, player_index, solved) in PROGRESS {
        let (hunt_id, clues) = &hunt_clues[hunt_index];
        let actor = &actors[player_index];
        players::join_hunt(db, actor, *hunt_id).await?;
        for (clue_id, answer) in clues.iter().take(solved) {
            answers::submit_answer(
                db,
                actor,
                *clue_id,
                (*answer).to_owned(),
                AttemptLimit::default(),
            )
            .await?;
        }
    }
    // The museum's season is over.
    hunts::end_hunt(db, &organizer, hunt_clues[2].0).await?;
    Ok(true)
}
