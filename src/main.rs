//! The `treasure-hunt` binary: parses the command line and hands over to the library.

use std::process::ExitCode;

// GraphQL execution allocates a great deal of small, short-lived values; mimalloc serves them markedly faster
// than the system allocator (BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    match treasure_hunt::cli::run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
