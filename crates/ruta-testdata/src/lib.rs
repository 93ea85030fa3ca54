//! ruta-testdata: where tests find the real public datasets.
//!
//! The datasets live outside the repository, in `../shared/data` relative to the
//! workspace root (override with `RUTA_SHARED_DATA`). They are never copied into the
//! repository. When a file is missing, tests skip with a message — except under
//! `CI=true`, where a missing file is a failure.

use std::path::{Path, PathBuf};

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

/// The `ruta import` argument lists (kind, then files) that load every shared dataset the
/// projects-and-flows audit counts: GCDF 3.0 (full table and GeoGCDF input), its ADM1/ADM2
/// locations and three GeoJSON files, both AEI releases and BU. Paths are under `data`
/// (the shared data directory). The seed articles are ingested separately
/// (`ruta ingest news`, [`seeds_dir`]).
pub fn full_import_runs(data: &Path) -> Vec<Vec<String>> {
    let p = |rel: &str| data.join(rel).to_string_lossy().into_owned();
    vec![
        vec![
            "gcdf".into(),
            p("gcdf3/lac_ports_fullschema.csv"),
            p("gcdf3/final_input_lac.csv"),
        ],
        vec![
            "gcdf-adm".into(),
            p("gcdf3/adm1_locations.csv"),
            p("gcdf3/adm2_locations.csv"),
        ],
        vec![
            "geojson".into(),
            p("gcdf3/geojson/37002.geojson"),
            p("gcdf3/geojson/55426.geojson"),
            p("gcdf3/geojson/92607.geojson"),
        ],
        vec![
            "aei-cgit".into(),
            p("aei_cgit/investments_2005_2025h1.csv"),
            p("aei_cgit/investments_and_construction_2005_2019.csv"),
        ],
        vec!["bu-cgef".into(), p("bu_cgef/bu_cgef_2020.csv")],
    ]
}
