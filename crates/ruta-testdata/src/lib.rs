//! ruta-testdata: where tests find the real public datasets.
//!
//! The datasets live outside the repository, in `../shared/data` relative to the
//! workspace root (override with `RUTA_SHARED_DATA`). They are never copied into the
//! repository. When a file is missing, tests skip with a message — except under
//! `CI=true`, where a missing file is a failure.

use std::path::PathBuf;

/// The shared data directory.
pub fn shared_dir() -> PathBuf {
    if let Ok(p) = std::env::var("RUTA_SHARED_DATA") {
        return PathBuf::from(p);
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data")
}

/// The shared seed articles directory.
pub fn seeds_dir() -> Option<PathBuf> {
    located(shared_dir().join("../seeds"))
}

fn in_ci() -> bool {
    std::env::var("CI")
        .map(|v| v == "true" || v == "1")
        .unwrap_or(false)
}

fn located(p: PathBuf) -> Option<PathBuf> {
    if p.exists() {
        return Some(p);
    }
    if in_ci() {
        panic!(
            "shared test data missing in CI: {} (CI=true makes this a failure)",
            p.display()
        );
    }
    eprintln!(
        "SKIP: shared test data not found at {} (set RUTA_SHARED_DATA)",
        p.display()
    );
    None
}

/// A file under the shared data directory, e.g. `"gcdf3/lac_ports_fullschema.csv"`.
/// None (with a skip message) when absent outside CI; panics when absent in CI.
pub fn shared_file(rel: &str) -> Option<PathBuf> {
    located(shared_dir().join(rel))
}

/// Skips the calling test (returns from it) when the shared file is absent outside CI.
#[macro_export]
macro_rules! require {
    ($rel:expr) => {
        match $crate::shared_file($rel) {
            Some(p) => p,
            None => return,
        }
    };
}
