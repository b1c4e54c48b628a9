//! The committed SDL is the truth, and the binary prints exactly it.

use std::process::Command;

#[test]
fn the_committed_schema_file_is_what_the_server_serves() {
    let committed = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/schema/treasure-hunt.graphql"
    ))
    .unwrap();
    let current = treasure_hunt::graphql::sdl();
    assert!(
        committed == current,
        "schema/treasure-hunt.graphql is stale: run `cargo run -- schema > schema/treasure-hunt.graphql` and commit it"
    );
}

#[test]
fn the_schema_command_prints_the_committed_schema() {
    let output = Command::new(env!("CARGO_BIN_EXE_treasure-hunt"))
        .arg("schema")
        .output()
        .unwrap();
    assert!(output.status.success());
    let committed = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/schema/treasure-hunt.graphql"
    ))
    .unwrap();
    assert_eq!(String::from_utf8(output.stdout).unwrap(), committed);
}

#[test]
fn the_sdl_declares_the_federation_entities_and_no_answer_field() {
    let sdl = treasure_hunt::graphql::sdl();
    assert!(sdl.contains("specs.apollo.dev/federation/v2"));
    assert!(
        sdl.contains("type Hunt @key(fields: \"id\") @key(fields: \"slug\")"),
        "{sdl}"
    );
    assert!(sdl.contains("type Clue @key(fields: \"id\")"));
    assert!(sdl.contains("type Player @key(fields: \"id\") @key(fields: \"handle\")"));
    assert!(sdl.contains("type User @key(fields: \"id\")"));
    let clue = sdl
        .split("type Clue ")
        .nth(1)
        .unwrap()
        .split("\n}")
        .next()
        .unwrap();
    assert!(!clue.to_lowercase().contains("answer:"), "{clue}");
    assert!(!clue.to_lowercase().contains("answerhash"), "{clue}");
}

#[test]
fn the_token_command_mints_a_token_the_server_accepts() {
    let output = Command::new(env!("CARGO_BIN_EXE_treasure-hunt"))
        .args([
            "token",
            "--sub",
            "acct-7",
            "--role",
            "organizer",
            "--ttl",
            "5m",
        ])
        .env("HUNT_JWT_SECRET", crate::helpers::SECRET)
        .output()
        .unwrap();
    assert!(output.status.success());
    let token = String::from_utf8(output.stdout).unwrap();
    let actor = treasure_hunt::auth::JwtKeys::hs256(crate::helpers::SECRET)
        .verify(token.trim())
        .unwrap();
    assert_eq!(actor, treasure_hunt::game::Actor::new("acct-7", true));
    let refused = Command::new(env!("CARGO_BIN_EXE_treasure-hunt"))
        .args(["token", "--sub", "acct-7", "--role", "admin"])
        .output()
        .unwrap();
    assert!(!refused.status.success());
}
