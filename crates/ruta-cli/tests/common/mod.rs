//! What the CLI's integration tests share: running the built `ruta` on a database.

#![allow(dead_code)]

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

/// Runs the built `ruta --db DB ARGS…` (RUTA_DB unset) and returns its output.
pub fn ruta(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ruta"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("RUTA_DB")
        .output()
        .expect("ruta runs")
}

/// The JSON a successful run printed (panics with its stderr otherwise).
pub fn ok_json(out: Output) -> Value {
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON on stdout")
}
