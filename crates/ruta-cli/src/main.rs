//! The `ruta` binary. Exit codes: 0 success, 1 failure, 2 usage error.

mod cli;
mod commands;
mod debt;
mod import;
mod link;
mod news;
mod output;
mod trade;

use clap::Parser;

fn main() {
    let cli = cli::Cli::parse();
    match commands::run(cli) {
        Ok(()) => {}
        Err(e) => {
            if let Some(io) = e.downcast_ref::<std::io::Error>()
                && io.kind() == std::io::ErrorKind::BrokenPipe
            {
                std::process::exit(0);
            }
            eprintln!("ruta: error: {e:#}");
            std::process::exit(1);
        }
    }
}
